/* test-assessment.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The holistic assessment, for real: a KithWindow on a display (Xvfb in
 * CI) over a small synthetic caseload with a few hand-made people, driven
 * from their record as a nurse would drive it. Key presses go through the
 * same controllers and shortcuts GTK would hand a real key to, starting at
 * the widget that has the keyboard focus, so the tests exercise where the
 * focus actually goes.
 */

#define G_LOG_DOMAIN "test-assessment"

#include "config.h"

#include "gui-test-util.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-alert-dialog.h"
#include "kith-application.h"
#include "kith-caseload-cell.h"
#include "kith-option-group.h"
#include "kith-question-row.h"
#include "kith-window-private.h"

#define CASELOAD_PEOPLE 40
#define CASELOAD_SEED   20260321
#define WAIT_TIMEOUT_MS 10000

/* PHQ answer codes (LOINC), by ordinal */
#define NOT_AT_ALL        "LA6568-5"
#define SEVERAL_DAYS      "LA6569-3"
#define MORE_THAN_HALF    "LA6570-1"

#define SELF_HARM_ALERT "Thoughts of being better off dead or of self-harm (PHQ-9 question 9)"

typedef struct
{
  KithWindow *window;
} Fixture;

static gboolean   have_display;
static char      *store_dir;
static KithStore *store;

/* The hand-made people, one for each test, so no test sees another's work */
static char *keyboard_person;   /* "Ada Keyboardtest" */
static char *alert_person;      /* "Bea Alerttest" */
static char *needs_person;      /* "Cy Needstest" */
static char *complete_person;   /* "Dot Completetest" */
static char *carer_person;      /* "Eve Carertest", cared for by Sam */
static char *typing_person;     /* "Flo Typingtest" */
static char *returning_person;  /* "Gil Returntest", assessed before */

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

/* Text on screen under @widget showing exactly @text */
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

/* Text on screen under @widget containing @part */
static GtkWidget *
find_mapped_label_containing (GtkWidget  *widget,
                              const char *part)
{
  const char *text;

  if (!gtk_widget_get_mapped (widget))
    return NULL;

  if ((text = get_widget_text (widget)) != NULL && strstr (text, part) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if ((found = find_mapped_label_containing (child, part)))
        return found;
    }

  return NULL;
}

static GtkWidget *
get_focus (Fixture *f)
{
  return gtk_root_get_focus (GTK_ROOT (f->window));
}

static const char *
describe_focus (Fixture *f)
{
  GtkWidget *focus = get_focus (f);
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, KITH_TYPE_QUESTION_ROW) : NULL;

  if (row != NULL)
    return kith_question_row_get_link_id (KITH_QUESTION_ROW (row));
  return focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "nothing";
}

/* The question the keyboard is on */
static const char *
focused_question (Fixture *f)
{
  GtkWidget *focus = get_focus (f);
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, KITH_TYPE_QUESTION_ROW) : NULL;

  return row != NULL ? kith_question_row_get_link_id (KITH_QUESTION_ROW (row)) : NULL;
}

/* The option (its index) the keyboard is on, or -1 */
static int
focused_option (Fixture *f)
{
  GtkWidget *focus = get_focus (f);
  GtkWidget *group = focus != NULL ? gtk_widget_get_ancestor (focus, KITH_TYPE_OPTION_GROUP) : NULL;

  if (group == NULL)
    return -1;
  for (guint i = 0; i < kith_option_group_get_n_options (KITH_OPTION_GROUP (group)); i++)
    {
      GtkWidget *option = kith_option_group_get_option (KITH_OPTION_GROUP (group), i);

      if (focus == option || gtk_widget_is_ancestor (focus, option))
        return (int) i;
    }
  return -1;
}

static gboolean
trigger_matches (GtkShortcutTrigger *trigger,
                 guint               keyval,
                 GdkModifierType     state)
{
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    return gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == gdk_keyval_to_lower (keyval) &&
           gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) ==
           (state & gtk_accelerator_get_default_mod_mask ());

  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_matches (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, state) ||
           trigger_matches (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, state);

  return FALSE;
}

/* Offers the key to one controller, as GTK would: key controllers get
 * ::key-pressed, shortcut controllers run a matching shortcut. */
static gboolean
offer_key (GtkWidget          *widget,
           GtkEventController *controller,
           guint               keyval,
           GdkModifierType     state)
{
  gboolean handled = FALSE;

  if (!gtk_widget_is_sensitive (widget))
    return FALSE;

  if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
    {
      g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
      return handled;
    }

  if (GTK_IS_SHORTCUT_CONTROLLER (controller))
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (controller)); i++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), i);

          if (trigger_matches (gtk_shortcut_get_trigger (shortcut), keyval, state) &&
              gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                            GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                            gtk_shortcut_get_arguments (shortcut)))
            return TRUE;
        }
    }

  return FALSE;
}

static gboolean
offer_key_in_phase (GtkWidget           *widget,
                    GtkPropagationPhase  phase,
                    guint                keyval,
                    GdkModifierType      state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (gtk_event_controller_get_propagation_phase (controller) == phase &&
          offer_key (widget, controller, keyval, state))
        return TRUE;
    }

  return FALSE;
}

