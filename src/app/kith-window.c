/* kith-window.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-window"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kith-assessment-view.h"
#include "kith-caseload-cell.h"
#include "kith-caseload-filters.h"
#include "kith-conflicts-dialog.h"
#include "kith-first-frame.h"
#include "kith-format.h"
#include "kith-lock-screen.h"
#include "kith-record-page.h"
#include "kith-secret.h"
#include "kith-sign-in-dialog.h"
#include "kith-sync-indicator.h"
#include "kith-sync-scheduler.h"
#include "kith-window.h"
#include "kith-plan-editor.h"
#include "kith-application.h"
#include "kith-window-private.h"
#include "kith-access-log-dialog.h"
#include "kith-meetings-page.h"
#include "kith-outcomes-page.h"
#include "kith-referrals-page.h"
#include "kith-tasks-page.h"
#include "kith-today-page.h"
#include "kith-ward-page.h"

struct _KithWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  KithStore            *store;
  KithCaseload         *caseload;
  guint                 bound_rows;   /* for the first-frame benchmark */
  guint                 ticks_before_reveal;
  /* Sync: only while a practice server is set up */
  KithSyncScheduler    *sync;
  KithAssessment       *watched_assessment;  /* its saves are edits to send */
  AdwToast             *sign_in_toast;
  AdwToast             *conflicts_toast;
  KithConflictsDialog  *conflicts_dialog;
  KithSignInDialog     *sign_in_dialog;
  guint                 conflicts_seen;
  int                   probed_sort;         /* see on_sort_changed_cb() */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkWidget            *caseload_pane;
  AdwViewSwitcherTitle *caseload_title;
  AdwViewStack         *work_stack;
  /* The co-ordinator's pages beside "People", made with the store */
  GPtrArray            *work_pages;
  KithSyncIndicator    *sync_indicator;
  GtkSearchEntry       *search_entry;
  KithCaseloadFilters  *caseload_filters;
  GtkLabel             *count_label;
  GtkStack             *caseload_stack;
  GtkColumnView        *column_view;
  GtkSingleSelection   *selection;
  GtkSliceListModel    *caseload_slice;
  AdwStatusPage        *no_matches_page;
  GtkWidget            *clear_filters_button;
  GtkWidget            *record_pane;
  AdwWindowTitle       *record_title;
  KithRecordPage       *record_page;
  KithAssessmentView   *assessment_view;
  /* The care plan page: made on demand, one editor at a time */
  GtkWidget            *plan_page;
  AdwWindowTitle       *plan_title;
  GtkWidget            *plan_holder;
  KithPlanEditor       *plan_editor;
  AdwStatusPage        *store_error_page;
  KithLockScreen       *lock_screen;
  /* What had the focus when the window locked, for after */
  GtkWidget            *focus_before_lock;
};

G_DEFINE_FINAL_TYPE (KithWindow, kith_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
map_server_to_subtitle (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  const char *address = g_variant_get_string (variant, NULL);
  g_autoptr(GUri) uri = NULL;

  if (address == NULL || *address == '\0' ||
      !(uri = g_uri_parse (address, G_URI_FLAGS_NONE, NULL)) ||
      g_uri_get_host (uri) == NULL)
    {
      g_value_set_string (value, _("Not connected"));
      return TRUE;
    }

  /* Translators: the practice server this caseload syncs with, by host name */
  g_value_take_string (value, g_strdup_printf (_("Practice server %s"), g_uri_get_host (uri)));
  return TRUE;
}

static void
restore_window_state (KithWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (KithWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  /* The default size follows the window while it is not maximized, so
   * this is the size to come back to after un-maximizing. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static void
show_toast (KithWindow *self,
            const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_caseload_state (KithWindow *self)
{
  g_autofree char *count_text = NULL;
  g_autofree char *count = NULL;
  const char *query;
  gboolean filtered;
  guint n_items;

  if (self->caseload == NULL)
    return;

  query = kith_caseload_get_query (self->caseload);
  filtered = kith_caseload_get_filter (self->caseload) != 0;
  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->caseload));
  count = kith_format_count (n_items);
  gtk_widget_set_visible (self->clear_filters_button, filtered);

  if (n_items == 0 && (query == NULL || *query == '\0') && !filtered)
    {
      gtk_stack_set_visible_child_name (self->caseload_stack, "empty");
    }
  else if (n_items == 0 && filtered)
    {
      g_autofree char *description = NULL;

      adw_status_page_set_title (self->no_matches_page, _("No one matches these filters"));
      if (query == NULL || *query == '\0')
        description = g_strdup (_("Nobody on this caseload passes every filter that is on. "
                                  "Turn some off, or clear them all."));
      else
        /* Translators: %s is what was typed in the search box */
        description = g_strdup_printf (_("Nobody starting with “%s” passes every filter that is on. "
                                         "Turn some off, or clear them all."),
                                       query);
      adw_status_page_set_description (self->no_matches_page, description);
      gtk_stack_set_visible_child_name (self->caseload_stack, "no-matches");
    }
  else if (n_items == 0)
    {
      g_autofree char *description = NULL;

      /* Translators: %s is what was typed in the search box */
      description = g_strdup_printf (_("Nobody on this caseload has a name or NHS number "
                                       "starting with “%s”. Check the spelling, or search "
                                       "by NHS number."),
                                     query);
      adw_status_page_set_title (self->no_matches_page, _("No one matches"));
      adw_status_page_set_description (self->no_matches_page, description);
      gtk_stack_set_visible_child_name (self->caseload_stack, "no-matches");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->caseload_stack, "list");

      if (query == NULL || *query == '\0')
        /* Translators: %s is a number, "2,000 people" */
        count_text = g_strdup_printf (ngettext ("%s person", "%s people", n_items), count);
      else if (kith_caseload_get_truncated (self->caseload))
        /* Translators: %s is a number; the search stopped at this many matches */
        count_text = g_strdup_printf (_("Showing the first %s matches. There are more: keep "
                                        "typing to narrow the search."), count);
      else
        /* Translators: %s is a number of people found by a search */
        count_text = g_strdup_printf (ngettext ("%s match", "%s matches", n_items), count);
    }

  gtk_label_set_text (self->count_label, count_text != NULL ? count_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), count_text != NULL);
}

static void
open_caseload_entry (KithWindow        *self,
                     KithCaseloadEntry *entry)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *spoken_name = NULL;

  g_assert (self->store != NULL);

  if (!(patient = kith_store_load_patient (self->store,
                                           kith_caseload_entry_get_id (entry),
                                           &error)))
    {
      g_autofree char *message = NULL;

      g_warning ("Could not load patient %s: %s",
                 kith_caseload_entry_get_id (entry), error->message);
      /* Translators: %s is the person's name as listed in the caseload */
      message = g_strdup_printf (_("%s’s record could not be opened"),
                                 kith_caseload_entry_get_list_name (entry));
      show_toast (self, message);
      return;
    }

  kith_record_page_set_person (self->record_page, patient, entry);

  spoken_name = kith_patient_dup_spoken_name (patient);
  adw_window_title_set_title (self->record_title, spoken_name);
}

