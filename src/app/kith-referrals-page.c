/* kith-referrals-page.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The single point of referral, as a co-ordinator works it: every
 * referral from every source in one inbox, waiting ones first and the
 * most urgent at the top (said in words and with an icon, never by colour
 * alone), when each came, and for the one selected what it says and the
 * triage: accept with a named co-ordinator, ask for information, or
 * decline with a reason. Above the list, how quickly this month's
 * referrals were triaged and the person contacted.
 */

#define G_LOG_DOMAIN "kith-referrals-page"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-referral-dialog.h"
#include "kith-referrals-page.h"

#define N_TABS 4

struct _KithReferralsPage
{
  AdwBin             parent_instance;

  KithStore         *store;
  char              *my_name;
  GPtrArray         *referrals;      /* KithReferral: everything, inbox order */
  GPtrArray         *shown;          /* KithReferral (borrowed from referrals), by row index */
  KithReferralsShow  showing;
  char              *tab_labels[N_TABS];
  char              *selected_id;    /* kept across a reload */
  gboolean           disposed;
  GtkSizeGroup      *urgency_group;  /* the urgencies and times in columns */
  GtkSizeGroup      *received_group;

  /* Template widgets */
  AdwToastOverlay   *toast_overlay;
  GtkToggleButton   *waiting_tab;
  GtkToggleButton   *info_tab;
  GtkToggleButton   *accepted_tab;
  GtkToggleButton   *declined_tab;
  GtkButton         *new_button;
  GtkLabel          *times_label;
  GtkStack          *stack;
  GtkListBox        *list;
  AdwStatusPage     *empty_page;
  GtkRevealer       *detail_revealer;
  GtkLabel          *detail_title;
  GtkLabel          *detail_label;
  GtkButton         *open_button;
  GtkButton         *decline_button;
  GtkButton         *received_button;
  GtkButton         *request_button;
  GtkButton         *accept_button;
};

G_DEFINE_FINAL_TYPE (KithReferralsPage, kith_referrals_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_MY_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  OPEN_PERSON,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The states each tab shows */
static const KithReferralState tab_states[N_TABS] = {
  KITH_REFERRAL_WAITING,
  KITH_REFERRAL_INFO_REQUESTED,
  KITH_REFERRAL_ACCEPTED | KITH_REFERRAL_COMPLETED,
  KITH_REFERRAL_DECLINED,
};

/* Helpers */

static GtkToggleButton *
get_tab (KithReferralsPage *self,
         KithReferralsShow  showing)
{
  switch (showing)
    {
    case KITH_REFERRALS_SHOW_WAITING:        return self->waiting_tab;
    case KITH_REFERRALS_SHOW_INFO_REQUESTED: return self->info_tab;
    case KITH_REFERRALS_SHOW_ACCEPTED:       return self->accepted_tab;
    case KITH_REFERRALS_SHOW_DECLINED:
    default:                                 return self->declined_tab;
    }
}

static void
show_toast (KithReferralsPage *self,
            const char        *message,
            gboolean           is_error)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, is_error ? 8 : 4);
  if (is_error)
    adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* "3 h", "45 min", "2 days" */