/* A key press as GTK propagates it: capture from the window down to the
 * focus widget, then target and bubble back up to the window, whose own
 * bindings (Tab, the arrows) move the focus. Then lets the window run. */
static void
press_key (Fixture         *f,
           guint            keyval,
           GdkModifierType  state)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  gboolean handled = FALSE;

  for (GtkWidget *w = get_focus (f); w != NULL; w = gtk_widget_get_parent (w))
    g_ptr_array_insert (chain, 0, w);
  if (chain->len == 0)
    g_ptr_array_add (chain, f->window);

  for (guint i = 0; i < chain->len && !handled; i++)
    handled = offer_key_in_phase (chain->pdata[i], GTK_PHASE_CAPTURE, keyval, state);

  if (!handled)
    handled = offer_key_in_phase (chain->pdata[chain->len - 1], GTK_PHASE_TARGET, keyval, state);

  for (int i = (int) chain->len - 1; i >= 0 && !handled; i--)
    handled = offer_key_in_phase (chain->pdata[i], GTK_PHASE_BUBBLE, keyval, state);

  g_test_message ("Key %s%s: %s; focus now on %s", state & GDK_SHIFT_MASK ? "Shift+" : "",
                  gdk_keyval_name (keyval), handled ? "handled" : "not handled", describe_focus (f));
  kith_test_flush_main_context ();
}

static const char *
answer_code (KithAssessment *assessment,
             const char     *instrument_id,
             const char     *link_id)
{
  KithAnswerSet *answers = kith_assessment_get_answers (assessment, instrument_id);
  const KithAnswer *answer = answers != NULL ? kith_answer_set_lookup (answers, link_id) : NULL;

  return answer != NULL && answer->kind == KITH_ANSWER_CODE ? answer->code : NULL;
}

/* The button labelled @label (mnemonic underlines ignored) on screen */
static GtkWidget *
find_mapped_button (GtkWidget  *widget,
                    const char *label)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;

  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      g_autofree char *plain = g_strdup (gtk_button_get_label (GTK_BUTTON (widget)));
      char *underline;

      while ((underline = strchr (plain, '_')) != NULL)
        memmove (underline, underline + 1, strlen (underline));
      if (g_strcmp0 (plain, label) == 0)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if ((found = find_mapped_button (child, label)))
        return found;
    }

  return NULL;
}

static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  kith_test_flush_main_context ();
}

static KithQuestionRow *
find_question_row (KithAssessmentView *view,
                   const char         *domain,
                   const char         *instrument_id,
                   const char         *link_id)
{
  KithAssessmentPage *page = kith_assessment_view_get_page (view, domain);
  KithInstrumentGroup *group = page != NULL ? kith_assessment_page_get_group (page, instrument_id) : NULL;
  g_autoptr(GPtrArray) stops = g_ptr_array_new ();

  if (group == NULL)
    return NULL;
  kith_instrument_group_collect_stops (group, stops);
  for (guint i = 0; i < stops->len; i++)
    if (KITH_IS_QUESTION_ROW (stops->pdata[i]) &&
        g_strcmp0 (kith_question_row_get_link_id (stops->pdata[i]), link_id) == 0)
      return stops->pdata[i];

  return NULL;
}

static const char *
score_text (KithAssessmentView *view,
            const char         *domain,
            const char         *instrument_id)
{
  KithAssessmentPage *page = kith_assessment_view_get_page (view, domain);
  KithInstrumentGroup *group = page != NULL ? kith_assessment_page_get_group (page, instrument_id) : NULL;

  return group != NULL ? kith_instrument_group_get_score_text (group) : NULL;
}

static gboolean
visible_page_is (Fixture    *f,
                 const char *name)
{
  return g_strcmp0 (kith_window_get_visible_page (f->window), name) == 0;
}

static KithAssessmentView *
get_view (Fixture *f)
{
  return kith_window_get_assessment_view (f->window);
}

static KithAssessment *
get_assessment (Fixture *f)
{
  return kith_assessment_view_get_assessment (get_view (f));
}

/* Finds the person by name, as a nurse would, and opens their record. */
static void
open_record (Fixture    *f,
             const char *patient_id)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(GError) error = NULL;
  GtkEditable *entry = GTK_EDITABLE (kith_window_get_search_entry (f->window));
  KithRecordPage *record_page = kith_window_get_record_page (f->window);

  patient = kith_store_load_patient (store, patient_id, &error);
  g_assert_no_error (error);

  gtk_editable_set_text (entry, kith_patient_get_family (patient));
  wait_until (g_strcmp0 (kith_caseload_get_query (kith_window_get_caseload (f->window)),
                         kith_patient_get_family (patient)) == 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (kith_window_get_caseload (f->window))), ==, 1);
  g_signal_emit_by_name (kith_window_get_search_entry (f->window), "activate");

  wait_until (kith_record_page_get_patient (record_page) != NULL &&
              g_strcmp0 (kith_patient_get_id (kith_record_page_get_patient (record_page)), patient_id) == 0);
  kith_test_flush_main_context ();
}

static void
start_or_resume (Fixture *f)
{
  GtkWidget *button = kith_record_page_get_assessment_button (kith_window_get_record_page (f->window));

  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_activate (button));
  wait_until (visible_page_is (f, "assessment") && get_assessment (f) != NULL);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (get_view (f))));
  kith_test_flush_main_context ();
}

