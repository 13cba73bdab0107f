/* bench-audit.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the audit trail costs writes: kith-load's conditional writes
 * (PUT with If-Match, 8 connections) against a kith-server with its audit
 * trail, and against one started with --no-audit (development builds
 * only), in alternating rounds on fresh data, each signed in. Reports the
 * median writes per second of each and their ratio; the target is that
 * audited writes keep at least 85% of the throughput.
 *
 *   meson test -C BUILD --benchmark audit-write-throughput --verbose
 *   KITH_BENCH_ROUNDS=7 KITH_BENCH_SECONDS=10 (defaults 5 and 5; the disk is
 *   shared and noisy, so medians of alternating rounds are compared)
 */

#define G_LOG_DOMAIN "kith-bench"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "server-fixture.h"

#define BENCH_PEOPLE  400
#define TARGET_RATIO  0.85

static guint
env_uint (const char *name,
          guint       fallback)
{
  guint64 value;

  if (g_getenv (name) != NULL && g_ascii_string_to_unsigned (g_getenv (name), 10, 1, 600, &value, NULL))
    return (guint) value;
  return fallback;
}

/* Writes per second from kith-load's "writes … requests, N/s, …" line. */
static double
run_load (ServerFixture *fixture,
          guint          seconds)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) load = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *duration = g_strdup_printf ("%u", seconds);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *line = NULL;
  const char *rate;

  /* The token goes in the environment, never on the command line. */
  g_subprocess_launcher_setenv (launcher, "KITH_TOKEN", fixture->token, TRUE);
  load = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KITH_LOAD"), "--url", fixture->base_url,
                                      "--mode", "writes", "--connections", "8", "--duration", duration,
                                      NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (load, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (load), ==, 0);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "writes"))
      line = lines[i];
  g_assert_nonnull (line);
  g_test_message ("%s", line);
  /* Nothing refused: every write went through, audited or not. */
  g_assert_nonnull (strstr (line, " 0 failed"));
  g_assert_nonnull (strstr (line, " 0 conflicts"));
  rate = strstr (line, "requests, ");
  g_assert_nonnull (rate);
  return g_ascii_strtod (rate + strlen ("requests, "), NULL);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, values->len / 2);
}

static void
bench_audit (void)
{
  static const char * const no_audit[] = { "--no-audit", NULL };
  g_autoptr(GArray) audited = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) unaudited = g_array_new (FALSE, FALSE, sizeof (double));
  guint rounds = env_uint ("KITH_BENCH_ROUNDS", 5);
  guint seconds = env_uint ("KITH_BENCH_SECONDS", 5);
  double on, off, ratio;

  if (!DEVELOPMENT_BUILD)
    {
      g_test_skip ("--no-audit needs a development build (-Dprofile=development)");
      return;
    }

  for (guint round = 0; round < rounds; round++)
    for (guint pass = 0; pass < 2; pass++)
      {
        /* Alternating which goes first, so neither always has the warmer disk. */
        gboolean audit = (round + pass) % 2 == 0;
        ServerFixture fixture = { 0 };
        double rate;

        fixture_set_up (&fixture, NULL);
        g_free (fixture.data_dir);
        g_free (fixture.db_path);
        fixture.data_dir = g_strdup_printf ("%s/bench-%u-%s", g_get_user_data_dir (), round,
                                            audit ? "audit" : "no-audit");
        fixture.db_path = g_build_filename (fixture.data_dir, "kith-server.db", NULL);
        fixture.extra_args = audit ? NULL : no_audit;
        start_server_with (&fixture, BENCH_PEOPLE);
        rate = run_load (&fixture, seconds);
        g_array_append_val (audit ? audited : unaudited, rate);
        stop_server (&fixture, SIGTERM);
        fixture_tear_down (&fixture, NULL);
      }

  on = median (audited);
  off = median (unaudited);
  ratio = on / off;
  g_print ("AUDIT WRITE THROUGHPUT (%u rounds of %u s, 8 connections, conditional PUTs)\n"
           "  audit on:  median %.0f writes/s\n"
           "  audit off: median %.0f writes/s\n"
           "  ratio:     %.1f%% (target >= %.0f%%)  %s\n",
           rounds, seconds, on, off, ratio * 100, TARGET_RATIO * 100,
           ratio >= TARGET_RATIO ? "PASS" : "FAIL");
  g_assert_cmpfloat (ratio, >=, TARGET_RATIO);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/bench/audit/write-throughput", bench_audit);
  return g_test_run ();
}
