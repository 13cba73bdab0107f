/* test-patient.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kith-core.h"

static const char *sample_patient =
  "{\"resourceType\":\"Patient\",\"id\":\"p1\","
  "\"identifier\":[{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"9434765919\"},"
  "               {\"system\":\"urn:other\",\"value\":\"X1\"}],"
  "\"name\":[{\"use\":\"official\",\"family\":\"Smith\",\"given\":[\"Margaret\",\"Rose\"]},"
  "         {\"use\":\"usual\",\"given\":[\"Peggy\"]}],"
  "\"birthDate\":\"1941-06-03\","
  "\"address\":[{\"use\":\"home\",\"line\":[\"12 Mill Lane\"],\"city\":\"Ashcombe\",\"postalCode\":\"ZZ99 3AB\"}],"
  "\"telecom\":[{\"system\":\"phone\",\"value\":\"01632 960123\"}],"
  "\"generalPractitioner\":[{\"display\":\"Ashcombe Surgery\"}],"
  "\"maritalStatus\":{\"text\":\"Widowed\"}}";

static KithPatient *
load_sample (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) resource = kith_fhir_parse_resource (sample_patient, -1, &error);
  KithPatient *patient;

  g_assert_no_error (error);
  patient = kith_patient_new_from_json (resource, &error);
  g_assert_no_error (error);
  return patient;
}

static void
test_reads_fhir (void)
{
  g_autoptr(KithPatient) patient = load_sample ();
  g_autofree char *list = kith_patient_dup_list_name (patient);
  g_autofree char *spoken = kith_patient_dup_spoken_name (patient);

  g_assert_cmpstr (kith_patient_get_id (patient), ==, "p1");
  g_assert_cmpstr (kith_patient_get_family (patient), ==, "Smith");
  g_assert_cmpstr (kith_patient_get_given (patient), ==, "Margaret");
  g_assert_cmpstr (kith_patient_get_preferred_name (patient), ==, "Peggy");
  g_assert_cmpstr (kith_patient_get_nhs_number (patient), ==, "9434765919");
  g_assert_cmpstr (kith_patient_get_birth_date (patient), ==, "1941-06-03");
  g_assert_cmpstr (kith_patient_get_address (patient), ==, "12 Mill Lane\nAshcombe\nZZ99 3AB");
  g_assert_cmpstr (kith_patient_get_phone (patient), ==, "01632 960123");
  g_assert_cmpstr (kith_patient_get_gp_practice (patient), ==, "Ashcombe Surgery");
  g_assert_cmpstr (list, ==, "SMITH, Margaret (Peggy)");
  g_assert_cmpstr (spoken, ==, "Peggy Smith");
}

static void
test_age (void)
{
  g_autoptr(KithPatient) patient = load_sample ();
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 2, 6, 2026);   /* the day before the 85th birthday */
  g_assert_cmpint (kith_patient_get_age (patient, &day), ==, 84);
  g_date_set_dmy (&day, 3, 6, 2026);   /* the birthday itself */
  g_assert_cmpint (kith_patient_get_age (patient, &day), ==, 85);
  g_assert_cmpint (kith_age_from_birth_date ("not a date", &day), ==, -1);
  g_assert_cmpint (kith_age_from_birth_date ("2000-02-29", &day), ==, 26);
}

static void
test_round_trip_keeps_unknown_members (void)
{
  g_autoptr(KithPatient) patient = load_sample ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(KithPatient) again = NULL;
  JsonArray *given;

  kith_patient_set_given (patient, "Maggie");
  g_assert_true (kith_patient_set_nhs_number (patient, "999 000 0050", &error));
  g_assert_no_error (error);

  json = kith_patient_to_json (patient);
  g_assert_true (json_object_has_member (json, "maritalStatus"));
  /* The other identifier and the middle name survive the edit. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json, "identifier")), ==, 2);
  given = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (json, "name"), 0), "given");
  g_assert_cmpuint (json_array_get_length (given), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (given, 1), ==, "Rose");

  again = kith_patient_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_patient_get_given (again), ==, "Maggie");
  g_assert_cmpstr (kith_patient_get_nhs_number (again), ==, "9990000050");
}

static void
test_refuses_invalid_nhs_number (void)
{
  g_autoptr(KithPatient) patient = load_sample ();
  g_autoptr(GError) error = NULL;

  g_assert_false (kith_patient_set_nhs_number (patient, "943 476 5918", &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_NHS_NUMBER);
  g_assert_true (strstr (error->message, "NHS number") != NULL);
  /* Nothing changed. */
  g_assert_cmpstr (kith_patient_get_nhs_number (patient), ==, "9434765919");
}

static void
test_refuses_future_birth_date (void)
{
  g_autoptr(KithPatient) patient = load_sample ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *date = g_date_time_format (tomorrow, "%Y-%m-%d");

  g_assert_false (kith_patient_set_birth_date (patient, date, &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_BIRTH_DATE);
  g_assert_true (g_str_has_prefix (error->message, "Date of birth"));
  g_clear_error (&error);

  g_assert_false (kith_patient_set_birth_date (patient, "1941-02-30", &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_BIRTH_DATE);
  g_clear_error (&error);

  g_assert_cmpstr (kith_patient_get_birth_date (patient), ==, "1941-06-03");
  g_assert_true (kith_patient_set_birth_date (patient, "1941-06-04", &error));
  g_assert_no_error (error);
}

static void
test_validate_needs_a_name (void)
{
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (kith_patient_validate (patient, &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_MISSING_NAME);
  g_clear_error (&error);

  kith_patient_set_family (patient, "Okafor");
  g_assert_true (kith_patient_validate (patient, &error));
  g_assert_no_error (error);
}

static void
test_address_from_text (void)
{
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(KithPatient) again = NULL;

  kith_patient_set_address (patient, "Flat 2\n7 Quarry Hill\n\nDunmere\nZZ99 1QQ\n");
  json = kith_patient_to_json (patient);
  again = kith_patient_new_from_json (json, NULL);
  g_assert_cmpstr (kith_patient_get_address (again), ==, "Flat 2\n7 Quarry Hill\nDunmere\nZZ99 1QQ");
}

static void
test_refuses_other_resources (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) resource =
    kith_fhir_parse_resource ("{\"resourceType\":\"Observation\",\"id\":\"o1\"}", -1, &error);
  g_autoptr(KithPatient) patient = NULL;

  g_assert_no_error (error);
  patient = kith_patient_new_from_json (resource, &error);
  g_assert_null (patient);
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_RESOURCE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/patient/reads-fhir", test_reads_fhir);
  g_test_add_func ("/patient/age", test_age);
  g_test_add_func ("/patient/round-trip", test_round_trip_keeps_unknown_members);
  g_test_add_func ("/patient/invalid-nhs-number", test_refuses_invalid_nhs_number);
  g_test_add_func ("/patient/future-birth-date", test_refuses_future_birth_date);
  g_test_add_func ("/patient/needs-a-name", test_validate_needs_a_name);
  g_test_add_func ("/patient/address-from-text", test_address_from_text);
  g_test_add_func ("/patient/other-resources", test_refuses_other_resources);

  return g_test_run ();
}