static void
show_page_from_sidebar (Fixture    *f,
                        const char *name)
{
  GtkWidget *view = GTK_WIDGET (get_view (f));
  GtkListBox *list = NULL;

  /* The sidebar: the list of sections */
  for (GtkWidget *w = gtk_widget_get_first_child (view); w != NULL && list == NULL;)
    {
      if (GTK_IS_LIST_BOX (w) && gtk_widget_has_css_class (w, "navigation-sidebar"))
        list = GTK_LIST_BOX (w);
      else if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            w = w == view ? NULL : gtk_widget_get_parent (w);
          if (w != NULL && w != view)
            w = gtk_widget_get_next_sibling (w);
          else
            w = NULL;
        }
    }
  g_assert_nonnull (list);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "kith-page-name"), name) == 0)
      {
        g_signal_emit_by_name (list, "row-activated", row);
        wait_until (g_strcmp0 (kith_assessment_view_get_page_name (get_view (f)), name) == 0);
        kith_test_flush_main_context ();
        return;
      }

  g_error ("No section %s in the sidebar", name);
}

static void
set_code (KithAssessment *assessment,
          const char     *instrument_id,
          const char     *link_id,
          const char     *code)
{
  g_autoptr(GError) error = NULL;
  KithAnswer answer = { KITH_ANSWER_CODE };

  answer.code = (char *) code;
  kith_assessment_set_answer (assessment, instrument_id, link_id, &answer, &error);
  g_assert_no_error (error);
}

static void
set_kind (KithAssessment *assessment,
          const char     *instrument_id,
          const char     *link_id,
          KithAnswerKind  kind,
          const char     *text)
{
  g_autoptr(GError) error = NULL;
  KithAnswer answer = { kind };

  answer.text = (char *) text;
  kith_assessment_set_answer (assessment, instrument_id, link_id, &answer, &error);
  g_assert_no_error (error);
}

/* Fixtures */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  if (!have_display)
    return;

  f->window = kith_window_new (NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1366, 768);
  kith_window_set_store (f->window, store, NULL);
  gtk_window_present (GTK_WINDOW (f->window));

  wait_until (gtk_widget_get_mapped (GTK_WIDGET (kith_window_get_column_view (f->window))));
  kith_test_flush_main_context ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  kith_test_flush_main_context ();
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

/* Picks option @index of the focused question with the arrows and Enter,
 * then checks the focus moved on to @next_question. */
static void
pick_with_keyboard (Fixture    *f,
                    const char *question,
                    int         index,
                    const char *next_question)
{
  g_assert_cmpstr (focused_question (f), ==, question);

  /* From wherever it starts: Home, then Right until there */
  press_key (f, GDK_KEY_Home, 0);
  g_assert_cmpint (focused_option (f), ==, 0);
  for (int i = 0; i < index; i++)
    press_key (f, GDK_KEY_Right, 0);
  g_assert_cmpint (focused_option (f), ==, index);

  press_key (f, GDK_KEY_Return, 0);
  if (next_question != NULL)
    wait_until (g_strcmp0 (focused_question (f), next_question) == 0);
}

