/* server-fixture.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the server tests share: running the real kith-server binary (path
 * in $KITH_SERVER) on 127.0.0.1 with a free port and a temporary data
 * directory, and talking FHIR to it with a libsoup client, or with a raw
 * socket where a client library would tidy up a hostile request. Every
 * wait is bounded, so a hung server fails the test instead of hanging CI.
 *
 * Every server needs a signed-in user: the first start adds TEST_USER to
 * the data, and each start signs in. Requests on the fixture's session
 * then carry its token, unless they ask for NO_AUTHORIZATION.
 */

#define G_LOG_DOMAIN "kith-test"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "server-fixture.h"

typedef struct
{
  gboolean  done;
  char     *line;
  GError   *error;
} LineRead;

/* The signed-in fixture's token, for raw requests (one fixture at a time). */
static char *current_token;

typedef struct
{
  gboolean done;
  gboolean ok;
} ProcessWait;

/* Runs the default main context until *@flag is set or @timeout_ms
 * passes. Returns *@flag. */
gboolean
iterate_until (gboolean *flag,
               guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return *flag;
}

static void
on_line_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                          result, NULL, &read->error);
  read->done = TRUE;
}

static void
on_process_wait_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ProcessWait *wait = user_data;

  wait->ok = g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  wait->done = TRUE;
}

/* Waits at most @timeout_ms for @process to exit. */
gboolean
wait_for_exit (GSubprocess *process,
               guint        timeout_ms)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ProcessWait wait = { FALSE, FALSE };

  g_subprocess_wait_async (process, cancellable, on_process_wait_cb, &wait);
  if (!iterate_until (&wait.done, timeout_ms))
    {
      g_cancellable_cancel (cancellable);
      iterate_until (&wait.done, 1000);
      return FALSE;
    }

  return wait.ok;
}


static const char *
server_path (void)
{
  const char *path = g_getenv ("KITH_SERVER");

  if (path == NULL)
    g_error ("Set KITH_SERVER to the kith-server executable");

  return path;
}

/* If this test dies (a failed assertion aborts it), the server must not
 * outlive it holding the test's output pipes open. */
static void
kill_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* With @log_path, the server's stderr goes there with every kith-server
 * message (the access log included) switched on. */
GSubprocess *
spawn_server (const char * const  *args,
              GSubprocessFlags     flags,
              const char          *log_path)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, (gpointer) server_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, kill_with_parent, NULL, NULL);
  /* In sanitizer builds LeakSanitizer's tracer crashes at exit beside
   * GnuTLS's threads ("Tracer caught signal 11"): a TLS server is checked
   * for everything but leaks, which the plain-HTTP runs check. */
  if (g_strv_contains (args, "--tls-cert"))
    {
      const char *asan = g_getenv ("ASAN_OPTIONS");
      g_autofree char *options = g_strconcat (asan ? asan : "", asan && *asan ? ":" : "", "detect_leaks=0", NULL);

      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }
  if (log_path != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "kith-server", TRUE);
      g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}


/* Every request on the fixture's session carries the token, unless the
 * test marked it to go without. */
static void
on_request_queued_cb (SoupSession *session,
                      SoupMessage *msg,
                      gpointer     user_data)
{
  ServerFixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (soup_message_headers_get_one (headers, NO_AUTHORIZATION) != NULL)
    {
      soup_message_headers_remove (headers, NO_AUTHORIZATION);
      return;
    }
  if (fixture->token != NULL && soup_message_headers_get_one (headers, "Authorization") == NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", fixture->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
}

void
fixture_set_up (ServerFixture *fixture,
                gconstpointer  user_data)
{
  /* G_TEST_OPTION_ISOLATE_DIRS gives each test a fresh data dir. */
  fixture->data_dir = g_build_filename (g_get_user_data_dir (), "kith-server-data", NULL);
  fixture->db_path = g_build_filename (fixture->data_dir, "kith-server.db", NULL);
  /* No proxy: the server is on loopback, and the desktop proxy settings
   * are not installed in the test environment. */
  fixture->session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S,
                                                    "idle-timeout", HTTP_TIMEOUT_S,
                                                    "proxy-resolver", NULL,
                                                    NULL);
  g_signal_connect (fixture->session, "request-queued", G_CALLBACK (on_request_queued_cb),
                    fixture);
}

