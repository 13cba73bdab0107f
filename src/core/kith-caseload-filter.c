/* kith-caseload-filter.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Filtering the caseload by risk tier, co-ordinator, team, overdue reviews
 * and actions, open safety alerts, discharges awaiting follow-up and the
 * virtual ward. What each person's filters need is read
 * from the patient index once, into compact arrays indexed by row id, and
 * kept until the index changes; a filter is then a pass over integers, so
 * any combination, with a count for each filter, costs a few milliseconds
 * for 100,000 people.
 */

#define G_LOG_DOMAIN "kith-caseload"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kith-caseload.h"
#include "kith-frailty.h"
#include "kith-store-private.h"

#define NO_COORDINATOR G_MAXUINT32   /* also: no team */

typedef struct
{
  guint64    serial;
  gint64     data_version;
  gsize      n;                 /* max row id + 1 */
  guint8    *tier;              /* 0: not known, else KithFrailtyBand + 1 */
  guint8    *alerts;            /* open safety alerts, 0 or 1 */
  guint32   *review;            /* Julian day of the next review, 0: none */
  guint32   *action_due;        /* Julian day of the next open action, 0: none */
  guint32   *coordinator;       /* index into coordinators, or NO_COORDINATOR */
  GPtrArray *coordinators;      /* casefolded names */
  guint32   *team;              /* index into teams, or NO_COORDINATOR */
  GPtrArray *teams;             /* casefolded names */
  guint32   *discharged;        /* Julian day of a discharge awaiting follow-up, 0: none */
  guint8    *ward;              /* on the virtual ward, 0 or 1 */
} Facts;

static void
facts_free (Facts *facts)
{
  g_free (facts->tier);
  g_free (facts->alerts);
  g_free (facts->review);
  g_free (facts->action_due);
  g_free (facts->coordinator);
  g_clear_pointer (&facts->coordinators, g_ptr_array_unref);
  g_free (facts->team);
  g_clear_pointer (&facts->teams, g_ptr_array_unref);
  g_free (facts->discharged);
  g_free (facts->ward);
  g_free (facts);
}

static guint32
julian_of (const char *iso_date)
{
  int year, month, day;

  if (iso_date == NULL || sscanf (iso_date, "%4d-%2d-%2d", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return 0;
  {
    GDate date;

    g_date_clear (&date, 1);
    g_date_set_dmy (&date, day, month, year);
    return g_date_get_julian (&date);
  }
}

static guint8
tier_of (const char *tier)
{
  for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
    if (g_strcmp0 (tier, kith_frailty_band_id (band)) == 0)
      return (guint8) band + 1;
  return 0;
}

/* Interns a casefolded name, so a filter compares integers. */
static guint32
intern_name (GHashTable *names,
             GPtrArray  *list,
             const char *name)
{
  g_autofree char *folded = NULL;
  gpointer index;

  if (name == NULL)
    return NO_COORDINATOR;
  folded = g_utf8_casefold (name, -1);
  if (!g_hash_table_lookup_extended (names, folded, NULL, &index))
    {
      index = GUINT_TO_POINTER (list->len);
      g_ptr_array_add (list, g_strdup (folded));
      g_hash_table_insert (names, g_steal_pointer (&folded), index);
    }
  return GPOINTER_TO_UINT (index);
}

static Facts *
load_facts (KithStore  *store,
            guint64     serial,
            gint64      data_version,
            GError    **error)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) team_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  Facts *facts;
  gint64 max_pid = 0;
  int rc;

  stmt = kith_store_prepare (store, "SELECT max(pid) FROM patient_index", error);
  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    max_pid = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  facts = g_new0 (Facts, 1);
  facts->serial = serial;
  facts->data_version = data_version;
  facts->n = (gsize) max_pid + 1;
  facts->tier = g_new0 (guint8, facts->n);
  facts->alerts = g_new0 (guint8, facts->n);
  facts->review = g_new0 (guint32, facts->n);
  facts->action_due = g_new0 (guint32, facts->n);
  facts->coordinator = g_new (guint32, facts->n);
  memset (facts->coordinator, 0xff, facts->n * sizeof (guint32));
  facts->coordinators = g_ptr_array_new_with_free_func (g_free);
  facts->team = g_new (guint32, facts->n);
  memset (facts->team, 0xff, facts->n * sizeof (guint32));
  facts->teams = g_ptr_array_new_with_free_func (g_free);
  facts->discharged = g_new0 (guint32, facts->n);
  facts->ward = g_new0 (guint8, facts->n);

  stmt = kith_store_prepare (store,
                             "SELECT pid, risk_tier, open_alerts, next_review, next_action_due, coordinator,"
                             "  team, discharged_on, on_virtual_ward"
                             " FROM patient_index",
                             error);
  if (stmt == NULL)
    {
      facts_free (facts);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pid = sqlite3_column_int64 (stmt, 0);
      const char *coordinator = (const char *) sqlite3_column_text (stmt, 5);

      if (pid < 0 || (gsize) pid >= facts->n)
        continue;
      facts->tier[pid] = tier_of ((const char *) sqlite3_column_text (stmt, 1));
      facts->alerts[pid] = sqlite3_column_int (stmt, 2) > 0;
      facts->review[pid] = julian_of ((const char *) sqlite3_column_text (stmt, 3));
      facts->action_due[pid] = julian_of ((const char *) sqlite3_column_text (stmt, 4));
      facts->coordinator[pid] = intern_name (names, facts->coordinators, coordinator);
      facts->team[pid] = intern_name (team_names, facts->teams, (const char *) sqlite3_column_text (stmt, 6));
      facts->discharged[pid] = julian_of ((const char *) sqlite3_column_text (stmt, 7));
      facts->ward[pid] = sqlite3_column_int (stmt, 8) != 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      facts_free (facts);
      return NULL;
    }
  return facts;
}

