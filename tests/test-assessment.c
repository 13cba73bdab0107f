/* test-assessment.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "kith-core.h"
#include "kith-store-private.h"

#define NOT_AT_ALL       "LA6568-5"
#define SEVERAL_DAYS     "LA6569-3"
#define MORE_THAN_HALF   "LA6570-1"
#define NEARLY_EVERY_DAY "LA6571-9"

typedef struct
{
  char      *dir;
  char      *path;
  KithStore *store;
  char      *patient_id;
  char      *carer_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCaseload) caseload = NULL;
  g_autoptr(KithCaseloadEntry) entry = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autofree char *carer_json = NULL;
  g_autoptr(JsonObject) carer = NULL;

  f->dir = g_dir_make_tmp ("kith-assessment-XXXXXX", &error);
  f->path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (f->path, &error);
  g_assert_no_error (error);

  kith_patient_set_family (patient, "Okafor");
  kith_patient_set_given (patient, "Grace");
  g_assert_true (kith_patient_set_birth_date (patient, "1944-02-11", &error));
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (kith_patient_get_id (patient));

  f->carer_id = g_strdup ("carer-1");
  carer_json = g_strdup_printf ("{\"resourceType\":\"RelatedPerson\",\"id\":\"carer-1\","
                                "\"patient\":{\"reference\":\"Patient/%s\"},"
                                "\"name\":[{\"family\":\"Okafor\",\"given\":[\"Daniel\"]}]}", f->patient_id);
  carer = kith_fhir_parse_resource (carer_json, -1, &error);
  g_assert_true (kith_store_save_resource (f->store, carer, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->patient_id);
  g_free (f->carer_id);
}

static void
answer_code (KithAssessment *assessment,
             const char     *instrument,
             const char     *link_id,
             const char     *code)
{
  g_autoptr(GError) error = NULL;
  KithAnswer answer = { KITH_ANSWER_CODE };

  answer.code = (char *) code;
  g_assert_true (kith_assessment_set_answer (assessment, instrument, link_id, &answer, &error));
  g_assert_no_error (error);
}

static void
answer_kind (KithAssessment *assessment,
             const char     *instrument,
             const char     *link_id,
             KithAnswerKind  kind,
             int             integer,
             const char     *text)
{
  g_autoptr(GError) error = NULL;
  KithAnswer answer = { kind };

  answer.integer = integer;
  answer.text = (char *) text;
  g_assert_true (kith_assessment_set_answer (assessment, instrument, link_id, &answer, &error));
  g_assert_no_error (error);
}

/* Answers every required question with "nothing wrong". */
static void
answer_everything (KithAssessment *assessment)
{
  static const char * const outcomes[] = {
    "nutrition", "hygiene", "toilet", "clothing", "home-safety", "habitable-home",
    "relationships", "work", "community", "caring-for-child",
  };

  answer_kind (assessment, "about-me", "what-matters", KITH_ANSWER_TEXT, 0, "My garden and my grandchildren");
  answer_kind (assessment, "pain", "pain-now", KITH_ANSWER_INTEGER, 2, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    answer_code (assessment, "care-act-outcomes", outcomes[i], "achieves");
  answer_kind (assessment, "care-act-outcomes", "wellbeing-impact", KITH_ANSWER_BOOLEAN, 0, NULL);
  answer_code (assessment, "phq-2", "phq2-1", NOT_AT_ALL);
  answer_code (assessment, "phq-2", "phq2-2", NOT_AT_ALL);
  answer_code (assessment, "gad-2", "gad2-1", NOT_AT_ALL);
  answer_code (assessment, "gad-2", "gad2-2", NOT_AT_ALL);
  answer_kind (assessment, "distress", "distress", KITH_ANSWER_INTEGER, 1, NULL);
  answer_kind (assessment, "carer", "has-carer", KITH_ANSWER_BOOLEAN, 1, NULL);
  answer_kind (assessment, "crisis", "who-to-call", KITH_ANSWER_TEXT, 0, "Daniel (son), 07700 900123, any hour");
}

static gint64
open_alerts (Fixture *f)
{
  sqlite3_stmt *stmt;
  gint64 n;

  sqlite3_prepare_v2 (kith_store_get_db (f->store), "SELECT open_alerts FROM patient_index WHERE id = ?1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, f->patient_id, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
test_start_holds_the_domains (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = kith_assessment_start (f->store, f->patient_id, "Nurse Bethan Hughes", &error);
  g_autoptr(GPtrArray) instruments = NULL;
  g_autoptr(GHashTable) domains = g_hash_table_new (g_str_hash, g_str_equal);
  guint done = 99, total = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (kith_assessment_get_status (assessment), ==, "in-progress");
  g_assert_null (kith_assessment_get_previous_id (assessment));

  instruments = kith_assessment_list_instruments (assessment);
  for (guint i = 0; i < instruments->len; i++)
    {
      g_hash_table_add (domains, (gpointer) kith_instrument_get_domain (instruments->pdata[i]));
      g_assert_cmpstr (kith_instrument_get_subject (instruments->pdata[i]), ==, "patient");
    }
  /* Seven domains, screens first: the full PHQ-9 and GAD-7 wait for an offer. */
  g_assert_cmpuint (g_hash_table_size (domains), ==, 7);
  g_assert_true (kith_assessment_includes (assessment, "phq-2"));
  g_assert_false (kith_assessment_includes (assessment, "phq-9"));
  g_assert_false (kith_assessment_includes (assessment, "care-act-carer-outcomes"));

  kith_assessment_get_progress (assessment, &done, &total);
  g_assert_cmpuint (done, ==, 0);
  g_assert_cmpuint (total, ==, 20);

  /* A question that is not in the assessment is refused. */
  {
    KithAnswer answer = { KITH_ANSWER_CODE, (char *) NOT_AT_ALL };

    g_assert_false (kith_assessment_set_answer (assessment, "phq-9", "phq9-1", &answer, &error));
    g_assert_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NOT_INCLUDED);
    g_clear_error (&error);
    answer.code = (char *) "LA0000-0";
    g_assert_false (kith_assessment_set_answer (assessment, "phq-2", "phq2-1", &answer, &error));
    g_assert_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  }
}

static void
test_every_answer_is_saved (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = kith_assessment_start (f->store, f->patient_id, "GP", &error);
  g_autoptr(KithStore) other = NULL;
  g_autoptr(KithAssessment) resumed = NULL;
  g_autofree char *found = NULL;
  const KithAnswer *answer;

  answer_code (assessment, "phq-2", "phq2-1", SEVERAL_DAYS);
  answer_kind (assessment, "about-me", "what-matters", KITH_ANSWER_TEXT, 0, "Staying in my own home");
  g_assert_true (kith_assessment_set_note (assessment, "emotional", "I just feel tired all the time", &error));
  g_assert_true (kith_assessment_pause (assessment, &error));
  g_assert_no_error (error);

  /* Another connection (another window, or after a restart) sees it all. */
  other = kith_store_open (f->path, &error);
  found = kith_assessment_find_in_progress (other, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, kith_assessment_get_id (assessment));
  resumed = kith_assessment_open (other, found, &error);
  g_assert_no_error (error);
  answer = kith_answer_set_lookup (kith_assessment_get_answers (resumed, "phq-2"), "phq2-1");
  g_assert_nonnull (answer);
  g_assert_cmpstr (answer->code, ==, SEVERAL_DAYS);
  answer = kith_answer_set_lookup (kith_assessment_get_answers (resumed, "about-me"), "what-matters");
  g_assert_cmpstr (answer->text, ==, "Staying in my own home");
  g_assert_cmpstr (kith_assessment_get_note (resumed, "emotional"), ==, "I just feel tired all the time");
}

static void
test_screen_offers_full_instrument (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = kith_assessment_start (f->store, f->patient_id, "GP", &error);
  g_autoptr(GPtrArray) findings = NULL;
  const KithAnswer *copied;
  gboolean offered = FALSE;

  answer_code (assessment, "phq-2", "phq2-1", MORE_THAN_HALF);
  answer_code (assessment, "phq-2", "phq2-2", SEVERAL_DAYS);     /* 2 + 1 = 3: positive */
  findings = kith_assessment_evaluate (assessment);
  for (guint i = 0; i < findings->len; i++)
    {
      KithFinding *finding = findings->pdata[i];

      if (finding->kind == KITH_FINDING_OFFER && g_strcmp0 (finding->offer_instrument, "phq-9") == 0)
        offered = TRUE;
    }
  g_assert_true (offered);

  /* Told once: the PHQ-9 starts with the two answers already given. */
  g_assert_true (kith_assessment_include (assessment, "phq-9", &error));
  g_assert_no_error (error);
  copied = kith_answer_set_lookup (kith_assessment_get_answers (assessment, "phq-9"), "phq9-1");
  g_assert_nonnull (copied);
  g_assert_cmpstr (copied->code, ==, MORE_THAN_HALF);
  copied = kith_answer_set_lookup (kith_assessment_get_answers (assessment, "phq-9"), "phq9-2");
  g_assert_cmpstr (copied->code, ==, SEVERAL_DAYS);
  g_assert_null (kith_answer_set_lookup (kith_assessment_get_answers (assessment, "phq-9"), "phq9-3"));

  /* And it is still there after reopening. */
  {
    g_autoptr(KithAssessment) again = kith_assessment_open (f->store, kith_assessment_get_id (assessment), &error);

    g_assert_no_error (error);
    g_assert_true (kith_assessment_includes (again, "phq-9"));
  }
}

static void
test_self_harm_alert (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = kith_assessment_start (f->store, f->patient_id, "GP", &error);
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GPtrArray) after = NULL;
  KithAlert *alert;

  g_assert_true (kith_assessment_include (assessment, "phq-9", &error));
  g_assert_cmpint (open_alerts (f), ==, 0);

  /* Item 9 alone, all else 0: total 1, minimal, and still an alert. */
  answer_code (assessment, "phq-9", "phq9-9", SEVERAL_DAYS);
  g_assert_cmpint (open_alerts (f), ==, 1);
  {
    g_autoptr(KithCaseload) caseload = kith_caseload_new (f->store);
    g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), 0);

    g_assert_cmpuint (kith_caseload_entry_get_open_alerts (entry), ==, 1);
  }
  alerts = kith_alerts_list_open (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);
  alert = alerts->pdata[0];
  g_assert_true (alert->requires_action);
  g_assert_nonnull (strstr (alert->title, "self-harm"));
  g_assert_nonnull (alert->why);

  /* Changing the answer back does not make it vanish: someone must act. */
  answer_code (assessment, "phq-9", "phq9-9", NOT_AT_ALL);
  g_assert_cmpint (open_alerts (f), ==, 1);

  /* It cannot be closed without who and what. */
  g_assert_false (kith_alert_record_action (f->store, alert->flag_id, "", "Called the crisis team", NULL, &error));
  g_assert_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NEEDS_REASON);
  g_clear_error (&error);
  g_assert_false (kith_alert_record_action (f->store, alert->flag_id, "Dr Shah", "  ", NULL, &error));
  g_assert_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NEEDS_REASON);
  g_clear_error (&error);
  g_assert_false (kith_alert_record_action (f->store, alert->flag_id, "Dr Shah", "Talked", "2999-01-01T00:00:00Z", &error));
  g_assert_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NEEDS_REASON);
  g_clear_error (&error);
  g_assert_cmpint (open_alerts (f), ==, 1);

  g_assert_true (kith_alert_record_action (f->store, alert->flag_id, "Dr Shah",
                                           "Asked about the thoughts; no plans; safety plan agreed and crisis line given",
                                           NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (open_alerts (f), ==, 0);
  after = kith_alerts_list_open (f->store, f->patient_id, &error);
  g_assert_cmpuint (after->len, ==, 0);

  /* The Flag keeps who, what and when. */
  {
    g_autoptr(JsonObject) flag = kith_store_read_resource (f->store, "Flag", alert->flag_id, &error);
    g_autofree char *json = kith_fhir_to_string (flag, FALSE);

    g_assert_cmpstr (kith_fhir_get_string (flag, "status"), ==, "inactive");
    g_assert_nonnull (strstr (json, "Dr Shah"));
    g_assert_nonnull (strstr (json, "alert-action"));
  }

  /* Answering 1 again does not raise a second alert in the same assessment. */
  answer_code (assessment, "phq-9", "phq9-9", MORE_THAN_HALF);
  g_assert_cmpint (open_alerts (f), ==, 0);
}

static void
test_complete_needs_everything (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = kith_assessment_start (f->store, f->patient_id, "GP", &error);
  g_autoptr(GPtrArray) observations = NULL;
  gboolean found_distress = FALSE;

  g_assert_false (kith_assessment_complete (assessment, &error));
  g_assert_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_INCOMPLETE);
  g_assert_nonnull (strstr (error->message, "questions to answer"));
  g_clear_error (&error);

  answer_everything (assessment);
  /* A question the person would rather not answer counts once declined. */
  answer_kind (assessment, "distress", "distress", KITH_ANSWER_DECLINED, 0, NULL);
  g_assert_true (kith_assessment_complete (assessment, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kith_assessment_get_status (assessment), ==, "completed");

  /* Scores became Observations; a declined score has none. */
  observations = kith_store_list_for_patient (f->store, "Observation", f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (observations->len, >=, 3);
  for (guint i = 0; i < observations->len; i++)
    {
      g_autofree char *json = kith_fhir_to_string (observations->pdata[i], FALSE);

      if (strstr (json, "distress/total"))
        found_distress = TRUE;
    }
  g_assert_false (found_distress);

  /* A completed assessment is not edited. */
  {
    KithAnswer answer = { KITH_ANSWER_CODE, (char *) SEVERAL_DAYS };

    g_assert_false (kith_assessment_set_answer (assessment, "phq-2", "phq2-1", &answer, &error));
    g_assert_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_COMPLETED);
  }
}

static void
test_phq9_observation (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = kith_assessment_start (f->store, f->patient_id, "GP", &error);
  g_autoptr(GPtrArray) observations = NULL;
  g_autoptr(GPtrArray) scores = NULL;
  const char *codes[] = { MORE_THAN_HALF, MORE_THAN_HALF, SEVERAL_DAYS, MORE_THAN_HALF, SEVERAL_DAYS,
                          SEVERAL_DAYS, SEVERAL_DAYS, SEVERAL_DAYS, NOT_AT_ALL };   /* 2+2+1+2+1+1+1+1+0 = 11 */
  gboolean found = FALSE;

  answer_everything (assessment);
  g_assert_true (kith_assessment_include (assessment, "phq-9", &error));
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *link_id = g_strdup_printf ("phq9-%u", i + 1);
      answer_code (assessment, "phq-9", link_id, codes[i]);
    }
  scores = kith_assessment_score (assessment, "phq-9");
  g_assert_true (((KithScore *) scores->pdata[0])->has_value);
  g_assert_cmpfloat (((KithScore *) scores->pdata[0])->value, ==, 11);
  g_assert_cmpstr (((KithScore *) scores->pdata[0])->band_code, ==, "moderate");

  g_assert_true (kith_assessment_complete (assessment, &error));
  g_assert_no_error (error);
  observations = kith_store_list_for_patient (f->store, "Observation", f->patient_id, &error);
  for (guint i = 0; i < observations->len; i++)
    {
      g_autofree char *json = kith_fhir_to_string (observations->pdata[i], FALSE);

      if (strstr (json, "44261-6"))
        {
          found = TRUE;
          g_assert_cmpint (json_object_get_int_member (observations->pdata[i], "valueInteger"), ==, 11);
          g_assert_nonnull (strstr (json, "Moderate"));
        }
    }
  g_assert_true (found);
}

