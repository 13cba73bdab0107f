/* kith-bench.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kith-bench --store FILE [--people N] [--queries N] [--app PATH --empty-window PATH]
 * kith-bench --sync [--people N] [--server-binary PATH] [--curl PATH] [--keep DIR] [--edits N]
 *
 * Measures what a clinician waits for: searching the caseload, opening a
 * person, opening the store with its first page, and (under a display)
 * the app's start to its first caseload frame, side by side with an empty
 * libadwaita window started the same way. Wall-clock figures on a shared
 * machine vary; the start-up figure is a ratio measured in one run.
 *
 * With --sync (or "sync" as the first argument) it measures sync instead,
 * against a kith-server it starts: see bench_sync().
 */

#define G_LOG_DOMAIN "kith-bench"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "kith-core.h"
#include "kith-bench-mdt.h"
#include "kith-bench-outcomes.h"

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of nanosecond samples, in milliseconds. */
static double
percentile_ms (GArray *samples,
               double  p)
{
  guint rank;

  if (samples->len == 0)
    return 0;
  g_array_sort (samples, compare_gint64);
  rank = (guint) MAX (1.0, p / 100.0 * samples->len + 0.5);
  return g_array_index (samples, gint64, MIN (rank, samples->len) - 1) / 1e6;
}

static long
peak_rss_kb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static char *
sibling_program (const char *argv0,
                 const char *relative)
{
  g_autofree char *dir = g_path_get_dirname (argv0);

  return g_build_filename (dir, relative, NULL);
}

static gboolean
ensure_store (const char *path,
              int         people,
              const char *argv0)
{
  g_autofree char *demo = sibling_program (argv0, "kith-demo");
  g_autofree char *people_arg = g_strdup_printf ("%d", people);
  g_autoptr(GError) error = NULL;
  const char *args[] = { demo, "--people", people_arg, "--seed", "1", "--out", path, NULL };
  int status = 0;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  g_print ("Making a demo store of %d people with %s…\n", people, demo);
  if (!g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("kith-bench: cannot make the demo store: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

/* A realistic mix: family-name prefixes of 2–6 letters, "given family"
 * prefixes, whole NHS numbers with and without spaces, and their first
 * 6–9 digits. Drawn from the store's own people with a fixed seed. */
static GPtrArray *
make_queries (KithCaseload *caseload,
              guint         n)
{
  GPtrArray *queries = g_ptr_array_new_with_free_func (g_free);
  guint n_people = g_list_model_get_n_items (G_LIST_MODEL (caseload));
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);

  for (guint i = 0; i < n && n_people > 0; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload),
                                                                  g_rand_int_range (rand, 0, n_people));
      const char *list_name = kith_caseload_entry_get_list_name (entry);
      const char *nhs = kith_caseload_entry_get_nhs_number (entry);
      g_autofree char *family = g_utf8_strdown (list_name, strcspn (list_name, ","));
      const char *given = strstr (list_name, ", ") ? strstr (list_name, ", ") + 2 : "";
      int kind = g_rand_int_range (rand, 0, 100);
      glong family_len = g_utf8_strlen (family, -1);

      if (kind < 40)
        g_ptr_array_add (queries, g_utf8_substring (family, 0, MIN (family_len, g_rand_int_range (rand, 2, 7))));
      else if (kind < 55)
        {
          g_autofree char *g = g_utf8_substring (given, 0, MIN (g_utf8_strlen (given, -1), g_rand_int_range (rand, 1, 4)));
          g_autofree char *f = g_utf8_substring (family, 0, MIN (family_len, g_rand_int_range (rand, 2, 5)));
          g_ptr_array_add (queries, g_strdup_printf ("%s %s", g, f));
        }
      else if (kind < 80)
        g_ptr_array_add (queries, g_strdup (nhs));
      else if (kind < 90)
        {
          GString *digits = g_string_new (NULL);
          for (const char *p = nhs; *p; p++)
            if (*p != ' ')
              g_string_append_c (digits, *p);
          g_ptr_array_add (queries, g_string_free (digits, FALSE));
        }
      else
        {
          GString *digits = g_string_new (NULL);
          int keep = g_rand_int_range (rand, 6, 10);
          for (const char *p = nhs; *p && (int) digits->len < keep; p++)
            if (*p != ' ')
              g_string_append_c (digits, *p);
          g_ptr_array_add (queries, g_string_free (digits, FALSE));
        }
    }
  return queries;
}

static void
bench_search (KithStore    *store,
              KithCaseload *caseload,
              guint         n_queries)
{
  g_autoptr(GPtrArray) queries = make_queries (caseload, n_queries);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) short_samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint64 total_hits = 0;

  for (guint i = 0; i < queries->len; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t0 = now_ns (), dt;
      /* What the window does on a keystroke: search, then read the rows a
       * screen shows. */
      g_autoptr(GArray) found = NULL;

      kith_caseload_set_query (caseload, queries->pdata[i]);
      for (guint r = 0; r < MIN (30, g_list_model_get_n_items (G_LIST_MODEL (caseload))); r++)
        g_object_unref (g_list_model_get_item (G_LIST_MODEL (caseload), r));
      dt = now_ns () - t0;
      g_array_append_val (samples, dt);
      if (g_utf8_strlen (queries->pdata[i], -1) <= 2)
        g_array_append_val (short_samples, dt);
      found = kith_store_search_patients (store, queries->pdata[i], 500, NULL, &error);
      total_hits += found ? found->len : 0;
    }
  kith_caseload_set_query (caseload, NULL);

  g_print ("search (%u mixed queries, search + first 30 rows): p50 %.2f ms, p95 %.2f ms, max %.2f ms (mean %.0f matches)\n",
           samples->len, percentile_ms (samples, 50), percentile_ms (samples, 95),
           percentile_ms (samples, 100), (double) total_hits / MAX (1, queries->len));
  if (short_samples->len)
    g_print ("  of which %u two-letter queries: p50 %.2f ms, p95 %.2f ms\n", short_samples->len,
             percentile_ms (short_samples, 50), percentile_ms (short_samples, 95));
}

static void
bench_open_person (KithStore    *store,
                   KithCaseload *caseload)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint n_people = g_list_model_get_n_items (G_LIST_MODEL (caseload));

  for (guint i = 0; i < 1000 && n_people > 0; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload),
                                                                  g_rand_int_range (rand, 0, n_people));
      g_autoptr(GError) error = NULL;
      gint64 t0 = now_ns (), dt;
      /* Opening a person: the Patient and what the record page lists. */
      g_autoptr(KithPatient) patient = kith_store_load_patient (store, kith_caseload_entry_get_id (entry), &error);
      g_autoptr(GPtrArray) conditions = kith_store_list_for_patient (store, "Condition",
                                                                     kith_caseload_entry_get_id (entry), &error);
      g_autoptr(GPtrArray) carers = kith_store_list_for_patient (store, "RelatedPerson",
                                                                 kith_caseload_entry_get_id (entry), &error);

      dt = now_ns () - t0;
      if (patient == NULL)
        g_printerr ("kith-bench: cannot open a person: %s\n", error->message);
      g_array_append_val (samples, dt);
    }
  g_print ("open person (Patient + conditions + carers, 1000 people): p50 %.3f ms, p95 %.3f ms, max %.3f ms\n",
           percentile_ms (samples, 50), percentile_ms (samples, 95), percentile_ms (samples, 100));
}

/* The co-ordinator's filters (issue 6): every combination, with a name, a
 * team, some tiers and a search now and then, each with all its counts. The first
 * call reads the patient index into memory; it is timed on its own. */
