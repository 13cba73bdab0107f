/* test-server.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real kith-server binary (path in $KITH_SERVER) on 127.0.0.1 with
 * a free port and a temporary data directory, and talks FHIR to it with a
 * libsoup client, or with a raw socket where a client library would tidy up
 * a hostile request. Every wait is bounded, so a hung server fails the test
 * instead of hanging CI.
 */

#define G_LOG_DOMAIN "kith-test"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "kith-core.h"

#define DEMO_PEOPLE      50
#define DEMO_SEED        7
/* Generous: the demo fill runs first, and CI may run under sanitizers. */
#define START_TIMEOUT_MS 60000
#define EXIT_TIMEOUT_MS  5000
#define HTTP_TIMEOUT_S   10

#define LISTENING_PREFIX "kith-server: listening on "

typedef struct
{
  char        *data_dir;
  char        *db_path;
  GSubprocess *process;
  char        *log_path;  /* when set, the server logs everything here */
  char        *base_url;  /* "http://127.0.0.1:PORT/fhir" */
  guint16      port;
  SoupSession *session;
} ServerFixture;

typedef struct
{
  gboolean  done;
  char     *line;
  GError   *error;
} LineRead;

typedef struct
{
  gboolean done;
  gboolean ok;
} ProcessWait;

/* Runs the default main context until *@flag is set or @timeout_ms
 * passes. Returns *@flag. */
static gboolean
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
static gboolean
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
static GSubprocess *
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
  if (log_path != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "kith-server", TRUE);
      g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}

static void
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
}

static void
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
  g_clear_pointer (&fixture->base_url, g_free);
  g_clear_pointer (&fixture->log_path, g_free);
  g_clear_pointer (&fixture->db_path, g_free);
  g_clear_pointer (&fixture->data_dir, g_free);
}

/* Starts kith-server on 127.0.0.1:0 with the demo caseload (which only
 * fills an empty store) and reads its listening line. */
static void
start_server (ServerFixture *fixture)
{
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *demo_people = g_strdup_printf ("%d", DEMO_PEOPLE);
  g_autofree char *demo_seed = g_strdup_printf ("%d", DEMO_SEED);
  g_autofree char *expected_prefix = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  LineRead read = { FALSE, NULL, NULL };
  const char *args[] = {
    "--data", fixture->data_dir,
    "--listen", "127.0.0.1:0",
    "--demo-people", demo_people,
    "--demo-seed", demo_seed,
    NULL
  };

  g_assert_null (fixture->process);
  fixture->process = spawn_server (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE, fixture->log_path);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_line_read_cb, &read);
  if (!iterate_until (&read.done, START_TIMEOUT_MS))
    g_error ("kith-server did not print its listening line in time");
  g_assert_no_error (read.error);
  g_assert_nonnull (read.line);

  /* Exactly "kith-server: listening on http://127.0.0.1:PORT/fhir". */
  g_assert_true (g_str_has_prefix (read.line, LISTENING_PREFIX "http://127.0.0.1:"));
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
  expected_prefix = g_strdup_printf ("http://127.0.0.1:%u/fhir", fixture->port);
  g_assert_cmpstr (fixture->base_url, ==, expected_prefix);
}

/* Sends SIGTERM and checks the server exits 0 within EXIT_TIMEOUT_MS. */
static void
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

static GPtrArray *
demo_patient_ids (guint people)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  kith_demo_caseload_generate (people, DEMO_SEED, collect_patient_id_cb, ids);
  g_assert_cmpuint (ids->len, ==, people);

  return ids;
}

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
  JsonObject         *json;   /* the parsed body, when it is JSON */
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->json, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