static void
test_tell_it_once (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) first = kith_assessment_start (f->store, f->patient_id, "GP", &error);
  g_autoptr(KithAssessment) second = NULL;
  const KithAnswer *carried;
  guint left = 0, to_confirm = 0;

  answer_everything (first);
  answer_code (first, "social", "housing", "rented");
  answer_code (first, "phq-2", "phq2-1", SEVERAL_DAYS);
  g_assert_true (kith_assessment_complete (first, &error));

  second = kith_assessment_start (f->store, f->patient_id, "GP", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_assessment_get_previous_id (second), ==, kith_assessment_get_id (first));

  /* Facts carry over, marked for confirmation... */
  carried = kith_answer_set_lookup (kith_assessment_get_answers (second, "social"), "housing");
  g_assert_nonnull (carried);
  g_assert_cmpstr (carried->code, ==, "rented");
  g_assert_true (carried->carried_over);
  carried = kith_answer_set_lookup (kith_assessment_get_answers (second, "crisis"), "who-to-call");
  g_assert_true (carried->carried_over);
  g_assert_cmpint (kith_assessment_get_answer_change (second, "social", "housing"), ==, KITH_ANSWER_CHANGE_SAME);

  /* ...but "the last 2 weeks" symptom scales are asked afresh. */
  g_assert_null (kith_answer_set_lookup (kith_assessment_get_answers (second, "phq-2"), "phq2-1"));
  g_assert_nonnull (kith_assessment_get_previous_answers (second, "phq-2"));

  /* Completing needs the carried answers confirmed. */
  kith_assessment_get_domain_progress (second, "daily-living", &left, &to_confirm);
  g_assert_cmpuint (left, ==, 0);
  g_assert_cmpuint (to_confirm, >=, 12);
  answer_code (second, "phq-2", "phq2-1", NOT_AT_ALL);
  answer_code (second, "phq-2", "phq2-2", NOT_AT_ALL);
  answer_code (second, "gad-2", "gad2-1", NOT_AT_ALL);
  answer_code (second, "gad-2", "gad2-2", NOT_AT_ALL);
  answer_kind (second, "distress", "distress", KITH_ANSWER_INTEGER, 0, NULL);
  answer_kind (second, "pain", "pain-now", KITH_ANSWER_INTEGER, 0, NULL);
  g_assert_false (kith_assessment_complete (second, &error));
  g_assert_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_INCOMPLETE);
  g_assert_nonnull (strstr (error->message, "to confirm"));
  g_clear_error (&error);

  /* What changed since last time shows. */
  answer_code (second, "social", "housing", "sheltered");
  g_assert_cmpint (kith_assessment_get_answer_change (second, "social", "housing"), ==, KITH_ANSWER_CHANGE_CHANGED);
  g_assert_false (kith_answer_set_lookup (kith_assessment_get_answers (second, "social"), "housing")->carried_over);

  g_assert_true (kith_assessment_confirm_answer (second, "crisis", "who-to-call", &error));
  g_assert_false (kith_answer_set_lookup (kith_assessment_get_answers (second, "crisis"), "who-to-call")->carried_over);
  for (guint d = 0; d < 7; d++)
    {
      static const char * const domains[] = { "about-me", "health", "daily-living", "emotional", "practical", "carer", "risk" };
      g_assert_true (kith_assessment_confirm_domain (second, domains[d], &error));
    }
  g_assert_true (kith_assessment_complete (second, &error));
  g_assert_no_error (error);
}