static void
bench_filters (KithStore    *store,
               KithCaseload *caseload)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) new_search = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree char *coordinator = NULL;
  static const char * const queries[] = { NULL, "s", "mar", "999 0", "a", "smi" };
  gint64 t0, first;

  for (guint i = 0; coordinator == NULL && i < g_list_model_get_n_items (G_LIST_MODEL (caseload)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), i);

      coordinator = g_strdup (kith_caseload_entry_get_coordinator (entry));
    }

  t0 = now_ns ();
  {
    KithCaseloadFilterSpec spec = { KITH_CASELOAD_FILTER_REVIEW_OVERDUE, NULL, 0, NULL };
    g_autoptr(GArray) shown = kith_store_filter_patients (store, NULL, &spec, NULL, NULL);
  }
  first = now_ns () - t0;

  /* As a co-ordinator works: a search (or none), then filters turned on
   * and off over it. The first call for a new search text also runs the
   * search; each later one is a filter change. */
  for (guint i = 0; i < 500; i++)
    {
      guint counts[KITH_CASELOAD_N_FILTERS];
      KithCaseloadFilterSpec spec = { i % (1u << KITH_CASELOAD_N_FILTERS), coordinator,
                                      (guint) g_rand_int_range (rand, 1, 16), NULL, "North locality team" };
      const char *query = queries[(i / 20) % G_N_ELEMENTS (queries)];
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) shown = NULL;
      gint64 dt;

      t0 = now_ns ();
      shown = kith_store_filter_patients (store, query, &spec, counts, &error);
      dt = now_ns () - t0;
      if (shown == NULL)
        g_printerr ("kith-bench: filtering failed: %s\n", error->message);
      g_array_append_val (i % 20 == 0 ? new_search : samples, dt);
    }
  g_print ("caseload filter change with all counts (475 changes over 25 searches): p50 %.2f ms, p95 %.2f ms, "
           "max %.2f ms (first, reading the index: %.1f ms)\n",
           percentile_ms (samples, 50), percentile_ms (samples, 95), percentile_ms (samples, 100), first / 1e6);
  g_print ("  the first call for a new search text, which searches too (25): p50 %.2f ms, p95 %.2f ms, max %.2f ms\n",
           percentile_ms (new_search, 50), percentile_ms (new_search, 95), percentile_ms (new_search, 100));
}

/* "My tasks" (issue 6): the professionals who own the most open actions,
 * as the caseload's biggest co-ordinators, each listed 200 times. */
static void
bench_tasks (KithStore *store)
{
  g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open_v2 (kith_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT owner FROM plan_action GROUP BY owner_key ORDER BY count(*) DESC LIMIT 3",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("kith-bench: cannot read the plan actions: %s\n", db ? sqlite3_errmsg (db) : "no memory");
      sqlite3_close (db);
      return;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (owners, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  for (guint o = 0; o < owners->len; o++)
    {
      g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
      KithCaseloadFilterSpec mine = { KITH_CASELOAD_FILTER_MINE, owners->pdata[o], 0, NULL, NULL };
      g_autoptr(GArray) people = kith_store_filter_patients (store, NULL, &mine, NULL, NULL);
      guint n_tasks = 0;

      for (guint i = 0; i < 200; i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) tasks = NULL;
          gint64 t0 = now_ns (), dt;

          tasks = kith_store_list_tasks (store, owners->pdata[o], NULL, &error);
          dt = now_ns () - t0;
          if (tasks == NULL)
            {
              g_printerr ("kith-bench: my tasks failed: %s\n", error->message);
              return;
            }
          n_tasks = tasks->len;
          g_array_append_val (samples, dt);
        }
      g_print ("my tasks for a co-ordinator of %u people (%u open actions): p50 %.2f ms, p95 %.2f ms, max %.2f ms\n",
               people ? people->len : 0, n_tasks,
               percentile_ms (samples, 50), percentile_ms (samples, 95), percentile_ms (samples, 100));
    }
}

/* Starts @program with @envp and waits for its "first-frame" line. Returns
 * the wall time from spawn to that line in ms, and the child's peak RSS. */
static double
time_first_frame (const char  *program,
                  const char  *profile,
                  long        *rss_kb)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "KITH_BENCH_FIRST_FRAME", "1", TRUE);
  /* The empty window takes no options: only the app gets a profile. */
  const char *args[] = { program, profile ? "--profile" : NULL, profile, NULL };
  GPid pid;
  int out_fd;
  gint64 t0 = now_ns ();
  double elapsed = -1;
  char buffer[4096];
  gsize used = 0;
  struct rusage usage;
  int status;

  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "memory", TRUE);
  if (!g_spawn_async_with_pipes (NULL, (char **) args, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &pid, NULL, &out_fd, NULL, &error))
    {
      g_printerr ("kith-bench: cannot start %s: %s\n", program, error->message);
      return -1;
    }
  for (;;)
    {
      gssize n = read (out_fd, buffer + used, sizeof buffer - 1 - used);

      if (n <= 0)
        break;
      used += n;
      buffer[used] = '\0';
      if (strstr (buffer, "first-frame") && strchr (strstr (buffer, "first-frame"), '\n'))
        {
          elapsed = (now_ns () - t0) / 1e6;
          break;
        }
      if (used >= sizeof buffer - 1)
        used = 0;
    }
  close (out_fd);
  /* The program quits by itself after its first frame. */
  wait4 (pid, &status, 0, &usage);
  g_spawn_close_pid (pid);
  if (rss_kb)
    *rss_kb = usage.ru_maxrss;
  return elapsed;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median_of (GArray *values)
{
  if (values->len == 0)
    return -1;
  g_array_sort (values, compare_double);
  return g_array_index (values, double, values->len / 2);
}

static void
bench_app_start (const char *app,
                 const char *empty_window,
                 const char *store_path,
                 int         runs)
{
  g_autofree char *profile = g_dir_make_tmp ("kith-bench-profile-XXXXXX", NULL);
  g_autofree char *link = g_build_filename (profile, "kith.db", NULL);
  g_autofree char *absolute = g_canonicalize_filename (store_path, NULL);
  g_autoptr(GArray) app_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty_ms = g_array_new (FALSE, FALSE, sizeof (double));
  long app_rss = 0, rss = 0, empty_rss = 0, empty_rss_max = 0;

  /* The app opens PROFILE/kith.db: point it at the benchmark store. */
  if (symlink (absolute, link) != 0)
    {
      g_printerr ("kith-bench: cannot link the store into a profile\n");
      return;
    }

  /* Warm the page cache once, then alternate, so neither side is favoured. */
  time_first_frame (app, profile, NULL);
  time_first_frame (empty_window, NULL, NULL);
  for (int i = 0; i < runs; i++)
    {
      double a = time_first_frame (app, profile, &rss);
      double e = time_first_frame (empty_window, NULL, &empty_rss);

      app_rss = MAX (app_rss, rss);
      empty_rss_max = MAX (empty_rss_max, empty_rss);
      if (a > 0)
        g_array_append_val (app_ms, a);
      if (e > 0)
        g_array_append_val (empty_ms, e);
    }
  {
    double a = median_of (app_ms), e = median_of (empty_ms);

    g_print ("app start to first caseload frame: median %.0f ms; empty libadwaita window: median %.0f ms; "
             "ratio %.2f (target ≤ 1.5) over %d runs each\n", a, e, e > 0 ? a / e : -1, runs);
    g_print ("app peak RSS with this store: %.1f MB (the empty libadwaita window: %.1f MB)\n",
             app_rss / 1024.0, empty_rss_max / 1024.0);
  }
  g_unlink (link);
  g_rmdir (profile);
}

static void
answer_code (KithAssessment *assessment,
             const char     *instrument,
             const char     *link_id,
             const char     *code)
{
  g_autoptr(GError) error = NULL;
  KithAnswer answer = { KITH_ANSWER_CODE };

  answer.code = (char *) code;
  if (!kith_assessment_set_answer (assessment, instrument, link_id, &answer, &error))
    g_error ("bench: %s", error->message);
}

static void
answer_other (KithAssessment *assessment,
              const char     *instrument,
              const char     *link_id,
              KithAnswerKind  kind,
              int             integer,
              const char     *text)
{
  g_autoptr(GError) error = NULL;
  KithAnswer answer = { kind };

  answer.integer = integer;
  answer.text = (char *) text;
  if (!kith_assessment_set_answer (assessment, instrument, link_id, &answer, &error))
    g_error ("bench: %s", error->message);
}

