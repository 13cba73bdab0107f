/* test-care-plan.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kith-core.h"

typedef struct
{
  char      *dir;
  char      *path;
  KithStore *store;
  char      *patient_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();

  f->dir = g_dir_make_tmp ("kith-plan-XXXXXX", &error);
  f->path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (f->path, &error);
  g_assert_no_error (error);
  kith_patient_set_family (patient, "Smith");
  kith_patient_set_given (patient, "Margaret");
  kith_patient_set_preferred_name (patient, "Peggy");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  f->patient_id = g_strdup (kith_patient_get_id (patient));
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
}

static char *
add_goal (KithCarePlan *plan,
          const char   *text)
{
  g_autoptr(GError) error = NULL;
  KithGoal goal = { NULL, (char *) text, (char *) "Peggy", (char *) "She tells us at review", NULL, FALSE };
  char *id = kith_care_plan_add_goal (plan, &goal, &error);

  g_assert_no_error (error);
  return id;
}

static void
make_agreeable (KithCarePlan *plan)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_free);
  KithTeamMember coordinator = { NULL, (char *) "Bethan Hughes", (char *) "coordinator", NULL,
                                 (char *) "01632 960555", (char *) "Mon–Fri 9am–5pm" };
  KithContact *contact = g_new0 (KithContact, 1);
  g_autofree char *goal = NULL;
  g_autofree char *member = NULL;

  member = kith_care_plan_add_team_member (plan, &coordinator, &error);
  g_assert_no_error (error);
  goal = add_goal (plan, "To walk to the shop on my own by summer");
  contact->name = g_strdup ("Out-of-hours GP");
  contact->phone = g_strdup ("111");
  contact->when = g_strdup ("any hour");
  g_ptr_array_add (contacts, contact);
  kith_care_plan_set_crisis_contacts (plan, contacts);
  kith_care_plan_set_crisis_actions (plan, "Call Daniel, then the out-of-hours GP");
}

static void
test_agreement_rules (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  g_autofree char *reason = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (kith_care_plan_get_state (plan), ==, KITH_PLAN_DRAFT);

  /* Nothing yet: all three missing, said plainly. */
  g_assert_false (kith_care_plan_agree (plan, "Margaret Smith", FALSE, "in person", &error));
  g_assert_error (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_CANNOT_AGREE);
  g_assert_nonnull (strstr (error->message, "co-ordinator"));
  g_assert_nonnull (strstr (error->message, "goal"));
  g_assert_nonnull (strstr (error->message, "crisis"));
  g_clear_error (&error);

  /* One at a time: each rule alone refuses. */
  {
    KithTeamMember coordinator = { NULL, (char *) "Bethan Hughes", (char *) "coordinator", NULL, NULL, NULL };
    g_autofree char *id = kith_care_plan_add_team_member (plan, &coordinator, &error);
    g_autofree char *goal = NULL;

    reason = kith_care_plan_check_agreement (plan);
    g_assert_null (strstr (reason, "co-ordinator"));
    g_assert_nonnull (strstr (reason, "goal"));
    g_clear_pointer (&reason, g_free);
    goal = add_goal (plan, "To stay at home");
    reason = kith_care_plan_check_agreement (plan);
    g_assert_nonnull (strstr (reason, "crisis"));
    g_assert_null (strstr (reason, "goal"));
    g_clear_pointer (&reason, g_free);
  }
  kith_care_plan_set_crisis_actions (plan, "Call the out-of-hours GP on 111");
  g_assert_null (kith_care_plan_check_agreement (plan));
  g_assert_true (kith_care_plan_agree (plan, "Margaret Smith", FALSE, "in person at home", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kith_care_plan_get_state (plan), ==, KITH_PLAN_AGREED);
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse Hughes", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kith_care_plan_get_state (plan), ==, KITH_PLAN_AGREED);
}

