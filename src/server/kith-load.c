/* kith-load.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kith-load: a load generator for the benchmark. It only talks to a
 * kith-server on loopback, and every run is bounded in time and requests.
 *
 *   kith-server --data DIR --listen 127.0.0.1:8765 --demo-people 10000 &
 *   kith-load --url http://127.0.0.1:8765/fhir --connections 8 --duration 10
 *
 * Two phases, each with N concurrent connections, each connection sending
 * its next request as soon as the previous one is answered:
 *   reads   GET Patient/[id] for random demo people;
 *   writes  conditional updates, PUT Patient/[id] with If-Match: W/"n",
 *           each changing the person (an extension counter), with
 *           Prefer: return=minimal. Every connection has its own people,
 *           so a 412 means the server got a version wrong.
 * It prints requests per second and the 50th and 99th percentile latency.
 *
 * The server wants a signed-in user: give the bearer token in the
 * environment, KITH_TOKEN (never on the command line, where others see it).
 */

#define G_LOG_DOMAIN "kith-load"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "kith-fhir.h"

#define LOAD_COUNTER_URL    "https://kith.care/fhir/StructureDefinition/load-test-counter"
#define MAX_CONNECTIONS     256
#define MAX_DURATION_S      300
#define MAX_REQUESTS        10000000
#define MAX_PEOPLE          10000
#define PEOPLE_PER_WRITER   32
#define HTTP_TIMEOUT_S      30

typedef struct _Load Load;

typedef struct
{
  char       *id;
  JsonObject *resource;   /* as last read or written, without meta */
  char       *version_id;
} Person;

typedef struct
{
  Load      *load;
  guint      index;
  GPtrArray *people;      /* Person, the writer's own */
  guint      next_person;
  guint64    counter;
  gint64     sent_at;
} Worker;

struct _Load
{
  SoupSession *session;
  GMainLoop   *loop;
  char        *base_url;
  char        *authorization;   /* "Bearer …", or NULL */
  GPtrArray   *ids;         /* Patient ids on the server */
  GRand       *rand;

  /* The phase under way */
  gboolean     writes;
  gint64       deadline;
  guint64      max_requests;
  guint64      sent;
  guint64      done;
  guint64      failed;
  guint64      conflicts;
  GArray      *latencies;   /* gint64 microseconds */
  guint        busy_workers;
};

static void send_next (Worker *worker);

static void
person_free (Person *person)
{
  g_free (person->id);
  g_clear_pointer (&person->resource, json_object_unref);
  g_free (person->version_id);
  g_free (person);
}

static SoupMessage *
new_message (Load       *load,
             const char *method,
             const char *path)
{
  g_autofree char *url = g_strconcat (load->base_url, "/", path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                "Accept", "application/fhir+json");
  if (load->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "Authorization", load->authorization);

  return msg;
}

