/* test-sync.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Offline-first sync against a real kith-server on 127.0.0.1. A SoupServer
 * in the test stands between client and server only to script the faults
 * a real network has: 500, 429, 401, a 4xx refusal, a truncated body, a
 * dropped connection, a stall, and a server without system history.
 *
 * Every server has a user, and clients sign in as them (as a person does
 * in the window): signing in, a refused password, a disabled user, and TLS
 * with the practice's CA (and a wrong one) are tested here too.
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "kith-core.h"

#define DEMO_PEOPLE 20

/* The professional every client signs in as: a test fixture, not a secret. */
#define SYNC_USER     "sync.nurse"
#define SYNC_PASSWORD "sync test password"

/* --- the real server --------------------------------------------------- */

typedef struct
{
  GSubprocess *process;
  char        *url;     /* http://127.0.0.1:PORT/fhir */
  guint        port;
  char        *data;    /* its data directory */
  char        *token;   /* SYNC_USER's */
} Server;

/* The token of the server under test, for clients made anywhere below. */
static char *test_token;

static void
server_stop (Server *server)
{
  if (server->process)
    {
      g_subprocess_send_signal (server->process, SIGTERM);
      g_subprocess_wait (server->process, NULL, NULL);
    }
  g_clear_object (&server->process);
  g_clear_pointer (&server->url, g_free);
  g_clear_pointer (&server->data, g_free);
  g_clear_pointer (&server->token, g_free);
  g_clear_pointer (&test_token, g_free);
}

static void
kill_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* kith-server user …, on @server's data, with @input on standard input. */
static int
server_admin (Server             *server,
              const char * const *args,
              const char         *input)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("KITH_SERVER"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--data");
  g_ptr_array_add (argv, server->data);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

/* Starts a server (with @tls_dir's certificate when not NULL) with a
 * demo caseload and SYNC_USER, and signs in as them (not over TLS). */
static void
server_start_full (Server     *server,
                   const char *dir,
                   const char *tls_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *cert = tls_dir ? g_build_filename (tls_dir, "server.pem", NULL) : NULL;
  g_autofree char *key = tls_dir ? g_build_filename (tls_dir, "server.key", NULL) : NULL;
  const char *binary = g_getenv ("KITH_SERVER");
  const char *add[] = { "user", "add", "--role", "co-ordinator", "--name", "Sync Co-ordinator", "--team",
                        "South locality team", SYNC_USER, NULL };
  const char *marker;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_assert_nonnull (binary);
  server->data = g_build_filename (dir, tls_dir ? "tls-server" : "server", NULL);
  g_assert_cmpint (server_admin (server, add, SYNC_PASSWORD "\n"), ==, 0);

  /* If this test dies, the server goes with it rather than holding the
   * test runner's pipes open until the timeout. */
  g_subprocess_launcher_set_child_setup (launcher, kill_with_parent, NULL, NULL);
  /* LeakSanitizer's tracer crashes at exit beside GnuTLS's threads: a TLS
   * server is checked for all but leaks (the plain-HTTP ones check those). */
  if (tls_dir != NULL)
    {
      const char *asan = g_getenv ("ASAN_OPTIONS");
      g_autofree char *options = g_strconcat (asan ? asan : "", asan && *asan ? ":" : "", "detect_leaks=0", NULL);

      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }
  if (tls_dir != NULL)
    server->process = g_subprocess_launcher_spawn (launcher, &error, binary, "--data", server->data,
                                                   "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key,
                                                   NULL);
  else
    server->process = g_subprocess_launcher_spawn (launcher, &error, binary, "--data", server->data,
                                                   "--listen", "127.0.0.1:0", "--demo-people", G_STRINGIFY (DEMO_PEOPLE),
                                                   "--demo-seed", "1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  marker = strstr (line, tls_dir ? "https://" : "http://");
  g_assert_nonnull (marker);
  server->url = g_strdup (marker);
  g_strchomp (server->url);
  server->port = (guint) g_ascii_strtoull (strrchr (server->url, ':') + 1, NULL, 10);
  if (tls_dir != NULL)
    return;

  /* Signed in as a person would be, through the client. */
  {
    g_autoptr(KithSyncClient) client = kith_sync_client_new (NULL, server->url);

    g_assert_true (kith_sync_client_sign_in (client, SYNC_USER, SYNC_PASSWORD, NULL, &error));
    g_assert_no_error (error);
    server->token = kith_sync_client_dup_token (client);
    g_assert_nonnull (server->token);
    g_free (test_token);
    test_token = g_strdup (server->token);
  }
}

static void
server_start (Server     *server,
              const char *dir)
{
  server_start_full (server, dir, NULL);
}

/* A client of the server under test, signed in. */
static KithSyncClient *
client_new (const char *store_path,
            const char *url)
{
  KithSyncClient *client = kith_sync_client_new (store_path, url);

  kith_sync_client_set_token (client, test_token);
  return client;
}

/* --- client profiles ----------------------------------------------------- */

/* A professional's store holding the same demo caseload as the server. */
static char *
make_client (const char *dir,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_build_filename (dir, name, NULL);
  char *path = g_build_filename (profile, "kith.db", NULL);
  g_autoptr(KithStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (profile, 0700), ==, 0);
  store = kith_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kith_demo_caseload_fill (store, DEMO_PEOPLE, 1, &error));
  g_assert_true (kith_store_set_sync_enabled (store, TRUE, &error));
  g_assert_no_error (error);
  return path;
}

static KithSyncReport *
sync_blocking (const char  *store_path,
               const char  *url,
               GError     **error)
{
  g_autoptr(KithSyncClient) client = client_new (store_path, url);

  kith_sync_client_set_timeout (client, 3);
  return kith_sync_client_sync (client, NULL, error);
}

static KithSyncReport *
sync_ok (const char *store_path,
         const char *url)
{
  g_autoptr(GError) error = NULL;
  KithSyncReport *report = sync_blocking (store_path, url, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static char *
first_plan_patient (const char *store_path)
{
  g_autoptr(KithStore) store = kith_store_open (store_path, NULL);
  g_autoptr(KithCaseload) caseload = kith_caseload_new (store);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (caseload)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), i);
      g_autoptr(KithCarePlan) plan = kith_care_plan_load_current (store, kith_caseload_entry_get_id (entry), NULL);

      if (plan && kith_care_plan_get_state (plan) != KITH_PLAN_ENDED)
        return g_strdup (kith_caseload_entry_get_id (entry));
    }
  g_assert_not_reached ();
}