/* @path is below the base URL and may hold percent-escapes. */
static void
request (ServerFixture *fixture,
         const char    *method,
         const char    *path,
         Reply         *reply)
{
  g_autofree char *url = g_strconcat (fixture->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  const char *content_type;

  g_assert_nonnull (msg);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                "Accept", "application/fhir+json");

  reply->body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  content_type = soup_message_headers_get_content_type (reply->headers, NULL);
  if (g_strcmp0 (content_type, "application/fhir+json") == 0 &&
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

static void
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
static void
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

static gboolean
interactions_include (JsonObject *resource,
                      const char *code)
{
  JsonArray *interactions = json_object_get_array_member (resource, "interaction");

  for (guint i = 0; interactions != NULL && i < json_array_get_length (interactions); i++)
    {
      JsonObject *interaction = json_array_get_object_element (interactions, i);

      if (g_strcmp0 (kith_fhir_get_string (interaction, "code"), code) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_metadata (ServerFixture *fixture,
               gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };
  JsonObject *software, *implementation, *rest, *patient;
  JsonArray *rests, *resources, *formats;
  gboolean has_json = FALSE;

  start_server (fixture);

  request (fixture, "GET", "/metadata", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_fhir_json (&reply);

  g_assert_cmpstr (kith_fhir_get_string (reply.json, "resourceType"), ==, "CapabilityStatement");
  g_assert_cmpstr (kith_fhir_get_string (reply.json, "status"), ==, "active");
  g_assert_cmpstr (kith_fhir_get_string (reply.json, "kind"), ==, "instance");
  g_assert_cmpstr (kith_fhir_get_string (reply.json, "fhirVersion"), ==, "4.0.1");
  g_assert_nonnull (kith_fhir_get_string (reply.json, "date"));

  formats = json_object_get_array_member (reply.json, "format");
  for (guint i = 0; i < json_array_get_length (formats); i++)
    has_json |= g_strcmp0 (json_array_get_string_element (formats, i), "json") == 0;
  g_assert_true (has_json);

  software = json_object_get_object_member (reply.json, "software");
  g_assert_cmpstr (kith_fhir_get_string (software, "name"), ==, "Kith server");
  g_assert_cmpstr (kith_fhir_get_string (software, "version"), ==, PACKAGE_VERSION);
  implementation = json_object_get_object_member (reply.json, "implementation");
  g_assert_cmpstr (kith_fhir_get_string (implementation, "url"), ==, fixture->base_url);

  rests = json_object_get_array_member (reply.json, "rest");
  g_assert_cmpuint (json_array_get_length (rests), ==, 1);
  rest = json_array_get_object_element (rests, 0);
  g_assert_cmpstr (kith_fhir_get_string (rest, "mode"), ==, "server");

  /* Only what is implemented: Patient, read and vread. */
  resources = json_object_get_array_member (rest, "resource");
  g_assert_cmpuint (json_array_get_length (resources), ==, 1);
  patient = json_array_get_object_element (resources, 0);
  g_assert_cmpstr (kith_fhir_get_string (patient, "type"), ==, "Patient");
  g_assert_true (interactions_include (patient, "read"));
  g_assert_true (interactions_include (patient, "vread"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (patient, "interaction")),
                    ==, 2);
  g_assert_false (interactions_include (patient, "update"));
  g_assert_false (interactions_include (patient, "search-type"));
}

static void
test_read (ServerFixture *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GPtrArray) ids = demo_patient_ids (DEMO_PEOPLE);
  GStatBuf st;

  start_server (fixture);

  /* The server made its data directory private. */
  g_assert_cmpint (g_stat (fixture->data_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  for (guint i = 0; i < ids->len; i += ids->len / 5)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autofree char *path = g_strdup_printf ("/Patient/%s", id);
      g_autofree char *vpath = g_strdup_printf ("/Patient/%s/_history/1", id);
      g_autofree char *expected_etag = NULL;
      g_autoptr(GDateTime) modified = NULL;
      g_autoptr(GDateTime) updated = NULL;
      g_auto(Reply) reply = { 0 };
      g_auto(Reply) vreply = { 0 };
      JsonObject *meta;

      request (fixture, "GET", path, &reply);
      g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
      assert_fhir_json (&reply);
      g_assert_cmpstr (kith_fhir_get_string (reply.json, "resourceType"), ==, "Patient");
      g_assert_cmpstr (kith_fhir_get_string (reply.json, "id"), ==, id);

      meta = json_object_get_object_member (reply.json, "meta");
      g_assert_nonnull (meta);
      g_assert_cmpstr (kith_fhir_get_string (meta, "versionId"), ==, "1");
      expected_etag = g_strdup_printf ("W/\"%s\"", kith_fhir_get_string (meta, "versionId"));
      g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "ETag"), ==, "W/\"1\"");
      g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "ETag"), ==, expected_etag);

      /* Last-Modified is meta.lastUpdated to the second. */
      modified = soup_date_time_new_from_http_string (
        soup_message_headers_get_one (reply.headers, "Last-Modified"));
      g_assert_nonnull (modified);
      updated = g_date_time_new_from_iso8601 (kith_fhir_get_string (meta, "lastUpdated"), NULL);
      g_assert_nonnull (updated);
      g_assert_cmpint (g_date_time_to_unix (modified), ==, g_date_time_to_unix (updated));

      /* vread of the first (and only) version gives the same resource. */
      request (fixture, "GET", vpath, &vreply);
      g_assert_cmpuint (vreply.status, ==, SOUP_STATUS_OK);
      assert_fhir_json (&vreply);
      g_assert_cmpstr (kith_fhir_get_string (vreply.json, "id"), ==, id);
      g_assert_cmpstr (soup_message_headers_get_one (vreply.headers, "ETag"), ==, "W/\"1\"");
      g_assert_true (g_bytes_equal (reply.body, vreply.body));
    }

  /* HEAD answers like GET, without a body. */
  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s", (char *) g_ptr_array_index (ids, 0));
    g_auto(Reply) reply = { 0 };

    request (fixture, "HEAD", path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    g_assert_cmpuint (g_bytes_get_size (reply.body), ==, 0);
    g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "ETag"), ==, "W/\"1\"");
  }

  /* A query string does not change a read. */
  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s?_format=json&x=%%00",
                                             (char *) g_ptr_array_index (ids, 0));
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  }
}

