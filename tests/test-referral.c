/* test-referral.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The single point of referral on a real sqlite store: what arrives is
 * kept, the triage moves through its states with timestamps set once and
 * in order, changes its state does not allow are refused, the inbox comes
 * in the order a co-ordinator works it, and the times are reported.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "kith-core.h"

typedef struct
{
  char      *dir;
  KithStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("kith-referral-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
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
}

/* Helpers */

/* A moment in March 2026: day and hour, UTC */
static GDateTime *
at (int day,
    int hour,
    int minute)
{
  return g_date_time_new_utc (2026, 3, day, hour, minute, 0);
}

/* A valid NHS number starting with @nine digits */
static char *
nhs_number_from (const char *nine)
{
  int check = kith_nhs_number_check_digit (nine);

  g_assert_cmpint (check, >=, 0);
  return g_strdup_printf ("%s%d", nine, check);
}

static char *
add_person (Fixture    *f,
            const char *family,
            const char *given)
{
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(GError) error = NULL;

  kith_patient_set_family (patient, family);
  kith_patient_set_given (patient, given);
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  return g_strdup (kith_patient_get_id (patient));
}

static KithReferral *
receive (Fixture             *f,
         const char          *patient_id,
         KithReferralSource   source,
         KithReferralUrgency  urgency,
         const char          *reason,
         GDateTime           *received)
{
  g_autoptr(GError) error = NULL;
  KithReferralIntake intake = {
    .patient_id = patient_id,
    .source = source,
    .referrer = "Dr Asha Patel",
    .reason = reason,
    .urgency = urgency,
    .received = received,
  };
  KithReferral *referral = kith_referral_receive (f->store, &intake, &error);

  g_assert_no_error (error);
  g_assert_nonnull (referral);
  return referral;
}

static JsonObject *
read_resource (Fixture    *f,
               const char *type,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *resource = kith_store_read_resource (f->store, type, id, &error);

  g_assert_no_error (error);
  return resource;
}

static guint
n_versions (Fixture    *f,
            const char *type,
            const char *id)
{
  g_autoptr(GPtrArray) history = kith_store_list_history (f->store, type, id, NULL);

  return history ? history->len : 0;
}

/* The co-ordinator the caseload shows for @patient_id */
static char *
dup_caseload_coordinator (Fixture    *f,
                          const char *patient_id)
{
  g_autoptr(KithCaseload) caseload = kith_caseload_new (f->store);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (caseload)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), i);

      if (g_strcmp0 (kith_caseload_entry_get_id (entry), patient_id) == 0)
        return g_strdup (kith_caseload_entry_get_coordinator (entry));
    }
  g_assert_not_reached ();
}

static void
assert_before (const char *earlier,
               const char *later)
{
  g_autoptr(GDateTime) a = g_date_time_new_from_iso8601 (earlier, NULL);
  g_autoptr(GDateTime) b = g_date_time_new_from_iso8601 (later, NULL);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (g_date_time_compare (a, b), <=, 0);
}

/* Tests */

