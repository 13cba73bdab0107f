/* test-server-auth.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Information governance on the real kith-server: users and their
 * commands, bearer tokens (none, unknown, expired, revoked → 401 on every
 * endpoint), the sign-in limit (429), a wrong password and an unknown user
 * answering alike, TLS with a test CA (and a wrong CA refused), and the
 * append-only audit trail.
 */

#define G_LOG_DOMAIN "kith-test"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "server-fixture.h"

#define NURSE          "nurse.a"
/* The server's limit: failed sign-ins per user name and per address. */
#define MAX_FAILURES   5
#define NURSE_PASSWORD "nurse test password"

/* One request of every kind the server answers below the base. */
typedef struct
{
  const char *method;
  const char *path;        /* "%s" is a demo person's id */
  gboolean    body;        /* a Patient (PUT) or a transaction (POST) */
} Endpoint;

static const Endpoint endpoints[] = {
  { "GET", "/Patient/%s", FALSE },
  { "HEAD", "/Patient/%s", FALSE },
  { "GET", "/Patient/%s/_history/1", FALSE },
  { "GET", "/Patient/%s/_history", FALSE },
  { "GET", "/Patient?_count=1", FALSE },
  { "GET", "/Condition?patient=%s", FALSE },
  { "GET", "/Patient/_history", FALSE },
  { "GET", "/_history", FALSE },
  { "PUT", "/Patient/%s", TRUE },
  { "DELETE", "/Patient/%s", FALSE },
  { "POST", "", TRUE },
  { "GET", "/Spaceship/1", FALSE },
  { "GET", "", FALSE },
};

/* The first demo person of TEST_USER_TEAM, whose record the test users
 * (in that team) may see. */
static char *
first_patient_id (void)
{
  g_autoptr(GPtrArray) ids = demo_visible_patient_ids (DEMO_PEOPLE);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *team = demo_patient_team (DEMO_PEOPLE, g_ptr_array_index (ids, i));

      if (team != NULL)
        return g_strdup (g_ptr_array_index (ids, i));
    }
  g_assert_not_reached ();
}

/* @endpoint's path with @patient_id for its "%s". */
static char *
endpoint_path (const Endpoint *endpoint,
               const char     *patient_id)
{
  g_auto(GStrv) parts = g_strsplit (endpoint->path, "%s", -1);

  return g_strjoinv (patient_id, parts);
}

static char *
endpoint_body (const Endpoint *endpoint,
               const char     *patient_id)
{
  if (g_str_equal (endpoint->method, "PUT"))
    return g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\",\"active\":false,"
                            "\"name\":[{\"family\":\"Changed\"}]}", patient_id);
  return g_strdup_printf ("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":"
                          "[{\"request\":{\"method\":\"DELETE\",\"url\":\"Patient/%s\"}}]}",
                          patient_id);
}

/* Sends every endpoint with @authorization (NULL: no header at all) and
 * checks each is refused with 401, WWW-Authenticate: Bearer and an
 * OperationOutcome, saying "invalid_token" exactly when one was sent. */
static void
assert_every_endpoint_refused (ServerFixture *fixture,
                               const char    *authorization)
{
  g_autofree char *patient_id = first_patient_id ();

  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      const Endpoint *endpoint = &endpoints[i];
      g_autofree char *path = endpoint_path (endpoint, patient_id);
      g_autofree char *body = endpoint->body ? endpoint_body (endpoint, patient_id) : NULL;
      const char *headers[] = { authorization != NULL ? "Authorization" : NO_AUTHORIZATION,
                                authorization != NULL ? authorization : "1", NULL };
      g_auto(Reply) reply = { 0 };
      const char *challenge;

      request_full (fixture, endpoint->method, path, headers,
                    body != NULL ? "application/fhir+json" : NULL, body, -1, &reply);
      if (reply.status != SOUP_STATUS_UNAUTHORIZED)
        g_error ("%s %s with %s answered %u, not 401", endpoint->method, path,
                 authorization != NULL ? "a bad token" : "no token", reply.status);
      challenge = soup_message_headers_get_one (reply.headers, "WWW-Authenticate");
      g_assert_nonnull (challenge);
      g_assert_true (g_str_has_prefix (challenge, "Bearer "));
      /* RFC 6750: "invalid_token" when a bearer token was sent and failed. */
      if ((strstr (challenge, "invalid_token") != NULL) !=
          (authorization != NULL && g_str_has_prefix (authorization, "Bearer ")))
        g_error ("%s %s with %s: challenge %s", endpoint->method, path,
                 authorization != NULL ? authorization : "nothing", challenge);
      if (!g_str_equal (endpoint->method, "HEAD"))
        assert_outcome (&reply, SOUP_STATUS_UNAUTHORIZED, "login", NULL);
    }

  /* Nothing was written or deleted. */
  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s", patient_id);
    const char *headers[] = { "Authorization", NULL, NULL };
    g_autofree char *bearer = g_strconcat ("Bearer ", fixture->token, NULL);
    g_auto(Reply) reply = { 0 };

    headers[1] = bearer;
    request_full (fixture, "GET", path, headers, NULL, NULL, 0, &reply);
    if (reply.status == SOUP_STATUS_OK)
      g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "ETag"), ==, "W/\"1\"");
  }
}