/* A blocking request, for the set-up only. Returns the parsed body. */
static JsonObject *
fetch (Load         *load,
       SoupMessage  *msg,
       GError      **error)
{
  g_autoptr(GBytes) body = NULL;
  gsize size;
  const char *data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (load->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "Authorization", load->authorization);
  body = soup_session_send_and_read (load->session, msg, NULL, error);
  if (body == NULL)
    return NULL;
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "HTTP %u from the server",
                   soup_message_get_status (msg));
      return NULL;
    }

  data = g_bytes_get_data (body, &size);
  if (!json_parser_load_from_data (parser, data, size, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/* Pages through Patient search for up to MAX_PEOPLE ids. */
static gboolean
collect_patient_ids (Load    *load,
                     GError **error)
{
  g_autofree char *url = g_strconcat (load->base_url, "/Patient?_count=1000", NULL);

  while (url != NULL && load->ids->len < MAX_PEOPLE)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(JsonObject) bundle = NULL;
      JsonArray *entries, *links;

      g_clear_pointer (&url, g_free);
      if (msg == NULL)
        break;
      if (!(bundle = fetch (load, msg, error)))
        return FALSE;

      entries = json_object_has_member (bundle, "entry")
                  ? json_object_get_array_member (bundle, "entry") : NULL;
      for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
        {
          JsonObject *entry = json_array_get_object_element (entries, i);
          JsonObject *resource = entry ? json_object_get_object_member (entry, "resource") : NULL;
          const char *id = resource ? kith_fhir_get_string (resource, "id") : NULL;

          if (kith_fhir_is_valid_id (id) && load->ids->len < MAX_PEOPLE)
            g_ptr_array_add (load->ids, g_strdup (id));
        }

      /* Follow next, but only on the same server. */
      links = json_object_has_member (bundle, "link")
                ? json_object_get_array_member (bundle, "link") : NULL;
      for (guint i = 0; links != NULL && i < json_array_get_length (links); i++)
        {
          JsonObject *link = json_array_get_object_element (links, i);
          const char *next = kith_fhir_get_string (link, "url");

          if (g_strcmp0 (kith_fhir_get_string (link, "relation"), "next") == 0 &&
              next != NULL && g_str_has_prefix (next, load->base_url))
            url = g_strdup (next);
        }
    }

  if (load->ids->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "The server holds no Patients; start it with --demo-people");
      return FALSE;
    }

  return TRUE;
}

/* Reads a writer's people, for their content and current versions. */
static gboolean
prepare_writer (Load    *load,
                Worker  *worker,
                guint    n_workers,
                GError **error)
{
  worker->people = g_ptr_array_new_with_free_func ((GDestroyNotify) person_free);

  for (guint i = worker->index; i < load->ids->len && worker->people->len < PEOPLE_PER_WRITER;
       i += n_workers)
    {
      const char *id = g_ptr_array_index (load->ids, i);
      g_autofree char *path = g_strconcat ("Patient/", id, NULL);
      g_autoptr(SoupMessage) msg = new_message (load, "GET", path);
      g_autoptr(JsonObject) resource = NULL;
      Person *person;

      if (!(resource = fetch (load, msg, error)))
        return FALSE;

      person = g_new0 (Person, 1);
      person->id = g_strdup (id);
      person->version_id = g_strdup (kith_fhir_get_version_id (resource));
      json_object_remove_member (resource, "meta");
      person->resource = g_steal_pointer (&resource);
      g_ptr_array_add (worker->people, person);
    }

  if (worker->people->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "Too few Patients for this many connections");
      return FALSE;
    }

  return TRUE;
}

/* Sets the load counter extension on @resource to @value. */
static void
set_counter (JsonObject *resource,
             guint64     value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, (gint64) value);
  /* Takes the node. */
  kith_fhir_set_extension (resource, LOAD_COUNTER_URL, "valueInteger", node);
}

static void
finish_request (Worker *worker)
{
  Load *load = worker->load;
  gint64 latency = g_get_monotonic_time () - worker->sent_at;

  g_array_append_val (load->latencies, latency);
  load->done++;
  load->busy_workers--;

  send_next (worker);
  if (load->busy_workers == 0)
    g_main_loop_quit (load->loop);
}

static void
on_read_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Worker *worker = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    worker->load->failed++;

  g_object_unref (msg);
  finish_request (worker);
}

static void
on_write_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Worker *worker = user_data;
  Load *load = worker->load;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  Person *person = g_ptr_array_index (worker->people, worker->next_person);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  status = soup_message_get_status (msg);
  if (body != NULL && status == SOUP_STATUS_OK)
    {
      const char *etag = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                       "ETag");
      g_autofree char *version = NULL;

      if (etag != NULL && g_str_has_prefix (etag, "W/\"") && g_str_has_suffix (etag, "\""))
        version = g_strndup (etag + 3, strlen (etag) - 4);
      if (kith_fhir_is_valid_id (version))
        {
          g_free (person->version_id);
          person->version_id = g_steal_pointer (&version);
        }
      else
        load->failed++;
    }
  else if (status == SOUP_STATUS_PRECONDITION_FAILED)
    load->conflicts++;
  else
    load->failed++;

  worker->next_person = (worker->next_person + 1) % worker->people->len;
  g_object_unref (msg);
  finish_request (worker);
}