static char *
format_hours (double hours)
{
  if (hours < 1.0)
    {
      int minutes = (int) MAX (1, round (hours * 60));

      /* Translators: a time taken in minutes */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min", "%d min", minutes), minutes);
    }
  if (hours < 48.0)
    {
      int whole = (int) round (hours);

      /* Translators: a time taken in hours, "3 h" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d h", "%d h", whole), whole);
    }
  {
    int days = (int) round (hours / 24.0);

    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", days), days);
  }
}

static GtkWidget *
new_urgency_badge (KithReferralUrgency urgency)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (kith_referral_urgency_to_label (urgency));

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (box, GTK_ALIGN_START);
  if (urgency != KITH_REFERRAL_ROUTINE)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      /* The word says it; the icon and colour only help it stand out */
      gtk_widget_add_css_class (icon, "error");
      gtk_box_append (GTK_BOX (box), icon);
      gtk_widget_add_css_class (label, "error");
      gtk_widget_add_css_class (label, "heading");
    }
  else
    gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

static char *
dup_source_text (const KithReferral *referral)
{
  const char *source = kith_referral_source_to_label (referral->source);

  if (referral->referrer != NULL)
    /* Translators: where a referral came from and who sent it, "GP practice, Dr Patel" */
    return g_strdup_printf (_("%s, %s"), source, referral->referrer);
  return g_strdup (source);
}

/* What a row says under the person's name, for the tab it is on */
static char *
dup_row_subtitle (const KithReferral *referral)
{
  g_autofree char *source = dup_source_text (referral);
  g_autofree char *reason = g_strdup (referral->reason ? referral->reason : "");

  /* One line of the reason: the detail below shows all of it */
  g_strdelimit (reason, "\r\n", ' ');
  switch (referral->state)
    {
    case KITH_REFERRAL_INFO_REQUESTED:
      /* Translators: a referral waiting for information: source, then what was asked for */
      return g_strdup_printf (_("%s · Asked for: %s"), source, referral->state_reason ? referral->state_reason : "");
    case KITH_REFERRAL_ACCEPTED:
    case KITH_REFERRAL_COMPLETED:
      /* Translators: an accepted referral: source, then its co-ordinator */
      return g_strdup_printf (_("%s · Co-ordinator: %s"), source, referral->coordinator ? referral->coordinator : "");
    case KITH_REFERRAL_DECLINED:
      /* Translators: a declined referral: source, then why */
      return g_strdup_printf (_("%s · Declined: %s"), source, referral->state_reason ? referral->state_reason : "");
    case KITH_REFERRAL_WAITING:
    default:
      /* Translators: a referral waiting for triage: source, then the reason */
      return g_strdup_printf (_("%s · %s"), source, reason);
    }
}

static GtkWidget *
create_row (KithReferralsPage  *self,
            const KithReferral *referral)
{
  GtkWidget *row = adw_action_row_new ();
  const char *person = referral->person_name ? referral->person_name : _("Someone not yet in this store");
  g_autofree char *title = g_markup_escape_text (person, -1);
  g_autofree char *subtitle_text = dup_row_subtitle (referral);
  g_autofree char *subtitle = g_markup_escape_text (subtitle_text, -1);
  g_autofree char *received = kith_referrals_page_format_received (referral->received, NULL);
  g_autofree char *received_full = kith_format_instant (referral->received);
  g_autofree char *received_tooltip = NULL;
  GtkWidget *received_label = gtk_label_new (received);
  GtkWidget *badge;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  badge = new_urgency_badge (referral->urgency);
  gtk_size_group_add_widget (self->urgency_group, badge);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
  /* Translators: when a referral came, in full, "Received 3 March 2026 at 09:15" */
  received_tooltip = g_strdup_printf (_("Received %s"), received_full ? received_full : "");
  gtk_widget_set_tooltip_text (received_label, received_tooltip);
  gtk_widget_add_css_class (received_label, "dim-label");
  gtk_widget_add_css_class (received_label, "caption");
  gtk_label_set_xalign (GTK_LABEL (received_label), 1);
  gtk_size_group_add_widget (self->received_group, received_label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), received_label);
  return row;
}

static const KithReferral *
get_selected (KithReferralsPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);
  int index = row ? gtk_list_box_row_get_index (row) : -1;

  if (index < 0 || self->shown == NULL || (guint) index >= self->shown->len)
    return NULL;
  return self->shown->pdata[index];
}

