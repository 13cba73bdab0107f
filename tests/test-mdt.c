/* test-mdt.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The MDT meeting on a real store: a demo caseload plus a team of known
 * people. The agenda's people, reasons and order, worked out again from
 * each person's records; no one twice; the team limit and the limit per
 * reason; reordering; attendance kept; an action agreed at the meeting in
 * the person's plan and in its owner's task list, done from there; a
 * finished meeting kept as it was; and the meeting's record as a PDF.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kith-core.h"

#define PEOPLE       300
#define TEAM         "Test locality team"
#define OTHER_TEAM   "North locality team"
#define MEETING_DAY  "2026-02-03"
#define CHAIR        "Dr Tunde Afolabi (GP)"
#define OWNER        "Bethan Hughes"

typedef struct
{
  char      *dir;
  KithStore *store;
  /* The known people */
  char      *ann;     /* referral, oldest */
  char      *bea;     /* referral, no team yet */
  char      *cal;     /* referral, another team */
  char      *dot;     /* safety alert */
  char      *eve;     /* safety alert and severe */
  char      *fay;     /* severe */
  char      *gus;     /* mild */
  char      *hal;     /* review due on the meeting day */
  char      *ian;     /* review due the day after */
  char      *jo;      /* review overdue */
  char      *kim;     /* safety alert, another team */
  char      *lee;     /* referral and severe */
} Fixture;

static Fixture shared;

/* --- making known records -------------------------------------------------- */

static void
save_json (KithStore  *store,
           const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) resource = kith_fhir_parse_resource (json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (kith_store_save_resource (store, resource, NULL, &error));
  g_assert_no_error (error);
}

static char *
known_person (KithStore  *store,
              const char *family,
              const char *given,
              const char *team)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();

  kith_patient_set_family (patient, family);
  kith_patient_set_given (patient, given);
  g_assert_true (kith_store_save_patient (store, patient, &error));
  g_assert_no_error (error);
  if (team)
    {
      g_autofree char *id = kith_fhir_new_id ();
      g_autofree char *json = g_strdup_printf (
        "{\"resourceType\":\"CareTeam\",\"id\":\"%s\",\"status\":\"active\","
        "\"subject\":{\"reference\":\"Patient/%s\"},\"managingOrganization\":[{\"display\":\"%s\"}],"
        "\"participant\":[{\"role\":[{\"coding\":[{\"system\":\"" KITH_FHIR_BASE "/CodeSystem/care-team-role\","
        "\"code\":\"coordinator\"}]}],\"member\":{\"display\":\"" OWNER " (Care co-ordinator)\"}}]}",
        id, kith_patient_get_id (patient), team);

      save_json (store, json);
    }
  return g_strdup (kith_patient_get_id (patient));
}

static void
add_referral (KithStore  *store,
              const char *patient_id,
              const char *received,
              const char *status)
{
  g_autofree char *id = kith_fhir_new_id ();
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Task\",\"id\":\"%s\",\"status\":\"%s\",\"intent\":\"order\","
    "\"code\":{\"coding\":[{\"system\":\"" KITH_FHIR_BASE "/CodeSystem/task-type\",\"code\":\"referral-triage\"}]},"
    "\"for\":{\"reference\":\"Patient/%s\"},\"authoredOn\":\"%s\"}",
    id, status, patient_id, received);

  save_json (store, json);
}

static void
add_alert (KithStore  *store,
           const char *patient_id)
{
  g_autofree char *id = kith_fhir_new_id ();
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Flag\",\"id\":\"%s\",\"status\":\"active\","
    "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/flag-category\","
    "\"code\":\"safety\"}]}],\"code\":{\"text\":\"Safety alert\"},"
    "\"subject\":{\"reference\":\"Patient/%s\"}}",
    id, patient_id);

  save_json (store, json);
}

static void
set_tier (KithStore  *store,
          const char *patient_id,
          const char *tier)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kith_risk_override_tier (store, patient_id, tier, "Two falls this month", "Dr Test", &error));
  g_assert_no_error (error);
}

static void
set_review (KithStore  *store,
            const char *patient_id,
            const char *date)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (store, patient_id, &error);

  g_assert_no_error (error);
  g_assert_true (kith_care_plan_set_review_date (plan, date, &error));
  g_assert_true (kith_care_plan_save (plan, store, "Tester", &error));
  g_assert_no_error (error);
}

static void
shared_fill (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("kith-mdt-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kith_demo_caseload_fill (f->store, PEOPLE, 11, &error));
  g_assert_no_error (error);
  /* Alerts for some of the demo's people, so every reason has someone. */
  {
    g_autoptr(KithCaseload) everyone = kith_caseload_new (f->store);

    for (guint i = 0; i < PEOPLE; i += 7)
      {
        g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);

        add_alert (f->store, kith_caseload_entry_get_id (entry));
      }
  }

  f->ann = known_person (f->store, "Quill", "Ann", TEAM);
  f->bea = known_person (f->store, "Quince", "Bea", NULL);
  f->cal = known_person (f->store, "Quarry", "Cal", OTHER_TEAM);
  f->dot = known_person (f->store, "Qadir", "Dot", TEAM);
  f->eve = known_person (f->store, "Qasim", "Eve", TEAM);
  f->fay = known_person (f->store, "Quayle", "Fay", TEAM);
  f->gus = known_person (f->store, "Quartz", "Gus", TEAM);
  f->hal = known_person (f->store, "Quentin", "Hal", TEAM);
  f->ian = known_person (f->store, "Quest", "Ian", TEAM);
  f->jo = known_person (f->store, "Quibble", "Jo", TEAM);
  f->kim = known_person (f->store, "Qadri", "Kim", OTHER_TEAM);
  f->lee = known_person (f->store, "Quasar", "Lee", TEAM);

  add_referral (f->store, f->bea, "2025-12-20T09:00:00.000Z", "requested");
  add_referral (f->store, f->ann, "2025-12-10T09:00:00.000Z", "requested");
  add_referral (f->store, f->cal, "2025-12-05T09:00:00.000Z", "requested");
  add_referral (f->store, f->lee, "2025-12-25T09:00:00.000Z", "requested");
  add_referral (f->store, f->fay, "2025-12-01T09:00:00.000Z", "accepted");   /* triaged: not new */
  add_alert (f->store, f->dot);
  add_alert (f->store, f->eve);
  add_alert (f->store, f->kim);
  set_tier (f->store, f->eve, "severe");
  set_tier (f->store, f->fay, "severe");
  set_tier (f->store, f->gus, "mild");
  set_tier (f->store, f->lee, "severe");
  set_review (f->store, f->hal, MEETING_DAY);
  set_review (f->store, f->ian, "2026-02-04");
  set_review (f->store, f->jo, "2026-01-15");
}