static void
show_record_pane (KithWindow *self)
{
  GtkWidget *focus;

  /* Side by side, the record is already on screen, and moving the leaflet's
   * visible child would also pull the focus out of the list. */
  if (!adw_leaflet_get_folded (self->leaflet))
    return;

  adw_leaflet_set_visible_child (self->leaflet, self->record_pane);

  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus == NULL || !gtk_widget_is_ancestor (focus, self->record_pane))
    gtk_widget_child_focus (self->record_pane, GTK_DIR_TAB_FORWARD);
}

static void
open_position (KithWindow *self,
               guint       position)
{
  g_autoptr(KithCaseloadEntry) entry = NULL;

  if (!(entry = g_list_model_get_item (G_LIST_MODEL (self->selection), position)))
    return;

  /* Selecting opens the record (see the selection callback); activating
   * an already selected row must open it too. */
  if (gtk_single_selection_get_selected (self->selection) != position)
    gtk_single_selection_set_selected (self->selection, position);
  else
    open_caseload_entry (self, entry);

  show_record_pane (self);
}

static void
set_cell_text (GtkListItem *list_item,
               const char  *text)
{
  kith_caseload_cell_set_text (KITH_CASELOAD_CELL (gtk_list_item_get_child (list_item)), text);
}

static gboolean
is_first_frame_ready (gpointer user_data)
{
  KithWindow *self = user_data;

  /* Either the store could not be opened (the page saying so is the first
   * frame), or the caseload is on screen: empty, or with rows bound. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "store-error") == 0)
    return TRUE;
  if (self->caseload == NULL)
    return FALSE;

  return g_list_model_get_n_items (G_LIST_MODEL (self->caseload)) == 0 || self->bound_rows > 0;
}

/* GTK 4.8's list views keep about 200 rows alive around what is on screen,
 * and build them all before their first frame: the most costly part of
 * start-up. So the column view first sees only a screenful of the
 * caseload, and the rest from the frame after the first one, when the
 * caseload is already on screen. Only the scrollbar knows, for one frame. */
static guint
count_rows_for_first_frame (KithWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  /* Caseload rows are at least 20 pixels high; leave some over. */
  return CLAMP (height / 16, 40, 200);
}

static gboolean
reveal_whole_caseload_cb (GtkWidget     *widget,
                          GdkFrameClock *frame_clock,
                          gpointer       user_data)
{
  KithWindow *self = user_data;

  /* Tick callbacks run before each frame is laid out and painted: the
   * second call comes after the first frame was drawn. */
  if (++self->ticks_before_reveal < 2)
    return G_SOURCE_CONTINUE;

  gtk_slice_list_model_set_size (self->caseload_slice, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

static void
on_text_cell_setup_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item,
                       KithWindow               *self)
{
  gtk_list_item_set_child (list_item, kith_caseload_cell_new ());
}

static void
on_name_cell_setup_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item,
                       KithWindow               *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *cell = kith_caseload_cell_new ();

  /* Room for most names before the column is resized by hand */
  kith_caseload_cell_set_nat_chars (KITH_CASELOAD_CELL (cell), 22);
  gtk_widget_set_hexpand (cell, TRUE);
  gtk_box_append (GTK_BOX (box), cell);
  gtk_list_item_set_child (list_item, box);
}

/* A warning sign before the name of someone with an open safety alert:
 * an icon with words for screen readers and a tooltip, never colour
 * alone. Made only for the rows that need one. */
static void
set_alert_icon (GtkWidget *box,
                guint      open_alerts)
{
  GtkWidget *first = gtk_widget_get_first_child (box);
  GtkWidget *icon = GTK_IS_IMAGE (first) ? first : NULL;

  if (icon == NULL && open_alerts == 0)
    return;

  if (icon == NULL)
    {
      icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (icon, "error");
      gtk_widget_set_tooltip_text (icon, _("Open safety alert"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Open safety alert"), -1);
      gtk_box_prepend (GTK_BOX (box), icon);
    }

  gtk_widget_set_visible (icon, open_alerts > 0);
}

static void
on_number_cell_setup_cb (GtkSignalListItemFactory *factory,
                         GtkListItem              *list_item,
                         KithWindow               *self)
{
  GtkWidget *cell = kith_caseload_cell_new ();

  kith_caseload_cell_set_numeric (KITH_CASELOAD_CELL (cell), TRUE);
  gtk_list_item_set_child (list_item, cell);
}

static void
on_name_cell_bind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      KithWindow               *self)
{
  KithCaseloadEntry *entry = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);

  kith_caseload_cell_set_text (KITH_CASELOAD_CELL (gtk_widget_get_last_child (box)),
                               kith_caseload_entry_get_list_name (entry));
  set_alert_icon (box, kith_caseload_entry_get_open_alerts (entry));
  self->bound_rows++;
}

static void
on_nhs_number_cell_bind_cb (GtkSignalListItemFactory *factory,
                            GtkListItem              *list_item,
                            KithWindow               *self)
{
  KithCaseloadEntry *entry = gtk_list_item_get_item (list_item);

  set_cell_text (list_item, kith_caseload_entry_get_nhs_number (entry));
}

static void
on_age_cell_bind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     KithWindow               *self)
{
  KithCaseloadEntry *entry = gtk_list_item_get_item (list_item);
  int age = kith_caseload_entry_get_age (entry);
  char text[16] = "";

  if (age >= 0)
    g_snprintf (text, sizeof text, "%d", age);

  set_cell_text (list_item, text);
}

static void
on_coordinator_cell_bind_cb (GtkSignalListItemFactory *factory,
                             GtkListItem              *list_item,
                             KithWindow               *self)
{
  KithCaseloadEntry *entry = gtk_list_item_get_item (list_item);
  const char *coordinator = kith_caseload_entry_get_coordinator (entry);
  GtkWidget *cell = gtk_list_item_get_child (list_item);

  if (coordinator != NULL && *coordinator != '\0')
    {
      kith_caseload_cell_set_text (KITH_CASELOAD_CELL (cell), coordinator);
      gtk_widget_remove_css_class (cell, "dim-label");
    }
  else
    {
      /* Translators: nobody is named as this person's care co-ordinator */
      kith_caseload_cell_set_text (KITH_CASELOAD_CELL (cell), _("None named"));
      gtk_widget_add_css_class (cell, "dim-label");
    }
}

static void
on_review_cell_bind_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *list_item,
                        KithWindow               *self)
{
  KithCaseloadEntry *entry = gtk_list_item_get_item (list_item);
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  g_autofree char *date = NULL;
  g_autofree char *text = NULL;
  gboolean overdue = kith_caseload_entry_get_review_overdue (entry);

  date = kith_format_iso_date (kith_caseload_entry_get_next_review (entry), KITH_DATE_STYLE_SHORT);
  if (date == NULL)
    /* Translators: no review date has been set for this person */
    text = g_strdup (_("Not set"));
  else if (overdue)
    /* Translators: a review date that has passed, "3 Mar 2026 · overdue".
     * Said in words as well as in colour. */
    text = g_strdup_printf (_("%s · overdue"), date);

  /* One widget per cell: a list view keeps ~200 rows alive, whatever its height. */
  kith_caseload_cell_set_text (KITH_CASELOAD_CELL (cell), text != NULL ? text : date);

  if (overdue)
    gtk_widget_add_css_class (cell, "error");
  else
    gtk_widget_remove_css_class (cell, "error");

  if (date == NULL)
    gtk_widget_add_css_class (cell, "dim-label");
  else
    gtk_widget_remove_css_class (cell, "dim-label");
}

