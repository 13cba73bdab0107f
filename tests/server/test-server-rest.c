/* test-server-rest.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The FHIR REST interactions of the real kith-server: update (create,
 * If-Match, 412, harmless retries), delete, transaction Bundles (atomic),
 * history (instance, type, system) walked page by page while another
 * client writes, search by patient and _lastUpdated, and hostile bodies.
 */

#define G_LOG_DOMAIN "kith-test"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "server-fixture.h"

/* Put in bodies the server refuses: no reply may repeat it. */
#define SECRET "Zebedee-Quillfeather-4850"

static JsonObject *
make_goal (const char *id,
           const char *text,
           const char *patient_id)
{
  JsonObject *goal = json_object_new ();
  JsonObject *description = json_object_new ();

  json_object_set_string_member (goal, "resourceType", "Goal");
  json_object_set_string_member (goal, "id", id);
  json_object_set_string_member (goal, "lifecycleStatus", "active");
  json_object_set_string_member (description, "text", text);
  json_object_set_object_member (goal, "description", description);
  if (patient_id != NULL)
    json_object_set_object_member (goal, "subject",
                                   kith_fhir_new_reference ("Patient", patient_id, NULL));

  return goal;
}

static void
put_resource (ServerFixture *fixture,
              JsonObject    *resource,
              const char    *if_match,
              Reply         *reply)
{
  g_autofree char *path = g_strdup_printf ("/%s/%s",
                                           kith_fhir_get_string (resource, "resourceType"),
                                           kith_fhir_get_string (resource, "id"));

  request_json (fixture, "PUT", path, if_match, resource, reply);
}

/* The version in the reply's ETag (W/"n"). */
static char *
etag_version (Reply *reply)
{
  const char *etag = soup_message_headers_get_one (reply->headers, "ETag");

  g_assert_nonnull (etag);
  g_assert_true (g_str_has_prefix (etag, "W/\""));
  g_assert_true (g_str_has_suffix (etag, "\""));

  return g_strndup (etag + 3, strlen (etag) - 4);
}

/* ETag and Last-Modified agree with the resource's meta, set by the server. */
static void
assert_version_headers (Reply      *reply,
                        const char *version_id)
{
  g_autofree char *etag = etag_version (reply);
  g_autoptr(GDateTime) modified = NULL;
  g_autoptr(GDateTime) updated = NULL;
  JsonObject *meta;

  assert_fhir_json (reply);
  meta = json_object_get_object_member (reply->json, "meta");
  g_assert_nonnull (meta);
  g_assert_cmpstr (kith_fhir_get_string (meta, "versionId"), ==, version_id);
  g_assert_cmpstr (etag, ==, version_id);

  modified = soup_date_time_new_from_http_string (
    soup_message_headers_get_one (reply->headers, "Last-Modified"));
  g_assert_nonnull (modified);
  updated = g_date_time_new_from_iso8601 (kith_fhir_get_string (meta, "lastUpdated"), NULL);
  g_assert_nonnull (updated);
  g_assert_cmpint (g_date_time_to_unix (modified), ==, g_date_time_to_unix (updated));
}

static const char *
description_text (JsonObject *goal)
{
  return kith_fhir_get_string (json_object_get_object_member (goal, "description"), "text");
}

static void
test_update_create (ServerFixture *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(JsonObject) goal = make_goal ("goal-create", "Walk to the shop", NULL);
  g_auto(Reply) reply = { 0 };
  g_autofree char *location = NULL;
  JsonObject *meta = json_object_new ();

  start_server (fixture);

  /* A client's meta is replaced by the server's. */
  json_object_set_string_member (meta, "versionId", "99");
  json_object_set_string_member (meta, "lastUpdated", "2001-01-01T00:00:00Z");
  json_object_set_object_member (goal, "meta", meta);

  put_resource (fixture, goal, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);
  assert_version_headers (&reply, "1");
  location = g_strdup_printf ("%s/Goal/goal-create/_history/1", fixture->base_url);
  g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "Location"), ==, location);
  g_assert_cmpstr (description_text (reply.json), ==, "Walk to the shop");
  g_assert_false (g_str_has_prefix (kith_fhir_get_last_updated (reply.json), "2001"));

  request (fixture, "GET", "/Goal/goal-create", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, "1");
  g_assert_cmpstr (description_text (reply.json), ==, "Walk to the shop");

  request (fixture, "GET", "/Goal/goal-create/_history/1", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, "1");

  request (fixture, "GET", "/Goal/goal-create/_history/2", &reply);
  assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-found", "goal-create");

  /* Without If-Match the last write wins (FHIR allows it). */
  json_object_set_object_member (goal, "description", json_object_new ());
  json_object_set_string_member (json_object_get_object_member (goal, "description"),
                                 "text", "Walk to the park");
  put_resource (fixture, goal, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, "2");
  g_assert_nonnull (soup_message_headers_get_one (reply.headers, "Content-Location"));

  /* return=minimal: the headers without the body. */
  {
    const char *headers[] = { "Prefer", "return=minimal", NULL };
    g_autofree char *text = NULL;

    json_object_set_string_member (goal, "lifecycleStatus", "completed");
    text = kith_fhir_to_string (goal, FALSE);
    request_full (fixture, "PUT", "/Goal/goal-create", headers, "application/fhir+json",
                  text, -1, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    g_assert_cmpuint (g_bytes_get_size (reply.body), ==, 0);
    g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "ETag"), ==, "W/\"3\"");
  }

  /* A clean stop: under the sanitizers this checks the server for leaks. */
  stop_server (fixture, SIGTERM);
}