static void
shared_remove (Fixture *f)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->ann);
  g_free (f->bea);
  g_free (f->cal);
  g_free (f->dot);
  g_free (f->eve);
  g_free (f->fay);
  g_free (f->gus);
  g_free (f->hal);
  g_free (f->ian);
  g_free (f->jo);
  g_free (f->kim);
  g_free (f->lee);
}

/* --- the truth, from each person's records --------------------------------- */

/* The team of the person's active CareTeam, or NULL. */
static char *
team_of (KithStore  *store,
         const char *patient_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) teams = kith_store_list_for_patient (store, "CareTeam", patient_id, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < teams->len; i++)
    {
      JsonArray *organizations = kith_fhir_get_array (teams->pdata[i], "managingOrganization");

      if (g_strcmp0 (kith_fhir_get_string (teams->pdata[i], "status"), "active") != 0 ||
          organizations == NULL || json_array_get_length (organizations) == 0)
        continue;
      return g_strdup (kith_fhir_get_string (json_array_get_object_element (organizations, 0), "display"));
    }
  return NULL;
}

static gboolean
has_open_alert (KithStore  *store,
                const char *patient_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) flags = kith_store_list_for_patient (store, "Flag", patient_id, &error);

  for (guint i = 0; i < flags->len; i++)
    if (g_strcmp0 (kith_fhir_get_string (flags->pdata[i], "status"), "active") == 0 &&
        g_strcmp0 (kith_fhir_resource_code (flags->pdata[i]), "safety") == 0)
      return TRUE;
  return FALSE;
}

/* The tier that counts: a clinician's override, else the frailty band when
 * anything is recorded. */
static int
tier_of (KithStore  *store,
         const char *patient_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) risks = kith_store_list_for_patient (store, "RiskAssessment", patient_id, &error);
  g_autoptr(GPtrArray) conditions = kith_store_list_for_patient (store, "Condition", patient_id, &error);
  g_autoptr(GPtrArray) statements = kith_store_list_for_patient (store, "MedicationStatement", patient_id, &error);
  g_autoptr(GPtrArray) requests = kith_store_list_for_patient (store, "MedicationRequest", patient_id, &error);
  const char *override = kith_risk_find_override_tier (risks);

  if (override)
    {
      for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
        if (g_strcmp0 (override, kith_frailty_band_id (band)) == 0)
          return band;
      g_assert_not_reached ();
    }
  if (conditions->len + statements->len + requests->len > 0)
    {
      g_autoptr(KithFrailtyIndex) frailty = kith_frailty_compute (store, patient_id, &error);

      return frailty->band;
    }
  return -1;
}

/* The earliest review date of the person's plans still in use. */
static gboolean
review_due_by (KithStore  *store,
               const char *patient_id,
               const char *day)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plans = kith_store_list_for_patient (store, "CarePlan", patient_id, &error);

  for (guint i = 0; i < plans->len; i++)
    {
      g_autoptr(KithCarePlan) plan = kith_care_plan_new_from_json (plans->pdata[i], &error);
      const char *status = kith_fhir_get_string (plans->pdata[i], "status");
      const char *review;

      g_assert_no_error (error);
      if (g_strcmp0 (status, "active") != 0 && g_strcmp0 (status, "draft") != 0 && g_strcmp0 (status, "on-hold") != 0)
        continue;
      review = kith_care_plan_get_review_date (plan);
      if (review && strcmp (review, day) <= 0)
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  GPtrArray *ids;        /* the agenda, as the rules say it must be */
  GArray    *reasons;
  guint      left_off[KITH_AGENDA_N_REASONS];
} Expected;

static void
expected_clear (Expected *e)
{
  g_clear_pointer (&e->ids, g_ptr_array_unref);
  g_clear_pointer (&e->reasons, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Expected, expected_clear)

static int
compare_authored (gconstpointer a,
                  gconstpointer b)
{
  return g_strcmp0 (kith_fhir_get_string (*(JsonObject **) a, "authoredOn"),
                    kith_fhir_get_string (*(JsonObject **) b, "authoredOn"));
}

/* Everyone who qualifies for each reason, in agenda order; then the rules
 * applied: earlier reasons first, nobody twice, at most @max a reason. */
static void
work_out_agenda (Fixture    *f,
                 const char *team,
                 guint       min_tier,
                 guint       max,
                 Expected   *e)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCaseload) everyone = kith_caseload_new (f->store);
  GPtrArray *qualify[4];
  g_autoptr(GHashTable) on = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) tasks = kith_store_list_by_code (f->store, "Task", "referral-triage", "requested", &error);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (everyone));

  g_assert_no_error (error);
  e->ids = g_ptr_array_new_with_free_func (g_free);
  e->reasons = g_array_new (FALSE, FALSE, sizeof (KithAgendaReason));
  memset (e->left_off, 0, sizeof e->left_off);
  for (guint r = 0; r < 4; r++)
    qualify[r] = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_sort (tasks, compare_authored);
  for (guint i = 0; i < tasks->len; i++)
    {
      const char *id = kith_fhir_reference_id (kith_fhir_get_string (kith_fhir_get_object (tasks->pdata[i], "for"),
                                                                     "reference"), "Patient");
      g_autofree char *person_team = team_of (f->store, id);

      if ((person_team == NULL || g_ascii_strcasecmp (person_team, team) == 0) &&
          !g_ptr_array_find_with_equal_func (qualify[0], id, g_str_equal, NULL))
        g_ptr_array_add (qualify[0], g_strdup (id));
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);
      const char *id = kith_caseload_entry_get_id (entry);
      g_autofree char *person_team = team_of (f->store, id);

      if (person_team == NULL || g_ascii_strcasecmp (person_team, team) != 0)
        continue;
      if (has_open_alert (f->store, id))
        g_ptr_array_add (qualify[1], g_strdup (id));
      if (tier_of (f->store, id) >= (int) min_tier)
        g_ptr_array_add (qualify[2], g_strdup (id));
      if (review_due_by (f->store, id, MEETING_DAY))
        g_ptr_array_add (qualify[3], g_strdup (id));
    }

  {
    GPtrArray *left[4];

    for (guint r = 0; r < 4; r++)
      {
        guint added = 0;

        left[r] = g_ptr_array_new ();
        for (guint i = 0; i < qualify[r]->len; i++)
          {
            char *id = qualify[r]->pdata[i];

            if (g_hash_table_contains (on, id))
              continue;
            if (added == max)
              {
                g_ptr_array_add (left[r], id);
                continue;
              }
            g_hash_table_add (on, id);
            g_ptr_array_add (e->ids, g_strdup (id));
            g_array_append_val (e->reasons, r);
            added++;
          }
      }
    for (guint r = 0; r < 4; r++)
      for (guint i = 0; i < left[r]->len; i++)
        if (!g_hash_table_contains (on, left[r]->pdata[i]))
          e->left_off[r]++;
    for (guint r = 0; r < 4; r++)
      {
        g_ptr_array_unref (left[r]);
        g_ptr_array_unref (qualify[r]);
      }
  }
}