static void
test_errors (ServerFixture *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GPtrArray) ids = demo_patient_ids (DEMO_PEOPLE);
  const char *known_id = g_ptr_array_index (ids, 0);
  const char *absent_id = "9990000018-absent";

  start_server (fixture);

  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s", absent_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", path, &reply);
    assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-found", absent_id);
  }
  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s/_history/2", known_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", path, &reply);
    assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-found", known_id);
  }
  {
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "/Spaceship/1", &reply);
    assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-found", "Spaceship");
  }
  {
    /* A real FHIR type that is not served yet. */
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "/Observation/abc", &reply);
    assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-supported", "abc");
  }
  {
    /* Type-level interactions are not implemented yet. */
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "/Patient?name=Smith", &reply);
    assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-supported", "Smith");
  }
  {
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "/Patient/bad!id", &reply);
    assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", "bad!id");
  }
  {
    /* 65 characters: one too many for a FHIR id. */
    g_autofree char *long_id = g_strnfill (65, 'a');
    g_autofree char *path = g_strdup_printf ("/Patient/%s", long_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", path, &reply);
    assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", long_id);
  }
  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s/_history/v%%201", known_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", path, &reply);
    assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", known_id);
  }
  {
    g_auto(Reply) reply = { 0 };
    const char *allow;

    request (fixture, "POST", "/Patient/x", &reply);
    assert_outcome (&reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "not-supported", NULL);
    allow = soup_message_headers_get_list (reply.headers, "Allow");
    g_assert_nonnull (allow);
    g_assert_true (soup_header_contains (allow, "GET"));
    g_assert_false (soup_header_contains (allow, "POST"));
  }
  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s", known_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "DELETE", path, &reply);
    assert_outcome (&reply, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, known_id);
    g_assert_nonnull (soup_message_headers_get_list (reply.headers, "Allow"));
  }
  {
    g_auto(Reply) reply = { 0 };

    request (fixture, "PUT", "/metadata", &reply);
    assert_outcome (&reply, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, NULL);
    g_assert_true (soup_header_contains (soup_message_headers_get_list (reply.headers, "Allow"),
                                         "GET"));
  }
  {
    /* The base itself: system-level interactions are not implemented yet. */
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "", &reply);
    assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-supported", NULL);
  }
  {
    /* Outside the FHIR base. */
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/index.html", fixture->port);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) body = soup_session_send_and_read (fixture->session, msg, NULL, NULL);

    g_assert_nonnull (body);
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_NOT_FOUND);
  }

  /* Still serving after all of that. */
  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s", known_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  }
}