/* The tier that counts, in words; severe and moderate stand out, and the
 * words say the same. Blank when nothing is recorded to know it from. */
static void
on_tier_cell_bind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      KithWindow               *self)
{
  KithCaseloadEntry *entry = gtk_list_item_get_item (list_item);
  const char *tier = kith_caseload_entry_get_risk_tier (entry);
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  const char *label = kith_format_risk_tier (tier);

  kith_caseload_cell_set_text (KITH_CASELOAD_CELL (cell), label != NULL ? label : "");

  if (g_strcmp0 (tier, "severe") == 0)
    gtk_widget_add_css_class (cell, "error");
  else
    gtk_widget_remove_css_class (cell, "error");
  if (g_strcmp0 (tier, "moderate") == 0)
    gtk_widget_add_css_class (cell, "warning");
  else
    gtk_widget_remove_css_class (cell, "warning");
}

static void
on_clear_filters_clicked_cb (KithWindow *self)
{
  kith_caseload_filters_clear (self->caseload_filters);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
on_caseload_items_changed_cb (KithWindow *self,
                              guint       position,
                              guint       removed,
                              guint       added,
                              GListModel *model)
{
  update_caseload_state (self);
}

static void
on_caseload_truncated_changed_cb (KithWindow *self,
                                  GParamSpec *pspec,
                                  GObject    *caseload)
{
  update_caseload_state (self);
}

static void
on_search_entry_search_changed_cb (KithWindow     *self,
                                   GtkSearchEntry *entry)
{
  if (self->caseload == NULL)
    return;

  kith_caseload_set_query (self->caseload, gtk_editable_get_text (GTK_EDITABLE (entry)));
  /* Also when no row changed: "No one matches “x”" names the new text. */
  update_caseload_state (self);
}

static void
on_search_entry_stop_search_cb (KithWindow     *self,
                                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  /* Don't wait for the search delay: Escape is a deliberate reset. */
  on_search_entry_search_changed_cb (self, entry);
}

static void
on_search_entry_activate_cb (KithWindow     *self,
                             GtkSearchEntry *entry)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  /* The search may still be waiting for its delay: run it now, so that
   * Enter acts on what was typed. */
  on_search_entry_search_changed_cb (self, entry);

  if (position == GTK_INVALID_LIST_POSITION)
    position = 0;
  if (position < g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    open_position (self, position);
}

static void
on_selection_selected_item_changed_cb (KithWindow         *self,
                                       GParamSpec         *pspec,
                                       GtkSingleSelection *selection)
{
  KithCaseloadEntry *entry = gtk_single_selection_get_selected_item (selection);

  /* A search that hides the open person leaves their record open. */
  if (entry != NULL)
    open_caseload_entry (self, entry);
}

static void
on_column_view_activate_cb (KithWindow    *self,
                            guint          position,
                            GtkColumnView *column_view)
{
  open_position (self, position);
}

/* In GTK 4.8 Tab walks from row to row of a column view, trapping the
 * keyboard in a caseload of thousands. Arrows move within the list; Tab
 * leaves it: forwards to the record, backwards to the search. */
static gboolean
on_column_view_key_pressed_cb (KithWindow            *self,
                               guint                  keyval,
                               guint                  keycode,
                               GdkModifierType        state,
                               GtkEventControllerKey *controller)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Tab:
    case GDK_KEY_KP_Tab:
      if ((state & GDK_SHIFT_MASK) == 0)
        {
          if (adw_leaflet_get_folded (self->leaflet))
            return GDK_EVENT_PROPAGATE;
          return gtk_widget_child_focus (self->record_pane, GTK_DIR_TAB_FORWARD);
        }
      G_GNUC_FALLTHROUGH;

    case GDK_KEY_ISO_Left_Tab:
      return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
on_leaflet_folded_changed_cb (KithWindow *self,
                              GParamSpec *pspec,
                              AdwLeaflet *leaflet)
{
  /* Folded (narrow), the list is all there is: a single click or tap opens
   * the person, as on a phone. Side by side, a click selects. */
  gtk_column_view_set_single_click_activate (self->column_view,
                                             adw_leaflet_get_folded (leaflet));
}

/* Reads the caseload again (its open-alert counts), keeping the person
 * selected: the order does not change, so they are where they were. */
static void
refresh_caseload (KithWindow *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  g_autoptr(KithCaseloadEntry) before = NULL;
  g_autoptr(KithCaseloadEntry) after = NULL;

  if (self->caseload == NULL)
    return;

  if (position != GTK_INVALID_LIST_POSITION)
    before = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  g_signal_handlers_block_by_func (self->selection, on_selection_selected_item_changed_cb, self);
  kith_caseload_reload (self->caseload);

  if (before != NULL &&
      (after = g_list_model_get_item (G_LIST_MODEL (self->selection), position)) != NULL &&
      g_strcmp0 (kith_caseload_entry_get_id (before), kith_caseload_entry_get_id (after)) == 0)
    {
      gtk_single_selection_set_selected (self->selection, position);
      /* What the row knows (review date, risk tier) may have changed */
      kith_record_page_update_entry (self->record_page, after);
    }
  g_signal_handlers_unblock_by_func (self->selection, on_selection_selected_item_changed_cb, self);
}

/* --- sync ------------------------------------------------------------------ */

/* Every save is an edit to send: count it and sync shortly after. */
static void
note_local_edit (KithWindow *self)
{
  if (self->sync != NULL)
    kith_sync_scheduler_queue_changed (self->sync);
}

static void
on_watched_assessment_changed_cb (KithWindow     *self,
                                  const char     *instrument_id,
                                  KithAssessment *assessment)
{
  note_local_edit (self);
}

static void
watch_assessment (KithWindow     *self,
                  KithAssessment *assessment)
{
  if (self->watched_assessment != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->watched_assessment, self);
      g_clear_object (&self->watched_assessment);
    }
  if (assessment != NULL)
    {
      self->watched_assessment = g_object_ref (assessment);
      g_signal_connect_object (assessment, "changed",
                               G_CALLBACK (on_watched_assessment_changed_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
on_plan_editor_saved_cb (KithWindow     *self,
                         KithPlanEditor *editor)
{
  note_local_edit (self);
}

/* Others' changes came in: the caseload and the open record follow. An
 * assessment or a plan on screen is left alone; both reload when left. */
static void
reload_after_sync (KithWindow *self)
{
  KithCaseloadEntry *entry;
  KithPatient *shown;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "records") != 0)
    return;

  refresh_caseload (self);
  kith_record_page_reload (self->record_page);

  /* Their details too, when someone changed them */
  entry = gtk_single_selection_get_selected_item (self->selection);
  shown = kith_record_page_get_patient (self->record_page);
  if (entry != NULL && shown != NULL &&
      g_strcmp0 (kith_caseload_entry_get_id (entry), kith_patient_get_id (shown)) == 0)
    {
      g_autoptr(KithPatient) stored = kith_store_load_patient (self->store, kith_patient_get_id (shown), NULL);

      if (stored != NULL &&
          g_strcmp0 (kith_patient_get_version_id (stored), kith_patient_get_version_id (shown)) != 0)
        open_caseload_entry (self, entry);
    }
}

static void
on_sync_records_changed_cb (KithWindow        *self,
                            KithSyncScheduler *sync)
{
  reload_after_sync (self);
}

static void
update_sync_actions (KithWindow *self)
{
  KithSyncClient *client = self->sync != NULL ? kith_sync_scheduler_get_client (self->sync) : NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync-now", client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.review-break-glass", client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-in", self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resolve-conflicts",
                                 client != NULL && kith_sync_client_get_conflicts (client) > 0);
}

static void
on_toast_dismissed_cb (KithWindow *self,
                       AdwToast   *toast)
{
  if (self->sign_in_toast == toast)
    self->sign_in_toast = NULL;
  if (self->conflicts_toast == toast)
    self->conflicts_toast = NULL;
}

/* A toast with a button for what to do. It goes by itself: the indicator
 * keeps saying it. (Never dismissed from here: libadwaita 1.2 crashes when
 * a toast is dismissed while it is still sliding in.) */
static AdwToast *
add_sync_toast (KithWindow *self,
                const char *title,
                const char *button_label,
                const char *action_name)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_button_label (toast, button_label);
  adw_toast_set_action_name (toast, action_name);
  adw_toast_set_timeout (toast, 15);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);   /* the overlay owns it */
  return toast;
}