/* One whole assessment, every domain answered, as a co-ordinator would. */
static void
complete_assessment (KithAssessment *assessment,
                     guint           round)
{
  static const char * const outcomes[] = {
    "nutrition", "hygiene", "toilet", "clothing", "home-safety", "habitable-home",
    "relationships", "work", "community", "caring-for-child",
  };
  static const char * const phq[] = { "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9" };
  g_autoptr(GError) error = NULL;
  g_autofree char *matters = g_strdup_printf ("Seeing my family, round %u", round);

  for (guint d = 0; d < 7; d++)
    {
      static const char * const domains[] = { "about-me", "health", "daily-living", "emotional", "practical", "carer", "risk" };
      kith_assessment_confirm_domain (assessment, domains[d], NULL);
    }
  answer_other (assessment, "about-me", "what-matters", KITH_ANSWER_TEXT, 0, matters);
  answer_other (assessment, "about-me", "good-day", KITH_ANSWER_TEXT, 0, "Up early, a walk to the shop");
  answer_other (assessment, "health", "conditions", KITH_ANSWER_TEXT, 0, "Heart failure, type 2 diabetes");
  answer_code (assessment, "health", "falls", round % 2 ? "one" : "none");
  answer_other (assessment, "pain", "pain-now", KITH_ANSWER_INTEGER, round % 8, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    answer_code (assessment, "care-act-outcomes", outcomes[i], i == round % 10 ? "needs-help" : "achieves");
  answer_other (assessment, "care-act-outcomes", "wellbeing-impact", KITH_ANSWER_BOOLEAN, 0, NULL);
  answer_code (assessment, "social", "housing", "rented");
  answer_code (assessment, "phq-2", "phq2-1", phq[round % 4]);
  answer_code (assessment, "phq-2", "phq2-2", phq[(round + 1) % 4]);
  answer_code (assessment, "gad-2", "gad2-1", phq[round % 2]);
  answer_code (assessment, "gad-2", "gad2-2", phq[0]);
  answer_other (assessment, "distress", "distress", KITH_ANSWER_INTEGER, round % 10, NULL);
  answer_other (assessment, "practical", "equipment", KITH_ANSWER_TEXT, 0, "Perching stool, grab rails");
  answer_other (assessment, "carer", "has-carer", KITH_ANSWER_BOOLEAN, 1, NULL);
  answer_code (assessment, "carer", "carer-able", "yes");
  answer_other (assessment, "crisis", "who-to-call", KITH_ANSWER_TEXT, 0, "Daughter, 07700 900456, any hour");
  if (!kith_assessment_complete (assessment, &error))
    g_error ("bench: %s", error->message);
}

static void
bench_assessment (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-bench-assessment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_autoptr(KithStore) store = kith_store_open (path, &error);
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(GArray) score_ns = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) save_ns = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) open_ns = g_array_new (FALSE, FALSE, sizeof (gint64));
  KithInstrumentLibrary *library = kith_instrument_library_get_default ();
  KithInstrument *phq9 = kith_instrument_library_lookup (library, "phq-9");
  g_autoptr(KithAnswerSet) answers = kith_answer_set_new (phq9);
  static const char * const phq[] = { "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9" };

  if (store == NULL)
    g_error ("bench: %s", error->message);

  /* Scoring one PHQ-9: 10,000 times, each timed. */
  for (guint i = 0; i < 9; i++)
    {
      g_autofree char *link_id = g_strdup_printf ("phq9-%u", i + 1);
      KithAnswer answer = { KITH_ANSWER_CODE, (char *) phq[i % 4] };

      kith_answer_set_put (answers, link_id, &answer);
    }
  for (guint i = 0; i < 10000; i++)
    {
      gint64 t0 = now_ns (), dt;
      g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);

      dt = now_ns () - t0;
      g_array_append_val (score_ns, dt);
    }
  g_print ("score one PHQ-9 (10,000 times): p50 %.1f µs, p95 %.1f µs\n",
           percentile_ms (score_ns, 50) * 1000, percentile_ms (score_ns, 95) * 1000);

  kith_patient_set_family (patient, "Bench");
  kith_patient_set_given (patient, "Person");
  if (!kith_store_save_patient (store, patient, &error))
    g_error ("bench: %s", error->message);

  /* Twenty prior assessments, every domain answered; each answer timed. */
  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(KithAssessment) assessment = kith_assessment_start (store, kith_patient_get_id (patient), "Bench", &error);

      if (assessment == NULL)
        g_error ("bench: %s", error->message);
      complete_assessment (assessment, round);
    }
  {
    g_autoptr(KithAssessment) assessment = kith_assessment_start (store, kith_patient_get_id (patient), "Bench", &error);

    for (guint i = 0; i < 300; i++)
      {
        gint64 t0 = now_ns (), dt;

        answer_code (assessment, "phq-2", "phq2-1", phq[i % 4]);
        dt = now_ns () - t0;
        g_array_append_val (save_ns, dt);
      }
    kith_assessment_pause (assessment, NULL);
    /* Opening: start a new one (finds the last, prefills every domain)
     * and reopen a paused one, alternately. */
    for (guint i = 0; i < 50; i++)
      {
        gint64 t0 = now_ns (), dt;
        g_autoptr(KithAssessment) opened = kith_assessment_open (store, kith_assessment_get_id (assessment), &error);

        dt = now_ns () - t0;
        if (opened == NULL)
          g_error ("bench: %s", error->message);
        g_array_append_val (open_ns, dt);
      }
  }
  g_print ("save one answer (synchronous=FULL, 300 answers): p50 %.2f ms, p95 %.2f ms\n",
           percentile_ms (save_ns, 50), percentile_ms (save_ns, 95));
  g_print ("open a 7-domain assessment with prefill, 20 prior assessments (50 times): p50 %.1f ms, p95 %.1f ms\n",
           percentile_ms (open_ns, 50), percentile_ms (open_ns, 95));
  {
    g_autoptr(GArray) start_ns = g_array_new (FALSE, FALSE, sizeof (gint64));

    for (guint i = 0; i < 20; i++)
      {
        gint64 t0 = now_ns (), dt;
        g_autoptr(KithAssessment) started = kith_assessment_start (store, kith_patient_get_id (patient), "Bench", &error);

        dt = now_ns () - t0;
        g_array_append_val (start_ns, dt);
      }
    g_print ("start a new assessment prefilled from the last of 20 (20 times): p50 %.1f ms, p95 %.1f ms\n",
             percentile_ms (start_ns, 50), percentile_ms (start_ns, 95));
  }
  g_clear_object (&store);
  if (system (cmd) != 0)
    g_printerr ("kith-bench: could not remove %s\n", dir);
}

/* --- sync (issue 5, "Performance") ------------------------------------------
 *
 * kith-bench --sync [--people N] [--server-binary PATH] [--curl PATH] [--keep DIR]
 *
 * Starts a real kith-server with a demo caseload on loopback and measures:
 *
 *  - the limit: the same system-history pages the client reads (_count=200,
 *    following next links), fetched by one curl process over one
 *    connection, plus a bare bulk insert of the same rows (type, id,
 *    version, json) into a fresh sqlite file: one transaction, one prepared
 *    statement, the store's journal (WAL) and synchronous=FULL;
 *  - the initial sync of an empty store (kith_sync_client_sync) against it;
 *  - where that time goes, by re-enacting the client's pull step by step
 *    (fetch, parse, per-entry checks, store import by type, commit);
 *  - incremental sync of one changed care plan: push and pull round trips.
 *
 * Targets (issue 5): initial sync ≥ 50% of the limit's throughput measured
 * in the same run; one changed plan's round trip ≤ 50 ms on loopback. */

#define SYNC_PAGE_SIZE        200   /* PAGE_SIZE in src/core/kith-sync.c */
#define SYNC_TARGET_RATIO     0.5
#define SYNC_TARGET_ROUND_MS  50.0

static double
ns_to_s (gint64 ns)
{
  return ns / 1e9;
}

static gboolean
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return g_remove (path) == 0 || !g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK);
  dir = g_dir_open (path, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_clear_pointer (&dir, g_dir_close);
  return g_rmdir (path) == 0;
}

