/* test-window.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window, for real: a KithWindow on a display (Xvfb in CI) over a
 * synthetic caseload, driven the way a person drives it and checked by
 * what is on screen.
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include "gui-test-util.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-application.h"
#include "kith-caseload-cell.h"
#include "kith-window-private.h"

#define CASELOAD_PEOPLE 300
#define CASELOAD_SEED   20261123
#define WAIT_TIMEOUT_MS 10000

typedef struct
{
  KithWindow *window;
  GSettings  *settings;
} Fixture;

static gboolean   have_display;
static char      *store_dir;
static KithStore *store;

/* Helpers */

/* Iterates the main context until @condition holds, or fails the test
 * after WAIT_TIMEOUT_MS. Never sleeps. */
static const char *
get_widget_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (KITH_IS_CASELOAD_CELL (widget))
    return kith_caseload_cell_get_text (KITH_CASELOAD_CELL (widget));
  return NULL;
}

/* Text on screen (a mapped label or caseload cell) under @widget,
 * showing exactly @text */
static GtkWidget *
find_mapped_label (GtkWidget  *widget,
                   const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;

  if (g_strcmp0 (get_widget_text (widget), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if ((found = find_mapped_label (child, text)))
        return found;
    }

  return NULL;
}

/* Some mapped label under @widget shows @text among other words */
static gboolean
has_mapped_text_containing (GtkWidget  *widget,
                            const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_mapped_text_containing (child, text))
      return TRUE;
  return FALSE;
}

static GListModel *
get_caseload_model (Fixture *f)
{
  return G_LIST_MODEL (kith_window_get_caseload (f->window));
}

static KithCaseloadEntry *
get_entry (Fixture *f,
           guint    position)
{
  KithCaseloadEntry *entry = g_list_model_get_item (get_caseload_model (f), position);

  g_assert_nonnull (entry);
  g_object_unref (entry);   /* the model keeps it */
  return entry;
}

static KithPatient *
load_patient_at (Fixture *f,
                 guint    position)
{
  g_autoptr(GError) error = NULL;
  KithPatient *patient;

  patient = kith_store_load_patient (store, kith_caseload_entry_get_id (get_entry (f, position)),
                                     &error);
  g_assert_no_error (error);
  g_assert_nonnull (patient);
  return patient;
}

static gboolean
query_is (Fixture    *f,
          const char *query)
{
  return g_strcmp0 (kith_caseload_get_query (kith_window_get_caseload (f->window)), query) == 0;
}

/* Types @text into the search entry a character at a time, letting the
 * window run between keystrokes, then waits for the search to run. */
static void
type_into_search (Fixture    *f,
                  const char *text)
{
  GtkEditable *entry = GTK_EDITABLE (kith_window_get_search_entry (f->window));

  gtk_widget_grab_focus (GTK_WIDGET (entry));
  gtk_editable_set_text (entry, "");

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      int position = -1;

      gtk_editable_insert_text (entry, p, g_utf8_next_char (p) - p, &position);
      gtk_editable_set_position (entry, -1);
      g_main_context_iteration (NULL, FALSE);
    }

  wait_until (query_is (f, text));
  kith_test_flush_main_context ();
}

static gboolean
has_word_starting_with (const char *name,
                        const char *prefix)
{
  g_autofree char *name_folded = g_utf8_casefold (name, -1);
  g_autofree char *prefix_folded = g_utf8_casefold (prefix, -1);
  g_auto(GStrv) words = g_regex_split_simple ("[^[:alnum:]'-]+", name_folded, 0, 0);

  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], prefix_folded))
      return TRUE;

  return FALSE;
}

static const char *
caseload_state (Fixture *f)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (kith_window_get_caseload_stack (f->window)));
}

static GtkWidget *
get_focus (Fixture *f)
{
  return gtk_root_get_focus (GTK_ROOT (f->window));
}

static gboolean
search_entry_has_focus (Fixture *f)
{
  GtkWidget *entry = kith_window_get_search_entry (f->window);
  GtkWidget *focus = get_focus (f);

  return focus != NULL && (focus == entry || gtk_widget_is_ancestor (focus, entry));
}

/* Activates the window's shortcut for @accelerator through the shortcut
 * controller that handles it, as a key press would. */