/* The same requests with a good token are served. */
static void
assert_every_endpoint_served (ServerFixture *fixture,
                              const char    *token)
{
  g_autofree char *patient_id = first_patient_id ();
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      const Endpoint *endpoint = &endpoints[i];
      g_autofree char *path = endpoint_path (endpoint, patient_id);
      const char *headers[] = { "Authorization", bearer, NULL };
      g_auto(Reply) reply = { 0 };

      /* Reads only: the writes are for the refusals. */
      if (endpoint->body || g_str_equal (endpoint->method, "DELETE"))
        continue;
      request_full (fixture, endpoint->method, path, headers, NULL, NULL, 0, &reply);
      g_assert_cmpuint (reply.status, !=, SOUP_STATUS_UNAUTHORIZED);
    }
}

static void
test_no_token (ServerFixture *fixture,
               gconstpointer  user_data)
{
  start_server (fixture);

  assert_every_endpoint_refused (fixture, NULL);
  assert_every_endpoint_refused (fixture, "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  assert_every_endpoint_refused (fixture, "Bearer not-even-a-token");
  assert_every_endpoint_refused (fixture, "Basic dGVzdDp0ZXN0");
  /* A token's hash is what is kept: the stored hash is no token. */
  {
    g_autofree char *bearer = g_strconcat ("Bearer ", fixture->token, "x", NULL);

    assert_every_endpoint_refused (fixture, bearer);
  }
  assert_every_endpoint_served (fixture, fixture->token);

  /* The CapabilityStatement is open, and says how to sign in. */
  {
    const char *headers[] = { NO_AUTHORIZATION, "1", NULL };
    g_auto(Reply) reply = { 0 };
    JsonObject *rest, *security;

    request_full (fixture, "GET", "/metadata", headers, NULL, NULL, 0, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    rest = json_array_get_object_element (json_object_get_array_member (reply.json, "rest"), 0);
    security = json_object_get_object_member (rest, "security");
    g_assert_nonnull (strstr (kith_fhir_get_string (security, "description"), "/auth/token"));
  }
}

static void
test_expired_token (ServerFixture *fixture,
                    gconstpointer  user_data)
{
  /* Long enough to be served everywhere first, even in a sanitizer
   * build, where the reads alone can take two seconds. */
  const char *args[] = { "--token-lifetime", "6s", NULL };
  g_autofree char *token = NULL;
  gint64 signed_in;

  fixture->extra_args = args;
  start_server (fixture);
  {
    g_auto(Reply) reply = { 0 };

    /* A token of its own, timed from here; it says how long it lasts. */
    signed_in = g_get_monotonic_time ();
    token = sign_in (fixture, TEST_USER, TEST_PASSWORD, &reply);
    g_assert_nonnull (token);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (reply.body, NULL), g_bytes_get_size (reply.body),
                                    "\"expires_in\":6"));
  }
  assert_every_endpoint_served (fixture, token);

  /* Wait out the lifetime (the server counts from its own clock). */
  g_usleep (MAX (0, 6500 * 1000 - (g_get_monotonic_time () - signed_in)));
  {
    g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

    assert_every_endpoint_refused (fixture, bearer);
  }
}