/* A store that already holds patients keeps them: --demo-people only fills
 * an empty one. A deleted patient reads as 410 Gone. */
static void
test_existing_store (ServerFixture *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GPtrArray) ids = demo_patient_ids (5);
  const char *deleted_id = g_ptr_array_index (ids, 1);
  const char *kept_id = g_ptr_array_index (ids, 2);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (fixture->data_dir, 0700), ==, 0);
  {
    g_autoptr(KithStore) store = kith_store_open (fixture->db_path, &error);

    g_assert_no_error (error);
    kith_demo_caseload_fill (store, 5, DEMO_SEED, &error);
    g_assert_no_error (error);
    kith_store_delete_resource (store, "Patient", deleted_id, &error);
    g_assert_no_error (error);
  }

  start_server (fixture);

  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s", deleted_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", path, &reply);
    assert_outcome (&reply, SOUP_STATUS_GONE, NULL, deleted_id);
  }
  {
    /* The version before the deletion is still readable. */
    g_autofree char *path = g_strdup_printf ("/Patient/%s/_history/1", deleted_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    g_assert_cmpstr (kith_fhir_get_string (reply.json, "id"), ==, deleted_id);
  }
  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s", kept_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  }

  stop_server (fixture, SIGTERM);

  {
    g_autoptr(KithStore) store = kith_store_open (fixture->db_path, &error);

    g_assert_no_error (error);
    /* Four live patients: five filled, one deleted, none added. */
    g_assert_cmpint (kith_store_count_resources (store, "Patient"), ==, 4);
  }
}

/* Raw HTTP/1.1 over a socket, so the request target reaches the server
 * byte for byte. Returns the status code, or 0 when there was no reply. */
static guint
raw_request_status (guint16     port,
                    const char *method,
                    const char *target)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GByteArray) response = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autofree char *text = NULL;
  GOutputStream *output;
  GInputStream *input;
  guint64 status = 0;
  guint8 buffer[4096];
  gssize n;

  g_socket_client_set_timeout (client, HTTP_TIMEOUT_S);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);

  head = g_strdup_printf ("%s %s HTTP/1.1\r\n"
                          "Host: 127.0.0.1:%u\r\n"
                          "Accept: application/fhir+json\r\n"
                          "Connection: close\r\n"
                          "\r\n",
                          method, target, port);
  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_output_stream_write_all (output, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);

  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (response, buffer, n);
  /* A reset after the reply is fine; a timeout is not. */
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));

  text = g_strndup ((const char *) response->data, response->len);
  if (g_str_has_prefix (text, "HTTP/1.1 ") || g_str_has_prefix (text, "HTTP/1.0 "))
    {
      g_autofree char *code = g_strndup (text + 9, 3);

      g_ascii_string_to_unsigned (code, 10, 100, 599, &status, NULL);
    }

  return (guint) status;
}