static void
update_detail (KithReferralsPage *self)
{
  const KithReferral *referral = get_selected (self);
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *source = NULL;
  g_autofree char *received = NULL;
  g_autofree char *title = NULL;
  gboolean open;

  gtk_revealer_set_reveal_child (self->detail_revealer, referral != NULL);
  if (referral == NULL)
    return;

  source = dup_source_text (referral);
  received = kith_format_instant (referral->received);
  /* Translators: the referral selected: the person, then its state, "SMITH, Margaret: Waiting for triage" */
  title = g_strdup_printf (_("%s: %s"),
                           referral->person_name ? referral->person_name : _("Someone not yet in this store"),
                           kith_referral_state_to_label (referral->state));
  gtk_label_set_text (self->detail_title, title);

  g_string_append_printf (detail, _("From %s, received %s. %s."), source, received ? received : "",
                          kith_referral_urgency_to_label (referral->urgency));
  g_string_append_c (detail, '\n');
  g_string_append_printf (detail, _("Reason: %s"), referral->reason ? referral->reason : "");
  if (referral->state == KITH_REFERRAL_INFO_REQUESTED && referral->state_reason)
    {
      g_string_append_c (detail, '\n');
      g_string_append_printf (detail, _("Information requested: %s"), referral->state_reason);
    }
  if (referral->coordinator)
    {
      g_string_append_c (detail, '\n');
      g_string_append_printf (detail, _("Co-ordinator: %s"), referral->coordinator);
    }
  if (referral->state == KITH_REFERRAL_DECLINED && referral->state_reason)
    {
      g_string_append_c (detail, '\n');
      g_string_append_printf (detail, _("Declined: %s"), referral->state_reason);
    }
  if (referral->first_contact)
    {
      g_autofree char *contact = kith_format_instant (referral->first_contact);

      g_string_append_c (detail, '\n');
      g_string_append_printf (detail, _("First contact %s."), contact);
    }
  gtk_label_set_text (self->detail_label, detail->str);

  open = (referral->state & (KITH_REFERRAL_WAITING | KITH_REFERRAL_INFO_REQUESTED)) != 0;
  gtk_widget_set_visible (GTK_WIDGET (self->accept_button), open);
  gtk_widget_set_visible (GTK_WIDGET (self->request_button), referral->state == KITH_REFERRAL_WAITING);
  gtk_widget_set_visible (GTK_WIDGET (self->received_button), referral->state == KITH_REFERRAL_INFO_REQUESTED);
  gtk_widget_set_visible (GTK_WIDGET (self->decline_button), open);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), referral->patient_id != NULL);
}

static const char *
empty_title (KithReferralsShow showing)
{
  switch (showing)
    {
    case KITH_REFERRALS_SHOW_WAITING:        return _("No Referrals Waiting");
    case KITH_REFERRALS_SHOW_INFO_REQUESTED: return _("No Referrals Waiting for Information");
    case KITH_REFERRALS_SHOW_ACCEPTED:       return _("No Accepted Referrals");
    case KITH_REFERRALS_SHOW_DECLINED:
    default:                                 return _("No Declined Referrals");
    }
}

/* Rebuilds the list for the tab shown, keeping the selection. */
static void
fill_list (KithReferralsPage *self)
{
  GtkWidget *child;
  GtkListBoxRow *to_select = NULL;
  g_autofree char *keep = g_strdup (self->selected_id);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  self->shown = g_ptr_array_new ();

  for (guint i = 0; self->referrals && i < self->referrals->len; i++)
    {
      KithReferral *referral = self->referrals->pdata[i];
      GtkWidget *row;

      if ((referral->state & tab_states[self->showing]) == 0)
        continue;
      row = create_row (self, referral);
      g_ptr_array_add (self->shown, referral);
      gtk_list_box_append (self->list, row);
      if (keep && g_strcmp0 (keep, referral->id) == 0)
        to_select = GTK_LIST_BOX_ROW (row);
    }

  adw_status_page_set_title (self->empty_page, empty_title (self->showing));
  gtk_stack_set_visible_child_name (self->stack, self->shown->len > 0 ? "list" : "empty");
  gtk_list_box_select_row (self->list, to_select);
  g_free (self->selected_id);
  self->selected_id = g_steal_pointer (&keep);
  update_detail (self);
}