static KithCarePlan *
load_plan (KithStore  *store,
           const char *patient_id)
{
  g_autoptr(GError) error = NULL;
  KithCarePlan *plan = kith_care_plan_load_current (store, patient_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static gboolean
has_goal (KithCarePlan *plan,
          const char   *text)
{
  g_autoptr(GPtrArray) goals = kith_care_plan_list_goals (plan);

  for (guint i = 0; i < goals->len; i++)
    if (g_strcmp0 (((KithGoal *) goals->pdata[i])->text, text) == 0)
      return TRUE;
  return FALSE;
}

/* --- a GET straight to the server, for checking ---------------------------- */

static JsonObject *
server_get (const char *url,
            guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autofree char *authorization = g_strconcat ("Bearer ", test_token, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  body = soup_session_send_and_read (session, message, NULL, NULL);
  *status = soup_message_get_status (message);
  if (body == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

typedef struct
{
  char   *dir;
  Server  server;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("kith-sync-XXXXXX", NULL);
  server_start (&f->server, f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  server_stop (&f->server);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

/* --- two professionals offline ---------------------------------------------- */

static void
test_two_clients (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a_path = make_client (f->dir, "a");
  g_autofree char *b_path = make_client (f->dir, "b");
  g_autofree char *patient = first_plan_patient (a_path);
  g_autoptr(KithStore) a = kith_store_open (a_path, NULL);
  g_autoptr(KithStore) b = kith_store_open (b_path, NULL);
  g_autoptr(KithSyncReport) report = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;

  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (a_path, f->server.url);
  g_assert_cmpint (report->pending, ==, 0);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (b_path, f->server.url);

  /* Both offline: A rewords what matters, B adds a goal (different fields). */
  {
    g_autoptr(KithCarePlan) plan_a = load_plan (a, patient);
    g_autoptr(KithCarePlan) plan_b = load_plan (b, patient);
    KithGoal goal = { NULL, (char *) "To get to the allotment", (char *) "the person", NULL, NULL, FALSE };
    g_autofree char *goal_id = NULL;

    kith_care_plan_set_what_matters (plan_a, "My allotment and my dog");
    g_assert_true (kith_care_plan_save (plan_a, a, "Nurse A", &error));
    goal_id = kith_care_plan_add_goal (plan_b, &goal, &error);
    g_assert_true (kith_care_plan_save (plan_b, b, "Social worker B", &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (kith_store_count_unsynced (a), ==, 1);
  g_assert_cmpint (kith_store_count_unsynced (b), ==, 1);

  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (a_path, f->server.url);
  g_assert_cmpuint (report->pushed, ==, 1);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (b_path, f->server.url);
  /* B's push met A's change: merged by itself, nothing for a person to do. */
  g_test_message ("B: pushed %u pulled %u merged %u conflicts %u rejected %u pending %" G_GINT64_FORMAT,
                  report->pushed, report->pulled, report->merged, report->conflicts->len,
                  report->rejected->len, report->pending);
  for (guint i = 0; i < report->conflicts->len; i++)
    g_test_message ("conflict: %s", (char *) report->conflicts->pdata[i]);
  g_assert_cmpuint (report->merged, ==, 1);
  g_assert_cmpuint (report->conflicts->len, ==, 0);
  g_assert_cmpint (report->pending, ==, 0);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (a_path, f->server.url);

  {
    g_autoptr(KithCarePlan) plan_a = load_plan (a, patient);
    g_autoptr(KithCarePlan) plan_b = load_plan (b, patient);

    g_assert_cmpstr (kith_care_plan_get_what_matters (plan_a), ==, "My allotment and my dog");
    g_assert_cmpstr (kith_care_plan_get_what_matters (plan_b), ==, "My allotment and my dog");
    g_assert_true (has_goal (plan_a, "To get to the allotment"));
    g_assert_true (has_goal (plan_b, "To get to the allotment"));
    g_assert_cmpstr (kith_care_plan_get_version (plan_a), ==, kith_care_plan_get_version (plan_b));
  }

  /* Now the same field, differently: a conflict, neither side lost. */
  {
    g_autoptr(KithCarePlan) plan_a = load_plan (a, patient);
    g_autoptr(KithCarePlan) plan_b = load_plan (b, patient);

    kith_care_plan_set_medicines_note (plan_a, "Stop the evening diuretic");
    g_assert_true (kith_care_plan_save (plan_a, a, "Nurse A", &error));
    kith_care_plan_set_medicines_note (plan_b, "Pharmacist to review all tablets first");
    g_assert_true (kith_care_plan_save (plan_b, b, "Social worker B", &error));
  }
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (a_path, f->server.url);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (b_path, f->server.url);
  g_assert_cmpuint (report->conflicts->len, ==, 1);
  g_assert_nonnull (strstr (report->conflicts->pdata[0], "medicines-review"));

  conflicts = kith_sync_list_conflicts (b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  {
    KithSyncConflict *conflict = conflicts->pdata[0];
    g_autoptr(KithCarePlan) local = kith_care_plan_new_from_json (conflict->local, NULL);
    g_autoptr(KithCarePlan) remote = kith_care_plan_new_from_json (conflict->remote, NULL);

    g_assert_cmpstr (kith_care_plan_get_medicines_note (local), ==, "Pharmacist to review all tablets first");
    g_assert_cmpstr (kith_care_plan_get_medicines_note (remote), ==, "Stop the evening diuretic");

    /* The person decides: both, in one note. */
    kith_care_plan_set_medicines_note (local, "Pharmacist to review all tablets first, then stop the evening diuretic");
    g_assert_true (kith_sync_resolve_conflict (b, conflict->type, conflict->id, kith_care_plan_get_json (local), &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (b_path, f->server.url);
  g_assert_cmpuint (report->pushed, ==, 1);
  g_assert_cmpint (report->pending, ==, 0);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (a_path, f->server.url);
  {
    g_autoptr(KithCarePlan) plan_a = load_plan (a, patient);
    g_assert_cmpstr (kith_care_plan_get_medicines_note (plan_a), ==,
                     "Pharmacist to review all tablets first, then stop the evening diuretic");
  }
}

/* --- kill the client ------------------------------------------------------- */

static void
add_observation (KithStore  *store,
                 const char *patient,
                 guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"kill-%u\",\"status\":\"final\","
                                           "\"code\":{\"text\":\"Weight\"},\"subject\":{\"reference\":\"Patient/%s\"},"
                                           "\"valueInteger\":%u}", n, patient, 60 + n % 30);
  g_autoptr(JsonObject) observation = kith_fhir_parse_resource (json, -1, &error);

  g_assert_true (kith_store_save_resource (store, observation, NULL, &error));
  g_assert_no_error (error);
}

/* --- a signing proxy, for kith-tool ------------------------------------------ */

/* kith-tool takes its token from the keyring, which this test leaves alone:
 * it reaches the server through this proxy instead, which adds the token to
 * each request. It runs on a thread of its own, so it answers while the test
 * sleeps and kills. */
typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  char         *upstream_base;   /* http://127.0.0.1:REAL */
  char         *base;            /* http://127.0.0.1:PROXY */
  char         *url;             /* .../fhir */
  char         *token;
  GMutex        lock;
  GCond         cond;
  gint          requests;
  gint          writes;          /* PUTs and POSTs the server took */
} SigningProxy;

static void
signing_proxy_handler (SoupServer        *server,
                       SoupServerMessage *message,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  SigningProxy *proxy = user_data;
  SoupSession *upstream = g_object_get_data (G_OBJECT (server), "kith-upstream");
  GUri *uri = soup_server_message_get_uri (message);
  g_autofree char *target = g_strdup_printf ("%s%s%s%s", proxy->upstream_base, g_uri_get_path (uri),
                                             g_uri_get_query (uri) ? "?" : "", g_uri_get_query (uri) ?: "");
  g_autoptr(SoupMessage) forward = soup_message_new (soup_server_message_get_method (message), target);
  g_autoptr(GBytes) request = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autofree char *authorization = g_strconcat ("Bearer ", proxy->token, NULL);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (message);
  const char *back[] = { "ETag", "Last-Modified", "Location", "Retry-After" };
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *text = NULL;

  if (soup_message_headers_get_one (in, "If-Match"))
    soup_message_headers_replace (soup_message_get_request_headers (forward), "If-Match",
                                  soup_message_headers_get_one (in, "If-Match"));
  soup_message_headers_replace (soup_message_get_request_headers (forward), "Authorization", authorization);
  if (g_bytes_get_size (request) > 0)
    soup_message_set_request_body_from_bytes (forward, "application/fhir+json", request);
  reply = soup_session_send_and_read (upstream, forward, NULL, NULL);
  if (reply == NULL)
    {
      soup_server_message_set_status (message, 502, NULL);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (back); i++)
    {
      const char *value = soup_message_headers_get_one (soup_message_get_response_headers (forward), back[i]);

      if (value)
        soup_message_headers_replace (soup_server_message_get_response_headers (message), back[i], value);
    }
  /* Links name the real server: point them at the proxy. */
  text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  {
    g_auto(GStrv) parts = g_strsplit (text, proxy->upstream_base, -1);
    g_free (text);
    text = g_strjoinv (proxy->base, parts);
  }
  g_atomic_int_inc (&proxy->requests);
  if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (forward)) &&
      (g_strcmp0 (soup_server_message_get_method (message), "PUT") == 0 ||
       g_strcmp0 (soup_server_message_get_method (message), "POST") == 0))
    g_atomic_int_inc (&proxy->writes);
  soup_server_message_set_status (message, soup_message_get_status (forward), NULL);
  soup_server_message_set_response (message, "application/fhir+json", SOUP_MEMORY_COPY, text, strlen (text));
}

static gpointer
signing_proxy_thread (gpointer data)
{
  SigningProxy *proxy = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (proxy->context);
  server = soup_server_new (NULL, NULL);
  g_object_set_data_full (G_OBJECT (server), "kith-upstream", soup_session_new (), g_object_unref);
  soup_server_add_handler (server, NULL, signing_proxy_handler, proxy, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);

  g_mutex_lock (&proxy->lock);
  proxy->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  proxy->url = g_strdup_printf ("%s/fhir", proxy->base);
  g_cond_signal (&proxy->cond);
  g_mutex_unlock (&proxy->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (proxy->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (proxy->context);
  return NULL;
}

static void
signing_proxy_start (SigningProxy *proxy,
                     Server       *server)
{
  proxy->upstream_base = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  proxy->token = g_strdup (server->token);
  proxy->context = g_main_context_new ();
  proxy->loop = g_main_loop_new (proxy->context, FALSE);
  g_mutex_init (&proxy->lock);
  g_cond_init (&proxy->cond);
  g_mutex_lock (&proxy->lock);
  proxy->thread = g_thread_new ("signing-proxy", signing_proxy_thread, proxy);
  while (proxy->url == NULL)
    g_cond_wait (&proxy->cond, &proxy->lock);
  g_mutex_unlock (&proxy->lock);
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
signing_proxy_stop (SigningProxy *proxy)
{
  g_main_context_invoke (proxy->context, quit_loop_cb, proxy->loop);
  g_thread_join (proxy->thread);
  g_main_loop_unref (proxy->loop);
  g_main_context_unref (proxy->context);
  g_mutex_clear (&proxy->lock);
  g_cond_clear (&proxy->cond);
  g_free (proxy->upstream_base);
  g_free (proxy->base);
  g_free (proxy->url);
  g_free (proxy->token);
}

static void
test_kill_the_client (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = make_client (f->dir, "c");
  g_autofree char *profile = g_path_get_dirname (path);
  g_autofree char *patient = first_plan_patient (path);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(KithSyncReport) report = NULL;
  const char *tool = g_getenv ("KITH_TOOL");
  const int kills = g_test_slow () ? 400 : 100;
  SigningProxy proxy = { 0 };
  gint64 kill_window_us;
  int requests_before;
  guint made = 0;
  int kill_n;

  g_assert_nonnull (tool);
  signing_proxy_start (&proxy, &f->server);

  /* How long one whole run takes on this machine, so kills fall before,
   * during and after its requests: a sanitizer build under load takes
   * longer than 150 ms just to start. */
  {
    const char *args[] = { tool, "sync", "--profile", profile, "--server", proxy.url, "--timeout", "5", NULL };
    gint64 start = g_get_monotonic_time ();
    int status;

    g_assert_true (g_spawn_sync (NULL, (char **) args, NULL,
                                 G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    kill_window_us = CLAMP ((g_get_monotonic_time () - start) * 3 / 2, 150000, 3000000);
    g_test_message ("One sync takes %" G_GINT64_FORMAT " ms: kills within %" G_GINT64_FORMAT " ms",
                    (g_get_monotonic_time () - start) / 1000, kill_window_us / 1000);
  }

  requests_before = g_atomic_int_get (&proxy.requests);
  for (kill_n = 0; kill_n < kills; kill_n++)
    {
      const char *args[] = { tool, "sync", "--profile", profile, "--server", proxy.url, "--timeout", "5", NULL };
      GPid pid;
      int status;

      /* Keep edits flowing, so kills land in push and pull alike. */
      if (kill_n % 2 == 0)
        {
          g_autoptr(KithStore) store = kith_store_open (path, &error);

          g_assert_no_error (error);
          add_observation (store, patient, made++);
        }
      g_assert_true (g_spawn_async (NULL, (char **) args, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                    NULL, NULL, &pid, &error));
      g_usleep (g_rand_int_range (rand, 0, (gint32) kill_window_us));
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);
    }
  g_test_message ("%d requests, %d writes taken through the signing proxy",
                  g_atomic_int_get (&proxy.requests), g_atomic_int_get (&proxy.writes));
  /* Some of the killed runs got as far as the server, signed in. */
  g_assert_cmpint (g_atomic_int_get (&proxy.requests), >, requests_before);
  signing_proxy_stop (&proxy);

  /* One clean cycle at the end, and everything has gone exactly once. */
  report = sync_ok (path, f->server.url);
  g_assert_cmpint (report->pending, ==, 0);
  g_assert_cmpuint (report->conflicts->len, ==, 0);
  {
    g_autoptr(KithStore) store = kith_store_open (path, &error);

    g_assert_true (kith_store_check_integrity (store, &error));
    g_assert_cmpint (kith_store_count_unsynced (store), ==, 0);
  }
  for (guint n = 0; n < made; n++)
    {
      g_autofree char *url = g_strdup_printf ("%s/Observation/kill-%u/_history", f->server.url, n);
      guint status = 0;
      g_autoptr(JsonObject) history = server_get (url, &status);

      g_assert_cmpuint (status, ==, 200);
      /* Created once, never twice, however many times the push was cut. */
      g_assert_cmpint (json_array_get_length (json_object_get_array_member (history, "entry")), ==, 1);
    }
  g_test_message ("%d kills of the client, %u edits each on the server exactly once", kills, made);
}

/* --- scripted faults ----------------------------------------------------------- */

typedef enum
{
  FAULT_NONE,
  FAULT_500,
  FAULT_429,
  FAULT_401,
  FAULT_REFUSE_PUT,     /* 422 with an OperationOutcome */
  FAULT_TRUNCATE,
  FAULT_RESET,
  FAULT_STALL,
  FAULT_NO_SYSTEM_HISTORY,
  FAULT_TRUNCATE_POST,  /* a transaction reply cut short, after it committed */
} Fault;

typedef struct
{
  SoupServer  *server;
  SoupSession *upstream;
  char        *upstream_base;   /* http://127.0.0.1:REAL */
  char        *base;            /* http://127.0.0.1:PROXY */
  char        *url;             /* .../fhir */
  Fault        fault;
  guint        faults_left;
  guint        posts;           /* requests seen, by method */
  guint        puts;
} Proxy;

static gboolean
unstall_cb (gpointer data)
{
  SoupServerMessage *message = data;

  g_object_set_data (G_OBJECT (message), "kith-stall", NULL);
  soup_server_message_set_status (message, 504, NULL);
  soup_server_message_unpause (message);
  return G_SOURCE_REMOVE;
}

/* The client gives up on a stalled reply and hangs up; libsoup then
 * finishes the message, and it must not be unpaused afterwards. */
static void
stalled_message_finished_cb (SoupServerMessage *message)
{
  guint source = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (message), "kith-stall"));

  if (source != 0)
    g_source_remove (source);
  g_object_set_data (G_OBJECT (message), "kith-stall", NULL);
}

static void
proxy_handler (SoupServer        *server,
               SoupServerMessage *message,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Proxy *proxy = user_data;
  GUri *uri = soup_server_message_get_uri (message);
  g_autofree char *target = g_strdup_printf ("%s%s%s%s", proxy->upstream_base, g_uri_get_path (uri),
                                             g_uri_get_query (uri) ? "?" : "", g_uri_get_query (uri) ?: "");
  const char *method = soup_server_message_get_method (message);
  g_autoptr(SoupMessage) forward = soup_message_new (method, target);
  SoupMessageBody *request_body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) request = soup_message_body_flatten (request_body);
  g_autoptr(GBytes) reply = NULL;
  const char *headers[] = { "If-Match", "Authorization", "Accept" };
  const char *back[] = { "ETag", "Last-Modified", "Location", "Content-Type" };
  gboolean faulty = proxy->faults_left > 0;
  g_autofree char *text = NULL;
  gsize length = 0;

  if (g_strcmp0 (method, "POST") == 0)
    proxy->posts++;
  else if (g_strcmp0 (method, "PUT") == 0)
    proxy->puts++;

  /* Faults that answer in place of the server; the others change its reply. */
  if (faulty && proxy->fault != FAULT_NONE && proxy->fault != FAULT_NO_SYSTEM_HISTORY &&
      proxy->fault != FAULT_TRUNCATE && proxy->fault != FAULT_TRUNCATE_POST &&
      !(proxy->fault == FAULT_REFUSE_PUT && g_strcmp0 (method, "PUT") != 0))
    {
      proxy->faults_left--;
      switch (proxy->fault)
        {
        case FAULT_500:
          soup_server_message_set_status (message, 500, NULL);
          return;
        case FAULT_429:
          soup_server_message_set_status (message, 429, NULL);
          soup_message_headers_replace (soup_server_message_get_response_headers (message), "Retry-After", "1");
          return;
        case FAULT_401:
          soup_server_message_set_status (message, 401, NULL);
          return;
        case FAULT_REFUSE_PUT:
          {
            static const char outcome[] =
              "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
              "\"code\":\"business-rule\",\"diagnostics\":\"Refused by local policy\"}]}";

            soup_server_message_set_status (message, 422, NULL);
            soup_server_message_set_response (message, "application/fhir+json", SOUP_MEMORY_STATIC,
                                              outcome, strlen (outcome));
            return;
          }
        case FAULT_STALL:
          soup_server_message_pause (message);
          g_object_set_data (G_OBJECT (message), "kith-stall",
                             GUINT_TO_POINTER (g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 6, unstall_cb,
                                                                           g_object_ref (message), g_object_unref)));
          g_signal_connect (message, "finished", G_CALLBACK (stalled_message_finished_cb), NULL);
          g_signal_connect (message, "disconnected", G_CALLBACK (stalled_message_finished_cb), NULL);
          return;
        case FAULT_RESET:
          {
            GIOStream *stream = soup_server_message_steal_connection (message);

            g_io_stream_close (stream, NULL, NULL);
            g_object_unref (stream);
            return;
          }
        default:
          break;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (message), headers[i]);

      if (value)
        soup_message_headers_replace (soup_message_get_request_headers (forward), headers[i], value);
    }
  if (g_bytes_get_size (request) > 0)
    {
      const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (message),
                                                                NULL);

      soup_message_set_request_body_from_bytes (forward, type ? type : "application/fhir+json", request);
    }
  reply = soup_session_send_and_read (proxy->upstream, forward, NULL, NULL);
  if (reply == NULL)
    {
      soup_server_message_set_status (message, 502, NULL);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (back); i++)
    {
      const char *value = soup_message_headers_get_one (soup_message_get_response_headers (forward), back[i]);

      if (value)
        soup_message_headers_replace (soup_server_message_get_response_headers (message), back[i], value);
    }

  /* Links name the real server: point them at the proxy. */
  text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  {
    g_auto(GStrv) parts = g_strsplit (text, proxy->upstream_base, -1);
    g_free (text);
    text = g_strjoinv (proxy->base, parts);
  }
  if (faulty && proxy->fault == FAULT_NO_SYSTEM_HISTORY && g_str_has_suffix (path, "/metadata"))
    {
      g_auto(GStrv) parts = g_strsplit (text, "\"history-system\"", -1);
      g_free (text);
      text = g_strjoinv ("\"history-type\"", parts);
    }
  length = strlen (text);
  if (faulty && length > 20 &&
      (proxy->fault == FAULT_TRUNCATE || (proxy->fault == FAULT_TRUNCATE_POST && g_strcmp0 (method, "POST") == 0)))
    {
      proxy->faults_left--;
      length /= 2;
    }
  if (soup_message_get_status (forward) >= 500)
    g_test_message ("upstream %s %s: %u %s", method, target, soup_message_get_status (forward), text);
  soup_server_message_set_status (message, soup_message_get_status (forward), NULL);
  soup_server_message_set_response (message, "application/fhir+json", SOUP_MEMORY_COPY, text, length);
}

static void
proxy_start (Proxy      *proxy,
             Server     *server)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  proxy->server = soup_server_new (NULL, NULL);
  proxy->upstream = soup_session_new ();
  proxy->upstream_base = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  soup_server_add_handler (proxy->server, NULL, proxy_handler, proxy, NULL);
  g_assert_true (soup_server_listen_local (proxy->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (proxy->server);
  proxy->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  proxy->url = g_strdup_printf ("%s/fhir", proxy->base);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
proxy_stop (Proxy *proxy)
{
  soup_server_disconnect (proxy->server);
  g_clear_object (&proxy->server);
  g_clear_object (&proxy->upstream);
  g_free (proxy->upstream_base);
  g_free (proxy->base);
  g_free (proxy->url);
}

typedef struct
{
  GMainLoop      *loop;
  KithSyncReport *report;
  GError         *error;
} Waiting;

static void
on_synced_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Waiting *waiting = user_data;

  waiting->report = kith_sync_client_sync_finish (KITH_SYNC_CLIENT (source), result, &waiting->error);
  g_main_loop_quit (waiting->loop);
}

static gboolean
give_up_cb (gpointer data)
{
  g_error ("sync did not finish in time");
  return G_SOURCE_REMOVE;
}

/* Runs a cycle through the proxy, with the main loop turning so the proxy
 * (in this process) can answer. */
static KithSyncReport *
sync_via (KithSyncClient  *client,
          GError         **error)
{
  Waiting waiting = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  guint guard = g_timeout_add_seconds (60, give_up_cb, NULL);

  kith_sync_client_sync_async (client, NULL, on_synced_cb, &waiting);
  g_main_loop_run (waiting.loop);
  g_source_remove (guard);
  g_main_loop_unref (waiting.loop);
  if (waiting.error)
    g_propagate_error (error, waiting.error);
  return waiting.report;
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Waiting *waiting = user_data;

  kith_sync_client_sign_in_finish (KITH_SYNC_CLIENT (source), result, &waiting->error);
  g_main_loop_quit (waiting->loop);
}

/* Signs in with the main loop turning, for the proxy in this process. */
static gboolean
sign_in_via (KithSyncClient  *client,
             const char      *username,
             const char      *password,
             GError         **error)
{
  Waiting waiting = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  guint guard = g_timeout_add_seconds (60, give_up_cb, NULL);

  kith_sync_client_sign_in_async (client, username, password, NULL, on_signed_in_cb, &waiting);
  g_main_loop_run (waiting.loop);
  g_source_remove (guard);
  g_main_loop_unref (waiting.loop);
  if (waiting.error)
    {
      g_propagate_error (error, waiting.error);
      return FALSE;
    }
  return TRUE;
}

static void
test_faults (Fixture       *f,
             gconstpointer  data)
{
  static const struct { Fault fault; int code; const char *name; } cases[] = {
    { FAULT_500, KITH_SYNC_ERROR_SERVER, "500" },
    { FAULT_429, KITH_SYNC_ERROR_RATE_LIMITED, "429 with Retry-After" },
    { FAULT_401, KITH_SYNC_ERROR_SIGN_IN, "401" },
    { FAULT_TRUNCATE, KITH_SYNC_ERROR_SERVER, "truncated JSON" },
    { FAULT_RESET, -1, "connection reset mid-body" },
    { FAULT_STALL, KITH_SYNC_ERROR_OFFLINE, "a stall longer than the timeout" },
  };
  g_autofree char *path = make_client (f->dir, "faults");
  g_autofree char *patient = first_plan_patient (path);
  g_autoptr(KithSyncClient) client = NULL;
  Proxy proxy = { 0 };
  guint n = 1000;

  proxy_start (&proxy, &f->server);
  client = client_new (path, proxy.url);
  kith_sync_client_set_timeout (client, 2);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KithSyncReport) failed = NULL;
      g_autoptr(KithSyncReport) healed = NULL;
      g_autoptr(KithStore) store = kith_store_open (path, NULL);

      g_test_message ("fault: %s", cases[c].name);
      add_observation (store, patient, n++);

      /* The fault hits: the cycle fails, the edit stays queued. */
      proxy.fault = cases[c].fault;
      proxy.faults_left = 1;
      failed = sync_via (client, &error);
      g_assert_null (failed);
      g_assert_nonnull (error);
      if (cases[c].code >= 0)
        g_assert_error (error, KITH_SYNC_ERROR, cases[c].code);
      g_assert_cmpint (kith_store_count_unsynced (store), ==, 1);
      g_assert_cmpuint (kith_sync_client_get_retry_delay (client), >, 0);
      if (cases[c].fault == FAULT_429)
        g_assert_cmpuint (kith_sync_client_get_retry_delay (client), ==, 1000);
      if (cases[c].fault == FAULT_401)
        g_assert_true (kith_sync_client_get_sign_in_needed (client));

      /* And once it passes, everything goes through. */
      g_clear_error (&error);
      proxy.fault = FAULT_NONE;
      if (cases[c].fault == FAULT_401)
        {
          /* Signing in again, as the window asks, through the same proxy. */
          g_autofree char *before = kith_sync_client_dup_token (client);
          g_autofree char *after = NULL;

          sign_in_via (client, SYNC_USER, SYNC_PASSWORD, &error);
          g_assert_no_error (error);
          g_assert_false (kith_sync_client_get_sign_in_needed (client));
          after = kith_sync_client_dup_token (client);
          g_assert_cmpstr (after, !=, before);
        }
      healed = sync_via (client, &error);
      g_assert_no_error (error);
      g_assert_cmpint (healed->pending, ==, 0);
      g_assert_cmpint (kith_store_count_unsynced (store), ==, 0);
      g_assert_cmpuint (kith_sync_client_get_retry_delay (client), ==, 0);
      g_assert_nonnull (kith_sync_client_get_last_success (client));
    }

  /* A refusal (a 4xx other than 401, 409, 412, 429) is parked, with the
   * server's reason, and the rest carries on. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KithSyncReport) report = NULL;
    g_autoptr(KithStore) store = kith_store_open (path, NULL);

    add_observation (store, patient, n++);
    proxy.fault = FAULT_REFUSE_PUT;
    proxy.faults_left = 1;
    report = sync_via (client, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (report->rejected->len, ==, 1);
    g_assert_nonnull (strstr (report->rejected->pdata[0], "Refused by local policy"));
    g_assert_cmpint (kith_store_count_unsynced (store), ==, 1);
  }

  proxy_stop (&proxy);
}

static void
test_without_system_history (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a_path = make_client (f->dir, "a");
  g_autofree char *b_path = make_client (f->dir, "b");
  g_autofree char *patient = first_plan_patient (a_path);
  g_autoptr(KithSyncClient) client = NULL;
  g_autoptr(KithSyncReport) report = NULL;
  g_autoptr(KithStore) a = kith_store_open (a_path, NULL);
  g_autoptr(KithStore) b = kith_store_open (b_path, NULL);
  Proxy proxy = { 0 };

  add_observation (a, patient, 7);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (a_path, f->server.url);

  /* B's server says nothing of system history: B searches by type. */
  proxy_start (&proxy, &f->server);
  proxy.fault = FAULT_NO_SYSTEM_HISTORY;
  proxy.faults_left = G_MAXUINT;
  client = client_new (b_path, proxy.url);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_via (client, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonObject) pulled = kith_store_read_resource (b, "Observation", "kill-7", &error);
    g_assert_no_error (error);
    g_assert_nonnull (pulled);
  }
  proxy_stop (&proxy);
}

/* --- edits saved together travel together ------------------------------------ */

static guint
history_length (const char *base_url,
                const char *what)
{
  g_autofree char *url = g_strdup_printf ("%s/%s/_history", base_url, what);
  guint status = 0;
  g_autoptr(JsonObject) history = server_get (url, &status);

  g_assert_cmpuint (status, ==, 200);
  return json_array_get_length (json_object_get_array_member (history, "entry"));
}

static void
test_batch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a_path = make_client (f->dir, "a");
  g_autofree char *b_path = make_client (f->dir, "b");
  g_autofree char *patient = first_plan_patient (a_path);
  g_autoptr(KithStore) a = kith_store_open (a_path, NULL);
  g_autoptr(KithStore) b = kith_store_open (b_path, NULL);
  g_autoptr(KithSyncClient) client = NULL;
  g_autoptr(KithSyncReport) report = NULL;
  Proxy proxy = { 0 };

  report = sync_ok (a_path, f->server.url);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (b_path, f->server.url);
  proxy_start (&proxy, &f->server);
  client = client_new (a_path, proxy.url);
  kith_sync_client_set_timeout (client, 5);

  /* Saved in one transaction: one Bundle, no single PUTs. */
  {
    g_autoptr(KithCarePlan) plan = load_plan (a, patient);

    g_assert_true (kith_store_begin (a, &error));
    add_observation (a, patient, 100);
    add_observation (a, patient, 101);
    kith_care_plan_set_what_matters (plan, "Seeing my grandchildren on Sundays");
    g_assert_true (kith_care_plan_save (plan, a, "Nurse A", &error));
    g_assert_true (kith_store_commit (a, &error));
    g_assert_no_error (error);
  }
  /* Saved apart: one PUT each. */
  add_observation (a, patient, 102);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_via (client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->pushed, ==, 4);
  g_assert_cmpint (report->pending, ==, 0);
  g_assert_cmpuint (proxy.posts, ==, 1);
  g_assert_cmpuint (proxy.puts, ==, 1);
  g_assert_cmpuint (history_length (f->server.url, "Observation/kill-100"), ==, 1);
  g_assert_cmpuint (history_length (f->server.url, "Observation/kill-101"), ==, 1);
  g_assert_cmpint (kith_store_count_unsynced (a), ==, 0);

  /* The Bundle meets a change made elsewhere: the whole Bundle is refused,
   * nothing of it lands, and the edits go one by one and merge. */
  {
    g_autoptr(KithCarePlan) plan_b = load_plan (b, patient);

    kith_care_plan_set_medicines_note (plan_b, "Pharmacist to review the inhalers");
    g_assert_true (kith_care_plan_save (plan_b, b, "Pharmacist B", &error));
    g_clear_pointer (&report, kith_sync_report_free);
    report = sync_ok (b_path, f->server.url);
  }
  {
    g_autoptr(KithCarePlan) plan = load_plan (a, patient);

    g_assert_true (kith_store_begin (a, &error));
    add_observation (a, patient, 103);
    kith_care_plan_set_what_matters (plan, "Seeing my grandchildren, and my garden");
    g_assert_true (kith_care_plan_save (plan, a, "Nurse A", &error));
    g_assert_true (kith_store_commit (a, &error));
  }
  proxy.posts = proxy.puts = 0;
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_via (client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (proxy.posts, ==, 1);
  g_assert_cmpuint (proxy.puts, >=, 2);
  g_assert_cmpuint (report->merged, ==, 1);
  g_assert_cmpuint (report->conflicts->len, ==, 0);
  g_assert_cmpint (report->pending, ==, 0);
  {
    g_autoptr(KithCarePlan) plan = load_plan (a, patient);

    g_assert_cmpstr (kith_care_plan_get_what_matters (plan), ==, "Seeing my grandchildren, and my garden");
    g_assert_cmpstr (kith_care_plan_get_medicines_note (plan), ==, "Pharmacist to review the inhalers");
  }

  /* The server commits the Bundle but its reply is lost: next time the
   * client sees its own edits there, and nothing lands twice. */
  g_assert_true (kith_store_begin (a, &error));
  add_observation (a, patient, 104);
  add_observation (a, patient, 105);
  g_assert_true (kith_store_commit (a, &error));
  proxy.fault = FAULT_TRUNCATE_POST;
  proxy.faults_left = 1;
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_via (client, &error);
  g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpint (kith_store_count_unsynced (a), ==, 2);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_via (client, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->pending, ==, 0);
  g_assert_cmpuint (report->conflicts->len, ==, 0);
  g_assert_cmpuint (history_length (f->server.url, "Observation/kill-104"), ==, 1);
  g_assert_cmpuint (history_length (f->server.url, "Observation/kill-105"), ==, 1);

  proxy_stop (&proxy);
}


/* --- signing in -------------------------------------------------------------- */

/* A wrong password and an unknown user read the same; the right one gives
 * a token that syncs; no token, or a disabled user's, asks to sign in again
 * with the queue kept; a password never goes over plain http elsewhere. */
static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = make_client (f->dir, "signer");
  g_autofree char *patient = first_plan_patient (path);
  g_autoptr(KithSyncClient) client = kith_sync_client_new (path, f->server.url);
  g_autoptr(KithStore) store = kith_store_open (path, NULL);
  g_autoptr(GError) wrong = NULL;
  g_autoptr(GError) unknown = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithSyncReport) report = NULL;
  g_autofree char *token = NULL;

  kith_sync_client_set_timeout (client, 5);

  /* Without a token: 401, sign in, nothing lost. */
  add_observation (store, patient, 500);
  report = kith_sync_client_sync (client, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN);
  g_assert_true (kith_sync_client_get_sign_in_needed (client));
  g_assert_cmpint (kith_store_count_unsynced (store), ==, 1);
  g_clear_error (&error);

  g_assert_false (kith_sync_client_sign_in (client, SYNC_USER, "not the password", NULL, &wrong));
  g_assert_false (kith_sync_client_sign_in (client, "no.such.user", "not the password", NULL, &unknown));
  g_assert_error (wrong, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN);
  g_assert_error (unknown, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN);
  g_assert_cmpstr (wrong->message, ==, unknown->message);
  token = kith_sync_client_dup_token (client);
  g_assert_null (token);

  g_assert_true (kith_sync_client_sign_in (client, SYNC_USER, SYNC_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (kith_sync_client_get_sign_in_needed (client));
  token = kith_sync_client_dup_token (client);
  g_assert_cmpuint (strlen (token), ==, 43);
  report = kith_sync_client_sync (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->pending, ==, 0);
  g_clear_pointer (&report, kith_sync_report_free);

  /* Disabled on the server: the token stops working at once. */
  {
    const char *disable[] = { "user", "disable", SYNC_USER, NULL };
    const char *enable[] = { "user", "enable", SYNC_USER, NULL };

    g_assert_cmpint (server_admin (&f->server, disable, ""), ==, 0);
    add_observation (store, patient, 501);
    report = kith_sync_client_sync (client, NULL, &error);
    g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN);
    g_assert_true (kith_sync_client_get_sign_in_needed (client));
    g_assert_cmpint (kith_store_count_unsynced (store), ==, 1);
    g_clear_error (&error);
    /* Nor can they sign in, and are told no more than for a wrong password. */
    g_assert_false (kith_sync_client_sign_in (client, SYNC_USER, SYNC_PASSWORD, NULL, &error));
    g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN);
    g_assert_cmpstr (error->message, ==, wrong->message);
    g_clear_error (&error);

    g_assert_cmpint (server_admin (&f->server, enable, ""), ==, 0);
    g_assert_true (kith_sync_client_sign_in (client, SYNC_USER, SYNC_PASSWORD, NULL, &error));
    g_assert_no_error (error);
    report = kith_sync_client_sync (client, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (kith_store_count_unsynced (store), ==, 0);
  }

  /* A password is not sent in the clear to another machine: refused before
   * any connection (192.0.2.1 is TEST-NET-1, never reached). */
  {
    g_autoptr(KithSyncClient) remote = kith_sync_client_new (NULL, "http://192.0.2.1/fhir");

    g_assert_false (kith_sync_client_sign_in (remote, SYNC_USER, SYNC_PASSWORD, NULL, &error));
    g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "https://"));
    g_clear_error (&error);
  }
}

/* --- TLS ------------------------------------------------------------------------ */

/* Throw-away certificates (tests/server/make-test-certs), or NULL when
 * openssl is missing. */
static char *
make_test_certs (const char *dir)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "server", "make-test-certs", NULL);
  g_autofree char *certs = g_build_filename (dir, "certs", NULL);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr(GError) error = NULL;
  const char *argv[] = { script, certs, NULL };
  int status = 0;

  if (openssl == NULL)
    return NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&certs);
}

/* The practice's CA is trusted and syncs; another CA, or the system's
 * CAs, are refused before anything is sent. */
static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *certs = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *other_ca = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *path = make_client (f->dir, "tls");
  g_autoptr(GError) error = NULL;
  Server tls = { 0 };

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed: no test certificates");
      return;
    }
  certs = make_test_certs (f->dir);
  ca = g_build_filename (certs, "ca.pem", NULL);
  other_ca = g_build_filename (certs, "other-ca.pem", NULL);
  empty = g_build_filename (certs, "empty.pem", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  server_start_full (&tls, f->dir, certs);
  g_assert_true (g_str_has_prefix (tls.url, "https://127.0.0.1:"));

  {
    g_autoptr(KithSyncClient) client = kith_sync_client_new (path, tls.url);
    g_autoptr(KithSyncReport) report = NULL;

    kith_sync_client_set_timeout (client, 10);
    g_assert_true (kith_sync_client_set_ca_file (client, ca, &error));
    g_assert_no_error (error);
    g_assert_true (kith_sync_client_sign_in (client, SYNC_USER, SYNC_PASSWORD, NULL, &error));
    g_assert_no_error (error);
    report = kith_sync_client_sync (client, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (report);
    g_assert_cmpint (report->pending, ==, 0);
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(KithSyncClient) client = kith_sync_client_new (path, tls.url);

      /* Another CA, then the system's, which know nothing of the practice's. */
      if (i == 0)
        g_assert_true (kith_sync_client_set_ca_file (client, other_ca, NULL));
      g_assert_false (kith_sync_client_sign_in (client, SYNC_USER, SYNC_PASSWORD, NULL, &error));
      g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_CERTIFICATE);
      g_clear_error (&error);

      kith_sync_client_set_token (client, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
      g_assert_null (kith_sync_client_sync (client, NULL, &error));
      g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_CERTIFICATE);
      g_clear_error (&error);
    }
  {
    g_autoptr(KithSyncClient) client = kith_sync_client_new (path, tls.url);
    g_autofree char *missing = g_build_filename (certs, "missing.pem", NULL);

    g_assert_false (kith_sync_client_set_ca_file (client, empty, &error));
    g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_CERTIFICATE);
    g_clear_error (&error);
    g_assert_false (kith_sync_client_set_ca_file (client, missing, &error));
    g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_CERTIFICATE);
    g_clear_error (&error);
  }

  /* test_token belongs to the plain server of this fixture. */
  server_stop (&tls);
  test_token = g_strdup (f->server.token);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sync/two-clients", test_two_clients);
  ADD ("/sync/kill-the-client", test_kill_the_client);
  ADD ("/sync/faults", test_faults);
  ADD ("/sync/without-system-history", test_without_system_history);
  ADD ("/sync/batch", test_batch);
  ADD ("/sync/sign-in", test_sign_in);
  ADD ("/sync/tls", test_tls);
#undef ADD

  return g_test_run ();
}