static void
test_assessment_keyboard_phq9 (Fixture       *f,
                               gconstpointer  data)
{
  KithAssessmentView *view;
  KithAssessment *assessment;
  static const char * const questions[] = {
    "phq9-3", "phq9-4", "phq9-5", "phq9-6", "phq9-7", "phq9-8", "phq9-9", "phq9-difficulty",
  };
  GtkWidget *offer;

  SKIP_WITHOUT_DISPLAY ();

  open_record (f, keyboard_person);
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (f->window), "No assessment yet"));
  start_or_resume (f);
  view = get_view (f);
  assessment = get_assessment (f);

  /* A new assessment starts at the beginning */
  g_assert_cmpstr (kith_assessment_view_get_page_name (view), ==, "about-me");
  g_assert_nonnull (find_mapped_label_containing (GTK_WIDGET (view), " of "));
  g_assert_cmpstr (kith_assessment_view_get_domain_status (view, "emotional"), ==, "5 questions left");

  show_page_from_sidebar (f, "emotional");
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (view), "Emotional and psychological"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (view), "PHQ-2: —"));
  /* The PHQ-9 is not asked until a screen is positive. */
  g_assert_null (score_text (view, "emotional", "phq-9"));

  /* The page opens on its first question, on the first option. */
  wait_until (g_strcmp0 (focused_question (f), "phq2-1") == 0);
  g_assert_cmpint (focused_option (f), ==, 0);

  /* Tab goes from question to question, not from button to button;
   * Shift+Tab comes back. */
  press_key (f, GDK_KEY_Tab, 0);
  g_assert_cmpstr (focused_question (f), ==, "phq2-2");
  press_key (f, GDK_KEY_Tab, GDK_SHIFT_MASK);
  g_assert_cmpstr (focused_question (f), ==, "phq2-1");
  /* Arrows stay within the question. */
  press_key (f, GDK_KEY_Left, 0);
  g_assert_cmpstr (focused_question (f), ==, "phq2-1");
  g_assert_cmpint (focused_option (f), ==, 0);

  /* PHQ-2: "More than half the days" twice, with the keyboard alone.
   * Each answer is saved, and the focus moves on by itself. */
  pick_with_keyboard (f, "phq2-1", 2, "phq2-2");
  g_assert_cmpstr (answer_code (assessment, "phq-2", "phq2-1"), ==, MORE_THAN_HALF);
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (view), "PHQ-2: —"));

  /* A total of 4: positive. The offer appears, and the keyboard is on it. */
  press_key (f, GDK_KEY_Home, 0);
  press_key (f, GDK_KEY_Right, 0);
  press_key (f, GDK_KEY_Right, 0);
  press_key (f, GDK_KEY_Return, 0);
  wait_until (g_strcmp0 (answer_code (assessment, "phq-2", "phq2-2"), MORE_THAN_HALF) == 0);
  wait_until (find_mapped_label (GTK_WIDGET (view), "PHQ-2: 4 · Positive screen"));
  wait_until (find_mapped_label (GTK_WIDGET (view), "Positive screen: offer the full PHQ-9"));
  offer = find_mapped_button (GTK_WIDGET (view), "Ask the full PHQ-9");
  g_assert_nonnull (offer);
  wait_until (get_focus (f) == offer);

  /* Enter takes up the offer: the PHQ-9 joins, its first two answers
   * copied from the PHQ-2, and the keyboard is on question 3. */
  press_key (f, GDK_KEY_Return, 0);
  wait_until (kith_assessment_includes (assessment, "phq-9"));
  wait_until (g_strcmp0 (focused_question (f), "phq9-3") == 0);
  g_assert_cmpstr (answer_code (assessment, "phq-9", "phq9-1"), ==, MORE_THAN_HALF);
  g_assert_cmpstr (answer_code (assessment, "phq-9", "phq9-2"), ==, MORE_THAN_HALF);
  wait_until (find_mapped_label (GTK_WIDGET (view), "PHQ-9: —"));
  /* Taken up: the offer is gone. */
  g_assert_null (find_mapped_button (GTK_WIDGET (view), "Ask the full PHQ-9"));

  /* Questions 3 to 9: "Several days" each, keyboard only. */
  for (guint i = 0; i + 1 < G_N_ELEMENTS (questions); i++)
    {
      pick_with_keyboard (f, questions[i], 1, questions[i + 1]);
      g_assert_cmpstr (answer_code (assessment, "phq-9", questions[i]), ==, SEVERAL_DAYS);
    }

  /* 2 + 2 + 7 × 1 = 11: moderate, live on the chip */
  wait_until (g_strcmp0 (score_text (view, "emotional", "phq-9"), "PHQ-9: 11 · Moderate") == 0);
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (view), "PHQ-9: 11 · Moderate"));

  /* Question 9 above 0 raises the safety alert at once, in the view */
  wait_until (kith_alert_box_get_n_alerts (kith_assessment_view_get_alert_box (view)) == 1);
  wait_until (find_mapped_label (GTK_WIDGET (view), SELF_HARM_ALERT));

  /* Escape goes back to the record (everything is saved), which shows the
   * alert at the top and offers to resume. */
  press_key (f, GDK_KEY_Escape, 0);
  wait_until (visible_page_is (f, "records"));
  wait_until (find_mapped_label (GTK_WIDGET (kith_window_get_record_page (f->window)), SELF_HARM_ALERT));
  wait_until (find_mapped_button (GTK_WIDGET (kith_window_get_record_page (f->window)), "Resume Assessment"));
}

/* The caseload shows who has an open alert: an icon with words. */
static GtkWidget *
find_alert_icon (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;

  if (GTK_IS_IMAGE (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), "Open safety alert") == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if ((found = find_alert_icon (child)))
        return found;
    }

  return NULL;
}