void
fixture_tear_down (ServerFixture *fixture,
                   gconstpointer  user_data)
{
  if (fixture->process != NULL)
    {
      g_subprocess_force_exit (fixture->process);
      wait_for_exit (fixture->process, EXIT_TIMEOUT_MS);
      g_clear_object (&fixture->process);
    }
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_pointer (&current_token, g_free);
  g_clear_pointer (&fixture->base_url, g_free);
  g_clear_pointer (&fixture->log_path, g_free);
  g_clear_pointer (&fixture->db_path, g_free);
  g_clear_pointer (&fixture->data_dir, g_free);
}


/* Starts kith-server on 127.0.0.1:0, with a demo caseload of @demo_people
 * (which only fills an empty store) when it is not 0, and reads its
 * listening line. */
void
start_server_with (ServerFixture *fixture,
                   guint          demo_people)
{
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *demo_people_text = g_strdup_printf ("%u", demo_people);
  g_autofree char *demo_seed = g_strdup_printf ("%d", DEMO_SEED);
  g_autofree char *expected_prefix = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  LineRead read = { FALSE, NULL, NULL };
  const char *scheme = "http";

  g_ptr_array_add (args, (gpointer) "--data");
  g_ptr_array_add (args, fixture->data_dir);
  g_ptr_array_add (args, (gpointer) "--listen");
  g_ptr_array_add (args, (gpointer) "127.0.0.1:0");
  if (demo_people > 0)
    {
      g_ptr_array_add (args, (gpointer) "--demo-people");
      g_ptr_array_add (args, demo_people_text);
      g_ptr_array_add (args, (gpointer) "--demo-seed");
      g_ptr_array_add (args, demo_seed);
    }
  for (guint i = 0; fixture->extra_args != NULL && fixture->extra_args[i] != NULL; i++)
    {
      g_ptr_array_add (args, (gpointer) fixture->extra_args[i]);
      if (g_str_equal (fixture->extra_args[i], "--tls-cert"))
        scheme = "https";
    }
  g_ptr_array_add (args, NULL);

  if (!fixture->has_user)
    {
      add_user_full (fixture, TEST_USER, TEST_USER_ROLE, TEST_USER_TEAM, "Test User", FALSE,
                     TEST_PASSWORD);
      fixture->has_user = TRUE;
    }

  g_assert_null (fixture->process);
  fixture->process = spawn_server ((const char * const *) args->pdata,
                                   G_SUBPROCESS_FLAGS_STDOUT_PIPE, fixture->log_path);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_line_read_cb, &read);
  if (!iterate_until (&read.done, START_TIMEOUT_MS))
    g_error ("kith-server did not print its listening line in time");
  g_assert_no_error (read.error);
  g_assert_nonnull (read.line);

  /* Exactly "kith-server: listening on http://127.0.0.1:PORT/fhir". */
  {
    g_autofree char *prefix = g_strdup_printf (LISTENING_PREFIX "%s://127.0.0.1:", scheme);

    g_assert_true (g_str_has_prefix (read.line, prefix));
  }
  g_assert_true (g_str_has_suffix (read.line, "/fhir"));
  g_free (fixture->base_url);
  fixture->base_url = g_strdup (read.line + strlen (LISTENING_PREFIX));
  g_free (read.line);

  uri = g_uri_parse (fixture->base_url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "127.0.0.1");
  g_assert_cmpint (g_uri_get_port (uri), >, 0);
  g_assert_cmpint (g_uri_get_port (uri), <=, G_MAXUINT16);
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/fhir");
  fixture->port = (guint16) g_uri_get_port (uri);
  expected_prefix = g_strdup_printf ("%s://127.0.0.1:%u/fhir", scheme, fixture->port);
  g_assert_cmpstr (fixture->base_url, ==, expected_prefix);

  /* Over TLS the test signs in itself, with the session it trusts. */
  if (g_str_equal (scheme, "http"))
    {
      g_clear_pointer (&fixture->token, g_free);
      fixture->token = sign_in (fixture, TEST_USER, TEST_PASSWORD, NULL);
      g_assert_nonnull (fixture->token);
      g_free (current_token);
      current_token = g_strdup (fixture->token);
    }
}