static KithNeed *
need_by_id (GPtrArray  *needs,
            const char *id)
{
  for (guint i = 0; i < needs->len; i++)
    if (g_strcmp0 (((KithNeed *) needs->pdata[i])->id, id) == 0)
      return needs->pdata[i];
  return NULL;
}

static void
test_needs_decisions (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = kith_assessment_start (f->store, f->patient_id, "GP", &error);
  g_autoptr(GPtrArray) needs = NULL;
  g_autoptr(GPtrArray) conditions = NULL;
  g_autofree char *own = NULL;
  KithNeed *need;

  answer_everything (assessment);
  answer_code (assessment, "care-act-outcomes", "hygiene", "needs-help");
  answer_kind (assessment, "social", "money-worries", KITH_ANSWER_BOOLEAN, 1, NULL);

  needs = kith_assessment_list_needs (assessment);
  need = need_by_id (needs, "financial-advice");
  g_assert_nonnull (need);
  g_assert_cmpint (need->state, ==, KITH_NEED_PROPOSED);
  g_assert_nonnull (need->why);
  g_assert_cmpuint (strlen (need->why), >, 0);

  /* Accept one as worded by the person; dismissing needs a reason. */
  g_assert_true (kith_assessment_accept_need (assessment, "financial-advice", "Help sorting out my pension credit", &error));
  g_assert_no_error (error);
  g_assert_false (kith_assessment_dismiss_need (assessment, need_by_id (needs, "financial-advice") ? "financial-advice" : "", "", &error));
  g_assert_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NEEDS_REASON);
  g_clear_error (&error);
  own = kith_assessment_add_need (assessment, "Getting to the Thursday lunch club", "daily-living", &error);
  g_assert_no_error (error);
  g_assert_nonnull (own);

  g_clear_pointer (&needs, g_ptr_array_unref);
  needs = kith_assessment_list_needs (assessment);
  need = need_by_id (needs, "financial-advice");
  g_assert_cmpint (need->state, ==, KITH_NEED_ACCEPTED);
  g_assert_cmpstr (need->title, ==, "Help sorting out my pension credit");
  g_assert_nonnull (need_by_id (needs, own));

  /* Every decision is a Condition already, before completing. */
  conditions = kith_store_list_for_patient (f->store, "Condition", f->patient_id, &error);
  g_assert_cmpuint (conditions->len, ==, 2);

  /* A need whose rule stops firing keeps its decision. */
  answer_kind (assessment, "social", "money-worries", KITH_ANSWER_BOOLEAN, 0, NULL);
  g_clear_pointer (&needs, g_ptr_array_unref);
  needs = kith_assessment_list_needs (assessment);
  g_assert_nonnull (need_by_id (needs, "financial-advice"));

  /* Dismissed with a reason, after reopening. */
  {
    g_autoptr(KithAssessment) again = kith_assessment_open (f->store, kith_assessment_get_id (assessment), &error);
    g_autoptr(GPtrArray) reopened = NULL;
    g_autofree char *daily = NULL;

    g_assert_no_error (error);
    reopened = kith_assessment_list_needs (again);
    g_assert_cmpint (need_by_id (reopened, "financial-advice")->state, ==, KITH_NEED_ACCEPTED);
    for (guint i = 0; i < reopened->len; i++)
      if (((KithNeed *) reopened->pdata[i])->state == KITH_NEED_PROPOSED &&
          g_strcmp0 (((KithNeed *) reopened->pdata[i])->domain, "daily-living") == 0)
        {
          g_free (daily);
          daily = g_strdup (((KithNeed *) reopened->pdata[i])->id);
        }
    g_assert_nonnull (daily);
    g_assert_true (kith_assessment_dismiss_need (again, daily, "Her daughter helps every morning and she wants to keep it so", &error));
    g_assert_no_error (error);
    g_clear_pointer (&reopened, g_ptr_array_unref);
    reopened = kith_assessment_list_needs (again);
    g_assert_cmpint (need_by_id (reopened, daily)->state, ==, KITH_NEED_DISMISSED);
  }
}