static void
test_update_if_match (ServerFixture *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(JsonObject) goal = make_goal ("goal-match", "First", NULL);
  g_auto(Reply) reply = { 0 };

  start_server (fixture);

  put_resource (fixture, goal, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);

  json_object_set_string_member (json_object_get_object_member (goal, "description"),
                                 "text", "Second");
  put_resource (fixture, goal, "W/\"1\"", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, "2");

  /* Another edit based on version 1 is stale. */
  json_object_set_string_member (json_object_get_object_member (goal, "description"),
                                 "text", SECRET);
  put_resource (fixture, goal, "W/\"1\"", &reply);
  assert_outcome (&reply, SOUP_STATUS_PRECONDITION_FAILED, "conflict", SECRET);

  /* The current version is unchanged and readable. */
  request (fixture, "GET", "/Goal/goal-match", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, "2");
  g_assert_cmpstr (description_text (reply.json), ==, "Second");
  request (fixture, "GET", "/Goal/goal-match/_history/3", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_NOT_FOUND);

  /* The other spellings of If-Match. */
  json_object_set_string_member (json_object_get_object_member (goal, "description"),
                                 "text", "Third");
  put_resource (fixture, goal, "\"2\"", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, "3");
  json_object_set_string_member (json_object_get_object_member (goal, "description"),
                                 "text", "Fourth");
  put_resource (fixture, goal, "3", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, "4");

  /* Malformed If-Match, and If-Match on nothing. */
  put_resource (fixture, goal, "W/\"4\", W/\"5\"", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", NULL);
  put_resource (fixture, goal, "*", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", NULL);
  {
    g_autoptr(JsonObject) absent = make_goal ("goal-absent", "New", NULL);

    put_resource (fixture, absent, "W/\"1\"", &reply);
    assert_outcome (&reply, SOUP_STATUS_PRECONDITION_FAILED, "conflict", NULL);
    request (fixture, "GET", "/Goal/goal-absent", &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_NOT_FOUND);
  }

  /* A clean stop: under the sanitizers this checks the server for leaks. */
  stop_server (fixture, SIGTERM);
}

static guint
count_history (ServerFixture *fixture,
               const char    *path)
{
  g_auto(Reply) reply = { 0 };
  JsonArray *entries;

  request (fixture, "GET", path, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (kith_fhir_get_string (reply.json, "type"), ==, "history");
  entries = json_object_get_array_member (reply.json, "entry");

  return entries != NULL ? json_array_get_length (entries) : 0;
}

static void
test_update_retry (ServerFixture *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(JsonObject) goal = make_goal ("goal-retry", "Before", NULL);
  g_auto(Reply) reply = { 0 };
  g_autofree char *first_updated = NULL;

  start_server (fixture);

  put_resource (fixture, goal, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);

  /* A create sent again after its reply was lost. */
  put_resource (fixture, goal, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, "1");

  json_object_set_string_member (json_object_get_object_member (goal, "description"),
                                 "text", "After");
  put_resource (fixture, goal, "W/\"1\"", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, "2");
  first_updated = g_strdup (kith_fhir_get_last_updated (reply.json));

  /* The same update again, still based on version 1, with a different
   * meta: it is already there, so 200 with version 2, nothing new. */
  kith_fhir_set_meta (goal, "1", "2020-01-01T00:00:00.000Z");
  for (guint i = 0; i < 3; i++)
    {
      put_resource (fixture, goal, "W/\"1\"", &reply);
      g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
      assert_version_headers (&reply, "2");
      g_assert_cmpstr (kith_fhir_get_last_updated (reply.json), ==, first_updated);
    }

  g_assert_cmpuint (count_history (fixture, "/Goal/goal-retry/_history"), ==, 2);

  /* A clean stop: under the sanitizers this checks the server for leaks. */
  stop_server (fixture, SIGTERM);
}

static void
test_delete (ServerFixture *fixture,
             gconstpointer  user_data)
{
  g_autoptr(JsonObject) goal = make_goal ("goal-delete", "Soon gone", NULL);
  g_auto(Reply) reply = { 0 };
  JsonArray *entries;
  JsonObject *entry;

  start_server (fixture);

  put_resource (fixture, goal, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);

  /* A stale If-Match stops a delete too. */
  {
    const char *headers[] = { "If-Match", "W/\"7\"", NULL };

    request_full (fixture, "DELETE", "/Goal/goal-delete", headers, NULL, NULL, 0, &reply);
    assert_outcome (&reply, SOUP_STATUS_PRECONDITION_FAILED, "conflict", NULL);
  }

  request (fixture, "DELETE", "/Goal/goal-delete", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_NO_CONTENT);
  g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "ETag"), ==, "W/\"2\"");

  request (fixture, "GET", "/Goal/goal-delete", &reply);
  assert_outcome (&reply, SOUP_STATUS_GONE, "deleted", "goal-delete");
  request (fixture, "GET", "/Goal/goal-delete/_history/1", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);

  /* Deleting again, or what never was, is fine. */
  request (fixture, "DELETE", "/Goal/goal-delete", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_NO_CONTENT);
  request (fixture, "DELETE", "/Goal/never-was", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_NO_CONTENT);

  /* The tombstone is in history, newest first, with no resource. */
  request (fixture, "GET", "/Goal/goal-delete/_history", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  entries = json_object_get_array_member (reply.json, "entry");
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  entry = json_array_get_object_element (entries, 0);
  g_assert_false (json_object_has_member (entry, "resource"));
  g_assert_cmpstr (kith_fhir_get_string (json_object_get_object_member (entry, "request"),
                                         "method"), ==, "DELETE");
  g_assert_cmpstr (kith_fhir_get_string (json_object_get_object_member (entry, "response"),
                                         "etag"), ==, "W/\"2\"");
  entry = json_array_get_object_element (entries, 1);
  g_assert_true (json_object_has_member (entry, "resource"));

  /* Not found by search any more; written again, it comes back. */
  request (fixture, "GET", "/Goal", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  g_assert_null (strstr (g_bytes_get_data (reply.body, NULL), "goal-delete"));
  put_resource (fixture, goal, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);
  assert_version_headers (&reply, "3");

  /* A clean stop: under the sanitizers this checks the server for leaks. */
  stop_server (fixture, SIGTERM);
}

/* A transaction Bundle entry. */
static void
add_entry (JsonArray  *entries,
           const char *method,
           const char *url,
           const char *if_match,
           JsonObject *resource)
{
  JsonObject *entry = json_object_new ();
  JsonObject *request_object = json_object_new ();

  json_object_set_string_member (request_object, "method", method);
  json_object_set_string_member (request_object, "url", url);
  if (if_match != NULL)
    json_object_set_string_member (request_object, "ifMatch", if_match);
  json_object_set_object_member (entry, "request", request_object);
  if (resource != NULL)
    json_object_set_object_member (entry, "resource", json_object_ref (resource));
  json_array_add_object_element (entries, entry);
}

static JsonObject *
new_bundle (const char  *type,
            JsonArray  **entries)
{
  JsonObject *bundle = json_object_new ();

  json_object_set_string_member (bundle, "resourceType", "Bundle");
  json_object_set_string_member (bundle, "type", type);
  *entries = json_array_new ();
  json_object_set_array_member (bundle, "entry", *entries);

  return bundle;
}

static JsonObject *
entry_response (Reply *reply,
                guint  index)
{
  JsonArray *entries = json_object_get_array_member (reply->json, "entry");
  JsonObject *entry = json_array_get_object_element (entries, index);

  return json_object_get_object_member (entry, "response");
}

static void
test_transaction (ServerFixture *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GPtrArray) ids = demo_visible_patient_ids (DEMO_PEOPLE);
  const char *patient_id = g_ptr_array_index (ids, 0);
  g_autofree char *patient_url = g_strdup_printf ("Patient/%s", patient_id);
  g_autoptr(JsonObject) kept = make_goal ("tx-kept", "Kept", patient_id);
  g_autoptr(JsonObject) dropped = make_goal ("tx-dropped", "Dropped", patient_id);
  g_autoptr(JsonObject) added = make_goal ("tx-added", "Added", patient_id);
  g_autoptr(JsonObject) bundle = NULL;
  g_auto(Reply) reply = { 0 };
  JsonArray *entries;
  JsonObject *response;

  start_server (fixture);

  put_resource (fixture, kept, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);
  put_resource (fixture, dropped, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);

  json_object_set_string_member (json_object_get_object_member (kept, "description"),
                                 "text", "Kept and changed");
  bundle = new_bundle ("transaction", &entries);
  add_entry (entries, "GET", patient_url, NULL, NULL);
  add_entry (entries, "PUT", "Goal/tx-added", NULL, added);
  add_entry (entries, "PUT", "Goal/tx-kept", "W/\"1\"", kept);
  add_entry (entries, "DELETE", "Goal/tx-dropped", NULL, NULL);
  request_json (fixture, "POST", "", NULL, bundle, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_fhir_json (&reply);
  g_assert_cmpstr (kith_fhir_get_string (reply.json, "resourceType"), ==, "Bundle");
  g_assert_cmpstr (kith_fhir_get_string (reply.json, "type"), ==, "transaction-response");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply.json, "entry")),
                    ==, 4);

  /* Answers come in the Bundle's order. */
  response = entry_response (&reply, 0);
  g_assert_cmpstr (kith_fhir_get_string (response, "status"), ==, "200 OK");
  g_assert_cmpstr (kith_fhir_get_string (response, "etag"), ==, "W/\"1\"");
  {
    JsonObject *entry = json_array_get_object_element (
      json_object_get_array_member (reply.json, "entry"), 0);

    g_assert_cmpstr (kith_fhir_get_string (json_object_get_object_member (entry, "resource"),
                                           "id"), ==, patient_id);
  }
  response = entry_response (&reply, 1);
  g_assert_cmpstr (kith_fhir_get_string (response, "status"), ==, "201 Created");
  g_assert_cmpstr (kith_fhir_get_string (response, "location"), ==, "Goal/tx-added/_history/1");
  g_assert_cmpstr (kith_fhir_get_string (response, "etag"), ==, "W/\"1\"");
  g_assert_nonnull (kith_fhir_get_string (response, "lastModified"));
  response = entry_response (&reply, 2);
  g_assert_cmpstr (kith_fhir_get_string (response, "status"), ==, "200 OK");
  g_assert_cmpstr (kith_fhir_get_string (response, "location"), ==, "Goal/tx-kept/_history/2");
  g_assert_cmpstr (kith_fhir_get_string (response, "etag"), ==, "W/\"2\"");
  response = entry_response (&reply, 3);
  g_assert_cmpstr (kith_fhir_get_string (response, "status"), ==, "204 No Content");
  g_assert_cmpstr (kith_fhir_get_string (response, "etag"), ==, "W/\"2\"");

  request (fixture, "GET", "/Goal/tx-added", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  request (fixture, "GET", "/Goal/tx-kept", &reply);
  assert_version_headers (&reply, "2");
  g_assert_cmpstr (description_text (reply.json), ==, "Kept and changed");
  request (fixture, "GET", "/Goal/tx-dropped", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_GONE);

  /* An empty transaction is fine. */
  {
    g_autoptr(JsonObject) empty = new_bundle ("transaction", &entries);

    request_json (fixture, "POST", "", NULL, empty, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  }

  /* A clean stop: under the sanitizers this checks the server for leaks. */
  stop_server (fixture, SIGTERM);
}

/* POSTs @bundle, expects it to fail with @status at entry @index (or the
 * whole Bundle when @index < 0), and checks that nothing happened. */
static void
assert_transaction_fails (ServerFixture *fixture,
                          JsonObject    *bundle,
                          guint          status,
                          int            index,
                          const char    *unchanged_path,
                          const char    *unchanged_version)
{
  g_auto(Reply) reply = { 0 };
  JsonObject *issue;

  request_json (fixture, "POST", "", NULL, bundle, &reply);
  assert_outcome (&reply, status, NULL, SECRET);
  issue = json_array_get_object_element (json_object_get_array_member (reply.json, "issue"), 0);
  if (index >= 0)
    {
      g_autofree char *expression = g_strdup_printf ("Bundle.entry[%d]", index);
      g_autofree char *named = g_strdup_printf ("Entry %d", index);
      JsonArray *expressions = json_object_get_array_member (issue, "expression");

      g_assert_nonnull (expressions);
      g_assert_cmpstr (json_array_get_string_element (expressions, 0), ==, expression);
      g_assert_nonnull (strstr (kith_fhir_get_string (issue, "diagnostics"), named));
    }

  request (fixture, "GET", "/Goal/tx-new", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_NOT_FOUND);
  request (fixture, "GET", unchanged_path, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  assert_version_headers (&reply, unchanged_version);
}

static void
test_transaction_rollback (ServerFixture *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(JsonObject) existing = make_goal ("tx-existing", "Existing", NULL);
  g_autoptr(JsonObject) fresh = make_goal ("tx-new", SECRET, NULL);
  g_autoptr(JsonObject) changed = make_goal ("tx-existing", SECRET, NULL);
  g_auto(Reply) reply = { 0 };
  JsonArray *entries;

  start_server (fixture);

  put_resource (fixture, existing, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);

  /* The second entry is stale: the first is not applied either. */
  {
    g_autoptr(JsonObject) bundle = new_bundle ("transaction", &entries);

    add_entry (entries, "PUT", "Goal/tx-new", NULL, fresh);
    add_entry (entries, "PUT", "Goal/tx-existing", "W/\"9\"", changed);
    assert_transaction_fails (fixture, bundle, SOUP_STATUS_PRECONDITION_FAILED, 1,
                              "/Goal/tx-existing", "1");
  }
  /* Deletes run first, yet are undone when a later entry fails. */
  {
    g_autoptr(JsonObject) bundle = new_bundle ("transaction", &entries);

    add_entry (entries, "PUT", "Goal/tx-new", NULL, fresh);
    add_entry (entries, "DELETE", "Goal/tx-existing", NULL, NULL);
    add_entry (entries, "GET", "Goal/not-there", NULL, NULL);
    assert_transaction_fails (fixture, bundle, SOUP_STATUS_NOT_FOUND, 2,
                              "/Goal/tx-existing", "1");
  }
  /* Entries that are not valid. */
  {
    g_autoptr(JsonObject) bundle = new_bundle ("transaction", &entries);

    add_entry (entries, "PUT", "Goal/tx-new", NULL, fresh);
    add_entry (entries, "PUT", "Goal/other-id", NULL, changed);
    assert_transaction_fails (fixture, bundle, SOUP_STATUS_BAD_REQUEST, 1,
                              "/Goal/tx-existing", "1");
  }
  {
    g_autoptr(JsonObject) bundle = new_bundle ("transaction", &entries);

    add_entry (entries, "PUT", "Goal/tx-new", NULL, fresh);
    add_entry (entries, "POST", "Goal", NULL, changed);
    assert_transaction_fails (fixture, bundle, SOUP_STATUS_BAD_REQUEST, 1,
                              "/Goal/tx-existing", "1");
  }
  {
    g_autoptr(JsonObject) bundle = new_bundle ("transaction", &entries);

    add_entry (entries, "PUT", "Goal/tx-new", NULL, fresh);
    add_entry (entries, "PUT", "Goal/tx-new", NULL, fresh);
    assert_transaction_fails (fixture, bundle, SOUP_STATUS_BAD_REQUEST, 1,
                              "/Goal/tx-existing", "1");
  }
  {
    g_autoptr(JsonObject) bundle = new_bundle ("transaction", &entries);

    add_entry (entries, "PUT", "Goal/tx-new", NULL, fresh);
    add_entry (entries, "DELETE", "Goal?identifier=" SECRET, NULL, NULL);
    assert_transaction_fails (fixture, bundle, SOUP_STATUS_BAD_REQUEST, 1,
                              "/Goal/tx-existing", "1");
  }
  {
    g_autoptr(JsonObject) bundle = new_bundle ("transaction", &entries);

    add_entry (entries, "PUT", "Goal/tx-new", NULL, fresh);
    add_entry (entries, "PUT", "AuditEvent/a1", NULL, changed);
    assert_transaction_fails (fixture, bundle, SOUP_STATUS_BAD_REQUEST, 1,
                              "/Goal/tx-existing", "1");
  }
  /* Batches are refused, honestly. */
  {
    g_autoptr(JsonObject) bundle = new_bundle ("batch", &entries);

    add_entry (entries, "PUT", "Goal/tx-new", NULL, fresh);
    assert_transaction_fails (fixture, bundle, SOUP_STATUS_BAD_REQUEST, -1,
                              "/Goal/tx-existing", "1");
  }
  /* Not a Bundle at all. */
  {
    request_json (fixture, "POST", "", NULL, fresh, &reply);
    assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", SECRET);
  }

  /* A clean stop: under the sanitizers this checks the server for leaks. */
  stop_server (fixture, SIGTERM);
}

/* What a history walk saw: how often each version, in order. */
typedef struct
{
  GHashTable *seen;        /* "Type/id/vid" → count */
  GPtrArray  *order;       /* lastUpdated of each entry, in order */
  char       *as_of;       /* Bundle.meta.lastUpdated */
  guint       pages;
} Walk;

static void
walk_clear (Walk *walk)
{
  g_clear_pointer (&walk->seen, g_hash_table_unref);
  g_clear_pointer (&walk->order, g_ptr_array_unref);
  g_clear_pointer (&walk->as_of, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Walk, walk_clear)

typedef void (*BetweenPagesFunc) (ServerFixture *fixture,
                                  guint          page,
                                  gpointer       user_data);

static const char *
next_link (JsonObject *bundle)
{
  JsonArray *links = json_object_get_array_member (bundle, "link");

  for (guint i = 0; links != NULL && i < json_array_get_length (links); i++)
    {
      JsonObject *link = json_array_get_object_element (links, i);

      if (g_strcmp0 (kith_fhir_get_string (link, "relation"), "next") == 0)
        return kith_fhir_get_string (link, "url");
    }

  return NULL;
}

/* Follows next links from @path, calling @between after each page. */
static void
walk_pages (ServerFixture    *fixture,
            const char       *path,
            const char       *bundle_type,
            BetweenPagesFunc  between,
            gpointer          user_data,
            Walk             *walk)
{
  g_autofree char *next = g_strdup (path);

  walk->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  walk->order = g_ptr_array_new_with_free_func (g_free);

  while (next != NULL)
    {
      g_auto(Reply) reply = { 0 };
      JsonArray *entries;
      const char *as_of;
      const char *link;

      g_assert_cmpuint (walk->pages, <, 10000);
      request (fixture, "GET", next, &reply);
      g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
      g_assert_cmpstr (kith_fhir_get_string (reply.json, "type"), ==, bundle_type);
      walk->pages++;

      /* Every page of one walk gives the instant the walk began. */
      as_of = kith_fhir_get_last_updated (reply.json);
      g_assert_nonnull (as_of);
      if (walk->as_of == NULL)
        walk->as_of = g_strdup (as_of);
      g_assert_cmpstr (as_of, ==, walk->as_of);

      entries = json_object_get_array_member (reply.json, "entry");
      for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
        {
          JsonObject *entry = json_array_get_object_element (entries, i);
          JsonObject *response = json_object_has_member (entry, "response")
                                   ? json_object_get_object_member (entry, "response") : NULL;
          const char *full_url = kith_fhir_get_string (entry, "fullUrl");
          const char *etag;
          g_autofree char *key = NULL;

          g_assert_true (g_str_has_prefix (full_url, fixture->base_url));
          if (response != NULL)
            {
              etag = kith_fhir_get_string (response, "etag");
              key = g_strdup_printf ("%s/%s", full_url + strlen (fixture->base_url) + 1, etag);
              g_ptr_array_add (walk->order,
                               g_strdup (kith_fhir_get_string (response, "lastModified")));
            }
          else
            {
              JsonObject *resource = json_object_get_object_member (entry, "resource");

              key = g_strdup_printf ("%s/W/\"%s\"", full_url + strlen (fixture->base_url) + 1,
                                     kith_fhir_get_version_id (resource));
              g_ptr_array_add (walk->order, g_strdup (kith_fhir_get_last_updated (resource)));
            }
          g_hash_table_insert (walk->seen, g_strdup (key),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (walk->seen,
                                                                                        key)) + 1));
        }

      link = next_link (reply.json);
      g_clear_pointer (&next, g_free);
      if (link != NULL)
        {
          g_assert_true (g_str_has_prefix (link, fixture->base_url));
          next = g_strdup (link + strlen (fixture->base_url));
        }
      if (between != NULL)
        between (fixture, walk->pages, user_data);
    }
}

static void
assert_seen_once (Walk       *walk,
                  const char *key)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (walk->seen, key));

  if (count != 1)
    g_error ("%s seen %u times", key, count);
}