int
run_admin (ServerFixture       *fixture,
           const char * const  *args,
           const char          *input,
           char               **out,
           char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--data");
  g_ptr_array_add (argv, fixture->data_dir);
  g_ptr_array_add (argv, NULL);

  process = spawn_server ((const char * const *) argv->pdata,
                          G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                          G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL,
                                 &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

void
add_user_full (ServerFixture *fixture,
               const char    *username,
               const char    *role,
               const char    *team,
               const char    *name,
               gboolean       lead,
               const char    *password)
{
  const char *args[] = { "user", "add", "--role", role, "--name", name,
                         "--team", team, username, lead ? "--lead" : NULL, NULL };
  g_autofree char *input = g_strconcat (password, "\n", NULL);
  g_autofree char *err = NULL;
  int status;

  status = run_admin (fixture, args, input, NULL, &err);
  if (status != 0)
    g_error ("kith-server user add %s failed (%d): %s", username, status, err);
}

void
add_user (ServerFixture *fixture,
          const char    *username,
          const char    *role,
          const char    *password)
{
  add_user_full (fixture, username, role, TEST_USER_TEAM, "Test User", FALSE, password);
}

char *
sign_in (ServerFixture *fixture,
         const char    *username,
         const char    *password,
         Reply         *reply)
{
  g_autofree char *url = NULL;
  g_autofree char *form = soup_form_encode ("username", username, "password", password, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) form_bytes = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) base = g_uri_parse (fixture->base_url, G_URI_FLAGS_NONE, NULL);
  const char *token = NULL;
  JsonNode *root;

  url = g_strdup_printf ("%s://127.0.0.1:%d/auth/token", g_uri_get_scheme (base),
                         g_uri_get_port (base));
  msg = soup_message_new ("POST", url);
  form_bytes = g_bytes_new (form, strlen (form));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", form_bytes);
  soup_message_headers_replace (soup_message_get_request_headers (msg), NO_AUTHORIZATION, "1");
  body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);

  if (soup_message_get_status (msg) == SOUP_STATUS_OK)
    {
      g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                              NULL), ==, "application/json");
      g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                     "Cache-Control"), ==, "no-store");
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  &error);
      g_assert_no_error (error);
      root = json_parser_get_root (parser);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      g_assert_cmpstr (kith_fhir_get_string (json_node_get_object (root), "token_type"), ==,
                       "Bearer");
      token = kith_fhir_get_string (json_node_get_object (root), "access_token");
      g_assert_nonnull (token);
    }

  if (reply != NULL)
    {
      reply_clear (reply);
      reply->status = soup_message_get_status (msg);
      reply->body = g_bytes_ref (body);
      reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
      if (g_strcmp0 (soup_message_headers_get_content_type (reply->headers, NULL),
                     "application/fhir+json") == 0)
        {
          g_autoptr(JsonParser) outcome_parser = json_parser_new ();

          json_parser_load_from_data (outcome_parser, g_bytes_get_data (body, NULL),
                                      g_bytes_get_size (body), &error);
          g_assert_no_error (error);
          reply->json = json_object_ref (json_node_get_object (json_parser_get_root (outcome_parser)));
        }
    }

  return g_strdup (token);
}

/* Sends SIGTERM and checks the server exits 0 within EXIT_TIMEOUT_MS. */
void
start_server (ServerFixture *fixture)
{
  start_server_with (fixture, DEMO_PEOPLE);
}

void
stop_server (ServerFixture *fixture,
             int            signum)
{
  g_assert_nonnull (fixture->process);

  g_subprocess_send_signal (fixture->process, signum);
  if (!wait_for_exit (fixture->process, EXIT_TIMEOUT_MS))
    g_error ("kith-server did not exit within %d ms of signal %d", EXIT_TIMEOUT_MS, signum);

  g_assert_true (g_subprocess_get_if_exited (fixture->process));
  g_assert_cmpint (g_subprocess_get_exit_status (fixture->process), ==, 0);
  g_clear_object (&fixture->process);
}


/* Ids of the Patients the demo caseload holds, in generation order. The
 * generator is deterministic, so these are the server's too. */
static void
collect_patient_id_cb (JsonObject *resource,
                       gpointer    user_data)
{
  GPtrArray *ids = user_data;

  if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "Patient") == 0)
    g_ptr_array_add (ids, g_strdup (kith_fhir_get_string (resource, "id")));
}

