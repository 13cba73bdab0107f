/* test-plan-editor.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The care plan editor, for real: a KithPlanEditor in a window on a
 * display (Xvfb in CI) over a temporary store with one person whose
 * assessment accepted a need. Driven as a person drives it, checked by
 * what is on screen and by what the core then holds.
 *
 * With KITH_PLAN_SCREENSHOT=FILE.png, /kith/plan-editor/screenshot also
 * writes a 1366×768 picture of the editor over a realistic demo plan.
 */

#define G_LOG_DOMAIN "test-plan-editor"

#include "config.h"

#include "gui-test-util.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-plan-editor-private.h"
#include "kith-plan-print.h"

#define WAIT_TIMEOUT_MS 10000
#define EDITOR_NAME     "Bethan Hughes"
#define NEED_TITLE      "Help sorting out my pension credit"
#define GOAL_TEXT       "To sort out my pension credit before the winter"
#define ACTION_TEXT     "Book a benefits check with Citizens Advice"

typedef struct
{
  char           *dir;
  KithStore      *store;
  char           *patient_id;
  GtkWindow      *window;
  KithPlanEditor *editor;
} Fixture;

static gboolean have_display;

/* Helpers */

static void
collect_widgets (GtkWidget *widget,
                 GType      type,
                 GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, found);
}

/* The visible toplevel of @type other than @except, or NULL */
static GtkWindow *
find_toplevel (GType      type,
               GtkWindow *except)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != except && G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
window_is_gone (gpointer *weak)
{
  return *weak == NULL || !gtk_widget_get_visible (GTK_WIDGET (*weak));
}

/* Presses @accelerator through the editor's own shortcuts, as GTK does. */
static void
press_shortcut (Fixture    *f,
                const char *accelerator)
{
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->editor));

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
                                                           GTK_WIDGET (f->editor), NULL));
              kith_test_flush_main_context ();
              return;
            }
        }
    }
  g_error ("The editor has no shortcut for %s", accelerator);
}

/* A key press as it bubbles up from the focus: key controllers from the
 * focus widget to the window, until one takes it. */
static gboolean
press_key (GtkWindow *window,
           guint      keyval)
{
  for (GtkWidget *w = gtk_root_get_focus (GTK_ROOT (window)); w != NULL; w = gtk_widget_get_parent (w))
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (w);

      for (guint j = 0; j < g_list_model_get_n_items (controllers); j++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, j);
          gboolean handled = FALSE;

          if (!GTK_IS_EVENT_CONTROLLER_KEY (controller) ||
              gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_BUBBLE)
            continue;
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
          if (handled)
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
focus_is_inside (GtkWindow *window,
                 GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Types into the focused text field, then presses Enter there. */
static void
type_and_enter (GtkWindow  *window,
                const char *text)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  g_assert_true (GTK_IS_EDITABLE (focus));
  gtk_editable_set_text (GTK_EDITABLE (focus), text);
  kith_test_flush_main_context ();
  g_assert_true (GTK_IS_TEXT (focus));
  g_signal_emit_by_name (focus, "activate");   /* Enter */
  kith_test_flush_main_context ();
}

static void
set_text_view (GtkTextView *view,
               const char  *text)
{
  gtk_widget_grab_focus (GTK_WIDGET (view));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static GtkWidget *
find_need_row (Fixture    *f,
               const char *title)
{
  GtkListBox *list = kith_plan_editor_get_needs_list (f->editor);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_PREFERENCES_ROW (row) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
      return row;
  return NULL;
}

static const char *
message_body (AdwMessageDialog *dialog)
{
  return adw_message_dialog_get_body (dialog);
}

static KithOptionLibrary *
option_library (void)
{
  return kith_option_library_get_default ();
}

/* The store: one person, an assessment that accepted one need */

static void
make_person_with_need (Fixture    *f,
                       const char *family,
                       const char *given,
                       const char *preferred)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(KithAssessment) assessment = NULL;
  KithAnswer answer = { KITH_ANSWER_BOOLEAN };

  kith_patient_set_family (patient, family);
  kith_patient_set_given (patient, given);
  kith_patient_set_preferred_name (patient, preferred);
  kith_patient_set_birth_date (patient, "1941-05-12", NULL);
  kith_patient_set_phone (patient, "01632 960123");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (kith_patient_get_id (patient));

  assessment = kith_assessment_start (f->store, f->patient_id, EDITOR_NAME, &error);
  g_assert_no_error (error);
  answer.integer = 1;
  g_assert_true (kith_assessment_set_answer (assessment, "social", "money-worries", &answer, &error));
  g_assert_no_error (error);
  g_assert_true (kith_assessment_accept_need (assessment, "financial-advice", NEED_TITLE, &error));
  g_assert_no_error (error);
}

static void
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("kith-test-plan-editor-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
}

static void
open_editor (Fixture *f)
{
  f->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (f->window, 1366, 768);
  f->editor = kith_plan_editor_new (f->store, f->patient_id, EDITOR_NAME);
  adw_window_set_content (ADW_WINDOW (f->window), GTK_WIDGET (f->editor));
  gtk_window_present (f->window);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (f->editor)));
  kith_test_flush_main_context ();
}