static void
send_next (Worker *worker)
{
  Load *load = worker->load;
  SoupMessage *msg;

  if (g_get_monotonic_time () >= load->deadline || load->sent >= load->max_requests)
    return;

  if (!load->writes)
    {
      gint32 pick = g_rand_int_range (load->rand, 0, (gint32) load->ids->len);
      const char *id = g_ptr_array_index (load->ids, pick);
      g_autofree char *path = g_strconcat ("Patient/", id, NULL);

      msg = new_message (load, "GET", path);
    }
  else
    {
      Person *person = g_ptr_array_index (worker->people, worker->next_person);
      g_autofree char *path = g_strconcat ("Patient/", person->id, NULL);
      g_autofree char *if_match = g_strdup_printf ("W/\"%s\"", person->version_id);
      g_autoptr(GBytes) body = NULL;
      char *text;
      SoupMessageHeaders *headers;

      set_counter (person->resource, ++worker->counter * 1000 + worker->index);
      text = kith_fhir_to_string (person->resource, FALSE);
      body = g_bytes_new_take (text, strlen (text));

      msg = new_message (load, "PUT", path);
      headers = soup_message_get_request_headers (msg);
      soup_message_headers_replace (headers, "If-Match", if_match);
      soup_message_headers_replace (headers, "Prefer", "return=minimal");
      soup_message_set_request_body_from_bytes (msg, "application/fhir+json", body);
    }

  load->sent++;
  load->busy_workers++;
  worker->sent_at = g_get_monotonic_time ();
  soup_session_send_and_read_async (load->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    load->writes ? on_write_done_cb : on_read_done_cb, worker);
}

static int
compare_latency (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *sorted,
               double  fraction)
{
  guint index;

  if (sorted->len == 0)
    return 0;
  index = (guint) (fraction * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, gint64, index) / 1000.0;
}

static void
run_phase (Load      *load,
           Worker    *workers,
           guint      n_workers,
           gboolean   writes,
           double     duration_s,
           guint64    max_requests)
{
  gint64 started;
  double elapsed;

  load->writes = writes;
  load->sent = load->done = load->failed = load->conflicts = 0;
  g_array_set_size (load->latencies, 0);
  started = g_get_monotonic_time ();
  load->deadline = started + (gint64) (duration_s * G_TIME_SPAN_SECOND);
  load->max_requests = max_requests;

  for (guint i = 0; i < n_workers; i++)
    send_next (&workers[i]);
  if (load->busy_workers > 0)
    g_main_loop_run (load->loop);

  elapsed = (g_get_monotonic_time () - started) / (double) G_TIME_SPAN_SECOND;
  g_array_sort (load->latencies, compare_latency);

  g_print ("%-6s %u connections, %.1f s: %" G_GUINT64_FORMAT " requests, %.0f/s, "
           "p50 %.2f ms, p99 %.2f ms, %" G_GUINT64_FORMAT " failed",
           writes ? "writes" : "reads", n_workers, elapsed, load->done,
           load->done / elapsed, percentile_ms (load->latencies, 0.50),
           percentile_ms (load->latencies, 0.99), load->failed);
  if (writes)
    g_print (", %" G_GUINT64_FORMAT " conflicts (412)", load->conflicts);
  g_print ("\n");
}