static void
test_assessment_alert_record_action (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(KithAssessment) assessment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *professional = kith_dup_professional_name ();
  KithAlertBox *alert_box;
  KithAlertDialog *dialog;
  GtkWidget *column_view;

  SKIP_WITHOUT_DISPLAY ();

  /* Question 9 answered "Several days" in an earlier, paused assessment */
  assessment = kith_assessment_start (store, alert_person, "Test Nurse", &error);
  g_assert_no_error (error);
  kith_assessment_include (assessment, "phq-9", &error);
  g_assert_no_error (error);
  set_code (assessment, "phq-9", "phq9-9", SEVERAL_DAYS);
  kith_caseload_reload (kith_window_get_caseload (f->window));

  open_record (f, alert_person);
  alert_box = kith_record_page_get_alert_box (kith_window_get_record_page (f->window));
  wait_until (find_mapped_label (GTK_WIDGET (alert_box), SELF_HARM_ALERT));
  g_assert_nonnull (find_mapped_label_containing (GTK_WIDGET (alert_box), "Raised "));
  g_assert_nonnull (find_mapped_label_containing (GTK_WIDGET (alert_box), "Why: "));
  g_assert_cmpuint (kith_alert_box_get_n_alerts (alert_box), ==, 1);

  /* The caseload marks the person, with words, not colour alone */
  column_view = GTK_WIDGET (kith_window_get_column_view (f->window));
  wait_until (find_alert_icon (column_view) != NULL);

  /* "Record action…": who is filled in, when is now. */
  click (find_mapped_button (GTK_WIDGET (alert_box), "Record Action…"));
  dialog = NULL;
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
      {
        g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

        if (KITH_IS_ALERT_DIALOG (window))
          dialog = KITH_ALERT_DIALOG (window);
      }
  }
  g_assert_nonnull (dialog);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_cmpstr (gtk_editable_get_text (kith_alert_dialog_get_who (dialog)), ==, professional);
  g_assert_cmpstr (gtk_editable_get_text (kith_alert_dialog_get_when (dialog)), !=, "");

  /* Without what was done, the core refuses; its words show, the dialog
   * stays, the alert stays open. */
  g_assert_false (kith_alert_dialog_save (dialog));
  g_assert_cmpstr (kith_alert_dialog_get_error (dialog), ==,
                   "To close a safety alert, record who acted and what was done");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dialog)));

  /* Nor without who */
  gtk_text_buffer_set_text (kith_alert_dialog_get_what (dialog),
                            "Talked it through in private; no plans or intent. GP told the same day.", -1);
  gtk_editable_set_text (kith_alert_dialog_get_who (dialog), "  ");
  g_assert_false (kith_alert_dialog_save (dialog));
  g_assert_cmpstr (kith_alert_dialog_get_error (dialog), ==,
                   "To close a safety alert, record who acted and what was done");

  /* A time that is not a time is explained, not guessed at */
  gtk_editable_set_text (kith_alert_dialog_get_who (dialog), "Sam Nurse");
  gtk_editable_set_text (kith_alert_dialog_get_when (dialog), "yesterday-ish");
  g_assert_false (kith_alert_dialog_save (dialog));
  g_assert_nonnull (strstr (kith_alert_dialog_get_error (dialog), "21/03/2026 14:05"));

  /* With who, what and when: saved, and the alert is closed everywhere */
  gtk_editable_set_text (kith_alert_dialog_get_when (dialog), "01/03/2026 09:30");
  g_assert_true (kith_alert_dialog_save (dialog));
  wait_until (kith_alert_box_get_n_alerts (alert_box) == 0);
  wait_until (!gtk_widget_get_mapped (GTK_WIDGET (alert_box)));
  {
    g_autoptr(GPtrArray) open = kith_alerts_list_open (store, alert_person, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (open->len, ==, 0);
  }
  wait_until (find_alert_icon (column_view) == NULL);
}

static void
test_assessment_dismiss_need_needs_reason (Fixture       *f,
                                           gconstpointer  data)
{
  g_autoptr(KithAssessment) assessment = NULL;
  g_autoptr(GError) error = NULL;
  KithAssessmentSummary *summary;
  KithNeedRow *need;

  SKIP_WITHOUT_DISPLAY ();

  /* An earlier, paused assessment with a PHQ-9 of 18 */
  assessment = kith_assessment_start (store, needs_person, "Test Nurse", &error);
  g_assert_no_error (error);
  kith_assessment_include (assessment, "phq-9", &error);
  g_assert_no_error (error);
  for (guint q = 1; q <= 9; q++)
    {
      g_autofree char *link_id = g_strdup_printf ("phq9-%u", q);

      set_code (assessment, "phq-9", link_id, q == 9 ? NOT_AT_ALL : "LA6571-9");
    }
  g_clear_object (&assessment);

  open_record (f, needs_person);
  wait_until (find_mapped_button (GTK_WIDGET (kith_window_get_record_page (f->window)), "Resume Assessment"));
  start_or_resume (f);

  show_page_from_sidebar (f, "summary");
  summary = kith_assessment_view_get_summary (get_view (f));
  wait_until (kith_assessment_summary_get_need_row (summary, "emotional-support") != NULL);
  need = kith_assessment_summary_get_need_row (summary, "emotional-support");
  g_assert_nonnull (need);
  g_assert_nonnull (find_mapped_label_containing (GTK_WIDGET (need), "Why: "));

  /* Dismiss… asks why; dismissing without a reason is refused by the
   * core, and its words are shown right there. */
  kith_need_row_dismiss (need);
  kith_test_flush_main_context ();
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (kith_need_row_get_reason_entry (need))) ||
                 gtk_widget_is_ancestor (get_focus (f), GTK_WIDGET (kith_need_row_get_reason_entry (need))));
  kith_need_row_dismiss (need);
  kith_test_flush_main_context ();
  g_assert_cmpstr (kith_need_row_get_error (need), ==, "Say why this need is not being taken forward");
  wait_until (find_mapped_label (GTK_WIDGET (summary), "Say why this need is not being taken forward"));

  /* With a reason: dismissed, and shown as such */
  gtk_editable_set_text (kith_need_row_get_reason_entry (need), "Already seeing the talking therapies team");
  kith_need_row_dismiss (need);
  kith_test_flush_main_context ();
  need = kith_assessment_summary_get_need_row (summary, "emotional-support");
  g_assert_nonnull (need);
  wait_until (find_mapped_label (GTK_WIDGET (need),
                                 "Not taken forward: Already seeing the talking therapies team"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (need), "Dismissed"));

  /* A need in the person's words */
  g_assert_true (kith_assessment_summary_add_need (summary, "Getting to the allotment again"));
  wait_until (find_mapped_label_containing (GTK_WIDGET (summary), "Added by the professional"));
}

