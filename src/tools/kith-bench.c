/* kith-bench.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kith-bench --store FILE [--people N] [--queries N] [--app PATH --empty-window PATH]
 *
 * Measures what a clinician waits for: searching the caseload, opening a
 * person, opening the store with its first page, and (under a display)
 * the app's start to its first caseload frame, side by side with an empty
 * libadwaita window started the same way. Wall-clock figures on a shared
 * machine vary; the start-up figure is a ratio measured in one run.
 */

#define G_LOG_DOMAIN "kith-bench"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "kith-core.h"

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

/* Starts @program with @envp and waits for its "first-frame" line. Returns
 * the wall time from spawn to that line in ms, and the child's peak RSS. */
static double
time_first_frame (const char  *program,
                  const char  *profile,
                  long        *rss_kb)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "KITH_BENCH_FIRST_FRAME", "1", TRUE);
  const char *args[] = { program, "--profile", profile, NULL };
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
  g_autofree char *empty_profile = g_dir_make_tmp ("kith-bench-empty-XXXXXX", NULL);
  g_autofree char *absolute = g_canonicalize_filename (store_path, NULL);
  g_autoptr(GArray) app_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) empty_ms = g_array_new (FALSE, FALSE, sizeof (double));
  long app_rss = 0, rss = 0;

  /* The app opens PROFILE/kith.db: point it at the benchmark store. */
  if (symlink (absolute, link) != 0)
    {
      g_printerr ("kith-bench: cannot link the store into a profile\n");
      return;
    }

  /* Warm the page cache once, then alternate, so neither side is favoured. */
  time_first_frame (app, profile, NULL);
  time_first_frame (empty_window, empty_profile, NULL);
  for (int i = 0; i < runs; i++)
    {
      double a = time_first_frame (app, profile, &rss);
      double e = time_first_frame (empty_window, empty_profile, NULL);

      app_rss = MAX (app_rss, rss);
      if (a > 0)
        g_array_append_val (app_ms, a);
      if (e > 0)
        g_array_append_val (empty_ms, e);
    }
  {
    double a = median_of (app_ms), e = median_of (empty_ms);

    g_print ("app start to first caseload frame: median %.0f ms; empty libadwaita window: median %.0f ms; "
             "ratio %.2f (target ≤ 1.5) over %d runs each\n", a, e, e > 0 ? a / e : -1, runs);
    g_print ("app peak RSS with this store: %.1f MB\n", app_rss / 1024.0);
  }
  g_unlink (link);
  g_rmdir (profile);
  g_rmdir (empty_profile);
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
  int people = 100000;
  int queries = 1000;
  int runs = 5;
  gboolean assessment_only = FALSE;
  gint64 t0;
  double open_ms;
  GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &store_path, "The store to measure (made with kith-demo if missing)", "FILE" },
    { "people", 0, 0, G_OPTION_ARG_INT, &people, "People in a store made for the run (default 100000)", "N" },
    { "queries", 0, 0, G_OPTION_ARG_INT, &queries, "Search queries (default 1000)", "N" },
    { "app", 0, 0, G_OPTION_ARG_FILENAME, &app, "The kith program, to time start-up (needs a display)", "PATH" },
    { "empty-window", 0, 0, G_OPTION_ARG_FILENAME, &empty_window, "The empty-window program to compare with", "PATH" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Start-up runs of each (default 5)", "N" },
    { "assessment", 0, 0, G_OPTION_ARG_NONE, &assessment_only, "Only the assessment benchmarks (a store of its own)", NULL },
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
