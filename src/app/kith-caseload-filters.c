/* kith-caseload-filters.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The filter bar above the caseload. Each toggle turns one of the core's
 * filters on; each shows how many people it would show given the search
 * and the filters already on, counted by the core once the main loop is
 * idle after the list changed. "My caseload" needs the professional's
 * name, kept in the "my-name" setting and given in the bar itself.
 */

#define G_LOG_DOMAIN "kith-caseload-filters"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-caseload-filters.h"
#include "kith-format.h"

struct _KithCaseloadFilters
{
  GtkWidget        parent_instance;

  KithStore       *store;
  KithCaseload    *caseload;
  GSettings       *settings;
  char            *my_name;        /* NULL while unset */
  char            *my_team;        /* NULL while unset */
  guint            counts_idle_id;
  gboolean         applying;
  char            *count_text[KITH_CASELOAD_N_FILTERS];
  GtkWidget       *pills[9];        /* in order, for the arrow keys */
  guint            focus_pill;      /* the one Tab stops at */

  /* Template widgets */
  GtkWidget       *scroller;
  GtkToggleButton *mine_button;
  GtkLabel        *mine_count;
  GtkMenuButton   *tier_button;
  GtkPopover      *tier_popover;
  GtkLabel        *tier_label;
  GtkLabel        *tier_count;
  GtkCheckButton  *fit_check;
  GtkCheckButton  *mild_check;
  GtkCheckButton  *moderate_check;
  GtkCheckButton  *severe_check;
  GtkToggleButton *review_button;
  GtkLabel        *review_count;
  GtkToggleButton *action_button;
  GtkLabel        *action_count;
  GtkToggleButton *alert_button;
  GtkLabel        *alert_count;
  GtkToggleButton *team_button;
  GtkLabel        *team_count;
  GtkToggleButton *discharged_button;
  GtkLabel        *discharged_count;
  GtkToggleButton *ward_button;
  GtkLabel        *ward_count;
  GtkEntry        *team_entry;
  GtkMenuButton   *name_button;
  GtkPopover      *name_popover;
  GtkEntry        *name_entry;
  GtkWidget       *name_save;
};

G_DEFINE_FINAL_TYPE (KithCaseloadFilters, kith_caseload_filters, GTK_TYPE_WIDGET)

static guint
filter_index (KithCaseloadFilter filter)
{
  guint index = 0;

  while (index < KITH_CASELOAD_N_FILTERS && (1u << index) != (guint) filter)
    index++;
  g_assert (index < KITH_CASELOAD_N_FILTERS);
  return index;
}

static GtkCheckButton *
get_tier_check (KithCaseloadFilters *self,
                KithFrailtyBand      band)
{
  switch (band)
    {
    case KITH_FRAILTY_FIT:      return self->fit_check;
    case KITH_FRAILTY_MILD:     return self->mild_check;
    case KITH_FRAILTY_MODERATE: return self->moderate_check;
    case KITH_FRAILTY_SEVERE:   return self->severe_check;
    default: g_return_val_if_reached (NULL);
    }
}

static guint
get_chosen_tiers (KithCaseloadFilters *self)
{
  guint tiers = 0;

  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    if (gtk_check_button_get_active (get_tier_check (self, band)))
      tiers |= KITH_CASELOAD_TIER (band);
  return tiers;
}

/* "Risk tier", the one tier chosen, or how many */
static void
update_tier_label (KithCaseloadFilters *self,
                   guint                tiers)
{
  g_autofree char *text = NULL;
  guint n = 0;
  KithFrailtyBand chosen = KITH_FRAILTY_FIT;

  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    if (tiers & KITH_CASELOAD_TIER (band))
      {
        n++;
        chosen = band;
      }

  if (n == 0)
    text = g_strdup (_("Risk tier"));
  else if (n == 1)
    text = g_strdup (kith_frailty_band_label (chosen));
  else
    /* Translators: the risk tier filter with several tiers chosen */
    text = g_strdup_printf (ngettext ("%u risk tier", "%u risk tiers", n), n);

  gtk_label_set_text (self->tier_label, text);
  if (n > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->tier_button), "on");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->tier_button), "on");
}