static void
close_editor (Fixture *f)
{
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  f->window = NULL;
  f->editor = NULL;
  kith_test_flush_main_context ();
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  if (!have_display)
    return;
  open_store (f);
  make_person_with_need (f, "Smith", "Margaret", "Peggy");
  open_editor (f);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close_editor (f);
  g_clear_object (&f->store);
  if (f->dir != NULL)
    remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->patient_id);
}

#define SKIP_WITHOUT_DISPLAY()                                \
  G_STMT_START {                                              \
    if (!have_display)                                        \
      {                                                       \
        g_test_skip ("No display: run under xvfb-run");       \
        return;                                               \
      }                                                       \
  } G_STMT_END

/* Steps of the journey */

static void
record_shared_decision (Fixture *f)
{
  g_autoptr(GPtrArray) options = kith_option_library_for_need (option_library (), "financial-advice");
  const KithOption *first = NULL;
  KithPlanDecisionDialog *dialog;
  GtkWidget *need_row;
  gpointer weak;
  g_autofree char *agreed = NULL;

  g_assert_cmpuint (options->len, >=, 2);
  first = options->pdata[0];

  /* The need is listed, with no decision yet. */
  wait_until ((need_row = find_need_row (f, NEED_TITLE)) != NULL);
  g_assert_nonnull (kith_test_find_mapped_label (need_row, "No shared decision yet"));
  g_signal_emit_by_name (kith_plan_editor_get_needs_list (f->editor), "row-activated", need_row);

  wait_until ((dialog = (KithPlanDecisionDialog *) find_toplevel (KITH_TYPE_PLAN_DECISION_DIALOG, NULL)) != NULL);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  kith_test_flush_main_context ();

  /* Ask 3 Questions stays in view; the options are there, in plain words. */
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "1. What are my options?"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog),
                                       "2. What are the possible benefits and risks of those options?"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog),
                                       "3. How can we make a decision together that is right for me?"));
  g_assert_nonnull (kith_test_find_mapped_label (kith_plan_decision_dialog_get_options_group (dialog), first->title));

  set_text_view (kith_plan_decision_dialog_get_what_matters_view (dialog),
                 "Not having to fill in the forms on my own");
  adw_combo_row_set_selected (kith_plan_decision_dialog_get_choice_row (dialog, "preferred"), 1);
  adw_combo_row_set_selected (kith_plan_decision_dialog_get_choice_row (dialog, "certainty"), 2);
  gtk_editable_set_text (GTK_EDITABLE (kith_plan_decision_dialog_get_carer_row (dialog)), "Daniel Smith, son");
  adw_combo_row_set_selected (kith_plan_decision_dialog_get_choice_row (dialog, "agreed"), 1);
  kith_test_flush_main_context ();

  /* collaboRATE, after agreeing: every effort was made, three times. */
  for (guint item = 0; item < 3; item++)
    {
      GtkToggleButton *button = kith_plan_decision_dialog_get_score_button (dialog, item, 4);

      g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
      gtk_widget_activate (GTK_WIDGET (button));
      wait_until (gtk_toggle_button_get_active (button));
    }
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "4: every effort was made"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "0: no effort was made"));

  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  gtk_widget_activate (kith_plan_decision_dialog_get_record_button (dialog));
  wait_until (window_is_gone (&weak));
  if (weak != NULL)
    g_object_remove_weak_pointer (G_OBJECT (weak), &weak);

  /* The need now says what was agreed. */
  agreed = g_strdup_printf ("Agreed: %s", first->title);
  wait_until (kith_test_find_mapped_label (GTK_WIDGET (kith_plan_editor_get_needs_list (f->editor)), agreed));
}

static void
add_goal_and_action (Fixture *f)
{
  /* Ctrl+G: straight to a new goal; type it, Enter. */
  press_shortcut (f, "<Control>g");
  g_assert_true (focus_is_inside (f->window, GTK_WIDGET (kith_plan_editor_get_new_goal_row (f->editor))));
  type_and_enter (f->window, GOAL_TEXT);

  /* Ctrl+Shift+A: a new action, the same way. */
  press_shortcut (f, "<Control><Shift>a");
  g_assert_true (focus_is_inside (f->window, GTK_WIDGET (kith_plan_editor_get_new_action_row (f->editor))));
  type_and_enter (f->window, ACTION_TEXT);

  wait_until (kith_test_find_mapped_label (GTK_WIDGET (kith_plan_editor_get_goals_list (f->editor)), GOAL_TEXT));
  wait_until (kith_test_find_mapped_label (GTK_WIDGET (kith_plan_editor_get_actions_list (f->editor)), ACTION_TEXT));
  g_assert_true (kith_plan_editor_get_has_changes (f->editor));
}