/* The store's facts, read again only when the patient index changed. */
static Facts *
get_facts (KithStore  *store,
           GError    **error)
{
  Facts *facts = g_object_get_data (G_OBJECT (store), "kith-caseload-facts");
  guint64 serial = 0;
  gint64 data_version = 0;

  if (!kith_store_get_index_stamp (store, &serial, &data_version, error))
    return NULL;
  if (facts && facts->serial == serial && facts->data_version == data_version)
    return facts;
  if (!(facts = load_facts (store, serial, data_version, error)))
    return NULL;
  g_object_set_data_full (G_OBJECT (store), "kith-caseload-facts", facts, (GDestroyNotify) facts_free);
  return facts;
}

/* The last search's matches, kept while the index stays the same: a
 * co-ordinator turns filters on and off over one search, and each change
 * should cost the filter pass, not the search again. */
typedef struct
{
  guint64  serial;
  gint64   data_version;
  char    *query;
  GArray  *found;
} LastSearch;

static void
last_search_free (LastSearch *last)
{
  g_free (last->query);
  g_array_unref (last->found);
  g_free (last);
}

static GArray *
search_for_filters (KithStore   *store,
                    const char  *query,
                    GError     **error)
{
  LastSearch *last = g_object_get_data (G_OBJECT (store), "kith-caseload-last-search");
  guint64 serial = 0;
  gint64 data_version = 0;
  GArray *found;

  if (!kith_store_get_index_stamp (store, &serial, &data_version, error))
    return NULL;
  if (last && last->serial == serial && last->data_version == data_version && g_strcmp0 (last->query, query) == 0)
    return g_array_ref (last->found);
  if (!(found = kith_store_search_patients (store, query, 0, NULL, error)))
    return NULL;
  last = g_new0 (LastSearch, 1);
  last->serial = serial;
  last->data_version = data_version;
  last->query = g_strdup (query);
  last->found = g_array_ref (found);
  g_object_set_data_full (G_OBJECT (store), "kith-caseload-last-search", last, (GDestroyNotify) last_search_free);
  return found;
}