static void
update_tabs (KithReferralsPage *self)
{
  static const char *names[N_TABS] = {
    N_("_Waiting"), N_("_Information Requested"), N_("A_ccepted"), N_("Dec_lined"),
  };
  guint counts[N_TABS] = { 0 };

  for (guint i = 0; self->referrals && i < self->referrals->len; i++)
    {
      const KithReferral *referral = self->referrals->pdata[i];

      for (guint t = 0; t < N_TABS; t++)
        if (referral->state & tab_states[t])
          counts[t]++;
    }
  for (guint t = 0; t < N_TABS; t++)
    {
      g_free (self->tab_labels[t]);
      /* Translators: a tab and how many referrals it holds, "Waiting (3)" */
      self->tab_labels[t] = g_strdup_printf (_("%s (%u)"), _(names[t]), counts[t]);
      gtk_button_set_label (GTK_BUTTON (get_tab (self, t)), self->tab_labels[t]);
    }
}

static void
update_times (KithReferralsPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) from = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                     1, 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_add_months (from, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  KithReferralTimes times;

  if (!kith_referral_times (self->store, from, to, &times, &error))
    {
      g_warning ("Could not work out the referral times: %s", error->message);
      gtk_label_set_text (self->times_label, "");
      return;
    }
  text = kith_referrals_page_format_times (&times);
  gtk_label_set_text (self->times_label, text);

  if (times.received > 0)
    {
      g_autoptr(GString) more = g_string_new (NULL);

      g_string_append_printf (more, g_dngettext (GETTEXT_PACKAGE,
                                                 "This month: %u referral received, %u triaged, %u contacted.",
                                                 "This month: %u referrals received, %u triaged, %u contacted.",
                                                 times.received),
                              times.received, times.triaged, times.contacted);
      if (times.triaged > 0)
        {
          g_autofree char *p90 = format_hours (times.p90_hours_to_triage);

          g_string_append_c (more, '\n');
          g_string_append_printf (more, _("9 in 10 were triaged within %s."), p90);
        }
      if (times.contacted > 0)
        {
          g_autofree char *p90 = format_hours (times.p90_hours_to_contact);

          g_string_append_c (more, '\n');
          g_string_append_printf (more, _("9 in 10 were contacted within %s."), p90);
        }
      tooltip = g_string_free (g_steal_pointer (&more), FALSE);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->times_label), tooltip);
}

/* The co-ordinators referrals have gone to, for the accept dialog to offer */
static GStrv
dup_known_coordinators (KithReferralsPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; self->referrals && i < self->referrals->len; i++)
    {
      const KithReferral *referral = self->referrals->pdata[i];

      if (referral->coordinator && g_hash_table_add (seen, referral->coordinator))
        g_strv_builder_add (builder, referral->coordinator);
    }
  return g_strv_builder_end (builder);
}

/* Callbacks */

static void
on_tab_toggled_cb (KithReferralsPage *self,
                   GtkToggleButton   *tab)
{
  if (!gtk_toggle_button_get_active (tab))
    return;
  for (guint t = 0; t < N_TABS; t++)
    if (get_tab (self, t) == tab)
      self->showing = t;
  fill_list (self);
}

static void
on_row_selected_cb (KithReferralsPage *self,
                    GtkListBoxRow     *row)
{
  const KithReferral *referral;

  /* The rows go as the page is disposed */
  if (self->disposed)
    return;
  referral = get_selected (self);
  g_free (self->selected_id);
  self->selected_id = referral ? g_strdup (referral->id) : NULL;
  update_detail (self);
}

static void
on_referral_received_cb (KithReferralsPage  *self,
                         const KithReferral *referral)
{
  g_autofree char *message = NULL;

  g_free (self->selected_id);
  self->selected_id = g_strdup (referral->id);
  kith_referrals_page_set_showing (self, KITH_REFERRALS_SHOW_WAITING);
  kith_referrals_page_reload (self);
  /* Translators: %s is the person, "SMITH, Margaret" */
  message = g_strdup_printf (_("Referral for %s added"), referral->person_name ? referral->person_name : "");
  show_toast (self, message, FALSE);
}

static void
on_new_clicked_cb (KithReferralsPage *self)
{
  kith_referrals_page_new_referral (self, NULL);
}