static void
test_assessment_complete_refuses_while_incomplete (Fixture       *f,
                                                   gconstpointer  data)
{
  KithAssessmentSummary *summary;
  const char *error;

  SKIP_WITHOUT_DISPLAY ();

  open_record (f, complete_person);
  start_or_resume (f);

  show_page_from_sidebar (f, "summary");
  summary = kith_assessment_view_get_summary (get_view (f));
  click (find_mapped_button (GTK_WIDGET (summary), "Complete assessment"));

  /* Refused, in words that say what is left; nothing moves. */
  error = kith_assessment_summary_get_error (summary);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "Not finished yet"));
  g_assert_nonnull (strstr (error, "About me and what matters to me: 1 question to answer"));
  g_assert_nonnull (strstr (error, "PHQ-2: 2 questions to answer"));
  wait_until (find_mapped_label (GTK_WIDGET (summary), error));
  g_assert_true (visible_page_is (f, "assessment"));
  g_assert_cmpstr (kith_assessment_view_get_page_name (get_view (f)), ==, "summary");
  g_assert_cmpstr (kith_assessment_get_status (get_assessment (f)), ==, "in-progress");

  /* A question the person would rather not answer: Shift+F10 opens its
   * menu, "Declined to answer" settles it, and the summary says one less. */
  show_page_from_sidebar (f, "emotional");
  wait_until (g_strcmp0 (focused_question (f), "phq2-1") == 0);
  press_key (f, GDK_KEY_F10, GDK_SHIFT_MASK);
  {
    GtkWidget *row = gtk_widget_get_ancestor (get_focus (f), KITH_TYPE_QUESTION_ROW);
    GtkWidget *menu_button = NULL;

    if (row == NULL)
      {
        /* The menu took the focus: the row is the one whose menu is open */
        row = GTK_WIDGET (find_question_row (get_view (f), "emotional", "phq-2", "phq2-1"));
      }
    for (GtkWidget *w = row; w != NULL && menu_button == NULL;)
      {
        if (GTK_IS_MENU_BUTTON (w))
          menu_button = w;
        else if (gtk_widget_get_first_child (w) != NULL)
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != row && gtk_widget_get_next_sibling (w) == NULL)
              w = gtk_widget_get_parent (w);
            w = w == row ? NULL : gtk_widget_get_next_sibling (w);
          }
      }
    g_assert_nonnull (menu_button);
    wait_until (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button)))));
    gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));

    g_assert_true (gtk_widget_activate_action (row, "question.declined", NULL));
    wait_until (find_mapped_label (row, "Declined to answer"));
  }
  g_assert_cmpint (kith_answer_set_lookup (kith_assessment_get_answers (get_assessment (f), "phq-2"),
                                           "phq2-1")->kind, ==, KITH_ANSWER_DECLINED);
  show_page_from_sidebar (f, "summary");
  click (find_mapped_button (GTK_WIDGET (summary), "Complete assessment"));
  g_assert_nonnull (strstr (kith_assessment_summary_get_error (summary), "PHQ-2: 1 question to answer"));

  /* Once nothing is left, Complete completes, and the record shows it */
  {
    KithAssessment *assessment = get_assessment (f);
    g_autoptr(GPtrArray) instruments = kith_assessment_list_instruments (assessment);

    for (guint i = 0; i < instruments->len; i++)
      {
        const char *instrument_id = kith_instrument_get_id (instruments->pdata[i]);
        g_auto(GStrv) missing = kith_answer_set_list_missing (kith_assessment_get_answers (assessment,
                                                                                          instrument_id));

        for (guint m = 0; missing[m] != NULL; m++)
          set_kind (assessment, instrument_id, missing[m], KITH_ANSWER_NOT_ASSESSED, NULL);
      }
    g_assert_cmpstr (kith_assessment_view_get_progress_text (get_view (f)), ==, "20 of 20 questions");
  }
  click (find_mapped_button (GTK_WIDGET (summary), "Complete assessment"));
  wait_until (visible_page_is (f, "records"));
  wait_until (find_mapped_label_containing (GTK_WIDGET (kith_window_get_record_page (f->window)),
                                            "Last assessment, completed "));
  wait_until (find_mapped_button (GTK_WIDGET (kith_window_get_record_page (f->window)), "Start Assessment"));
  wait_until (kith_assessment_view_get_assessment (get_view (f)) == NULL);
}

