/* test-outcomes.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outcomes and experience in the window (issue 8):
 * - the dashboard says it is working (spinner, status page) until the
 *   figures come from the worker thread, shows each indicator's counts
 *   as the exports do, and a team, co-ordinator or tier filter changes
 *   them; only the newest of two quick changes is shown;
 * - Export CSV and PDF write the files; a frozen baseline is compared;
 * - the experience questionnaire on the shared screen (one statement at
 *   a time, no name in view, Hand Back) and from paper saves the
 *   QuestionnaireResponses the indicators read;
 * - recording a death shows the preferred place in the person's words,
 *   writes what the indicators read, and the record says so.
 *
 * KITH_OUTCOMES_SCREENSHOTS=DIR saves the dashboard and the dialogs.
 */

#define G_LOG_DOMAIN "test-outcomes"

#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "gui-test-util.h"
#include "kith-death-dialog.h"
#include "kith-experience-dialog.h"
#include "kith-outcomes-page.h"
#include "kith-record-page.h"

#define WAIT_TIMEOUT_MS 20000
#define SD "https://kith.example/fhir/StructureDefinition/"

static gboolean   have_display;
static char      *store_dir;
static KithStore *store;
static GPtrArray *people;   /* patient ids, in the order made */

static void
on_drawn_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  const char *dir = g_getenv ("KITH_OUTCOMES_SCREENSHOTS");
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gboolean drawn = FALSE;

  if (dir == NULL)
    return;
  g_timeout_add_once (500, on_drawn_cb, &drawn);
  wait_until (drawn);
  path = g_build_filename (dir, name, NULL);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* --- the small store ---------------------------------------------------- */

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = kith_fhir_parse_resource (json, -1, &error);

  g_assert_no_error (error);
  return object;
}

static void
save (JsonObject *resource)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kith_store_save_resource (store, resource, NULL, &error));
  g_assert_no_error (error);
}

static char *
new_person (const char *given,
            const char *family)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();

  kith_patient_set_family (patient, family);
  kith_patient_set_given (patient, given);
  g_assert_true (kith_patient_set_birth_date (patient, "1940-05-01", &error));
  g_assert_true (kith_store_save_patient (store, patient, &error));
  g_assert_no_error (error);
  return g_strdup (kith_patient_get_id (patient));
}

/* A draft plan whose care team names the team and the co-ordinator: what
 * the caseload, and so the filters, know them by. */
static void
add_plan (const char *patient_id,
          const char *team,
          const char *coordinator)
{
  g_autofree char *id = kith_fhir_new_id ();
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"CarePlan\",\"id\":\"%s\",\"intent\":\"plan\",\"status\":\"draft\","
    "\"subject\":{\"reference\":\"Patient/%s\"},"
    "\"contained\":[{\"resourceType\":\"CareTeam\",\"id\":\"team\",\"status\":\"active\","
    "\"subject\":{\"reference\":\"Patient/%s\"},\"managingOrganization\":[{\"display\":\"%s\"}],"
    "\"participant\":[{\"id\":\"lead\",\"role\":[{\"coding\":[{"
    "\"system\":\"https://kith.example/fhir/CodeSystem/care-team-role\",\"code\":\"coordinator\"}]}],"
    "\"member\":{\"display\":\"%s\"}}]}],"
    "\"careTeam\":[{\"reference\":\"#team\"}]}",
    id, patient_id, patient_id, team, coordinator);
  g_autoptr(JsonObject) plan = parse (json);

  save (plan);
}