static void
test_revoked_token (ServerFixture *fixture,
                    gconstpointer  user_data)
{
  const char *disable[] = { "user", "disable", NURSE, NULL };
  const char *enable[] = { "user", "enable", NURSE, NULL };
  const char *passwd[] = { "user", "passwd", NURSE, NULL };
  g_autofree char *token = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *again = NULL;
  g_autofree char *out = NULL;
  g_auto(Reply) refused = { 0 };
  g_auto(Reply) wrong = { 0 };

  start_server (fixture);
  add_user (fixture, NURSE, "nurse", NURSE_PASSWORD);
  token = sign_in (fixture, NURSE, NURSE_PASSWORD, NULL);
  g_assert_nonnull (token);
  assert_every_endpoint_served (fixture, token);

  /* Disabled while the server runs: at once, on every endpoint. */
  g_assert_cmpint (run_admin (fixture, disable, NULL, &out, NULL), ==, 0);
  bearer = g_strconcat ("Bearer ", token, NULL);
  assert_every_endpoint_refused (fixture, bearer);
  /* A disabled user's right password reads as a wrong one. */
  g_assert_null (sign_in (fixture, NURSE, NURSE_PASSWORD, &refused));
  g_assert_null (sign_in (fixture, NURSE, "not the password", &wrong));
  g_assert_cmpuint (refused.status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_true (g_bytes_equal (refused.body, wrong.body));

  /* Enabled again: old tokens stay revoked; a new sign-in works. */
  g_assert_cmpint (run_admin (fixture, enable, NULL, NULL, NULL), ==, 0);
  assert_every_endpoint_refused (fixture, bearer);
  again = sign_in (fixture, NURSE, NURSE_PASSWORD, NULL);
  g_assert_nonnull (again);
  assert_every_endpoint_served (fixture, again);

  /* A new password revokes too, and the old password stops working. */
  g_assert_cmpint (run_admin (fixture, passwd, "a brand new password\n", NULL, NULL), ==, 0);
  g_free (bearer);
  bearer = g_strconcat ("Bearer ", again, NULL);
  assert_every_endpoint_refused (fixture, bearer);
  g_assert_null (sign_in (fixture, NURSE, NURSE_PASSWORD, NULL));
  g_free (again);
  again = sign_in (fixture, NURSE, "a brand new password", NULL);
  g_assert_nonnull (again);
}

/* A session that comes from @address (another loopback address), so the
 * server sees a different peer. */
static SoupSession *
session_from (const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (inet, 0);

  return soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S, "proxy-resolver", NULL,
                                        "local-address", local, NULL);
}

static guint
sign_in_from (ServerFixture *fixture,
              SoupSession   *session,
              const char    *username,
              const char    *password,
              char         **retry_after)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/auth/token", fixture->port);
  g_autofree char *form = soup_form_encode ("username", username, "password", password, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (retry_after != NULL)
    *retry_after = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                           "Retry-After"));
  return soup_message_get_status (msg);
}

/* Five failures in fifteen minutes stop a user name (from anywhere) and an
 * address (for any name) with 429 and Retry-After; an unknown name is
 * limited just the same. */