static void
test_assessment_carer_consent (Fixture       *f,
                               gconstpointer  data)
{
  AdwMessageDialog *dialog = NULL;
  GtkWidget *record_page;
  GtkWidget *start;
  GtkWidget *checks[2] = { NULL };
  guint n_checks = 0;

  SKIP_WITHOUT_DISPLAY ();

  open_record (f, carer_person);
  record_page = GTK_WIDGET (kith_window_get_record_page (f->window));
  wait_until (find_mapped_label (record_page, "Carer’s own assessment"));
  g_assert_nonnull (find_mapped_label_containing (record_page, "Sam Carertest (Son)"));

  start = find_mapped_button (record_page, "Start…");
  click (start);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
      {
        g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (window))
          dialog = ADW_MESSAGE_DIALOG (window);
      }
  }
  g_assert_nonnull (dialog);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));

  /* Nothing starts until the carer agrees */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "start"));
  for (GtkWidget *w = gtk_widget_get_first_child (adw_message_dialog_get_extra_child (dialog));
       w != NULL; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_CHECK_BUTTON (w) && n_checks < 2)
      checks[n_checks++] = w;
  g_assert_cmpuint (n_checks, ==, 2);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (checks[0]), TRUE);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "start"));
  adw_message_dialog_response (dialog, "start");

  /* The carer's own assessment: the carer domain only, then the summary */
  wait_until (visible_page_is (f, "assessment") && get_assessment (f) != NULL);
  g_assert_cmpstr (kith_assessment_get_subject_kind (get_assessment (f)), ==, "carer");
  g_assert_nonnull (kith_assessment_view_get_page (get_view (f), "carer"));
  g_assert_null (kith_assessment_view_get_page (get_view (f), "health"));
  wait_until (find_mapped_label (GTK_WIDGET (get_view (f)), "Carer’s Own Assessment"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (get_view (f)), "Care Act carer outcomes"));

  /* Back: the carer's assessment can be resumed from the record */
  press_key (f, GDK_KEY_Left, GDK_ALT_MASK);
  wait_until (visible_page_is (f, "records"));
  wait_until (find_mapped_button (record_page, "Resume"));
}

static void
test_assessment_typing_is_never_lost (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(KithAssessment) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  KithQuestionRow *row;
  GtkTextView *text_view;
  const KithAnswer *answer;

  SKIP_WITHOUT_DISPLAY ();

  open_record (f, typing_person);
  start_or_resume (f);
  id = g_strdup (kith_assessment_get_id (get_assessment (f)));

  /* The page opens on its first question; then "What matters most to you?" */
  wait_until (g_strcmp0 (focused_question (f), "preferred-name") == 0);
  row = find_question_row (get_view (f), "about-me", "about-me", "what-matters");
  g_assert_nonnull (row);
  g_assert_true (kith_question_row_focus_input (row));
  g_assert_cmpstr (focused_question (f), ==, "what-matters");
  text_view = GTK_TEXT_VIEW (kith_question_row_get_input (row));
  gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (text_view),
                                    "Seeing my grandchildren on Sundays", -1);

  /* Straight out, before any pause: the words are saved on the way. */
  press_key (f, GDK_KEY_Escape, 0);
  wait_until (visible_page_is (f, "records"));

  reopened = kith_assessment_open (store, id, &error);
  g_assert_no_error (error);
  answer = kith_answer_set_lookup (kith_assessment_get_answers (reopened, "about-me"), "what-matters");
  g_assert_nonnull (answer);
  g_assert_cmpint (answer->kind, ==, KITH_ANSWER_TEXT);
  g_assert_cmpstr (answer->text, ==, "Seeing my grandchildren on Sundays");

  /* And a note in their own words, saved after a short pause */
  start_or_resume (f);
  {
    KithAssessmentPage *page = kith_assessment_view_get_page (get_view (f), "about-me");
    GtkTextView *note = GTK_TEXT_VIEW (kith_assessment_page_get_note_view (page));

    g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (note)));
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (note), "I like to be asked, not told.", -1);
    wait_until (g_strcmp0 (kith_assessment_get_note (get_assessment (f), "about-me"),
                           "I like to be asked, not told.") == 0);
  }
}

static void
test_assessment_told_once (Fixture       *f,
                           gconstpointer  data)
{
  KithAssessmentView *view;
  KithAssessmentPage *page;
  KithQuestionRow *row;
  GtkWidget *record_page;

  SKIP_WITHOUT_DISPLAY ();

  open_record (f, returning_person);
  record_page = GTK_WIDGET (kith_window_get_record_page (f->window));

  /* The last assessment, with its key scores and bands */
  wait_until (find_mapped_label_containing (record_page, "Last assessment, completed "));
  g_assert_nonnull (find_mapped_label (record_page, "PHQ-2 1 · Negative screen, GAD-2 0 · Negative screen"));

  start_or_resume (f);
  view = get_view (f);

  /* Carried over from last time, to confirm */
  row = find_question_row (view, "about-me", "about-me", "what-matters");
  wait_until (find_mapped_label (GTK_WIDGET (row), "From last time — please confirm"));
  g_assert_cmpstr (kith_assessment_view_get_domain_status (view, "about-me"), ==, "1 answer to confirm");

  /* A changed answer says what it was */
  row = find_question_row (view, "risk", "crisis", "respect");
  g_assert_nonnull (row);
  g_signal_emit_by_name (kith_question_row_get_input (row), "picked", 0u);
  kith_test_flush_main_context ();
  show_page_from_sidebar (f, "risk");
  wait_until (find_mapped_label_containing (GTK_WIDGET (row), "Was: "));

  /* "Nothing has changed" confirms the page at once */
  show_page_from_sidebar (f, "about-me");
  page = kith_assessment_view_get_page (view, "about-me");
  click (find_mapped_button (GTK_WIDGET (page), "Nothing has changed"));
  row = find_question_row (view, "about-me", "about-me", "what-matters");
  wait_until (find_mapped_label (GTK_WIDGET (row), "From last time — please confirm") == NULL);
  g_assert_true (g_str_has_prefix (kith_assessment_view_get_domain_status (view, "about-me"), "Done"));
}