/* A 401: ask, without a dialog jumping over whatever is being typed */
static void
on_sync_sign_in_needed_cb (KithWindow     *self,
                           GParamSpec     *pspec,
                           KithSyncClient *client)
{
  if (kith_sync_client_get_sign_in_needed (client) && self->sign_in_toast == NULL)
    self->sign_in_toast = add_sync_toast (self,
                                          _("Sign in to the practice server to keep syncing. Nothing has been lost."),
                                          _("Sign In…"), "win.sign-in");
}

static void
on_sync_conflicts_changed_cb (KithWindow     *self,
                              GParamSpec     *pspec,
                              KithSyncClient *client)
{
  guint conflicts = kith_sync_client_get_conflicts (client);

  update_sync_actions (self);

  if (conflicts > self->conflicts_seen && self->conflicts_toast == NULL &&
      self->conflicts_dialog == NULL)
    {
      g_autofree char *title = NULL;

      /* Translators: changes made here and elsewhere that could not be merged */
      title = g_strdup_printf (ngettext ("%u change needs your decision",
                                         "%u changes need your decision", conflicts),
                               conflicts);
      self->conflicts_toast = add_sync_toast (self, title, _("Resolve…"), "win.resolve-conflicts");
    }
  self->conflicts_seen = conflicts;
}

/* The practice's CA file from Preferences, or the system's CAs when none
 * is set. A file that cannot be used stops sync with a clear message
 * rather than falling back: verification is never skipped or loosened. */
static gboolean
apply_ca_file (KithWindow     *self,
               KithSyncClient *client)
{
  g_autoptr(GError) error = NULL;

  if (kith_apply_ca_file_setting (client, self->settings, &error))
    return TRUE;

  /* Said in the window; the message names the file, nothing personal */
  g_message ("Not syncing: %s", error->message);
  show_toast (self, error->message);
  return FALSE;
}

static void
tear_down_sync (KithWindow *self)
{
  KithSyncClient *client;

  if (self->sync == NULL)
    return;

  client = kith_sync_scheduler_get_client (self->sync);
  g_settings_unbind (client, "work-offline");
  g_signal_handlers_disconnect_by_data (client, self);
  g_signal_handlers_disconnect_by_data (self->sync, self);
  if (self->sync_indicator != NULL)
    kith_sync_indicator_set_client (self->sync_indicator, NULL);
  if (self->record_page != NULL)
    kith_record_page_set_sync_client (self->record_page, NULL);

  /* Stops its timers; a cycle in flight finishes on its own. */
  g_object_run_dispose (G_OBJECT (self->sync));
  g_clear_object (&self->sync);
}

/* Syncs the store with @server as @user, or stops syncing for no server.
 * Nothing changes when that is what already happens. */
static void
set_up_sync (KithWindow *self,
             const char *server,
             const char *user)
{
  g_autoptr(GError) error = NULL;
  KithSyncClient *client;

  if (self->store == NULL)
    return;
  if (server != NULL && !kith_is_server_address_valid (server))
    server = NULL;
  if (user != NULL && *user == '\0')
    user = NULL;

  if (self->sync != NULL)
    {
      client = kith_sync_scheduler_get_client (self->sync);
      if (server != NULL && g_strcmp0 (kith_sync_client_get_base_url (client), server) == 0 &&
          g_strcmp0 (kith_sync_scheduler_get_user (self->sync), user) == 0)
        return;
      tear_down_sync (self);
    }

  if (server != NULL)
    {
      /* From now on every local edit also waits in the outbox. */
      if (!kith_store_get_sync_enabled (self->store) &&
          !kith_store_set_sync_enabled (self->store, TRUE, &error))
        {
          g_warning ("Could not turn sync on: %s", error->message);
          show_toast (self, error->message);
        }
      else
        {
          self->sync = kith_sync_scheduler_new (kith_store_get_path (self->store), server, user);
          client = kith_sync_scheduler_get_client (self->sync);
          if (!apply_ca_file (self, client))
            {
              g_clear_object (&self->sync);
              update_sync_actions (self);
              return;
            }

          /* Working offline is the professional's choice, kept across runs */
          if (self->settings != NULL)
            g_settings_bind (self->settings, "work-offline", client, "work-offline",
                             G_SETTINGS_BIND_DEFAULT);
          g_signal_connect_object (client, "notify::sign-in-needed",
                                   G_CALLBACK (on_sync_sign_in_needed_cb), self, G_CONNECT_SWAPPED);
          g_signal_connect_object (client, "notify::conflicts",
                                   G_CALLBACK (on_sync_conflicts_changed_cb), self, G_CONNECT_SWAPPED);
          g_signal_connect_object (self->sync, "records-changed",
                                   G_CALLBACK (on_sync_records_changed_cb), self, G_CONNECT_SWAPPED);
          kith_sync_indicator_set_client (self->sync_indicator, client);
          kith_record_page_set_sync_client (self->record_page, client);
          self->conflicts_seen = 0;
          on_sync_conflicts_changed_cb (self, NULL, client);
          kith_sync_scheduler_start (self->sync);
        }
    }

  update_sync_actions (self);
}

static void
on_settings_server_changed_cb (KithWindow *self,
                               const char *key,
                               GSettings  *settings)
{
  g_autofree char *server = g_settings_get_string (settings, "last-server");
  g_autofree char *user = g_settings_get_string (settings, "last-user");

  set_up_sync (self, server, user);
}

/* Another CA file: the next cycle and sign-in use it, at once. */
static void
on_settings_ca_file_changed_cb (KithWindow *self,
                                const char *key,
                                GSettings  *settings)
{
  g_autofree char *server = g_settings_get_string (settings, "last-server");
  g_autofree char *user = g_settings_get_string (settings, "last-user");

  if (self->sync == NULL && self->store == NULL)
    return;
  if (self->sync != NULL)
    {
      if (!apply_ca_file (self, kith_sync_scheduler_get_client (self->sync)))
        tear_down_sync (self);
      else
        kith_sync_scheduler_sync_now (self->sync);
      update_sync_actions (self);
      return;
    }
  set_up_sync (self, server, user);
}