static void
test_sources_and_urgencies_kept (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *patient_id = add_person (f, "Smith", "Margaret");
  g_autoptr(GPtrArray) inbox = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  for (guint s = 0; s < KITH_REFERRAL_N_SOURCES; s++)
    for (guint u = 0; u < KITH_REFERRAL_N_URGENCIES; u++)
      {
        g_autoptr(GDateTime) received = at (1 + s, 8 + u, 15);
        g_autofree char *reason = g_strdup_printf ("Reason %u/%u: falls at home, lives alone", s, u);
        g_autoptr(KithReferral) made = receive (f, patient_id, s, u, reason, received);
        g_autoptr(KithReferral) loaded = kith_referral_load (f->store, made->id, &error);
        g_autoptr(JsonObject) request = NULL;
        g_autoptr(JsonObject) task = NULL;
        g_autofree char *expected_received = kith_fhir_format_instant (received);
        g_autofree char *focus = NULL;
        JsonNode *source;

        g_assert_no_error (error);
        for (KithReferral *r = made; r != NULL; r = r == made ? loaded : NULL)
          {
            g_assert_cmpint (r->source, ==, s);
            g_assert_cmpint (r->urgency, ==, u);
            g_assert_cmpstr (r->reason, ==, reason);
            g_assert_cmpstr (r->referrer, ==, "Dr Asha Patel");
            g_assert_cmpstr (r->received, ==, expected_received);
            g_assert_cmpstr (r->patient_id, ==, patient_id);
            g_assert_cmpstr (r->person_name, ==, "SMITH, Margaret");
            g_assert_cmpint (r->state, ==, KITH_REFERRAL_WAITING);
            g_assert_null (r->triaged);
            g_assert_null (r->first_contact);
            g_assert_null (r->coordinator);
            g_assert_cmpstr (r->last_modified, ==, expected_received);
          }

        /* As COORDINATION.md has it */
        request = read_resource (f, "ServiceRequest", made->id);
        g_assert_cmpstr (kith_fhir_get_string (request, "status"), ==, "active");
        g_assert_cmpstr (kith_fhir_get_string (request, "intent"), ==, "order");
        g_assert_cmpstr (kith_fhir_get_string (request, "priority"), ==, kith_referral_urgency_to_code (u));
        g_assert_cmpstr (kith_fhir_get_string (request, "authoredOn"), ==, expected_received);
        g_assert_cmpstr (kith_fhir_resource_code (request), ==, "coordination");
        g_assert_cmpstr (kith_fhir_resource_patient (request), ==, patient_id);
        source = kith_fhir_get_extension (request, KITH_FHIR_SD "referral-source", "valueCode");
        g_assert_nonnull (source);
        g_assert_cmpstr (json_node_get_string (source), ==, kith_referral_source_to_code (s));
        task = read_resource (f, "Task", made->task_id);
        g_assert_cmpstr (kith_fhir_resource_code (task), ==, "referral-triage");
        g_assert_cmpstr (kith_fhir_get_string (task, "status"), ==, "requested");
        g_assert_cmpstr (kith_fhir_get_string (task, "intent"), ==, "order");
        g_assert_cmpstr (kith_fhir_resource_patient (task), ==, patient_id);
        focus = g_strconcat ("ServiceRequest/", made->id, NULL);
        g_assert_cmpstr (kith_fhir_get_string (kith_fhir_get_object (task, "focus"), "reference"), ==, focus);
        g_assert_cmpstr (kith_fhir_get_string (task, "authoredOn"), ==, expected_received);
        n++;
      }

  inbox = kith_store_list_referrals (f->store, KITH_REFERRAL_STATE_ALL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inbox->len, ==, n);

  /* Every source and urgency has words for a person */
  for (guint s = 0; s < KITH_REFERRAL_N_SOURCES; s++)
    {
      KithReferralSource back;

      g_assert_nonnull (kith_referral_source_to_label (s));
      g_assert_true (kith_referral_source_from_code (kith_referral_source_to_code (s), &back));
      g_assert_cmpint (back, ==, s);
    }
  for (guint u = 0; u < KITH_REFERRAL_N_URGENCIES; u++)
    g_assert_nonnull (kith_referral_urgency_to_label (u));
}

