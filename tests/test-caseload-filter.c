/* test-caseload-filter.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The co-ordinator's caseload by risk: every filter, alone and combined,
 * on a demo store, against counts worked out the slow way from each
 * person's record; tier overrides with their history; and the new caseload
 * columns filled in for a store made by an older Kith.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kith-core.h"

#define PEOPLE 240
#define TEAM "North locality team"

typedef struct
{
  char      *dir;
  char      *path;
  KithStore *store;
  GDate      today;
} Fixture;

/* One demo store for the tests that read it (filled once: it is the slow
 * part); the test that changes it runs last. */
static Fixture shared;

static void
shared_fill (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kith-filter-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (f->path, &error);
  g_assert_no_error (error);
  /* The demo's dates are around its reference day, 1 January 2026; its
   * co-ordinator's day (discharges, the virtual ward) around this one. */
  g_date_clear (&f->today, 1);
  g_date_set_dmy (&f->today, 1, G_DATE_FEBRUARY, 2026);
  g_assert_true (kith_demo_caseload_fill_for_day (f->store, PEOPLE, 7, &f->today, &error));
  g_assert_no_error (error);

  /* The demo has no safety alerts: open one for every 60th person, and one
   * that has been acted on (inactive) for others. */
  {
    g_autoptr(KithCaseload) everyone = kith_caseload_new (f->store);

    for (guint i = 0; i < PEOPLE; i += 30)
      {
        g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);
        g_autofree char *json = g_strdup_printf (
          "{\"resourceType\":\"Flag\",\"id\":\"alert-%u\",\"status\":\"%s\","
          "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/flag-category\","
          "\"code\":\"safety\"}]}],\"code\":{\"text\":\"Safety alert\"},"
          "\"subject\":{\"reference\":\"Patient/%s\"}}",
          i, i % 60 == 0 ? "active" : "inactive", kith_caseload_entry_get_id (entry));
        g_autoptr(JsonObject) flag = kith_fhir_parse_resource (json, -1, &error);

        g_assert_no_error (error);
        g_assert_true (kith_store_save_resource (f->store, flag, NULL, &error));
      }

    /* The demo's virtual ward is a few in a thousand: make sure of some,
     * with one already discharged from it. */
    for (guint i = 5; i < PEOPLE; i += 40)
      {
        g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);
        g_autofree char *json = g_strdup_printf (
          "{\"resourceType\":\"EpisodeOfCare\",\"id\":\"ward-%u\",\"status\":\"%s\","
          "\"type\":[{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/episode-type\","
          "\"code\":\"virtual-ward\"}]}],\"patient\":{\"reference\":\"Patient/%s\"},"
          "\"period\":{\"start\":\"2026-01-28\"}}",
          i, i == 45 ? "finished" : "active", kith_caseload_entry_get_id (entry));
        g_autoptr(JsonObject) episode = kith_fhir_parse_resource (json, -1, &error);

        g_assert_no_error (error);
        g_assert_true (kith_store_save_resource (f->store, episode, NULL, &error));
      }
  }
}

static void
shared_remove (Fixture *f)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->path);
  g_free (f->dir);
}

/* What one person passes, worked out from their record, not the index. */
/* The team of the person's active care team, read from the record. */
static gboolean
in_team_slowly (GPtrArray  *teams,
                const char *team)
{
  for (guint i = 0; i < teams->len; i++)
    {
      JsonArray *organizations = kith_fhir_get_array (teams->pdata[i], "managingOrganization");

      if (g_strcmp0 (kith_fhir_get_string (teams->pdata[i], "status"), "active") == 0 &&
          organizations && json_array_get_length (organizations) > 0)
        return g_strcmp0 (kith_fhir_get_string (json_array_get_object_element (organizations, 0), "display"),
                          team) == 0;
    }
  return FALSE;
}