static void
press_shortcut (Fixture    *f,
                const char *accelerator)
{
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));

  g_assert_nonnull (wanted);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                           GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                           GTK_WIDGET (f->window),
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }

  g_error ("The window has no shortcut for %s", accelerator);
}

/* Fixtures */

static void
present_window (Fixture *f,
                int      width,
                int      height)
{
  f->settings = kith_settings_new ();
  f->window = kith_window_new (NULL, f->settings);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  kith_window_set_store (f->window, store, NULL);
  gtk_window_present (GTK_WINDOW (f->window));

  wait_until (gtk_widget_get_mapped (GTK_WIDGET (kith_window_get_column_view (f->window))));
  kith_test_flush_main_context ();
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  if (have_display)
    present_window (f, 1366, 768);
}

static void
fixture_set_up_narrow (Fixture       *f,
                       gconstpointer  data)
{
  if (have_display)
    present_window (f, 420, 700);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->settings);
}

#define SKIP_WITHOUT_DISPLAY()                     \
  G_STMT_START {                                   \
    if (!have_display)                             \
      {                                            \
        g_test_skip ("No display: run under xvfb-run"); \
        return;                                    \
      }                                            \
  } G_STMT_END

/* Tests */

/* Drags the list's scrollbar to the bottom, a little at a time. */
static void
scroll_to_end (GtkWidget *column_view)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (column_view, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  for (guint i = 0; i < 100; i++)
    {
      double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

      if (gtk_adjustment_get_value (adjustment) >= end)
        break;
      gtk_adjustment_set_value (adjustment, end);
      kith_test_flush_main_context ();
    }
}

static void
test_window_caseload_shows_rows (Fixture       *f,
                                 gconstpointer  data)
{
  GtkWidget *column_view;
  KithCaseloadEntry *first;

  SKIP_WITHOUT_DISPLAY ();

  g_assert_cmpuint (g_list_model_get_n_items (get_caseload_model (f)), ==, CASELOAD_PEOPLE);
  g_assert_cmpstr (caseload_state (f), ==, "list");

  column_view = GTK_WIDGET (kith_window_get_column_view (f->window));
  first = get_entry (f, 0);
  wait_until (find_mapped_label (column_view, kith_caseload_entry_get_list_name (first)));
  wait_until (find_mapped_label (column_view, kith_caseload_entry_get_nhs_number (first)));

  /* The count says how many people there are. */
  wait_until (find_mapped_label (GTK_WIDGET (f->window), "300 people"));

  /* The list shows a screenful first, then everyone: the last person can
   * be scrolled to. */
  wait_until (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view))))
              == CASELOAD_PEOPLE);
  scroll_to_end (column_view);
  wait_until (find_mapped_label (column_view,
                                 kith_caseload_entry_get_list_name (get_entry (f, CASELOAD_PEOPLE - 1))));

  /* Nobody is open yet. */
  g_assert_null (kith_record_page_get_patient (kith_window_get_record_page (f->window)));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (kith_window_get_record_page (f->window)),
                                       "Choose a person from the caseload"));
}

static void
test_window_search_family_name (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autofree char *prefix = NULL;
  const char *id;
  gboolean found = FALSE;
  guint n_items;

  SKIP_WITHOUT_DISPLAY ();

  patient = load_patient_at (f, CASELOAD_PEOPLE / 2);
  id = kith_patient_get_id (patient);
  prefix = g_utf8_substring (kith_patient_get_family (patient), 0, 3);

  type_into_search (f, prefix);

  n_items = g_list_model_get_n_items (get_caseload_model (f));
  g_test_message ("“%s” matches %u of %u people", prefix, n_items, CASELOAD_PEOPLE);
  g_assert_cmpuint (n_items, >, 0);
  g_assert_cmpuint (n_items, <, CASELOAD_PEOPLE);

  for (guint i = 0; i < n_items; i++)
    {
      KithCaseloadEntry *entry = get_entry (f, i);

      g_assert_true (has_word_starting_with (kith_caseload_entry_get_list_name (entry), prefix));
      found |= g_strcmp0 (kith_caseload_entry_get_id (entry), id) == 0;
    }
  g_assert_true (found);
  g_assert_cmpstr (caseload_state (f), ==, "list");
}