/* Removes PATH and its -wal/-shm companions. */
static void
remove_sqlite_file (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* --- the server ------------------------------------------------------------ */

/* The server wants a signed-in user. The benchmark makes one with a random
 * password (given on a pipe) and keeps the token here, in memory only. */
#define SYNC_BENCH_USER "bench.sync"
static char *sync_token;

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  char             *base_url;
  gint64            start_ns;
} BenchServer;

/* SYNC_BENCH_USER in @data_dir (made, or given a new password when the
 * store was kept), with @password. */
static gboolean
bench_server_set_user (const char  *binary,
                       const char  *data_dir,
                       const char  *password,
                       GError     **error)
{
  const char *add[] = { binary, "user", "add", "--data", data_dir, "--role", "co-ordinator", "--name",
                        "Sync benchmark", "--team", "North locality team", SYNC_BENCH_USER, NULL };
  const char *passwd[] = { binary, "user", "passwd", "--data", data_dir, SYNC_BENCH_USER, NULL };
  g_autofree char *db = g_build_filename (data_dir, "kith-server.db", NULL);
  g_autofree char *input = g_strconcat (password, "\n", NULL);
  gboolean exists = FALSE;

  if (g_file_test (db, G_FILE_TEST_EXISTS))
    {
      const char *list[] = { binary, "user", "list", "--data", data_dir, NULL };
      g_autoptr(GSubprocess) lister = g_subprocess_newv (list, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                         G_SUBPROCESS_FLAGS_STDERR_SILENCE, error);
      g_autofree char *out = NULL;

      if (lister == NULL || !g_subprocess_communicate_utf8 (lister, NULL, NULL, &out, NULL, error))
        return FALSE;
      exists = out != NULL && strstr (out, SYNC_BENCH_USER " ") != NULL;
    }
  {
    g_autoptr(GSubprocess) process = g_subprocess_newv (exists ? passwd : add,
                                                        G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE, error);

    if (process == NULL || !g_subprocess_communicate_utf8 (process, input, NULL, NULL, NULL, error))
      return FALSE;
    if (!g_subprocess_get_successful (process))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "kith-server user %s failed",
                     exists ? "passwd" : "add");
        return FALSE;
      }
  }
  return TRUE;
}

/* An Authorization header for a benchmark request. */
static void
add_sync_token (SoupMessage *message)
{
  g_autofree char *value = g_strconcat ("Bearer ", sync_token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", value);
}

static gboolean
bench_server_start (BenchServer  *server,
                    const char   *binary,
                    const char   *data_dir,
                    int           people,
                    const char   *log_path,
                    GError      **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *people_arg = g_strdup_printf ("%d", people);
  const char *args[] = { binary, "--data", data_dir, "--listen", "127.0.0.1:0",
                         "--demo-people", people_arg, "--demo-seed", "1", NULL };
  g_autofree char *password = g_strdup_printf ("bench-%08x-%08x-%08x", g_random_int (),
                                               g_random_int (), g_random_int ());
  gint64 t0;

  if (!bench_server_set_user (binary, data_dir, password, error))
    return FALSE;
  t0 = now_ns ();
  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
  server->process = g_subprocess_launcher_spawnv (launcher, args, error);
  if (server->process == NULL)
    return FALSE;
  server->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (server->out, NULL, NULL, error);
      const char *found;

      if (line == NULL)
        {
          if (error && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "kith-server stopped before listening; see %s", log_path);
          return FALSE;
        }
      if ((found = strstr (line, "listening on ")) != NULL)
        {
          server->base_url = g_strdup (g_strstrip (strstr (found, " on ") + 4));
          break;
        }
    }
  server->start_ns = now_ns () - t0;

  /* Signed in as the app would be. */
  {
    g_autoptr(KithSyncClient) signer = kith_sync_client_new (NULL, server->base_url);

    if (!kith_sync_client_sign_in (signer, SYNC_BENCH_USER, password, NULL, error))
      return FALSE;
    g_free (sync_token);
    sync_token = kith_sync_client_dup_token (signer);
  }
  return TRUE;
}

static void
on_server_exited (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

/* SIGTERM, then up to 30 s for a clean exit, then SIGKILL. Returns a
 * description of how it ended. */
static char *
bench_server_stop (BenchServer *server)
{
  gboolean done = FALSE;
  gint64 deadline;
  char *how;

  if (server->process == NULL)
    return g_strdup ("not started");
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait_async (server->process, NULL, on_server_exited, &done);
  deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  while (!done && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10000);
  if (!done)
    {
      g_subprocess_force_exit (server->process);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      how = g_strdup ("did not stop within 30 s of SIGTERM: killed");
    }
  else if (g_subprocess_get_if_exited (server->process))
    how = g_strdup_printf ("SIGTERM: exited with status %d%s", g_subprocess_get_exit_status (server->process),
                           g_subprocess_get_exit_status (server->process) == 0 ? " (clean)" : "");
  else
    how = g_strdup_printf ("SIGTERM: ended by signal %d", g_subprocess_get_term_sig (server->process));
  g_clear_object (&server->out);
  g_clear_object (&server->process);
  g_clear_pointer (&server->base_url, g_free);
  g_clear_pointer (&sync_token, g_free);
  return how;
}

/* --- walking the history as the client does ----------------------------------- */

typedef struct
{
  GPtrArray  *urls;          /* each page's absolute URL, in order */
  guint64     bytes;
  guint       pages;
  guint       versions;      /* entries with a resource */
  guint       deletions;
  GHashTable *by_type;       /* type → count */
  GPtrArray  *resources;     /* JsonObject, when kept */
  gint64      fetch_ns;      /* HTTP only */
  gint64      parse_ns;      /* json-glib over each page */
  gint64      check_ns;      /* per entry: re-serialise + kith_fhir_parse_resource */
  gint64      serialize_ns;  /* per resource: kith_fhir_to_string, as a store write does */
  gint64      total_ns;
} Walk;

static void
walk_clear (Walk *walk)
{
  g_clear_pointer (&walk->urls, g_ptr_array_unref);
  g_clear_pointer (&walk->by_type, g_hash_table_unref);
  g_clear_pointer (&walk->resources, g_ptr_array_unref);
}

static char *
bundle_next_link (JsonObject *bundle)
{
  JsonNode *links = json_object_get_member (bundle, "link");

  for (guint i = 0; links && JSON_NODE_HOLDS_ARRAY (links) && i < json_array_get_length (json_node_get_array (links)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (links), i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (kith_fhir_get_string (json_node_get_object (node), "relation"), "next") == 0)
        return g_strdup (kith_fhir_get_string (json_node_get_object (node), "url"));
    }
  return NULL;
}

static void
count_type (GHashTable *by_type,
            const char *type)
{
  gpointer n = g_hash_table_lookup (by_type, type ? type : "?");

  g_hash_table_insert (by_type, g_strdup (type ? type : "?"), GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
}

/* GET base/_history?_count=200 and every next page with libsoup, the way
 * kith-sync.c's walk_pages() does. With @keep, each entry is also checked
 * the way read_entry() does and kept for an import. */
static gboolean
walk_history (const char  *base_url,
              gboolean     keep,
              Walk        *walk,
              GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autoptr(GUri) base = g_uri_parse (base_url, G_URI_FLAGS_ENCODED, error);
  g_autofree char *url = g_strdup_printf ("%s/_history?_count=%d", base_url, SYNC_PAGE_SIZE);
  gint64 start = now_ns ();

  if (base == NULL)
    return FALSE;
  walk->urls = g_ptr_array_new_with_free_func (g_free);
  walk->by_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (keep)
    walk->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  while (url != NULL)
    {
      g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GUri) next_uri = NULL;
      g_autofree char *next = NULL;
      JsonNode *root, *entries;
      gint64 t0;
      gsize length;
      const char *data;

      if (message == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad page URL %s", url);
          return FALSE;
        }
      soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/fhir+json");
      add_sync_token (message);
      t0 = now_ns ();
      body = soup_session_send_and_read (session, message, NULL, error);
      walk->fetch_ns += now_ns () - t0;
      if (body == NULL)
        return FALSE;
      if (soup_message_get_status (message) != 200)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s answered %u", url, soup_message_get_status (message));
          return FALSE;
        }
      g_ptr_array_add (walk->urls, g_strdup (url));
      data = g_bytes_get_data (body, &length);
      walk->bytes += length;
      walk->pages++;

      t0 = now_ns ();
      if (!json_parser_load_from_data (parser, data, length, error))
        return FALSE;
      walk->parse_ns += now_ns () - t0;
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s is not a Bundle", url);
          return FALSE;
        }

      entries = json_object_get_member (json_node_get_object (root), "entry");
      for (guint i = 0; entries && JSON_NODE_HOLDS_ARRAY (entries) && i < json_array_get_length (json_node_get_array (entries)); i++)
        {
          JsonNode *entry = json_array_get_element (json_node_get_array (entries), i);
          JsonNode *resource = JSON_NODE_HOLDS_OBJECT (entry)
                               ? json_object_get_member (json_node_get_object (entry), "resource") : NULL;

          if (resource == NULL || !JSON_NODE_HOLDS_OBJECT (resource))
            {
              walk->deletions++;
              continue;
            }
          walk->versions++;
          count_type (walk->by_type, kith_fhir_get_string (json_node_get_object (resource), "resourceType"));
          if (keep)
            {
              g_autofree char *text = NULL;
              g_autofree char *again = NULL;
              g_autoptr(GError) check_error = NULL;
              JsonObject *checked;

              /* read_entry(): each resource back to text and parsed again
               * with the depth limit and id checks. */
              t0 = now_ns ();
              text = json_to_string (resource, FALSE);
              checked = kith_fhir_parse_resource (text, -1, &check_error);
              walk->check_ns += now_ns () - t0;
              if (checked == NULL)
                continue;
              /* write_version(): each resource to text for the history row. */
              t0 = now_ns ();
              again = kith_fhir_to_string (checked, FALSE);
              walk->serialize_ns += now_ns () - t0;
              g_ptr_array_add (walk->resources, checked);
            }
        }

      next = bundle_next_link (json_node_get_object (root));
      g_clear_pointer (&url, g_free);
      if (next != NULL)
        {
          next_uri = g_uri_parse_relative (base, next, G_URI_FLAGS_ENCODED, error);
          if (next_uri == NULL)
            return FALSE;
          url = g_uri_to_string (next_uri);
        }
    }
  walk->total_ns = now_ns () - start;
  return TRUE;
}