/* Discharged in the 14 days up to @today with no contact on or after. */
static gboolean
awaiting_follow_up_slowly (GPtrArray   *encounters,
                           const GDate *today)
{
  g_autofree char *latest = NULL;
  GDate discharged;

  for (guint i = 0; i < encounters->len; i++)
    {
      JsonObject *e = encounters->pdata[i];
      const char *end = kith_fhir_get_string (kith_fhir_get_object (e, "period"), "end");

      if (g_strcmp0 (kith_fhir_resource_code (e), "hospital-stay") == 0 && end &&
          g_strcmp0 (kith_fhir_get_string (e, "status"), "finished") == 0 &&
          (latest == NULL || strcmp (end, latest) > 0))
        {
          g_free (latest);
          latest = g_strndup (end, 10);
        }
    }
  if (latest == NULL)
    return FALSE;
  for (guint i = 0; i < encounters->len; i++)
    {
      JsonObject *e = encounters->pdata[i];
      const char *code = kith_fhir_resource_code (e);
      const char *start = kith_fhir_get_string (kith_fhir_get_object (e, "period"), "start");

      if (g_strcmp0 (kith_fhir_get_string (e, "status"), "finished") == 0 && start &&
          (g_strcmp0 (code, "phone") == 0 || g_strcmp0 (code, "home-visit") == 0 ||
           g_strcmp0 (code, "clinic") == 0 || g_strcmp0 (code, "email") == 0) &&
          strncmp (start, latest, 10) >= 0)
        return FALSE;
    }
  g_date_clear (&discharged, 1);
  g_date_set_parse (&discharged, latest);
  g_assert_true (g_date_valid (&discharged));
  return g_date_compare (&discharged, today) <= 0 && g_date_days_between (&discharged, today) <= 14;
}

static guint
passes_slowly (Fixture            *f,
               KithCaseloadEntry  *entry,
               const char         *coordinator,
               guint               tiers)
{
  g_autoptr(GError) error = NULL;
  const char *id = kith_caseload_entry_get_id (entry);
  g_autoptr(KithCarePlan) plan = kith_care_plan_load_current (f->store, id, &error);
  g_autoptr(KithFrailtyIndex) frailty = kith_frailty_compute (f->store, id, &error);
  g_autoptr(GPtrArray) conditions = kith_store_list_for_patient (f->store, "Condition", id, &error);
  g_autoptr(GPtrArray) risks = kith_store_list_for_patient (f->store, "RiskAssessment", id, &error);
  const char *override = kith_risk_find_override_tier (risks);
  const char *review = kith_caseload_entry_get_next_review (entry);
  char today[11];
  guint passes = 0;

  g_assert_no_error (error);
  g_date_strftime (today, sizeof today, "%Y-%m-%d", &f->today);
  if (g_strcmp0 (kith_caseload_entry_get_coordinator (entry), coordinator) == 0)
    passes |= KITH_CASELOAD_FILTER_MINE;
  if (override != NULL)
    {
      for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
        if (g_strcmp0 (override, kith_frailty_band_id (band)) == 0 && (tiers & KITH_CASELOAD_TIER (band)))
          passes |= KITH_CASELOAD_FILTER_TIER;
    }
  else if (conditions->len > 0 && (tiers & KITH_CASELOAD_TIER (frailty->band)))
    passes |= KITH_CASELOAD_FILTER_TIER;
  if (review && strcmp (review, today) < 0)
    passes |= KITH_CASELOAD_FILTER_REVIEW_OVERDUE;
  if (plan)
    {
      g_autoptr(GPtrArray) overdue = kith_care_plan_list_overdue_actions (plan, &f->today);

      if (overdue->len > 0)
        passes |= KITH_CASELOAD_FILTER_ACTION_OVERDUE;
    }
  if (kith_caseload_entry_get_open_alerts (entry) > 0)
    passes |= KITH_CASELOAD_FILTER_ALERT_OPEN;
  {
    g_autoptr(GPtrArray) teams = kith_store_list_for_patient (f->store, "CareTeam", id, &error);
    g_autoptr(GPtrArray) encounters = kith_store_list_for_patient (f->store, "Encounter", id, &error);
    g_autoptr(GPtrArray) episodes = kith_store_list_for_patient (f->store, "EpisodeOfCare", id, &error);

    g_assert_no_error (error);
    if (in_team_slowly (teams, TEAM))
      passes |= KITH_CASELOAD_FILTER_TEAM;
    if (awaiting_follow_up_slowly (encounters, &f->today))
      passes |= KITH_CASELOAD_FILTER_DISCHARGED;
    for (guint i = 0; i < episodes->len; i++)
      if (g_strcmp0 (kith_fhir_get_string (episodes->pdata[i], "status"), "active") == 0 &&
          g_strcmp0 (kith_fhir_resource_code (episodes->pdata[i]), "virtual-ward") == 0)
        passes |= KITH_CASELOAD_FILTER_VIRTUAL_WARD;
  }
  return passes;
}