GArray *
kith_store_filter_patients (KithStore                    *store,
                            const char                   *query,
                            const KithCaseloadFilterSpec *spec,
                            guint                         counts[KITH_CASELOAD_N_FILTERS],
                            GError                      **error)
{
  g_autoptr(GArray) found = NULL;
  GArray *shown;
  Facts *facts;
  guint32 today;
  g_autofree gboolean *is_mine = NULL;
  g_autofree gboolean *is_team = NULL;
  guint on;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (counts)
    memset (counts, 0, sizeof (guint) * KITH_CASELOAD_N_FILTERS);
  if (!(found = search_for_filters (store, query, error)) ||
      !(facts = get_facts (store, error)))
    return NULL;

  if (spec->today && g_date_valid (spec->today))
    today = g_date_get_julian (spec->today);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                      g_date_time_get_year (now));
      today = g_date_get_julian (&date);
    }
  /* The professional's name matches the co-ordinator as the care team
   * names them, "Tunde Afolabi" or "Tunde Afolabi (Care co-ordinator)",
   * in any case. */
  is_mine = g_new0 (gboolean, facts->coordinators->len + 1);
  if (spec->coordinator && *spec->coordinator)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (spec->coordinator));
      g_autofree char *folded = g_utf8_casefold (stripped, -1);
      g_autofree char *with_role = g_strconcat (folded, " (", NULL);

      for (guint i = 0; *folded && i < facts->coordinators->len; i++)
        is_mine[i] = strcmp (facts->coordinators->pdata[i], folded) == 0 ||
                     g_str_has_prefix (facts->coordinators->pdata[i], with_role);
    }

  is_team = g_new0 (gboolean, facts->teams->len + 1);
  if (spec->team && *spec->team)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (spec->team));
      g_autofree char *folded = g_utf8_casefold (stripped, -1);

      for (guint i = 0; *folded && i < facts->teams->len; i++)
        is_team[i] = strcmp (facts->teams->pdata[i], folded) == 0;
    }

  on = spec->filters & ((1u << KITH_CASELOAD_N_FILTERS) - 1);
  shown = g_array_sized_new (FALSE, FALSE, sizeof (gint64), found->len);
  for (guint i = 0; i < found->len; i++)
    {
      gint64 pid = g_array_index (found, gint64, i);
      guint passes = 0;

      if (pid < 0 || (gsize) pid >= facts->n)
        continue;
      if (facts->coordinator[pid] != NO_COORDINATOR && is_mine[facts->coordinator[pid]])
        passes |= KITH_CASELOAD_FILTER_MINE;
      if (facts->tier[pid] && (spec->tiers & KITH_CASELOAD_TIER (facts->tier[pid] - 1)))
        passes |= KITH_CASELOAD_FILTER_TIER;
      if (facts->review[pid] && facts->review[pid] < today)
        passes |= KITH_CASELOAD_FILTER_REVIEW_OVERDUE;
      if (facts->action_due[pid] && facts->action_due[pid] < today)
        passes |= KITH_CASELOAD_FILTER_ACTION_OVERDUE;
      if (facts->alerts[pid])
        passes |= KITH_CASELOAD_FILTER_ALERT_OPEN;
      if (facts->team[pid] != NO_COORDINATOR && is_team[facts->team[pid]])
        passes |= KITH_CASELOAD_FILTER_TEAM;
      /* Discharged today or in the 14 days before, with no contact since. */
      if (facts->discharged[pid] && facts->discharged[pid] <= today && today - facts->discharged[pid] <= 14)
        passes |= KITH_CASELOAD_FILTER_DISCHARGED;
      if (facts->ward[pid])
        passes |= KITH_CASELOAD_FILTER_VIRTUAL_WARD;

      if ((passes & on) == on)
        g_array_append_val (shown, pid);
      if (counts)
        for (guint f = 0; f < KITH_CASELOAD_N_FILTERS; f++)
          {
            guint with = on | (1u << f);

            if ((passes & with) == with)
              counts[f]++;
          }
    }
  return shown;
}

/* --- sorting ---------------------------------------------------------------- */

/* A column's order as a rank per row id (0: no value), read once per
 * column until the index changes: a click on a header then sorts 100,000
 * people as integers. */
typedef struct
{
  guint64  serial;
  gint64   data_version;
  gsize    n;
  guint32 *rank;
} SortRanks;

static void
sort_ranks_free (SortRanks *ranks)
{
  g_free (ranks->rank);
  g_free (ranks);
}

static const char * const sort_orders[] = {
  [KITH_CASELOAD_SORT_NAME] = "sort_name IS NULL, sort_name",
  [KITH_CASELOAD_SORT_NHS_NUMBER] = "nhs_number IS NULL, nhs_number",
  [KITH_CASELOAD_SORT_AGE] = "birth_date IS NULL, birth_date DESC",
  [KITH_CASELOAD_SORT_RISK_TIER] = "risk_tier IS NULL, CASE risk_tier WHEN 'severe' THEN 0 WHEN 'moderate' THEN 1"
                                   " WHEN 'mild' THEN 2 WHEN 'fit' THEN 3 ELSE 4 END",
  [KITH_CASELOAD_SORT_COORDINATOR] = "coordinator IS NULL, coordinator COLLATE NOCASE",
  [KITH_CASELOAD_SORT_NEXT_REVIEW] = "next_review IS NULL, next_review",
};