static void
on_triage_saved_cb (KithReferralsPage  *self,
                    const KithReferral *referral,
                    KithTriageDialog   *dialog)
{
  g_autofree char *message = NULL;
  const char *person = referral->person_name ? referral->person_name : "";

  switch (kith_triage_dialog_get_kind (dialog))
    {
    case KITH_TRIAGE_ACCEPT:
      /* Translators: the person, then their co-ordinator */
      message = g_strdup_printf (_("Referral for %s accepted: %s co-ordinates"), person, referral->coordinator);
      break;
    case KITH_TRIAGE_REQUEST_INFO:
      message = g_strdup_printf (_("Information requested for %s"), person);
      break;
    case KITH_TRIAGE_DECLINE:
    default:
      message = g_strdup_printf (_("Referral for %s declined"), person);
      break;
    }
  kith_referrals_page_reload (self);
  show_toast (self, message, FALSE);
}

static void
on_triage_failed_cb (KithReferralsPage *self,
                     const char        *message)
{
  kith_referrals_page_reload (self);
  show_toast (self, message, TRUE);
}

static void
open_triage (KithReferralsPage *self,
             KithTriageKind     kind)
{
  const KithReferral *referral = get_selected (self);
  g_auto(GStrv) coordinators = NULL;
  KithTriageDialog *dialog;
  GtkRoot *root;

  if (referral == NULL || self->store == NULL)
    return;
  coordinators = dup_known_coordinators (self);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = kith_triage_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store, referral, kind,
                                   self->my_name, (const char * const *) coordinators);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_triage_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "failed", G_CALLBACK (on_triage_failed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_accept_clicked_cb (KithReferralsPage *self)
{
  open_triage (self, KITH_TRIAGE_ACCEPT);
}

static void
on_request_clicked_cb (KithReferralsPage *self)
{
  open_triage (self, KITH_TRIAGE_REQUEST_INFO);
}

static void
on_decline_clicked_cb (KithReferralsPage *self)
{
  open_triage (self, KITH_TRIAGE_DECLINE);
}

static void
on_received_clicked_cb (KithReferralsPage *self)
{
  const KithReferral *selected = get_selected (self);
  g_autoptr(KithReferral) referral = NULL;
  g_autoptr(GError) error = NULL;

  if (selected == NULL)
    return;
  referral = kith_referral_copy (selected);
  if (!kith_referral_info_received (self->store, referral, NULL, &error))
    {
      kith_referrals_page_reload (self);
      show_toast (self, error->message, TRUE);
      return;
    }
  kith_referrals_page_reload (self);
}

static void
on_open_clicked_cb (KithReferralsPage *self)
{
  const KithReferral *referral = get_selected (self);

  if (referral != NULL && referral->patient_id != NULL)
    g_signal_emit (self, signals[OPEN_PERSON], 0, referral->patient_id);
}

/* Overrides */

static void
kith_referrals_page_dispose (GObject *object)
{
  KithReferralsPage *self = KITH_REFERRALS_PAGE (object);

  /* AdwBin unparents the template's one child itself */
  self->disposed = TRUE;
  g_clear_object (&self->store);
  g_clear_object (&self->urgency_group);
  g_clear_object (&self->received_group);

  G_OBJECT_CLASS (kith_referrals_page_parent_class)->dispose (object);
}

static void
kith_referrals_page_finalize (GObject *object)
{
  KithReferralsPage *self = KITH_REFERRALS_PAGE (object);

  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->referrals, g_ptr_array_unref);
  g_free (self->my_name);
  g_free (self->selected_id);
  for (guint t = 0; t < N_TABS; t++)
    g_free (self->tab_labels[t]);

  G_OBJECT_CLASS (kith_referrals_page_parent_class)->finalize (object);
}