/* --- the limit: curl, then a bare bulk insert ----------------------------------- */

typedef struct
{
  gint64  curl_ns;
  gint64  prepare_ns;   /* reading the rows out of the pages; not in the limit */
  gint64  insert_ns;
  guint64 bytes;
  guint   rows;
} Limit;

typedef struct
{
  char *type, *id, *version, *json;
} Row;

static void
row_free (Row *row)
{
  g_free (row->type);
  g_free (row->id);
  g_free (row->version);
  g_free (row->json);
  g_free (row);
}

static gboolean
measure_limit (const char  *curl,
               GPtrArray   *urls,
               const char  *dir,
               Limit       *limit,
               GError     **error)
{
  g_autofree char *db_path = g_build_filename (dir, "bare.db", NULL);
  g_autoptr(GString) config = g_string_new ("header = \"Accept: application/fhir+json\"\n");
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_autoptr(GSubprocess) fetcher = NULL;
  /* The config, with the token, goes on curl's standard input: not a file. */
  const char *args[] = { curl, "-sS", "--fail", "-K", "-", NULL };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 t0;

  g_string_append_printf (config, "header = \"Authorization: Bearer %s\"\n", sync_token);
  for (guint i = 0; i < urls->len; i++)
    {
      g_autofree char *page = g_strdup_printf ("%s/page-%05u.json", dir, i);
      g_string_append_printf (config, "url = \"%s\"\noutput = \"%s\"\n", (char *) urls->pdata[i], page);
    }

  /* One curl for every page: one process, one kept-alive connection. */
  t0 = now_ns ();
  if (!(fetcher = g_subprocess_newv (args, G_SUBPROCESS_FLAGS_STDIN_PIPE, error)) ||
      !g_subprocess_communicate_utf8 (fetcher, config->str, NULL, NULL, NULL, error))
    return FALSE;
  if (!g_subprocess_get_successful (fetcher))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "curl failed fetching the history pages");
      return FALSE;
    }
  limit->curl_ns = now_ns () - t0;

  /* The rows, out of exactly the bytes curl fetched (not timed). */
  t0 = now_ns ();
  for (guint i = 0; i < urls->len; i++)
    {
      g_autofree char *page = g_strdup_printf ("%s/page-%05u.json", dir, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *contents = NULL;
      gsize length;
      JsonNode *root, *entries;

      if (!g_file_get_contents (page, &contents, &length, error) ||
          !json_parser_load_from_data (parser, contents, length, error))
        return FALSE;
      limit->bytes += length;
      root = json_parser_get_root (parser);
      entries = root && JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "entry") : NULL;
      for (guint e = 0; entries && JSON_NODE_HOLDS_ARRAY (entries) && e < json_array_get_length (json_node_get_array (entries)); e++)
        {
          JsonNode *entry = json_array_get_element (json_node_get_array (entries), e);
          JsonNode *resource = JSON_NODE_HOLDS_OBJECT (entry)
                               ? json_object_get_member (json_node_get_object (entry), "resource") : NULL;
          JsonObject *object;
          Row *row;

          if (resource == NULL || !JSON_NODE_HOLDS_OBJECT (resource))
            continue;
          object = json_node_get_object (resource);
          row = g_new0 (Row, 1);
          row->type = g_strdup (kith_fhir_get_string (object, "resourceType"));
          row->id = g_strdup (kith_fhir_get_string (object, "id"));
          row->version = g_strdup (kith_fhir_get_version_id (object));
          row->json = json_to_string (resource, FALSE);
          g_ptr_array_add (rows, row);
        }
      g_unlink (page);
    }
  limit->prepare_ns = now_ns () - t0;
  limit->rows = rows->len;

  /* The bare insert: a fresh file, the store's journal and durability, one
   * transaction, one prepared statement, no indexes. */
  remove_sqlite_file (db_path);
  t0 = now_ns ();
  if (sqlite3_open (db_path, &db) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                        "CREATE TABLE version (type TEXT NOT NULL, id TEXT NOT NULL,"
                        "  version_id TEXT NOT NULL, json TEXT NOT NULL);"
                        "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT INTO version (type, id, version_id, json) VALUES (?1, ?2, ?3, ?4)",
                          -1, &stmt, NULL) != SQLITE_OK)
    goto sqlite_failed;
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = rows->pdata[i];

      sqlite3_bind_text (stmt, 1, row->type, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, row->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, row->version, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, row->json, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto sqlite_failed;
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto sqlite_failed;
  sqlite3_close (db);
  limit->insert_ns = now_ns () - t0;
  remove_sqlite_file (db_path);
  return TRUE;

sqlite_failed:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "bare insert: %s", db ? sqlite3_errmsg (db) : "cannot open");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return FALSE;
}

/* --- the client's pull, re-enacted: store import by type ------------------------- */

typedef struct
{
  char   *type;
  guint   n;
  gint64  ns;
} TypeCost;