static void
check_all_combinations (Fixture    *f,
                        const char *query,
                        const char *coordinator,
                        guint       tiers)
{
  g_autoptr(KithCaseload) everyone = kith_caseload_new (f->store);
  g_autoptr(GArray) truth = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n;

  kith_caseload_set_query (everyone, query);
  n = g_list_model_get_n_items (G_LIST_MODEL (everyone));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);
      guint passes = passes_slowly (f, entry, coordinator, tiers);

      g_array_append_val (truth, passes);
    }

  /* Every combination of the filters: the people, and the counts. */
  for (guint on = 0; on < (1u << KITH_CASELOAD_N_FILTERS); on++)
    {
      g_autoptr(GError) error = NULL;
      KithCaseloadFilterSpec spec = { on, coordinator, tiers, &f->today, TEAM };
      guint counts[KITH_CASELOAD_N_FILTERS];
      guint expected[KITH_CASELOAD_N_FILTERS] = { 0 };
      g_autoptr(GArray) shown = kith_store_filter_patients (f->store, query, &spec, counts, &error);
      guint expected_shown = 0;

      g_assert_no_error (error);
      for (guint i = 0; i < truth->len; i++)
        {
          guint passes = g_array_index (truth, guint, i);

          if ((passes & on) == on)
            expected_shown++;
          for (guint b = 0; b < KITH_CASELOAD_N_FILTERS; b++)
            if ((passes & (on | (1u << b))) == (on | (1u << b)))
              expected[b]++;
        }
      g_assert_cmpuint (shown->len, ==, expected_shown);
      for (guint b = 0; b < KITH_CASELOAD_N_FILTERS; b++)
        g_assert_cmpuint (counts[b], ==, expected[b]);
    }
}

static const char *
some_coordinator (Fixture *f)
{
  static char name[256];
  g_autoptr(KithCaseload) everyone = kith_caseload_new (f->store);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (everyone)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);

      if (kith_caseload_entry_get_coordinator (entry))
        {
          g_strlcpy (name, kith_caseload_entry_get_coordinator (entry), sizeof name);
          return name;
        }
    }
  g_assert_not_reached ();
}

static void
test_every_filter (void)
{
  Fixture *f = &shared;
  const char *coordinator = some_coordinator (f);
  guint counts[KITH_CASELOAD_N_FILTERS];
  KithCaseloadFilterSpec spec = { 0, coordinator,
                                  KITH_CASELOAD_TIER (KITH_FRAILTY_MODERATE) | KITH_CASELOAD_TIER (KITH_FRAILTY_SEVERE),
                                  &f->today, TEAM };
  g_autoptr(GArray) all = kith_store_filter_patients (f->store, NULL, &spec, counts, NULL);

  /* The demo has something for every filter, and not everyone passes any. */
  g_assert_cmpuint (all->len, ==, PEOPLE);
  g_assert_cmpuint (counts[4], ==, PEOPLE / 60);
  for (guint b = 0; b < KITH_CASELOAD_N_FILTERS; b++)
    {
      g_test_message ("filter %u: %u of %u", b, counts[b], PEOPLE);
      g_assert_cmpuint (counts[b], >, 0);
      g_assert_cmpuint (counts[b], <, PEOPLE);
    }

  check_all_combinations (f, NULL, coordinator, spec.tiers);
  /* With a search too, and other tiers. */
  check_all_combinations (f, "s", coordinator, KITH_CASELOAD_TIER (KITH_FRAILTY_FIT));
}