static void
test_states_with_timestamps (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *patient_id = add_person (f, "Jones", "Idris");
  g_autoptr(GDateTime) received = at (2, 9, 0);
  g_autoptr(GDateTime) asked = at (2, 10, 30);
  g_autoptr(GDateTime) answered = at (3, 14, 0);
  g_autoptr(GDateTime) accepted = at (3, 15, 0);
  g_autoptr(GDateTime) visited = at (4, 11, 0);
  g_autoptr(GDateTime) visited_again = at (9, 11, 0);
  g_autoptr(KithReferral) referral = receive (f, patient_id, KITH_REFERRAL_SOURCE_HOSPITAL, KITH_REFERRAL_URGENT,
                                              "Discharged after a fall; lives alone", received);
  g_autoptr(KithReferral) reloaded = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *t_received = kith_fhir_format_instant (received);
  g_autofree char *t_asked = kith_fhir_format_instant (asked);
  g_autofree char *t_answered = kith_fhir_format_instant (answered);
  g_autofree char *t_accepted = kith_fhir_format_instant (accepted);
  g_autofree char *t_visited = kith_fhir_format_instant (visited);
  g_autofree char *coordinator = NULL;
  static const char * const statuses[] = { "requested", "on-hold", "requested", "accepted", "completed" };
  const char *previous = NULL;

  /* requested → on-hold, saying what is needed */
  g_assert_true (kith_referral_request_info (f->store, referral, "  The discharge letter and medicines list  ",
                                             asked, &error));
  g_assert_no_error (error);
  g_assert_cmpint (referral->state, ==, KITH_REFERRAL_INFO_REQUESTED);
  g_assert_cmpstr (referral->state_reason, ==, "The discharge letter and medicines list");
  g_assert_cmpstr (referral->last_modified, ==, t_asked);
  g_assert_null (referral->triaged);    /* asking is not a decision */

  /* on-hold → requested when it comes */
  g_assert_true (kith_referral_info_received (f->store, referral, answered, &error));
  g_assert_no_error (error);
  g_assert_cmpint (referral->state, ==, KITH_REFERRAL_WAITING);
  g_assert_null (referral->state_reason);
  g_assert_cmpstr (referral->last_modified, ==, t_answered);
  g_assert_null (referral->triaged);

  /* requested → accepted, with the co-ordinator */
  g_assert_true (kith_referral_accept (f->store, referral, "Bethan Hughes (Community matron)", accepted, &error));
  g_assert_no_error (error);
  g_assert_cmpint (referral->state, ==, KITH_REFERRAL_ACCEPTED);
  g_assert_cmpstr (referral->coordinator, ==, "Bethan Hughes (Community matron)");
  g_assert_cmpstr (referral->triaged, ==, t_accepted);
  g_assert_cmpstr (referral->last_modified, ==, t_accepted);
  g_assert_null (referral->first_contact);

  /* The caseload shows them as the named co-ordinator */
  coordinator = dup_caseload_coordinator (f, patient_id);
  g_assert_cmpstr (coordinator, ==, "Bethan Hughes (Community matron)");

  /* A contact logged: first contact, and accepted → completed */
  g_assert_true (kith_referral_note_first_contact (f->store, patient_id, visited, &error));
  g_assert_no_error (error);
  reloaded = kith_referral_load (f->store, referral->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reloaded->state, ==, KITH_REFERRAL_COMPLETED);
  g_assert_cmpstr (reloaded->first_contact, ==, t_visited);
  g_assert_cmpstr (reloaded->last_modified, ==, t_visited);
  g_assert_cmpstr (reloaded->triaged, ==, t_accepted);
  g_assert_cmpstr (reloaded->coordinator, ==, "Bethan Hughes (Community matron)");

  /* Set once: another contact changes nothing */
  g_assert_true (kith_referral_note_first_contact (f->store, patient_id, visited_again, &error));
  g_assert_no_error (error);
  g_clear_pointer (&reloaded, kith_referral_free);
  reloaded = kith_referral_load (f->store, referral->id, &error);
  g_assert_cmpstr (reloaded->first_contact, ==, t_visited);
  g_assert_cmpstr (reloaded->last_modified, ==, t_visited);

  /* In order */
  assert_before (t_received, reloaded->triaged);
  assert_before (reloaded->triaged, reloaded->first_contact);

  /* Each change is a version of the Task, lastModified never going back */
  history = kith_store_list_history (f->store, "Task", referral->task_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, G_N_ELEMENTS (statuses));
  for (guint i = 0; i < history->len; i++)
    {
      const char *modified = kith_fhir_get_string (history->pdata[i], "lastModified");

      g_assert_cmpstr (kith_fhir_get_string (history->pdata[i], "status"), ==, statuses[i]);
      if (previous)
        assert_before (previous, modified);
      previous = modified;
    }
}