static AdwMessageDialog *
wait_for_message_dialog (GtkWindow *except)
{
  AdwMessageDialog *dialog = NULL;

  wait_until ((dialog = (AdwMessageDialog *) find_toplevel (ADW_TYPE_MESSAGE_DIALOG, except)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  kith_test_flush_main_context ();
  return dialog;
}

static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  gpointer weak = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  /* As a click on the response's button: respond, then close */
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (window_is_gone (&weak));
  if (weak != NULL)
    g_object_remove_weak_pointer (G_OBJECT (weak), &weak);
}

static void
agree_is_refused_without_coordinator (Fixture *f)
{
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (f->editor), "plan.agree", NULL);
  dialog = wait_for_message_dialog (NULL);
  g_assert_false (KITH_IS_PLAN_AGREE_DIALOG (dialog));
  g_test_message ("Refused: %s", message_body (dialog));
  g_assert_nonnull (strstr (message_body (dialog), "co-ordinator"));
  g_assert_nonnull (strstr (message_body (dialog), "crisis"));
  g_assert_null (strstr (message_body (dialog), "goal"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), message_body (dialog)));
  respond (dialog, "close");
  g_assert_cmpint (kith_care_plan_get_state (kith_plan_editor_get_plan (f->editor)), ==, KITH_PLAN_DRAFT);
}

static void
add_coordinator_and_crisis_contact (Fixture *f)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  GtkWidget *contact_row;

  gtk_editable_set_text (GTK_EDITABLE (kith_plan_editor_get_coordinator_row (f->editor, "name")), EDITOR_NAME);
  gtk_editable_set_text (GTK_EDITABLE (kith_plan_editor_get_coordinator_row (f->editor, "phone")), "01632 960555");
  gtk_editable_set_text (GTK_EDITABLE (kith_plan_editor_get_coordinator_row (f->editor, "hours")),
                         "Monday to Friday, 9am to 5pm");

  /* "Add someone to call": a new contact, its name ready to type. */
  g_signal_emit_by_name (kith_plan_editor_get_contacts_list (f->editor), "row-activated",
                         kith_plan_editor_get_add_contact_row (f->editor));
  kith_test_flush_main_context ();
  contact_row = gtk_widget_get_first_child (GTK_WIDGET (kith_plan_editor_get_contacts_list (f->editor)));
  g_assert_true (ADW_IS_EXPANDER_ROW (contact_row));
  collect_widgets (contact_row, ADW_TYPE_ENTRY_ROW, entries);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_true (focus_is_inside (f->window, entries->pdata[0]));
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[0]), "NHS 111");
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[1]), "111");
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[2]), "any hour");
  set_text_view (kith_plan_editor_get_crisis_actions_view (f->editor),
                 "Ring Daniel first. If he is not there, ring 111, day or night.");
  kith_test_flush_main_context ();

  g_assert_null (kith_care_plan_check_agreement (kith_plan_editor_get_plan (f->editor)));
}

static void
agree_with_the_person (Fixture *f)
{
  KithPlanAgreeDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (f->editor), "plan.agree", NULL);
  wait_until ((dialog = (KithPlanAgreeDialog *) find_toplevel (KITH_TYPE_PLAN_AGREE_DIALOG, NULL)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  kith_test_flush_main_context ();
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "Who agreed?"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "How?"));
  /* The person's own name is there already. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kith_plan_agree_dialog_get_name_row (dialog))), ==,
                   "Peggy Smith");

  /* Agreed by their son, as their representative, by phone. */
  gtk_check_button_set_active (kith_plan_agree_dialog_get_representative_check (dialog), TRUE);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (kith_plan_agree_dialog_get_relationship_row (dialog))));
  gtk_editable_set_text (GTK_EDITABLE (kith_plan_agree_dialog_get_name_row (dialog)), "Daniel Smith");
  gtk_editable_set_text (GTK_EDITABLE (kith_plan_agree_dialog_get_relationship_row (dialog)),
                         "son, lasting power of attorney");
  adw_combo_row_set_selected (kith_plan_agree_dialog_get_how_row (dialog), 1);
  g_assert_cmpstr (kith_plan_agree_dialog_get_how (dialog), ==, "by phone");
  respond (ADW_MESSAGE_DIALOG (dialog), "agree");

  wait_until (kith_test_find_mapped_label (GTK_WIDGET (f->editor), "Agreed"));
  g_assert_false (kith_plan_editor_get_has_changes (f->editor));
}