static void
apply_filters (KithCaseloadFilters *self)
{
  KithCaseloadFilter filters = 0;
  guint tiers = get_chosen_tiers (self);

  update_tier_label (self, tiers);
  if (self->caseload == NULL || self->applying)
    return;

  if (gtk_toggle_button_get_active (self->mine_button) && self->my_name != NULL)
    filters |= KITH_CASELOAD_FILTER_MINE;
  if (tiers != 0)
    filters |= KITH_CASELOAD_FILTER_TIER;
  if (gtk_toggle_button_get_active (self->review_button))
    filters |= KITH_CASELOAD_FILTER_REVIEW_OVERDUE;
  if (gtk_toggle_button_get_active (self->action_button))
    filters |= KITH_CASELOAD_FILTER_ACTION_OVERDUE;
  if (gtk_toggle_button_get_active (self->alert_button))
    filters |= KITH_CASELOAD_FILTER_ALERT_OPEN;
  if (gtk_toggle_button_get_active (self->team_button) && self->my_team != NULL)
    filters |= KITH_CASELOAD_FILTER_TEAM;
  if (gtk_toggle_button_get_active (self->discharged_button))
    filters |= KITH_CASELOAD_FILTER_DISCHARGED;
  if (gtk_toggle_button_get_active (self->ward_button))
    filters |= KITH_CASELOAD_FILTER_VIRTUAL_WARD;

  /* The list reloads; its items-changed brings the counts up to date. */
  kith_caseload_set_team (self->caseload, self->my_team);
  kith_caseload_set_filter (self->caseload, filters, self->my_name, tiers);
}

/* A count beside a filter's name, and the words a screen reader says */
static void
set_count (KithCaseloadFilters *self,
           KithCaseloadFilter   filter,
           GtkLabel            *label,
           GtkWidget           *button,
           const char          *name,
           gboolean             shown,
           guint                count)
{
  guint index = filter_index (filter);
  g_autofree char *number = kith_format_count (count);

  g_free (self->count_text[index]);
  self->count_text[index] = g_strdup (shown ? number : "");
  gtk_label_set_text (label, self->count_text[index]);
  gtk_widget_set_visible (GTK_WIDGET (label), shown);

  if (shown)
    {
      /* Translators: a caseload filter and how many people it would show,
       * "Review overdue, 12 people" */
      g_autofree char *described = g_strdup_printf (ngettext ("%s, %s person", "%s, %s people", count),
                                                    name, number);

      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      described, -1);
    }
  else
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/* Each tier in the menu says how many people it would show with the other
 * filters on. Counted only while the menu is open. */
static void
update_tier_counts (KithCaseloadFilters *self)
{
  KithCaseloadFilter others;

  if (self->caseload == NULL)
    return;

  others = kith_caseload_get_filter (self->caseload) & ~KITH_CASELOAD_FILTER_TIER;
  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) shown = NULL;
      g_autofree char *label = NULL;
      KithCaseloadFilterSpec spec = { others | KITH_CASELOAD_FILTER_TIER,
                                      (others & KITH_CASELOAD_FILTER_MINE) ? self->my_name : NULL,
                                      KITH_CASELOAD_TIER (band), NULL, self->my_team };

      if (!(shown = kith_store_filter_patients (self->store, kith_caseload_get_query (self->caseload),
                                                &spec, NULL, &error)))
        {
          g_warning ("Could not count a risk tier: %s", error->message);
          label = g_strdup (kith_frailty_band_label (band));
        }
      else
        {
          g_autofree char *number = kith_format_count (shown->len);

          /* Translators: a risk tier and how many people are in it, "Severe frailty (12)" */
          label = g_strdup_printf (_("%s (%s)"), kith_frailty_band_label (band), number);
        }
      gtk_check_button_set_label (get_tier_check (self, band), label);
    }
}