static GPtrArray *
hostile_targets (void)
{
  static const char * const bases[] = {
    "/fhir/",
    "/fhir/Patient/",
    "/fhir/Patient/nobody/",
    "/fhir/Patient/nobody/_history/",
    "/",
    "/fhir/metadata/",
  };
  static const char * const tails[] = {
    "", ".", "..", "./", "../", "../..", "../../..", "../../../../etc/passwd",
    ".%2e", "%2e%2e", "%2E%2E/%2e%2e/", "%2e", "%2f", "%2F..%2F", "..%2f..%2f",
    "%00", "nobody%00", "%00/_history/1", "%", "%%", "%zz", "%4", "%c0%ae%c0%ae",
    "%c0%af", "%ff%fe", "%ef%bf%bf", "%e2%80%ae", "%f0%9f%98%80",
    "\xc3\xa9", "\xe6\x82\xa3\xe8\x80\x85", "\xf0\x9f\x98\x80", "\xff\xfe",
    "\xc0\xae\xc0\xae", "//", "///x", "x//y", "\\..\\..\\", "..\\", ";x=1", ";",
    "*", "~", "$everything", "$", "_history", "_history/", "_search", "-",
    "Patient", "Patient/", "Patient/_history/x", "Spaceship/1", "patient/nobody",
    "PATIENT/nobody", "Patient/nobody/_history", "Patient/nobody/_history/1/extra",
    "Patient/a%2Fb", "Patient/a%20b", "Patient/%2e", "Patient/..%00",
    "nobody?_format=xml", "?", "?%00", "?a=%zz", "#", "x#y", "a?b?c=%ff",
    "%25", "%252e%252e", "a%",
  };
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *long_segment = g_strnfill (3000, 'a');
  g_autofree char *very_long = g_strnfill (60000, 'b');
  g_autoptr(GString) many_segments = g_string_new ("/fhir");
  g_autoptr(GString) many_dots = g_string_new ("/fhir");

  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    for (guint j = 0; j < G_N_ELEMENTS (tails); j++)
      g_ptr_array_add (targets, g_strconcat (bases[i], tails[j], NULL));

  for (guint i = 0; i < 500; i++)
    g_string_append (many_segments, "/x");
  for (guint i = 0; i < 300; i++)
    g_string_append (many_dots, "/..");

  g_ptr_array_add (targets, g_strconcat ("/fhir/Patient/", long_segment, NULL));
  g_ptr_array_add (targets, g_strconcat ("/fhir/", long_segment, "/x", NULL));
  g_ptr_array_add (targets, g_strconcat ("/fhir/Patient/", very_long, NULL));
  g_ptr_array_add (targets, g_strconcat ("/fhir/Patient/x?q=", very_long, NULL));
  g_ptr_array_add (targets, g_string_free (g_steal_pointer (&many_segments), FALSE));
  g_ptr_array_add (targets, g_string_free (g_steal_pointer (&many_dots), FALSE));

  return targets;
}

static void
test_hostile_paths (ServerFixture *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GPtrArray) targets = hostile_targets ();
  g_auto(Reply) reply = { 0 };

  g_assert_cmpuint (targets->len, >=, 300);

  start_server (fixture);

  for (guint i = 0; i < targets->len; i++)
    {
      const char *target = g_ptr_array_index (targets, i);
      const char *method = (i % 7 == 3) ? "POST" : "GET";
      guint status = raw_request_status (fixture->port, method, target);

      if (status < 400 || status > 499)
        g_error ("%s “%.80s” (%zu bytes) gave status %u, not 4xx",
                 method, target, strlen (target), status);
    }

  request (fixture, "GET", "/metadata", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (kith_fhir_get_string (reply.json, "resourceType"), ==, "CapabilityStatement");
}

/* Runs kith-server with @args and expects it to exit 2 at once, having
 * printed no listening line and created nothing. */
static void
assert_usage_error (ServerFixture       *fixture,
                    const char * const  *args)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;

  process = spawn_server (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          NULL);
  /* Both pipes are small here, so reading them to the end is the wait;
   * the process is killed if it does not exit in time. */
  if (!wait_for_exit (process, EXIT_TIMEOUT_MS))
    {
      g_subprocess_force_exit (process);
      g_error ("kith-server did not exit on bad arguments");
    }
  g_subprocess_communicate (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 0);
  g_assert_cmpuint (g_bytes_get_size (err), >, 0);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (err, NULL), "kith-server: "));
  g_assert_false (g_file_test (fixture->data_dir, G_FILE_TEST_EXISTS));
}

static void
test_refuses_non_loopback (ServerFixture *fixture,
                           gconstpointer  user_data)
{
  /* 192.0.2.1 is TEST-NET-1: refused before any socket is made. */
  const char *public_v4[] = { "--data", fixture->data_dir, "--listen", "192.0.2.1:8080", NULL };
  const char *any_v4[] = { "--data", fixture->data_dir, "--listen", "0.0.0.0:0", NULL };
  const char *any_v6[] = { "--data", fixture->data_dir, "--listen", "[::]:0", NULL };
  const char *mapped[] = { "--data", fixture->data_dir, "--listen", "[::ffff:127.0.0.1]:0", NULL };

  assert_usage_error (fixture, public_v4);
  assert_usage_error (fixture, any_v4);
  assert_usage_error (fixture, any_v6);
  assert_usage_error (fixture, mapped);
}