static void
test_carer_assessment (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) refused = NULL;
  g_autoptr(KithAssessment) carer = NULL;
  g_autoptr(GPtrArray) instruments = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  gboolean eligible = FALSE;

  refused = kith_assessment_start_for_carer (f->store, f->carer_id, "Social worker", FALSE, FALSE, &error);
  g_assert_null (refused);
  g_assert_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NO_CONSENT);
  g_clear_error (&error);

  carer = kith_assessment_start_for_carer (f->store, f->carer_id, "Social worker", TRUE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_assessment_get_subject_kind (carer), ==, "carer");
  g_assert_cmpstr (kith_assessment_get_patient_id (carer), ==, f->patient_id);
  instruments = kith_assessment_list_instruments (carer);
  g_assert_cmpuint (instruments->len, ==, 1);
  g_assert_cmpstr (kith_instrument_get_id (instruments->pdata[0]), ==, "care-act-carer-outcomes");

  /* The consent is recorded, linked to the person cared for. */
  consents = kith_store_list_for_patient (f->store, "Consent", f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (consents->len, ==, 1);

  {
    static const char * const achieved[] = { "caring-for-child", "caring-for-others", "habitable-home",
                                              "nutrition", "relationships", "work", "community" };

    for (guint i = 0; i < G_N_ELEMENTS (achieved); i++)
      answer_code (carer, "care-act-carer-outcomes", achieved[i], "achieves");
  }
  answer_code (carer, "care-act-carer-outcomes", "recreation", "cannot-achieve");
  answer_kind (carer, "care-act-carer-outcomes", "health-at-risk", KITH_ANSWER_BOOLEAN, 0, NULL);
  answer_kind (carer, "care-act-carer-outcomes", "wellbeing-impact", KITH_ANSWER_BOOLEAN, 1, NULL);
  findings = kith_assessment_evaluate (carer);
  for (guint i = 0; i < findings->len; i++)
    if (((KithFinding *) findings->pdata[i])->kind == KITH_FINDING_INDICATION)
      eligible = TRUE;
  g_assert_true (eligible);

  /* Filed with the person, but never taken for the person's own paused
   * assessment, nor prefilled from. */
  {
    g_autofree char *paused = kith_assessment_find_in_progress (f->store, f->patient_id, &error);

    g_assert_no_error (error);
    g_assert_null (paused);
  }

  /* It belongs to the carer: its subject is the RelatedPerson. */
  {
    g_autoptr(KithAssessment) again = kith_assessment_open (f->store, kith_assessment_get_id (carer), &error);
    g_autoptr(JsonObject) envelope = kith_store_read_resource (f->store, "QuestionnaireResponse",
                                                               kith_assessment_get_id (carer), &error);
    JsonObject *subject = json_object_get_object_member (envelope, "subject");

    g_assert_no_error (error);
    g_assert_cmpstr (kith_assessment_get_subject_kind (again), ==, "carer");
    g_assert_cmpstr (json_object_get_string_member (subject, "reference"), ==, "RelatedPerson/carer-1");
  }
}