static void
add_experience (const char *patient_id,
                const char *main_person)
{
  KithInstrument *instrument = kith_instrument_library_lookup (kith_instrument_library_get_default (),
                                                               KITH_EXPERIENCE_INSTRUMENT);
  g_autoptr(KithAnswerSet) answers = kith_answer_set_new (instrument);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  KithAnswer answer = { KITH_ANSWER_CODE, (char *) main_person };

  kith_answer_set_put (answers, "main-person", &answer);
  id = kith_experience_save (store, patient_id, answers, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
add_preferred_place (const char *patient_id,
                     const char *place)
{
  KithInstrument *crisis = kith_instrument_library_lookup (kith_instrument_library_get_default (), "crisis");
  g_autoptr(KithAnswerSet) answers = kith_answer_set_new (crisis);
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"QuestionnaireResponse\",\"questionnaire\":\"%s|%s\",\"status\":\"completed\","
    "\"subject\":{\"reference\":\"Patient/%s\"},\"authored\":\"2025-11-03T10:00:00Z\"}",
    kith_instrument_get_url (crisis), kith_instrument_get_version (crisis), patient_id);
  g_autoptr(JsonObject) response = parse (json);
  KithAnswer answer = { KITH_ANSWER_TEXT };

  answer.text = (char *) place;
  kith_answer_set_put (answers, "preferred-place", &answer);
  json_object_set_array_member (response, "item", kith_answer_set_to_items (answers));
  save (response);
}

/* Six people in North team, co-ordinated by Ada Lovelace, who all know
 * who is in charge; two in South team (Bob Smith) who do not. */
static void
make_store (void)
{
  static const char * const names[] = { "Ann", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal" };

  people = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *id = new_person (names[i], "Tester");
      gboolean north = i < 6;

      add_plan (id, north ? "North team" : "South team", north ? "Ada Lovelace" : "Bob Smith");
      add_experience (id, north ? "agree" : "disagree");
      g_ptr_array_add (people, id);
    }
}

/* --- the dashboard ------------------------------------------------------ */

static void
select_by_name (GtkDropDown *dropdown,
                const char  *name)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), name) == 0)
        {
          gtk_drop_down_set_selected (dropdown, i);
          return;
        }
    }
  g_error ("No “%s” in the drop-down", name);
}