static void
check_stored_plan (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) stored = kith_care_plan_load_current (f->store, f->patient_id, &error);
  g_autoptr(GPtrArray) goals = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) options = kith_option_library_for_need (option_library (), "financial-advice");
  const KithTeamMember *coordinator;
  KithDecision *decision;
  gboolean found = FALSE;

  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpint (kith_care_plan_get_state (stored), ==, KITH_PLAN_AGREED);
  g_assert_cmpstr (kith_care_plan_get_last_edited_by (stored), ==, EDITOR_NAME);

  goals = kith_care_plan_list_goals (stored);
  for (guint i = 0; i < goals->len; i++)
    found |= g_strcmp0 (((KithGoal *) goals->pdata[i])->text, GOAL_TEXT) == 0;
  g_assert_true (found);
  actions = kith_care_plan_list_actions (stored);
  g_assert_cmpuint (actions->len, ==, 1);
  g_assert_cmpstr (((KithAction *) actions->pdata[0])->text, ==, ACTION_TEXT);
  g_assert_cmpstr (((KithAction *) actions->pdata[0])->owner, ==, EDITOR_NAME);

  coordinator = kith_care_plan_get_coordinator (stored);
  g_assert_nonnull (coordinator);
  g_assert_cmpstr (coordinator->name, ==, EDITOR_NAME);
  g_assert_cmpstr (coordinator->phone, ==, "01632 960555");
  g_assert_cmpstr (coordinator->hours, ==, "Monday to Friday, 9am to 5pm");

  decisions = kith_care_plan_list_decisions (stored);
  g_assert_cmpuint (decisions->len, ==, 1);
  decision = decisions->pdata[0];
  g_assert_cmpstr (decision->need_title, ==, NEED_TITLE);
  g_assert_cmpstr (decision->agreed, ==, ((KithOption *) options->pdata[0])->id);
  g_assert_cmpstr (decision->preferred, ==, ((KithOption *) options->pdata[0])->id);
  g_assert_cmpstr (decision->certainty, ==, "fairly-sure");
  g_assert_cmpstr (decision->what_matters, ==, "Not having to fill in the forms on my own");
  g_assert_true (g_strv_contains ((const char * const *) decision->participants, "Peggy Smith (the person)"));
  g_assert_true (g_strv_contains ((const char * const *) decision->participants, "Daniel Smith, son (carer)"));
  g_assert_true (g_strv_contains ((const char * const *) decision->participants, EDITOR_NAME));
  g_assert_true (kith_decision_is_collaborate_top (decision));

  /* Saved after the decision, then on agreeing: two versions at least. */
  versions = kith_care_plan_list_versions (f->store, kith_care_plan_get_id (stored), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, >=, 2);
  g_assert_cmpint (kith_care_plan_get_state (versions->pdata[versions->len - 1]), ==, KITH_PLAN_AGREED);
}

static void
check_history (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autofree char *newest = NULL;
  KithPlanHistory *history;
  GtkListBox *list;
  guint n_rows = 0;
  gpointer weak;

  versions = kith_care_plan_list_versions (f->store, kith_care_plan_get_id (kith_plan_editor_get_plan (f->editor)),
                                           &error);
  g_assert_no_error (error);

  press_shortcut (f, "<Control>h");
  wait_until ((history = (KithPlanHistory *) find_toplevel (KITH_TYPE_PLAN_HISTORY, NULL)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (history)));
  kith_test_flush_main_context ();

  list = kith_plan_history_get_versions_list (history);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row; row = gtk_widget_get_next_sibling (row))
    n_rows++;
  g_assert_cmpuint (n_rows, ==, versions->len);
  newest = g_strdup_printf ("Version %u · Agreed", versions->len);
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (list), newest));

  /* The newest against the one before: the goal and the agreement, in words. */
  wait_until (gtk_widget_get_first_child (GTK_WIDGET (kith_plan_history_get_changes_list (history))) != NULL);
  {
    g_autofree char *added = g_strdup_printf ("Added: %s", GOAL_TEXT);
    wait_until (kith_test_find_mapped_label (GTK_WIDGET (kith_plan_history_get_changes_list (history)), added));
  }

  /* The first version: the plan started, with the shared decision. */
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, n_rows - 1));
  wait_until (kith_test_find_mapped_label (GTK_WIDGET (kith_plan_history_get_changes_list (history)), "Plan started"));

  weak = history;
  g_object_add_weak_pointer (G_OBJECT (history), &weak);
  gtk_window_close (GTK_WINDOW (history));
  wait_until (weak == NULL);
}

