/* kith-bench-mdt.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Building an MDT agenda (issue 6; target 50 ms on 100,000 people): a new
 * meeting of one team each run, so every run looks at the whole store.
 * The first run reads the patient index into memory and is shown apart.
 */

#include "config.h"

#include <time.h>

#include "kith-bench-mdt.h"

static gint64
bench_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
compare_samples (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest rank, in ms; @samples sorted. */
static double
rank_ms (GArray *samples,
         double  p)
{
  guint rank = (guint) MAX (1.0, p / 100.0 * samples->len + 0.5);

  return g_array_index (samples, gint64, MIN (rank, samples->len) - 1) / 1e6;
}

/* The team of the first person who has one. */
static char *
find_team (KithStore *store)
{
  g_autoptr(KithCaseload) everyone = kith_caseload_new (store);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (everyone));

  for (guint i = 0; i < n && i < 1000; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);
      g_autoptr(GPtrArray) teams = kith_store_list_for_patient (store, "CareTeam", kith_caseload_entry_get_id (entry),
                                                                NULL);

      for (guint t = 0; teams && t < teams->len; t++)
        {
          JsonArray *organizations = kith_fhir_get_array (teams->pdata[t], "managingOrganization");
          JsonNode *first = organizations && json_array_get_length (organizations) > 0
                            ? json_array_get_element (organizations, 0) : NULL;
          const char *name = first && JSON_NODE_HOLDS_OBJECT (first)
                             ? kith_fhir_get_string (json_node_get_object (first), "display") : NULL;

          if (name)
            return g_strdup (name);
        }
    }
  return NULL;
}

int
kith_bench_mdt (KithStore *store,
                guint      runs)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *team = find_team (store);
  gint64 first = 0;
  guint items = 0;

  g_return_val_if_fail (KITH_IS_STORE (store), 1);

  if (team == NULL)
    {
      g_printerr ("kith-bench: no one in the store has a team: no MDT agenda to build\n");
      return 1;
    }
  for (guint i = 0; i <= MAX (runs, 1); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KithMeeting) meeting = kith_meeting_new (today, team, &error);
      gint64 t0, dt;

      t0 = bench_now_ns ();
      if (meeting == NULL || !kith_meeting_build_agenda (meeting, store, NULL, &error))
        {
          g_printerr ("kith-bench: building the MDT agenda failed: %s\n", error->message);
          return 1;
        }
      dt = bench_now_ns () - t0;
      items = kith_meeting_get_n_items (meeting);
      if (i == 0)
        first = dt;
      else
        g_array_append_val (samples, dt);
    }
  g_array_sort (samples, compare_samples);
  g_print ("MDT agenda for one team (%u people on it, %u runs): p50 %.2f ms, p95 %.2f ms, max %.2f ms "
           "(first, reading the index: %.1f ms)\n",
           items, samples->len, rank_ms (samples, 50), rank_ms (samples, 95), rank_ms (samples, 100),
           first / 1e6);
  return 0;
}
