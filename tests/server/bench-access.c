/* bench-access.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the access checks (GOVERNANCE.md) cost a read: one kith-server
 * holding 10,000 people, started in turn with its checks and with
 * --no-access-checks (development builds only), on the same data. A GP of
 * one team reads, one request at a time, the same random sample of their
 * own people's records (Patient, CareTeam, CarePlan, Observation,
 * Condition, …), so every answer is a 200 either way. Reports p50 and p95
 * of each, as medians over alternating rounds; the target is that the
 * checks add at most 10% to the median read.
 *
 *   meson test -C BUILD --benchmark access-read-latency --verbose
 *   KITH_BENCH_ROUNDS=3 KITH_BENCH_READS=1500 (the defaults)
 */

#define G_LOG_DOMAIN "kith-bench"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "server-fixture.h"

#define BENCH_PEOPLE  10000
#define TARGET_RATIO  1.10

/* The types kith-server serves (kith-server-params.c). */
static const char * const served_types[] = {
  "CarePlan", "CareTeam", "Communication", "Condition", "Consent", "Encounter", "Flag", "Goal",
  "Observation", "Organization", "Patient", "Practitioner", "PractitionerRole", "Provenance",
  "Questionnaire", "QuestionnaireResponse", "RelatedPerson", "ServiceRequest", "Task", NULL
};

static guint
env_uint (const char *name,
          guint       fallback)
{
  guint64 value;

  if (g_getenv (name) != NULL &&
      g_ascii_string_to_unsigned (g_getenv (name), 10, 1, 100000, &value, NULL))
    return (guint) value;
  return fallback;
}

/* Fills the server's store before it first starts (a fill of 10,000 at
 * start-up takes longer than the fixture waits), and returns "/Type/id"
 * of every current record of the GP's own team's people and of people
 * with no team yet: the GP sees all of those, every section. */