static void
assert_agenda (KithMeeting *meeting,
               Expected    *e)
{
  g_autoptr(GPtrArray) items = kith_meeting_list_agenda (meeting);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < MIN (items->len, e->ids->len); i++)
    {
      KithAgendaItem *item = items->pdata[i];

      if (g_strcmp0 (item->patient_id, e->ids->pdata[i]) != 0 ||
          item->reason != g_array_index (e->reasons, KithAgendaReason, i))
        g_error ("agenda item %u: %s (%s), expected %s (%s)", i, item->name,
                 kith_agenda_reason_to_code (item->reason), (char *) e->ids->pdata[i],
                 kith_agenda_reason_to_code (g_array_index (e->reasons, KithAgendaReason, i)));
      g_assert_true (g_hash_table_add (seen, item->patient_id));
      g_assert_nonnull (item->name);
      g_assert_false (item->discussed);
      g_assert_cmpuint (g_strv_length (item->actions), ==, 0);
    }
  g_assert_cmpuint (items->len, ==, e->ids->len);
  for (guint r = 0; r < 4; r++)
    g_assert_cmpuint (kith_meeting_get_left_off (meeting, r), ==, e->left_off[r]);
}

static int
position_of (KithMeeting *meeting,
             const char  *patient_id)
{
  return kith_meeting_find_person (meeting, patient_id);
}

/* --- tests ----------------------------------------------------------------- */

/* The known team: who is on it, why, in which order; who is not. */
static void
test_agenda_known_team (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithMeeting) meeting = kith_meeting_new (MEETING_DAY, TEAM, &error);
  g_auto(Expected) e = { NULL };
  g_autoptr(KithAgendaItem) item = NULL;

  g_assert_no_error (error);
  g_assert_true (kith_meeting_build_agenda (meeting, f->store, NULL, &error));
  g_assert_no_error (error);
  work_out_agenda (f, TEAM, KITH_FRAILTY_SEVERE, KITH_AGENDA_DEFAULT_MAX, &e);
  assert_agenda (meeting, &e);

  /* Referrals first, the longest waiting first; then alerts, high risk and
   * reviews due by the day. */
  g_assert_cmpint (position_of (meeting, f->ann), ==, 0);
  g_assert_cmpint (position_of (meeting, f->bea), ==, 1);   /* no team yet */
  g_assert_cmpint (position_of (meeting, f->lee), >, 1);    /* referral and severe: once, as a referral */
  item = kith_meeting_get_item (meeting, position_of (meeting, f->lee));
  g_assert_cmpint (item->reason, ==, KITH_AGENDA_NEW_REFERRAL);
  g_clear_pointer (&item, kith_agenda_item_free);
  item = kith_meeting_get_item (meeting, position_of (meeting, f->eve));
  g_assert_cmpint (item->reason, ==, KITH_AGENDA_SAFETY_ALERT);   /* alert and severe: once */
  g_clear_pointer (&item, kith_agenda_item_free);
  g_assert_cmpint (position_of (meeting, f->dot), <, position_of (meeting, f->fay));
  g_assert_cmpint (position_of (meeting, f->fay), <, position_of (meeting, f->hal));   /* due on the day */
  g_assert_cmpint (position_of (meeting, f->hal), <, position_of (meeting, f->jo));
  g_assert_cmpint (position_of (meeting, f->cal), ==, -1);   /* another team */
  g_assert_cmpint (position_of (meeting, f->kim), ==, -1);
  g_assert_cmpint (position_of (meeting, f->gus), ==, -1);   /* mild */
  g_assert_cmpint (position_of (meeting, f->ian), ==, -1);   /* due after the meeting */
  item = kith_meeting_get_item (meeting, 0);
  g_assert_cmpstr (item->name, ==, "QUILL, Ann");

  /* Built again: no one twice. */
  g_assert_true (kith_meeting_build_agenda (meeting, f->store, NULL, &error));
  assert_agenda (meeting, &e);
  g_assert_cmpuint (kith_meeting_get_status (meeting), ==, KITH_MEETING_PLANNED);

  /* A lower tier brings in the mild one, at the end. */
  {
    KithAgendaRules rules;

    kith_agenda_rules_init (&rules);
    rules.min_tier = KITH_FRAILTY_MILD;
    g_assert_true (kith_meeting_build_agenda (meeting, f->store, &rules, &error));
    g_assert_cmpuint (kith_meeting_get_n_items (meeting), ==, e.ids->len + 1 +
                      /* and anyone of the demo's in the team at moderate: none, it is our own team */ 0);
    g_assert_cmpint (position_of (meeting, f->gus), ==, (int) e.ids->len);
    rules.min_tier = 7;
    g_assert_false (kith_meeting_build_agenda (meeting, f->store, &rules, &error));
    g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID);
  }
}

