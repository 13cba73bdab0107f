/* test-server-crash.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Acknowledged writes are never lost. Several clients send a stream of
 * transaction Bundles to the real kith-server, which is SIGKILLed at a
 * random moment, again and again (KILL_ROUNDS times). After each kill the
 * database passes PRAGMA integrity_check, and at the end every transaction
 * that got a 2xx reply is in the store, exactly as it was sent.
 */

#define G_LOG_DOMAIN "kith-test"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <sqlite3.h>

#include "server-fixture.h"

/* CI-sized; raise it locally for a longer soak. */
#define KILL_ROUNDS      50
#define STREAMS          4
#define ENTRIES_PER_TX   3
#define MAX_KILL_DELAY   100   /* ms after the first acknowledgement */

typedef struct
{
  ServerFixture *fixture;
  GHashTable    *acknowledged;   /* Goal id → description text */
  guint          round;
  guint          index;
  guint          sent;
  gboolean       in_flight;
  gboolean       stopped;
  char          *ids[ENTRIES_PER_TX];
  char          *text;
} Stream;

static void send_transaction (Stream *stream);

static void
stream_clear_pending (Stream *stream)
{
  for (guint i = 0; i < ENTRIES_PER_TX; i++)
    g_clear_pointer (&stream->ids[i], g_free);
  g_clear_pointer (&stream->text, g_free);
}

static void
on_transaction_done_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Stream *stream = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  stream->in_flight = FALSE;

  if (body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
    {
      /* Acknowledged: from here on it must survive anything. */
      for (guint i = 0; i < ENTRIES_PER_TX; i++)
        g_hash_table_replace (stream->acknowledged, g_strdup (stream->ids[i]),
                              g_strdup (stream->text));
      stream_clear_pending (stream);
      if (!stream->stopped)
        send_transaction (stream);
    }
  else
    {
      /* The server died under it (or answered 5xx): stop this stream. */
      g_assert_true (body == NULL || soup_message_get_status (msg) >= 500);
      stream_clear_pending (stream);
      stream->stopped = TRUE;
    }

  g_object_unref (msg);
}

static void
send_transaction (Stream *stream)
{
  g_autoptr(JsonObject) bundle = json_object_new ();
  JsonArray *entries = json_array_new ();
  g_autofree char *text = NULL;
  SoupMessage *msg;
  GBytes *body;
  gsize length;

  stream->sent++;
  stream->text = g_strdup_printf ("Round %u, stream %u, transaction %u",
                                  stream->round, stream->index, stream->sent);

  json_object_set_string_member (bundle, "resourceType", "Bundle");
  json_object_set_string_member (bundle, "type", "transaction");
  for (guint i = 0; i < ENTRIES_PER_TX; i++)
    {
      JsonObject *entry = json_object_new ();
      JsonObject *request_object = json_object_new ();
      JsonObject *goal = json_object_new ();
      JsonObject *description = json_object_new ();
      g_autofree char *entry_url = NULL;

      stream->ids[i] = g_strdup_printf ("crash-%u-%u-%u-%u", stream->round, stream->index,
                                        stream->sent, i);
      entry_url = g_strconcat ("Goal/", stream->ids[i], NULL);

      json_object_set_string_member (goal, "resourceType", "Goal");
      json_object_set_string_member (goal, "id", stream->ids[i]);
      json_object_set_string_member (goal, "lifecycleStatus", "active");
      json_object_set_string_member (description, "text", stream->text);
      json_object_set_object_member (goal, "description", description);

      json_object_set_string_member (request_object, "method", "PUT");
      json_object_set_string_member (request_object, "url", entry_url);
      json_object_set_object_member (entry, "request", request_object);
      json_object_set_object_member (entry, "resource", goal);
      json_array_add_object_element (entries, entry);
    }
  json_object_set_array_member (bundle, "entry", entries);

  text = kith_fhir_to_string (bundle, FALSE);
  length = strlen (text);
  body = g_bytes_new_take (g_steal_pointer (&text), length);
  msg = soup_message_new ("POST", stream->fixture->base_url);
  soup_message_set_request_body_from_bytes (msg, "application/fhir+json", body);
  g_bytes_unref (body);

  stream->in_flight = TRUE;
  soup_session_send_and_read_async (stream->fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_transaction_done_cb, stream);
}