static GPtrArray *
fill_store (ServerFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (g_mkdir_with_parents (fixture->data_dir, 0700), ==, 0);
  {
    g_autoptr(KithStore) store = kith_store_open (fixture->db_path, &error);

    g_assert_no_error (error);
    g_assert_true (kith_demo_caseload_fill (store, BENCH_PEOPLE, DEMO_SEED, &error));
    g_assert_no_error (error);
  }

  g_assert_cmpint (sqlite3_open_v2 (fixture->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT r.type, r.id FROM resource r"
                                       " JOIN patient_index p ON p.id = r.patient_id"
                                       " WHERE r.deleted = 0 AND (p.team IS NULL OR p.team = ?1)"
                                       " ORDER BY r.rid", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, TEST_USER_TEAM, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strv_contains (served_types, type))
        g_ptr_array_add (paths, g_strdup_printf ("/%s/%s", type,
                                                 (const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return paths;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
percentile (GArray *values,
            double  fraction)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (values->len * fraction)));
}

/* Milliseconds of each read of @paths, one after another. */
static GArray *
time_reads (ServerFixture *fixture,
            GPtrArray     *paths)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *url = g_strconcat (fixture->base_url, g_ptr_array_index (paths, i), NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start;
      double ms;

      /* The fixture's session adds the GP's token. */
      start = g_get_monotonic_time ();
      body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
      g_array_append_val (times, ms);
    }
  return times;
}

typedef struct
{
  GArray *p50;
  GArray *p95;
} Percentiles;

/* Alternating rounds of reads with the checks on and off; @extra are
 * more server options for both. */
static void
run_rounds (ServerFixture *fixture,
            GPtrArray     *reads,
            guint          rounds,
            const char    *extra,
            Percentiles   *on,
            Percentiles   *off)
{
  for (guint round = 0; round < rounds; round++)
    for (guint pass = 0; pass < 2; pass++)
      {
        /* Alternating which goes first, so neither always has the warmer cache. */
        gboolean checks = (round + pass) % 2 == 0;
        const char *args[3] = { NULL, NULL, NULL };
        g_autoptr(GArray) times = NULL;
        Percentiles *into = checks ? on : off;
        guint n = 0;
        double p50, p95;

        if (!checks)
          args[n++] = "--no-access-checks";
        if (extra != NULL)
          args[n++] = extra;
        fixture->extra_args = args;
        start_server_with (fixture, 0);
        /* Warm up: sqlite's cache and the instrument library. */
        g_array_unref (time_reads (fixture, reads));
        times = time_reads (fixture, reads);
        p50 = percentile (times, 0.50);
        p95 = percentile (times, 0.95);
        g_test_message ("%s round %u, checks %s: p50 %.3f ms, p95 %.3f ms",
                        extra != NULL ? extra : "audited", round, checks ? "on" : "off", p50, p95);
        g_array_append_val (into->p50, p50);
        g_array_append_val (into->p95, p95);
        stop_server (fixture, SIGTERM);
        fixture->extra_args = NULL;
      }
}

static void
percentiles_init (Percentiles *percentiles)
{
  percentiles->p50 = g_array_new (FALSE, FALSE, sizeof (double));
  percentiles->p95 = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
percentiles_clear (Percentiles *percentiles)
{
  g_array_unref (percentiles->p50);
  g_array_unref (percentiles->p95);
}

static void
bench_access (void)
{
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GPtrArray) reads = g_ptr_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260302);
  guint rounds = env_uint ("KITH_BENCH_ROUNDS", 3);
  guint n_reads = env_uint ("KITH_BENCH_READS", 1500);
  ServerFixture fixture = { 0 };
  Percentiles on, off, bare_on, bare_off;
  double ratio, bare_ratio;

  if (!DEVELOPMENT_BUILD)
    {
      g_test_skip ("--no-access-checks needs a development build (-Dprofile=development)");
      return;
    }

  /* One store, filled once; each round starts the server afresh on it. */
  fixture_set_up (&fixture, NULL);
  paths = fill_store (&fixture);
  g_assert_cmpuint (paths->len, >, 1000);
  for (guint i = 0; i < n_reads; i++)
    g_ptr_array_add (reads, g_ptr_array_index (paths, g_rand_int_range (rand, 0, (gint32) paths->len)));

  percentiles_init (&on);
  percentiles_init (&off);
  percentiles_init (&bare_on);
  percentiles_init (&bare_off);
  /* The server as it runs: each read is audited, and answered once its
   * AuditEvent is on disk. */
  run_rounds (&fixture, reads, rounds, NULL, &on, &off);
  /* Without the audit trail's disk write, which hides nothing of the
   * checks' own cost: shown, not held to the target. */
  run_rounds (&fixture, reads, rounds, "--no-audit", &bare_on, &bare_off);
  fixture_tear_down (&fixture, NULL);

  ratio = percentile (on.p50, 0.5) / percentile (off.p50, 0.5);
  bare_ratio = percentile (bare_on.p50, 0.5) / percentile (bare_off.p50, 0.5);
  g_print ("ACCESS CHECK READ LATENCY (%u people, %u reads a round, %u rounds, one at a time)\n"
           "  audited reads, checks on:   p50 %.3f ms, p95 %.3f ms\n"
           "  audited reads, checks off:  p50 %.3f ms, p95 %.3f ms\n"
           "  p50 ratio:                  %.1f%% (target <= %.0f%%)  %s\n"
           "  --no-audit, checks on:      p50 %.3f ms, p95 %.3f ms\n"
           "  --no-audit, checks off:     p50 %.3f ms, p95 %.3f ms\n"
           "  p50 ratio:                  %.1f%% (for information)\n",
           BENCH_PEOPLE, n_reads, rounds,
           percentile (on.p50, 0.5), percentile (on.p95, 0.5),
           percentile (off.p50, 0.5), percentile (off.p95, 0.5),
           ratio * 100, TARGET_RATIO * 100, ratio <= TARGET_RATIO ? "PASS" : "FAIL",
           percentile (bare_on.p50, 0.5), percentile (bare_on.p95, 0.5),
           percentile (bare_off.p50, 0.5), percentile (bare_off.p95, 0.5),
           bare_ratio * 100);
  percentiles_clear (&on);
  percentiles_clear (&off);
  percentiles_clear (&bare_on);
  percentiles_clear (&bare_off);
  g_assert_cmpfloat (ratio, <=, TARGET_RATIO);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/bench/access/read-latency", bench_access);
  return g_test_run ();
}
