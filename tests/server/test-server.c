/* test-server.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The kith-server process: its command line, start-up, reads, routing of
 * hostile paths, log privacy and shutdown. The REST interactions are in
 * test-server-rest.c, crash safety in test-server-crash.c; all run the
 * real binary (see server-fixture.c).
 */

#define G_LOG_DOMAIN "kith-test"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "server-fixture.h"

/* Every type kith_fhir_is_known_type() accepts but AuditEvent. */
static const char * const served_types[] = {
  "CarePlan", "CareTeam", "Communication", "Condition", "Consent", "Encounter", "Flag", "Goal",
  "Observation", "Organization", "Patient", "Practitioner", "PractitionerRole", "Provenance",
  "Questionnaire", "QuestionnaireResponse", "RelatedPerson", "ServiceRequest", "Task", NULL
};

static const char * const type_interactions[] = {
  "read", "vread", "update", "delete", "history-instance", "history-type", "search-type"
};

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
  JsonObject *software, *implementation, *rest;
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

  /* Every type Kith holds, each with what is implemented; AuditEvent
   * last, which only leads and administrators search, and clients only
   * add exports and prints to. */
  resources = json_object_get_array_member (rest, "resource");
  g_assert_cmpuint (json_array_get_length (resources), ==, G_N_ELEMENTS (served_types));
  {
    JsonObject *audit = json_array_get_object_element (resources, G_N_ELEMENTS (served_types) - 1);

    g_assert_cmpstr (kith_fhir_get_string (audit, "type"), ==, "AuditEvent");
  }
  for (guint i = 0; i < json_array_get_length (resources) - 1; i++)
    {
      JsonObject *resource = json_array_get_object_element (resources, i);
      const char *type = kith_fhir_get_string (resource, "type");
      JsonArray *params = json_object_get_array_member (resource, "searchParam");
      gboolean has_patient = FALSE, has_last_updated = FALSE;

      g_assert_true (g_strv_contains (served_types, type));
      g_assert_true (kith_fhir_is_known_type (type));
      g_assert_cmpstr (type, !=, "AuditEvent");
      for (guint j = 0; j < G_N_ELEMENTS (type_interactions); j++)
        g_assert_true (interactions_include (resource, type_interactions[j]));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (resource,
                                                                             "interaction")),
                        ==, G_N_ELEMENTS (type_interactions));
      g_assert_false (interactions_include (resource, "create"));
      g_assert_false (interactions_include (resource, "patch"));
      g_assert_false (interactions_include (resource, "search-system"));

      g_assert_cmpstr (kith_fhir_get_string (resource, "versioning"), ==, "versioned-update");
      g_assert_true (json_object_get_boolean_member (resource, "readHistory"));
      g_assert_true (json_object_get_boolean_member (resource, "updateCreate"));
      g_assert_false (json_object_get_boolean_member (resource, "conditionalUpdate"));
      g_assert_false (json_object_get_boolean_member (resource, "conditionalCreate"));

      for (guint j = 0; j < json_array_get_length (params); j++)
        {
          JsonObject *param = json_array_get_object_element (params, j);
          const char *name = kith_fhir_get_string (param, "name");

          if (g_str_equal (name, "patient"))
            {
              has_patient = TRUE;
              g_assert_cmpstr (kith_fhir_get_string (param, "type"), ==, "reference");
            }
          else if (g_str_equal (name, "_lastUpdated"))
            {
              has_last_updated = TRUE;
              g_assert_cmpstr (kith_fhir_get_string (param, "type"), ==, "date");
            }
          else
            g_assert_true (g_str_equal (name, "_count") || g_str_equal (name, "_sort"));
        }
      g_assert_true (has_last_updated);
      /* FHIR gives Patient and Practitioner no "patient" parameter. */
      if (g_str_equal (type, "Condition") || g_str_equal (type, "CarePlan"))
        g_assert_true (has_patient);
      if (g_str_equal (type, "Patient") || g_str_equal (type, "Practitioner"))
        g_assert_false (has_patient);
    }

  /* System level: transactions and history, not batches or search. */
  g_assert_true (interactions_include (rest, "transaction"));
  g_assert_true (interactions_include (rest, "history-system"));
  g_assert_false (interactions_include (rest, "batch"));
  g_assert_false (interactions_include (rest, "search-system"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rest, "interaction")),
                    ==, 2);
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
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "/Observation/abc", &reply);
    assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-found", "abc");
  }
  {
    /* A real FHIR type that the server does not serve (yet). */
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "/AuditEvent/abc", &reply);
    assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-supported", "abc");
  }
  {
    /* Search parameters the server does not support are refused, not
     * ignored, and their values are not repeated. */
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "/Patient?name=Smith", &reply);
    assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "not-supported", "Smith");
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
    g_assert_true (soup_header_contains (allow, "PUT"));
    g_assert_true (soup_header_contains (allow, "DELETE"));
    g_assert_false (soup_header_contains (allow, "POST"));
  }
  {
    g_autofree char *path = g_strdup_printf ("/Patient/%s", known_id);
    g_auto(Reply) reply = { 0 };

    request (fixture, "PATCH", path, &reply);
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
    /* The base itself only takes transactions. */
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "", &reply);
    assert_outcome (&reply, SOUP_STATUS_METHOD_NOT_ALLOWED, "not-supported", NULL);
    g_assert_true (soup_header_contains (soup_message_headers_get_list (reply.headers, "Allow"),
                                         "POST"));
  }
  {
    g_auto(Reply) reply = { 0 };

    request (fixture, "GET", "/$everything", &reply);
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
  static const char * const real_endpoints[] = {
    "/fhir/_history", "/fhir/Patient", "/fhir/Patient/_history", NULL
  };
  g_autoptr(GPtrArray) targets = hostile_targets ();
  g_auto(Reply) reply = { 0 };

  g_assert_cmpuint (targets->len, >=, 300);

  start_server (fixture);

  for (guint i = 0; i < targets->len; i++)
    {
      const char *target = g_ptr_array_index (targets, i);
      const char *method = (i % 7 == 3) ? "POST" : "GET";
      guint status = raw_request_status (fixture->port, method, target);
      /* A few targets are real endpoints now: history and search. */
      gboolean real = g_str_equal (method, "GET") && g_strv_contains (real_endpoints, target);

      if (real ? status != SOUP_STATUS_OK : (status < 400 || status > 499))
        g_error ("%s “%.80s” (%zu bytes) gave status %u, not %s",
                 method, target, strlen (target), status, real ? "200" : "4xx");
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