/* The caseload model applies its filters, keeps name order, and reloads. */
static void
test_caseload_model (void)
{
  Fixture *f = &shared;
  g_autoptr(KithCaseload) caseload = kith_caseload_new (f->store);
  const char *coordinator = some_coordinator (f);
  guint counts[KITH_CASELOAD_N_FILTERS];
  g_autoptr(KithCaseload) everyone = kith_caseload_new (f->store);
  guint n, at = 0;

  kith_caseload_set_filter (caseload, KITH_CASELOAD_FILTER_MINE, coordinator, 0);
  g_assert_cmpint (kith_caseload_get_filter (caseload), ==, KITH_CASELOAD_FILTER_MINE);
  n = g_list_model_get_n_items (G_LIST_MODEL (caseload));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <, PEOPLE);
  kith_caseload_get_filter_counts (caseload, counts);
  g_assert_cmpuint (counts[0], ==, n);
  /* Their co-ordinator's people only, in the caseload's own order. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), i);

      g_assert_cmpstr (kith_caseload_entry_get_coordinator (entry), ==, coordinator);
      for (;; at++)
        {
          g_autoptr(KithCaseloadEntry) next = g_list_model_get_item (G_LIST_MODEL (everyone), at);

          g_assert_nonnull (next);
          if (g_strcmp0 (kith_caseload_entry_get_id (next), kith_caseload_entry_get_id (entry)) == 0)
            break;
        }
    }
  /* The name alone finds the same people as the name with the role, in
   * any case. */
  {
    g_autofree char *name = g_strndup (coordinator, strcspn (coordinator, "("));
    g_autofree char *shouted = NULL;

    g_strstrip (name);
    shouted = g_utf8_strup (name, -1);
    g_assert_cmpstr (name, !=, coordinator);
    kith_caseload_set_filter (caseload, KITH_CASELOAD_FILTER_MINE, shouted, 0);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (caseload)), ==, n);
    /* A first name alone is not enough. */
    name[strcspn (name, " ")] = '\0';
    kith_caseload_set_filter (caseload, KITH_CASELOAD_FILTER_MINE, name, 0);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (caseload)), ==, 0);
  }
  kith_caseload_set_filter (caseload, 0, NULL, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (caseload)), ==, PEOPLE);

  /* Each row's risk tier is the one that counts, read from the record: a
   * clinician's override, else the frailty band, else nothing known. */
  for (guint i = 0; i < PEOPLE; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);
      const char *id = kith_caseload_entry_get_id (entry);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) conditions = kith_store_list_for_patient (f->store, "Condition", id, &error);
      g_autoptr(GPtrArray) statements = kith_store_list_for_patient (f->store, "MedicationStatement", id, &error);
      g_autoptr(GPtrArray) requests = kith_store_list_for_patient (f->store, "MedicationRequest", id, &error);
      g_autoptr(GPtrArray) risks = kith_store_list_for_patient (f->store, "RiskAssessment", id, &error);
      g_autoptr(KithFrailtyIndex) frailty = kith_frailty_compute (f->store, id, &error);
      g_autofree char *property = NULL;
      const char *expected = kith_risk_find_override_tier (risks);

      g_assert_no_error (error);
      if (expected == NULL && conditions->len + statements->len + requests->len > 0)
        expected = kith_frailty_band_id (frailty->band);
      g_assert_cmpstr (kith_caseload_entry_get_risk_tier (entry), ==, expected);
      g_object_get (entry, "risk-tier", &property, NULL);
      g_assert_cmpstr (property, ==, expected);
    }
}

/* A clinician overrides the tier with a reason; it is kept with who and
 * when; taking it back restores the computed tier; imports are kept. */