static void
on_verifier_stored_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Without it the lock screen needs the server to unlock; nothing more. */
  if (!secret_password_store_finish (result, &error))
    g_warning ("Could not keep the offline password check in the keyring: %s", error->message);
}

static void
on_token_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KithWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      g_autofree char *message = NULL;

      /* The keyring's message names no secret. */
      g_warning ("Could not keep the token in the keyring: %s", error->message);
      message = g_strdup_printf (_("Your password could not be kept in the keyring (%s). "
                                   "It is used until Kith closes."), error->message);
      if (self->toast_overlay != NULL)
        show_toast (self, message);
    }
}

static void
on_sign_in_dialog_response_cb (KithWindow       *self,
                               const char       *response,
                               KithSignInDialog *dialog)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *label = NULL;
  char *token;

  if (g_strcmp0 (response, "sign-in") != 0)
    return;

  server = kith_sign_in_dialog_dup_server (dialog);
  user = kith_sign_in_dialog_dup_user (dialog);
  token = kith_sign_in_dialog_dup_token (dialog);
  if (server == NULL || user == NULL || token == NULL)
    {
      g_free (token);
      return;
    }

  /* Translators: the keyring entry's name, "Kith: jsmith at https://kith.practice.example/fhir" */
  label = g_strdup_printf (_("Kith: %s at %s"), user, server);
  secret_password_store (kith_secret_get_token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                         NULL, on_token_stored_cb, g_object_ref (self),
                         "server", server,
                         "user", user,
                         NULL);

  if (self->settings != NULL)
    {
      g_signal_handlers_block_by_func (self->settings, on_settings_server_changed_cb, self);
      g_settings_set_string (self->settings, "last-user", user);
      g_settings_set_string (self->settings, "last-server", server);
      g_signal_handlers_unblock_by_func (self->settings, on_settings_server_changed_cb, self);
    }
  set_up_sync (self, server, user);
  if (self->sync != NULL)
    kith_sync_scheduler_set_token (self->sync, token);

  /* Not left lying about in freed memory */
  memset (token, 0, strlen (token));
  g_free (token);

  /* For the lock screen when there is no network: a hash, in the keyring */
  {
    g_autofree char *verifier = kith_sign_in_dialog_dup_verifier (dialog);
    g_autofree char *verifier_label = NULL;

    if (verifier != NULL)
      {
        /* Translators: a keyring entry's name, "Kith offline unlock: jsmith at https://…" */
        verifier_label = g_strdup_printf (_("Kith offline unlock: %s at %s"), user, server);
        secret_password_store (kith_secret_get_verifier_schema (), SECRET_COLLECTION_DEFAULT,
                               verifier_label, verifier, NULL, on_verifier_stored_cb, NULL,
                               "server", server,
                               "user", user,
                               NULL);
      }
  }

  /* Signed in again after signing out: the records come back. */
  if (KITH_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))))
    kith_application_note_signed_in (KITH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
}

/* Closed: another may be opened. (Its last reference may outlive this.) */
static void
on_dialog_destroy_cb (KithWindow *self,
                      GtkWidget  *dialog)
{
  if (dialog == GTK_WIDGET (self->sign_in_dialog))
    self->sign_in_dialog = NULL;
  if (dialog == GTK_WIDGET (self->conflicts_dialog))
    self->conflicts_dialog = NULL;
}

static void
kith_window_sign_in_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  KithWindow *self = KITH_WINDOW (widget);
  KithSyncClient *client = self->sync != NULL ? kith_sync_scheduler_get_client (self->sync) : NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  const char *reason = NULL;

  if (self->sign_in_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->sign_in_dialog));
      return;
    }

  if (client != NULL)
    server = g_strdup (kith_sync_client_get_base_url (client));
  else if (self->settings != NULL)
    server = g_settings_get_string (self->settings, "last-server");
  if (self->settings != NULL)
    user = g_settings_get_string (self->settings, "last-user");
  if (client != NULL && kith_sync_client_get_sign_in_needed (client))
    reason = _("The practice server asks you to sign in again. Your changes are kept and are sent once you have signed in.");

  self->sign_in_dialog = kith_sign_in_dialog_new (GTK_WINDOW (self), server, user, reason);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self->sign_in_dialog), TRUE);
  g_signal_connect_object (self->sign_in_dialog, "destroy",
                           G_CALLBACK (on_dialog_destroy_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sign_in_dialog, "response",
                           G_CALLBACK (on_sign_in_dialog_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->sign_in_dialog));
}

static void
kith_window_sync_now_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  KithWindow *self = KITH_WINDOW (widget);

  if (self->sync != NULL)
    kith_sync_scheduler_sync_now (self->sync);
}

/* A team lead's (or administrator's) list of emergency access to review;
 * the server decides who may see it. */
static void
kith_window_review_break_glass_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  KithWindow *self = KITH_WINDOW (widget);

  if (self->sync == NULL)
    return;
  gtk_window_present (GTK_WINDOW (kith_access_log_dialog_new_for_review (
    GTK_WINDOW (self), kith_sync_scheduler_get_client (self->sync))));
}

static void
on_conflicts_dialog_resolved_cb (KithWindow          *self,
                                 KithConflictsDialog *dialog)
{
  /* A decision is a local edit: shown here now, sent shortly */
  note_local_edit (self);
  reload_after_sync (self);
}

static void
kith_window_resolve_conflicts_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  KithWindow *self = KITH_WINDOW (widget);

  if (self->store == NULL)
    return;
  if (self->conflicts_dialog != NULL)
    {
      kith_conflicts_dialog_reload (self->conflicts_dialog);
      gtk_window_present (GTK_WINDOW (self->conflicts_dialog));
      return;
    }

  self->conflicts_dialog = kith_conflicts_dialog_new (GTK_WINDOW (self), self->store);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self->conflicts_dialog), TRUE);
  g_signal_connect_object (self->conflicts_dialog, "destroy",
                           G_CALLBACK (on_dialog_destroy_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->conflicts_dialog, "resolved",
                           G_CALLBACK (on_conflicts_dialog_resolved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->conflicts_dialog));
}

static void
on_record_page_assessment_opened_cb (KithWindow     *self,
                                     KithAssessment *assessment,
                                     KithRecordPage *record_page)
{
  KithPatient *patient = kith_record_page_get_patient (record_page);
  g_autofree char *name = patient != NULL ? kith_patient_dup_spoken_name (patient) : NULL;

  gtk_stack_set_visible_child_name (self->main_stack, "assessment");
  kith_assessment_view_set_assessment (self->assessment_view, self->store, assessment, name);

  /* Starting one saved it; each answer saved from now on is sent too. */
  watch_assessment (self, assessment);
  note_local_edit (self);
}

typedef struct
{
  KithWindow     *window;
  KithAssessment *assessment;
} ViewClearing;