/* --- resume after SIGKILL ------------------------------------------------ */

static void
test_resume_after_kill (Fixture       *f,
                        gconstpointer  data)
{
  const char *writer = g_getenv ("KITH_ASSESSMENT_WRITER");
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = kith_assessment_start (f->store, f->patient_id, "GP", &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(GHashTable) last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint total = 0;

  g_assert_nonnull (writer);
  g_assert_no_error (error);

  for (int kill_n = 0; kill_n < 20; kill_n++)
    {
      const char *args[] = { writer, f->path, kith_assessment_get_id (assessment), NULL };
      g_autoptr(GString) buffer = g_string_new (NULL);
      g_autoptr(KithAssessment) resumed = NULL;
      gint64 deadline;
      GPid pid;
      int out_fd, status;
      char chunk[4096];
      gssize n;
      GHashTableIter iter;
      gpointer key, value;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) args, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                               NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      /* Wait for the writer's first saved answer (start-up is slow under
       * the sanitizers), then kill it at a random moment after. */
      deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
      while (buffer->len == 0 && g_get_monotonic_time () < deadline)
        {
          struct pollfd pfd = { out_fd, POLLIN, 0 };

          if (poll (&pfd, 1, 50) > 0 && (n = read (out_fd, chunk, sizeof chunk)) > 0)
            g_string_append_len (buffer, chunk, n);
        }
      deadline = g_get_monotonic_time () + g_rand_int_range (rand, 5, 150) * 1000;
      while (g_get_monotonic_time () < deadline)
        {
          struct pollfd pfd = { out_fd, POLLIN, 0 };

          if (poll (&pfd, 1, 5) > 0 && (n = read (out_fd, chunk, sizeof chunk)) > 0)
            g_string_append_len (buffer, chunk, n);
        }
      kill (pid, SIGKILL);
      while ((n = read (out_fd, chunk, sizeof chunk)) > 0)
        g_string_append_len (buffer, chunk, n);
      close (out_fd);
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);

      /* The last saved answer to each question is what must come back. */
      {
        g_auto(GStrv) lines = g_strsplit (buffer->str, "\n", -1);

        for (guint i = 0; lines[i]; i++)
          {
            g_auto(GStrv) parts = g_strsplit (lines[i], " ", 3);

            if (g_strv_length (parts) != 3)
              continue;  /* a line cut by the kill was never reported */
            g_hash_table_replace (last, g_strdup_printf ("%s %s", parts[0], parts[1]), g_strdup (parts[2]));
            total++;
          }
      }

      resumed = kith_assessment_open (f->store, kith_assessment_get_id (assessment), &error);
      g_assert_no_error (error);
      g_assert_true (kith_store_check_integrity (f->store, &error));
      g_hash_table_iter_init (&iter, last);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_auto(GStrv) parts = g_strsplit (key, " ", 2);
          KithAnswerSet *answers = kith_assessment_get_answers (resumed, parts[0]);
          const KithAnswer *answer = answers ? kith_answer_set_lookup (answers, parts[1]) : NULL;

          g_assert_nonnull (answer);
          /* Reported, so saved; maybe a later unreported save came after. */
          g_assert_cmpint (answer->kind, ==, KITH_ANSWER_CODE);
        }
    }
  g_test_message ("20 kills, %u reported answers, every one present", total);
  g_assert_cmpuint (total, >, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/assessment/start", test_start_holds_the_domains);
  ADD ("/assessment/every-answer-saved", test_every_answer_is_saved);
  ADD ("/assessment/screen-offers", test_screen_offers_full_instrument);
  ADD ("/assessment/self-harm-alert", test_self_harm_alert);
  ADD ("/assessment/complete", test_complete_needs_everything);
  ADD ("/assessment/phq9-observation", test_phq9_observation);
  ADD ("/assessment/tell-it-once", test_tell_it_once);
  ADD ("/assessment/needs", test_needs_decisions);
  ADD ("/assessment/carer", test_carer_assessment);
  ADD ("/assessment/resume-after-kill", test_resume_after_kill);
#undef ADD

  return g_test_run ();
}
