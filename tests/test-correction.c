/* test-correction.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A person asks for a correction: the request is kept in their words, it
 * is either made (only once the record has really changed, with the
 * version that has the change) or refused with a reason, and the original
 * stays in the record's history. Real sqlite stores.
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kith-core.h"

typedef struct
{
  char      *dir;
  KithStore *store;
  char      *patient_id;
  char      *plan_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(KithCarePlan) plan = NULL;

  f->dir = g_dir_make_tmp ("kith-correction-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);

  kith_patient_set_family (patient, "Okafor");
  kith_patient_set_given (patient, "Grace");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (kith_patient_get_id (patient));

  plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  kith_care_plan_set_what_matters (plan, "Walking to the allotment with my son");
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse Rowe", &error));
  g_assert_no_error (error);
  f->plan_id = g_strdup (kith_care_plan_get_id (plan));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->patient_id);
  g_free (f->plan_id);
}

static KithCorrection *
ask_about_plan (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  KithCorrection *correction =
    kith_correction_request (f->store, f->patient_id, "CarePlan", f->plan_id, "Care plan",
                             "  It says my son, but it is my daughter who walks with me.  ",
                             "Walking to the allotment with my daughter", "Nurse Rowe", &error);

  g_assert_no_error (error);
  g_assert_nonnull (correction);
  return correction;
}

static void
edit_plan (Fixture    *f,
           const char *what_matters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_load (f->store, f->plan_id, &error);

  g_assert_no_error (error);
  kith_care_plan_set_what_matters (plan, what_matters);
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse Rowe", &error));
  g_assert_no_error (error);
}

static void
test_targets (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = kith_correction_list_targets (f->store, f->patient_id, &error);
  const KithCorrectionTarget *target;

  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 2);
  target = targets->pdata[0];
  g_assert_cmpstr (target->type, ==, "Patient");
  g_assert_cmpstr (target->id, ==, f->patient_id);
  g_assert_cmpstr (target->label, ==, "Personal details");
  target = targets->pdata[1];
  g_assert_cmpstr (target->type, ==, "CarePlan");
  g_assert_cmpstr (target->id, ==, f->plan_id);
}

static void
test_request_kept (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCorrection) asked = ask_about_plan (f);
  g_autoptr(KithCorrection) loaded = kith_correction_load (f->store, asked->id, &error);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonObject) task = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (loaded->state, ==, KITH_CORRECTION_REQUESTED);
  g_assert_cmpstr (loaded->patient_id, ==, f->patient_id);
  g_assert_cmpstr (loaded->target_type, ==, "CarePlan");
  g_assert_cmpstr (loaded->target_id, ==, f->plan_id);
  g_assert_cmpstr (loaded->target_label, ==, "Care plan");
  g_assert_cmpstr (loaded->words, ==, "It says my son, but it is my daughter who walks with me.");
  g_assert_cmpstr (loaded->should_say, ==, "Walking to the allotment with my daughter");
  g_assert_cmpstr (loaded->recorded_by, ==, "Nurse Rowe");
  g_assert_cmpstr (loaded->seen_version, !=, NULL);
  g_assert_null (loaded->outcome);
  g_assert_null (loaded->corrected_version);

  list = kith_correction_list (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);

  /* FHIR: a Task for the person, about the plan, asked by the person */
  task = kith_store_read_resource (f->store, "Task", asked->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_fhir_resource_code (task), ==, KITH_CORRECTION_TASK_CODE);
  g_assert_cmpstr (kith_fhir_get_string (task, "status"), ==, "requested");
  g_assert_cmpstr (kith_fhir_resource_patient (task), ==, f->patient_id);
  g_assert_true (g_str_has_prefix (kith_fhir_get_string (kith_fhir_get_object (task, "focus"), "reference"),
                                   "CarePlan/"));
  g_assert_true (g_str_has_prefix (kith_fhir_get_string (kith_fhir_get_object (task, "requester"), "reference"),
                                   "Patient/"));
}