static void
update_counts (KithCaseloadFilters *self)
{
  guint counts[KITH_CASELOAD_N_FILTERS] = { 0 };
  KithCaseloadFilter on;

  if (self->caseload == NULL)
    return;

  kith_caseload_get_filter_counts (self->caseload, counts);
  on = kith_caseload_get_filter (self->caseload);

  set_count (self, KITH_CASELOAD_FILTER_MINE, self->mine_count, GTK_WIDGET (self->mine_button),
             _("My caseload"), self->my_name != NULL, counts[0]);
  /* A tier count means something once tiers are chosen */
  set_count (self, KITH_CASELOAD_FILTER_TIER, self->tier_count, GTK_WIDGET (self->tier_button),
             gtk_label_get_text (self->tier_label), (on & KITH_CASELOAD_FILTER_TIER) != 0, counts[1]);
  set_count (self, KITH_CASELOAD_FILTER_REVIEW_OVERDUE, self->review_count, GTK_WIDGET (self->review_button),
             _("Review overdue"), TRUE, counts[2]);
  set_count (self, KITH_CASELOAD_FILTER_ACTION_OVERDUE, self->action_count, GTK_WIDGET (self->action_button),
             _("Actions overdue"), TRUE, counts[3]);
  set_count (self, KITH_CASELOAD_FILTER_ALERT_OPEN, self->alert_count, GTK_WIDGET (self->alert_button),
             _("Safety alerts"), TRUE, counts[4]);
  set_count (self, KITH_CASELOAD_FILTER_TEAM, self->team_count, GTK_WIDGET (self->team_button),
             _("My team"), self->my_team != NULL, counts[5]);
  set_count (self, KITH_CASELOAD_FILTER_DISCHARGED, self->discharged_count, GTK_WIDGET (self->discharged_button),
             _("After discharge"), TRUE, counts[6]);
  set_count (self, KITH_CASELOAD_FILTER_VIRTUAL_WARD, self->ward_count, GTK_WIDGET (self->ward_button),
             _("Virtual ward"), TRUE, counts[7]);

  if (gtk_widget_get_visible (GTK_WIDGET (self->tier_popover)))
    update_tier_counts (self);
}

static gboolean
update_counts_idle_cb (gpointer user_data)
{
  KithCaseloadFilters *self = user_data;

  self->counts_idle_id = 0;
  update_counts (self);
  return G_SOURCE_REMOVE;
}

/* After the list is drawn: counting is a second pass over the caseload. */
static void
queue_update_counts (KithCaseloadFilters *self)
{
  if (self->counts_idle_id == 0)
    self->counts_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, update_counts_idle_cb, self, NULL);
}

/* The bar is one stop for Tab, as a toolbar is: the arrow keys move
 * between its pills, and only the pill last used can take the focus. */
static void
set_focus_pill (KithCaseloadFilters *self,
                guint                index)
{
  self->focus_pill = index;
  for (guint i = 0; i < G_N_ELEMENTS (self->pills); i++)
    gtk_widget_set_can_focus (self->pills[i], i == index);
}

static void
ensure_focus_pill_sensitive (KithCaseloadFilters *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->pills); i++)
    {
      guint index = (self->focus_pill + i) % G_N_ELEMENTS (self->pills);

      if (gtk_widget_get_sensitive (self->pills[index]))
        {
          set_focus_pill (self, index);
          return;
        }
    }
}

static gboolean
on_key_pressed_cb (KithCaseloadFilters   *self,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   GtkEventControllerKey *controller)
{
  int step, index = self->focus_pill;
  const int n = G_N_ELEMENTS (self->pills);

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      step = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL ? 1 : -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      step = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL ? -1 : 1;
      break;
    case GDK_KEY_Home:
      index = n;
      step = 1;
      break;
    case GDK_KEY_End:
      index = -1;
      step = -1;
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  for (int i = 0; i < n; i++)
    {
      index = (index + step + n) % n;
      if (gtk_widget_get_sensitive (self->pills[index]))
        break;
    }
  set_focus_pill (self, index);
  gtk_widget_child_focus (self->pills[index], GTK_DIR_TAB_FORWARD);
  return GDK_EVENT_STOP;
}