static void
test_window_search_nhs_number (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autofree char *nhs_number = NULL;

  SKIP_WITHOUT_DISPLAY ();

  patient = load_patient_at (f, 42);
  nhs_number = kith_nhs_number_format (kith_patient_get_nhs_number (patient));
  g_assert_nonnull (strchr (nhs_number, ' '));

  type_into_search (f, nhs_number);

  g_assert_cmpuint (g_list_model_get_n_items (get_caseload_model (f)), ==, 1);
  g_assert_cmpstr (kith_caseload_entry_get_id (get_entry (f, 0)), ==, kith_patient_get_id (patient));
  wait_until (find_mapped_label (GTK_WIDGET (kith_window_get_column_view (f->window)), nhs_number));
  wait_until (find_mapped_label (GTK_WIDGET (f->window), "1 match"));
}

static void
test_window_select_opens_record (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autofree char *nhs_number = NULL;
  g_autofree char *list_name = NULL;
  KithRecordPage *record_page;
  GtkSelectionModel *selection;

  SKIP_WITHOUT_DISPLAY ();

  patient = load_patient_at (f, 7);
  nhs_number = kith_nhs_number_format (kith_patient_get_nhs_number (patient));
  list_name = kith_patient_dup_list_name (patient);
  record_page = kith_window_get_record_page (f->window);

  /* Find them, then select the row. */
  type_into_search (f, nhs_number);
  selection = gtk_column_view_get_model (kith_window_get_column_view (f->window));
  gtk_selection_model_select_item (selection, 0, TRUE);

  wait_until (find_mapped_label (GTK_WIDGET (record_page), nhs_number));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (record_page), list_name));
  g_assert_cmpstr (kith_patient_get_id (kith_record_page_get_patient (record_page)), ==,
                   kith_patient_get_id (patient));
  if (kith_patient_get_preferred_name (patient) != NULL)
    {
      g_autofree char *prefers = g_strdup_printf ("Prefers to be called %s",
                                                  kith_patient_get_preferred_name (patient));
      g_assert_nonnull (find_mapped_label (GTK_WIDGET (record_page), prefers));
    }

  /* What is not there yet says so plainly. */
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (record_page), "No assessment yet"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (record_page), "Last contact"));
}

/* A discharge shows on the record with the follow-up it needs, until a
 * contact is logged; the contact then shows as the last one. */
static void
test_window_record_shows_follow_up (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autofree char *discharged = g_date_time_format (yesterday, "%Y-%m-%d");
  g_autofree char *admitted = NULL;
  g_autofree char *id = NULL;
  KithRecordPage *record_page;
  KithContactEntry contact = { 0 };
  char *who[] = { (char *) "Nurse Test", NULL };

  SKIP_WITHOUT_DISPLAY ();

  patient = load_patient_at (f, 11);
  record_page = kith_window_get_record_page (f->window);
  {
    g_autoptr(GDateTime) before = g_date_time_add_days (now, -5);

    admitted = g_date_time_format (before, "%Y-%m-%d");
  }
  id = kith_contact_record_admission (store, kith_patient_get_id (patient), admitted, "General hospital",
                                      "A fall at home", &error);
  g_assert_no_error (error);
  g_assert_true (kith_contact_record_discharge (store, kith_patient_get_id (patient), discharged, "Home with support",
                                                "Nurse Test", &error));
  g_assert_no_error (error);

  type_into_search (f, kith_patient_get_nhs_number (patient));
  g_signal_emit_by_name (kith_window_get_search_entry (f->window), "activate");
  wait_until (kith_record_page_get_patient (record_page) != NULL &&
              g_strcmp0 (kith_patient_get_id (kith_record_page_get_patient (record_page)),
                         kith_patient_get_id (patient)) == 0);
  wait_until (find_mapped_label (GTK_WIDGET (record_page), "Follow-up after discharge due"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (record_page),
                                       "No contact since the discharge: a call or a visit is due"));

  /* A phone call today is the follow-up. */
  contact.patient_id = (char *) kith_patient_get_id (patient);
  contact.kind = KITH_CONTACT_PHONE;
  contact.when = g_date_time_format_iso8601 (now);
  contact.participants = who;
  contact.notes = (char *) "Settling in at home; no pain.";
  g_free (kith_contact_log (store, &contact, &error));
  g_free (contact.when);
  g_assert_no_error (error);
  kith_record_page_reload (record_page);
  wait_until (find_mapped_label (GTK_WIDGET (record_page), "Follow-up after discharge due") == NULL);
  g_assert_true (has_mapped_text_containing (GTK_WIDGET (record_page), "Settling in at home; no pain."));
}