/* A demo team, against the rules applied to every person's records. */
static void
test_agenda_demo_team (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithMeeting) meeting = kith_meeting_new (MEETING_DAY, OTHER_TEAM, &error);
  g_autoptr(KithMeeting) shouted = kith_meeting_new (MEETING_DAY, "  NORTH locality TEAM ", &error);
  g_auto(Expected) e = { NULL };
  guint counts[4] = { 0 };

  g_assert_true (kith_meeting_build_agenda (meeting, f->store, NULL, &error));
  g_assert_no_error (error);
  work_out_agenda (f, OTHER_TEAM, KITH_FRAILTY_SEVERE, KITH_AGENDA_DEFAULT_MAX, &e);
  assert_agenda (meeting, &e);
  for (guint i = 0; i < e.reasons->len; i++)
    counts[g_array_index (e.reasons, KithAgendaReason, i)]++;
  for (guint r = 0; r < 4; r++)
    g_test_message ("%s: %u on the agenda, %u left off", kith_agenda_reason_to_code (r), counts[r], e.left_off[r]);
  /* The demo gives alerts, tiers and reviews in this team. */
  g_assert_cmpuint (counts[KITH_AGENDA_SAFETY_ALERT], >, 0);
  g_assert_cmpuint (counts[KITH_AGENDA_HIGH_RISK] + counts[KITH_AGENDA_REVIEW_DUE], >, 0);
  g_assert_cmpint (position_of (meeting, f->cal), >=, 0);   /* their referral */
  g_assert_cmpint (position_of (meeting, f->kim), >=, 0);
  g_assert_cmpint (position_of (meeting, f->ann), ==, -1);

  /* The team's name in another case and with spaces is the same team. */
  g_assert_true (kith_meeting_build_agenda (shouted, f->store, NULL, &error));
  g_assert_cmpuint (kith_meeting_get_n_items (shouted), ==, kith_meeting_get_n_items (meeting));
}

/* At most so many a reason; the rest counted, unless on for another. */
static void
test_agenda_limit (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithMeeting) meeting = kith_meeting_new (MEETING_DAY, TEAM, &error);
  g_auto(Expected) e = { NULL };
  KithAgendaRules rules;

  kith_agenda_rules_init (&rules);
  rules.max_per_reason = 1;
  g_assert_true (kith_meeting_build_agenda (meeting, f->store, &rules, &error));
  g_assert_no_error (error);
  work_out_agenda (f, TEAM, KITH_FRAILTY_SEVERE, 1, &e);
  assert_agenda (meeting, &e);
  /* Ann (referral), Dot (alert), Eve (severe: her alert was past the
   * limit) and Hal (due on the day). */
  g_assert_cmpint (position_of (meeting, f->ann), ==, 0);
  g_assert_cmpint (position_of (meeting, f->dot), ==, 1);
  g_assert_cmpint (position_of (meeting, f->eve), ==, 2);
  g_assert_cmpint (position_of (meeting, f->hal), ==, 3);
  g_assert_cmpuint (kith_meeting_get_n_items (meeting), ==, 4);
  g_assert_cmpuint (kith_meeting_get_left_off (meeting, KITH_AGENDA_SAFETY_ALERT), ==, 0);
  g_assert_cmpuint (kith_meeting_get_left_off (meeting, KITH_AGENDA_HIGH_RISK), ==, 2);   /* Fay, Lee */
  g_assert_cmpuint (kith_meeting_get_left_off (meeting, KITH_AGENDA_REVIEW_DUE), ==, 1);  /* Jo */
  g_assert_cmpuint (kith_meeting_get_left_off (meeting, KITH_AGENDA_NEW_REFERRAL), >=, 2); /* Bea, Lee */
}