GPtrArray *
demo_patient_ids (guint people)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  kith_demo_caseload_generate (people, DEMO_SEED, collect_patient_id_cb, ids);
  g_assert_cmpuint (ids->len, ==, people);

  return ids;
}


typedef struct
{
  const char *patient_id;   /* NULL: collect every person's team */
  GHashTable *teams;        /* patient id → team */
} TeamSearch;

static void
collect_team_cb (JsonObject *resource,
                 gpointer    user_data)
{
  TeamSearch *search = user_data;
  JsonArray *organizations;
  const char *patient_id;

  if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "CareTeam") != 0 ||
      g_strcmp0 (kith_fhir_get_string (resource, "status"), "active") != 0)
    return;
  patient_id = kith_fhir_resource_patient (resource);
  organizations = kith_fhir_get_array (resource, "managingOrganization");
  if (patient_id == NULL || organizations == NULL || json_array_get_length (organizations) == 0)
    return;
  g_hash_table_replace (search->teams, g_strdup (patient_id),
                        g_strdup (kith_fhir_get_string (json_array_get_object_element (organizations, 0),
                                                        "display")));
}

static GHashTable *
demo_teams (guint people)
{
  TeamSearch search = { NULL, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free) };

  kith_demo_caseload_generate (people, DEMO_SEED, collect_team_cb, &search);
  return search.teams;
}

char *
demo_patient_team (guint       people,
                   const char *patient_id)
{
  g_autoptr(GHashTable) teams = demo_teams (people);

  return g_strdup (g_hash_table_lookup (teams, patient_id));
}

GPtrArray *
demo_visible_patient_ids (guint people)
{
  g_autoptr(GHashTable) teams = demo_teams (people);
  g_autoptr(GPtrArray) ids = demo_patient_ids (people);
  GPtrArray *visible = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *team = g_hash_table_lookup (teams, g_ptr_array_index (ids, i));

      if (team == NULL || g_str_equal (team, TEST_USER_TEAM))
        g_ptr_array_add (visible, g_strdup (g_ptr_array_index (ids, i)));
    }
  return visible;
}

void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->json, json_object_unref);
}

/* @path is below the base URL and may hold percent-escapes. @headers
 * holds name, value pairs and ends with NULL. A @body is sent with
 * @content_type (when not NULL). */