static gboolean
streams_idle (Stream *streams)
{
  for (guint i = 0; i < STREAMS; i++)
    if (streams[i].in_flight)
      return FALSE;
  return TRUE;
}

/* Opens the database as it was left (sqlite recovers the WAL) and checks it. */
static void
assert_integrity (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_kill_during_transactions (ServerFixture *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GHashTable) acknowledged = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                              g_free, g_free);
  g_autoptr(KithStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint killed_in_flight = 0;

  for (guint round = 0; round < KILL_ROUNDS; round++)
    {
      Stream streams[STREAMS];
      guint acknowledged_before = g_hash_table_size (acknowledged);
      gint64 deadline;
      gboolean idle = FALSE;

      start_server_with (fixture, round == 0 ? 5 : 0);

      memset (streams, 0, sizeof streams);
      for (guint i = 0; i < STREAMS; i++)
        {
          streams[i].fixture = fixture;
          streams[i].acknowledged = acknowledged;
          streams[i].round = round;
          streams[i].index = i;
          send_transaction (&streams[i]);
        }

      /* Let the streams get going (one acknowledged transaction at least,
       * however slow the build), run a little longer, then kill the server
       * mid-flight. */
      deadline = g_get_monotonic_time () + HTTP_TIMEOUT_S * G_TIME_SPAN_SECOND;
      while (g_hash_table_size (acknowledged) == acknowledged_before &&
             g_get_monotonic_time () < deadline)
        {
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (100);
        }
      g_assert_cmpuint (g_hash_table_size (acknowledged), >, acknowledged_before);

      deadline = g_get_monotonic_time () +
                 g_test_rand_int_range (0, MAX_KILL_DELAY) * G_TIME_SPAN_MILLISECOND;
      while (g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, FALSE);

      if (!streams_idle (streams))
        killed_in_flight++;
      g_subprocess_send_signal (fixture->process, SIGKILL);
      g_assert_true (wait_for_exit (fixture->process, EXIT_TIMEOUT_MS) ||
                     !g_subprocess_get_if_exited (fixture->process));
      g_clear_object (&fixture->process);

      for (guint i = 0; i < STREAMS; i++)
        streams[i].stopped = TRUE;
      deadline = g_get_monotonic_time () + HTTP_TIMEOUT_S * G_TIME_SPAN_SECOND;
      while (!(idle = streams_idle (streams)) && g_get_monotonic_time () < deadline)
        {
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (1000);
        }
      g_assert_true (idle);

      assert_integrity (fixture->db_path);
    }

  g_test_message ("%u rounds, %u killed with a transaction in flight, %u acknowledged writes",
                  KILL_ROUNDS, killed_in_flight, g_hash_table_size (acknowledged));
  /* The kills must really have hit running streams. */
  g_assert_cmpuint (killed_in_flight, >=, KILL_ROUNDS / 2);
  g_assert_cmpuint (g_hash_table_size (acknowledged), >=, KILL_ROUNDS * ENTRIES_PER_TX);

  /* A last clean start and stop, then every acknowledged write is there. */
  start_server_with (fixture, 0);
  stop_server (fixture, SIGTERM);
  assert_store_intact (fixture);

  store = kith_store_open (fixture->db_path, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, acknowledged);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(JsonObject) goal = kith_store_read_resource (store, "Goal", key, &error);

      if (goal == NULL)
        g_error ("Acknowledged Goal/%s was lost: %s", (char *) key, error->message);
      g_assert_cmpstr (kith_fhir_get_string (json_object_get_object_member (goal, "description"),
                                             "text"), ==, value);
      g_assert_cmpstr (kith_fhir_get_version_id (goal), ==, "1");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server-crash/kill-during-transactions", ServerFixture, NULL,
              fixture_set_up, test_kill_during_transactions, fixture_tear_down);

  return g_test_run ();
}