static int
compare_type_cost (gconstpointer a,
                   gconstpointer b)
{
  const TypeCost *x = *(const TypeCost **) a, *y = *(const TypeCost **) b;

  return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void
type_cost_free (TypeCost *cost)
{
  g_free (cost->type);
  g_free (cost);
}

static gboolean
measure_import (GPtrArray   *resources,
                const char  *path,
                GPtrArray   *costs,
                gint64      *open_ns,
                gint64      *import_ns,
                gint64      *commit_ns,
                GError     **error)
{
  g_autoptr(KithStore) store = NULL;
  g_autoptr(GHashTable) by_type = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 t0;

  remove_sqlite_file (path);
  t0 = now_ns ();
  if (!(store = kith_store_open (path, error)) || !kith_store_set_sync_enabled (store, TRUE, error))
    return FALSE;
  *open_ns = now_ns () - t0;

  /* pull(): one transaction, each version imported in turn. */
  t0 = now_ns ();
  if (!kith_store_begin (store, error))
    return FALSE;
  *import_ns = 0;
  for (guint i = 0; i < resources->len; i++)
    {
      JsonObject *resource = resources->pdata[i];
      const char *type = kith_fhir_get_string (resource, "resourceType");
      TypeCost *cost = g_hash_table_lookup (by_type, type);
      gint64 t1 = now_ns (), dt;

      if (!kith_store_import_resource (store, resource, error))
        {
          kith_store_rollback (store);
          return FALSE;
        }
      dt = now_ns () - t1;
      *import_ns += dt;
      if (cost == NULL)
        {
          cost = g_new0 (TypeCost, 1);
          cost->type = g_strdup (type);
          g_hash_table_insert (by_type, cost->type, cost);
          g_ptr_array_add (costs, cost);
        }
      cost->n++;
      cost->ns += dt;
    }
  t0 = now_ns ();
  if (!kith_store_commit (store, error))
    return FALSE;
  *commit_ns = now_ns () - t0;
  g_ptr_array_sort (costs, compare_type_cost);
  g_clear_object (&store);
  remove_sqlite_file (path);
  return TRUE;
}

/* --- incremental ------------------------------------------------------------- */

static char *
find_plan_patient (KithStore *store)
{
  g_autoptr(KithCaseload) caseload = kith_caseload_new (store);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (caseload)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), i);
      g_autoptr(KithCarePlan) plan = kith_care_plan_load_current (store, kith_caseload_entry_get_id (entry), NULL);

      if (plan && kith_care_plan_get_state (plan) != KITH_PLAN_ENDED)
        return g_strdup (kith_caseload_entry_get_id (entry));
    }
  return NULL;
}

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static KithSyncReport *
timed_sync (const char  *store_path,
            const char  *base_url,
            gint64      *ns,
            GError     **error)
{
  g_autoptr(KithSyncClient) client = kith_sync_client_new (store_path, base_url);
  KithSyncReport *report;
  gint64 t0;

  kith_sync_client_set_token (client, sync_token);
  kith_sync_client_set_timeout (client, 120);
  t0 = now_ns ();
  report = kith_sync_client_sync (client, NULL, error);
  *ns = now_ns () - t0;
  return report;
}

/* The fixed costs in one sync cycle, each measured on its own @n times:
 * opening the store (the client opens its own each cycle), GET metadata
 * (read every cycle), the pull's GET _history?_since=now-2s, and one small
 * durable sqlite commit (WAL, synchronous=FULL) on this disk. */
typedef struct
{
  GArray *store_open, *metadata, *history, *commit;
} CycleParts;

static gboolean
timed_get (SoupSession  *session,
           const char   *url,
           GArray       *samples,
           GError      **error)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  gint64 t0 = now_ns (), dt;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/fhir+json");
  add_sync_token (message);
  body = soup_session_send_and_read (session, message, NULL, error);
  dt = now_ns () - t0;
  if (body == NULL)
    return FALSE;
  g_array_append_val (samples, dt);
  return TRUE;
}

static gboolean
measure_cycle_parts (const char  *base_url,
                     const char  *store_path,
                     const char  *dir,
                     guint        n,
                     CycleParts  *parts,
                     GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *metadata = g_strdup_printf ("%s/metadata", base_url);
  g_autofree char *db_path = g_build_filename (dir, "commit.db", NULL);
  sqlite3 *db = NULL;

  parts->store_open = g_array_new (FALSE, FALSE, sizeof (gint64));
  parts->metadata = g_array_new (FALSE, FALSE, sizeof (gint64));
  parts->history = g_array_new (FALSE, FALSE, sizeof (gint64));
  parts->commit = g_array_new (FALSE, FALSE, sizeof (gint64));

  remove_sqlite_file (db_path);
  if (sqlite3_open (db_path, &db) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                        "CREATE TABLE t (x INTEGER)", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "commit probe: %s", db ? sqlite3_errmsg (db) : "cannot open");
      sqlite3_close (db);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) since = g_date_time_add_seconds (now, -2);
      g_autofree char *instant = kith_fhir_format_instant (since);
      g_autofree char *escaped = g_uri_escape_string (instant, NULL, TRUE);
      g_autofree char *history = g_strdup_printf ("%s/_history?_since=%s&_count=%d", base_url, escaped, SYNC_PAGE_SIZE);
      gint64 t0 = now_ns (), dt;
      KithStore *store = kith_store_open (store_path, error);

      if (store == NULL)
        break;
      g_object_unref (store);
      dt = now_ns () - t0;
      g_array_append_val (parts->store_open, dt);
      if (!timed_get (session, metadata, parts->metadata, error) ||
          !timed_get (session, history, parts->history, error))
        break;
      t0 = now_ns ();
      if (sqlite3_exec (db, "INSERT INTO t VALUES (1)", NULL, NULL, NULL) != SQLITE_OK)
        break;
      dt = now_ns () - t0;
      g_array_append_val (parts->commit, dt);
    }
  sqlite3_close (db);
  remove_sqlite_file (db_path);
  return error == NULL || *error == NULL;
}

static void
cycle_parts_clear (CycleParts *parts)
{
  g_clear_pointer (&parts->store_open, g_array_unref);
  g_clear_pointer (&parts->metadata, g_array_unref);
  g_clear_pointer (&parts->history, g_array_unref);
  g_clear_pointer (&parts->commit, g_array_unref);
}

static const char *
verdict (gboolean pass)
{
  return pass ? "PASS" : "FAIL";
}