static void
view_clearing_free (ViewClearing *clearing)
{
  g_object_unref (clearing->window);
  g_object_unref (clearing->assessment);
  g_free (clearing);
}

static gboolean
clear_assessment_view_cb (gpointer user_data)
{
  ViewClearing *clearing = user_data;
  KithAssessmentView *view = clearing->window->assessment_view;

  /* Unless another assessment was opened meanwhile */
  if (view != NULL && kith_assessment_view_get_assessment (view) == clearing->assessment)
    kith_assessment_view_set_assessment (view, NULL, NULL, NULL);

  return G_SOURCE_REMOVE;
}

static void
on_assessment_view_closed_cb (KithWindow         *self,
                              gboolean            completed,
                              KithAssessmentView *view)
{
  KithAssessment *assessment = kith_assessment_view_get_assessment (view);
  GtkWidget *button;

  gtk_stack_set_visible_child_name (self->main_stack, "records");
  watch_assessment (self, NULL);
  note_local_edit (self);

  /* Its pages go once back at the main loop: this may run from a button
   * on one of them. Everything is saved already. */
  if (assessment != NULL)
    {
      ViewClearing *clearing = g_new0 (ViewClearing, 1);

      clearing->window = g_object_ref (self);
      clearing->assessment = g_object_ref (assessment);
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, clear_assessment_view_cb, clearing,
                       (GDestroyNotify) view_clearing_free);
    }

  kith_record_page_reload (self->record_page);
  refresh_caseload (self);

  show_record_pane (self);
  button = kith_record_page_get_assessment_button (self->record_page);
  if (button != NULL)
    gtk_widget_grab_focus (button);

  show_toast (self, completed ? _("Assessment completed")
                              : _("Assessment paused. Everything is saved."));
}

static void
on_record_page_alerts_changed_cb (KithWindow     *self,
                                  KithRecordPage *record_page)
{
  refresh_caseload (self);
  /* An action recorded on an alert is a saved edit */
  note_local_edit (self);
}

static void
on_record_page_risk_changed_cb (KithWindow     *self,
                                KithRecordPage *record_page)
{
  /* The row's tier and the filter counts follow (the counts on the
   * caseload's items-changed); the change is an edit to send. */
  refresh_caseload (self);
  note_local_edit (self);
}

static gboolean
on_window_close_request_cb (GtkWindow  *window,
                            KithWindow *self)
{
  /* Whatever is still being typed in an assessment is saved. */
  kith_assessment_view_flush (self->assessment_view);
  save_window_state (self);
  return GDK_EVENT_PROPAGATE;
}

static void
kith_window_search_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  KithWindow *self = KITH_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "records") != 0)
    return;

  adw_leaflet_set_visible_child (self->leaflet, self->caseload_pane);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/* Leaving the plan saves it (the editor saves when it goes), and the record
 * and caseload show what changed: review date, co-ordinator. */
static void
close_plan (KithWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->plan_editor != NULL)
    {
      if (!kith_plan_editor_save (self->plan_editor, &error))
        {
          /* Not saved: stay, so nothing typed is lost. */
          gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", error->message);
          return;
        }
      adw_bin_set_child (ADW_BIN (self->plan_holder), NULL);
      self->plan_editor = NULL;
    }
  gtk_stack_set_visible_child_name (self->main_stack, "records");
  kith_record_page_reload (self->record_page);
  refresh_caseload (self);
}

static void
on_plan_back_clicked_cb (KithWindow *self)
{
  close_plan (self);
}

static void
on_plan_print_clicked_cb (GtkButton *button,
                          gpointer   user_data)
{
  KithWindow *self = user_data;
  const char *action = g_object_get_data (G_OBJECT (button), "plan-action");

  if (self->plan_editor != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->plan_editor), action, NULL);
}

static GtkWidget *
plan_header_button (KithWindow *self,
                    const char *icon,
                    const char *tooltip,
                    const char *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  g_object_set_data (G_OBJECT (button), "plan-action", (gpointer) action);
  g_signal_connect (button, "clicked", G_CALLBACK (on_plan_print_clicked_cb), self);
  return button;
}

static void
ensure_plan_page (KithWindow *self)
{
  GtkWidget *header;
  GtkWidget *back;

  if (self->plan_page != NULL)
    return;
  self->plan_page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  self->plan_title = ADW_WINDOW_TITLE (adw_window_title_new (_("Care plan"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->plan_title));
  back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (back, _("Back to the record"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back to the record"), -1);
  g_signal_connect_swapped (back, "clicked", G_CALLBACK (on_plan_back_clicked_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), back);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header),
                           plan_header_button (self, "document-save-as-symbolic", _("Export the plan as a PDF"), "plan.export-pdf"));
  gtk_box_append (GTK_BOX (self->plan_page), header);
  self->plan_holder = adw_bin_new ();
  gtk_widget_set_vexpand (self->plan_holder, TRUE);
  gtk_box_append (GTK_BOX (self->plan_page), self->plan_holder);
  gtk_stack_add_named (self->main_stack, self->plan_page, "plan");
}

static void
kith_window_open_plan_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  KithWindow *self = KITH_WINDOW (widget);
  KithPatient *patient = kith_record_page_get_patient (self->record_page);
  g_autofree char *name = NULL;
  g_autofree char *professional = kith_dup_professional_name ();

  if (patient == NULL || self->store == NULL)
    return;
  ensure_plan_page (self);
  name = kith_patient_dup_spoken_name (patient);
  adw_window_title_set_subtitle (self->plan_title, name);
  self->plan_editor = kith_plan_editor_new (self->store, kith_patient_get_id (patient), professional);
  g_signal_connect_object (self->plan_editor, "saved", G_CALLBACK (on_plan_editor_saved_cb), self,
                           G_CONNECT_SWAPPED);
  adw_bin_set_child (ADW_BIN (self->plan_holder), GTK_WIDGET (self->plan_editor));
  gtk_stack_set_visible_child_name (self->main_stack, "plan");
  gtk_widget_grab_focus (GTK_WIDGET (self->plan_editor));
}

static void
kith_window_back_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KithWindow *self = KITH_WINDOW (widget);

  /* In an assessment or a plan, back is to the record. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "assessment") == 0)
    {
      kith_assessment_view_close (self->assessment_view);
      return;
    }
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "plan") == 0)
    {
      close_plan (self);
      return;
    }

  if (adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK))
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
kith_window_show_toast_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  show_toast (KITH_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* --- the co-ordinator's pages ---------------------------------------------------- */

typedef struct
{
  GType      (*get_type) (void);
  const char  *name;
  const char  *title;
  const char  *icon_name;
  void       (*reload) (gpointer page);
} WorkPage;

static const WorkPage work_pages[] = {
  { kith_today_page_get_type, "today", N_("Today"), "x-office-calendar-symbolic",
    (void (*) (gpointer)) kith_today_page_reload },
  { kith_referrals_page_get_type, "referrals", N_("Referrals"), "mail-unread-symbolic",
    (void (*) (gpointer)) kith_referrals_page_reload },
  { kith_tasks_page_get_type, "tasks", N_("Tasks"), "checkbox-checked-symbolic",
    (void (*) (gpointer)) kith_tasks_page_reload },
  { kith_meetings_page_get_type, "meetings", N_("Meetings"), "emoji-people-symbolic",
    (void (*) (gpointer)) kith_meetings_page_reload },
  { kith_ward_page_get_type, "ward", N_("Virtual Ward"), "go-home-symbolic",
    (void (*) (gpointer)) kith_ward_page_reload },
};