static void
test_decline_with_reason (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *patient_id = add_person (f, "Brown", "Alice");
  g_autoptr(GDateTime) received = at (5, 9, 0);
  g_autoptr(GDateTime) declined = at (5, 16, 45);
  g_autoptr(GDateTime) later = at (6, 9, 0);
  g_autoptr(KithReferral) referral = receive (f, patient_id, KITH_REFERRAL_SOURCE_FAMILY, KITH_REFERRAL_ROUTINE,
                                              "Her son worries about her memory", received);
  g_autoptr(KithReferral) again = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *t_declined = kith_fhir_format_instant (declined);
  guint versions;

  /* A reason is required */
  g_assert_false (kith_referral_decline (f->store, referral, "   ", declined, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID);
  g_test_message ("No reason: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (referral->state, ==, KITH_REFERRAL_WAITING);

  g_assert_true (kith_referral_decline (f->store, referral,
                                        "Already under the memory clinic; referred on to them", declined, &error));
  g_assert_no_error (error);
  g_assert_cmpint (referral->state, ==, KITH_REFERRAL_DECLINED);
  g_assert_cmpstr (referral->state_reason, ==, "Already under the memory clinic; referred on to them");
  g_assert_cmpstr (referral->triaged, ==, t_declined);
  g_assert_cmpstr (referral->last_modified, ==, t_declined);

  request = read_resource (f, "ServiceRequest", referral->id);
  g_assert_cmpstr (kith_fhir_get_string (request, "status"), ==, "revoked");
  task = read_resource (f, "Task", referral->task_id);
  g_assert_cmpstr (kith_fhir_get_string (task, "status"), ==, "rejected");
  g_assert_cmpstr (kith_fhir_get_string (kith_fhir_get_object (task, "statusReason"), "text"), ==,
                   "Already under the memory clinic; referred on to them");

  /* Declining again is refused, and nothing changes */
  versions = n_versions (f, "Task", referral->task_id);
  again = kith_referral_copy (referral);
  g_assert_false (kith_referral_decline (f->store, again, "Changed my mind", later, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE);
  g_test_message ("Declined twice: %s", error->message);
  g_assert_nonnull (strstr (error->message, "already declined"));
  g_clear_error (&error);
  g_assert_cmpuint (n_versions (f, "Task", referral->task_id), ==, versions);
  g_assert_cmpstr (again->state_reason, ==, "Already under the memory clinic; referred on to them");
  g_assert_cmpstr (again->triaged, ==, t_declined);
}

static void
test_illegal_transitions (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *patient_id = add_person (f, "Khan", "Yusuf");
  g_autoptr(GDateTime) received = at (7, 9, 0);
  g_autoptr(GDateTime) before = at (7, 8, 0);
  g_autoptr(GDateTime) decided = at (7, 12, 0);
  g_autoptr(GDateTime) later = at (8, 12, 0);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(KithReferral) declined = receive (f, patient_id, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ROUTINE,
                                              "Social isolation", received);
  g_autoptr(KithReferral) waiting = receive (f, patient_id, KITH_REFERRAL_SOURCE_SELF, KITH_REFERRAL_ROUTINE,
                                             "Needs help with shopping", received);
  g_autoptr(KithReferral) accepted = receive (f, patient_id, KITH_REFERRAL_SOURCE_SOCIAL_CARE, KITH_REFERRAL_URGENT,
                                              "Carer breakdown", received);
  g_autoptr(KithReferral) stale = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *t_tomorrow = kith_fhir_format_instant (tomorrow);
  guint versions;

  g_assert_true (kith_referral_decline (f->store, declined, "Not eligible", decided, &error));
  g_assert_no_error (error);
  g_assert_true (kith_referral_accept (f->store, accepted, "Tom Evans", decided, &error));
  g_assert_no_error (error);

  /* Accept a declined referral */
  versions = n_versions (f, "Task", declined->task_id);
  g_assert_false (kith_referral_accept (f->store, declined, "Tom Evans", later, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE);
  g_test_message ("Accept declined: %s", error->message);
  g_assert_nonnull (strstr (error->message, "cannot be accepted"));
  g_assert_nonnull (strstr (error->message, "declined"));
  g_clear_error (&error);
  g_assert_false (kith_referral_request_info (f->store, declined, "Anything", later, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE);
  g_clear_error (&error);
  g_assert_cmpuint (n_versions (f, "Task", declined->task_id), ==, versions);
  g_assert_cmpint (declined->state, ==, KITH_REFERRAL_DECLINED);

  /* Information arriving that was never asked for */
  g_assert_false (kith_referral_info_received (f->store, waiting, later, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE);
  g_test_message ("Info not asked for: %s", error->message);
  g_clear_error (&error);

  /* Decline, or ask about, an accepted referral; accept it twice */
  g_assert_false (kith_referral_decline (f->store, accepted, "Oops", later, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE);
  g_assert_nonnull (strstr (error->message, "already accepted"));
  g_clear_error (&error);
  g_assert_false (kith_referral_request_info (f->store, accepted, "More", later, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (kith_referral_accept (f->store, accepted, "Someone Else", later, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE);
  g_clear_error (&error);

  /* A stale copy is judged by the store, not by what it says */
  stale = kith_referral_copy (waiting);
  g_assert_true (kith_referral_decline (f->store, waiting, "Duplicate of another referral", decided, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stale->state, ==, KITH_REFERRAL_WAITING);
  g_assert_false (kith_referral_accept (f->store, stale, "Tom Evans", later, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE);
  g_clear_error (&error);

  /* Times out of order, or in the future; a co-ordinator is required */
  {
    g_autoptr(KithReferral) fresh = receive (f, patient_id, KITH_REFERRAL_SOURCE_VOLUNTARY, KITH_REFERRAL_ROUTINE,
                                             "Befriending service asks for a review", received);

    g_assert_false (kith_referral_accept (f->store, fresh, "Tom Evans", before, &error));
    g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID);
    g_test_message ("Before received: %s", error->message);
    g_clear_error (&error);
    g_assert_false (kith_referral_accept (f->store, fresh, "Tom Evans", tomorrow, &error));
    g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (kith_referral_accept (f->store, fresh, "  ", later, &error));
    g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_cmpuint (n_versions (f, "Task", fresh->task_id), ==, 1);

    /* Asked at noon: the answer cannot come before */
    g_assert_true (kith_referral_request_info (f->store, fresh, "GP summary", decided, &error));
    g_assert_no_error (error);
    g_assert_false (kith_referral_info_received (f->store, fresh, received, &error));
    g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID);
    g_clear_error (&error);

    /* Now (no time given) is always fine */
    g_assert_true (kith_referral_info_received (f->store, fresh, NULL, &error));
    g_assert_no_error (error);
    assert_before (fresh->last_modified, t_tomorrow);
  }
}

static void
test_inbox_order (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *a = add_person (f, "Adams", "Ann");
  g_autofree char *b = add_person (f, "Bell", "Bill");
  g_autoptr(GDateTime) t1 = at (10, 8, 0);
  g_autoptr(GDateTime) t2 = at (10, 9, 0);
  g_autoptr(GDateTime) t3 = at (10, 10, 0);
  g_autoptr(GDateTime) t4 = at (10, 11, 0);
  g_autoptr(GDateTime) decided = at (11, 9, 0);
  /* Made in an order that is none of the orders expected */
  g_autoptr(KithReferral) routine_new = receive (f, a, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ROUTINE, "routine new", t4);
  g_autoptr(KithReferral) urgent_new = receive (f, b, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_URGENT, "urgent new", t3);
  g_autoptr(KithReferral) declined = receive (f, a, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ASAP, "declined", t1);
  g_autoptr(KithReferral) routine_old = receive (f, b, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ROUTINE, "routine old", t1);
  g_autoptr(KithReferral) accepted = receive (f, a, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ASAP, "accepted", t2);
  g_autoptr(KithReferral) on_hold = receive (f, b, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ASAP, "on hold", t1);
  g_autoptr(KithReferral) asap = receive (f, a, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ASAP, "asap", t4);
  g_autoptr(KithReferral) urgent_old = receive (f, a, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_URGENT, "urgent old", t2);
  static const char * const everything[] = {
    "asap", "urgent old", "urgent new", "routine old", "routine new", "on hold", "accepted", "declined",
  };
  static const char * const waiting[] = { "asap", "urgent old", "urgent new", "routine old", "routine new" };
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) just_waiting = NULL;
  g_autoptr(GPtrArray) settled = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (kith_referral_decline (f->store, declined, "Out of area", decided, &error));
  g_assert_true (kith_referral_accept (f->store, accepted, "Tom Evans", decided, &error));
  g_assert_true (kith_referral_request_info (f->store, on_hold, "Consent", decided, &error));
  g_assert_no_error (error);

  all = kith_store_list_referrals (f->store, KITH_REFERRAL_STATE_ALL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, G_N_ELEMENTS (everything));
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (((KithReferral *) all->pdata[i])->reason, ==, everything[i]);

  just_waiting = kith_store_list_referrals (f->store, KITH_REFERRAL_WAITING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (just_waiting->len, ==, G_N_ELEMENTS (waiting));
  for (guint i = 0; i < just_waiting->len; i++)
    {
      KithReferral *r = just_waiting->pdata[i];

      g_assert_cmpstr (r->reason, ==, waiting[i]);
      g_assert_cmpstr (r->person_name, ==, r->patient_id && strcmp (r->patient_id, a) == 0 ? "ADAMS, Ann"
                                                                                             : "BELL, Bill");
    }

  settled = kith_store_list_referrals (f->store, KITH_REFERRAL_ACCEPTED | KITH_REFERRAL_DECLINED, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (settled->len, ==, 2);
  g_assert_cmpstr (((KithReferral *) settled->pdata[0])->reason, ==, "accepted");
  g_assert_cmpstr (((KithReferral *) settled->pdata[1])->reason, ==, "declined");
}

/* Received on day @day at 09:00; triaged @triage_hours later (0: not),
 * first contact @contact_hours later (0: none) */
static void
make_timed_referral (Fixture    *f,
                     const char *patient_id,
                     int         day,
                     int         triage_hours,
                     gboolean    accept,
                     int         contact_hours)
{
  g_autoptr(GDateTime) received = at (day, 9, 0);
  g_autoptr(KithReferral) referral = receive (f, patient_id, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ROUTINE,
                                              "Timed", received);
  g_autoptr(GError) error = NULL;

  if (triage_hours > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_add_hours (received, triage_hours);

      if (accept)
        g_assert_true (kith_referral_accept (f->store, referral, "Tom Evans", when, &error));
      else
        g_assert_true (kith_referral_decline (f->store, referral, "Not for us", when, &error));
      g_assert_no_error (error);
    }
  if (contact_hours > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_add_hours (received, contact_hours);

      g_assert_true (kith_referral_note_first_contact (f->store, patient_id, when, &error));
      g_assert_no_error (error);
    }
}

static void
test_times_report (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDateTime) from = at (1, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_new_utc (2026, 4, 1, 0, 0, 0);
  g_autoptr(GDateTime) february = g_date_time_new_utc (2026, 2, 1, 0, 0, 0);
  g_autoptr(GError) error = NULL;
  KithReferralTimes times;
  /* One person each, so that one contact is one referral's first */
  g_autofree char *p1 = add_person (f, "One", "A");
  g_autofree char *p2 = add_person (f, "Two", "B");
  g_autofree char *p3 = add_person (f, "Three", "C");
  g_autofree char *p4 = add_person (f, "Four", "D");
  g_autofree char *p5 = add_person (f, "Five", "E");
  g_autofree char *p6 = add_person (f, "Six", "F");

  /* Nothing yet: counts of 0, and no times */
  g_assert_true (kith_referral_times (f->store, from, to, &times, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (times.received, ==, 0);
  g_assert_true (isnan (times.median_hours_to_triage));
  g_assert_true (isnan (times.median_hours_to_contact));

  /* Triaged after 1, 2, 3 and 10 hours; contacted after 24, 48 and 72 */
  make_timed_referral (f, p1, 2, 1, TRUE, 24);
  make_timed_referral (f, p2, 3, 2, TRUE, 48);
  make_timed_referral (f, p3, 4, 3, TRUE, 72);
  make_timed_referral (f, p4, 5, 10, FALSE, 0);
  make_timed_referral (f, p5, 6, 0, FALSE, 0);    /* still waiting */
  /* Outside the month: not counted */
  {
    g_autoptr(GDateTime) received = g_date_time_new_utc (2026, 2, 20, 9, 0, 0);
    g_autoptr(GDateTime) triaged = g_date_time_add_hours (received, 100);
    g_autoptr(KithReferral) early = receive (f, p6, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ROUTINE, "Feb", received);

    g_assert_true (kith_referral_accept (f->store, early, "Tom Evans", triaged, &error));
    g_assert_no_error (error);
  }

  g_assert_true (kith_referral_times (f->store, from, to, &times, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (times.received, ==, 5);
  g_assert_cmpuint (times.waiting, ==, 1);
  g_assert_cmpuint (times.accepted, ==, 3);
  g_assert_cmpuint (times.declined, ==, 1);
  g_assert_cmpuint (times.triaged, ==, 4);
  g_assert_cmpuint (times.contacted, ==, 3);
  g_assert_cmpfloat_with_epsilon (times.median_hours_to_triage, 2.5, 1e-9);   /* (2 + 3) / 2 */
  g_assert_cmpfloat_with_epsilon (times.p90_hours_to_triage, 7.9, 1e-9);      /* 3 + 0.7 × 7 */
  g_assert_cmpfloat_with_epsilon (times.median_hours_to_contact, 48.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (times.p90_hours_to_contact, 67.2, 1e-9);    /* 48 + 0.8 × 24 */

  /* February alone */
  g_assert_true (kith_referral_times (f->store, february, from, &times, &error));
  g_assert_cmpuint (times.received, ==, 1);
  g_assert_cmpuint (times.triaged, ==, 1);
  g_assert_cmpfloat_with_epsilon (times.median_hours_to_triage, 100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (times.p90_hours_to_triage, 100.0, 1e-9);
  g_assert_cmpuint (times.contacted, ==, 0);

  /* Open-ended: everything */
  g_assert_true (kith_referral_times (f->store, NULL, NULL, &times, &error));
  g_assert_cmpuint (times.received, ==, 6);
}

static void
test_first_contact_before_acceptance (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *patient_id = add_person (f, "Evans", "Gwen");
  g_autoptr(GDateTime) older = at (12, 9, 0);
  g_autoptr(GDateTime) received = at (14, 9, 0);
  g_autoptr(GDateTime) call = at (14, 11, 0);
  g_autoptr(GDateTime) accepted = at (14, 15, 0);
  g_autoptr(GDateTime) visit = at (16, 10, 0);
  g_autoptr(GDateTime) before_all = at (11, 10, 0);
  g_autoptr(KithReferral) first = receive (f, patient_id, KITH_REFERRAL_SOURCE_GP, KITH_REFERRAL_ROUTINE,
                                           "First", older);
  g_autoptr(KithReferral) referral = receive (f, patient_id, KITH_REFERRAL_SOURCE_SELF, KITH_REFERRAL_URGENT,
                                              "Second", received);
  g_autoptr(KithReferral) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *t_call = kith_fhir_format_instant (call);
  g_autofree char *t_visit = kith_fhir_format_instant (visit);

  /* A contact before anything was received counts for nothing */
  g_assert_true (kith_referral_note_first_contact (f->store, patient_id, before_all, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_versions (f, "Task", first->task_id), ==, 1);

  g_assert_true (kith_referral_request_info (f->store, referral, "Who else is involved", received, &error));
  g_assert_no_error (error);
  /* A call while it waits: the first contact for both, but not the end */
  g_assert_true (kith_referral_note_first_contact (f->store, patient_id, call, &error));
  g_assert_no_error (error);
  reloaded = kith_referral_load (f->store, referral->id, &error);
  g_assert_cmpstr (reloaded->first_contact, ==, t_call);
  g_assert_cmpint (reloaded->state, ==, KITH_REFERRAL_INFO_REQUESTED);
  g_clear_pointer (&reloaded, kith_referral_free);
  reloaded = kith_referral_load (f->store, first->id, &error);
  g_assert_cmpstr (reloaded->first_contact, ==, t_call);
  g_assert_cmpint (reloaded->state, ==, KITH_REFERRAL_WAITING);

  /* Accepted straight from information requested, then visited */
  g_assert_true (kith_referral_accept (f->store, referral, "Tom Evans", accepted, &error));
  g_assert_no_error (error);
  g_assert_cmpint (referral->state, ==, KITH_REFERRAL_ACCEPTED);
  g_assert_true (kith_referral_note_first_contact (f->store, patient_id, visit, &error));
  g_assert_no_error (error);
  g_clear_pointer (&reloaded, kith_referral_free);
  reloaded = kith_referral_load (f->store, referral->id, &error);
  g_assert_cmpint (reloaded->state, ==, KITH_REFERRAL_COMPLETED);
  g_assert_cmpstr (reloaded->first_contact, ==, t_call);      /* still the first */
  g_assert_cmpstr (reloaded->last_modified, ==, t_visit);
}

static void
test_new_person (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *nhs = nhs_number_from ("401023213");
  g_autofree char *spaced = kith_nhs_number_format (nhs);
  g_autoptr(GDateTime) received = at (20, 13, 5);
  g_autoptr(KithReferral) referral = NULL;
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(GPtrArray) teams = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *coordinator = NULL;
  KithReferralIntake intake = {
    .family = " O'Brien ",
    .given = "Siobhán",
    .birth_date = "1941-06-30",
    .nhs_number = spaced,
    .source = KITH_REFERRAL_SOURCE_VOLUNTARY,
    .referrer = "Age UK, Mary Lewis",
    .reason = "Struggling at home since her husband died",
    .urgency = KITH_REFERRAL_URGENT,
    .received = received,
  };

  referral = kith_referral_receive (f->store, &intake, &error);
  g_assert_no_error (error);
  g_assert_nonnull (referral->patient_id);
  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, 1);
  patient = kith_store_load_patient (f->store, referral->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_patient_get_family (patient), ==, "O'Brien");
  g_assert_cmpstr (kith_patient_get_given (patient), ==, "Siobhán");
  g_assert_cmpstr (kith_patient_get_birth_date (patient), ==, "1941-06-30");
  g_assert_cmpstr (kith_patient_get_nhs_number (patient), ==, nhs);
  g_assert_cmpstr (referral->person_name, ==, "O'BRIEN, Siobhán");

  /* Accepted: a care team with the named co-ordinator is made */
  g_assert_true (kith_referral_accept (f->store, referral, "Priya Shah (Social worker)", NULL, &error));
  g_assert_no_error (error);
  teams = kith_store_list_for_patient (f->store, "CareTeam", referral->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (teams->len, ==, 1);
  g_assert_cmpstr (kith_fhir_get_string (teams->pdata[0], "status"), ==, "active");
  coordinator = dup_caseload_coordinator (f, referral->patient_id);
  g_assert_cmpstr (coordinator, ==, "Priya Shah (Social worker)");

  /* The same NHS number again as a "new" person: refused, nothing saved */
  intake.family = "Obrien";
  intake.nhs_number = nhs;
  g_assert_null (kith_referral_receive (f->store, &intake, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_DUPLICATE);
  /* Not logged: the message names the person and their NHS number. */
  g_assert_nonnull (strstr (error->message, "O'BRIEN, Siobhán"));
  g_clear_error (&error);
  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, 1);
  g_assert_cmpint (kith_store_count_resources (f->store, "ServiceRequest"), ==, 1);

  /* No NHS number is fine (a self-referral may not know it); a name is not */
  intake.nhs_number = NULL;
  intake.family = NULL;
  intake.given = "  ";
  g_assert_null (kith_referral_receive (f->store, &intake, &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_MISSING_NAME);
  g_clear_error (&error);
  intake.family = "Walker";
  g_clear_pointer (&referral, kith_referral_free);
  referral = kith_referral_receive (f->store, &intake, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, 2);
}

static void
test_existing_team_coordinator_replaced (Fixture       *f,
                                         gconstpointer  data)
{
  g_autofree char *patient_id = add_person (f, "Morgan", "Rhys");
  g_autoptr(JsonObject) team = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(KithReferral) referral = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *coordinator = NULL;
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"CareTeam\",\"id\":\"team-1\",\"status\":\"active\","
    "\"subject\":{\"reference\":\"Patient/%s\"},"
    "\"participant\":["
    "{\"role\":[{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/care-team-role\",\"code\":\"carer\"}]}],"
    " \"member\":{\"display\":\"Ffion Morgan\"}},"
    "{\"role\":[{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/care-team-role\",\"code\":\"coordinator\"}]}],"
    " \"member\":{\"reference\":\"Practitioner/p1\",\"display\":\"Old Coordinator\"}}]}",
    patient_id);
  JsonArray *participants;

  team = kith_fhir_parse_resource (json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (kith_store_save_resource (f->store, team, NULL, &error));
  g_assert_no_error (error);
  coordinator = dup_caseload_coordinator (f, patient_id);
  g_assert_cmpstr (coordinator, ==, "Old Coordinator");
  g_clear_pointer (&coordinator, g_free);

  referral = receive (f, patient_id, KITH_REFERRAL_SOURCE_HOSPITAL, KITH_REFERRAL_ROUTINE, "Review", NULL);
  g_assert_true (kith_referral_accept (f->store, referral, "New Coordinator", NULL, &error));
  g_assert_no_error (error);

  coordinator = dup_caseload_coordinator (f, patient_id);
  g_assert_cmpstr (coordinator, ==, "New Coordinator");
  saved = read_resource (f, "CareTeam", "team-1");
  participants = kith_fhir_get_array (saved, "participant");
  g_assert_cmpuint (json_array_get_length (participants), ==, 2);    /* the carer stays */
  g_assert_cmpstr (kith_fhir_get_string (kith_fhir_get_object (json_array_get_object_element (participants, 1),
                                                               "member"), "display"), ==, "Ffion Morgan");
  g_assert_cmpuint (kith_store_count_resources (f->store, "CareTeam"), ==, 1);
}

static void
test_wrong_nhs_number_refused (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *nhs = nhs_number_from ("943476591");
  g_autofree char *wrong = g_strdup (nhs);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) next_week = g_date_time_add_days (now, 7);
  KithReferralIntake intake = {
    .family = "Taylor",
    .given = "Joan",
    .birth_date = "1938-02-11",
    .source = KITH_REFERRAL_SOURCE_GP,
    .reason = "Frailty review",
    .urgency = KITH_REFERRAL_ROUTINE,
  };

  /* One digit mistyped: the check digit no longer matches */
  wrong[4] = wrong[4] == '9' ? '0' : wrong[4] + 1;
  intake.nhs_number = wrong;
  g_assert_null (kith_referral_receive (f->store, &intake, &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_NHS_NUMBER);
  g_test_message ("Wrong NHS number: %s", error->message);
  g_assert_nonnull (strstr (error->message, "NHS number"));
  g_assert_nonnull (strstr (error->message, "check digit"));
  g_clear_error (&error);

  intake.nhs_number = "943 476";
  g_assert_null (kith_referral_receive (f->store, &intake, &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_NHS_NUMBER);
  g_assert_nonnull (strstr (error->message, "10 digits"));
  g_clear_error (&error);

  /* Nor with no reason, or received next week, or for no one known */
  intake.nhs_number = nhs;
  intake.reason = " ";
  g_assert_null (kith_referral_receive (f->store, &intake, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID);
  g_clear_error (&error);
  intake.reason = "Frailty review";
  intake.received = next_week;
  g_assert_null (kith_referral_receive (f->store, &intake, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID);
  g_clear_error (&error);
  intake.received = NULL;
  intake.patient_id = "no-such-person";
  g_assert_null (kith_referral_receive (f->store, &intake, &error));
  g_assert_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  intake.patient_id = NULL;
  intake.birth_date = "1938-02-30";
  g_assert_null (kith_referral_receive (f->store, &intake, &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_BIRTH_DATE);
  g_clear_error (&error);

  /* Nothing at all was saved */
  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, 0);
  g_assert_cmpint (kith_store_count_resources (f->store, "ServiceRequest"), ==, 0);
  g_assert_cmpint (kith_store_count_resources (f->store, "Task"), ==, 0);
  g_assert_cmpint (kith_store_count_unsynced (f->store), ==, 0);

  /* With it right, it goes in */
  intake.birth_date = "1938-02-11";
  {
    g_autoptr(KithReferral) referral = kith_referral_receive (f->store, &intake, &error);

    g_assert_no_error (error);
    g_assert_nonnull (referral);
  }
  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/referral/sources-and-urgencies", test_sources_and_urgencies_kept);
  ADD ("/referral/states-with-timestamps", test_states_with_timestamps);
  ADD ("/referral/decline", test_decline_with_reason);
  ADD ("/referral/illegal-transitions", test_illegal_transitions);
  ADD ("/referral/inbox-order", test_inbox_order);
  ADD ("/referral/times-report", test_times_report);
  ADD ("/referral/first-contact-before-acceptance", test_first_contact_before_acceptance);
  ADD ("/referral/new-person", test_new_person);
  ADD ("/referral/existing-team", test_existing_team_coordinator_replaced);
  ADD ("/referral/wrong-nhs-number", test_wrong_nhs_number_refused);
#undef ADD

  return g_test_run ();
}