static void
assert_order (Walk     *walk,
              gboolean  newest_first)
{
  for (guint i = 1; i < walk->order->len; i++)
    {
      int cmp = strcmp (g_ptr_array_index (walk->order, i - 1), g_ptr_array_index (walk->order, i));

      g_assert_cmpint (newest_first ? cmp : -cmp, >=, 0);
    }
}

/* Versions written by the test, as "Goal/id/W/\"v\"". */
static void
record_version (GPtrArray *written,
                Reply     *reply,
                const char *id)
{
  g_autofree char *version = etag_version (reply);

  g_ptr_array_add (written, g_strdup_printf ("Goal/%s/W/\"%s\"", id, version));
}

typedef struct
{
  GPtrArray *written_during;
  guint      next;
} Writer;

/* Another client writing between page fetches: a new resource and a new
 * version of an old one. */
static void
write_between_pages_cb (ServerFixture *fixture,
                        guint          page,
                        gpointer       user_data)
{
  Writer *writer = user_data;
  g_autofree char *id = g_strdup_printf ("during-%u", writer->next++);
  g_autofree char *text = g_strdup_printf ("Page %u", page);
  g_autoptr(JsonObject) fresh = make_goal (id, text, NULL);
  g_autoptr(JsonObject) again = make_goal ("hist-0", text, NULL);
  g_auto(Reply) reply = { 0 };

  put_resource (fixture, fresh, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);
  record_version (writer->written_during, &reply, id);
  put_resource (fixture, again, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  record_version (writer->written_during, &reply, "hist-0");
}

static void
test_history (ServerFixture *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) during = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *since = NULL;
  g_autofree char *path = NULL;
  g_auto(Reply) reply = { 0 };
  Writer writer = { during, 0 };

  start_server (fixture);

  /* 20 Goals with 1 to 3 versions each, and one deleted. */
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *id = g_strdup_printf ("hist-%u", i);

      for (guint v = 0; v <= i % 3; v++)
        {
          g_autofree char *text = g_strdup_printf ("Goal %u, version %u", i, v + 1);
          g_autoptr(JsonObject) goal = make_goal (id, text, NULL);

          put_resource (fixture, goal, NULL, &reply);
          g_assert_cmpuint (reply.status, <, 300);
          if (since == NULL)
            since = g_strdup (kith_fhir_get_last_updated (reply.json));
          record_version (written, &reply, id);
        }
    }
  request (fixture, "DELETE", "/Goal/hist-19", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_NO_CONTENT);
  g_ptr_array_add (written, g_strdup ("Goal/hist-19/W/\"3\""));
  g_assert_cmpuint (written->len, ==, 40);

  /* System history, 7 at a time, while another client writes between
   * pages: every version that was there is seen exactly once. */
  {
    g_auto(Walk) walk = { NULL, NULL, NULL, 0 };
    g_autofree char *escaped = g_uri_escape_string (since, NULL, FALSE);
    g_auto(Walk) next_walk = { NULL, NULL, NULL, 0 };
    g_autoptr(GDateTime) as_of = NULL;
    g_autoptr(GDateTime) overlap = NULL;
    g_autofree char *next_since = NULL;
    g_autofree char *next_path = NULL;

    path = g_strdup_printf ("/_history?_since=%s&_count=7", escaped);
    walk_pages (fixture, path, "history", write_between_pages_cb, &writer, &walk);
    g_assert_cmpuint (walk.pages, >=, 6);
    for (guint i = 0; i < written->len; i++)
      assert_seen_once (&walk, g_ptr_array_index (written, i));
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, walk.seen);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);
    }
    assert_order (&walk, TRUE);

    /* The next sync, from the walk's start minus an overlap, sees what
     * was written during the walk. */
    as_of = g_date_time_new_from_iso8601 (walk.as_of, NULL);
    g_assert_nonnull (as_of);
    overlap = g_date_time_add_seconds (as_of, -2);
    next_since = kith_fhir_format_instant (overlap);
    g_free (escaped);
    escaped = g_uri_escape_string (next_since, NULL, FALSE);
    next_path = g_strdup_printf ("/_history?_since=%s&_count=5", escaped);
    walk_pages (fixture, next_path, "history", NULL, NULL, &next_walk);
    for (guint i = 0; i < during->len; i++)
      assert_seen_once (&next_walk, g_ptr_array_index (during, i));
    assert_order (&next_walk, TRUE);
  }

  /* Type history: only Goals, each version once. */
  {
    g_auto(Walk) walk = { NULL, NULL, NULL, 0 };

    walk_pages (fixture, "/Goal/_history?_count=4", "history", NULL, NULL, &walk);
    for (guint i = 0; i < written->len; i++)
      assert_seen_once (&walk, g_ptr_array_index (written, i));
    g_assert_cmpuint (g_hash_table_size (walk.seen), ==, written->len + during->len);
    assert_order (&walk, TRUE);
  }
  {
    g_auto(Walk) walk = { NULL, NULL, NULL, 0 };

    /* The demo caseload's Patients, all written at one instant. */
    walk_pages (fixture, "/Patient/_history?_count=9", "history", NULL, NULL, &walk);
    g_assert_cmpuint (g_hash_table_size (walk.seen), ==, DEMO_PEOPLE);
  }

  /* Instance history, one version a page, newest first. */
  {
    g_auto(Walk) walk = { NULL, NULL, NULL, 0 };

    walk_pages (fixture, "/Goal/hist-2/_history?_count=1", "history", NULL, NULL, &walk);
    g_assert_cmpuint (walk.pages, ==, 3);
    assert_seen_once (&walk, "Goal/hist-2/W/\"1\"");
    assert_seen_once (&walk, "Goal/hist-2/W/\"2\"");
    assert_seen_once (&walk, "Goal/hist-2/W/\"3\"");
    assert_order (&walk, TRUE);
  }

  /* _since is inclusive. */
  {
    g_autofree char *escaped = g_uri_escape_string (since, NULL, FALSE);
    g_autofree char *one = g_strdup_printf ("/Goal/hist-0/_history?_since=%s", escaped);

    g_assert_cmpuint (count_history (fixture, one), >=, 1);
  }

  /* Refusals. */
  request (fixture, "GET", "/Goal/absent/_history", &reply);
  assert_outcome (&reply, SOUP_STATUS_NOT_FOUND, "not-found", "absent");
  request (fixture, "GET", "/_history?_since=yesterday", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", "yesterday");
  request (fixture, "GET", "/_history?_since=2026-01-01T10:00:00", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", NULL);
  request (fixture, "GET", "/_history?_count=0", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", NULL);
  request (fixture, "GET", "/_history?_count=many", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", "many");
  request (fixture, "GET", "/_history?_page=" SECRET, &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", SECRET);
  request (fixture, "GET", "/_history?_page=MXxofA", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", NULL);
  request (fixture, "GET", "/_history?_at=2026-01-01", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "not-supported", NULL);
  request (fixture, "GET", "/_history?_count=1&_count=2", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", NULL);
  request (fixture, "GET", "/_history?_format=xml", &reply);
  assert_outcome (&reply, SOUP_STATUS_NOT_ACCEPTABLE, "not-supported", NULL);

  /* A large _count is capped at 1000. */
  request (fixture, "GET", "/_history?_count=5000&_format=json", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply.json, "entry")),
                    <=, 1000);

  /* A clean stop: under the sanitizers this checks the server for leaks. */
  stop_server (fixture, SIGTERM);
}

typedef struct
{
  const char *id;
  guint       next;
} Updater;

/* Between search pages, someone updates a Goal the walk already passed. */
static void
update_between_pages_cb (ServerFixture *fixture,
                         guint          page,
                         gpointer       user_data)
{
  Updater *updater = user_data;
  g_autofree char *text = g_strdup_printf ("Updated after page %u", page);
  g_autoptr(JsonObject) goal = make_goal (updater->id, text, NULL);
  g_auto(Reply) reply = { 0 };

  put_resource (fixture, goal, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  updater->next++;
}

static void
test_search (ServerFixture *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GPtrArray) ids = demo_visible_patient_ids (DEMO_PEOPLE);
  const char *person_a = g_ptr_array_index (ids, 3);
  const char *person_b = g_ptr_array_index (ids, 4);
  g_autofree char *since = NULL;
  g_autofree char *escaped = NULL;
  g_auto(Reply) reply = { 0 };

  start_server (fixture);

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *id = g_strdup_printf ("search-%u", i);
      g_autoptr(JsonObject) goal = make_goal (id, "A goal", i < 5 ? person_a : person_b);

      put_resource (fixture, goal, NULL, &reply);
      g_assert_cmpuint (reply.status, ==, SOUP_STATUS_CREATED);
      if (since == NULL)
        since = g_strdup (kith_fhir_get_last_updated (reply.json));
    }
  escaped = g_uri_escape_string (since, NULL, FALSE);

  /* By patient, as Patient/[id] or [id], two at a time. */
  for (guint form = 0; form < 2; form++)
    {
      g_auto(Walk) walk = { NULL, NULL, NULL, 0 };
      g_autofree char *path = g_strdup_printf ("/Goal?patient=%s%s&_count=2",
                                               form == 0 ? "Patient/" : "", person_a);

      walk_pages (fixture, path, "searchset", NULL, NULL, &walk);
      g_assert_cmpuint (g_hash_table_size (walk.seen), ==, 5);
      g_assert_cmpuint (walk.pages, ==, 3);
      for (guint i = 0; i < 5; i++)
        {
          g_autofree char *key = g_strdup_printf ("Goal/search-%u/W/\"1\"", i);

          assert_seen_once (&walk, key);
        }
      assert_order (&walk, FALSE);
    }

  /* A demo person's Conditions: only theirs. */
  {
    g_autofree char *path = g_strdup_printf ("/Condition?patient=%s", person_a);
    g_autofree char *reference = g_strdup_printf ("Patient/%s", person_a);
    JsonArray *entries;

    request (fixture, "GET", path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    g_assert_cmpstr (kith_fhir_get_string (reply.json, "type"), ==, "searchset");
    entries = json_object_get_array_member (reply.json, "entry");
    for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
      {
        JsonObject *entry = json_array_get_object_element (entries, i);
        JsonObject *resource = json_object_get_object_member (entry, "resource");

        g_assert_cmpstr (kith_fhir_get_string (resource, "resourceType"), ==, "Condition");
        /* Their own, or filed with them as a carer's (see the CapabilityStatement). */
        g_assert_cmpstr (kith_fhir_resource_patient (resource), ==, person_a);
        if (json_object_has_member (resource, "subject") &&
            g_str_has_prefix (kith_fhir_get_string (json_object_get_object_member (resource,
                                                                                   "subject"),
                                                    "reference"), "Patient/"))
          g_assert_cmpstr (kith_fhir_get_string (json_object_get_object_member (resource,
                                                                                "subject"),
                                                 "reference"), ==, reference);
        g_assert_cmpstr (kith_fhir_get_string (json_object_get_object_member (entry, "search"),
                                               "mode"), ==, "match");
      }
  }

  /* By _lastUpdated, oldest first, while someone updates a Goal already
   * seen: nothing is missed, and the update comes round again. */
  {
    g_auto(Walk) walk = { NULL, NULL, NULL, 0 };
    g_autofree char *path = g_strdup_printf ("/Goal?_lastUpdated=ge%s&_sort=_lastUpdated&_count=3",
                                             escaped);
    Updater updater = { "search-0", 0 };

    walk_pages (fixture, path, "searchset", update_between_pages_cb, &updater, &walk);
    for (guint i = 1; i < 8; i++)
      {
        g_autofree char *key = g_strdup_printf ("Goal/search-%u/W/\"1\"", i);

        assert_seen_once (&walk, key);
      }
    assert_seen_once (&walk, "Goal/search-0/W/\"1\"");
    {
      GHashTableIter iter;
      gpointer key;
      guint later = 0;

      g_hash_table_iter_init (&iter, walk.seen);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        later += g_str_has_prefix (key, "Goal/search-0/") &&
                 !g_str_equal (key, "Goal/search-0/W/\"1\"");
      g_assert_cmpuint (later, ==, 1);
    }
    assert_order (&walk, FALSE);
  }

  /* A range, and a range that excludes them all. */
  {
    g_autofree char *path = g_strdup_printf ("/Goal?_lastUpdated=lt%s", escaped);
    g_autofree char *range = g_strdup_printf ("/Goal?_lastUpdated=ge%s&_lastUpdated=le2999-01-01",
                                              escaped);

    request (fixture, "GET", path, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    g_assert_false (json_object_has_member (reply.json, "entry") &&
                    json_array_get_length (json_object_get_array_member (reply.json, "entry")) > 0);
    request (fixture, "GET", range, &reply);
    g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply.json, "entry")),
                      ==, 8);
  }

  /* Refusals: never silently ignored. */
  request (fixture, "GET", "/Goal?subject=" SECRET, &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "not-supported", SECRET);
  request (fixture, "GET", "/Goal?_sort=-_lastUpdated", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "not-supported", NULL);
  request (fixture, "GET", "/Goal?_lastUpdated=sa2026-01-01", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "not-supported", NULL);
  request (fixture, "GET", "/Goal?_lastUpdated=ge" SECRET, &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", SECRET);
  request (fixture, "GET", "/Goal?patient=Patient/" SECRET "!", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", SECRET);
  request (fixture, "GET", "/Patient?patient=x", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "not-supported", NULL);
  request (fixture, "GET", "/Goal?_page=MXxzfA&_count=2", &reply);
  assert_outcome (&reply, SOUP_STATUS_BAD_REQUEST, "invalid", NULL);
  g_assert_cmpuint (raw_request_status (fixture->port, "GET", "/fhir/Goal?_count=%ZZ"),
                    ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpuint (raw_request_status (fixture->port, "GET", "/fhir/Goal?_count=1%00"),
                    ==, SOUP_STATUS_BAD_REQUEST);

  /* A clean stop: under the sanitizers this checks the server for leaks. */
  stop_server (fixture, SIGTERM);
}

/* PUTs @body (of @length bytes, -1 for a string) with @content_type and
 * expects @status; nothing of the body may come back. */
static void
assert_put_refused (ServerFixture *fixture,
                    const char    *path,
                    const char    *content_type,
                    const char    *body,
                    gssize         length,
                    guint          status)
{
  g_auto(Reply) reply = { 0 };

  request_full (fixture, "PUT", path, NULL, content_type, body, length, &reply);
  assert_outcome (&reply, status, NULL, SECRET);
}

static void
test_hostile_bodies (ServerFixture *fixture,
                     gconstpointer  user_data)
{
  const char *fhir = "application/fhir+json";
  g_autoptr(GString) nested = g_string_new (NULL);
  g_autoptr(GString) nested_object = g_string_new ("{\"resourceType\":\"Goal\",\"id\":\"h\",\"x\":");
  g_autofree char *big = NULL;
  g_auto(Reply) reply = { 0 };
  gsize big_length = 6 * 1024 * 1024;

  start_server (fixture);

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append (nested_object, "{\"a\":");

  assert_put_refused (fixture, "/Goal/h", fhir, "{\"resourceType\":\"Goal\",\"id\":\"h\",\"x\":\""
                      SECRET "\"", -1, SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "{\"resourceType\":\"Go", -1,
                      SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, SECRET, -1, SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "[1,2,3]", -1, SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "null", -1, SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "", 0, SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, nested->str, nested->len, SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, nested_object->str, nested_object->len,
                      SOUP_STATUS_BAD_REQUEST);
  /* Wrong type, unknown type, wrong id, no id, a bad id. */
  assert_put_refused (fixture, "/Goal/h", fhir,
                      "{\"resourceType\":\"Condition\",\"id\":\"h\",\"note\":\"" SECRET "\"}", -1,
                      SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "{\"resourceType\":\"" SECRET "\",\"id\":\"h\"}",
                      -1, SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "{\"resourceType\":\"Goal\",\"id\":\"other\"}", -1,
                      SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "{\"resourceType\":\"Goal\"}", -1,
                      SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "{\"resourceType\":\"Goal\",\"id\":\"" SECRET
                      "!\"}", -1, SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "{\"resourceType\":\"Goal\",\"id\":7}", -1,
                      SOUP_STATUS_BAD_REQUEST);
  /* Not UTF-8, and a NUL inside. */
  assert_put_refused (fixture, "/Goal/h", fhir, "{\"resourceType\":\"Goal\",\"id\":\"h\",\"x\":\"\xff\xfe\"}",
                      -1, SOUP_STATUS_BAD_REQUEST);
  assert_put_refused (fixture, "/Goal/h", fhir, "{\"resourceType\":\"Goal\",\0\"id\":\"h\"}", 30,
                      SOUP_STATUS_BAD_REQUEST);
  /* Wrong media types. */
  assert_put_refused (fixture, "/Goal/h", "text/plain", "{\"resourceType\":\"Goal\",\"id\":\"h\"}",
                      -1, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE);
  assert_put_refused (fixture, "/Goal/h", "application/fhir+json; charset=latin1",
                      "{\"resourceType\":\"Goal\",\"id\":\"h\"}", -1,
                      SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE);
  assert_put_refused (fixture, "/Goal/h", NULL, "{\"resourceType\":\"Goal\",\"id\":\"h\"}", -1,
                      SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE);
  /* A Patient the core refuses: a business rule, named without the data. */
  assert_put_refused (fixture, "/Patient/h", fhir,
                      "{\"resourceType\":\"Patient\",\"id\":\"h\",\"birthDate\":\"" SECRET "\"}", -1,
                      SOUP_STATUS_UNPROCESSABLE_ENTITY);

  /* Over 5 MB: 413, whatever it holds. */
  big = g_malloc (big_length);
  memset (big, ' ', big_length);
  memcpy (big, "{\"resourceType\":\"Goal\",\"id\":\"h\"}", 32);
  assert_put_refused (fixture, "/Goal/h", fhir, big, big_length,
                      SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  {
    g_auto(Reply) post = { 0 };

    request_full (fixture, "POST", "", NULL, fhir, big, big_length, &post);
    g_assert_cmpuint (post.status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  }

  /* The same at the socket: a huge declared length, a chunked body that
   * grows past the limit, and a body that stops short. */
  {
    g_autofree char *head = g_strdup_printf ("PUT /fhir/Goal/h HTTP/1.1\r\n"
                                             "Host: 127.0.0.1:%u\r\n"
                                             "Content-Type: application/fhir+json\r\n"
                                             "Content-Length: 999999999999\r\n"
                                             "\r\n{\"resourceType\":", fixture->port);
    g_autoptr(GString) chunked = g_string_new (NULL);
    g_autofree char *chunk = g_strnfill (65536, ' ');
    g_autofree char *short_body = g_strdup_printf ("PUT /fhir/Goal/h HTTP/1.1\r\n"
                                                   "Host: 127.0.0.1:%u\r\n"
                                                   "Content-Type: application/fhir+json\r\n"
                                                   "Content-Length: 100\r\n"
                                                   "\r\n{\"resourceType\":\"Goal\"", fixture->port);
    guint status;

    /* libsoup reads (and drops) a body before answering, so a client that
     * stops short of its declared length may get no answer at all. */
    status = raw_exchange (fixture->port, head, strlen (head), TRUE, HTTP_TIMEOUT_S);
    g_assert_true (status == 0 || status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);

    g_string_printf (chunked, "PUT /fhir/Goal/h HTTP/1.1\r\n"
                              "Host: 127.0.0.1:%u\r\n"
                              "Content-Type: application/fhir+json\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n", fixture->port);
    for (guint i = 0; i < 90; i++)
      g_string_append_printf (chunked, "10000\r\n%s\r\n", chunk);
    g_string_append (chunked, "0\r\n\r\n");
    status = raw_exchange (fixture->port, chunked->str, chunked->len, TRUE, HTTP_TIMEOUT_S);
    g_assert_cmpuint (status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);

    status = raw_exchange (fixture->port, short_body, strlen (short_body), TRUE, HTTP_TIMEOUT_S);
    g_assert_true (status == 0 || (status >= 400 && status < 500));
  }

  /* Still serving, and nothing was stored. */
  request (fixture, "GET", "/metadata", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_OK);
  request (fixture, "GET", "/Goal/h", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_NOT_FOUND);
  request (fixture, "GET", "/Patient/h", &reply);
  g_assert_cmpuint (reply.status, ==, SOUP_STATUS_NOT_FOUND);

  /* A clean stop: under the sanitizers this checks the server for leaks. */
  stop_server (fixture, SIGTERM);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server-rest/update/create", ServerFixture, NULL,
              fixture_set_up, test_update_create, fixture_tear_down);
  g_test_add ("/server-rest/update/if-match", ServerFixture, NULL,
              fixture_set_up, test_update_if_match, fixture_tear_down);
  g_test_add ("/server-rest/update/retry", ServerFixture, NULL,
              fixture_set_up, test_update_retry, fixture_tear_down);
  g_test_add ("/server-rest/delete", ServerFixture, NULL,
              fixture_set_up, test_delete, fixture_tear_down);
  g_test_add ("/server-rest/transaction/success", ServerFixture, NULL,
              fixture_set_up, test_transaction, fixture_tear_down);
  g_test_add ("/server-rest/transaction/rollback", ServerFixture, NULL,
              fixture_set_up, test_transaction_rollback, fixture_tear_down);
  g_test_add ("/server-rest/history", ServerFixture, NULL,
              fixture_set_up, test_history, fixture_tear_down);
  g_test_add ("/server-rest/search", ServerFixture, NULL,
              fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/server-rest/hostile-bodies", ServerFixture, NULL,
              fixture_set_up, test_hostile_bodies, fixture_tear_down);

  return g_test_run ();
}