static void
test_window_enter_opens_person (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autofree char *nhs_number = NULL;
  KithRecordPage *record_page;

  SKIP_WITHOUT_DISPLAY ();

  patient = load_patient_at (f, 123);
  nhs_number = kith_nhs_number_format (kith_patient_get_nhs_number (patient));
  record_page = kith_window_get_record_page (f->window);

  /* Enter in the search box opens the match, without a mouse. */
  type_into_search (f, kith_patient_get_nhs_number (patient));
  g_signal_emit_by_name (kith_window_get_search_entry (f->window), "activate");

  wait_until (find_mapped_label (GTK_WIDGET (record_page), nhs_number));
  g_assert_cmpstr (kith_patient_get_id (kith_record_page_get_patient (record_page)), ==,
                   kith_patient_get_id (patient));
}

static void
test_window_ctrl_f_focuses_search (Fixture       *f,
                                   gconstpointer  data)
{
  SKIP_WITHOUT_DISPLAY ();

  gtk_widget_grab_focus (GTK_WIDGET (kith_window_get_column_view (f->window)));
  kith_test_flush_main_context ();
  g_assert_false (search_entry_has_focus (f));

  press_shortcut (f, "<Control>f");
  wait_until (search_entry_has_focus (f));
}

static gboolean
focus_is_inside (Fixture   *f,
                 GtkWidget *widget)
{
  GtkWidget *focus = get_focus (f);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static const char *
describe_focus (Fixture *f)
{
  GtkWidget *focus = get_focus (f);

  return focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "nothing";
}

/* Tab as GTK dispatches it: key controllers from the window down to the
 * focus widget in the capture phase, and if none takes it, the window's
 * own Tab binding (move the focus). */
static void
press_tab (Fixture  *f,
           gboolean  backwards)
{
  guint keyval = backwards ? GDK_KEY_ISO_Left_Tab : GDK_KEY_Tab;
  GdkModifierType state = backwards ? GDK_SHIFT_MASK : 0;
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();

  for (GtkWidget *w = get_focus (f); w != NULL; w = gtk_widget_get_parent (w))
    g_ptr_array_insert (chain, 0, w);

  for (guint i = 0; i < chain->len; i++)
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (chain->pdata[i]);

      for (guint j = 0; j < g_list_model_get_n_items (controllers); j++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, j);
          gboolean handled = FALSE;

          if (!GTK_IS_EVENT_CONTROLLER_KEY (controller) ||
              gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_CAPTURE)
            continue;

          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
          if (handled)
            {
              kith_test_flush_main_context ();
              return;
            }
        }
    }

  gtk_widget_child_focus (GTK_WIDGET (f->window),
                          backwards ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD);
  kith_test_flush_main_context ();
}

static void
test_window_tab_order (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *column_view;
  GtkWidget *record_page;

  SKIP_WITHOUT_DISPLAY ();

  column_view = GTK_WIDGET (kith_window_get_column_view (f->window));
  record_page = GTK_WIDGET (kith_window_get_record_page (f->window));

  /* The window opens ready to type a name. */
  wait_until (search_entry_has_focus (f));

  /* Open someone, then come back to the search box. */
  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (column_view)), 5, TRUE);
  wait_until (kith_record_page_get_patient (KITH_RECORD_PAGE (record_page)) != NULL);
  kith_test_flush_main_context ();
  press_shortcut (f, "<Control>f");
  wait_until (search_entry_has_focus (f));

  /* Tab: search → filters (one stop: the arrow keys move among them) →
   * list → record, and Shift+Tab from the list: search */
  press_tab (f, FALSE);
  g_test_message ("After one Tab: %s", describe_focus (f));
  g_assert_true (focus_is_inside (f, GTK_WIDGET (kith_window_get_caseload_filters (f->window))));

  press_tab (f, FALSE);
  g_test_message ("After two Tabs: %s", describe_focus (f));
  g_assert_true (focus_is_inside (f, column_view));

  press_tab (f, FALSE);
  g_test_message ("After three Tabs: %s", describe_focus (f));
  g_assert_true (focus_is_inside (f, record_page));

  gtk_widget_grab_focus (column_view);
  kith_test_flush_main_context ();
  g_assert_true (focus_is_inside (f, column_view));
  press_tab (f, TRUE);
  g_assert_true (search_entry_has_focus (f));
}