static void
test_override_history (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCaseload) everyone = kith_caseload_new (f->store);
  g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), 0);
  const char *id = kith_caseload_entry_get_id (entry);
  g_autoptr(GPtrArray) history = NULL;
  KithCaseloadFilterSpec severe = { KITH_CASELOAD_FILTER_TIER, NULL, KITH_CASELOAD_TIER (KITH_FRAILTY_SEVERE), &f->today };
  guint before, after;
  guint counts[KITH_CASELOAD_N_FILTERS];

  g_autoptr(GArray) shown = kith_store_filter_patients (f->store, NULL, &severe, counts, &error);
  before = shown->len;

  /* Refused without a reason, or with no tier. */
  g_assert_false (kith_risk_override_tier (f->store, id, "severe", "  ", "Nurse Test", &error));
  g_assert_error (error, KITH_RISK_ERROR, KITH_RISK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kith_risk_override_tier (f->store, id, "very", "Reason", "Nurse Test", &error));
  g_clear_error (&error);
  g_assert_false (kith_risk_override_tier (f->store, id, "severe", "Reason", NULL, &error));
  g_clear_error (&error);

  /* Move them to severe, unless the record already says so; then to fit. */
  g_assert_true (kith_risk_override_tier (f->store, id, "mild", "Recovering well after the fall", "Nurse Test", &error));
  g_assert_true (kith_risk_override_tier (f->store, id, "severe", "Two falls this month, lives alone", "Dr Test", &error));
  g_assert_no_error (error);
  g_clear_pointer (&shown, g_array_unref);
  shown = kith_store_filter_patients (f->store, NULL, &severe, counts, &error);
  after = shown->len;
  g_assert_cmpuint (after, >=, before);
  g_assert_true (kith_risk_import_score (f->store, id, "Practice risk tool", "2.1", "0.34", "Dr Test", &error));
  g_assert_false (kith_risk_import_score (f->store, id, "Practice risk tool", "", "0.34", "Dr Test", &error));
  g_clear_error (&error);

  history = kith_risk_list (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 3);
  {
    KithRiskEntry *import = history->pdata[0];
    KithRiskEntry *latest = history->pdata[1];
    KithRiskEntry *earlier = history->pdata[2];

    g_assert_cmpstr (import->method, ==, "imported-score");
    g_assert_cmpstr (import->tool, ==, "Practice risk tool");
    g_assert_cmpstr (import->tool_version, ==, "2.1");
    g_assert_cmpstr (import->score, ==, "0.34");
    g_assert_cmpstr (latest->tier, ==, "severe");
    g_assert_cmpstr (latest->who, ==, "Dr Test");
    g_assert_cmpstr (latest->reason, ==, "Two falls this month, lives alone");
    g_assert_nonnull (latest->when);
    g_assert_false (latest->withdrawn);
    g_assert_cmpstr (earlier->tier, ==, "mild");
    g_assert_true (earlier->withdrawn);   /* replaced by the newer one */
    g_assert_cmpint (strcmp (earlier->when, latest->when), <, 0);
  }

  /* The index follows: this person is severe now. */
  {
    KithCaseloadFilterSpec mine = { KITH_CASELOAD_FILTER_TIER, NULL, KITH_CASELOAD_TIER (KITH_FRAILTY_SEVERE), &f->today };
    g_autoptr(KithCaseload) caseload = kith_caseload_new (f->store);
    gboolean present = FALSE;

    kith_caseload_set_filter (caseload, mine.filters, NULL, mine.tiers);
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (caseload)); i++)
      {
        g_autoptr(KithCaseloadEntry) row = g_list_model_get_item (G_LIST_MODEL (caseload), i);

        present |= g_strcmp0 (kith_caseload_entry_get_id (row), id) == 0;
      }
    g_assert_true (present);

    /* Withdrawn: the computed tier again, and the history keeps all. */
    g_assert_false (kith_risk_withdraw_override (f->store, id, "", "Dr Test", &error));
    g_clear_error (&error);
    g_assert_true (kith_risk_withdraw_override (f->store, id, "Entered for the wrong person", "Dr Test", &error));
    kith_caseload_reload (caseload);
    present = FALSE;
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (caseload)); i++)
      {
        g_autoptr(KithCaseloadEntry) row = g_list_model_get_item (G_LIST_MODEL (caseload), i);

        present |= g_strcmp0 (kith_caseload_entry_get_id (row), id) == 0;
      }
    {
      g_autoptr(KithFrailtyIndex) frailty = kith_frailty_compute (f->store, id, &error);
      g_autoptr(GPtrArray) conditions = kith_store_list_for_patient (f->store, "Condition", id, &error);

      g_assert_cmpint (present, ==, conditions->len > 0 && frailty->band == KITH_FRAILTY_SEVERE);
    }
    g_clear_pointer (&history, g_ptr_array_unref);
    history = kith_risk_list (f->store, id, &error);
    g_assert_cmpuint (history->len, ==, 4);
    g_assert_true (((KithRiskEntry *) history->pdata[2])->withdrawn);
  }
}

/* Any column sorts the list, either way; no value sorts last; ties keep
 * name order. */