/* A click focuses a pill: it becomes the one Tab comes back to. */
static void
on_focus_enter_cb (KithCaseloadFilters     *self,
                   GtkEventControllerFocus *controller)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));

  for (guint i = 0; focus != NULL && i < G_N_ELEMENTS (self->pills); i++)
    if (focus == self->pills[i] || gtk_widget_is_ancestor (focus, self->pills[i]))
      {
        if (i != self->focus_pill)
          set_focus_pill (self, i);
        return;
      }
}

/* "My caseload" needs to know who "my" is. */
static void
update_name (KithCaseloadFilters *self)
{
  gboolean known = self->my_name != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->mine_button), known);
  if (known)
    {
      /* Translators: %s is the professional's name as co-ordinator */
      g_autofree char *tooltip = g_strdup_printf (_("People whose named co-ordinator is %s"), self->my_name);
      g_autofree char *name_tooltip = g_strdup_printf (_("Your name: %s"), self->my_name);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->mine_button), tooltip);
      gtk_menu_button_set_icon_name (self->name_button, "avatar-default-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_button), name_tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->name_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name_tooltip, -1);
    }
  else
    {
      const char *why = _("Set your name first, with “Set Your Name…”, so that Kith knows which "
                          "people you co-ordinate");

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->mine_button), why);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->mine_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      why, -1);
      gtk_menu_button_set_label (self->name_button, _("Set Your Name…"));
      gtk_menu_button_set_use_underline (self->name_button, FALSE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_button),
                                  _("Give your name, to see the people you co-ordinate"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->name_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Set your name"), -1);
      if (gtk_toggle_button_get_active (self->mine_button))
        gtk_toggle_button_set_active (self->mine_button, FALSE);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->team_button), self->my_team != NULL);
  if (self->my_team != NULL)
    {
      /* Translators: %s is a team's name, "North locality team" */
      g_autofree char *team_tooltip = g_strdup_printf (_("People cared for by %s"), self->my_team);

      gtk_widget_set_tooltip_text (GTK_WIDGET (self->team_button), team_tooltip);
    }
  else
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->team_button),
                                   _("Give your team with your name, so that Kith knows which people your team cares for"));
      if (gtk_toggle_button_get_active (self->team_button))
        gtk_toggle_button_set_active (self->team_button, FALSE);
    }
  ensure_focus_pill_sensitive (self);

  apply_filters (self);
  queue_update_counts (self);
}

static void
set_my_team (KithCaseloadFilters *self,
             const char          *team)
{
  g_autofree char *stripped = g_strstrip (g_strdup (team != NULL ? team : ""));

  g_clear_pointer (&self->my_team, g_free);
  if (*stripped != '\0')
    self->my_team = g_steal_pointer (&stripped);
  update_name (self);
}

static void
on_settings_my_team_changed_cb (KithCaseloadFilters *self,
                                const char          *key,
                                GSettings           *settings)
{
  g_autofree char *team = g_settings_get_string (settings, "my-team");

  set_my_team (self, team);
}

static void
set_my_name (KithCaseloadFilters *self,
             const char          *name)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name != NULL ? name : ""));

  g_clear_pointer (&self->my_name, g_free);
  if (*stripped != '\0')
    self->my_name = g_steal_pointer (&stripped);
  update_name (self);
}

static void
on_settings_my_name_changed_cb (KithCaseloadFilters *self,
                                const char          *key,
                                GSettings           *settings)
{
  g_autofree char *name = g_settings_get_string (settings, "my-name");

  set_my_name (self, name);
}

static void
on_filter_toggled_cb (KithCaseloadFilters *self)
{
  apply_filters (self);
}

static void
on_tier_popover_show_cb (KithCaseloadFilters *self)
{
  /* What is in a popover can take the focus only if its button can */
  set_focus_pill (self, 2);
  update_tier_counts (self);
}

static void
on_name_popover_show_cb (KithCaseloadFilters *self)
{
  set_focus_pill (self, G_N_ELEMENTS (self->pills) - 1);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), self->my_name != NULL ? self->my_name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->team_entry), self->my_team != NULL ? self->my_team : "");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