static void
test_agreed_plan_is_not_silently_edited (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  g_autoptr(GPtrArray) versions = NULL;
  g_autofree char *goal = NULL;

  make_agreeable (plan);
  g_assert_true (kith_care_plan_agree (plan, "Daniel Smith (son, lasting power of attorney)", TRUE, "by phone", &error));
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse Hughes", &error));
  g_assert_cmpstr (kith_care_plan_get_version (plan), ==, "1");

  goal = add_goal (plan, "To get to church on Sundays");
  g_assert_true (kith_care_plan_save (plan, f->store, "Dr Shah", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kith_care_plan_get_version (plan), ==, "2");
  /* The change opened a new version that has to be agreed again. */
  g_assert_cmpint (kith_care_plan_get_state (plan), ==, KITH_PLAN_UNDER_REVIEW);
  g_assert_cmpstr (kith_care_plan_get_last_edited_by (plan), ==, "Dr Shah");

  versions = kith_care_plan_list_versions (f->store, kith_care_plan_get_id (plan), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpint (kith_care_plan_get_state (versions->pdata[0]), ==, KITH_PLAN_AGREED);
  g_assert_cmpstr (kith_care_plan_get_last_edited_by (versions->pdata[0]), ==, "Nurse Hughes");

  /* Ending it, then editing, is refused. */
  g_assert_false (kith_care_plan_end (plan, "", &error));
  g_clear_error (&error);
  g_assert_true (kith_care_plan_end (plan, "Moved to a care home with its own plan", &error));
  g_assert_true (kith_care_plan_save (plan, f->store, "Dr Shah", &error));
  kith_care_plan_set_about_me (plan, "changed after ending");
  g_assert_false (kith_care_plan_save (plan, f->store, "Dr Shah", &error));
  g_assert_error (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_ENDED);
}

static void
test_two_windows_merge (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  g_autoptr(KithStore) other_store = kith_store_open (f->path, &error);
  g_autoptr(KithCarePlan) window_a = NULL;
  g_autoptr(KithCarePlan) window_b = NULL;
  g_autoptr(KithCarePlan) reloaded = NULL;
  g_autoptr(GPtrArray) goals = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autofree char *first = NULL, *second = NULL;

  make_agreeable (plan);
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse", &error));

  /* Two windows, two connections, opened on the same version. */
  window_a = kith_care_plan_load (f->store, kith_care_plan_get_id (plan), &error);
  window_b = kith_care_plan_load (other_store, kith_care_plan_get_id (plan), &error);
  g_assert_no_error (error);

  first = add_goal (window_a, "To sleep through the night");
  second = add_goal (window_b, "To see my grandson in Leeds");
  kith_care_plan_set_medicines_note (window_b, "Pharmacist to review the water tablets");
  g_assert_true (kith_care_plan_save (window_a, f->store, "Nurse", &error));
  g_assert_true (kith_care_plan_save (window_b, other_store, "Social worker", &error));
  g_assert_no_error (error);

  reloaded = kith_care_plan_load (f->store, kith_care_plan_get_id (plan), &error);
  goals = kith_care_plan_list_goals (reloaded);
  /* Both goals kept, and B's note: neither change lost. */
  g_assert_cmpuint (goals->len, ==, 3);
  g_assert_cmpstr (kith_care_plan_get_medicines_note (reloaded), ==, "Pharmacist to review the water tablets");
  versions = kith_care_plan_list_versions (f->store, kith_care_plan_get_id (plan), &error);
  g_assert_cmpuint (versions->len, ==, 3);
}

static void
test_two_windows_conflict (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  g_autoptr(KithStore) other_store = kith_store_open (f->path, &error);
  g_autoptr(KithCarePlan) window_a = NULL;
  g_autoptr(KithCarePlan) window_b = NULL;
  g_autoptr(KithCarePlan) reloaded = NULL;

  make_agreeable (plan);
  kith_care_plan_set_what_matters (plan, "My garden");
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse", &error));
  window_a = kith_care_plan_load (f->store, kith_care_plan_get_id (plan), &error);
  window_b = kith_care_plan_load (other_store, kith_care_plan_get_id (plan), &error);

  kith_care_plan_set_what_matters (window_a, "My garden and my cat");
  kith_care_plan_set_what_matters (window_b, "Staying independent");
  g_assert_true (kith_care_plan_save (window_a, f->store, "Nurse", &error));
  g_assert_false (kith_care_plan_save (window_b, other_store, "GP", &error));
  g_assert_error (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "what-matters"));

  /* Nothing was lost: A's is saved, B's still on B's screen. */
  reloaded = kith_care_plan_load (f->store, kith_care_plan_get_id (plan), &error);
  g_assert_cmpstr (kith_care_plan_get_what_matters (reloaded), ==, "My garden and my cat");
  g_assert_cmpstr (kith_care_plan_get_what_matters (window_b), ==, "Staying independent");
  g_assert_true (kith_care_plan_has_changes (window_b));
}

static void
test_actions_and_overdue (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  KithAction late = { NULL, (char *) "Refer to the falls service", KITH_OWNER_PROFESSIONAL, (char *) "Bethan Hughes",
                      (char *) "2026-01-10", KITH_ACTION_NOT_STARTED, NULL };
  KithAction done = { NULL, (char *) "Fit grab rails", KITH_OWNER_CARER, NULL, (char *) "2026-01-05", KITH_ACTION_DONE, NULL };
  KithAction soon = { NULL, (char *) "Try the lunch club", KITH_OWNER_PERSON, NULL, (char *) "2026-03-01",
                      KITH_ACTION_NOT_STARTED, NULL };
  KithAction bad = { NULL, (char *) "Something", KITH_OWNER_PROFESSIONAL, NULL, NULL, KITH_ACTION_NOT_STARTED, NULL };
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  g_autoptr(GPtrArray) overdue = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  GDate today;

  a = kith_care_plan_add_action (plan, &late, &error);
  b = kith_care_plan_add_action (plan, &done, &error);
  c = kith_care_plan_add_action (plan, &soon, &error);
  g_assert_no_error (error);
  /* A professional's action needs a name; a bad date is refused. */
  g_assert_null (kith_care_plan_add_action (plan, &bad, &error));
  g_assert_error (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID);
  g_clear_error (&error);
  bad.owner = (char *) "Dr Shah";
  bad.due = (char *) "2026-02-30";
  g_assert_null (kith_care_plan_add_action (plan, &bad, &error));
  g_assert_error (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID);
  g_clear_error (&error);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 2, 2026);
  overdue = kith_care_plan_list_overdue_actions (plan, &today);
  g_assert_cmpuint (overdue->len, ==, 1);
  g_assert_cmpstr (((KithAction *) overdue->pdata[0])->text, ==, "Refer to the falls service");

  actions = kith_care_plan_list_actions (plan);
  g_assert_cmpuint (actions->len, ==, 3);
  for (guint i = 0; i < actions->len; i++)
    if (g_strcmp0 (((KithAction *) actions->pdata[i])->id, c) == 0)
      g_assert_cmpstr (((KithAction *) actions->pdata[i])->owner, ==, "the person");
}