static void
test_bad_arguments (ServerFixture *fixture,
                    gconstpointer  user_data)
{
  const char *d = fixture->data_dir;
  const char *no_data[] = { "--listen", "127.0.0.1:0", NULL };
  const char *no_listen[] = { "--data", d, NULL };
  const char *no_port[] = { "--data", d, "--listen", "127.0.0.1", NULL };
  const char *big_port[] = { "--data", d, "--listen", "127.0.0.1:65536", NULL };
  const char *bad_port[] = { "--data", d, "--listen", "127.0.0.1:80x", NULL };
  const char *name[] = { "--data", d, "--listen", "example.org:80", NULL };
  const char *bare_v6[] = { "--data", d, "--listen", "::1:0", NULL };
  const char *negative[] = { "--data", d, "--listen", "127.0.0.1:0", "--demo-people", "-3", NULL };
  const char *not_number[] = { "--data", d, "--listen", "127.0.0.1:0", "--demo-people", "x", NULL };
  const char *bad_seed[] = { "--data", d, "--listen", "127.0.0.1:0",
                             "--demo-people", "3", "--demo-seed", "-1", NULL };
  const char *stray[] = { "--data", d, "--listen", "127.0.0.1:0", "extra", NULL };
  const char *unknown[] = { "--data", d, "--listen", "127.0.0.1:0", "--frobnicate", NULL };

  assert_usage_error (fixture, no_data);
  assert_usage_error (fixture, no_listen);
  assert_usage_error (fixture, no_port);
  assert_usage_error (fixture, big_port);
  assert_usage_error (fixture, bad_port);
  assert_usage_error (fixture, name);
  assert_usage_error (fixture, bare_v6);
  assert_usage_error (fixture, negative);
  assert_usage_error (fixture, not_number);
  assert_usage_error (fixture, bad_seed);
  assert_usage_error (fixture, stray);
  assert_usage_error (fixture, unknown);
}

typedef struct
{
  char *id;
  char *nhs_number;
  char *family;
} DemoPerson;

static void
find_first_person_cb (JsonObject *resource,
                      gpointer    user_data)
{
  DemoPerson *person = user_data;
  JsonArray *identifiers, *names;

  if (person->id != NULL ||
      g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "Patient") != 0)
    return;

  person->id = g_strdup (kith_fhir_get_string (resource, "id"));
  identifiers = json_object_get_array_member (resource, "identifier");
  for (guint i = 0; i < json_array_get_length (identifiers); i++)
    {
      JsonObject *identifier = json_array_get_object_element (identifiers, i);

      if (g_strcmp0 (kith_fhir_get_string (identifier, "system"),
                     KITH_FHIR_NHS_NUMBER_SYSTEM) == 0)
        person->nhs_number = g_strdup (kith_fhir_get_string (identifier, "value"));
    }
  names = json_object_get_array_member (resource, "name");
  person->family = g_strdup (kith_fhir_get_string (json_array_get_object_element (names, 0),
                                                   "family"));
}