static void
test_rate_limit (ServerFixture *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(SoupSession) from_2 = session_from ("127.0.0.2");
  g_autoptr(SoupSession) from_3 = session_from ("127.0.0.3");
  g_autoptr(SoupSession) from_4 = session_from ("127.0.0.4");
  g_autofree char *retry_after = NULL;
  guint64 seconds = 0;

  start_server (fixture);
  add_user (fixture, NURSE, "nurse", NURSE_PASSWORD);

  for (guint i = 0; i < MAX_FAILURES; i++)
    g_assert_cmpuint (sign_in_from (fixture, from_2, NURSE, "wrong password", NULL), ==, 401);

  /* The sixth try is refused without a check, even with the right password. */
  g_assert_cmpuint (sign_in_from (fixture, from_2, NURSE, NURSE_PASSWORD, &retry_after), ==, 429);
  g_assert_nonnull (retry_after);
  g_assert_true (g_ascii_string_to_unsigned (retry_after, 10, 1, 15 * 60, &seconds, NULL));
  /* Per user name: from another address too. */
  g_assert_cmpuint (sign_in_from (fixture, from_3, NURSE, NURSE_PASSWORD, NULL), ==, 429);
  /* Per address: another user from the same address. */
  g_assert_cmpuint (sign_in_from (fixture, from_2, TEST_USER, TEST_PASSWORD, NULL), ==, 429);
  /* Others are not held up. */
  g_assert_cmpuint (sign_in_from (fixture, from_3, TEST_USER, TEST_PASSWORD, NULL), ==, 200);

  /* An unknown name is limited the same way: nothing tells it apart. */
  for (guint i = 0; i < MAX_FAILURES; i++)
    g_assert_cmpuint (sign_in_from (fixture, from_4, "no.such.user", "wrong password", NULL), ==, 401);
  g_assert_cmpuint (sign_in_from (fixture, from_4, "no.such.user", "wrong password", NULL), ==, 429);

  /* The refusal is an OperationOutcome, and was recorded. */
  stop_server (fixture, SIGTERM);
  {
    const char *audit[] = { "audit", "--user", NURSE, NULL };
    g_autofree char *out = NULL;

    g_assert_cmpint (run_admin (fixture, audit, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "login"));
    g_assert_nonnull (strstr (out, "429"));
    g_assert_nonnull (strstr (out, "too many failed sign-ins"));
    g_assert_nonnull (strstr (out, "wrong password"));
    g_assert_nonnull (strstr (out, "from 127.0.0.2"));
  }
}

/* A wrong password and an unknown user get the same answer, byte for
 * byte, in a similar time: both cost a password check. */
static void
test_same_answer (ServerFixture *fixture,
                  gconstpointer  user_data)
{
  gint64 wrong_min = G_MAXINT64, unknown_min = G_MAXINT64;
  g_auto(Reply) wrong = { 0 };
  g_auto(Reply) unknown = { 0 };

  start_server (fixture);
  add_user (fixture, NURSE, "nurse", NURSE_PASSWORD);

  /* Two of each (four failures stay under the address's limit). */
  for (guint i = 0; i < 2; i++)
    {
      gint64 t0 = g_get_monotonic_time ();

      g_assert_null (sign_in (fixture, NURSE, "wrong password", &wrong));
      wrong_min = MIN (wrong_min, g_get_monotonic_time () - t0);
      t0 = g_get_monotonic_time ();
      g_assert_null (sign_in (fixture, "no.such.user", "wrong password", &unknown));
      unknown_min = MIN (unknown_min, g_get_monotonic_time () - t0);
    }

  assert_outcome (&wrong, SOUP_STATUS_UNAUTHORIZED, "login", "wrong password");
  g_assert_cmpuint (wrong.status, ==, unknown.status);
  g_assert_true (g_bytes_equal (wrong.body, unknown.body));
  g_assert_cmpstr (soup_message_headers_get_one (wrong.headers, "WWW-Authenticate"), ==,
                   soup_message_headers_get_one (unknown.headers, "WWW-Authenticate"));
  g_assert_cmpstr (soup_message_headers_get_content_type (wrong.headers, NULL), ==,
                   soup_message_headers_get_content_type (unknown.headers, NULL));
  /* An Argon2id check takes ~0.15 s; skipping it would take a millisecond. */
  g_test_message ("wrong password %.0f ms, unknown user %.0f ms", wrong_min / 1000.0,
                  unknown_min / 1000.0);
  g_assert_cmpint (unknown_min * 3, >=, wrong_min);
  g_assert_cmpint (wrong_min * 3, >=, unknown_min);
}