void
request_full (ServerFixture       *fixture,
              const char          *method,
              const char          *path,
              const char * const  *headers,
              const char          *content_type,
              const char          *body,
              gssize               length,
              Reply               *reply)
{
  g_autofree char *url = g_strconcat (fixture->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *request_headers;
  const char *reply_type;

  g_assert_nonnull (msg);
  request_headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (request_headers, "Accept", "application/fhir+json");
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length < 0 ? strlen (body) : (gsize) length);

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  reply_clear (reply);
  reply->body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  reply_type = soup_message_headers_get_content_type (reply->headers, NULL);
  if (g_strcmp0 (reply_type, "application/fhir+json") == 0 &&
      g_bytes_get_size (reply->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size;
      const char *data = g_bytes_get_data (reply->body, &size);

      json_parser_load_from_data (parser, data, size, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      reply->json = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }
}

void
request (ServerFixture *fixture,
         const char    *method,
         const char    *path,
         Reply         *reply)
{
  request_full (fixture, method, path, NULL, NULL, NULL, 0, reply);
}

/* PUT or POST @json as application/fhir+json, with If-Match when not NULL. */
void
request_json (ServerFixture *fixture,
              const char    *method,
              const char    *path,
              const char    *if_match,
              JsonObject    *json,
              Reply         *reply)
{
  g_autofree char *text = kith_fhir_to_string (json, FALSE);
  const char *headers[] = { "If-Match", if_match, NULL };

  request_full (fixture, method, path, if_match != NULL ? headers : NULL,
                "application/fhir+json", text, -1, reply);
}

void
assert_fhir_json (Reply *reply)
{
  GHashTable *params = NULL;
  const char *content_type;

  content_type = soup_message_headers_get_content_type (reply->headers, &params);
  g_assert_cmpstr (content_type, ==, "application/fhir+json");
  g_assert_nonnull (params);
  g_assert_cmpstr (g_hash_table_lookup (params, "charset"), ==, "utf-8");
  g_hash_table_unref (params);
  g_assert_nonnull (reply->json);
}

/* The reply is an OperationOutcome with one error issue of @code, whose
 * diagnostics do not echo @secret. */
void
assert_outcome (Reply      *reply,
                guint       status,
                const char *code,
                const char *secret)
{
  JsonArray *issues;
  JsonObject *issue;
  const char *diagnostics;

  g_assert_cmpuint (reply->status, ==, status);
  assert_fhir_json (reply);
  g_assert_cmpstr (kith_fhir_get_string (reply->json, "resourceType"), ==, "OperationOutcome");
  issues = json_object_get_array_member (reply->json, "issue");
  g_assert_nonnull (issues);
  g_assert_cmpuint (json_array_get_length (issues), ==, 1);
  issue = json_array_get_object_element (issues, 0);
  g_assert_cmpstr (kith_fhir_get_string (issue, "severity"), ==, "error");
  if (code != NULL)
    g_assert_cmpstr (kith_fhir_get_string (issue, "code"), ==, code);
  diagnostics = kith_fhir_get_string (issue, "diagnostics");
  g_assert_nonnull (diagnostics);
  if (secret != NULL)
    g_assert_null (strstr (diagnostics, secret));
}


/* Sends @data as it is over a new connection and reads until the server
 * closes it (or @timeout_s passes). With @half_close, the sending side is
 * shut down after @data, as a client that stops mid-request. Returns the
 * status code of the first reply, or 0 when there was none. */
guint
raw_exchange (guint16     port,
              const char *data,
              gsize       length,
              gboolean    half_close,
              guint       timeout_s)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GByteArray) response = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GOutputStream *output;
  GInputStream *input;
  guint64 status = 0;
  guint8 buffer[4096];
  gssize n;

  g_socket_client_set_timeout (client, timeout_s);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);

  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  /* The server may answer (413) and close before taking everything. */
  g_output_stream_write_all (output, data, length, NULL, NULL, NULL);
  if (half_close)
    g_socket_shutdown (g_socket_connection_get_socket (connection), FALSE, TRUE, NULL);

  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (response, buffer, n);

  text = g_strndup (response->len > 0 ? (const char *) response->data : "", response->len);
  if (g_str_has_prefix (text, "HTTP/1.1 ") || g_str_has_prefix (text, "HTTP/1.0 "))
    {
      g_autofree char *code = g_strndup (text + 9, 3);

      g_ascii_string_to_unsigned (code, 10, 100, 599, &status, NULL);
    }

  return (guint) status;
}

/* Raw HTTP/1.1 over a socket, so the request target reaches the server
 * byte for byte. Returns the status code, or 0 when there was no reply. */
guint
raw_request_status (guint16     port,
                    const char *method,
                    const char *target)
{
  g_autofree char *head = NULL;
  guint status;

  head = g_strdup_printf ("%s %s HTTP/1.1\r\n"
                          "Host: 127.0.0.1:%u\r\n"
                          "Accept: application/fhir+json\r\n"
                          "%s%s%s"
                          "Connection: close\r\n"
                          "\r\n",
                          method, target, port,
                          current_token != NULL ? "Authorization: Bearer " : "",
                          current_token != NULL ? current_token : "",
                          current_token != NULL ? "\r\n" : "");
  status = raw_exchange (port, head, strlen (head), FALSE, HTTP_TIMEOUT_S);

  return status;
}

void
assert_store_intact (ServerFixture *fixture)
{
  g_autofree char *wal_path = g_strconcat (fixture->db_path, "-wal", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  /* A clean close checkpoints the WAL and removes it. */
  g_assert_false (g_file_test (wal_path, G_FILE_TEST_EXISTS));

  g_assert_cmpint (sqlite3_open_v2 (fixture->db_path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}


/* The sanitizers read these when the test is built with -Db_sanitize.
 * G_TEST_OPTION_ISOLATE_DIRS makes GLib 2.74 leak the previous XDG paths
 * on purpose at every test (g_ignore_leak() only tells LSan when GLib
 * itself was built with sanitizers, which Debian's is not). Matching the
 * GLib frame needs the slow unwinder: Debian's GLib has no frame pointers. */
const char *__asan_default_options (void);
const char *__lsan_default_suppressions (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:g_set_user_dirs\n";
}