/* The access log names the route, never the person. */
static void
test_log_privacy (ServerFixture *fixture,
                  gconstpointer  user_data)
{
  DemoPerson person = { NULL, NULL, NULL };
  g_autofree char *read_path = NULL;
  g_autofree char *vread_path = NULL;
  g_autofree char *nhs_path = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;

  kith_demo_caseload_generate (DEMO_PEOPLE, DEMO_SEED, find_first_person_cb, &person);
  g_assert_nonnull (person.id);
  g_assert_nonnull (person.nhs_number);
  g_assert_nonnull (person.family);

  fixture->log_path = g_build_filename (g_get_user_cache_dir (), "kith-server.log", NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  start_server (fixture);

  read_path = g_strdup_printf ("/Patient/%s", person.id);
  vread_path = g_strdup_printf ("/Patient/%s/_history/1", person.id);
  nhs_path = g_strdup_printf ("/Patient/%s", person.nhs_number);
  {
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", read_path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    /* The body does hold the person; the log must not. */
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (reply.body, NULL),
                                    g_bytes_get_size (reply.body), person.nhs_number));
  }
  {
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", vread_path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  }
  {
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", nhs_path, &reply);
    assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-found", person.nhs_number);
  }
  {
    g_auto(Reply) reply = { 0 };

    request (fixture, "POST", read_path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
  }

  stop_server (fixture, SIGTERM);

  g_file_get_contents (fixture->log_path, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (log, "GET /fhir/Patient/{id} 200"));
  g_assert_nonnull (strstr (log, "GET /fhir/Patient/{id}/_history/{vid} 200"));
  g_assert_nonnull (strstr (log, "POST /fhir/Patient/{id} 405"));
  g_assert_null (strstr (log, person.id));
  g_assert_null (strstr (log, person.nhs_number));
  g_assert_null (strstr (log, person.family));

  g_free (person.id);
  g_free (person.nhs_number);
  g_free (person.family);
}

/* A port already taken is a runtime failure (exit 1), not a usage error,
 * and the first server carries on. */
static void
test_port_in_use (ServerFixture *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *other_dir = g_build_filename (g_get_user_data_dir (), "other", NULL);
  g_autofree char *listen = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Reply) reply = { 0 };

  start_server (fixture);

  listen = g_strdup_printf ("127.0.0.1:%u", fixture->port);
  {
    const char *args[] = { "--data", other_dir, "--listen", listen, NULL };

    process = spawn_server (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE, NULL);
  }
  if (!wait_for_exit (process, START_TIMEOUT_MS))
    {
      g_subprocess_force_exit (process);
      g_error ("a second kith-server on a taken port did not exit");
    }
  g_subprocess_communicate (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 0);

  request (fixture, "GET", "/metadata", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
}

static void
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

static void
test_shutdown (ServerFixture *fixture,
               gconstpointer  user_data)
{
  int signum = GPOINTER_TO_INT (user_data);
  g_auto(Reply) reply = { 0 };
  g_autoptr(GError) error = NULL;

  start_server (fixture);

  request (fixture, "GET", "/metadata", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);

  stop_server (fixture, signum);
  assert_store_intact (fixture);

  {
    g_autoptr(KithStore) store = kith_store_open (fixture->db_path, &error);

    g_assert_no_error (error);
    g_assert_cmpint (kith_store_count_resources (store, "Patient"), ==, DEMO_PEOPLE);
    g_assert_true (kith_store_check_integrity (store, &error));
    g_assert_no_error (error);
  }

  /* A restart on the same data serves the same caseload, unchanged. */
  start_server (fixture);
  stop_server (fixture, SIGTERM);
  {
    g_autoptr(KithStore) store = kith_store_open (fixture->db_path, &error);

    g_assert_no_error (error);
    g_assert_cmpint (kith_store_count_resources (store, "Patient"), ==, DEMO_PEOPLE);
  }
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/metadata", ServerFixture, NULL,
              fixture_set_up, test_metadata, fixture_tear_down);
  g_test_add ("/server/read", ServerFixture, NULL,
              fixture_set_up, test_read, fixture_tear_down);
  g_test_add ("/server/errors", ServerFixture, NULL,
              fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/server/existing-store", ServerFixture, NULL,
              fixture_set_up, test_existing_store, fixture_tear_down);
  g_test_add ("/server/log-privacy", ServerFixture, NULL,
              fixture_set_up, test_log_privacy, fixture_tear_down);
  g_test_add ("/server/hostile-paths", ServerFixture, NULL,
              fixture_set_up, test_hostile_paths, fixture_tear_down);
  g_test_add ("/server/refuses-non-loopback", ServerFixture, NULL,
              fixture_set_up, test_refuses_non_loopback, fixture_tear_down);
  g_test_add ("/server/bad-arguments", ServerFixture, NULL,
              fixture_set_up, test_bad_arguments, fixture_tear_down);
  g_test_add ("/server/port-in-use", ServerFixture, NULL,
              fixture_set_up, test_port_in_use, fixture_tear_down);
  g_test_add ("/server/shutdown/sigterm", ServerFixture, GINT_TO_POINTER (SIGTERM),
              fixture_set_up, test_shutdown, fixture_tear_down);
  g_test_add ("/server/shutdown/sigint", ServerFixture, GINT_TO_POINTER (SIGINT),
              fixture_set_up, test_shutdown, fixture_tear_down);

  return g_test_run ();
}