static void
check_exports (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = g_build_filename (f->dir, "plan.pdf", NULL);
  g_autofree char *printed = g_build_filename (f->dir, "printed.pdf", NULL);
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  KithPlanDocumentOptions options = { TRUE, TRUE, NULL };
  GStatBuf st;

  g_assert_true (kith_plan_editor_export_pdf (f->editor, pdf, TRUE, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (pdf, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1000);

  if (pdftotext != NULL)
    {
      g_autofree char *out = NULL;
      g_autofree char *argv0 = g_strdup (pdftotext);
      char *argv[] = { argv0, (char *) "-layout", pdf, (char *) "-", NULL };
      int status;

      g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   &out, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_nonnull (strstr (out, EDITOR_NAME));
      g_assert_nonnull (strstr (out, "111"));
    }
  else
    g_test_message ("pdftotext is not installed: the PDF's words are not checked");

  /* The print path itself, sent to a PDF instead of a printer. */
  g_assert_true (kith_plan_print_run (f->window, kith_plan_editor_get_plan (f->editor), NULL, &options, printed,
                                      &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (printed, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1000);
}

/* Tests */

static void
test_plan_editor_new_plan_to_agreed (Fixture       *f,
                                     gconstpointer  data)
{
  SKIP_WITHOUT_DISPLAY ();

  /* A new draft, said plainly. */
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (f->editor), "New plan — not saved yet"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (f->editor), "Draft"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (f->editor), "Care and support plan for Peggy Smith"));

  record_shared_decision (f);
  add_goal_and_action (f);
  agree_is_refused_without_coordinator (f);
  add_coordinator_and_crisis_contact (f);
  agree_with_the_person (f);

  /* Ctrl+S with nothing new: still the same version. */
  {
    const char *version = kith_care_plan_get_version (kith_plan_editor_get_plan (f->editor));
    g_autofree char *before = g_strdup (version);

    press_shortcut (f, "<Control>s");
    g_assert_cmpstr (kith_care_plan_get_version (kith_plan_editor_get_plan (f->editor)), ==, before);
  }

  check_stored_plan (f);
  check_history (f);
  check_exports (f);
}

static void
test_plan_editor_conflict_keeps_edits (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) other_store = NULL;
  g_autoptr(KithCarePlan) theirs = NULL;
  g_autofree char *path = NULL;
  GtkTextView *matters;
  AdwMessageDialog *dialog;

  SKIP_WITHOUT_DISPLAY ();

  /* A saved plan, open here... */
  matters = kith_plan_editor_get_what_matters_view (f->editor);
  set_text_view (matters, "My garden");
  press_shortcut (f, "<Control>s");
  g_assert_cmpstr (kith_care_plan_get_version (kith_plan_editor_get_plan (f->editor)), ==, "1");
  {
    g_autofree char *when = kith_plan_document_format_date (
      kith_care_plan_get_last_updated (kith_plan_editor_get_plan (f->editor)));
    g_autofree char *header = g_strdup_printf ("Version 1 · last edited by %s on %s", EDITOR_NAME, when);

    wait_until (kith_test_find_mapped_label (GTK_WIDGET (f->editor), header));
  }

  /* ...and changed in another window meanwhile. */
  path = g_build_filename (f->dir, "kith.db", NULL);
  other_store = kith_store_open (path, &error);
  g_assert_no_error (error);
  theirs = kith_care_plan_load (other_store, kith_care_plan_get_id (kith_plan_editor_get_plan (f->editor)), &error);
  g_assert_no_error (error);
  kith_care_plan_set_what_matters (theirs, "Staying in my own home");
  g_assert_true (kith_care_plan_save (theirs, other_store, "Dr Shah", &error));
  g_assert_no_error (error);

  /* The same section typed here, then Ctrl+S. */
  g_assert_nonnull (matters);
  set_text_view (matters, "My garden and my cat");
  press_shortcut (f, "<Control>s");

  dialog = wait_for_message_dialog (NULL);
  g_test_message ("Conflict: %s", message_body (dialog));
  g_assert_nonnull (strstr (message_body (dialog), "What matters to me"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "Reload Theirs"));

  /* Keep editing: nothing typed is lost. */
  respond (dialog, "keep");
  g_assert_cmpstr (kith_care_plan_get_what_matters (kith_plan_editor_get_plan (f->editor)), ==,
                   "My garden and my cat");
  g_assert_true (kith_plan_editor_get_has_changes (f->editor));

  /* Reload theirs: their words on screen. */
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "plan.reload", NULL);
  kith_test_flush_main_context ();
  g_assert_cmpstr (kith_care_plan_get_what_matters (kith_plan_editor_get_plan (f->editor)), ==,
                   "Staying in my own home");
  g_assert_false (kith_plan_editor_get_has_changes (f->editor));
  {
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (matters), &start, &end);
    text = gtk_text_buffer_get_text (gtk_text_view_get_buffer (matters), &start, &end, FALSE);
    g_assert_cmpstr (text, ==, "Staying in my own home");
  }
}

static void
test_plan_editor_saves_on_close (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) stored = NULL;

  SKIP_WITHOUT_DISPLAY ();

  /* Typed, never saved, window closed: still kept. */
  press_shortcut (f, "<Control>g");
  type_and_enter (f->window, "To get to church on Sundays");
  g_assert_null (kith_care_plan_load_current (f->store, f->patient_id, &error));
  g_assert_no_error (error);
  close_editor (f);

  stored = kith_care_plan_load_current (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (kith_care_plan_get_last_edited_by (stored), ==, EDITOR_NAME);
  {
    g_autoptr(GPtrArray) goals = kith_care_plan_list_goals (stored);

    g_assert_cmpuint (goals->len, ==, 1);
    g_assert_cmpstr (((KithGoal *) goals->pdata[0])->text, ==, "To get to church on Sundays");
  }
}