static void
test_sort (void)
{
  Fixture *f = &shared;
  g_autoptr(KithCaseload) caseload = kith_caseload_new (f->store);
  g_autoptr(KithCaseload) by_name = kith_caseload_new (f->store);
  static const char * const tiers[] = { "severe", "moderate", "mild", "fit" };

  for (KithCaseloadSort sort = KITH_CASELOAD_SORT_NAME; sort <= KITH_CASELOAD_SORT_NEXT_REVIEW; sort++)
    for (int descending = 0; descending < 2; descending++)
      {
        guint n, nulls_seen = 0;

        kith_caseload_set_sort (caseload, sort, descending);
        n = g_list_model_get_n_items (G_LIST_MODEL (caseload));
        g_assert_cmpuint (n, ==, PEOPLE);
        for (guint i = 1; i < n; i++)
          {
            g_autoptr(KithCaseloadEntry) a = g_list_model_get_item (G_LIST_MODEL (caseload), i - 1);
            g_autoptr(KithCaseloadEntry) b = g_list_model_get_item (G_LIST_MODEL (caseload), i);
            const char *va = NULL, *vb = NULL;
            int order = 0;

            switch (sort)
              {
              case KITH_CASELOAD_SORT_NAME:
                va = kith_caseload_entry_get_list_name (a);
                vb = kith_caseload_entry_get_list_name (b);
                break;
              case KITH_CASELOAD_SORT_NHS_NUMBER:
                va = kith_caseload_entry_get_nhs_number (a);
                vb = kith_caseload_entry_get_nhs_number (b);
                break;
              case KITH_CASELOAD_SORT_AGE:
                /* Youngest first: the later birth date first. */
                va = kith_caseload_entry_get_birth_date (b);
                vb = kith_caseload_entry_get_birth_date (a);
                break;
              case KITH_CASELOAD_SORT_RISK_TIER:
                for (guint t = 0; t < G_N_ELEMENTS (tiers); t++)
                  {
                    if (g_strcmp0 (kith_caseload_entry_get_risk_tier (a), tiers[t]) == 0)
                      va = tiers[t];
                    if (g_strcmp0 (kith_caseload_entry_get_risk_tier (b), tiers[t]) == 0)
                      vb = tiers[t];
                  }
                break;
              case KITH_CASELOAD_SORT_COORDINATOR:
                va = kith_caseload_entry_get_coordinator (a);
                vb = kith_caseload_entry_get_coordinator (b);
                break;
              case KITH_CASELOAD_SORT_NEXT_REVIEW:
                va = kith_caseload_entry_get_next_review (a);
                vb = kith_caseload_entry_get_next_review (b);
                break;
              }
            if (sort == KITH_CASELOAD_SORT_AGE && (va == NULL || vb == NULL))
              {
                const char *t = va;   /* swapped above: swap back for the null check */
                va = vb;
                vb = t;
              }
            /* No value: only more of the same after it. */
            if (va == NULL)
              {
                nulls_seen++;
                g_assert_null (vb);
                continue;
              }
            if (vb == NULL)
              continue;
            if (sort == KITH_CASELOAD_SORT_RISK_TIER)
              {
                guint ra = 0, rb = 0;

                for (guint t = 0; t < G_N_ELEMENTS (tiers); t++)
                  {
                    if (g_strcmp0 (va, tiers[t]) == 0) ra = t;
                    if (g_strcmp0 (vb, tiers[t]) == 0) rb = t;
                  }
                order = (ra > rb) - (ra < rb);
              }
            else if (sort == KITH_CASELOAD_SORT_COORDINATOR)
              order = g_ascii_strcasecmp (va, vb);
            else if (sort == KITH_CASELOAD_SORT_NAME)
              order = 0;   /* the index's own collation; checked below */
            else
              order = strcmp (va, vb);
            g_assert_cmpint (descending ? -order : order, <=, 0);
            /* Ties: in name order, as the unsorted list has them. */
            if (order == 0 && sort != KITH_CASELOAD_SORT_NAME)
              {
                guint pa = G_MAXUINT, pb = G_MAXUINT;

                for (guint j = 0; j < PEOPLE && (pa == G_MAXUINT || pb == G_MAXUINT); j++)
                  {
                    g_autoptr(KithCaseloadEntry) e = g_list_model_get_item (G_LIST_MODEL (by_name), j);

                    if (g_strcmp0 (kith_caseload_entry_get_id (e), kith_caseload_entry_get_id (a)) == 0)
                      pa = j;
                    if (g_strcmp0 (kith_caseload_entry_get_id (e), kith_caseload_entry_get_id (b)) == 0)
                      pb = j;
                  }
                g_assert_cmpuint (pa, <, pb);
              }
          }
        g_test_message ("sort %d%s: %u without a value", sort, descending ? " descending" : "", nulls_seen);
      }

  /* By name, descending, is the name order reversed. */
  kith_caseload_set_sort (caseload, KITH_CASELOAD_SORT_NAME, TRUE);
  {
    g_autoptr(KithCaseloadEntry) last = g_list_model_get_item (G_LIST_MODEL (caseload), PEOPLE - 1);
    g_autoptr(KithCaseloadEntry) first = g_list_model_get_item (G_LIST_MODEL (by_name), 0);

    g_assert_cmpstr (kith_caseload_entry_get_id (last), ==, kith_caseload_entry_get_id (first));
  }
  /* Sorting keeps the filter. */
  kith_caseload_set_filter (caseload, KITH_CASELOAD_FILTER_VIRTUAL_WARD, NULL, 0);
  kith_caseload_set_sort (caseload, KITH_CASELOAD_SORT_AGE, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (caseload)), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (caseload)), <, PEOPLE);
}