static void
wait_for_figures (KithOutcomesPage *page)
{
  wait_until (!kith_outcomes_page_is_busy (page));
  g_assert_cmpstr (kith_outcomes_page_get_state (page), ==, "figures");
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
test_dashboard (void)
{
  g_autoptr(GError) error = NULL;
  KithOutcomesPage *page;
  GtkWidget *window, *widget;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 760);
  widget = kith_outcomes_page_new (store);
  page = KITH_OUTCOMES_PAGE (widget);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));

  /* The first compute runs on a worker thread: until it answers, the
   * page says it is working, and the main loop is free. */
  kith_outcomes_page_reload (page);
  g_assert_true (kith_outcomes_page_is_busy (page));
  g_assert_cmpstr (kith_outcomes_page_get_state (page), ==, "loading");
  wait_for_figures (page);

  /* Everyone: 6 of 8 know who is in charge; nobody has an agreed plan. */
  g_assert_cmpstr (kith_outcomes_page_get_counts_text (page, "experience-main-person"), ==, "6 of 8");
  g_assert_cmpstr (kith_outcomes_page_get_rate_text (page, "experience-main-person"), ==, "75.0%");
  g_assert_cmpstr (kith_outcomes_page_get_counts_text (page, "plan-coverage"), ==, "<5 of 8");
  g_assert_cmpstr (kith_outcomes_page_get_rate_text (page, "plan-coverage"), ==, "–");
  save_screenshot (window, "outcomes-dashboard.png");

  /* A team: the figures change, on the worker thread again. */
  select_by_name (kith_outcomes_page_get_team_dropdown (page), "North team");
  g_assert_true (kith_outcomes_page_is_busy (page));
  /* The figures on screen stay until the new ones come. */
  g_assert_cmpstr (kith_outcomes_page_get_state (page), ==, "figures");
  wait_for_figures (page);
  g_assert_cmpstr (kith_outcomes_page_get_counts_text (page, "experience-main-person"), ==, "6 of 6");
  g_assert_cmpstr (kith_outcomes_page_get_rate_text (page, "experience-main-person"), ==, "100.0%");

  /* Freeze this as a baseline: it is chosen and compared with. */
  kith_outcomes_page_freeze_baseline (page, "North before");
  wait_until (gtk_drop_down_get_selected (kith_outcomes_page_get_baseline_dropdown (page)) == 1);
  g_assert_cmpstr (kith_outcomes_page_get_change_text (page, "experience-main-person"), ==,
                   "No change since the baseline");

  /* Two quick changes: the first is cancelled, the second shown. Every
   * team again, then Bob Smith's people: 0 of 2. */
  gtk_drop_down_set_selected (kith_outcomes_page_get_team_dropdown (page), 0);
  select_by_name (kith_outcomes_page_get_coordinator_dropdown (page), "Bob Smith");
  wait_for_figures (page);
  g_assert_cmpstr (kith_outcomes_page_get_counts_text (page, "experience-main-person"), ==, "<5 of <5");
  g_assert_cmpstr (kith_outcomes_page_get_change_text (page, "experience-main-person"), ==,
                   "Too few to compare with the baseline");

  /* Everyone again: 75% against the baseline's 100%. */
  gtk_drop_down_set_selected (kith_outcomes_page_get_coordinator_dropdown (page), 0);
  wait_for_figures (page);
  g_assert_cmpstr (kith_outcomes_page_get_change_text (page, "experience-main-person"), ==,
                   "-25.0 points since the baseline");

  /* A risk tier nobody is in (nothing recorded, so no tier): none. */
  gtk_check_button_set_active (kith_outcomes_page_get_tier_check (page, KITH_FRAILTY_SEVERE), TRUE);
  wait_for_figures (page);
  g_assert_cmpstr (kith_outcomes_page_get_counts_text (page, "experience-main-person"), ==, "<5 of <5");
  gtk_check_button_set_active (kith_outcomes_page_get_tier_check (page, KITH_FRAILTY_SEVERE), FALSE);
  wait_for_figures (page);

  /* Exports: the CSV files and the PDF report, counts only. */
  {
    g_autofree char *dir = g_dir_make_tmp ("kith-outcomes-export-XXXXXX", &error);
    g_autofree char *csv = g_build_filename (dir, "indicators.csv", NULL);
    g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
    g_autofree char *one = g_build_filename (dir, "experience-main-person.csv", NULL);
    g_autoptr(GFile) folder = g_file_new_for_path (dir);
    g_autoptr(GFile) report = g_file_new_for_path (pdf);
    g_autofree char *text = NULL;
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

    g_assert_no_error (error);
    g_assert_true (kith_outcomes_page_export_csv (page, folder));
    text = read_file (csv);
    g_assert_nonnull (strstr (text, "experience-main-person"));
    g_assert_null (strstr (text, "Tester"));
    g_assert_true (g_file_test (one, G_FILE_TEST_IS_REGULAR));
    g_clear_pointer (&text, g_free);
    g_assert_true (kith_outcomes_page_export_pdf (page, report));
    text = read_file (pdf);
    g_assert_true (g_str_has_prefix (text, "%PDF"));
    g_assert_cmpint (system (cmd), ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Closing the window while the first compute runs: it is cancelled, and
 * nothing is left waiting. */
static void
test_dashboard_closed_early (void)
{
  GtkWidget *window, *widget;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  window = gtk_window_new ();
  widget = kith_outcomes_page_new (store);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  kith_outcomes_page_reload (KITH_OUTCOMES_PAGE (widget));
  gtk_window_destroy (GTK_WINDOW (window));
  kith_test_flush_main_context ();
}

/* --- the experience questionnaire --------------------------------------- */

static GPtrArray *
list_responses (const char *patient_id,
                const char *questionnaire)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = kith_store_list_for_patient (store, "QuestionnaireResponse", patient_id, &error);
  g_autofree char *prefix = g_strconcat (KITH_FHIR_BASE "/Questionnaire/", questionnaire, "|", NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (g_str_has_prefix (kith_fhir_get_string (all->pdata[i], "questionnaire"), prefix))
      g_ptr_array_add (found, json_object_ref (all->pdata[i]));
  return found;
}

static const char *
answered_on (JsonObject *response)
{
  JsonNode *node = kith_fhir_get_extension (response, SD "answered-on", "valueCode");

  return node ? json_node_get_string (node) : NULL;
}

static void
test_experience_shared_screen (void)
{
  g_autofree char *patient_id = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) effort = NULL;
  KithExperienceDialog *dialog;
  GtkWidget *parent, *widget;
  gboolean saved = FALSE;
  JsonArray *items;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  patient_id = new_person ("Winifred", "Screenwell");
  before = list_responses (patient_id, "experience");
  parent = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (parent));
  widget = kith_experience_dialog_new (GTK_WINDOW (parent), store, patient_id, NULL,
                                       KITH_EXPERIENCE_SHARED_SCREEN, "Bethan Hughes");
  dialog = KITH_EXPERIENCE_DIALOG (widget);
  g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &widget);
  g_signal_connect_swapped (widget, "saved", G_CALLBACK (on_drawn_cb), &saved);
  gtk_window_present (GTK_WINDOW (widget));
  wait_until (gtk_widget_get_mapped (widget));

  /* One statement at a time, and nothing of the record in view. */
  g_assert_cmpstr (kith_experience_dialog_get_statement (dialog), ==,
                   "I know who is the main person in charge of my care");
  g_assert_null (kith_test_find_mapped_label (widget, "Winifred"));
  g_assert_null (kith_test_find_mapped_label (widget, "SCREENWELL, Winifred"));
  g_assert_nonnull (kith_experience_dialog_find_answer (dialog, "Agree"));
  g_assert_null (kith_experience_dialog_find_answer (dialog, "Every effort was made"));
  save_screenshot (widget, "experience-shared-screen.png");

  g_signal_emit_by_name (kith_experience_dialog_find_answer (dialog, "Agree"), "clicked");
  g_assert_cmpstr (kith_experience_dialog_get_statement (dialog), ==, "I had to repeat my story");
  g_signal_emit_by_name (kith_experience_dialog_find_answer (dialog, "Disagree"), "clicked");
  g_assert_cmpstr (kith_experience_dialog_get_statement (dialog), ==, "I know what to do if things go wrong");

  /* Handing back part way keeps what was answered. */
  g_signal_emit_by_name (kith_experience_dialog_get_hand_back_button (dialog), "clicked");
  wait_until (widget == NULL);
  g_assert_true (saved);

  after = list_responses (patient_id, "experience");
  g_assert_cmpuint (after->len, ==, before->len + 1);
  g_assert_cmpstr (answered_on (after->pdata[0]), ==, "shared-screen");
  g_assert_cmpstr (kith_fhir_get_string (kith_fhir_get_object (after->pdata[0], "author"), "display"), ==,
                   "Bethan Hughes");
  items = kith_fhir_get_array (after->pdata[0], "item");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  /* collaboRATE was not reached: nothing saved for it. */
  effort = list_responses (patient_id, "collaborate");
  g_assert_cmpuint (effort->len, ==, 0);

  gtk_window_destroy (GTK_WINDOW (parent));
}