/* A page asks for a person's record: it opens beside the page. */
static void
on_work_page_open_person_cb (KithWindow *self,
                             const char *patient_id,
                             GtkWidget  *page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCaseloadEntry) entry = NULL;

  if (self->store == NULL || patient_id == NULL)
    return;
  if (!(entry = kith_caseload_entry_load (self->store, patient_id, &error)))
    {
      show_toast (self, error->message);
      return;
    }
  open_caseload_entry (self, entry);
  show_record_pane (self);
}

static void
set_work_page_people (KithWindow *self,
                      GtkWidget  *page)
{
  g_autofree char *name = NULL;
  g_autofree char *team = NULL;

  if (self->settings != NULL)
    {
      name = g_settings_get_string (self->settings, "my-name");
      team = g_settings_get_string (self->settings, "my-team");
    }
  g_object_set (page, "my-name", name && *name ? name : NULL, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "my-team"))
    g_object_set (page, "my-team", team && *team ? team : NULL, NULL);
}

static void
on_settings_people_changed_cb (KithWindow *self,
                               const char *key,
                               GSettings  *settings)
{
  for (guint i = 0; self->work_pages && i < self->work_pages->len; i++)
    set_work_page_people (self, self->work_pages->pdata[i]);
}

/* A page is read again each time it comes on screen: a sync or another
 * page may have changed what it shows. */
static void
on_work_stack_page_changed_cb (KithWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->work_stack);

  for (guint i = 0; self->work_pages && i < self->work_pages->len; i++)
    if (g_strcmp0 (name, work_pages[i].name) == 0)
      work_pages[i].reload (self->work_pages->pdata[i]);
  if (g_strcmp0 (name, "people") == 0 && self->caseload != NULL)
    kith_caseload_reload (self->caseload);
}

static void
add_work_pages (KithWindow *self)
{
  self->work_pages = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (work_pages); i++)
    {
      GtkWidget *page = g_object_new (work_pages[i].get_type (), "store", self->store, NULL);
      AdwViewStackPage *stack_page;

      set_work_page_people (self, page);
      g_signal_connect_object (page, "open-person", G_CALLBACK (on_work_page_open_person_cb), self,
                               G_CONNECT_SWAPPED);
      stack_page = adw_view_stack_add_titled (self->work_stack, page, work_pages[i].name,
                                              _(work_pages[i].title));
      adw_view_stack_page_set_icon_name (stack_page, work_pages[i].icon_name);
      g_ptr_array_add (self->work_pages, page);
    }
  /* The outcomes reload themselves whenever they come on screen. */
  {
    GtkWidget *outcomes = kith_outcomes_page_new (self->store);
    AdwViewStackPage *stack_page = adw_view_stack_add_titled (self->work_stack, outcomes, "outcomes",
                                                              _("Outcomes"));

    adw_view_stack_page_set_icon_name (stack_page, "x-office-spreadsheet-symbolic");
  }
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::my-name", G_CALLBACK (on_settings_people_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::my-team", G_CALLBACK (on_settings_people_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }
}

GtkWidget *
kith_window_get_work_page (KithWindow *self,
                           const char *name)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return adw_view_stack_get_child_by_name (self->work_stack, name);
}

void
kith_window_show_work_page (KithWindow *self,
                            const char *name)
{
  g_return_if_fail (KITH_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->work_stack, name);
}

static void
kith_window_constructed (GObject *object)
{
  KithWindow *self = KITH_WINDOW (object);

  G_OBJECT_CLASS (kith_window_parent_class)->constructed (object);

  kith_caseload_filters_set_settings (self->caseload_filters, self->settings);

  if (self->settings != NULL)
    {
      restore_window_state (self);
      /* Which server this caseload syncs with; the indicator says how. */
      g_settings_bind_with_mapping (self->settings, "last-server",
                                    self->caseload_title, "subtitle",
                                    G_SETTINGS_BIND_GET,
                                    map_server_to_subtitle, NULL, NULL, NULL);
      /* `kith --server` from a second instance reaches this window here */
      g_signal_connect_object (self->settings, "changed::last-server",
                               G_CALLBACK (on_settings_server_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::ca-file",
                               G_CALLBACK (on_settings_ca_file_changed_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
kith_window_dispose (GObject *object)
{
  KithWindow *self = KITH_WINDOW (object);

  if (self->caseload != NULL)
    g_signal_handlers_disconnect_by_data (self->caseload, self);

  /* The overlay goes with the window, and its toasts with it */
  self->sign_in_toast = NULL;
  self->conflicts_toast = NULL;
  tear_down_sync (self);
  watch_assessment (self, NULL);
  if (self->conflicts_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->conflicts_dialog));
  if (self->sign_in_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->sign_in_dialog));

  g_clear_weak_pointer (&self->focus_before_lock);
  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_WINDOW);

  G_OBJECT_CLASS (kith_window_parent_class)->dispose (object);
}

static void
kith_window_finalize (GObject *object)
{
  KithWindow *self = KITH_WINDOW (object);

  g_clear_object (&self->caseload);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  /* The pages themselves belong to the stack */
  g_clear_pointer (&self->work_pages, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_window_parent_class)->finalize (object);
}

static void
kith_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KithWindow *self = KITH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  KithWindow *self = KITH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_window_class_init (KithWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kith_window_constructed;
  object_class->dispose = kith_window_dispose;
  object_class->finalize = kith_window_finalize;
  object_class->get_property = kith_window_get_property;
  object_class->set_property = kith_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KITH_TYPE_RECORD_PAGE);
  g_type_ensure (KITH_TYPE_ASSESSMENT_VIEW);
  g_type_ensure (KITH_TYPE_SYNC_INDICATOR);
  g_type_ensure (KITH_TYPE_CASELOAD_FILTERS);
  g_type_ensure (KITH_TYPE_LOCK_SCREEN);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KithWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, caseload_pane);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, caseload_title);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, work_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_work_stack_page_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, caseload_filters);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, caseload_stack);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, selection);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, caseload_slice);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, no_matches_page);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, clear_filters_button);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, record_pane);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, record_title);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, record_page);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, assessment_view);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, store_error_page);
  gtk_widget_class_bind_template_child (widget_class, KithWindow, lock_screen);

  gtk_widget_class_bind_template_callback (widget_class, on_text_cell_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_cell_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_number_cell_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_nhs_number_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_age_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_coordinator_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_review_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_tier_cell_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_filters_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_selected_item_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_window_close_request_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_record_page_assessment_opened_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_record_page_alerts_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_record_page_risk_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_assessment_view_closed_cb);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, kith_window_search_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, kith_window_back_action);
  gtk_widget_class_install_action (widget_class, "win.open-plan", NULL, kith_window_open_plan_action);
  gtk_widget_class_install_action (widget_class, "win.show-toast", "s", kith_window_show_toast_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, kith_window_sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.review-break-glass", NULL,
                                   kith_window_review_break_glass_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, kith_window_sign_in_action);
  gtk_widget_class_install_action (widget_class, "win.resolve-conflicts", NULL,
                                   kith_window_resolve_conflicts_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
}