static int
bench_sync (const char *argv0,
            int         people,
            const char *server_binary,
            const char *curl,
            const char *keep,
            int         edits,
            gboolean    strict)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *server_dir = NULL;
  g_autofree char *limit_dir = NULL;
  g_autofree char *client_dir = NULL;
  g_autofree char *client_path = NULL;
  g_autofree char *model_path = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *server_program = NULL;
  g_autofree char *curl_program = NULL;
  g_autofree char *stopped = NULL;
  g_autofree char *patient = NULL;
  g_autoptr(KithSyncReport) initial = NULL;
  g_autoptr(GPtrArray) costs = g_ptr_array_new_with_free_func ((GDestroyNotify) type_cost_free);
  g_autoptr(GArray) rounds = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) saves = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(KithStore) store = NULL;
  BenchServer server = { 0 };
  CycleParts parts = { 0 };
  gboolean kept_store;
  Walk warm = { 0 }, model = { 0 };
  Limit limit = { 0 };
  gint64 sync_ns = 0, idle_ns = 0, idle2_ns = 0, first_round_ns = 0, open_ns = 0, import_ns = 0, commit_ns = 0;
  guint first_round_pulled = 0, idle_pulled = 0, steady_pulled = 0, steady_pushed = 0;
  gint64 held = -1;
  long rss_before, rss_after;
  double limit_rate = 0, sync_rate, ratio = -1, p50 = 0, p95 = 0, pmax = 0;
  gboolean ok = FALSE, ratio_pass = FALSE, round_pass = FALSE;

  server_program = server_binary ? g_strdup (server_binary) : sibling_program (argv0, "../server/kith-server");
  curl_program = curl ? g_strdup (curl) : g_find_program_in_path ("curl");
  if (!g_file_test (server_program, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("kith-bench: no kith-server at %s (use --server-binary)\n", server_program);
      return 1;
    }
  if (curl_program == NULL)
    g_print ("curl is not installed: the limit cannot be measured (install the curl package)\n");

  if (keep)
    {
      dir = g_canonicalize_filename (keep, NULL);
      g_mkdir_with_parents (dir, 0700);
    }
  else if (!(dir = g_dir_make_tmp ("kith-bench-sync-XXXXXX", &error)))
    goto out;
  server_dir = g_build_filename (dir, "server", NULL);
  limit_dir = g_build_filename (dir, "limit", NULL);
  client_dir = g_build_filename (dir, "client", NULL);
  client_path = g_build_filename (client_dir, "kith.db", NULL);
  model_path = g_build_filename (limit_dir, "model.db", NULL);
  log_path = g_build_filename (dir, "server.log", NULL);
  /* The server's store may be kept between runs (its demo fill is skipped
   * then, but it holds the earlier runs' plan edits, which moves the pull
   * cursor: the nothing-changed and first-edit cycles are then not those
   * of a freshly filled server); the client's and the limit's never are. */
  remove_tree (client_dir);
  remove_tree (limit_dir);
  g_mkdir_with_parents (client_dir, 0700);
  g_mkdir_with_parents (limit_dir, 0700);

  g_print ("Sync benchmark: %d people, kith-server %s, working in %s\n", people, server_program, dir);
  kept_store = g_file_test (server_dir, G_FILE_TEST_IS_DIR);
  if (!bench_server_start (&server, server_program, server_dir, people, log_path, &error))
    goto out;
  g_print ("  server up at %s after %.1f s\n", server.base_url, ns_to_s (server.start_ns));

  /* Count what there is, and warm the server's cache for everyone alike. */
  if (!walk_history (server.base_url, FALSE, &warm, &error))
    goto out;

  /* Initial sync of an empty store. */
  {
    g_autoptr(KithStore) fresh = kith_store_open (client_path, &error);

    if (fresh == NULL || !kith_store_set_sync_enabled (fresh, TRUE, &error))
      goto out;
  }
  rss_before = peak_rss_kb ();
  if (!(initial = timed_sync (client_path, server.base_url, &sync_ns, &error)))
    goto out;
  rss_after = peak_rss_kb ();
  held = count_rows (client_path, "SELECT count(*) FROM resource_history");
  sync_rate = warm.versions / ns_to_s (sync_ns);

  /* The limit. */
  if (curl_program && !measure_limit (curl_program, warm.urls, limit_dir, &limit, &error))
    goto out;
  if (curl_program)
    {
      limit_rate = limit.rows / ns_to_s (limit.curl_ns + limit.insert_ns);
      ratio = sync_rate / limit_rate;
      ratio_pass = ratio >= SYNC_TARGET_RATIO;
    }

  /* Where the time goes: the pull's steps, one at a time. */
  if (!walk_history (server.base_url, TRUE, &model, &error) ||
      !measure_import (model.resources, model_path, costs, &open_ns, &import_ns, &commit_ns, &error))
    goto out;
  g_clear_pointer (&model.resources, g_ptr_array_unref);

  /* Incremental. First, cycles with nothing changed. */
  {
    g_autoptr(KithSyncReport) idle = timed_sync (client_path, server.base_url, &idle_ns, &error);
    g_autoptr(KithSyncReport) idle2 = NULL;

    if (idle == NULL)
      goto out;
    idle_pulled = idle->pulled;
    if (!(idle2 = timed_sync (client_path, server.base_url, &idle2_ns, &error)))
      goto out;
  }
  if (!(store = kith_store_open (client_path, &error)))
    goto out;
  if (!(patient = find_plan_patient (store)))
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no person with a current care plan");
      goto out;
    }
  for (int round = 0; round <= edits; round++)
    {
      g_autoptr(KithCarePlan) plan = kith_care_plan_load_current (store, patient, &error);
      g_autoptr(KithSyncReport) report = NULL;
      g_autofree char *text = g_strdup_printf ("Getting to the allotment again (benchmark edit %d)", round);
      gint64 t0, dt;

      if (plan == NULL)
        goto out;
      kith_care_plan_set_what_matters (plan, text);
      t0 = now_ns ();
      if (!kith_care_plan_save (plan, store, "Benchmark", &error))
        goto out;
      dt = now_ns () - t0;
      g_array_append_val (saves, dt);
      if (!(report = timed_sync (client_path, server.base_url, &dt, &error)))
        goto out;
      if (report->pushed < 1 || report->conflicts->len || report->rejected->len)
        g_print ("  round %d: pushed %u, %u conflicts, %u rejected\n", round, report->pushed,
                 report->conflicts->len, report->rejected->len);
      /* Round 0 is the first edit after the initial sync; the rest are the
       * steady state. */
      if (round == 0)
        {
          first_round_ns = dt;
          first_round_pulled = report->pulled;
        }
      else
        {
          g_array_append_val (rounds, dt);
          steady_pulled += report->pulled;
          steady_pushed += report->pushed;
        }
    }
  g_clear_object (&store);
  if (!measure_cycle_parts (server.base_url, client_path, limit_dir, 20, &parts, &error))
    goto out;
  if (rounds->len)
    {
      p50 = percentile_ms (rounds, 50);
      p95 = percentile_ms (rounds, 95);
      pmax = percentile_ms (rounds, 100);
      round_pass = p95 <= SYNC_TARGET_ROUND_MS && first_round_ns / 1e6 <= SYNC_TARGET_ROUND_MS;
    }
  ok = TRUE;