/* Malformed sign-ins are refused plainly; JSON works like a form. */
static void
test_sign_in_requests (ServerFixture *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *url = NULL;

  start_server (fixture);
  url = g_strdup_printf ("http://127.0.0.1:%u/auth/token", fixture->port);

  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) body = soup_session_send_and_read (fixture->session, msg, NULL, NULL);

    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow"),
                     ==, "POST");
  }
  {
    static const struct { const char *type; const char *body; guint status; } cases[] = {
      { "text/plain", "username=a&password=b", SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE },
      { "application/x-www-form-urlencoded", "username=test.admin", SOUP_STATUS_BAD_REQUEST },
      { "application/x-www-form-urlencoded", "password=x", SOUP_STATUS_BAD_REQUEST },
      { "application/json", "[1,2]", SOUP_STATUS_BAD_REQUEST },
      { "application/json", "{\"username\":1,\"password\":2}", SOUP_STATUS_BAD_REQUEST },
      { "application/json", "{\"username\":\"test.admin\",\"password\":\"wrong one\"}",
        SOUP_STATUS_UNAUTHORIZED },
      { "application/json", "{\"username\":\"test.admin\",\"password\":\"" TEST_PASSWORD "\"}",
        SOUP_STATUS_OK },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
        g_autoptr(GBytes) bytes = g_bytes_new_static (cases[i].body, strlen (cases[i].body));
        g_autoptr(GBytes) body = NULL;

        soup_message_set_request_body_from_bytes (msg, cases[i].type, bytes);
        body = soup_session_send_and_read (fixture->session, msg, NULL, NULL);
        g_assert_nonnull (body);
        g_assert_cmpuint (soup_message_get_status (msg), ==, cases[i].status);
        /* The password is never repeated back. */
        g_assert_null (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                     "wrong one"));
      }
  }
  {
    g_autofree char *long_body = g_strdup_printf ("username=x&password=%0*d", 5000, 0);
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GBytes) bytes = g_bytes_new (long_body, strlen (long_body));
    g_autoptr(GBytes) body = NULL;

    soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
    body = soup_session_send_and_read (fixture->session, msg, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  }
}