static void
test_review_and_crunch_points (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 1, 3, 2027);
  g_assert_false (kith_care_plan_set_review_date (plan, "2027-13-01", &error));
  g_clear_error (&error);
  g_assert_true (kith_care_plan_set_review_date (plan, "2027-03-01", &error));
  g_assert_true (kith_care_plan_is_review_due (plan, &day));
  g_date_set_dmy (&day, 28, 2, 2027);
  g_assert_false (kith_care_plan_is_review_due (plan, &day));

  /* Discharge from hospital: review due now, whatever the date was. */
  g_assert_true (kith_care_plan_set_review_date (plan, "2099-01-01", &error));
  g_assert_false (kith_care_plan_is_review_due (plan, NULL));
  kith_care_plan_record_crunch_point (plan, KITH_CRUNCH_DISCHARGE, "Home from hospital after a fall");
  g_assert_true (kith_care_plan_is_review_due (plan, NULL));

  /* The caseload shows it too, once saved. */
  make_agreeable (plan);
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse", &error));
  {
    g_autoptr(KithCaseload) caseload = kith_caseload_new (f->store);
    g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), 0);

    g_assert_nonnull (kith_caseload_entry_get_next_review (entry));
    g_assert_cmpstr (kith_caseload_entry_get_coordinator (entry), ==, "Bethan Hughes");
  }
}

static void
test_decisions (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  const char *options[] = { "talking-therapies", "self-help", "not-now", NULL };
  const char *people[] = { "Margaret Smith (the person)", "Daniel Smith (carer)", "Dr Shah (GP)", NULL };
  KithDecision decision = { (char *) "emotional-support", (char *) "Emotional support", (GStrv) options,
                            (char *) "I don't want tablets", (char *) "talking-therapies", (char *) "fairly-sure",
                            (GStrv) people, (char *) "talking-therapies", NULL, { 4, 4, 4 } };
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(KithCarePlan) before = NULL;
  KithDecision *saved;

  g_assert_true (kith_care_plan_save (plan, f->store, "GP", &error) || error == NULL);
  before = kith_care_plan_new_from_json (kith_care_plan_get_json (plan), &error);
  g_assert_true (kith_care_plan_set_decision (plan, &decision, &error));
  g_assert_no_error (error);
  decisions = kith_care_plan_list_decisions (plan);
  g_assert_cmpuint (decisions->len, ==, 1);
  saved = decisions->pdata[0];
  g_assert_cmpstr (saved->agreed, ==, "talking-therapies");
  g_assert_cmpuint (g_strv_length (saved->participants), ==, 3);
  g_assert_nonnull (saved->decided);
  g_assert_true (kith_decision_is_collaborate_top (saved));

  /* Deciding again replaces, never duplicates; not top unless all three are 4. */
  decision.collaborate[2] = 3;
  g_assert_true (kith_care_plan_set_decision (plan, &decision, &error));
  g_clear_pointer (&decisions, g_ptr_array_unref);
  decisions = kith_care_plan_list_decisions (plan);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_false (kith_decision_is_collaborate_top (decisions->pdata[0]));

  /* The agreed choice must be an option talked about; collaboRATE is 0–4. */
  decision.agreed = (char *) "surgery";
  g_assert_false (kith_care_plan_set_decision (plan, &decision, &error));
  g_clear_error (&error);
  decision.agreed = (char *) "self-help";
  decision.collaborate[0] = 5;
  g_assert_false (kith_care_plan_set_decision (plan, &decision, &error));
  g_clear_error (&error);

  changes = kith_care_plan_diff (before, plan);
  g_assert_cmpuint (changes->len, >=, 1);
  g_assert_cmpstr (((KithPlanChange *) changes->pdata[0])->section, ==, "Shared decisions");
}