static void
test_window_no_matches (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *stack;

  SKIP_WITHOUT_DISPLAY ();

  type_into_search (f, "Zzyzxq");

  g_assert_cmpuint (g_list_model_get_n_items (get_caseload_model (f)), ==, 0);
  g_assert_cmpstr (caseload_state (f), ==, "no-matches");
  stack = kith_window_get_caseload_stack (f->window);
  wait_until (find_mapped_label (stack, "No one matches"));
}

static void
test_window_escape_clears_search (Fixture       *f,
                                  gconstpointer  data)
{
  GtkWidget *entry;

  SKIP_WITHOUT_DISPLAY ();

  entry = kith_window_get_search_entry (f->window);
  type_into_search (f, "Zzyzxq");
  g_assert_cmpstr (caseload_state (f), ==, "no-matches");

  /* GtkSearchEntry turns Escape into ::stop-search */
  g_signal_emit_by_name (entry, "stop-search");

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  wait_until (query_is (f, "") || query_is (f, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (get_caseload_model (f)), ==, CASELOAD_PEOPLE);
  g_assert_cmpstr (caseload_state (f), ==, "list");
}

static void
test_window_narrow_folds (Fixture       *f,
                          gconstpointer  data)
{
  AdwLeaflet *leaflet;
  GtkColumnView *column_view;
  KithRecordPage *record_page;
  g_autoptr(KithPatient) patient = NULL;
  g_autofree char *nhs_number = NULL;

  SKIP_WITHOUT_DISPLAY ();

  leaflet = kith_window_get_leaflet (f->window);
  column_view = kith_window_get_column_view (f->window);
  record_page = kith_window_get_record_page (f->window);
  wait_until (adw_leaflet_get_folded (leaflet));
  /* Once the fold's animation settles, only the list is on screen. */
  wait_until (!gtk_widget_get_mapped (GTK_WIDGET (record_page)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (column_view)));

  /* Activating a row (Enter, or a tap when folded) shows the record ... */
  patient = load_patient_at (f, 3);
  nhs_number = kith_nhs_number_format (kith_patient_get_nhs_number (patient));
  g_signal_emit_by_name (column_view, "activate", 3);
  wait_until (find_mapped_label (GTK_WIDGET (record_page), nhs_number));
  wait_until (!gtk_widget_get_mapped (GTK_WIDGET (column_view)));

  /* ... and Alt+Left goes back to the list. */
  press_shortcut (f, "<Alt>Left");
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (column_view)));
}