static void
kith_referrals_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  KithReferralsPage *self = KITH_REFERRALS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_MY_NAME:
      g_value_set_string (value, self->my_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_referrals_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  KithReferralsPage *self = KITH_REFERRALS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      kith_referrals_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_MY_NAME:
      kith_referrals_page_set_my_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_referrals_page_class_init (KithReferralsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_referrals_page_dispose;
  object_class->finalize = kith_referrals_page_finalize;
  object_class->get_property = kith_referrals_page_get_property;
  object_class->set_property = kith_referrals_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         KITH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MY_NAME] =
    g_param_spec_string ("my-name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KithReferralsPage::open-person:
   * @patient_id: the person referred
   *
   * The person's record is asked for.
   */
  signals[OPEN_PERSON] = g_signal_new ("open-person",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-referrals-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, waiting_tab);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, info_tab);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, accepted_tab);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, declined_tab);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, new_button);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, times_label);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, list);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, detail_revealer);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, detail_label);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, decline_button);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, received_button);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, request_button);
  gtk_widget_class_bind_template_child (widget_class, KithReferralsPage, accept_button);
  gtk_widget_class_bind_template_callback (widget_class, on_tab_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_request_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_decline_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_received_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked_cb);
}

static void
kith_referrals_page_init (KithReferralsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->urgency_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->received_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->showing = KITH_REFERRALS_SHOW_WAITING;
  update_tabs (self);
  fill_list (self);
}

/* Public API */

GtkWidget *
kith_referrals_page_new (void)
{
  return g_object_new (KITH_TYPE_REFERRALS_PAGE, NULL);
}

KithStore *
kith_referrals_page_get_store (KithReferralsPage *self)
{
  g_return_val_if_fail (KITH_IS_REFERRALS_PAGE (self), NULL);

  return self->store;
}

void
kith_referrals_page_set_store (KithReferralsPage *self,
                               KithStore         *store)
{
  g_return_if_fail (KITH_IS_REFERRALS_PAGE (self));
  g_return_if_fail (store == NULL || KITH_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  g_clear_pointer (&self->selected_id, g_free);
  kith_referrals_page_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

const char *
kith_referrals_page_get_my_name (KithReferralsPage *self)
{
  g_return_val_if_fail (KITH_IS_REFERRALS_PAGE (self), NULL);

  return self->my_name;
}

void
kith_referrals_page_set_my_name (KithReferralsPage *self,
                                 const char        *my_name)
{
  g_return_if_fail (KITH_IS_REFERRALS_PAGE (self));

  if (g_strcmp0 (self->my_name, my_name) == 0)
    return;
  g_free (self->my_name);
  self->my_name = g_strdup (my_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MY_NAME]);
}

void
kith_referrals_page_reload (KithReferralsPage *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KITH_IS_REFERRALS_PAGE (self));

  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->referrals, g_ptr_array_unref);
  if (self->store != NULL &&
      !(self->referrals = kith_store_list_referrals (self->store, KITH_REFERRAL_STATE_ALL, &error)))
    show_toast (self, error->message, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->new_button), self->store != NULL);
  update_tabs (self);
  fill_list (self);
  if (self->store != NULL)
    update_times (self);
  else
    gtk_label_set_text (self->times_label, "");
}