static void
test_plan_editor_overdue_and_delete (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  g_autofree char *goal_id = NULL;
  g_autofree char *action_id = NULL;
  KithGoal goal = { NULL, (char *) "To walk to the shop", (char *) "Peggy", NULL, NULL, FALSE };
  KithAction late = { NULL, (char *) "Refer to the falls service", KITH_OWNER_PROFESSIONAL, (char *) "Dr Shah",
                      (char *) "2020-01-10", KITH_ACTION_NOT_STARTED, NULL };
  GtkWidget *goal_row;
  AdwMessageDialog *dialog;

  SKIP_WITHOUT_DISPLAY ();

  close_editor (f);
  plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  goal_id = kith_care_plan_add_goal (plan, &goal, &error);
  action_id = kith_care_plan_add_action (plan, &late, &error);
  g_assert_true (kith_care_plan_set_review_date (plan, "2020-02-01", &error));
  g_assert_true (kith_care_plan_save (plan, f->store, "Dr Shah", &error));
  g_assert_no_error (error);
  open_editor (f);

  /* The late action and the late review stand out, in words. */
  wait_until (kith_test_find_mapped_label (GTK_WIDGET (kith_plan_editor_get_actions_list (f->editor)), "Overdue"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (f->editor), "Review overdue"));

  /* Delete on the focused goal asks first. */
  goal_row = gtk_widget_get_first_child (GTK_WIDGET (kith_plan_editor_get_goals_list (f->editor)));
  g_assert_true (ADW_IS_EXPANDER_ROW (goal_row));
  /* Tab onto the goal's own row (its header), as the keyboard would. */
  g_assert_true (gtk_widget_child_focus (goal_row, GTK_DIR_TAB_FORWARD));
  g_test_message ("Focus on %s", G_OBJECT_TYPE_NAME (gtk_root_get_focus (GTK_ROOT (f->window))));
  g_assert_false (GTK_IS_EDITABLE (gtk_root_get_focus (GTK_ROOT (f->window))));
  g_assert_true (focus_is_inside (f->window, goal_row));
  g_assert_true (press_key (f->window, GDK_KEY_Delete));
  dialog = wait_for_message_dialog (NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Remove This Goal?");
  respond (dialog, "remove");
  g_assert_true (kith_plan_editor_get_has_changes (f->editor));
  {
    g_autoptr(GPtrArray) goals = kith_care_plan_list_goals (kith_plan_editor_get_plan (f->editor));
    g_assert_cmpuint (goals->len, ==, 0);
  }
}

static void
test_plan_editor_print_options (Fixture       *f,
                                gconstpointer  data)
{
  static const char *actions[] = { "plan.print", "plan.export-pdf" };
  static const char *headings[] = { "Print the Plan", "Export the Plan as a PDF" };

  SKIP_WITHOUT_DISPLAY ();

  /* Print and Export PDF ask about large print and the crisis section
   * first; the person's own choice is the default. */
  kith_care_plan_set_crisis_first (kith_plan_editor_get_plan (f->editor), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      AdwMessageDialog *dialog;
      gboolean large_print = TRUE, crisis_first = FALSE;

      gtk_widget_activate_action (GTK_WIDGET (f->editor), actions[i], NULL);
      dialog = wait_for_message_dialog (NULL);
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, headings[i]);
      g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "Large print"));
      g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "Crisis section first"));
      kith_plan_print_options_dialog_get (dialog, &large_print, &crisis_first);
      g_assert_false (large_print);
      g_assert_true (crisis_first);
      respond (dialog, "cancel");
    }
}

/* A realistic plan for the screenshot */