on_name_save_cb (KithCaseloadFilters *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));
  g_autofree char *team = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->team_entry))));
  gboolean was_unset = self->my_name == NULL;

  /* The settings' change notifications bring the name and team here */
  if (self->settings != NULL)
    {
      g_settings_set_string (self->settings, "my-name", name);
      g_settings_set_string (self->settings, "my-team", team);
    }
  else
    {
      set_my_name (self, name);
      set_my_team (self, team);
    }
  gtk_popover_popdown (self->name_popover);

  /* Giving the name is asking for one's own caseload */
  if (was_unset && self->my_name != NULL)
    gtk_toggle_button_set_active (self->mine_button, TRUE);
}

static void
on_caseload_items_changed_cb (KithCaseloadFilters *self)
{
  queue_update_counts (self);
}

static void
kith_caseload_filters_dispose (GObject *object)
{
  KithCaseloadFilters *self = KITH_CASELOAD_FILTERS (object);

  g_clear_handle_id (&self->counts_idle_id, g_source_remove);
  if (self->caseload != NULL)
    g_signal_handlers_disconnect_by_data (self->caseload, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_CASELOAD_FILTERS);

  G_OBJECT_CLASS (kith_caseload_filters_parent_class)->dispose (object);
}

static void
kith_caseload_filters_finalize (GObject *object)
{
  KithCaseloadFilters *self = KITH_CASELOAD_FILTERS (object);

  g_clear_object (&self->caseload);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->my_name, g_free);
  g_clear_pointer (&self->my_team, g_free);
  for (guint i = 0; i < KITH_CASELOAD_N_FILTERS; i++)
    g_free (self->count_text[i]);

  G_OBJECT_CLASS (kith_caseload_filters_parent_class)->finalize (object);
}

static void
kith_caseload_filters_class_init (KithCaseloadFiltersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_caseload_filters_dispose;
  object_class->finalize = kith_caseload_filters_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "caseloadfilters");
  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-caseload-filters.ui");
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, scroller);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, mine_button);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, mine_count);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, tier_button);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, tier_popover);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, tier_label);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, tier_count);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, fit_check);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, mild_check);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, moderate_check);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, severe_check);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, review_button);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, review_count);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, action_button);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, action_count);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, alert_button);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, alert_count);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, team_button);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, team_count);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, discharged_button);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, discharged_count);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, ward_button);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, ward_count);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, team_entry);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, name_button);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, name_popover);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, name_entry);
  gtk_widget_class_bind_template_child (widget_class, KithCaseloadFilters, name_save);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_tier_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_save_cb);
}