void
kith_referrals_page_new_referral (KithReferralsPage *self,
                                  const char        *patient_id)
{
  KithReferralDialog *dialog;
  GtkRoot *root;

  g_return_if_fail (KITH_IS_REFERRALS_PAGE (self));

  if (self->store == NULL)
    return;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = kith_referral_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store, patient_id);
  g_signal_connect_object (dialog, "received", G_CALLBACK (on_referral_received_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

char *
kith_referrals_page_format_received (const char *instant,
                                     GDateTime  *now)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  g_autoptr(GDateTime) yesterday = NULL;
  GTimeSpan ago;

  if (instant == NULL || !(when = g_date_time_new_from_iso8601 (instant, NULL)))
    return g_strdup (instant ? instant : "");

  local = g_date_time_to_local (when);
  local_now = now ? g_date_time_to_local (now) : g_date_time_new_now_local ();
  ago = g_date_time_difference (local_now, local);
  if (ago < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Just now"));
  if (ago < G_TIME_SPAN_HOUR)
    {
      guint minutes = (guint) (ago / G_TIME_SPAN_MINUTE);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute ago", "%u minutes ago", minutes), minutes);
    }
  if (ago < G_TIME_SPAN_DAY)
    {
      guint hours = (guint) (ago / G_TIME_SPAN_HOUR);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour ago", "%u hours ago", hours), hours);
    }
  yesterday = g_date_time_add_days (local_now, -1);
  if (g_date_time_get_year (local) == g_date_time_get_year (yesterday) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (yesterday))
    {
      /* xgettext:no-c-format */
      /* Translators: a time of day, "14:05"; see g_date_time_format() */
      g_autofree char *time = g_date_time_format (local, _("%H:%M"));

      /* Translators: %s is a time yesterday, "14:05" */
      return g_strdup_printf (_("Yesterday at %s"), time);
    }
  if (g_date_time_get_year (local) == g_date_time_get_year (local_now))
    /* xgettext:no-c-format */
    /* Translators: a moment this year, in a list, "3 Mar at 09:05"; see g_date_time_format() */
    return g_date_time_format (local, _("%-d %b at %H:%M"));
  /* xgettext:no-c-format */
  /* Translators: a date in another year, in a list, "3 Mar 2025"; see g_date_time_format() */
  return g_date_time_format (local, _("%-d %b %Y"));
}

char *
kith_referrals_page_format_times (const KithReferralTimes *times)
{
  g_autofree char *triage = NULL;
  g_autofree char *contact = NULL;

  g_return_val_if_fail (times != NULL, NULL);

  if (times->received == 0)
    return g_strdup (_("No referrals received this month"));
  if (times->triaged == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u referral received this month; none triaged yet",
                                         "%u referrals received this month; none triaged yet",
                                         times->received),
                            times->received);
  triage = format_hours (times->median_hours_to_triage);
  if (times->contacted == 0)
    /* Translators: %s is a time taken, "3 h" */
    return g_strdup_printf (_("Median %s to triage this month; no first contacts yet"), triage);
  contact = format_hours (times->median_hours_to_contact);
  /* Translators: times taken, "Median 3 h to triage, 2 days to first contact this month" */
  return g_strdup_printf (_("Median %s to triage, %s to first contact this month"), triage, contact);
}

/* For the GUI tests */

void
kith_referrals_page_set_showing (KithReferralsPage *self,
                                 KithReferralsShow  showing)
{
  g_return_if_fail (KITH_IS_REFERRALS_PAGE (self));
  g_return_if_fail (showing < N_TABS);

  /* The tab's "toggled" fills the list */
  if (gtk_toggle_button_get_active (get_tab (self, showing)))
    return;
  gtk_toggle_button_set_active (get_tab (self, showing), TRUE);
}

GtkListBox *
kith_referrals_page_get_list (KithReferralsPage *self)
{
  return self->list;
}

const KithReferral *
kith_referrals_page_get_row_referral (KithReferralsPage *self,
                                      GtkListBoxRow     *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (index < 0 || self->shown == NULL || (guint) index >= self->shown->len)
    return NULL;
  return self->shown->pdata[index];
}

const KithReferral *
kith_referrals_page_get_selected (KithReferralsPage *self)
{
  return get_selected (self);
}

GtkButton *
kith_referrals_page_get_new_button (KithReferralsPage *self)
{
  return self->new_button;
}

GtkButton *
kith_referrals_page_get_accept_button (KithReferralsPage *self)
{
  return self->accept_button;
}

GtkButton *
kith_referrals_page_get_request_button (KithReferralsPage *self)
{
  return self->request_button;
}

GtkButton *
kith_referrals_page_get_received_button (KithReferralsPage *self)
{
  return self->received_button;
}

GtkButton *
kith_referrals_page_get_decline_button (KithReferralsPage *self)
{
  return self->decline_button;
}

GtkButton *
kith_referrals_page_get_open_button (KithReferralsPage *self)
{
  return self->open_button;
}

GtkLabel *
kith_referrals_page_get_times_label (KithReferralsPage *self)
{
  return self->times_label;
}

const char *
kith_referrals_page_get_tab_label (KithReferralsPage *self,
                                   KithReferralsShow  showing)
{
  g_return_val_if_fail (showing < N_TABS, NULL);

  return self->tab_labels[showing];
}