/* Moved, added by hand, removed; the order is what is saved. */
static void
test_reorder (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithMeeting) meeting = kith_meeting_new (MEETING_DAY, TEAM, &error);
  g_autoptr(KithMeeting) loaded = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(KithAgendaItem) added = NULL;
  guint n;

  g_assert_true (kith_meeting_build_agenda (meeting, f->store, NULL, &error));
  before = kith_meeting_list_agenda (meeting);
  n = before->len;
  g_assert_cmpuint (n, >=, 4);

  /* The last to the top, the first to the end, one down. */
  g_assert_true (kith_meeting_move_item (meeting, n - 1, 0, &error));
  g_assert_true (kith_meeting_move_item (meeting, 1, n - 1, &error));
  g_assert_true (kith_meeting_move_item (meeting, 1, 2, &error));
  g_assert_true (kith_meeting_move_item (meeting, 2, 2, &error));
  g_assert_no_error (error);
  after = kith_meeting_list_agenda (meeting);
  g_assert_cmpuint (after->len, ==, n);
  g_assert_cmpstr (((KithAgendaItem *) after->pdata[0])->patient_id, ==, ((KithAgendaItem *) before->pdata[n - 1])->patient_id);
  g_assert_cmpstr (((KithAgendaItem *) after->pdata[n - 1])->patient_id, ==, ((KithAgendaItem *) before->pdata[0])->patient_id);
  g_assert_cmpstr (((KithAgendaItem *) after->pdata[1])->patient_id, ==, ((KithAgendaItem *) before->pdata[2])->patient_id);
  g_assert_cmpstr (((KithAgendaItem *) after->pdata[2])->patient_id, ==, ((KithAgendaItem *) before->pdata[1])->patient_id);
  for (guint i = 3; i + 1 < n; i++)
    g_assert_cmpstr (((KithAgendaItem *) after->pdata[i])->patient_id, ==, ((KithAgendaItem *) before->pdata[i])->patient_id);
  /* Reasons travel with their people. */
  g_assert_cmpint (((KithAgendaItem *) after->pdata[0])->reason, ==, ((KithAgendaItem *) before->pdata[n - 1])->reason);

  g_assert_false (kith_meeting_move_item (meeting, n, 0, &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* By hand: at the end, once. */
  g_assert_true (kith_meeting_add_person (meeting, f->store, f->ian, &error));
  g_assert_no_error (error);
  added = kith_meeting_get_item (meeting, n);
  g_assert_cmpstr (added->patient_id, ==, f->ian);
  g_assert_cmpint (added->reason, ==, KITH_AGENDA_ADDED);
  g_assert_false (kith_meeting_add_person (meeting, f->store, f->ian, &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (kith_meeting_add_person (meeting, f->store, "no-such-person", &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Building again keeps everyone where they are. */
  g_assert_true (kith_meeting_build_agenda (meeting, f->store, NULL, &error));
  g_assert_cmpuint (kith_meeting_get_n_items (meeting), ==, n + 1);
  g_assert_cmpint (position_of (meeting, f->ian), ==, (int) n);
  g_assert_cmpint (position_of (meeting, ((KithAgendaItem *) before->pdata[n - 1])->patient_id), ==, 0);

  g_assert_true (kith_meeting_remove_item (meeting, 0, &error));
  g_assert_cmpuint (kith_meeting_get_n_items (meeting), ==, n);

  /* Saved and read back in the same order. */
  g_assert_true (kith_meeting_save (meeting, f->store, &error));
  g_assert_no_error (error);
  g_assert_false (kith_meeting_has_changes (meeting));
  loaded = kith_meeting_load (f->store, kith_meeting_get_id (meeting), &error);
  g_assert_no_error (error);
  g_clear_pointer (&after, g_ptr_array_unref);
  g_clear_pointer (&before, g_ptr_array_unref);
  before = kith_meeting_list_agenda (meeting);
  after = kith_meeting_list_agenda (loaded);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (((KithAgendaItem *) after->pdata[i])->patient_id, ==, ((KithAgendaItem *) before->pdata[i])->patient_id);
}

/* Who attended and who sent apologies, the chair, kept; meetings listed
 * the latest first. */
static void
test_attendance (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithMeeting) meeting = kith_meeting_new ("2026-03-03", TEAM, &error);
  g_autoptr(KithMeeting) earlier = kith_meeting_new ("2026-01-06", TEAM, &error);
  g_autoptr(KithMeeting) loaded = NULL;
  g_autoptr(GPtrArray) attendees = NULL;
  g_autoptr(GPtrArray) meetings = NULL;
  JsonObject *json;

  g_assert_null (kith_meeting_new ("2026-02-30", TEAM, &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kith_meeting_new (MEETING_DAY, "  ", &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (kith_meeting_set_chair (meeting, CHAIR, &error));
  g_assert_true (kith_meeting_add_attendee (meeting, "Nurse Ama Owusu (District nurse)", &error));
  g_assert_true (kith_meeting_add_attendee (meeting, "Sam Reid (Social worker)", &error));
  g_assert_true (kith_meeting_add_attendee (meeting, OWNER, &error));
  g_assert_no_error (error);
  g_assert_false (kith_meeting_add_attendee (meeting, " sam reid (social WORKER) ", &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (kith_meeting_add_attendee (meeting, "", &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (kith_meeting_get_status (meeting), ==, KITH_MEETING_PLANNED);
  g_assert_true (kith_meeting_set_attended (meeting, "Nurse Ama Owusu (District nurse)", TRUE, &error));
  g_assert_true (kith_meeting_set_attended (meeting, OWNER, TRUE, &error));
  g_assert_true (kith_meeting_set_attended (meeting, OWNER, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (kith_meeting_set_attended (meeting, "Nobody", TRUE, &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (kith_meeting_get_status (meeting), ==, KITH_MEETING_IN_PROGRESS);
  g_assert_true (kith_meeting_save (meeting, f->store, &error));
  g_assert_true (kith_meeting_save (earlier, f->store, &error));
  g_assert_no_error (error);

  loaded = kith_meeting_load (f->store, kith_meeting_get_id (meeting), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_meeting_get_date (loaded), ==, "2026-03-03");
  g_assert_cmpstr (kith_meeting_get_team (loaded), ==, TEAM);
  g_assert_cmpstr (kith_meeting_get_chair (loaded), ==, CHAIR);
  attendees = kith_meeting_list_attendees (loaded);
  g_assert_cmpuint (attendees->len, ==, 4);
  {
    KithAttendee *chair = attendees->pdata[0], *nurse = attendees->pdata[1];
    KithAttendee *social = attendees->pdata[2], *owner = attendees->pdata[3];

    g_assert_cmpstr (chair->name, ==, CHAIR);
    g_assert_true (chair->attended && chair->chair);
    g_assert_cmpstr (nurse->name, ==, "Nurse Ama Owusu (District nurse)");
    g_assert_true (nurse->attended && !nurse->chair);
    g_assert_false (social->attended);
    g_assert_cmpstr (owner->name, ==, OWNER);
    g_assert_false (owner->attended);
  }
  /* As COORDINATION.md says */
  json = kith_meeting_get_json (loaded);
  g_assert_cmpstr (kith_fhir_get_string (json, "resourceType"), ==, "Encounter");
  g_assert_cmpstr (kith_fhir_resource_code (json), ==, "mdt-meeting");
  g_assert_cmpstr (kith_fhir_get_string (json, "status"), ==, "in-progress");
  g_assert_cmpstr (kith_fhir_get_string (kith_fhir_get_object (json, "serviceProvider"), "display"), ==, TEAM);
  g_assert_null (kith_fhir_resource_patient (json));

  g_assert_true (kith_meeting_remove_attendee (loaded, "Sam Reid (Social worker)", &error));
  g_clear_pointer (&attendees, g_ptr_array_unref);
  attendees = kith_meeting_list_attendees (loaded);
  g_assert_cmpuint (attendees->len, ==, 3);

  /* A damaged meeting (no date) from elsewhere: refused with a reason,
   * and the list still shows the others. */
  save_json (f->store, "{\"resourceType\":\"Encounter\",\"id\":\"damaged-meeting\",\"status\":\"planned\","
                       "\"type\":[{\"coding\":[{\"system\":\"" KITH_FHIR_BASE "/CodeSystem/contact-type\","
                       "\"code\":\"mdt-meeting\"}]}],\"serviceProvider\":{\"display\":\"" TEAM "\"}}");
  g_assert_null (kith_meeting_load (f->store, "damaged-meeting", &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID);
  g_clear_error (&error);

  meetings = kith_meeting_list (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < meetings->len; i++)
    g_assert_cmpstr (kith_meeting_get_id (meetings->pdata[i]), !=, "damaged-meeting");
  g_assert_cmpuint (meetings->len, >=, 2);
  for (guint i = 1; i < meetings->len; i++)
    g_assert_cmpint (strcmp (kith_meeting_get_date (meetings->pdata[i - 1]),
                             kith_meeting_get_date (meetings->pdata[i])), >=, 0);
  g_assert_cmpstr (kith_meeting_get_date (meetings->pdata[0]), ==, "2026-03-03");
}

static KithAction *
find_action (GPtrArray  *actions,
             const char *id)
{
  for (guint i = 0; i < actions->len; i++)
    if (g_strcmp0 (((KithAction *) actions->pdata[i])->id, id) == 0)
      return actions->pdata[i];
  return NULL;
}

static KithTask *
find_task (GPtrArray  *tasks,
           const char *action_id)
{
  for (guint i = 0; i < tasks->len; i++)
    if (g_strcmp0 (((KithTask *) tasks->pdata[i])->action_id, action_id) == 0)
      return tasks->pdata[i];
  return NULL;
}

/* MDT actions appear in the plan and in the owner's task list; done from
 * the task list, they are done in the plan. */
static void
test_actions (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithMeeting) meeting = kith_meeting_new (MEETING_DAY, TEAM, &error);
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(KithCarePlan) new_plan = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(KithAgendaItem) item = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *ref2 = NULL;
  g_autofree char *plan_before = NULL;
  g_autofree char *meeting_before = NULL;
  const char *action_id;
  KithAction *action;
  KithTask *task;
  JsonNode *from;
  GDate today;
  int hal, dot;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, G_DATE_MARCH, 2026);
  g_assert_true (kith_meeting_set_chair (meeting, CHAIR, &error));
  g_assert_true (kith_meeting_build_agenda (meeting, f->store, NULL, &error));
  g_assert_true (kith_meeting_save (meeting, f->store, &error));
  g_assert_no_error (error);
  hal = position_of (meeting, f->hal);
  dot = position_of (meeting, f->dot);
  g_assert_cmpint (hal, >=, 0);
  g_assert_cmpint (dot, >=, 0);

  /* Bad input: nothing saved anywhere. */
  plan = kith_care_plan_load_current (f->store, f->hal, &error);
  plan_before = g_strdup (kith_care_plan_get_version (plan));
  meeting_before = g_strdup (kith_fhir_get_version_id (kith_meeting_get_json (meeting)));
  g_assert_null (kith_meeting_add_action (meeting, f->store, hal, "Falls clinic referral", " ", "2026-02-17", &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kith_meeting_add_action (meeting, f->store, hal, "Falls clinic referral", OWNER, "17/02/2026", &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kith_meeting_add_action (meeting, f->store, hal, "  ", OWNER, "2026-02-17", &error));
  g_assert_error (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kith_meeting_add_action (meeting, f->store, 9999, "Falls clinic referral", OWNER, NULL, &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&plan);
  plan = kith_care_plan_load_current (f->store, f->hal, &error);
  g_assert_cmpstr (kith_care_plan_get_version (plan), ==, plan_before);
  g_assert_cmpstr (kith_fhir_get_version_id (kith_meeting_get_json (meeting)), ==, meeting_before);
  g_assert_false (kith_meeting_has_changes (meeting));
  item = kith_meeting_get_item (meeting, hal);
  g_assert_false (item->discussed);
  g_clear_pointer (&item, kith_agenda_item_free);

  /* Hal has a plan: the action goes into it. */
  ref = kith_meeting_add_action (meeting, f->store, hal, "Refer to the falls clinic", OWNER " (Care co-ordinator)",
                                 "2026-02-17", &error);
  g_assert_no_error (error);
  g_assert_nonnull (ref);
  g_clear_object (&plan);
  plan = kith_care_plan_load_current (f->store, f->hal, &error);
  g_assert_true (g_str_has_prefix (ref, "CarePlan/"));
  g_assert_true (g_str_has_prefix (ref + strlen ("CarePlan/"), kith_care_plan_get_id (plan)));
  action_id = strchr (ref, '#') + 1;
  actions = kith_care_plan_list_actions (plan);
  action = find_action (actions, action_id);
  g_assert_nonnull (action);
  g_assert_cmpstr (action->text, ==, "Refer to the falls clinic");
  g_assert_cmpstr (action->owner, ==, OWNER " (Care co-ordinator)");
  g_assert_cmpstr (action->due, ==, "2026-02-17");
  g_assert_cmpint (action->status, ==, KITH_ACTION_NOT_STARTED);
  g_assert_cmpint (action->owner_kind, ==, KITH_OWNER_PROFESSIONAL);
  g_assert_cmpstr (kith_care_plan_get_last_edited_by (plan), ==, CHAIR);
  {
    JsonArray *contained = kith_fhir_get_array (kith_care_plan_get_json (plan), "contained");
    g_autofree char *expected = g_strconcat ("Encounter/", kith_meeting_get_id (meeting), NULL);

    from = NULL;
    for (guint i = 0; i < json_array_get_length (contained); i++)
      if (g_strcmp0 (kith_fhir_get_string (json_array_get_object_element (contained, i), "id"), action_id) == 0)
        from = kith_fhir_get_extension (json_array_get_object_element (contained, i), KITH_FHIR_SD "from-meeting",
                                        "valueString");
    g_assert_nonnull (from);
    g_assert_cmpstr (json_node_get_string (from), ==, expected);
  }
  /* On the agenda item, and saved with it. */
  item = kith_meeting_get_item (meeting, hal);
  g_assert_true (item->discussed);
  g_assert_cmpuint (g_strv_length (item->actions), ==, 1);
  g_assert_cmpstr (item->actions[0], ==, ref);
  g_clear_pointer (&item, kith_agenda_item_free);
  g_assert_false (kith_meeting_has_changes (meeting));
  g_assert_cmpuint (kith_meeting_get_status (meeting), ==, KITH_MEETING_IN_PROGRESS);
  {
    g_autoptr(KithMeeting) loaded = kith_meeting_load (f->store, kith_meeting_get_id (meeting), &error);
    g_autoptr(KithAgendaItem) saved = kith_meeting_get_item (loaded, hal);
    g_autoptr(GPtrArray) listed = kith_meeting_list_item_actions (loaded, f->store, hal, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (saved->actions[0], ==, ref);
    g_assert_cmpuint (listed->len, ==, 1);
    g_assert_cmpstr (((KithAction *) listed->pdata[0])->text, ==, "Refer to the falls clinic");
  }

  /* Dot has no plan: she gets a draft one with the action. */
  g_assert_null (kith_care_plan_load_current (f->store, f->dot, &error));
  g_assert_no_error (error);
  ref2 = kith_meeting_add_action (meeting, f->store, dot, "Ask the GP to review her medicines", OWNER, NULL, &error);
  g_assert_no_error (error);
  new_plan = kith_care_plan_load_current (f->store, f->dot, &error);
  g_assert_nonnull (new_plan);
  g_assert_cmpint (kith_care_plan_get_state (new_plan), ==, KITH_PLAN_DRAFT);
  {
    g_autoptr(GPtrArray) dot_actions = kith_care_plan_list_actions (new_plan);

    g_assert_cmpuint (dot_actions->len, ==, 1);
    g_assert_null (((KithAction *) dot_actions->pdata[0])->due);
  }

  /* In the owner's task list, whatever case they write their name in. */
  tasks = kith_store_list_tasks (f->store, "bethan HUGHES", &today, &error);
  g_assert_no_error (error);
  task = find_task (tasks, action_id);
  g_assert_nonnull (task);
  g_assert_cmpstr (task->patient_id, ==, f->hal);
  g_assert_cmpstr (task->person_name, ==, "QUENTIN, Hal");
  g_assert_cmpstr (task->text, ==, "Refer to the falls clinic");
  g_assert_cmpstr (task->due, ==, "2026-02-17");
  g_assert_true (task->overdue);
  g_assert_cmpstr (task->meeting_id, ==, kith_meeting_get_id (meeting));
  g_assert_nonnull (find_task (tasks, strchr (ref2, '#') + 1));
  /* Overdue first */
  g_assert_true (((KithTask *) tasks->pdata[0])->overdue);
  {
    g_autoptr(GPtrArray) others = kith_store_list_tasks (f->store, "Sam Reid", &today, &error);

    g_assert_null (find_task (others, action_id));
  }

  /* Done from the list: done in the plan, gone from the list. */
  g_assert_true (kith_task_complete (f->store, task, OWNER, &error));
  g_assert_no_error (error);
  g_clear_object (&plan);
  plan = kith_care_plan_load_current (f->store, f->hal, &error);
  g_clear_pointer (&actions, g_ptr_array_unref);
  actions = kith_care_plan_list_actions (plan);
  g_assert_cmpint (find_action (actions, action_id)->status, ==, KITH_ACTION_DONE);
  g_clear_pointer (&tasks, g_ptr_array_unref);
  tasks = kith_store_list_tasks (f->store, OWNER, &today, &error);
  g_assert_null (find_task (tasks, action_id));
  g_assert_nonnull (find_task (tasks, strchr (ref2, '#') + 1));
}

/* A finished meeting is kept as it was. */
static void
test_finish (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithMeeting) meeting = kith_meeting_new (MEETING_DAY, TEAM, &error);
  g_autoptr(KithMeeting) loaded = NULL;

  g_assert_true (kith_meeting_build_agenda (meeting, f->store, NULL, &error));
  g_assert_true (kith_meeting_set_note (meeting, 0, "  Seen by the GP last week; family worried. ", &error));
  g_assert_no_error (error);
  {
    g_autoptr(KithAgendaItem) item = kith_meeting_get_item (meeting, 0);

    g_assert_cmpstr (item->note, ==, "Seen by the GP last week; family worried.");
    g_assert_true (item->discussed);
  }
  g_assert_true (kith_meeting_finish (meeting, f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kith_meeting_get_status (meeting), ==, KITH_MEETING_FINISHED);

  g_assert_false (kith_meeting_set_note (meeting, 0, "Changed afterwards", &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_FINISHED);
  g_clear_error (&error);
  g_assert_null (kith_meeting_add_action (meeting, f->store, 0, "Late", OWNER, NULL, &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_FINISHED);
  g_clear_error (&error);
  g_assert_false (kith_meeting_move_item (meeting, 0, 1, &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_FINISHED);
  g_clear_error (&error);
  g_assert_false (kith_meeting_build_agenda (meeting, f->store, NULL, &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_FINISHED);
  g_clear_error (&error);
  g_assert_false (kith_meeting_finish (meeting, f->store, &error));
  g_clear_error (&error);

  loaded = kith_meeting_load (f->store, kith_meeting_get_id (meeting), &error);
  g_assert_cmpuint (kith_meeting_get_status (loaded), ==, KITH_MEETING_FINISHED);
  g_assert_cmpstr (kith_fhir_get_string (kith_meeting_get_json (loaded), "status"), ==, "finished");

  g_assert_null (kith_meeting_load (f->store, "no-such-meeting", &error));
  g_assert_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND);
}

static char *
pdf_text (const char *path,
          guint       page)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = g_strdup_printf ("%u", page);
  const char *argv[] = { "pdftotext", "-f", first, "-l", first, "-enc", "UTF-8", path, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
}

static guint
count_of (const char *haystack,
          const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* The record of a long meeting: every page numbered, everyone discussed
 * once with their note and actions, as many pages as the content needs. */
static void
test_document (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithMeeting) meeting = kith_meeting_new (MEETING_DAY, OTHER_TEAM, &error);
  g_autoptr(KithMeeting) short_one = kith_meeting_new (MEETING_DAY, TEAM, &error);
  g_autoptr(KithMeetingDocument) document = NULL;
  g_autoptr(GString) all = g_string_new (NULL);
  g_autofree char *path = g_build_filename (f->dir, "meeting.pdf", NULL);
  g_autofree char *short_path = g_build_filename (f->dir, "short.pdf", NULL);
  g_autofree char *beyond = NULL;
  GStatBuf st;
  guint n_items, n_pages, n_discussed = 0;

  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

  if (pdftotext == NULL)
    {
      g_test_skip ("pdftotext is not installed (Debian package poppler-utils)");
      return;
    }
  g_assert_true (kith_meeting_set_chair (meeting, CHAIR, &error));
  g_assert_true (kith_meeting_add_attendee (meeting, "Sam Reid (Social worker)", &error));
  g_assert_true (kith_meeting_build_agenda (meeting, f->store, NULL, &error));
  g_assert_no_error (error);
  n_items = kith_meeting_get_n_items (meeting);
  g_assert_cmpuint (n_items, >=, 20);
  /* All but the last discussed, each with a note; every other one with two actions. */
  for (guint i = 0; i + 1 < n_items; i++)
    {
      g_autofree char *note = g_strdup_printf ("Discussion %u: lives alone, daughter visits at weekends; "
                                               "two falls since the last review, one at night.", i);

      g_assert_true (kith_meeting_set_note (meeting, i, note, &error));
      if (i % 2 == 0)
        {
          g_autofree char *a = g_strdup_printf ("Action %u-A: home visit with the occupational therapist", i);
          g_autofree char *b = g_strdup_printf ("Action %u-B: medicines review", i);
          g_autofree char *ref_a = kith_meeting_add_action (meeting, f->store, i, a, OWNER, "2026-02-20", &error);
          g_autofree char *ref_b = kith_meeting_add_action (meeting, f->store, i, b, "Dr Asha Rao (GP)", NULL, &error);

          g_assert_no_error (error);
        }
      n_discussed++;
    }
  g_assert_true (kith_meeting_save (meeting, f->store, &error));
  g_assert_true (kith_meeting_document_export_pdf (meeting, f->store, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  document = kith_meeting_document_new (meeting, f->store, "2026-02-03", 595.28, 841.89, &error);
  g_assert_no_error (error);
  n_pages = kith_meeting_document_get_n_pages (document);
  /* About 4 lines a person and 3 more for actions: 20 people or more
   * need several pages, and not one a person. */
  g_test_message ("%u people, %u pages", n_items, n_pages);
  g_assert_cmpuint (n_pages, >=, 3);
  g_assert_cmpuint (n_pages, <, n_items / 2);
  for (guint page = 1; page <= n_pages; page++)
    {
      g_autofree char *text = pdf_text (path, page);
      g_autofree char *footer = g_strdup_printf ("Page %u of %u", page, n_pages);

      g_assert_nonnull (text);
      g_assert_nonnull (strstr (text, footer));
      g_assert_nonnull (strstr (text, OTHER_TEAM));
      g_string_append (all, text);
    }
  beyond = pdf_text (path, n_pages + 1);
  g_assert_true (beyond == NULL || *g_strstrip (beyond) == '\0');

  g_assert_nonnull (strstr (all->str, "3 February 2026"));
  g_assert_nonnull (strstr (all->str, "Attended: " CHAIR " (chair)"));
  g_assert_nonnull (strstr (all->str, "Apologies: Sam Reid (Social worker)"));
  for (guint i = 0; i + 1 < n_items; i++)
    {
      g_autoptr(KithAgendaItem) item = kith_meeting_get_item (meeting, i);
      g_autofree char *note = g_strdup_printf ("Discussion %u:", i);
      g_autofree char *heading = g_strdup_printf ("%u. %s", i + 1, item->name);

      g_assert_cmpuint (count_of (all->str, heading), ==, 1);
      g_assert_cmpuint (count_of (all->str, note), ==, 1);
      if (i % 2 == 0)
        {
          g_autofree char *a = g_strdup_printf ("Action %u-A", i);

          g_assert_cmpuint (count_of (all->str, a), ==, 1);
        }
    }
  g_assert_nonnull (strstr (all->str, "Who: " OWNER " · By 20 February 2026 · Not started"));
  g_assert_nonnull (strstr (all->str, "On the agenda but not discussed"));
  {
    g_autoptr(KithAgendaItem) last = kith_meeting_get_item (meeting, n_items - 1);

    g_assert_nonnull (strstr (all->str, last->name));
  }
  /* No ids or codes */
  g_assert_null (strstr (all->str, kith_meeting_get_id (meeting)));
  g_assert_null (strstr (all->str, "CarePlan/"));
  g_assert_null (strstr (all->str, "new-referral"));

  /* A short meeting is one page. */
  g_assert_true (kith_meeting_document_export_pdf (short_one, f->store, short_path, &error));
  g_assert_no_error (error);
  {
    g_autofree char *text = pdf_text (short_path, 1);

    g_assert_nonnull (strstr (text, "Page 1 of 1"));
    g_assert_nonnull (strstr (text, "No one was discussed."));
  }

  /* A folder that is not there: a clear error, nothing written. */
  {
    g_autofree char *bad = g_build_filename (f->dir, "missing", "meeting.pdf", NULL);

    g_assert_false (kith_meeting_document_export_pdf (meeting, f->store, bad, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
  g_assert_cmpuint (n_discussed, ==, n_items - 1);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/mdt/agenda-known-team", test_agenda_known_team);
  g_test_add_func ("/mdt/agenda-demo-team", test_agenda_demo_team);
  g_test_add_func ("/mdt/agenda-limit", test_agenda_limit);
  g_test_add_func ("/mdt/reorder", test_reorder);
  g_test_add_func ("/mdt/attendance", test_attendance);
  /* These change people's plans: after the agenda tests. */
  g_test_add_func ("/mdt/actions", test_actions);
  g_test_add_func ("/mdt/finish", test_finish);
  g_test_add_func ("/mdt/document", test_document);

  shared_fill (&shared);
  status = g_test_run ();
  shared_remove (&shared);
  return status;
}