static void
kith_caseload_filters_init (KithCaseloadFilters *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->pills[0] = GTK_WIDGET (self->mine_button);
  self->pills[1] = GTK_WIDGET (self->team_button);
  self->pills[2] = GTK_WIDGET (self->tier_button);
  self->pills[3] = GTK_WIDGET (self->review_button);
  self->pills[4] = GTK_WIDGET (self->action_button);
  self->pills[5] = GTK_WIDGET (self->alert_button);
  self->pills[6] = GTK_WIDGET (self->discharged_button);
  self->pills[7] = GTK_WIDGET (self->ward_button);
  self->pills[8] = GTK_WIDGET (self->name_button);
  set_focus_pill (self, 0);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (on_focus_enter_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    gtk_check_button_set_label (get_tier_check (self, band), kith_frailty_band_label (band));
  update_name (self);
}

GtkWidget *
kith_caseload_filters_new (void)
{
  return g_object_new (KITH_TYPE_CASELOAD_FILTERS, NULL);
}

void
kith_caseload_filters_set_caseload (KithCaseloadFilters *self,
                                    KithStore           *store,
                                    KithCaseload        *caseload)
{
  g_return_if_fail (KITH_IS_CASELOAD_FILTERS (self));
  g_return_if_fail (KITH_IS_STORE (store));
  g_return_if_fail (KITH_IS_CASELOAD (caseload));
  g_return_if_fail (self->caseload == NULL);

  self->store = g_object_ref (store);
  self->caseload = g_object_ref (caseload);
  g_signal_connect_object (caseload, "items-changed", G_CALLBACK (on_caseload_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  apply_filters (self);
  queue_update_counts (self);
}

void
kith_caseload_filters_set_settings (KithCaseloadFilters *self,
                                    GSettings           *settings)
{
  g_autofree char *name = NULL;

  g_return_if_fail (KITH_IS_CASELOAD_FILTERS (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings == NULL)
    return;

  g_signal_connect_object (settings, "changed::my-name", G_CALLBACK (on_settings_my_name_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::my-team", G_CALLBACK (on_settings_my_team_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->applying = TRUE;
  on_settings_my_team_changed_cb (self, "my-team", settings);
  self->applying = FALSE;
  on_settings_my_name_changed_cb (self, "my-name", settings);
}

void
kith_caseload_filters_clear (KithCaseloadFilters *self)
{
  g_return_if_fail (KITH_IS_CASELOAD_FILTERS (self));

  /* One reload, not one for each toggle */
  self->applying = TRUE;
  gtk_toggle_button_set_active (self->mine_button, FALSE);
  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    gtk_check_button_set_active (get_tier_check (self, band), FALSE);
  gtk_toggle_button_set_active (self->review_button, FALSE);
  gtk_toggle_button_set_active (self->action_button, FALSE);
  gtk_toggle_button_set_active (self->alert_button, FALSE);
  gtk_toggle_button_set_active (self->team_button, FALSE);
  gtk_toggle_button_set_active (self->discharged_button, FALSE);
  gtk_toggle_button_set_active (self->ward_button, FALSE);
  self->applying = FALSE;
  apply_filters (self);
}

GtkToggleButton *
kith_caseload_filters_get_toggle (KithCaseloadFilters *self,
                                  KithCaseloadFilter   filter)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_FILTERS (self), NULL);

  switch (filter)
    {
    case KITH_CASELOAD_FILTER_MINE:           return self->mine_button;
    case KITH_CASELOAD_FILTER_REVIEW_OVERDUE: return self->review_button;
    case KITH_CASELOAD_FILTER_ACTION_OVERDUE: return self->action_button;
    case KITH_CASELOAD_FILTER_ALERT_OPEN:     return self->alert_button;
    case KITH_CASELOAD_FILTER_TEAM:           return self->team_button;
    case KITH_CASELOAD_FILTER_DISCHARGED:     return self->discharged_button;
    case KITH_CASELOAD_FILTER_VIRTUAL_WARD:   return self->ward_button;
    case KITH_CASELOAD_FILTER_TIER:
    default:
      g_return_val_if_reached (NULL);
    }
}

GtkCheckButton *
kith_caseload_filters_get_tier_check (KithCaseloadFilters *self,
                                      KithFrailtyBand      band)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_FILTERS (self), NULL);

  return get_tier_check (self, band);
}

GtkMenuButton *
kith_caseload_filters_get_tier_button (KithCaseloadFilters *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_FILTERS (self), NULL);

  return self->tier_button;
}

const char *
kith_caseload_filters_get_count_text (KithCaseloadFilters *self,
                                      KithCaseloadFilter   filter)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_FILTERS (self), NULL);

  return self->count_text[filter_index (filter)] != NULL ? self->count_text[filter_index (filter)] : "";
}

GtkEditable *
kith_caseload_filters_get_name_entry (KithCaseloadFilters *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_FILTERS (self), NULL);

  return GTK_EDITABLE (self->name_entry);
}

GtkWidget *
kith_caseload_filters_get_name_save (KithCaseloadFilters *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_FILTERS (self), NULL);

  return self->name_save;
}

void
kith_caseload_filters_update_counts (KithCaseloadFilters *self)
{
  g_return_if_fail (KITH_IS_CASELOAD_FILTERS (self));

  g_clear_handle_id (&self->counts_idle_id, g_source_remove);
  update_counts (self);
}