/* A filter change over the same search reuses the search, but never once
 * the caseload has changed: a person added since is found. */
static void
test_search_reused_until_changed (void)
{
  Fixture *f = &shared;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  KithCaseloadFilterSpec none = { 0 };
  g_autoptr(GArray) before = kith_store_filter_patients (f->store, "zzqx", &none, NULL, &error);
  g_autoptr(GArray) again = kith_store_filter_patients (f->store, "zzqx", &none, NULL, &error);
  g_autoptr(GArray) after = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, 0);
  g_assert_cmpuint (again->len, ==, 0);
  kith_patient_set_family (patient, "Zzqxley");
  kith_patient_set_given (patient, "Ada");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  after = kith_store_filter_patients (f->store, "zzqx", &none, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 1);
}

/* A store from before the risk columns gets them filled on opening. */
static void
test_migration_fills_columns (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-filter-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures", "store-v1.db", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(KithCaseload) caseload = NULL;
  guint with_tier = 0;

  g_assert_true (g_file_get_contents (fixture, &contents, &length, &error));
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  store = kith_store_open (path, &error);
  g_assert_no_error (error);
  caseload = kith_caseload_new (store);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (caseload)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), i);
      g_autoptr(GPtrArray) conditions = kith_store_list_for_patient (store, "Condition", kith_caseload_entry_get_id (entry), &error);
      g_autoptr(KithFrailtyIndex) frailty = kith_frailty_compute (store, kith_caseload_entry_get_id (entry), &error);
      KithCaseloadFilterSpec spec = { KITH_CASELOAD_FILTER_TIER, NULL, KITH_CASELOAD_TIER (frailty->band), NULL };
      g_autoptr(GArray) shown = kith_store_filter_patients (store, kith_caseload_entry_get_nhs_number (entry),
                                                            &spec, NULL, &error);

      /* Found by their own tier exactly when something is recorded. */
      g_assert_no_error (error);
      g_assert_cmpuint (shown->len, ==, conditions->len > 0 ? 1 : 0);
      if (conditions->len > 0)
        with_tier++;
    }
  g_test_message ("%u people in the old store with conditions", with_tier);
  g_assert_true (kith_store_check_integrity (store, &error));
  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/caseload-filter/every-filter", test_every_filter);
  g_test_add_func ("/caseload-filter/model", test_caseload_model);
  g_test_add_func ("/caseload-filter/sort", test_sort);
  g_test_add_func ("/caseload-filter/override-history", test_override_history);
  g_test_add_func ("/caseload-filter/search-reused-until-changed", test_search_reused_until_changed);
  g_test_add_func ("/caseload-filter/migration-fills-columns", test_migration_fills_columns);

  shared_fill (&shared);
  status = g_test_run ();
  shared_remove (&shared);
  return status;
}