/* Without a session bus, GTK's accessibility bridge warns once that it
 * cannot reach it: the environment, not the window. */
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

/* The store: a small demo caseload and the people above */

static char *
add_person (const char *given,
            const char *family)
{
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(GError) error = NULL;

  kith_patient_set_given (patient, given);
  kith_patient_set_family (patient, family);
  kith_patient_set_birth_date (patient, "1946-05-14", &error);
  g_assert_no_error (error);
  kith_store_save_patient (store, patient, &error);
  g_assert_no_error (error);

  return g_strdup (kith_patient_get_id (patient));
}

static void
add_carer (const char *patient_id)
{
  g_autoptr(JsonObject) carer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\": \"RelatedPerson\", \"id\": \"test-carer-sam\","
    " \"active\": true,"
    " \"patient\": {\"reference\": \"Patient/%s\"},"
    " \"name\": [{\"use\": \"official\", \"family\": \"Carertest\", \"given\": [\"Sam\"]}],"
    " \"relationship\": [{\"coding\": [{\"system\": \"http://terminology.hl7.org/CodeSystem/v3-RoleCode\","
    "   \"code\": \"SONC\", \"display\": \"Son\"}]}]}", patient_id);
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  carer = json_object_ref (json_node_get_object (node));
  json_node_unref (node);
  kith_store_save_resource (store, carer, NULL, &error);
  g_assert_no_error (error);
}

/* A completed assessment: real answers where "tell it once" carries them,
 * the rest marked not assessed. */
static void
add_completed_assessment (const char *patient_id)
{
  g_autoptr(KithAssessment) assessment = NULL;
  g_autoptr(GPtrArray) instruments = NULL;
  g_autoptr(GError) error = NULL;

  assessment = kith_assessment_start (store, patient_id, "Test Nurse", &error);
  g_assert_no_error (error);
  set_kind (assessment, "about-me", "what-matters", KITH_ANSWER_TEXT, "My garden, and my cat");
  set_kind (assessment, "crisis", "who-to-call", KITH_ANSWER_TEXT, "My daughter, 07700 900123");
  set_code (assessment, "crisis", "respect", "none");
  set_code (assessment, "phq-2", "phq2-1", SEVERAL_DAYS);
  set_code (assessment, "phq-2", "phq2-2", NOT_AT_ALL);
  set_code (assessment, "gad-2", "gad2-1", NOT_AT_ALL);
  set_code (assessment, "gad-2", "gad2-2", NOT_AT_ALL);

  instruments = kith_assessment_list_instruments (assessment);
  for (guint i = 0; i < instruments->len; i++)
    {
      g_auto(GStrv) missing = kith_answer_set_list_missing (
        kith_assessment_get_answers (assessment, kith_instrument_get_id (instruments->pdata[i])));

      for (guint m = 0; missing[m] != NULL; m++)
        set_kind (assessment, kith_instrument_get_id (instruments->pdata[i]), missing[m],
                  KITH_ANSWER_NOT_ASSESSED, NULL);
    }

  kith_assessment_complete (assessment, &error);
  g_assert_no_error (error);
}

static void
create_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  store_dir = g_dir_make_tmp ("kith-test-assessment-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (store_dir, "kith.db", NULL);

  store = kith_store_open (path, &error);
  g_assert_no_error (error);
  kith_demo_caseload_fill (store, CASELOAD_PEOPLE, CASELOAD_SEED, &error);
  g_assert_no_error (error);

  keyboard_person = add_person ("Ada", "Keyboardtest");
  alert_person = add_person ("Bea", "Alerttest");
  needs_person = add_person ("Cy", "Needstest");
  complete_person = add_person ("Dot", "Completetest");
  carer_person = add_person ("Eve", "Carertest");
  add_carer (carer_person);
  typing_person = add_person ("Flo", "Typingtest");
  returning_person = add_person ("Gil", "Returntest");
  add_completed_assessment (returning_person);
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

#define ADD_ASSESSMENT_TEST(path, func) \
  g_test_add ("/kith/assessment/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_ASSESSMENT_TEST ("keyboard-phq9", test_assessment_keyboard_phq9);
  ADD_ASSESSMENT_TEST ("alert-record-action", test_assessment_alert_record_action);
  ADD_ASSESSMENT_TEST ("dismiss-need-needs-reason", test_assessment_dismiss_need_needs_reason);
  ADD_ASSESSMENT_TEST ("complete-refuses-while-incomplete", test_assessment_complete_refuses_while_incomplete);
  ADD_ASSESSMENT_TEST ("carer-consent", test_assessment_carer_consent);
  ADD_ASSESSMENT_TEST ("typing-is-never-lost", test_assessment_typing_is_never_lost);
  ADD_ASSESSMENT_TEST ("told-once", test_assessment_told_once);

  ret = g_test_run ();

  if (have_display)
    {
      remove_store ();
      g_clear_pointer (&keyboard_person, g_free);
      g_clear_pointer (&alert_person, g_free);
      g_clear_pointer (&needs_person, g_free);
      g_clear_pointer (&complete_person, g_free);
      g_clear_pointer (&carer_person, g_free);
      g_clear_pointer (&typing_person, g_free);
      g_clear_pointer (&returning_person, g_free);
    }

  return ret;
}
