/* test-end-of-life.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Recording a death: the Patient's deceasedDateTime and the
 * died-in-preferred-place extension as the indicators read them; no date
 * in the future or before birth; a second recording only as a
 * correction; the plan ends and a place on the virtual ward with it; the
 * preferred place comes from the newest crisis answers.
 */

#include "config.h"

#include <stdlib.h>

#include "kith-core.h"
#include "kith-end-of-life.h"
#include "kith-outcomes.h"

typedef struct
{
  char      *dir;
  KithStore *store;
  char      *patient_id;
} Fixture;

static char *
iso_day (int days_from_today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = g_date_time_add_days (now, days_from_today);

  return g_date_time_format (day, "%Y-%m-%d");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("kith-end-of-life-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "kith.db", NULL);
  fixture->store = kith_store_open (path, &error);
  g_assert_no_error (error);

  kith_patient_set_family (patient, "Evans");
  kith_patient_set_given (patient, "Margaret");
  g_assert_true (kith_patient_set_birth_date (patient, "1938-03-12", &error));
  g_assert_no_error (error);
  g_assert_true (kith_store_save_patient (fixture->store, patient, &error));
  g_assert_no_error (error);
  fixture->patient_id = g_strdup (kith_patient_get_id (patient));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", fixture->dir);

  g_clear_object (&fixture->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (fixture->dir);
  g_free (fixture->patient_id);
}

static JsonObject *
read_patient (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  JsonObject *patient = kith_store_read_resource (fixture->store, "Patient", fixture->patient_id, &error);

  g_assert_no_error (error);
  return patient;
}

static void
add_crisis_answers (Fixture    *fixture,
                    const char *authored,
                    const char *place)
{
  KithInstrument *crisis = kith_instrument_library_lookup (kith_instrument_library_get_default (), "crisis");
  g_autoptr(KithAnswerSet) answers = kith_answer_set_new (crisis);
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *canonical = g_strdup_printf ("%s|%s", kith_instrument_get_url (crisis),
                                                kith_instrument_get_version (crisis));
  KithAnswer answer = { KITH_ANSWER_TEXT };

  answer.text = (char *) place;
  kith_answer_set_put (answers, "preferred-place", &answer);
  json_object_set_string_member (response, "resourceType", "QuestionnaireResponse");
  json_object_set_string_member (response, "questionnaire", canonical);
  json_object_set_string_member (response, "status", "completed");
  json_object_set_object_member (response, "subject", kith_fhir_new_reference ("Patient", fixture->patient_id, NULL));
  json_object_set_string_member (response, "authored", authored);
  json_object_set_array_member (response, "item", kith_answer_set_to_items (answers));
  g_assert_true (kith_store_save_resource (fixture->store, response, NULL, &error));
  g_assert_no_error (error);
}

static void
test_record (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(KithDeath) death = NULL;
  g_autofree char *yesterday = iso_day (-1);
  JsonNode *place;

  g_assert_true (kith_end_of_life_record_death (fixture->store, fixture->patient_id, yesterday, KITH_PLACE_MET,
                                                FALSE, "Bethan Hughes", NULL, &error));
  g_assert_no_error (error);

  /* Exactly what data/indicators/indicators.json reads. */
  patient = read_patient (fixture);
  g_assert_cmpstr (kith_fhir_get_string (patient, "deceasedDateTime"), ==, yesterday);
  place = kith_fhir_get_extension (patient, "https://kith.example/fhir/StructureDefinition/died-in-preferred-place",
                                   "valueBoolean");
  g_assert_nonnull (place);
  g_assert_true (json_node_get_boolean (place));
  death = kith_end_of_life_get_death (patient);
  g_assert_nonnull (death);
  g_assert_cmpstr (death->died, ==, yesterday);
  g_assert_cmpint (death->place, ==, KITH_PLACE_MET);

  /* A second recording is refused: it must be a correction. */
  g_assert_false (kith_end_of_life_record_death (fixture->store, fixture->patient_id, yesterday, KITH_PLACE_MET,
                                                 FALSE, "Bethan Hughes", NULL, &error));
  g_assert_error (error, KITH_END_OF_LIFE_ERROR, KITH_END_OF_LIFE_ERROR_RECORDED);
  g_clear_error (&error);

  /* A correction: another day, and not known whether it was their place. */
  {
    g_autofree char *before = iso_day (-3);
    g_autoptr(JsonObject) corrected = NULL;
    g_autoptr(KithDeath) again = NULL;

    g_assert_true (kith_end_of_life_record_death (fixture->store, fixture->patient_id, before,
                                                  KITH_PLACE_NOT_RECORDED, TRUE, "Bethan Hughes", NULL, &error));
    g_assert_no_error (error);
    corrected = read_patient (fixture);
    g_assert_cmpstr (kith_fhir_get_string (corrected, "deceasedDateTime"), ==, before);
    g_assert_null (kith_fhir_get_extension (corrected,
                                            "https://kith.example/fhir/StructureDefinition/died-in-preferred-place",
                                            "valueBoolean"));
    again = kith_end_of_life_get_death (corrected);
    g_assert_cmpint (again->place, ==, KITH_PLACE_NOT_RECORDED);
  }
}

static void
test_invalid_dates (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autofree char *tomorrow = iso_day (1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 2);
  g_autofree char *in_two_hours = g_date_time_format_iso8601 (later);
  const char *bad[] = { NULL, "", "  ", "yesterday", "2026-02-30", "1938-03-11", tomorrow, in_two_hours,
                        "2026-03-01T10:00:00" /* no zone */ };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s", bad[i] ? bad[i] : "(null)");
      g_assert_false (kith_end_of_life_record_death (fixture->store, fixture->patient_id, bad[i], KITH_PLACE_MET,
                                                     FALSE, "Bethan Hughes", NULL, &error));
      g_assert_error (error, KITH_END_OF_LIFE_ERROR, KITH_END_OF_LIFE_ERROR_INVALID);
      g_clear_error (&error);
    }
  /* Nothing was written. */
  patient = read_patient (fixture);
  g_assert_false (json_object_has_member (patient, "deceasedDateTime"));

  /* The day of birth itself, and a time with its zone, are fine. */
  g_assert_true (kith_end_of_life_record_death (fixture->store, fixture->patient_id, "1938-03-12",
                                                KITH_PLACE_NOT_MET, FALSE, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kith_end_of_life_record_death (fixture->store, fixture->patient_id, "2026-01-05T23:30:00+01:00",
                                                KITH_PLACE_NOT_MET, TRUE, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&patient, json_object_unref);
  patient = read_patient (fixture);
  g_assert_true (g_str_has_prefix (kith_fhir_get_string (patient, "deceasedDateTime"), "2026-01-05T22:30:00"));

  /* Nobody of that id. */
  g_assert_false (kith_end_of_life_record_death (fixture->store, "nobody", "2026-01-05", KITH_PLACE_MET, FALSE,
                                                 NULL, NULL, &error));
  g_assert_error (error, KITH_END_OF_LIFE_ERROR, KITH_END_OF_LIFE_ERROR_NOT_FOUND);
}

/* Nothing of theirs is left due: the plan ends (no review, no actions in
 * anyone's tasks) and their place on the virtual ward is given up. */
static void
test_closes_open_care (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (fixture->store, fixture->patient_id, &error);
  g_autoptr(KithCarePlan) current = NULL;
  g_autoptr(KithCaseloadEntry) entry = NULL;
  g_autoptr(KithWardStay) stay = NULL;
  g_autofree char *review = iso_day (30);
  g_autofree char *admitted = iso_day (-10);
  g_autofree char *died = iso_day (-2);
  g_autofree char *ward_id = NULL;

  g_assert_no_error (error);
  g_assert_true (kith_care_plan_set_review_date (plan, review, &error));
  g_assert_no_error (error);
  g_assert_true (kith_care_plan_save (plan, fixture->store, "Bethan Hughes", &error));
  g_assert_no_error (error);
  ward_id = kith_virtual_ward_admit (fixture->store, fixture->patient_id, admitted, "Dr Okafor", TRUE, &error);
  g_assert_no_error (error);
  entry = kith_caseload_entry_load (fixture->store, fixture->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_caseload_entry_get_next_review (entry), ==, review);
  g_clear_object (&entry);

  g_assert_true (kith_end_of_life_record_death (fixture->store, fixture->patient_id, died, KITH_PLACE_MET, FALSE,
                                                "Bethan Hughes", NULL, &error));
  g_assert_no_error (error);

  current = kith_care_plan_load_current (fixture->store, fixture->patient_id, &error);
  g_assert_no_error (error);
  g_assert_null (current);
  {
    g_autoptr(KithCarePlan) ended = kith_care_plan_load (fixture->store, kith_care_plan_get_id (plan), &error);

    g_assert_no_error (error);
    g_assert_cmpint (kith_care_plan_get_state (ended), ==, KITH_PLAN_ENDED);
  }
  entry = kith_caseload_entry_load (fixture->store, fixture->patient_id, &error);
  g_assert_no_error (error);
  g_assert_null (kith_caseload_entry_get_next_review (entry));
  stay = kith_virtual_ward_get_stay (fixture->store, fixture->patient_id, &error);
  g_assert_no_error (error);
  g_assert_null (stay);
}

static void
test_preferred_place (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPreferredPlace) none = NULL;
  g_autoptr(KithPreferredPlace) place = NULL;

  none = kith_end_of_life_get_preferred_place (fixture->store, fixture->patient_id, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  add_crisis_answers (fixture, "2025-11-01T10:00:00Z", "At home, with my cat");
  add_crisis_answers (fixture, "2026-01-10T10:00:00Z", "The hospice on Hill Road");
  add_crisis_answers (fixture, "2025-12-01T10:00:00Z", "At my daughter's");
  place = kith_end_of_life_get_preferred_place (fixture->store, fixture->patient_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (place);
  g_assert_cmpstr (place->text, ==, "The hospice on Hill Road");
  g_assert_cmpstr (place->recorded, ==, "2026-01-10T10:00:00Z");
}

/* What is recorded is what the indicators count. */
static void
test_counted (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithOutcomeResult) result = NULL;
  g_autofree char *died = iso_day (-1);
  g_autofree char *first = iso_day (-40);
  KithOutcomeFilter filter = { NULL };
  GDate from, to;

  add_crisis_answers (fixture, "2025-11-01T10:00:00Z", "At home");
  g_assert_true (kith_end_of_life_record_death (fixture->store, fixture->patient_id, died, KITH_PLACE_MET, FALSE,
                                                "Bethan Hughes", NULL, &error));
  g_assert_no_error (error);

  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  g_date_set_parse (&from, first);
  g_date_set_time_t (&to, time (NULL));
  g_assert_true (g_date_valid (&from));
  result = kith_outcomes_compute (fixture->store, &filter, &from, &to, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kith_outcome_result_lookup (result, "preferred-place-recorded")->numerator, ==, 1);
  g_assert_cmpuint (kith_outcome_result_lookup (result, "preferred-place-recorded")->denominator, ==, 1);
  g_assert_cmpuint (kith_outcome_result_lookup (result, "preferred-place-met")->numerator, ==, 1);
  g_assert_cmpuint (kith_outcome_result_lookup (result, "preferred-place-met")->denominator, ==, 1);
  /* Not on the caseload after their death: plan coverage counts nobody. */
  g_assert_cmpuint (kith_outcome_result_lookup (result, "plan-coverage")->denominator, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/end-of-life/record", Fixture, NULL, fixture_set_up, test_record, fixture_tear_down);
  g_test_add ("/end-of-life/invalid-dates", Fixture, NULL, fixture_set_up, test_invalid_dates, fixture_tear_down);
  g_test_add ("/end-of-life/closes-open-care", Fixture, NULL, fixture_set_up, test_closes_open_care,
              fixture_tear_down);
  g_test_add ("/end-of-life/preferred-place", Fixture, NULL, fixture_set_up, test_preferred_place,
              fixture_tear_down);
  g_test_add ("/end-of-life/counted", Fixture, NULL, fixture_set_up, test_counted, fixture_tear_down);

  return g_test_run ();
}