/* Loopback only: the tool must never load someone else's server. */
static gboolean
check_url (const char  *url,
           GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, error);
  const char *host;

  if (uri == NULL)
    return FALSE;
  host = g_uri_get_host (uri);
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 ||
      (g_strcmp0 (host, "127.0.0.1") != 0 && g_strcmp0 (host, "::1") != 0 &&
       g_strcmp0 (host, "localhost") != 0) ||
      g_uri_get_query (uri) != NULL || g_str_has_suffix (g_uri_get_path (uri), "/"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "--url must be http://127.0.0.1:PORT/fhir (loopback only)");
      return FALSE;
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *mode = NULL;
  g_autofree Worker *workers = NULL;
  int connections = 8;
  double duration = 10;
  gint64 max_requests = MAX_REQUESTS;
  gboolean reads, writes;
  Load load = { 0 };
  const GOptionEntry entries[] = {
    { "url", 'u', 0, G_OPTION_ARG_STRING, &url,
      "The server's FHIR base on loopback", "http://127.0.0.1:PORT/fhir" },
    { "connections", 'c', 0, G_OPTION_ARG_INT, &connections,
      "Concurrent connections (default 8)", "N" },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
      "Seconds per phase (default 10)", "S" },
    { "requests", 'n', 0, G_OPTION_ARG_INT64, &max_requests,
      "At most this many requests per phase", "N" },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode,
      "reads, writes or both (default)", "MODE" },
    { NULL }
  };

  g_set_prgname ("kith-load");

  context = g_option_context_new ("- measure a kith-server's reads and conditional writes");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kith-load: %s\n", error->message);
      return 2;
    }
  if (url == NULL || !check_url (url, &error))
    {
      g_printerr ("kith-load: %s\n",
                  error ? error->message : "--url http://127.0.0.1:PORT/fhir is required");
      return 2;
    }
  if (connections < 1 || connections > MAX_CONNECTIONS || duration <= 0 ||
      duration > MAX_DURATION_S || max_requests < 1 || max_requests > MAX_REQUESTS)
    {
      g_printerr ("kith-load: --connections is 1 to %d, --duration up to %d s, "
                  "--requests 1 to %d\n", MAX_CONNECTIONS, MAX_DURATION_S, MAX_REQUESTS);
      return 2;
    }
  reads = mode == NULL || g_str_equal (mode, "both") || g_str_equal (mode, "reads");
  writes = mode == NULL || g_str_equal (mode, "both") || g_str_equal (mode, "writes");
  if (!reads && !writes)
    {
      g_printerr ("kith-load: --mode is reads, writes or both\n");
      return 2;
    }

  load.session = soup_session_new_with_options ("max-conns", connections + 1,
                                                "max-conns-per-host", connections + 1,
                                                "timeout", HTTP_TIMEOUT_S,
                                                "proxy-resolver", NULL,
                                                NULL);
  load.loop = g_main_loop_new (NULL, FALSE);
  load.base_url = g_strdup (url);
  if (g_getenv ("KITH_TOKEN") != NULL)
    load.authorization = g_strconcat ("Bearer ", g_getenv ("KITH_TOKEN"), NULL);
  load.ids = g_ptr_array_new_with_free_func (g_free);
  load.rand = g_rand_new_with_seed (1);
  load.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!collect_patient_ids (&load, &error))
    {
      g_printerr ("kith-load: %s\n", error->message);
      return 1;
    }
  g_print ("kith-load: %u people on %s\n", load.ids->len, url);

  workers = g_new0 (Worker, connections);
  for (int i = 0; i < connections; i++)
    {
      workers[i].load = &load;
      workers[i].index = (guint) i;
    }

  if (reads)
    run_phase (&load, workers, (guint) connections, FALSE, duration, (guint64) max_requests);

  if (writes)
    {
      for (int i = 0; i < connections; i++)
        {
          if (!prepare_writer (&load, &workers[i], (guint) connections, &error))
            {
              g_printerr ("kith-load: %s\n", error->message);
              return 1;
            }
        }
      run_phase (&load, workers, (guint) connections, TRUE, duration, (guint64) max_requests);
    }

  for (int i = 0; i < connections; i++)
    g_clear_pointer (&workers[i].people, g_ptr_array_unref);
  g_array_unref (load.latencies);
  g_rand_free (load.rand);
  g_ptr_array_unref (load.ids);
  g_free (load.base_url);
  g_free (load.authorization);
  g_main_loop_unref (load.loop);
  g_object_unref (load.session);

  return 0;
}