static void
make_demo_plan (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_free);
  g_autoptr(GPtrArray) options = kith_option_library_for_need (option_library (), "financial-advice");
  g_autoptr(GPtrArray) conditions = NULL;
  g_autofree char *g1 = NULL, *g2 = NULL, *a1 = NULL, *a2 = NULL, *a3 = NULL, *m1 = NULL, *m2 = NULL,
                  *m3 = NULL, *s1 = NULL, *s2 = NULL;
  KithAnswer code = { KITH_ANSWER_CODE };
  KithGoal goal1 = { NULL, (char *) "To wash and dress myself in the mornings, with a bit of help",
                     (char *) "Peggy", (char *) "Peggy tells us at review; fewer mornings she has to wait", NULL, FALSE };
  KithGoal goal2 = { NULL, (char *) GOAL_TEXT, (char *) "Peggy and Daniel",
                     (char *) "The award letter arrives", NULL, FALSE };
  KithAction action1 = { NULL, (char *) ACTION_TEXT, KITH_OWNER_PROFESSIONAL, (char *) EDITOR_NAME,
                         (char *) "2026-01-09", KITH_ACTION_IN_PROGRESS, NULL };
  KithAction action2 = { NULL, (char *) "Occupational therapy visit for a bath board and rails",
                         KITH_OWNER_PROFESSIONAL, (char *) "Sam Okafor (OT)", (char *) "2031-03-20",
                         KITH_ACTION_NOT_STARTED, NULL };
  KithAction action3 = { NULL, (char *) "Bring the pension letters to the next visit", KITH_OWNER_CARER,
                         (char *) "Daniel (son)", (char *) "2031-03-14", KITH_ACTION_NOT_STARTED, NULL };
  KithTeamMember coordinator = { NULL, (char *) EDITOR_NAME, (char *) "coordinator", NULL,
                                 (char *) "01632 960555", (char *) "Mon–Fri 9am–5pm" };
  KithTeamMember gp = { NULL, (char *) "Dr Amara Shah", (char *) "gp", NULL, (char *) "01632 960000", NULL };
  KithTeamMember carer = { NULL, (char *) "Daniel Smith (son)", (char *) "carer", NULL, (char *) "07700 900123",
                           (char *) "Evenings" };
  KithSupport lunch = { NULL, (char *) "Thursday lunch club, St Anne’s hall", (char *) "voluntary",
                        (char *) "Jean, 01632 960777" };
  KithSupport advice = { NULL, (char *) "Citizens Advice", (char *) "signposting", (char *) "0800 144 8848" };
  KithContact *daniel = g_new0 (KithContact, 1);
  KithContact *nhs = g_new0 (KithContact, 1);

  assessment = kith_assessment_start (f->store, f->patient_id, EDITOR_NAME, &error);
  code.code = (char *) "needs-help";
  g_assert_true (kith_assessment_set_answer (assessment, "care-act-outcomes", "hygiene", &code, &error));
  g_assert_no_error (error);
  g_assert_true (kith_assessment_accept_need (assessment, "help-washing-dressing", "Help with washing and dressing",
                                              &error));
  g_assert_no_error (error);

  plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  kith_care_plan_set_about_me (plan, "Peggy, 84, widowed; lives alone in her bungalow with her cat, Biscuit. "
                                     "Hard of hearing on the left: sit on her right. Her son Daniel lives nearby.");
  kith_care_plan_set_what_matters (plan, "Staying in my own home. Seeing my friends at the lunch club on Thursdays.");
  g1 = kith_care_plan_add_goal (plan, &goal1, &error);
  g2 = kith_care_plan_add_goal (plan, &goal2, &error);
  a1 = kith_care_plan_add_action (plan, &action1, &error);
  a2 = kith_care_plan_add_action (plan, &action2, &error);
  a3 = kith_care_plan_add_action (plan, &action3, &error);
  m1 = kith_care_plan_add_team_member (plan, &coordinator, &error);
  m2 = kith_care_plan_add_team_member (plan, &gp, &error);
  m3 = kith_care_plan_add_team_member (plan, &carer, &error);
  s1 = kith_care_plan_add_support (plan, &lunch, &error);
  s2 = kith_care_plan_add_support (plan, &advice, &error);
  g_assert_no_error (error);
  kith_care_plan_set_warning_signs (plan, "Not answering the phone; not eating; more muddled than usual.");
  kith_care_plan_set_crisis_actions (plan, "Daniel calls round. If Peggy is unwell, ring 111, day or night.");
  daniel->name = g_strdup ("Daniel Smith (son)");
  daniel->phone = g_strdup ("07700 900123");
  daniel->when = g_strdup ("any hour");
  nhs->name = g_strdup ("NHS 111");
  nhs->phone = g_strdup ("111");
  nhs->when = g_strdup ("any hour");
  g_ptr_array_add (contacts, daniel);
  g_ptr_array_add (contacts, nhs);
  kith_care_plan_set_crisis_contacts (plan, contacts);
  kith_care_plan_set_medicines_note (plan, "Pharmacist to review the water tablets: Peggy skips them on club days.");
  kith_care_plan_set_consent_to_share (plan, "Her GP practice, the community nursing team and Daniel.");
  g_assert_true (kith_care_plan_set_review_date (plan, "2031-06-01", &error));

  conditions = kith_store_list_for_patient (f->store, "Condition", f->patient_id, &error);
  for (guint i = 0; i < conditions->len; i++)
    {
      JsonObject *condition = conditions->pdata[i];
      JsonObject *concept = json_object_get_object_member (condition, "code");
      const char *title = json_object_get_string_member (concept, "text");

      if (g_strcmp0 (title, NEED_TITLE) == 0)
        {
          const char *considered[] = { ((KithOption *) options->pdata[0])->id, ((KithOption *) options->pdata[1])->id,
                                       NULL };
          const char *people[] = { "Peggy Smith (the person)", "Daniel Smith, son (carer)", EDITOR_NAME, NULL };
          KithDecision decision = { (char *) kith_fhir_get_string (condition, "id"), (char *) NEED_TITLE,
                                    (GStrv) considered, (char *) "Not having to fill in the forms on my own",
                                    (char *) considered[0], (char *) "sure", (GStrv) people,
                                    (char *) considered[0], NULL, { 4, 4, 4 } };

          g_assert_true (kith_care_plan_set_decision (plan, &decision, &error));
          g_assert_no_error (error);
        }
    }
  g_assert_null (kith_care_plan_check_agreement (plan));
  g_assert_true (kith_care_plan_agree (plan, "Peggy Smith", FALSE, "in person", &error));
  g_assert_true (kith_care_plan_save (plan, f->store, EDITOR_NAME, &error));
  g_assert_no_error (error);
}

static void
save_widget_png (GtkWidget  *widget,
                 const char *path)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  /* The window's own background (Adwaita's light window colour) behind it */
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.98, 0.98, 0.98, 1.0 },
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Wrote %s (%d×%d)", path, width, height);
}