static void
test_tell_it_once_into_plan (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithAssessment) assessment = kith_assessment_start (f->store, f->patient_id, "Nurse", &error);
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  KithAnswer matters = { KITH_ANSWER_TEXT };
  KithAnswer call = { KITH_ANSWER_TEXT };

  matters.text = (char *) "Being at home with my cat";
  call.text = (char *) "Daniel on 07700 900123";
  g_assert_true (kith_assessment_set_answer (assessment, "about-me", "what-matters", &matters, &error));
  g_assert_true (kith_assessment_set_answer (assessment, "crisis", "who-to-call", &call, &error));
  g_assert_no_error (error);

  plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  g_assert_cmpstr (kith_care_plan_get_what_matters (plan), ==, "Being at home with my cat");
  contacts = kith_care_plan_list_crisis_contacts (plan);
  g_assert_cmpuint (contacts->len, ==, 1);
  g_assert_cmpstr (((KithContact *) contacts->pdata[0])->name, ==, "Daniel on 07700 900123");
}

static void
test_options_for_needs (void)
{
  KithOptionLibrary *library = kith_option_library_get_default ();
  g_autoptr(GPtrArray) emotional = kith_option_library_for_need (library, "emotional-support");
  g_autoptr(GPtrArray) safe = kith_option_library_for_need (library, "keeping-safe");
  gboolean has_not_now = FALSE;

  g_assert_cmpuint (emotional->len, >=, 2);
  for (guint i = 0; i < emotional->len; i++)
    {
      const KithOption *option = emotional->pdata[i];

      g_assert_nonnull (option->benefits);
      g_assert_nonnull (option->risks);
      g_assert_nonnull (option->practicalities);
      if (g_str_equal (option->id, "not-now"))
        has_not_now = TRUE;
    }
  g_assert_true (has_not_now);
  /* Where waiting is not safe, "not now" is never offered. */
  for (guint i = 0; i < safe->len; i++)
    g_assert_cmpstr (((KithOption *) safe->pdata[i])->id, !=, "not-now");
}

static void
test_practice_option_library (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "kith-practice-options.json", NULL);
  g_autoptr(KithOptionLibrary) library = NULL;

  g_assert_true (g_file_set_contents (path,
                                      "{\"format\":\"kith-option-library\",\"version\":1,\"options\":["
                                      "{\"id\":\"talking-therapies\",\"title\":\"Ashcombe Talking Space\","
                                      "\"summary\":\"s\",\"benefits\":\"b\",\"risks\":\"r\",\"practicalities\":\"p\","
                                      "\"kind\":\"service\",\"safe_to_defer\":true}]}", -1, NULL));
  library = kith_option_library_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_option_library_lookup (library, "talking-therapies")->title, ==, "Ashcombe Talking Space");
  g_unlink (path);

  g_assert_true (g_file_set_contents (path, "{\"format\":\"something-else\"}", -1, NULL));
  g_assert_null (kith_option_library_new_from_file (path, &error) ?: NULL);
  g_assert_nonnull (error);
  g_unlink (path);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/care-plan/agreement-rules", test_agreement_rules);
  ADD ("/care-plan/agreed-not-silently-edited", test_agreed_plan_is_not_silently_edited);
  ADD ("/care-plan/two-windows-merge", test_two_windows_merge);
  ADD ("/care-plan/two-windows-conflict", test_two_windows_conflict);
  ADD ("/care-plan/actions-overdue", test_actions_and_overdue);
  ADD ("/care-plan/review-crunch-points", test_review_and_crunch_points);
  ADD ("/care-plan/decisions", test_decisions);
  ADD ("/care-plan/tell-it-once", test_tell_it_once_into_plan);
#undef ADD
  g_test_add_func ("/care-plan/options-for-needs", test_options_for_needs);
  g_test_add_func ("/care-plan/practice-options", test_practice_option_library);

  return g_test_run ();
}