static void
test_experience_from_paper (void)
{
  g_autofree char *patient_id = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) effort = NULL;
  KithExperienceDialog *dialog;
  GtkWidget *parent, *widget;
  static const char * const effort_items[] = { "understand", "listen", "include" };

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  patient_id = new_person ("Percy", "Paperton");
  parent = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (parent));
  widget = kith_experience_dialog_new (GTK_WINDOW (parent), store, patient_id, NULL,
                                       KITH_EXPERIENCE_FROM_PAPER, "Bethan Hughes");
  dialog = KITH_EXPERIENCE_DIALOG (widget);
  g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &widget);
  gtk_window_present (GTK_WINDOW (widget));
  wait_until (gtk_widget_get_mapped (widget));

  /* Every question on one form: five statements and three collaboRATE. */
  g_assert_nonnull (kith_experience_dialog_get_row (dialog, "main-person"));
  g_assert_nonnull (kith_experience_dialog_get_row (dialog, "involved-decisions"));
  for (guint i = 0; i < G_N_ELEMENTS (effort_items); i++)
    {
      AdwComboRow *row = kith_experience_dialog_get_row (dialog, effort_items[i]);

      g_assert_nonnull (row);
      /* Not answered, the five answers, declined */
      g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (row)), ==, 7);
      adw_combo_row_set_selected (row, 5);   /* every effort was made */
    }
  adw_combo_row_set_selected (kith_experience_dialog_get_row (dialog, "main-person"), 1);   /* agree */
  adw_combo_row_set_selected (kith_experience_dialog_get_row (dialog, "repeat-story"), 4);  /* declined */
  save_screenshot (widget, "experience-from-paper.png");

  /* Not a real day: refused in words, nothing saved. */
  gtk_editable_set_text (GTK_EDITABLE (kith_experience_dialog_get_date_row (dialog)), "2026-02-30");
  g_signal_emit_by_name (kith_experience_dialog_get_save_button (dialog), "clicked");
  g_assert_nonnull (kith_experience_dialog_get_error (dialog));
  statements = list_responses (patient_id, "experience");
  g_assert_cmpuint (statements->len, ==, 0);
  g_clear_pointer (&statements, g_ptr_array_unref);

  gtk_editable_set_text (GTK_EDITABLE (kith_experience_dialog_get_date_row (dialog)), "2026-01-15");
  g_signal_emit_by_name (kith_experience_dialog_get_save_button (dialog), "clicked");
  wait_until (widget == NULL);

  statements = list_responses (patient_id, "experience");
  effort = list_responses (patient_id, "collaborate");
  g_assert_cmpuint (statements->len, ==, 1);
  g_assert_cmpuint (effort->len, ==, 1);
  g_assert_cmpstr (answered_on (statements->pdata[0]), ==, "paper");
  g_assert_cmpstr (answered_on (effort->pdata[0]), ==, "paper");
  g_assert_true (g_str_has_prefix (kith_fhir_get_string (statements->pdata[0], "authored"), "2026-01-15"));
  /* Agree, and declined (a data-absent-reason, not an answer). */
  g_assert_cmpuint (json_array_get_length (kith_fhir_get_array (statements->pdata[0], "item")), ==, 2);
  g_assert_cmpuint (json_array_get_length (kith_fhir_get_array (effort->pdata[0], "item")), ==, 3);
  {
    KithInstrument *collaborate = kith_instrument_library_lookup (kith_instrument_library_get_default (),
                                                                  KITH_COLLABORATE_INSTRUMENT);
    g_autoptr(GError) error = NULL;
    g_autoptr(KithAnswerSet) answers = kith_answer_set_new_from_response (collaborate, effort->pdata[0], &error);
    g_autoptr(GPtrArray) scores = NULL;

    g_assert_no_error (error);
    scores = kith_answer_set_score (answers);
    g_assert_cmpstr (((KithScore *) scores->pdata[0])->band_code, ==, "top-box");
  }

  gtk_window_destroy (GTK_WINDOW (parent));
}