static void
test_plan_editor_screenshot (Fixture       *f,
                             gconstpointer  data)
{
  const char *path = g_getenv ("KITH_PLAN_SCREENSHOT");
  GtkWidget *box, *header;

  SKIP_WITHOUT_DISPLAY ();
  if (path == NULL)
    {
      g_test_skip ("Set KITH_PLAN_SCREENSHOT=FILE.png to take the screenshot");
      return;
    }

  close_editor (f);
  make_demo_plan (f);

  f->window = GTK_WINDOW (adw_window_new ());
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new ("Kith", "Peggy Smith"));
  gtk_box_append (GTK_BOX (box), header);
  f->editor = kith_plan_editor_new (f->store, f->patient_id, EDITOR_NAME);
  gtk_widget_set_vexpand (GTK_WIDGET (f->editor), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->editor));
  /* The window's content at the laptop's 1366×768, without the frame */
  gtk_widget_set_size_request (box, 1366, 768);
  adw_window_set_content (ADW_WINDOW (f->window), box);
  gtk_window_present (f->window);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (f->editor)));
  kith_test_flush_main_context ();

  /* The goals and actions. */
  {
    gtk_widget_activate_action (GTK_WIDGET (f->editor), "plan.add-goal", NULL);
    kith_test_flush_main_context ();
    {
      GtkWidget *goals = GTK_WIDGET (kith_plan_editor_get_goals_list (f->editor));
      GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (goals, GTK_TYPE_SCROLLED_WINDOW));
      graphene_point_t point;

      /* Relative to the scrolled content, which moves as it scrolls */
      g_assert_true (gtk_widget_compute_point (goals, gtk_widget_get_ancestor (goals, ADW_TYPE_CLAMP),
                                               &GRAPHENE_POINT_INIT (0, 0), &point));
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scrolled), point.y - 50);
    }
    gtk_widget_grab_focus (GTK_WIDGET (kith_plan_editor_get_needs_list (f->editor)));
  }
  for (guint i = 0; i < 20; i++)
    kith_test_flush_main_context ();

  save_widget_png (box, path);

  /* KITH_PLAN_SCREENSHOT_DECISION=FILE.png: the shared decision too */
  if (g_getenv ("KITH_PLAN_SCREENSHOT_DECISION") != NULL)
    {
      KithPlanDecisionDialog *dialog;
      GtkWidget *row = find_need_row (f, "Help with washing and dressing");
      g_autoptr(GPtrArray) expanders = g_ptr_array_new ();

      g_signal_emit_by_name (kith_plan_editor_get_needs_list (f->editor), "row-activated", row);
      wait_until ((dialog = (KithPlanDecisionDialog *) find_toplevel (KITH_TYPE_PLAN_DECISION_DIALOG, NULL)) != NULL &&
                  gtk_widget_get_mapped (GTK_WIDGET (dialog)));
      collect_widgets (kith_plan_decision_dialog_get_options_group (dialog), ADW_TYPE_EXPANDER_ROW, expanders);
      adw_expander_row_set_expanded (expanders->pdata[0], TRUE);
      for (guint i = 0; i < 20; i++)
        kith_test_flush_main_context ();
      save_widget_png (adw_window_get_content (ADW_WINDOW (dialog)), g_getenv ("KITH_PLAN_SCREENSHOT_DECISION"));
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  /* KITH_PLAN_SCREENSHOT_HISTORY=FILE.png: the version history, after one more save */
  if (g_getenv ("KITH_PLAN_SCREENSHOT_HISTORY") != NULL)
    {
      KithPlanHistory *history;

      kith_care_plan_set_medicines_note (kith_plan_editor_get_plan (f->editor),
                                         "Pharmacist reviewed the water tablets: now taken after lunch.");
      g_assert_true (kith_plan_editor_save (f->editor, NULL));
      gtk_widget_activate_action (GTK_WIDGET (f->editor), "plan.history", NULL);
      wait_until ((history = (KithPlanHistory *) find_toplevel (KITH_TYPE_PLAN_HISTORY, NULL)) != NULL &&
                  gtk_widget_get_mapped (GTK_WIDGET (history)));
      for (guint i = 0; i < 20; i++)
        kith_test_flush_main_context ();
      save_widget_png (adw_window_get_content (ADW_WINDOW (history)), g_getenv ("KITH_PLAN_SCREENSHOT_HISTORY"));
      gtk_window_destroy (GTK_WINDOW (history));
    }
}

/* Without a session bus, GTK's accessibility bridge warns once; that is
 * the environment, not the editor. */
int
main (int   argc,
      char *argv[])
{
  /* Dates and words as the tests expect them */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  /* Keep the system MIME database: without it the SVG icons don't load. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (kith_test_log_writer, NULL, NULL);

  if ((have_display = gtk_init_check ()))
    adw_init ();

#define ADD_TEST(path, func) \
  g_test_add ("/kith/plan-editor/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("new-plan-to-agreed", test_plan_editor_new_plan_to_agreed);
  ADD_TEST ("conflict-keeps-edits", test_plan_editor_conflict_keeps_edits);
  ADD_TEST ("saves-on-close", test_plan_editor_saves_on_close);
  ADD_TEST ("overdue-and-delete", test_plan_editor_overdue_and_delete);
  ADD_TEST ("print-options", test_plan_editor_print_options);
  ADD_TEST ("screenshot", test_plan_editor_screenshot);

  return g_test_run ();
}