/* user add|list|disable|passwd, and their refusals. */
static void
test_user_commands (ServerFixture *fixture,
                    gconstpointer  user_data)
{
  const char *list[] = { "user", "list", NULL };
  const char *bad_role[] = { "user", "add", "--role", "surgeon", "--name", "X", "--team", "T", "x.y", NULL };
  const char *no_team[] = { "user", "add", "--role", "gp", "--name", "X", "x.y", NULL };
  const char *bad_name[] = { "user", "add", "--role", "gp", "--name", "X", "--team", "T", "x y", NULL };
  const char *argv_password[] = { "user", "add", "--role", "gp", "--name", "X", "--team", "T",
                                  "--password", "secret secret", "x.y", NULL };
  const char *duplicate[] = { "user", "add", "--role", "gp", "--name", "Dup", "--team", "T",
                              NURSE, NULL };
  const char *short_password[] = { "user", "add", "--role", "gp", "--name", "Dr Short", "--team", "T",
                                   "dr.short", NULL };
  const char *unknown[] = { "user", "disable", "no.such.user", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* Before any server data exists there is nothing to list. */
  {
    g_autoptr(GSubprocess) process = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *missing = g_build_filename (fixture->data_dir, "missing", NULL);
    const char *args[] = { "user", "list", "--data", missing, NULL };

    process = spawn_server (args, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            NULL);
    g_subprocess_wait (process, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }

  add_user (fixture, NURSE, "nurse", NURSE_PASSWORD);
  add_user (fixture, "sw.b", "social-worker", "social work password");

  g_assert_cmpint (run_admin (fixture, list, NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, NURSE));
  g_assert_nonnull (strstr (out, "social-worker"));
  g_assert_nonnull (strstr (out, TEST_USER_TEAM));
  g_assert_nonnull (strstr (out, "active"));
  /* No password or hash is ever shown. */
  g_assert_null (strstr (out, NURSE_PASSWORD));
  g_assert_null (strstr (out, "argon2"));

  g_assert_cmpint (run_admin (fixture, bad_role, "a long enough password\n", NULL, NULL), ==, 2);
  g_assert_cmpint (run_admin (fixture, no_team, "a long enough password\n", NULL, NULL), ==, 2);
  g_assert_cmpint (run_admin (fixture, bad_name, "a long enough password\n", NULL, NULL), ==, 2);
  g_assert_cmpint (run_admin (fixture, argv_password, NULL, NULL, NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_admin (fixture, duplicate, "a long enough password\n", NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "already"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_admin (fixture, short_password, "short\n", NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "too short"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_admin (fixture, short_password, "", NULL, &err), ==, 1);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_admin (fixture, unknown, NULL, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no user"));

  /* Only Argon2id hashes are stored. */
  {
    g_autofree char *db_path = g_build_filename (fixture->data_dir, "kith-server.db", NULL);
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT password_hash FROM server_user", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_assert_true (g_str_has_prefix ((const char *) sqlite3_column_text (stmt, 0), "$argon2id$"));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

/* Sign-ins leave no password, token or user name in the log. */
static void
test_sign_in_log_privacy (ServerFixture *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *log = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;

  fixture->log_path = g_build_filename (g_get_user_cache_dir (), "kith-server.log", NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  start_server (fixture);
  add_user (fixture, NURSE, "nurse", NURSE_PASSWORD);
  token = sign_in (fixture, NURSE, NURSE_PASSWORD, NULL);
  g_assert_null (sign_in (fixture, NURSE, "a wrong password", NULL));
  stop_server (fixture, SIGTERM);

  g_file_get_contents (fixture->log_path, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (log, "POST /auth/token 200"));
  g_assert_nonnull (strstr (log, "POST /auth/token 401"));
  g_assert_null (strstr (log, NURSE_PASSWORD));
  g_assert_null (strstr (log, "a wrong password"));
  g_assert_null (strstr (log, token));
  g_assert_null (strstr (log, fixture->token));
  g_assert_null (strstr (log, NURSE));
}

/* Reads, searches, history, writes, transactions and sign-ins are each an
 * AuditEvent, found by the person they touched; the trail refuses to be
 * changed. */
static void
test_audit (ServerFixture *fixture,
            gconstpointer  user_data)
{
  g_autofree char *patient_id = first_patient_id ();
  g_autofree char *db_path = g_build_filename (fixture->data_dir, "kith-server.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *token = NULL;
  g_autofree char *goal_id = g_strdup ("audit-goal-1");
  g_autofree char *goal = NULL;
  g_auto(GStrv) lines = NULL;

  start_server (fixture);
  add_user (fixture, NURSE, "nurse", NURSE_PASSWORD);
  g_assert_null (sign_in (fixture, NURSE, "a wrong password", NULL));
  g_assert_null (sign_in (fixture, "no.such.user", "a wrong password", NULL));
  token = sign_in (fixture, NURSE, NURSE_PASSWORD, NULL);
  g_assert_nonnull (token);
  g_free (fixture->token);
  fixture->token = g_strdup (token);   /* everything below is the nurse's */

  {
    g_autofree char *read = g_strdup_printf ("/Patient/%s", patient_id);
    g_autofree char *search = g_strdup_printf ("/Condition?patient=%s", patient_id);
    g_autofree char *history = g_strdup_printf ("/Patient/%s/_history", patient_id);
    g_autofree char *goal_path = g_strdup_printf ("/Goal/%s", goal_id);
    g_autofree char *bundle = NULL;
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", read, &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    request (fixture, "GET", search, &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    request (fixture, "GET", history, &reply);
    g_assert_cmpuint (reply.status, ==, 200);
    request (fixture, "GET", "/Patient/no-such-person", &reply);
    g_assert_cmpuint (reply.status, ==, 404);

    goal = g_strdup_printf ("{\"resourceType\":\"Goal\",\"id\":\"%s\",\"lifecycleStatus\":\"active\","
                            "\"description\":{\"text\":\"Walk to the shop\"},"
                            "\"subject\":{\"reference\":\"Patient/%s\"}}", goal_id, patient_id);
    request_full (fixture, "PUT", goal_path, NULL, "application/fhir+json", goal, -1, &reply);
    g_assert_cmpuint (reply.status, ==, 201);

    bundle = g_strdup_printf ("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                              "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/%s\"}},"
                              "{\"request\":{\"method\":\"DELETE\",\"url\":\"Goal/%s\"}}]}",
                              patient_id, goal_id);
    request_full (fixture, "POST", "", NULL, "application/fhir+json", bundle, -1, &reply);
    g_assert_cmpuint (reply.status, ==, 200);
  }

  /* While the server runs: the person's trail, in order. */
  {
    const char *audit[] = { "audit", "--person", patient_id, NULL };

    g_assert_cmpint (run_admin (fixture, audit, NULL, &out, NULL), ==, 0);
  }
  lines = g_strsplit (out, "\n", -1);
  g_test_message ("%s", out);
  {
    static const char * const expected[] = {
      "  read ", "  search-type ", "  history-instance ", "  update ", "  transaction ",
    };
    guint line = 0;

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        while (lines[line] != NULL && strstr (lines[line], expected[i]) == NULL)
          line++;
        if (lines[line] == NULL)
          g_error ("No '%s' in the person's audit trail", expected[i]);
        g_assert_nonnull (strstr (lines[line], NURSE " (nurse) from 127.0.0.1"));
        g_assert_true (strstr (lines[line], " 200 success") != NULL ||
                       strstr (lines[line], " 201 success") != NULL);
      }
  }
  g_assert_nonnull (strstr (out, "[Patient/"));
  g_assert_nonnull (strstr (out, "Goal/audit-goal-1/_history/1"));
  g_assert_nonnull (strstr (out, "Goal/audit-goal-1/_history/2"));
  g_assert_null (strstr (out, "no-such-person"));

  /* The sign-ins, both ways, with where they came from. */
  {
    const char *audit[] = { "audit", "--user", NURSE, NULL };
    const char *stranger[] = { "audit", "--user", "no.such.user", NULL };
    g_autofree char *mine = NULL;
    g_autofree char *theirs = NULL;

    g_assert_cmpint (run_admin (fixture, audit, NULL, &mine, NULL), ==, 0);
    g_assert_nonnull (strstr (mine, "login            E  401 refused  " NURSE " (nurse) from 127.0.0.1: "
                                    "POST /auth/token (wrong password)"));
    g_assert_nonnull (strstr (mine, "login            E  200 success  " NURSE " (nurse) from 127.0.0.1"));
    g_assert_cmpint (run_admin (fixture, stranger, NULL, &theirs, NULL), ==, 0);
    g_assert_nonnull (strstr (theirs, "401 refused  no.such.user from 127.0.0.1"));
  }

  /* As FHIR AuditEvents. */
  {
    const char *audit[] = { "audit", "--person", patient_id, "--fhir", NULL };
    g_autofree char *json = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonArray *entries;
    JsonObject *event;

    g_assert_cmpint (run_admin (fixture, audit, NULL, &json, NULL), ==, 0);
    json_parser_load_from_data (parser, json, -1, &error);
    g_assert_no_error (error);
    entries = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "entry");
    g_assert_cmpuint (json_array_get_length (entries), >=, 5);
    event = json_object_get_object_member (json_array_get_object_element (entries, 0), "resource");
    g_assert_cmpstr (kith_fhir_get_string (event, "resourceType"), ==, "AuditEvent");
    g_assert_cmpstr (kith_fhir_get_string (event, "action"), ==, "R");
    g_assert_cmpstr (kith_fhir_get_string (event, "outcome"), ==, "0");
    g_assert_nonnull (kith_fhir_get_string (event, "recorded"));
  }

  /* Append-only: updates and deletes are refused, by the database itself. */
  {
    static const char * const changes[] = {
      "UPDATE audit_event SET user_name = 'someone else'",
      "DELETE FROM audit_event",
      "UPDATE audit_patient SET patient_id = 'x'",
      "DELETE FROM audit_patient",
    };
    sqlite3 *db = NULL;
    gint64 before = 0;

    g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout (db, 5000);
    for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
      {
        char *message = NULL;

        g_assert_cmpint (sqlite3_exec (db, changes[i], NULL, NULL, &message), !=, SQLITE_OK);
        g_assert_nonnull (strstr (message, "append-only"));
        sqlite3_free (message);
      }
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM audit_event", -1, &stmt, NULL),
                       ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      before = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
    g_assert_cmpint (before, >=, 9);
    sqlite3_close (db);
  }

  stop_server (fixture, SIGTERM);
  assert_store_intact (fixture);
}

/* HTTPS with a certificate from a test CA: trusted with that CA, refused
 * with another; plain HTTP elsewhere than loopback is refused at start. */
static void
test_tls (ServerFixture *fixture,
          gconstpointer  user_data)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "server", "make-test-certs", NULL);
  g_autofree char *certs = g_build_filename (g_get_user_cache_dir (), "certs", NULL);
  g_autofree char *cert = g_build_filename (certs, "server.pem", NULL);
  g_autofree char *key = g_build_filename (certs, "server.key", NULL);
  g_autofree char *ca = g_build_filename (certs, "ca.pem", NULL);
  g_autofree char *other_ca = g_build_filename (certs, "other-ca.pem", NULL);
  g_autoptr(GError) error = NULL;
  const char *make[] = { script, certs, NULL };
  const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };
  int status = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed: no test certificates");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) make, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  fixture->extra_args = args;
  start_server (fixture);
  g_assert_true (g_str_has_prefix (fixture->base_url, "https://127.0.0.1:"));

  {
    g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca, &error);
    g_auto(Reply) reply = { 0 };
    g_autofree char *token = NULL;

    g_assert_no_error (error);
    soup_session_set_tls_database (fixture->session, database);
    request (fixture, "GET", "/metadata", &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    g_assert_cmpstr (kith_fhir_get_string (json_object_get_object_member (reply.json, "implementation"),
                                           "url"), ==, fixture->base_url);
    token = sign_in (fixture, TEST_USER, TEST_PASSWORD, NULL);
    g_assert_nonnull (token);
    fixture->token = g_steal_pointer (&token);
    request (fixture, "GET", "/Patient?_count=2", &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    /* Links carry https. */
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (reply.body, NULL), g_bytes_get_size (reply.body),
                                    "\"url\":\"https://127.0.0.1:"));
  }

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GTlsDatabase) database = i == 0 ? g_tls_file_database_new (other_ca, &error) : NULL;
      g_autoptr(SoupSession) session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
      g_autofree char *url = g_strdup_printf ("%s/metadata", fixture->base_url);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) refused = NULL;

      /* Another CA, then the system's, which know nothing of the test CA. */
      g_assert_no_error (error);
      if (database != NULL)
        soup_session_set_tls_database (session, database);
      body = soup_session_send_and_read (session, msg, NULL, &refused);
      g_assert_null (body);
      g_assert_error (refused, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
    }

  /* Plain HTTP to such a server is not answered as HTTP. */
  g_assert_cmpuint (raw_request_status (fixture->port, "GET", "/fhir/metadata"), ==, 0);

  stop_server (fixture, SIGTERM);

  /* A certificate without its key, or a key that is not one, stops the start. */
  {
    const char *half[] = { "--data", fixture->data_dir, "--listen", "127.0.0.1:0", "--tls-cert", cert, NULL };
    const char *bad_key[] = { "--data", fixture->data_dir, "--listen", "127.0.0.1:0", "--tls-cert", cert,
                              "--tls-key", ca, NULL };
    g_autoptr(GSubprocess) one = spawn_server (half, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                               G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);
    g_autoptr(GSubprocess) two = spawn_server (bad_key, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                               G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);

    g_assert_true (wait_for_exit (one, EXIT_TIMEOUT_MS));
    g_assert_cmpint (g_subprocess_get_exit_status (one), ==, 2);
    g_assert_true (wait_for_exit (two, EXIT_TIMEOUT_MS));
    g_assert_cmpint (g_subprocess_get_exit_status (two), ==, 1);
  }
}

/* Plain HTTP off loopback is refused with a message that says why. */
static void
test_plain_http_refused (ServerFixture *fixture,
                         gconstpointer  user_data)
{
  const char *args[] = { "--data", fixture->data_dir, "--listen", "192.0.2.1:8080", NULL };
  g_autoptr(GSubprocess) process = spawn_server (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                 G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "plain HTTP"));
  g_assert_nonnull (strstr (err, "--tls-cert"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/server/auth/" path, ServerFixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("no-token", test_no_token);
  ADD ("expired-token", test_expired_token);
  ADD ("revoked-token", test_revoked_token);
  ADD ("rate-limit", test_rate_limit);
  ADD ("same-answer", test_same_answer);
  ADD ("sign-in-requests", test_sign_in_requests);
  ADD ("user-commands", test_user_commands);
  ADD ("log-privacy", test_sign_in_log_privacy);
  ADD ("audit", test_audit);
  ADD ("tls", test_tls);
  ADD ("plain-http-refused", test_plain_http_refused);
#undef ADD

  return g_test_run ();
}