static void
test_window_store_error (void)
{
  static const char garbage[] = "This is not a Kith store, and must stay exactly like this.\n";
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) open_error = NULL;
  g_autoptr(KithStore) bad_store = NULL;
  KithWindow *window;
  gsize length;

  SKIP_WITHOUT_DISPLAY ();

  dir = g_dir_make_tmp ("kith-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "kith.db", NULL);
  g_file_set_contents (path, garbage, -1, &error);
  g_assert_no_error (error);

  bad_store = kith_store_open (path, &open_error);
  g_assert_null (bad_store);
  g_assert_nonnull (open_error);

  window = kith_window_new (NULL, NULL);
  kith_window_show_store_error (window, open_error);
  gtk_window_present (GTK_WINDOW (window));

  wait_until (find_mapped_label (GTK_WIDGET (window), "Your Records Could Not Be Opened"));
  /* The reason, in the core's words, is on screen. */
  description = g_strdup_printf ("%s\n\nAsk your practice’s IT support for help.",
                                 open_error->message);
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (window), description));
  gtk_window_destroy (GTK_WINDOW (window));

  /* Left exactly as it was */
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, garbage, sizeof garbage - 1);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Without a session bus (plain xvfb-run), GTK's accessibility bridge warns
 * once that it cannot reach it. That is the environment, not the window, so
 * it must not fail the test; every other warning still does. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
    }

  if ((log_level & G_LOG_LEVEL_WARNING) != 0 &&
      g_strcmp0 (domain, "Gtk") == 0 && message != NULL &&
      g_str_has_prefix (message, "Unable to acquire session bus"))
    {
      g_test_message ("Ignored: %s", message);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* The shared caseload */

static void
create_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  store_dir = g_dir_make_tmp ("kith-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (store_dir, "kith.db", NULL);

  store = kith_store_open (path, &error);
  g_assert_no_error (error);
  kith_demo_caseload_fill (store, CASELOAD_PEOPLE, CASELOAD_SEED, &error);
  g_assert_no_error (error);
}

static void
remove_store (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&store);

  if (!(dir = g_dir_open (store_dir, 0, NULL)))
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (store_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (store_dir);
  g_clear_pointer (&store_dir, g_free);
}

/* From the record to the care plan and back: a goal typed in the plan is
 * saved on the way out, and the record is there again. */
static void
test_window_open_plan (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autofree char *nhs_number = NULL;
  KithRecordPage *record_page;
  GtkSelectionModel *selection;
  SKIP_WITHOUT_DISPLAY ();

  patient = load_patient_at (f, 11);
  nhs_number = kith_nhs_number_format (kith_patient_get_nhs_number (patient));
  record_page = kith_window_get_record_page (f->window);
  type_into_search (f, nhs_number);
  selection = gtk_column_view_get_model (kith_window_get_column_view (f->window));
  gtk_selection_model_select_item (selection, 0, TRUE);
  wait_until (find_mapped_label (GTK_WIDGET (record_page), nhs_number));

  g_assert_nonnull (find_mapped_label (GTK_WIDGET (record_page), "Open the care plan"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.open-plan", NULL));
  g_assert_cmpstr (kith_window_get_visible_page (f->window), ==, "plan");
  wait_until (find_mapped_label (GTK_WIDGET (f->window), "Care plan"));

  /* Back is to the record. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL));
  g_assert_cmpstr (kith_window_get_visible_page (f->window), ==, "records");
  wait_until (find_mapped_label (GTK_WIDGET (record_page), nhs_number));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Keep the system MIME database: without it the SVG icons don't load. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

  if ((have_display = gtk_init_check ()))
    {
      adw_init ();
      create_store ();
    }

#define ADD_WINDOW_TEST(path, func, set_up) \
  g_test_add ("/kith/window/" path, Fixture, NULL, set_up, func, fixture_tear_down)

  ADD_WINDOW_TEST ("caseload-shows-rows", test_window_caseload_shows_rows, fixture_set_up);
  ADD_WINDOW_TEST ("search-family-name", test_window_search_family_name, fixture_set_up);
  ADD_WINDOW_TEST ("search-nhs-number", test_window_search_nhs_number, fixture_set_up);
  ADD_WINDOW_TEST ("select-opens-record", test_window_select_opens_record, fixture_set_up);
  ADD_WINDOW_TEST ("enter-opens-person", test_window_enter_opens_person, fixture_set_up);
  ADD_WINDOW_TEST ("ctrl-f-focuses-search", test_window_ctrl_f_focuses_search, fixture_set_up);
  ADD_WINDOW_TEST ("tab-order", test_window_tab_order, fixture_set_up);
  ADD_WINDOW_TEST ("no-matches", test_window_no_matches, fixture_set_up);
  ADD_WINDOW_TEST ("escape-clears-search", test_window_escape_clears_search, fixture_set_up);
  ADD_WINDOW_TEST ("narrow-folds", test_window_narrow_folds, fixture_set_up_narrow);
  ADD_WINDOW_TEST ("open-plan", test_window_open_plan, fixture_set_up);
  /* Changes the store: last */
  ADD_WINDOW_TEST ("record-shows-follow-up", test_window_record_shows_follow_up, fixture_set_up);
  g_test_add_func ("/kith/window/store-error", test_window_store_error);

  ret = g_test_run ();

  if (have_display)
    remove_store ();

  return ret;
}