static const char * const sort_has_value[] = {
  [KITH_CASELOAD_SORT_NAME] = "sort_name IS NOT NULL",
  [KITH_CASELOAD_SORT_NHS_NUMBER] = "nhs_number IS NOT NULL",
  [KITH_CASELOAD_SORT_AGE] = "birth_date IS NOT NULL",
  [KITH_CASELOAD_SORT_RISK_TIER] = "risk_tier IS NOT NULL",
  [KITH_CASELOAD_SORT_COORDINATOR] = "coordinator IS NOT NULL",
  [KITH_CASELOAD_SORT_NEXT_REVIEW] = "next_review IS NOT NULL",
};

static SortRanks *
get_sort_ranks (KithStore         *store,
                KithCaseloadSort   sort,
                GError           **error)
{
  g_autofree char *key = g_strdup_printf ("kith-caseload-sort-%d", (int) sort);
  g_autofree char *sql = NULL;
  SortRanks *ranks = g_object_get_data (G_OBJECT (store), key);
  guint64 serial = 0;
  gint64 data_version = 0;
  sqlite3_stmt *stmt;
  gint64 max_pid = 0;
  guint32 next = 1;
  int rc;

  if (!kith_store_get_index_stamp (store, &serial, &data_version, error))
    return NULL;
  if (ranks && ranks->serial == serial && ranks->data_version == data_version)
    return ranks;

  if (!(stmt = kith_store_prepare (store, "SELECT max(pid) FROM patient_index", error)))
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    max_pid = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  /* Equal values share a rank, so the name order decides between them. */
  sql = g_strdup_printf ("SELECT pid, %s, %s FROM patient_index ORDER BY %s",
                         sort_has_value[sort],
                         sort == KITH_CASELOAD_SORT_RISK_TIER ? "risk_tier" :
                         sort == KITH_CASELOAD_SORT_AGE ? "birth_date" :
                         sort == KITH_CASELOAD_SORT_NHS_NUMBER ? "nhs_number" :
                         sort == KITH_CASELOAD_SORT_COORDINATOR ? "lower(coordinator)" :
                         sort == KITH_CASELOAD_SORT_NEXT_REVIEW ? "next_review" : "sort_name",
                         sort_orders[sort]);
  if (!(stmt = kith_store_prepare (store, sql, error)))
    return NULL;
  ranks = g_new0 (SortRanks, 1);
  ranks->serial = serial;
  ranks->data_version = data_version;
  ranks->n = (gsize) max_pid + 1;
  ranks->rank = g_new0 (guint32, ranks->n);
  {
    g_autofree char *previous = NULL;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 pid = sqlite3_column_int64 (stmt, 0);
        const char *value = (const char *) sqlite3_column_text (stmt, 2);

        if (pid < 0 || (gsize) pid >= ranks->n || !sqlite3_column_int (stmt, 1))
          continue;
        if (previous == NULL || g_strcmp0 (previous, value) != 0)
          {
            next++;
            g_free (previous);
            previous = g_strdup (value);
          }
        ranks->rank[pid] = next;
      }
  }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      sort_ranks_free (ranks);
      return NULL;
    }
  g_object_set_data_full (G_OBJECT (store), key, ranks, (GDestroyNotify) sort_ranks_free);
  return ranks;
}

typedef struct
{
  const SortRanks *ranks;
  gboolean         descending;
} SortBy;

static int
compare_by_rank (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const SortBy *by = user_data;
  gint64 pa = *(const gint64 *) a, pb = *(const gint64 *) b;
  guint32 ra = pa >= 0 && (gsize) pa < by->ranks->n ? by->ranks->rank[pa] : 0;
  guint32 rb = pb >= 0 && (gsize) pb < by->ranks->n ? by->ranks->rank[pb] : 0;

  /* No value: last, whichever way. */
  if (ra == 0 || rb == 0)
    return (ra == 0) - (rb == 0);
  if (ra == rb)
    return 0;
  return (ra < rb) == !by->descending ? -1 : 1;
}

gboolean
kith_store_sort_patients (KithStore         *store,
                          GArray            *pids,
                          KithCaseloadSort   sort,
                          gboolean           descending,
                          GError           **error)
{
  SortBy by;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (pids != NULL, FALSE);
  g_return_val_if_fail ((guint) sort < G_N_ELEMENTS (sort_orders), FALSE);

  if (!(by.ranks = get_sort_ranks (store, sort, error)))
    return FALSE;
  by.descending = descending;
  /* g_array_sort_with_data() is a stable merge sort: ties stay by name. */
  g_array_sort_with_data (pids, compare_by_rank, &by);
  return TRUE;
}