/* Sorting happens in the core, over the whole caseload, not in a
 * GtkSortListModel that would make every row. Each column gets a sorter
 * that only says which column it is: asking the column view's sorter to
 * compare two objects tells which column the person chose (the primary
 * one is asked first) and which way (it turns the answer round). GTK 4.8
 * has no other way to read the sort column. */
static int
probe_sort_column_cb (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  KithWindow *self = g_object_get_data (G_OBJECT (a), "kith-window");

  self->probed_sort = GPOINTER_TO_INT (user_data);
  return GTK_ORDERING_SMALLER;
}

static void
on_sort_changed_cb (KithWindow *self,
                    int         change,
                    GtkSorter  *sorter)
{
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  GtkOrdering order;

  g_object_set_data (a, "kith-window", self);
  g_object_set_data (b, "kith-window", self);
  self->probed_sort = -1;
  order = gtk_sorter_compare (sorter, a, b);
  if (self->caseload == NULL)
    return;
  if (self->probed_sort < 0)
    kith_caseload_set_sort (self->caseload, KITH_CASELOAD_SORT_NAME, FALSE);
  else
    kith_caseload_set_sort (self->caseload, (KithCaseloadSort) self->probed_sort, order == GTK_ORDERING_LARGER);
}

static void
set_up_sorting (KithWindow *self)
{
  /* The columns in the order of KithCaseloadSort */
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns) && i <= KITH_CASELOAD_SORT_NEXT_REVIEW; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (probe_sort_column_cb, GINT_TO_POINTER (i), NULL));

      gtk_column_view_column_set_sorter (column, sorter);
    }
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sort_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
kith_window_init (KithWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  /* Typing while the list has focus goes into the search. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));
  set_up_sorting (self);

  on_leaflet_folded_changed_cb (self, NULL, self->leaflet);
  update_sync_actions (self);

  kith_first_frame_watch (GTK_WIDGET (self), is_first_frame_ready, self);
}

KithWindow *
kith_window_new (GtkApplication *application,
                 GSettings      *settings)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (KITH_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       NULL);
}

void
kith_window_set_store (KithWindow   *self,
                       KithStore    *store,
                       KithCaseload *caseload)
{
  g_return_if_fail (KITH_IS_WINDOW (self));
  g_return_if_fail (KITH_IS_STORE (store));
  g_return_if_fail (caseload == NULL || KITH_IS_CASELOAD (caseload));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  kith_record_page_set_store (self->record_page, store);

  /* Only the row ids are read; rows are made as they scroll in. */
  self->caseload = caseload != NULL ? g_object_ref (caseload) : kith_caseload_new (store);
  g_signal_connect_object (self->caseload, "items-changed",
                           G_CALLBACK (on_caseload_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->caseload, "notify::truncated",
                           G_CALLBACK (on_caseload_truncated_changed_cb), self, G_CONNECT_SWAPPED);

  kith_caseload_filters_set_caseload (self->caseload_filters, store, self->caseload);
  add_work_pages (self);

  gtk_slice_list_model_set_size (self->caseload_slice, count_rows_for_first_frame (self));
  gtk_slice_list_model_set_model (self->caseload_slice, G_LIST_MODEL (self->caseload));
  gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view), reveal_whole_caseload_cb, self, NULL);

  gtk_stack_set_visible_child_name (self->main_stack, "records");
  update_caseload_state (self);

  /* Start where the work starts: typing a name or NHS number. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->search_entry));

  /* Sync once the caseload is on screen: the first cycle runs on a
   * worker thread, and the window never waits for it. */
  if (self->settings != NULL)
    on_settings_server_changed_cb (self, "last-server", self->settings);
  else
    update_sync_actions (self);
}

void
kith_window_show_store_error (KithWindow   *self,
                              const GError *error)
{
  g_autofree char *description = NULL;
  g_autofree char *escaped = NULL;

  g_return_if_fail (KITH_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  /* The core's message names the file and says it was left as it is. */
  description = g_strdup_printf ("%s\n\n%s", error->message,
                                 _("Ask your practice’s IT support for help."));
  escaped = g_markup_escape_text (description, -1);
  adw_status_page_set_description (self->store_error_page, escaped);
  gtk_stack_set_visible_child_name (self->main_stack, "store-error");
}

KithCaseload *
kith_window_get_caseload (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->caseload;
}

GtkWidget *
kith_window_get_search_entry (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->search_entry);
}

GtkColumnView *
kith_window_get_column_view (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->column_view;
}

GtkWidget *
kith_window_get_caseload_stack (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->caseload_stack);
}

KithCaseloadFilters *
kith_window_get_caseload_filters (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->caseload_filters;
}

GtkLabel *
kith_window_get_count_label (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->count_label;
}

GtkWidget *
kith_window_get_clear_filters_button (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->clear_filters_button;
}

KithRecordPage *
kith_window_get_record_page (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->record_page;
}

AdwLeaflet *
kith_window_get_leaflet (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->leaflet;
}

KithAssessmentView *
kith_window_get_assessment_view (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->assessment_view;
}

const char *
kith_window_get_visible_page (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->main_stack);
}

KithSyncIndicator *
kith_window_get_sync_indicator (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->sync_indicator;
}

KithSyncScheduler *
kith_window_get_sync_scheduler (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->sync;
}

KithConflictsDialog *
kith_window_get_conflicts_dialog (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->conflicts_dialog;
}

KithSignInDialog *
kith_window_get_sign_in_dialog (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->sign_in_dialog;
}

void
kith_window_set_locked (KithWindow *self,
                        gboolean    locked)
{
  GtkWidget *records;

  g_return_if_fail (KITH_IS_WINDOW (self));

  records = GTK_WIDGET (self->toast_overlay);
  if (locked == kith_window_get_locked (self))
    return;

  if (locked)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

      g_set_weak_pointer (&self->focus_before_lock,
                          focus != NULL && gtk_widget_is_ancestor (focus, records) ? focus : NULL);
      /* Hidden, not destroyed: what was half typed stays in its widget,
       * and nothing of it is drawn or offered to a screen reader. */
      gtk_widget_set_visible (records, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->lock_screen), TRUE);
      kith_lock_screen_reset_password (self->lock_screen);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->lock_screen), FALSE);
      kith_lock_screen_reset_password (self->lock_screen);
      kith_lock_screen_set_problem (self->lock_screen, NULL);
      gtk_widget_set_visible (records, TRUE);
      if (self->focus_before_lock != NULL)
        gtk_widget_grab_focus (self->focus_before_lock);
      else if (self->store != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
      g_clear_weak_pointer (&self->focus_before_lock);
    }
}

gboolean
kith_window_get_locked (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->lock_screen));
}

KithLockScreen *
kith_window_get_lock_screen (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return self->lock_screen;
}

void
kith_window_stop_sync (KithWindow *self)
{
  g_return_if_fail (KITH_IS_WINDOW (self));

  tear_down_sync (self);
  update_sync_actions (self);
}

GtkWidget *
kith_window_get_records (KithWindow *self)
{
  g_return_val_if_fail (KITH_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->toast_overlay);
}