/* --- recording a death -------------------------------------------------- */

static void
test_death (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *patient_id = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday_time = g_date_time_add_days (now, -1);
  g_autofree char *yesterday = g_date_time_format (yesterday_time, "%Y-%m-%d");
  g_autoptr(JsonObject) patient_json = NULL;
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(KithCaseloadEntry) entry = NULL;
  KithDeathDialog *dialog;
  KithRecordPage *record;
  GtkWidget *window, *widget, *record_widget;
  JsonNode *place;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  patient_id = new_person ("Dorothy", "Endwell");
  add_preferred_place (patient_id, "At home, with my cat");

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  record_widget = kith_record_page_new ();
  record = KITH_RECORD_PAGE (record_widget);
  gtk_window_set_child (GTK_WINDOW (window), record_widget);
  kith_record_page_set_store (record, store);
  patient = kith_store_load_patient (store, patient_id, &error);
  g_assert_no_error (error);
  entry = kith_caseload_entry_load (store, patient_id, &error);
  g_assert_no_error (error);
  kith_record_page_set_person (record, patient, entry);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (kith_record_page_get_death_text (record));

  widget = kith_death_dialog_new (GTK_WINDOW (window), store, patient_id, "Bethan Hughes");
  dialog = KITH_DEATH_DIALOG (widget);
  gtk_window_present (GTK_WINDOW (widget));
  wait_until (gtk_widget_get_mapped (widget));

  /* Their wish, in their words, and the question. */
  g_assert_cmpstr (kith_death_dialog_get_place_text (dialog), ==, "At home, with my cat");
  g_assert_true (gtk_check_button_get_active (kith_death_dialog_get_place_check (dialog, KITH_PLACE_NOT_RECORDED)));
  /* Tomorrow cannot be recorded. */
  {
    g_autoptr(GDateTime) later = g_date_time_add_days (now, 1);
    g_autofree char *tomorrow = g_date_time_format (later, "%Y-%m-%d");

    gtk_editable_set_text (kith_death_dialog_get_date (dialog), tomorrow);
    g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (widget), "record"));
  }
  gtk_editable_set_text (kith_death_dialog_get_date (dialog), yesterday);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (widget), "record"));
  gtk_check_button_set_active (kith_death_dialog_get_place_check (dialog, KITH_PLACE_MET), TRUE);
  save_screenshot (widget, "record-death.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (widget), "record");

  /* What the indicators read. */
  patient_json = kith_store_read_resource (store, "Patient", patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_fhir_get_string (patient_json, "deceasedDateTime"), ==, yesterday);
  place = kith_fhir_get_extension (patient_json, SD "died-in-preferred-place", "valueBoolean");
  g_assert_nonnull (place);
  g_assert_true (json_node_get_boolean (place));

  /* The record says it plainly. */
  g_clear_object (&patient);
  g_clear_object (&entry);
  patient = kith_store_load_patient (store, patient_id, &error);
  g_assert_no_error (error);
  entry = kith_caseload_entry_load (store, patient_id, &error);
  kith_record_page_set_person (record, patient, entry);
  g_assert_nonnull (kith_record_page_get_death_text (record));
  g_assert_true (g_str_has_prefix (kith_record_page_get_death_text (record), "Died on "));
  g_assert_true (g_str_has_suffix (kith_record_page_get_death_text (record), "in the place they wished"));
  save_screenshot (window, "record-after-death.png");

  /* Again: it opens as a correction, with what is recorded. */
  widget = kith_death_dialog_new (GTK_WINDOW (window), store, patient_id, "Bethan Hughes");
  dialog = KITH_DEATH_DIALOG (widget);
  g_assert_cmpstr (gtk_editable_get_text (kith_death_dialog_get_date (dialog)), ==, yesterday);
  g_assert_true (gtk_check_button_get_active (kith_death_dialog_get_place_check (dialog, KITH_PLACE_MET)));
  gtk_check_button_set_active (kith_death_dialog_get_place_check (dialog, KITH_PLACE_NOT_MET), TRUE);
  g_assert_true (kith_death_dialog_save (dialog, &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (widget));
  g_clear_pointer (&patient_json, json_object_unref);
  patient_json = kith_store_read_resource (store, "Patient", patient_id, &error);
  place = kith_fhir_get_extension (patient_json, SD "died-in-preferred-place", "valueBoolean");
  g_assert_false (json_node_get_boolean (place));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (kith_test_log_writer, NULL, NULL);

  if ((have_display = gtk_init_check ()))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;

      adw_init ();
      store_dir = g_dir_make_tmp ("kith-gui-outcomes-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (store_dir, "kith.db", NULL);
      store = kith_store_open (path, &error);
      g_assert_no_error (error);
      make_store ();
    }

  g_test_add_func ("/kith/outcomes/dashboard", test_dashboard);
  g_test_add_func ("/kith/outcomes/dashboard-closed-early", test_dashboard_closed_early);
  g_test_add_func ("/kith/outcomes/experience-shared-screen", test_experience_shared_screen);
  g_test_add_func ("/kith/outcomes/experience-from-paper", test_experience_from_paper);
  g_test_add_func ("/kith/outcomes/death", test_death);

  ret = g_test_run ();
  if (have_display)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", store_dir);

      g_clear_object (&store);
      g_clear_pointer (&people, g_ptr_array_unref);
      if (system (cmd) != 0)
        g_warning ("Could not remove the test store");
      g_free (store_dir);
    }
  return ret;
}