out:
  stopped = bench_server_stop (&server);
  if (!ok)
    {
      g_printerr ("kith-bench: sync benchmark failed: %s\n", error ? error->message : "unknown error");
      g_printerr ("  (server: %s; its log: %s)\n", stopped, log_path ? log_path : "none");
      walk_clear (&warm);
      walk_clear (&model);
      cycle_parts_clear (&parts);
      return 1;
    }

  g_print ("\n");
  g_print ("%-58s %s\n", "SYNC BENCHMARK", "");
  g_print ("%-58s %d people, %u resource versions, %u deletions\n", "caseload (kith-server --demo-seed 1)",
           people, warm.versions, warm.deletions);
  {
    g_autoptr(GString) types = g_string_new (NULL);
    g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (warm.by_type), (GCompareFunc) g_strcmp0);

    for (GList *l = keys; l; l = l->next)
      g_string_append_printf (types, "%s%s %u", types->len ? ", " : "", (char *) l->data,
                              GPOINTER_TO_UINT (g_hash_table_lookup (warm.by_type, l->data)));
    g_print ("%-58s %s\n", "  by type", types->str);
  }
  g_print ("%-58s %.1f s\n", kept_store ? "server start (store kept from an earlier run: no fill)"
                                          : "server start, demo fill included",
           ns_to_s (server.start_ns));
  g_print ("%-58s %u pages, %.1f MB\n", "system history at _count=200", warm.pages, warm.bytes / 1e6);
  g_print ("%-58s %.2f s (first walk, warms the server)\n", "  walked with libsoup", ns_to_s (warm.total_ns));
  g_print ("\nLIMIT\n");
  if (curl_program)
    {
      g_print ("%-58s %.2f s, %.1f MB (%.0f MB/s)\n", "  curl, same pages, one process and connection",
               ns_to_s (limit.curl_ns), limit.bytes / 1e6, limit.bytes / 1e6 / ns_to_s (limit.curl_ns));
      g_print ("%-58s %.2f s, %u rows\n", "  bare sqlite insert (1 transaction, WAL, sync=FULL)",
               ns_to_s (limit.insert_ns), limit.rows);
      g_print ("%-58s %.2f s (not counted)\n", "  (reading rows out of the pages with json-glib)",
               ns_to_s (limit.prepare_ns));
      g_print ("%-58s %.2f s = %.0f resources/s\n", "  limit: curl + insert", ns_to_s (limit.curl_ns + limit.insert_ns),
               limit_rate);
    }
  else
    g_print ("  not measured: no curl\n");
  g_print ("\nINITIAL SYNC (kith_sync_client_sync, empty store)\n");
  g_print ("%-58s %.2f s = %.0f resources/s\n", "  time", ns_to_s (sync_ns), sync_rate);
  g_print ("%-58s %u (store holds %" G_GINT64_FORMAT " versions)\n", "  pulled", initial->pulled, held);
  g_print ("%-58s +%.0f MB (peak RSS %.0f MB)\n", "  peak RSS growth during the sync", (rss_after - rss_before) / 1024.0,
           rss_after / 1024.0);
  if (ratio >= 0)
    g_print ("%-58s %.1f%% of the limit (target >= %.0f%%)  %s\n", "  throughput ratio", ratio * 100,
             SYNC_TARGET_RATIO * 100, verdict (ratio_pass));
  g_print ("\nWHERE THE INITIAL SYNC'S TIME GOES (its pull re-enacted step by step)\n");
  g_print ("%-58s %.2f s\n", "  fetch pages (libsoup, send_and_read)", ns_to_s (model.fetch_ns));
  g_print ("%-58s %.2f s\n", "  parse pages (json-glib)", ns_to_s (model.parse_ns));
  g_print ("%-58s %.2f s\n", "  per entry: to text + kith_fhir_parse_resource again", ns_to_s (model.check_ns));
  g_print ("%-58s %.2f s\n", "  (of import) kith_fhir_to_string per resource", ns_to_s (model.serialize_ns));
  g_print ("%-58s %.2f s\n", "  open a fresh store", ns_to_s (open_ns));
  g_print ("%-58s %.2f s, %.1f µs per version\n", "  kith_store_import_resource, one transaction", ns_to_s (import_ns),
           import_ns / 1e3 / MAX (1, model.versions));
  for (guint i = 0; i < costs->len; i++)
    {
      TypeCost *cost = costs->pdata[i];
      g_autofree char *label = g_strdup_printf ("    %s (%u)", cost->type, cost->n);

      g_print ("%-58s %.2f s, %.1f µs each\n", label, ns_to_s (cost->ns), cost->ns / 1e3 / MAX (1, cost->n));
    }
  g_print ("%-58s %.2f s\n", "  commit", ns_to_s (commit_ns));
  g_print ("%-58s %.2f s (measured sync %.2f s)\n", "  sum of the steps",
           ns_to_s (model.fetch_ns + model.parse_ns + model.check_ns + open_ns + import_ns + commit_ns),
           ns_to_s (sync_ns));
  g_print ("\nINCREMENTAL SYNC\n");
  g_print ("%-58s %.1f ms, pulled %u (re-read, skipped)\n", "  first cycle after the initial sync, nothing changed",
           idle_ns / 1e6, idle_pulled);
  g_print ("%-58s %.1f ms\n", "  second cycle, nothing changed", idle2_ns / 1e6);
  g_print ("%-58s p50 %.2f ms, p95 %.2f ms\n", "  save one plan edit (kith_care_plan_save)",
           percentile_ms (saves, 50), percentile_ms (saves, 95));
  g_print ("%-58s %.1f ms, pulled %u  %s\n", "  first edited plan: push + pull", first_round_ns / 1e6, first_round_pulled,
           verdict (first_round_ns / 1e6 <= SYNC_TARGET_ROUND_MS));
  {
    g_autofree char *label = g_strdup_printf ("  next %u edited plans: push + pull (target <= %.0f ms)",
                                              rounds->len, SYNC_TARGET_ROUND_MS);

    g_print ("%-58s p50 %.1f ms, p95 %.1f ms, max %.1f ms  %s\n", label, p50, p95, pmax,
             verdict (p95 <= SYNC_TARGET_ROUND_MS));
  }
  g_print ("%-58s %.1f pushed, %.1f pulled\n", "    per round", (double) steady_pushed / MAX (1, rounds->len),
           (double) steady_pulled / MAX (1, rounds->len));
  g_print ("  fixed parts of a cycle, each alone (p50 of 20):\n");
  g_print ("%-58s %.2f ms\n", "    open the client store", percentile_ms (parts.store_open, 50));
  g_print ("%-58s %.2f ms\n", "    GET metadata", percentile_ms (parts.metadata, 50));
  g_print ("%-58s %.2f ms\n", "    GET _history?_since=now-2s", percentile_ms (parts.history, 50));
  g_print ("%-58s %.2f ms\n", "    one durable sqlite commit on this disk", percentile_ms (parts.commit, 50));
  g_print ("\n%-58s %s\n", "server stopped", stopped);
  g_print ("%-58s %.0f MB\n", "kith-bench peak RSS", peak_rss_kb () / 1024.0);

  walk_clear (&warm);
  walk_clear (&model);
  cycle_parts_clear (&parts);
  if (!keep)
    remove_tree (dir);
  if (strict && (!ratio_pass || !round_pass))
    return 3;
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *app = NULL;
  g_autofree char *empty_window = NULL;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(KithCaseload) caseload = NULL;
  int people = -1;
  int queries = 1000;
  int runs = 5;
  gboolean assessment_only = FALSE;
  gboolean sync_mode = FALSE;
  gboolean strict = FALSE;
  g_autofree char *server_binary = NULL;
  g_autofree char *curl = NULL;
  g_autofree char *keep = NULL;
  int edits = 50;
  gint64 t0;
  double open_ms;
  GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &store_path, "The store to measure (made with kith-demo if missing)", "FILE" },
    { "people", 0, 0, G_OPTION_ARG_INT, &people, "People in a store made for the run (default 100000; 10000 with --sync)", "N" },
    { "queries", 0, 0, G_OPTION_ARG_INT, &queries, "Search queries (default 1000)", "N" },
    { "app", 0, 0, G_OPTION_ARG_FILENAME, &app, "The kith program, to time start-up (needs a display)", "PATH" },
    { "empty-window", 0, 0, G_OPTION_ARG_FILENAME, &empty_window, "The empty-window program to compare with", "PATH" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Start-up runs of each (default 5)", "N" },
    { "assessment", 0, 0, G_OPTION_ARG_NONE, &assessment_only, "Only the assessment benchmarks (a store of its own)", NULL },
    { "sync", 0, 0, G_OPTION_ARG_NONE, &sync_mode, "Only the sync benchmarks, against a kith-server started for the run", NULL },
    { "server-binary", 0, 0, G_OPTION_ARG_FILENAME, &server_binary, "With --sync: the kith-server program (default: the build's)", "PATH" },
    { "curl", 0, 0, G_OPTION_ARG_FILENAME, &curl, "With --sync: the curl program for the limit (default: curl in PATH)", "PATH" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "With --sync: work in DIR and keep it; the server's filled store (with this run's edits) is reused next time", "DIR" },
    { "edits", 0, 0, G_OPTION_ARG_INT, &edits, "With --sync: edited plans to sync one by one (default 50)", "N" },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "With --sync: exit with status 3 when a target is missed", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— measure Kith's caseload");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kith-bench: %s\n", error->message);
      return 2;
    }
  /* "kith-bench sync …" is the same as "kith-bench --sync …". */
  if (argc > 1 && g_str_equal (argv[1], "sync"))
    sync_mode = TRUE;
  else if (argc > 1)
    {
      g_printerr ("kith-bench: unexpected argument %s\n", argv[1]);
      return 2;
    }
  if (sync_mode)
    return bench_sync (argv[0], people > 0 ? people : 10000, server_binary, curl, keep, MAX (edits, 0), strict);
  if (people <= 0)
    people = 100000;

  bench_assessment ();
  if (assessment_only)
    return 0;

  if (store_path == NULL)
    store_path = g_strdup_printf ("kith-bench-%d.db", people);
  if (!ensure_store (store_path, people, argv[0]))
    return 1;

  t0 = now_ns ();
  store = kith_store_open (store_path, &error);
  if (store == NULL)
    {
      g_printerr ("kith-bench: %s\n", error->message);
      return 1;
    }
  caseload = kith_caseload_new (store);
  for (guint r = 0; r < MIN (40, g_list_model_get_n_items (G_LIST_MODEL (caseload))); r++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (caseload), r));
  open_ms = (now_ns () - t0) / 1e6;

  g_print ("store: %s, %u people, %" G_GINT64_FORMAT " resources of the main types\n", store_path,
           g_list_model_get_n_items (G_LIST_MODEL (caseload)),
           kith_store_count_resources (store, "Patient") + kith_store_count_resources (store, "Condition") +
           kith_store_count_resources (store, "RelatedPerson") + kith_store_count_resources (store, "CareTeam") +
           kith_store_count_resources (store, "CarePlan") + kith_store_count_resources (store, "QuestionnaireResponse"));
  g_print ("open store and read the first caseload page: %.1f ms\n", open_ms);

  bench_search (store, caseload, queries);
  bench_open_person (store, caseload);
  bench_filters (store, caseload);
  bench_tasks (store);
  kith_bench_mdt (store, 50);
  kith_bench_outcomes (store, 50);
  g_print ("kith-bench peak RSS: %.1f MB\n", peak_rss_kb () / 1024.0);

  if (app && empty_window)
    {
      if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
        g_print ("app start: skipped, no display (run under xvfb-run)\n");
      else
        bench_app_start (app, empty_window, store_path, runs);
    }
  return 0;
}