static void
test_request_needs_words (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCorrection) none = kith_correction_request (f->store, f->patient_id, "CarePlan", f->plan_id,
                                                            "Care plan", "   ", NULL, "Nurse Rowe", &error);
  g_autoptr(KithCorrection) elsewhere = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_null (none);
  g_assert_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_INVALID);
  g_clear_error (&error);

  /* Nothing of someone else's can be named in this person's request. */
  elsewhere = kith_correction_request (f->store, f->patient_id, "CarePlan", "no-such-plan", "Care plan",
                                       "Wrong", NULL, "Nurse Rowe", &error);
  g_assert_null (elsewhere);
  g_assert_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = kith_correction_list (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_made_after_change (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCorrection) asked = ask_about_plan (f);
  g_autoptr(KithCorrection) done = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autofree char *expected_prefix = NULL;
  gboolean original_kept = FALSE;

  /* Nothing changed yet: recording it as made is refused. */
  g_assert_false (kith_correction_record_made (f->store, asked->id, "Changed son to daughter",
                                               "Nurse Rowe", &error));
  g_assert_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_UNCHANGED);
  g_assert_nonnull (strstr (error->message, "Care plan"));
  g_clear_error (&error);

  edit_plan (f, "Walking to the allotment with my daughter");
  g_assert_false (kith_correction_record_made (f->store, asked->id, "  ", "Nurse Rowe", &error));
  g_assert_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (kith_correction_record_made (f->store, asked->id, "Changed son to daughter",
                                              "Nurse Rowe", &error));
  g_assert_no_error (error);

  done = kith_correction_load (f->store, asked->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (done->state, ==, KITH_CORRECTION_MADE);
  g_assert_cmpstr (done->outcome, ==, "Changed son to daughter");
  g_assert_cmpstr (done->decided_by, ==, "Nurse Rowe");
  g_assert_nonnull (done->decided);
  expected_prefix = g_strdup_printf ("CarePlan/%s/_history/", f->plan_id);
  g_assert_true (g_str_has_prefix (done->corrected_version, expected_prefix));
  g_assert_cmpstr (done->corrected_version + strlen (expected_prefix), !=, done->seen_version);

  /* The original is still in the history. */
  versions = kith_care_plan_list_versions (f->store, f->plan_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, >=, 2);
  for (guint i = 0; i < versions->len; i++)
    if (g_strcmp0 (kith_care_plan_get_what_matters (versions->pdata[i]),
                   "Walking to the allotment with my son") == 0)
      original_kept = TRUE;
  g_assert_true (original_kept);

  /* Decided once. */
  g_assert_false (kith_correction_refuse (f->store, asked->id, "Changed my mind", "Nurse Rowe", &error));
  g_assert_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_STATE);
}

static void
test_refused_with_reason (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCorrection) asked = ask_about_plan (f);
  g_autoptr(KithCorrection) open = ask_about_plan (f);
  g_autoptr(KithCorrection) refused = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_false (kith_correction_refuse (f->store, asked->id, "", "Dr Shah", &error));
  g_assert_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (kith_correction_refuse (f->store, asked->id,
                                         "The plan records what was agreed at the review on 3 March.",
                                         "Dr Shah", &error));
  g_assert_no_error (error);

  refused = kith_correction_load (f->store, asked->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (refused->state, ==, KITH_CORRECTION_REFUSED);
  g_assert_cmpstr (refused->outcome, ==, "The plan records what was agreed at the review on 3 March.");
  g_assert_cmpstr (refused->decided_by, ==, "Dr Shah");
  /* The person's words stay with the record. */
  g_assert_cmpstr (refused->words, ==, "It says my son, but it is my daughter who walks with me.");
  g_assert_null (refused->corrected_version);

  /* Open requests come first. */
  list = kith_correction_list (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((KithCorrection *) list->pdata[0])->id, ==, open->id);
  g_assert_cmpint (((KithCorrection *) list->pdata[1])->state, ==, KITH_CORRECTION_REFUSED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/correction/targets", test_targets);
  ADD ("/correction/request-kept", test_request_kept);
  ADD ("/correction/request-needs-words", test_request_needs_words);
  ADD ("/correction/made-after-change", test_made_after_change);
  ADD ("/correction/refused-with-reason", test_refused_with_reason);
#undef ADD

  return g_test_run ();
}
