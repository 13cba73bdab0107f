/* kith-sync.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Offline-first sync with any FHIR R4 server, using only standard
 * interactions (architecture.md, "Sync: offline first"):
 *
 *  - push: the outbox in order, each edit a PUT with If-Match on the server
 *    version it was made on. A stale version (412 or 409, servers differ)
 *    fetches the server's, merges three ways, and pushes the result; what
 *    cannot be merged waits for a person, both sides kept.
 *  - pull: system _history since the last pull (less an overlap), or per
 *    type search on _lastUpdated where the server has no system history;
 *    versions already held are skipped.
 *
 * Under access control (GOVERNANCE.md) the server refuses some requests
 * and withholds some versions:
 *
 *  - 403 on one edit parks that edit as rejected, with the server's
 *    reason, and the cycle goes on; 403 on the metadata or the history
 *    (no access at all) stops the cycle. 401 still means "sign in".
 *  - a withheld version comes as a stub (meta.security REDACTED). The
 *    store keeps it, never over a full copy, and a full copy of the same
 *    version replaces it when one comes.
 *  - the history moves on past what this professional could not see.
 *    When a pull brings a new version of someone's CareTeam or
 *    record-sharing Consent, or the app asks (after break-glass), the
 *    person waits in the store's refetch table, and a cycle fetches a
 *    few such records again by search (?patient=), type by type.
 *
 * A cycle runs on a worker thread with its own store connection and a
 * blocking libsoup session, so the window never waits on the network.
 *
 * Signing in posts a user name and password to the server's /auth/token
 * and keeps the bearer token it answers with. Neither a password nor a
 * token is sent over plain http except to this machine, and certificates
 * are always verified (there is no way to accept an unknown one); a
 * practice with its own CA gives its CA file instead.
 */

#define G_LOG_DOMAIN "kith-sync"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "kith-consent.h"
#include "kith-fhir.h"
#include "kith-merge.h"
#include "kith-store-private.h"
#include "kith-sync.h"

#define PAGE_SIZE       200
#define MAX_PAGES       5000
#define PULL_OVERLAP_S  2
#define MAX_BACKOFF_MS  (5 * 60 * 1000)
/* People whose record one cycle fetches again: each costs a search per
 * type, so a practice-wide change of teams is spread over cycles. */
#define REFETCH_PER_CYCLE 20
/* What the server asks of a break-glass reason. */
#define BREAK_GLASS_MIN_REASON 10
#define BREAK_GLASS_MAX_REASON 500

struct _KithSyncClient
{
  GObject   parent_instance;

  char     *store_path;
  char     *base_url;
  char     *token;
  guint     timeout;
  GTlsDatabase *tls_database;   /* the practice's CA, or NULL for the system's */

  gboolean  work_offline;
  gboolean  syncing;
  gboolean  online;
  gboolean  sign_in_needed;
  gint64    pending;
  guint     conflicts;
  char     *last_success;
  char     *last_error;
  guint     failures;       /* in a row, for backoff */
  guint     retry_after_ms; /* from a 429 */
  GPtrArray *refetch;       /* patient ids for the next cycle's refetch table */
};

G_DEFINE_FINAL_TYPE (KithSyncClient, kith_sync_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (kith-sync-error-quark, kith_sync_error)

enum {
  PROP_0,
  PROP_ONLINE,
  PROP_SYNCING,
  PROP_PENDING_COUNT,
  PROP_CONFLICTS,
  PROP_LAST_SUCCESS,
  PROP_LAST_ERROR,
  PROP_SIGN_IN_NEEDED,
  PROP_WORK_OFFLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Everything one cycle needs, copied, so the worker shares nothing. */
typedef struct
{
  char           *store_path;
  char           *base_url;
  char           *token;
  guint           timeout;
  GTlsDatabase   *tls_database;

  KithStore      *store;
  SoupSession    *session;
  GCancellable   *cancellable;
  GUri           *base_uri;
  gboolean        system_history;
  gboolean        transactions;   /* the server takes transaction Bundles */
  GHashTable     *searchable;     /* types with _lastUpdated search */
  GHashTable     *versioned;      /* types with versioned update */
  GHashTable     *by_patient;     /* types with the patient search */
  gboolean        watch_access;   /* a new CareTeam or Consent queues a refetch */
  GPtrArray      *refetch;        /* asked for by the app since the last cycle */
  gboolean        refetch_saved;  /* ...and now in the store */

  KithSyncReport *report;
  /* Outcome for the client's properties */
  gboolean        reached;
  gboolean        sign_in_needed;
  guint           retry_after_ms;
  gint64          pending;
  guint           conflicts;
} Cycle;

typedef struct
{
  guint   status;
  GBytes *body;
  char   *etag_version;
  char   *last_modified;
  char   *retry_after;
} Reply;

void
kith_sync_report_free (KithSyncReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->conflicts, g_ptr_array_unref);
  g_clear_pointer (&report->rejected, g_ptr_array_unref);
  g_free (report);
}

void
kith_sync_conflict_free (KithSyncConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->type);
  g_free (conflict->id);
  g_clear_pointer (&conflict->base, json_object_unref);
  g_clear_pointer (&conflict->local, json_object_unref);
  g_clear_pointer (&conflict->remote, json_object_unref);
  g_free (conflict->remote_version);
  g_strfreev (conflict->paths);
  g_free (conflict);
}

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->etag_version, g_free);
  g_clear_pointer (&reply->last_modified, g_free);
  g_clear_pointer (&reply->retry_after, g_free);
  reply->status = 0;
}

static void
cycle_free (Cycle *cycle)
{
  g_free (cycle->store_path);
  g_free (cycle->base_url);
  if (cycle->token != NULL)
    explicit_bzero (cycle->token, strlen (cycle->token));
  g_free (cycle->token);
  g_clear_object (&cycle->tls_database);
  g_clear_object (&cycle->store);
  g_clear_object (&cycle->session);
  g_clear_object (&cycle->cancellable);
  g_clear_pointer (&cycle->base_uri, g_uri_unref);
  g_clear_pointer (&cycle->searchable, g_hash_table_unref);
  g_clear_pointer (&cycle->versioned, g_hash_table_unref);
  g_clear_pointer (&cycle->by_patient, g_hash_table_unref);
  g_clear_pointer (&cycle->refetch, g_ptr_array_unref);
  kith_sync_report_free (cycle->report);
  g_free (cycle);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cycle, cycle_free)

/* --- HTTP ------------------------------------------------------------------ */

/* W/"3", "3" or 3 → 3 */
static char *
version_from_etag (const char *etag)
{
  const char *start;
  gsize len;

  if (etag == NULL)
    return NULL;
  start = g_str_has_prefix (etag, "W/") ? etag + 2 : etag;
  len = strlen (start);
  if (len >= 2 && start[0] == '"' && start[len - 1] == '"')
    return g_strndup (start + 1, len - 2);
  return g_strdup (start);
}

/* Only the server we were given: a "next" link elsewhere is not followed. */
static gboolean
same_server (Cycle *cycle,
             GUri  *uri)
{
  return g_strcmp0 (g_uri_get_scheme (uri), g_uri_get_scheme (cycle->base_uri)) == 0 &&
         g_strcmp0 (g_uri_get_host (uri), g_uri_get_host (cycle->base_uri)) == 0 &&
         g_uri_get_port (uri) == g_uri_get_port (cycle->base_uri);
}

/* The server could not prove who it is: nothing was sent. */
static void
set_certificate_error (GError       **error,
                       const GError  *tls_error)
{
  g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_CERTIFICATE,
               _("The practice server’s certificate is not trusted (%s), so nothing was sent. "
                 "Ask whoever runs the server for the practice’s CA file."),
               tls_error->message);
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Passwords and tokens only go over https, or plain http to this machine. */
static gboolean
check_private_channel (GUri    *uri,
                       GError **error)
{
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 && is_loopback_host (g_uri_get_host (uri))))
    return TRUE;

  g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FAILED,
                       _("Use an https:// address for the practice server: a password or token "
                         "must never be sent unencrypted"));
  return FALSE;
}

/* A blocking session for one cycle, fetcher or sign-in. */
static SoupSession *
new_session (guint         timeout,
             GTlsDatabase *tls_database)
{
  SoupSession *session = soup_session_new_with_options ("timeout", timeout,
                                                        "idle-timeout", 30,
                                                        "user-agent", "Kith/" PACKAGE_VERSION " ",
                                                        NULL);

  /* Only ever set, never cleared: a NULL database would mean no checks. */
  if (tls_database != NULL)
    soup_session_set_tls_database (session, tls_database);
  return session;
}

static gboolean
http (Cycle       *cycle,
      const char  *method,
      const char  *url,
      const char  *if_match,
      GBytes      *body,
      Reply       *reply,
      GError     **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) local_error = NULL;
  SoupMessageHeaders *headers;

  reply_clear (reply);
  message = soup_message_new (method, url);
  if (message == NULL)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FAILED, _("Not a valid server address: %s"), url);
      return FALSE;
    }
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/fhir+json");
  if (cycle->token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", cycle->token);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (if_match)
    {
      g_autofree char *etag = g_strdup_printf ("W/\"%s\"", if_match);
      soup_message_headers_replace (headers, "If-Match", etag);
    }
  if (body)
    soup_message_set_request_body_from_bytes (message, "application/fhir+json", body);

  reply->body = soup_session_send_and_read (cycle->session, message, cycle->cancellable, &local_error);
  if (reply->body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (local_error->domain == G_TLS_ERROR)
        set_certificate_error (error, local_error);
      else
        g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_OFFLINE,
                     _("The practice server cannot be reached (%s). Your work is kept and will be sent later."),
                     local_error->message);
      return FALSE;
    }
  cycle->reached = TRUE;
  reply->status = soup_message_get_status (message);
  headers = soup_message_get_response_headers (message);
  reply->etag_version = version_from_etag (soup_message_headers_get_one (headers, "ETag"));
  reply->last_modified = g_strdup (soup_message_headers_get_one (headers, "Last-Modified"));
  reply->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  return TRUE;
}

/* Statuses that stop the whole cycle, with the queue kept. A 403 is not
 * one of them: it refuses one record (an edit is parked, a person's
 * record left), and the callers that need access to everything say so. */
static gboolean
check_transient (Cycle   *cycle,
                 Reply   *reply,
                 GError **error)
{
  if (reply->status == 401)
    {
      cycle->sign_in_needed = TRUE;
      g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN,
                           _("Sign in to the practice server again. Nothing has been lost."));
      return FALSE;
    }
  if (reply->status == 429)
    {
      guint64 seconds = 30;

      if (reply->retry_after)
        g_ascii_string_to_unsigned (reply->retry_after, 10, 0, 3600, &seconds, NULL);
      cycle->retry_after_ms = (guint) seconds * 1000;
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_RATE_LIMITED,
                   _("The practice server is busy; trying again in %u seconds"), (guint) seconds);
      return FALSE;
    }
  if (reply->status >= 500)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                   _("The practice server had a problem (%u); trying again later"), reply->status);
      return FALSE;
    }
  return TRUE;
}

/* A reply nested far deeper than any resource may be is refused before
 * json-glib recurses into it (a Bundle holds resources a few levels down). */
static gboolean
nesting_bounded (const char *data,
                 gsize       length)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if ((c == '{' || c == '[') && ++depth > KITH_FHIR_MAX_DEPTH + 8)
        return FALSE;
      else if (c == '}' || c == ']')
        depth--;
    }
  return TRUE;
}

static JsonObject *
parse_body (Reply   *reply,
            GError **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *data = reply->body ? g_bytes_get_data (reply->body, &length) : NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (data == NULL || length == 0 || !nesting_bounded (data, length) ||
      !json_parser_load_from_data (parser, data, length, &local_error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                   _("The practice server sent a reply that cannot be read%s%s"),
                   local_error ? ": " : "", local_error ? local_error->message : "");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static char *
outcome_text (Reply *reply)
{
  g_autoptr(JsonObject) outcome = parse_body (reply, NULL);
  JsonNode *issues = outcome ? json_object_get_member (outcome, "issue") : NULL;

  if (issues && JSON_NODE_HOLDS_ARRAY (issues) && json_array_get_length (json_node_get_array (issues)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (issues), 0);
      const char *text = JSON_NODE_HOLDS_OBJECT (first)
                         ? kith_fhir_get_string (json_node_get_object (first), "diagnostics") : NULL;

      if (text)
        return g_strdup (text);
    }
  return g_strdup_printf (_("refused by the server (%u)"), reply->status);
}

/* 403 where the cycle needs access to everything (the metadata, the
 * history): nothing can be synced, in the server's words. */
static gboolean
check_access (Reply   *reply,
              GError **error)
{
  g_autofree char *reason = NULL;

  if (reply->status != 403)
    return TRUE;
  reason = outcome_text (reply);
  g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FORBIDDEN,
               _("The practice server refused access (%s). Nothing has been lost."), reason);
  return FALSE;
}

/* --- capability --------------------------------------------------------------- */

static gboolean
read_capabilities (Cycle   *cycle,
                   GError **error)
{
  g_autofree char *url = g_strdup_printf ("%s/metadata", cycle->base_url);
  g_autoptr(JsonObject) statement = NULL;
  Reply reply = { 0 };
  JsonNode *rest;
  gboolean ok = FALSE;

  cycle->searchable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cycle->versioned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cycle->by_patient = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!http (cycle, "GET", url, NULL, NULL, &reply, error) || !check_transient (cycle, &reply, error) ||
      !check_access (&reply, error))
    goto out;
  if (reply.status != 200 || !(statement = parse_body (&reply, error)) ||
      g_strcmp0 (kith_fhir_get_string (statement, "resourceType"), "CapabilityStatement") != 0)
    {
      if (error && *error == NULL)
        g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                             _("The server did not describe itself as a FHIR server"));
      goto out;
    }

  rest = json_object_get_member (statement, "rest");
  for (guint r = 0; rest && JSON_NODE_HOLDS_ARRAY (rest) && r < json_array_get_length (json_node_get_array (rest)); r++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (rest), r);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *interactions = entry ? json_object_get_member (entry, "interaction") : NULL;
      JsonNode *resources = entry ? json_object_get_member (entry, "resource") : NULL;

      if (g_strcmp0 (kith_fhir_get_string (entry, "mode"), "server") != 0)
        continue;
      for (guint i = 0; interactions && JSON_NODE_HOLDS_ARRAY (interactions) &&
                        i < json_array_get_length (json_node_get_array (interactions)); i++)
        {
          JsonNode *n = json_array_get_element (json_node_get_array (interactions), i);

          const char *code = JSON_NODE_HOLDS_OBJECT (n) ? kith_fhir_get_string (json_node_get_object (n), "code") : NULL;

          if (g_strcmp0 (code, "history-system") == 0)
            cycle->system_history = TRUE;
          else if (g_strcmp0 (code, "transaction") == 0)
            cycle->transactions = TRUE;
        }
      for (guint i = 0; resources && JSON_NODE_HOLDS_ARRAY (resources) &&
                        i < json_array_get_length (json_node_get_array (resources)); i++)
        {
          JsonNode *n = json_array_get_element (json_node_get_array (resources), i);
          JsonObject *resource = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
          const char *type = kith_fhir_get_string (resource, "type");
          JsonNode *params = resource ? json_object_get_member (resource, "searchParam") : NULL;

          if (type == NULL)
            continue;
          if (g_strcmp0 (kith_fhir_get_string (resource, "versioning"), "versioned-update") == 0)
            g_hash_table_add (cycle->versioned, g_strdup (type));
          for (guint p = 0; params && JSON_NODE_HOLDS_ARRAY (params) &&
                            p < json_array_get_length (json_node_get_array (params)); p++)
            {
              JsonNode *pn = json_array_get_element (json_node_get_array (params), p);

              const char *name = JSON_NODE_HOLDS_OBJECT (pn)
                                 ? kith_fhir_get_string (json_node_get_object (pn), "name") : NULL;

              if (g_strcmp0 (name, "_lastUpdated") == 0)
                g_hash_table_add (cycle->searchable, g_strdup (type));
              else if (g_strcmp0 (name, "patient") == 0)
                g_hash_table_add (cycle->by_patient, g_strdup (type));
            }
        }
    }
  ok = TRUE;

out:
  reply_clear (&reply);
  return ok;
}

/* --- push ------------------------------------------------------------------ */

/* What the server should store: the resource without our bookkeeping. */
static GBytes *
body_for_server (JsonObject *resource)
{
  g_autoptr(JsonObject) copy = kith_fhir_copy_resource (resource);
  g_autofree char *text = NULL;

  if (json_object_has_member (copy, "meta"))
    json_object_remove_member (copy, "meta");
  text = kith_fhir_to_string (copy, FALSE);
  return g_bytes_new_take (g_steal_pointer (&text), strlen (text));
}

static gboolean
same_content (JsonObject *a,
              JsonObject *b)
{
  g_autoptr(JsonObject) x = NULL;
  g_autoptr(JsonObject) y = NULL;
  g_autoptr(JsonNode) nx = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) ny = json_node_new (JSON_NODE_OBJECT);

  if (a == NULL || b == NULL)
    return a == b;
  x = kith_fhir_copy_resource (a);
  y = kith_fhir_copy_resource (b);
  if (json_object_has_member (x, "meta"))
    json_object_remove_member (x, "meta");
  if (json_object_has_member (y, "meta"))
    json_object_remove_member (y, "meta");
  json_node_set_object (nx, x);
  json_node_set_object (ny, y);
  return json_node_equal (nx, ny);
}

static char *
outbox_base (KithStore  *store,
             const char *type,
             const char *id)
{
  sqlite3_stmt *stmt = kith_store_prepare (store, "SELECT base_server_version FROM outbox WHERE type = ?1 AND id = ?2", NULL);
  char *base = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    base = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return base;
}

static gboolean
set_outbox_state (KithStore   *store,
                  const char  *type,
                  const char  *id,
                  const char  *state,
                  const char  *outcome,
                  GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (store,
                                           "UPDATE outbox SET state = ?3, outcome = ?4, attempts = attempts + 1"
                                           " WHERE type = ?1 AND id = ?2",
                                           error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, state, -1, SQLITE_TRANSIENT);
  if (outcome)
    sqlite3_bind_text (stmt, 4, outcome, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 4);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      kith_store_set_error (store, sqlite3_errcode (kith_store_get_db (store)), error);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static char *
version_of (JsonObject *resource,
            Reply      *reply)
{
  const char *version = resource ? kith_fhir_get_version_id (resource) : NULL;

  return g_strdup (version ? version : reply->etag_version);
}

/* The server's current version of a resource: 1 with it, 0 gone, -1 error
 * (KITH_SYNC_ERROR_FORBIDDEN, with the server's reason, when it may not
 * be read). */
static int
fetch_remote (Cycle       *cycle,
              const char  *type,
              const char  *id,
              JsonObject **remote,
              char       **remote_version,
              GError     **error)
{
  g_autofree char *url = g_strdup_printf ("%s/%s/%s", cycle->base_url, type, id);
  Reply reply = { 0 };
  int result = -1;

  *remote = NULL;
  *remote_version = NULL;
  if (!http (cycle, "GET", url, NULL, NULL, &reply, error) || !check_transient (cycle, &reply, error))
    goto out;
  if (reply.status == 404 || reply.status == 410)
    {
      *remote_version = g_strdup (reply.etag_version);
      result = 0;
      goto out;
    }
  if (reply.status == 403)
    {
      g_autofree char *reason = outcome_text (&reply);

      g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FORBIDDEN, reason);
      goto out;
    }
  if (reply.status != 200 || !(*remote = parse_body (&reply, error)))
    {
      if (error && *error == NULL)
        g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER, _("Reading %s from the server failed (%u)"),
                     type, reply.status);
      goto out;
    }
  *remote_version = version_of (*remote, &reply);
  if (*remote_version && kith_fhir_get_version_id (*remote) == NULL)
    {
      g_autofree char *now = kith_fhir_now_instant ();
      kith_fhir_set_meta (*remote, *remote_version, now);
    }
  result = 1;

out:
  reply_clear (&reply);
  return result;
}

/* The server will never take this edit as it is: it waits, with the
 * server's reason, for a person to look at. */
static gboolean
park_rejected (Cycle       *cycle,
               const char  *type,
               const char  *id,
               const char  *reason,
               GError     **error)
{
  if (!set_outbox_state (cycle->store, type, id, "rejected", reason, error))
    return FALSE;
  g_ptr_array_add (cycle->report->rejected, g_strdup_printf ("%s/%s: %s", type, id, reason));
  return TRUE;
}

/* 412/409: someone changed it on the server. Fetch theirs, and either see
 * that it is ours already (a reply lost before), merge, or park. Returns
 * TRUE to try pushing again, FALSE when done (or on error). */
static gboolean
handle_stale (Cycle       *cycle,
              const char  *type,
              const char  *id,
              const char  *sent_version,
              JsonObject  *local,
              gboolean    *again,
              GError     **error)
{
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *remote_version = NULL;
  g_autofree char *base_version = outbox_base (cycle->store, type, id);
  g_autoptr(JsonObject) base = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_merge_conflict_free);
  g_autoptr(GError) fetch_error = NULL;
  int found;

  *again = FALSE;
  found = fetch_remote (cycle, type, id, &remote, &remote_version, &fetch_error);
  /* Changed on the server, and now out of this professional's reach. */
  if (found < 0 && g_error_matches (fetch_error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FORBIDDEN))
    return park_rejected (cycle, type, id, fetch_error->message, error);
  if (found < 0)
    {
      g_propagate_error (error, g_steal_pointer (&fetch_error));
      return FALSE;
    }
  /* Only part of it can be seen here (a stub, a volunteer's view): a
   * merge with that would drop what is not shown. */
  if (found == 1 && kith_consent_is_redacted (remote))
    return park_rejected (cycle, type, id,
                          _("it was changed on the server, and only part of that version can be seen here, "
                            "so the two cannot be merged"),
                          error);

  /* Ours already: the server applied it and the reply was lost. */
  if (found == 1 && local && same_content (remote, local))
    return kith_store_apply_pushed (cycle->store, type, id, sent_version, remote, remote_version, error);

  /* Keep theirs in history: it is the base of what we push next. */
  if (found == 1 && !kith_store_import_resource (cycle->store, remote, error))
    return FALSE;

  if (base_version)
    base = kith_store_read_version (cycle->store, type, id, base_version, NULL);
  if (found == 1 && local)
    merged = kith_merge_resources (base, local, remote, conflicts);

  if (merged != NULL && conflicts->len == 0)
    {
      g_autofree char *current = g_strdup (kith_fhir_get_version_id (local));

      if (!kith_store_save_resource (cycle->store, merged, current, error) ||
          !kith_store_rebase_outbox (cycle->store, type, id, remote_version, error))
        return FALSE;
      cycle->report->merged++;
      *again = TRUE;
      return TRUE;
    }

  /* Both changed the same thing (or one deleted what the other changed). */
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *outcome = NULL;
    g_autoptr(GString) paths = g_string_new (NULL);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "remote_version");
    json_builder_add_string_value (builder, remote_version ? remote_version : "");
    json_builder_set_member_name (builder, "remote_deleted");
    json_builder_add_boolean_value (builder, found == 0);
    json_builder_set_member_name (builder, "paths");
    json_builder_begin_array (builder);
    for (guint i = 0; i < conflicts->len; i++)
      {
        KithMergeConflict *conflict = conflicts->pdata[i];

        json_builder_add_string_value (builder, conflict->path);
        g_string_append_printf (paths, "%s%s", paths->len ? ", " : "", conflict->path);
      }
    if (found == 0)
      {
        json_builder_add_string_value (builder, "(deleted on the server)");
        g_string_append (paths, _("deleted on the server"));
      }
    json_builder_end_array (builder);
    json_builder_end_object (builder);
    root = json_builder_get_root (builder);
    outcome = json_to_string (root, FALSE);
    if (!set_outbox_state (cycle->store, type, id, "conflict", outcome, error))
      return FALSE;
    g_ptr_array_add (cycle->report->conflicts, g_strdup_printf ("%s/%s: %s", type, id, paths->str));
    return TRUE;
  }
}

static gboolean
push_one (Cycle       *cycle,
          const char  *type,
          const char  *id,
          GError     **error)
{
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autofree char *base = outbox_base (cycle->store, type, id);
      g_autoptr(GError) read_error = NULL;
      g_autoptr(JsonObject) local = kith_store_read_resource (cycle->store, type, id, &read_error);
      g_autofree char *url = g_strdup_printf ("%s/%s/%s", cycle->base_url, type, id);
      g_autofree char *sent_version = NULL;
      g_autoptr(GBytes) body = NULL;
      Reply reply = { 0 };
      gboolean deleting = local == NULL && g_error_matches (read_error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE);
      gboolean again = FALSE;
      gboolean ok;

      if (local == NULL && !deleting)
        {
          g_propagate_error (error, g_steal_pointer (&read_error));
          return FALSE;
        }
      if (!deleting && base && !g_hash_table_contains (cycle->versioned, type))
        {
          g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_UNSUPPORTED,
                       _("This server cannot take offline changes to %s safely (it has no versioned update), "
                         "so they are kept here and not sent"), type);
          return FALSE;
        }

      if (deleting)
        {
          g_autoptr(GPtrArray) history = kith_store_list_history (cycle->store, type, id, NULL);

          sent_version = history && history->len
                         ? g_strdup (kith_fhir_get_version_id (history->pdata[history->len - 1])) : NULL;
          ok = http (cycle, "DELETE", url, base, NULL, &reply, error);
        }
      else
        {
          sent_version = g_strdup (kith_fhir_get_version_id (local));
          body = body_for_server (local);
          ok = http (cycle, "PUT", url, base, body, &reply, error);
        }
      if (!ok || !check_transient (cycle, &reply, error))
        {
          reply_clear (&reply);
          return FALSE;
        }

      if (reply.status >= 200 && reply.status < 300)
        {
          g_autoptr(JsonObject) stored = NULL;
          g_autofree char *server_version = NULL;

          if (!deleting && !(stored = parse_body (&reply, error)))
            {
              reply_clear (&reply);
              return FALSE;
            }
          server_version = version_of (stored, &reply);
          reply_clear (&reply);
          if (server_version == NULL)
            {
              g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                                   _("The server did not say which version it stored"));
              return FALSE;
            }
          if (stored && kith_fhir_get_version_id (stored) == NULL)
            {
              g_autofree char *now = kith_fhir_now_instant ();
              kith_fhir_set_meta (stored, server_version, now);
            }
          if (!kith_store_apply_pushed (cycle->store, type, id, sent_version, stored, server_version, error))
            return FALSE;
          cycle->report->pushed++;
          return TRUE;
        }

      if (reply.status == 412 || reply.status == 409)
        {
          reply_clear (&reply);
          if (!handle_stale (cycle, type, id, sent_version, local, &again, error))
            return FALSE;
          if (!again)
            return TRUE;
          continue;
        }

      /* Any other 4xx, a 403 included (this professional may not change
       * that record): the server will never take it as it is. Park it,
       * with the server's reason, for a person to look at. */
      {
        g_autofree char *reason = outcome_text (&reply);

        reply_clear (&reply);
        return park_rejected (cycle, type, id, reason, error);
      }
    }
  return TRUE;
}

/* Entries per Bundle: well inside the server's request size limit. */
#define BATCH_MAX 50

typedef struct
{
  char       *type;
  char       *id;
  gint64      batch;
} Queued;

static void
queued_free (Queued *queued)
{
  g_free (queued->type);
  g_free (queued->id);
  g_free (queued);
}

/* Edits saved together (one local transaction, one outbox batch) go to
 * the server together, as one transaction Bundle, so another professional
 * never sees half of them. Returns FALSE with @error for a failure that
 * stops the cycle; sets *sent to FALSE when the server would not take the
 * Bundle as a whole (a stale version, a refusal), so that the caller sends
 * the edits one by one, where each is merged or parked on its own. */
static gboolean
push_batch (Cycle      *cycle,
            GPtrArray  *queue,
            guint       first,
            guint       count,
            gboolean   *sent,
            GError    **error)
{
  g_autoptr(GPtrArray) locals = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  JsonArray *entries;
  gsize length;
  Reply reply = { 0 };

  *sent = FALSE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "Bundle");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "transaction");
  json_builder_set_member_name (builder, "entry");
  json_builder_begin_array (builder);
  for (guint i = first; i < first + count; i++)
    {
      Queued *queued = queue->pdata[i];
      g_autofree char *base = outbox_base (cycle->store, queued->type, queued->id);
      g_autoptr(JsonObject) local = kith_store_read_resource (cycle->store, queued->type, queued->id, NULL);
      g_autofree char *url = g_strdup_printf ("%s/%s", queued->type, queued->id);
      /* fullUrl is absolute, as FHIR asks; request.url is relative. */
      g_autofree char *full_url = g_strdup_printf ("%s/%s", cycle->base_url, url);

      /* Deletions and anything unusual go one by one. */
      if (local == NULL || (base && !g_hash_table_contains (cycle->versioned, queued->type)))
        return TRUE;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "fullUrl");
      json_builder_add_string_value (builder, full_url);
      json_builder_set_member_name (builder, "resource");
      {
        g_autoptr(JsonObject) copy = kith_fhir_copy_resource (local);
        JsonNode *node = json_node_alloc ();

        if (json_object_has_member (copy, "meta"))
          json_object_remove_member (copy, "meta");
        json_builder_add_value (builder, json_node_init_object (node, copy));
      }
      json_builder_set_member_name (builder, "request");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, "PUT");
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
      if (base)
        {
          g_autofree char *etag = g_strdup_printf ("W/\"%s\"", base);

          json_builder_set_member_name (builder, "ifMatch");
          json_builder_add_string_value (builder, etag);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      g_ptr_array_add (versions, g_strdup (kith_fhir_get_version_id (local)));
      g_ptr_array_add (locals, g_steal_pointer (&local));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  length = strlen (text);
  body = g_bytes_new_take (g_steal_pointer (&text), length);

  if (!http (cycle, "POST", cycle->base_url, NULL, body, &reply, error) ||
      !check_transient (cycle, &reply, error))
    {
      reply_clear (&reply);
      return FALSE;
    }
  if (reply.status < 200 || reply.status >= 300)
    {
      /* 409/412 or a refusal: the edits go one by one instead. */
      reply_clear (&reply);
      return TRUE;
    }
  response = parse_body (&reply, error);
  reply_clear (&reply);
  if (response == NULL)
    return FALSE;
  entries = kith_fhir_get_array (response, "entry");
  if (g_strcmp0 (kith_fhir_get_string (response, "type"), "transaction-response") != 0 ||
      entries == NULL || json_array_get_length (entries) != count)
    {
      g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                           _("The practice server answered a batch of changes with something else"));
      return FALSE;
    }

  /* The server has all of them: so does this store, at once. */
  if (!kith_store_begin (cycle->store, error))
    return FALSE;
  for (guint i = 0; i < count; i++)
    {
      Queued *queued = queue->pdata[first + i];
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *answer = kith_fhir_get_object (entry, "response");
      JsonObject *returned = kith_fhir_get_object (entry, "resource");
      g_autofree char *server_version = version_from_etag (kith_fhir_get_string (answer, "etag"));
      const char *modified = kith_fhir_get_string (answer, "lastModified");
      g_autoptr(JsonObject) stored = NULL;

      if (server_version == NULL && returned)
        server_version = g_strdup (kith_fhir_get_version_id (returned));
      if (server_version == NULL)
        {
          kith_store_rollback (cycle->store);
          g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                               _("The server did not say which version it stored"));
          return FALSE;
        }
      /* What the server stored: as returned, or what we sent with its meta. */
      stored = kith_fhir_copy_resource (returned ? returned : locals->pdata[i]);
      if (returned == NULL || kith_fhir_get_version_id (stored) == NULL)
        {
          g_autofree char *now = kith_fhir_now_instant ();

          kith_fhir_set_meta (stored, server_version, modified ? modified : now);
        }
      if (!kith_store_apply_pushed (cycle->store, queued->type, queued->id, versions->pdata[i],
                                    stored, server_version, error))
        {
          kith_store_rollback (cycle->store);
          return FALSE;
        }
    }
  if (!kith_store_commit (cycle->store, error))
    return FALSE;
  cycle->report->pushed += count;
  *sent = TRUE;
  return TRUE;
}

static gboolean
push (Cycle   *cycle,
      GError **error)
{
  g_autoptr(GPtrArray) queue = g_ptr_array_new_with_free_func ((GDestroyNotify) queued_free);
  sqlite3_stmt *stmt = kith_store_prepare (cycle->store,
                                           "SELECT type, id, coalesce(batch, 0) FROM outbox"
                                           " WHERE state = 'pending' ORDER BY seq",
                                           error);
  guint i = 0;

  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Queued *queued = g_new0 (Queued, 1);

      queued->type = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      queued->id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      queued->batch = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (queue, queued);
    }
  sqlite3_reset (stmt);

  /* In order: an edit that refers to another goes after it. A run of
   * edits from one batch goes as one Bundle, where the server takes them. */
  while (i < queue->len)
    {
      Queued *queued = queue->pdata[i];
      guint run = 1;
      gboolean sent = FALSE;

      while (queued->batch != 0 && i + run < queue->len && run < BATCH_MAX &&
             ((Queued *) queue->pdata[i + run])->batch == queued->batch)
        run++;
      if (run > 1 && cycle->transactions && !push_batch (cycle, queue, i, run, &sent, error))
        return FALSE;
      if (!sent)
        {
          for (guint j = i; j < i + run; j++)
            {
              Queued *one = queue->pdata[j];

              if (!push_one (cycle, one->type, one->id, error))
                return FALSE;
            }
        }
      i += run;
    }
  return TRUE;
}

/* --- pull ------------------------------------------------------------------ */

typedef struct
{
  char       *type;
  char       *id;
  char       *version;
  char       *last_updated;
  JsonObject *resource;   /* NULL for a deletion */
} Pulled;

static void
pulled_free (Pulled *pulled)
{
  g_free (pulled->type);
  g_free (pulled->id);
  g_free (pulled->version);
  g_free (pulled->last_updated);
  g_clear_pointer (&pulled->resource, json_object_unref);
  g_free (pulled);
}

static char *
http_date_to_instant (const char *http_date)
{
  g_autoptr(GDateTime) when = http_date ? soup_date_time_new_from_http_string (http_date) : NULL;

  return when ? kith_fhir_format_instant (when) : NULL;
}

/* The nesting limit kith_fhir_parse_resource() applies, checked on a node
 * already parsed: a resource deeper than that could not be read back. */
static gboolean
nesting_within (JsonNode *node,
                int       depth)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      if (depth > KITH_FHIR_MAX_DEPTH)
        return FALSE;
      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        if (!nesting_within (member, depth + 1))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      if (depth > KITH_FHIR_MAX_DEPTH)
        return FALSE;
      for (guint i = 0; i < n; i++)
        if (!nesting_within (json_array_get_element (array, i), depth + 1))
          return FALSE;
    }
  return TRUE;
}

/* One Bundle entry as a version to apply, or NULL to skip it. */
static Pulled *
read_entry (JsonObject *entry)
{
  JsonNode *resource_node = json_object_get_member (entry, "resource");
  JsonNode *request_node = json_object_get_member (entry, "request");
  JsonNode *response_node = json_object_get_member (entry, "response");
  JsonObject *request = request_node && JSON_NODE_HOLDS_OBJECT (request_node) ? json_node_get_object (request_node) : NULL;
  JsonObject *response = response_node && JSON_NODE_HOLDS_OBJECT (response_node) ? json_node_get_object (response_node) : NULL;
  Pulled *pulled = g_new0 (Pulled, 1);

  if (resource_node && JSON_NODE_HOLDS_OBJECT (resource_node))
    {
      /* Checked like anything from outside (the type and id below), on
       * the page's own tree rather than by printing and parsing again. */
      if (!nesting_within (resource_node, 1))
        goto skip;
      pulled->resource = json_object_ref (json_node_get_object (resource_node));
      pulled->type = g_strdup (kith_fhir_get_string (pulled->resource, "resourceType"));
      pulled->id = g_strdup (kith_fhir_get_string (pulled->resource, "id"));
      pulled->version = g_strdup (kith_fhir_get_version_id (pulled->resource));
      pulled->last_updated = g_strdup (kith_fhir_get_last_updated (pulled->resource));
    }
  else if (g_strcmp0 (kith_fhir_get_string (request, "method"), "DELETE") == 0)
    {
      g_auto(GStrv) parts = g_strsplit (kith_fhir_get_string (request, "url") ?: "", "/", 4);

      if (g_strv_length (parts) < 2)
        goto skip;
      pulled->type = g_strdup (parts[0]);
      pulled->id = g_strdup (parts[1]);
    }
  else
    goto skip;

  if (pulled->version == NULL)
    pulled->version = version_from_etag (kith_fhir_get_string (response, "etag"));
  if (pulled->last_updated == NULL)
    pulled->last_updated = g_strdup (kith_fhir_get_string (response, "lastModified"));
  if (pulled->last_updated && strchr (pulled->last_updated, ',') != NULL)
    {
      char *instant = http_date_to_instant (pulled->last_updated);
      g_free (pulled->last_updated);
      pulled->last_updated = instant;
    }
  if (!kith_fhir_is_known_type (pulled->type) || !kith_fhir_is_valid_id (pulled->id) ||
      pulled->version == NULL || pulled->last_updated == NULL)
    goto skip;
  if (pulled->resource && kith_fhir_get_version_id (pulled->resource) == NULL)
    kith_fhir_set_meta (pulled->resource, pulled->version, pulled->last_updated);
  return pulled;

skip:
  pulled_free (pulled);
  return NULL;
}

static char *
next_link (JsonObject *bundle)
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

/* Pages are fetched and read on a thread of their own while the cycle's
 * thread writes the pages before them: the server takes longer to make a
 * page than the client takes to store it, so the two overlap. A few pages
 * wait at most, so a large pull never sits whole in memory. */
#define PAGES_AHEAD        4
#define PAGES_PER_COMMIT  16

typedef struct
{
  GPtrArray *versions;   /* Pulled, in the page's order */
} Page;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->versions, g_ptr_array_unref);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

typedef struct
{
  Cycle        *fetch;       /* the fetcher's own session and cancellable */
  char         *first_url;
  GMutex        lock;
  GCond         cond;
  GQueue        pages;
  gboolean      done;        /* the fetcher has finished, @error says how */
  gboolean      stop;        /* the reader gave up */
  GError       *error;
  char         *as_of;
} Fetcher;

static void
fetcher_finish (Fetcher *fetcher,
                GError  *error)
{
  g_mutex_lock (&fetcher->lock);
  fetcher->error = error;
  fetcher->done = TRUE;
  g_cond_broadcast (&fetcher->cond);
  g_mutex_unlock (&fetcher->lock);
}

/* One page of a history or a search: the Bundle at @url (resolved
 * against the server, and only on it), or NULL with @error. *@resolved
 * is the absolute address asked; *@status the server's answer (0 when
 * there was none). */
static JsonObject *
get_bundle (Cycle       *cycle,
            const char  *url,
            char       **resolved,
            guint       *status,
            GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(JsonObject) bundle = NULL;
  Reply reply = { 0 };

  /* Relative links are resolved against the server; others must stay on it. */
  uri = g_uri_parse_relative (cycle->base_uri, url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || !same_server (cycle, uri))
    {
      g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                           _("The server's next page points somewhere else; not followed"));
      return NULL;
    }
  *resolved = g_uri_to_string (uri);

  *status = 0;
  if (!http (cycle, "GET", *resolved, NULL, NULL, &reply, error))
    return NULL;
  *status = reply.status;
  if (!check_transient (cycle, &reply, error) ||
      !check_access (&reply, error))
    {
      reply_clear (&reply);
      return NULL;
    }
  if (reply.status >= 400)
    {
      g_autofree char *reason = outcome_text (&reply);

      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                   _("Reading changes from the server failed (%u: %s)"), reply.status, reason);
      reply_clear (&reply);
      return NULL;
    }
  if (reply.status != 200 || !(bundle = parse_body (&reply, error)) ||
      g_strcmp0 (kith_fhir_get_string (bundle, "resourceType"), "Bundle") != 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                     _("Reading changes from the server failed (%u)"), reply.status);
      reply_clear (&reply);
      return NULL;
    }
  reply_clear (&reply);
  return g_steal_pointer (&bundle);
}

/* The versions of a Bundle's entries, in its order; an OperationOutcome
 * (what a server left out) and anything else Kith does not hold are
 * skipped. */
static Page *
page_from_bundle (JsonObject *bundle)
{
  Page *page = g_new0 (Page, 1);
  JsonNode *entries = json_object_get_member (bundle, "entry");

  page->versions = g_ptr_array_new_with_free_func ((GDestroyNotify) pulled_free);
  for (guint i = 0; entries && JSON_NODE_HOLDS_ARRAY (entries) &&
                    i < json_array_get_length (json_node_get_array (entries)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (entries), i);
      Pulled *version = JSON_NODE_HOLDS_OBJECT (node) ? read_entry (json_node_get_object (node)) : NULL;

      if (version)
        g_ptr_array_add (page->versions, version);
    }
  return page;
}

/* Walks a Bundle and its next pages, handing each page's versions over. */
static gpointer
fetch_thread (gpointer data)
{
  Fetcher *fetcher = data;
  Cycle *cycle = fetcher->fetch;
  g_autofree char *url = g_strdup (fetcher->first_url);
  GError *error = NULL;

  cycle->session = new_session (cycle->timeout, cycle->tls_database);
  for (guint n = 0; url != NULL; n++)
    {
      g_autoptr(JsonObject) bundle = NULL;
      g_autofree char *resolved = NULL;
      guint status;
      Page *page;

      if (n >= MAX_PAGES)
        {
          g_set_error_literal (&error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                               _("The server's history did not end; stopped to be safe"));
          break;
        }
      if (!(bundle = get_bundle (cycle, url, &resolved, &status, &error)))
        break;

      if (n == 0)
        {
          JsonNode *meta = json_object_get_member (bundle, "meta");
          const char *taken = meta && JSON_NODE_HOLDS_OBJECT (meta)
                              ? kith_fhir_get_string (json_node_get_object (meta), "lastUpdated") : NULL;
          g_autoptr(GDateTime) when = taken ? g_date_time_new_from_iso8601 (taken, NULL) : NULL;

          fetcher->as_of = when ? g_strdup (taken) : NULL;
        }

      page = page_from_bundle (bundle);
      g_free (url);
      url = next_link (bundle);

      g_mutex_lock (&fetcher->lock);
      while (fetcher->pages.length >= PAGES_AHEAD && !fetcher->stop)
        g_cond_wait (&fetcher->cond, &fetcher->lock);
      if (fetcher->stop)
        {
          g_mutex_unlock (&fetcher->lock);
          page_free (page);
          break;
        }
      g_queue_push_tail (&fetcher->pages, page);
      g_cond_broadcast (&fetcher->cond);
      g_mutex_unlock (&fetcher->lock);
    }
  g_clear_object (&cycle->session);
  fetcher_finish (fetcher, error);
  return NULL;
}

/* The people whose record to fetch again wait in the store, so a cycle
 * cut short, or a cap reached, leaves them for the next one. */
static gboolean
queue_refetch (KithStore   *store,
               const char  *patient_id,
               GError     **error)
{
  g_autofree char *now = kith_fhir_now_instant ();
  sqlite3_stmt *stmt = kith_store_prepare (store,
                                           "INSERT OR IGNORE INTO refetch (patient_id, queued) VALUES (?1, ?2)",
                                           error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      kith_store_set_error (store, sqlite3_errcode (kith_store_get_db (store)), error);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* A new version of who cares for the person, or of what they share:
 * what this professional may see of them may have changed. A stub counts
 * too (a Consent may withhold itself): what it was cannot be told. */
static const char *
access_changed_for (JsonObject *resource)
{
  const char *type = kith_fhir_get_string (resource, "resourceType");

  if (g_strcmp0 (type, "CareTeam") != 0 &&
      !(g_strcmp0 (type, "Consent") == 0 &&
        (kith_consent_is_redacted (resource) || kith_consent_is_record_sharing (resource))))
    return NULL;
  return kith_fhir_resource_patient (resource);
}

/* Writes one pulled version, unless it is held already (a full copy
 * replaces a stub of the same version; a stub never hides anything). */
static gboolean
apply_version (Cycle   *cycle,
               Pulled  *version,
               GError **error)
{
  if (version->resource)
    {
      gboolean withheld = kith_consent_is_redacted (version->resource);
      const char *patient_id;

      if (!kith_store_wants_version (cycle->store, version->type, version->id, version->version, withheld))
        return TRUE;
      if (!kith_store_import_pulled (cycle->store, version->resource, error))
        return FALSE;
      /* Fetched again in this cycle, after the pull. */
      if (cycle->watch_access && (patient_id = access_changed_for (version->resource)) != NULL &&
          !queue_refetch (cycle->store, patient_id, error))
        return FALSE;
    }
  else
    {
      if (kith_store_has_version (cycle->store, version->type, version->id, version->version))
        return TRUE;
      if (!kith_store_apply_server_delete (cycle->store, version->type, version->id, version->version,
                                           version->last_updated, error))
        return FALSE;
    }
  cycle->report->pulled++;
  return TRUE;
}

/* Walks a Bundle and its next pages, storing each page as it comes. Pages
 * go in a few at a time, each run of them one transaction, so a pull cut
 * short keeps what it stored; the caller moves the pull's cursor only when
 * every page is in, so the next pull asks for the rest again. A version
 * becomes current only if it is newer than what the store holds, so pages
 * may come newest first.
 * @as_of: when the server took the first page (Bundle.meta.lastUpdated),
 * if it says; the next pull asks for changes since then.
 * @newest: the newest lastUpdated seen. */
static gboolean
walk_pages (Cycle       *cycle,
            const char  *first_url,
            char       **as_of,
            char       **newest,
            GError     **error)
{
  Fetcher fetcher = { 0 };
  GThread *thread;
  gboolean in_transaction = FALSE;
  guint pages_in_transaction = 0;
  gulong cancel_id = 0;
  GError *local_error = NULL;
  gboolean ok = TRUE;

  fetcher.fetch = g_new0 (Cycle, 1);
  fetcher.fetch->base_url = g_strdup (cycle->base_url);
  fetcher.fetch->base_uri = g_uri_ref (cycle->base_uri);
  fetcher.fetch->token = g_strdup (cycle->token);
  fetcher.fetch->timeout = cycle->timeout;
  fetcher.fetch->tls_database = cycle->tls_database ? g_object_ref (cycle->tls_database) : NULL;
  fetcher.fetch->cancellable = g_cancellable_new ();
  fetcher.first_url = g_strdup (first_url);
  g_mutex_init (&fetcher.lock);
  g_cond_init (&fetcher.cond);
  g_queue_init (&fetcher.pages);
  if (cycle->cancellable)
    cancel_id = g_cancellable_connect (cycle->cancellable, G_CALLBACK (g_cancellable_cancel),
                                       fetcher.fetch->cancellable, NULL);

  thread = g_thread_new ("kith-sync-fetch", fetch_thread, &fetcher);
  for (;;)
    {
      g_autoptr(Page) page = NULL;

      g_mutex_lock (&fetcher.lock);
      if (fetcher.pages.length == 0 && !fetcher.done && in_transaction)
        {
          /* Nothing to store until the next page comes: commit meanwhile. */
          g_mutex_unlock (&fetcher.lock);
          in_transaction = FALSE;
          pages_in_transaction = 0;
          if (!kith_store_commit (cycle->store, &local_error))
            {
              ok = FALSE;
              break;
            }
          g_mutex_lock (&fetcher.lock);
        }
      while (fetcher.pages.length == 0 && !fetcher.done)
        g_cond_wait (&fetcher.cond, &fetcher.lock);
      page = g_queue_pop_head (&fetcher.pages);
      g_cond_broadcast (&fetcher.cond);
      g_mutex_unlock (&fetcher.lock);
      if (page == NULL)
        break;

      if (!in_transaction)
        {
          if (!kith_store_begin (cycle->store, &local_error))
            {
              ok = FALSE;
              break;
            }
          in_transaction = TRUE;
        }
      for (guint i = 0; i < page->versions->len; i++)
        {
          Pulled *version = page->versions->pdata[i];

          if (*newest == NULL || strcmp (version->last_updated, *newest) > 0)
            {
              g_free (*newest);
              *newest = g_strdup (version->last_updated);
            }
          if (!apply_version (cycle, version, &local_error))
            {
              ok = FALSE;
              break;
            }
        }
      if (!ok)
        break;
      if (++pages_in_transaction >= PAGES_PER_COMMIT)
        {
          in_transaction = FALSE;
          pages_in_transaction = 0;
          if (!kith_store_commit (cycle->store, &local_error))
            {
              ok = FALSE;
              break;
            }
        }
    }

  /* Stop the fetcher and wait for it, whatever happened here. */
  g_mutex_lock (&fetcher.lock);
  fetcher.stop = TRUE;
  g_cond_broadcast (&fetcher.cond);
  g_mutex_unlock (&fetcher.lock);
  if (!ok)
    g_cancellable_cancel (fetcher.fetch->cancellable);
  g_thread_join (thread);
  if (cancel_id)
    g_cancellable_disconnect (cycle->cancellable, cancel_id);

  if (in_transaction)
    {
      /* What went in stays: the cursor has not moved, and the next pull
       * skips the versions held. A failed write undoes only its run. */
      if (!ok)
        kith_store_rollback (cycle->store);
      else if (!kith_store_commit (cycle->store, &local_error))
        ok = FALSE;
    }
  if (ok && fetcher.error)
    {
      ok = FALSE;
      local_error = g_steal_pointer (&fetcher.error);
    }
  /* What the fetcher learned of the server counts for the cycle. */
  cycle->reached = cycle->reached || fetcher.fetch->reached;
  cycle->sign_in_needed = cycle->sign_in_needed || fetcher.fetch->sign_in_needed;
  if (fetcher.fetch->retry_after_ms)
    cycle->retry_after_ms = fetcher.fetch->retry_after_ms;
  if (ok)
    {
      g_free (*as_of);
      *as_of = g_steal_pointer (&fetcher.as_of);
    }

  g_clear_error (&fetcher.error);
  g_queue_clear_full (&fetcher.pages, (GDestroyNotify) page_free);
  g_mutex_clear (&fetcher.lock);
  g_cond_clear (&fetcher.cond);
  g_free (fetcher.first_url);
  g_free (fetcher.as_of);
  cycle_free (fetcher.fetch);
  if (!ok)
    g_propagate_error (error, local_error);
  return ok;
}

static char *
since_with_overlap (const char *cursor)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) earlier = NULL;

  if (cursor == NULL)
    return NULL;
  when = g_date_time_new_from_iso8601 (cursor, NULL);
  if (when == NULL)
    return NULL;
  /* Servers with coarse clocks, and writes landing in the same instant:
   * ask again for a little before the last change seen; duplicates are
   * skipped by version. */
  earlier = g_date_time_add_seconds (when, -PULL_OVERLAP_S);
  return kith_fhir_format_instant (earlier);
}

static gboolean
pull_pages (Cycle   *cycle,
            GError **error)
{
  g_autofree char *cursor = NULL;
  g_autofree char *since = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *as_of = NULL;
  g_autofree char *newest = NULL;

  kith_store_get_setting (cycle->store, "pull-since", &cursor);
  since = since_with_overlap (cursor);
  /* A first pull brings all this professional may see now: only later
   * changes of care team or Consent open more of a record. */
  cycle->watch_access = cursor != NULL;
  escaped = since ? g_uri_escape_string (since, NULL, TRUE) : NULL;

  if (cycle->system_history)
    {
      g_autofree char *url = escaped
        ? g_strdup_printf ("%s/_history?_since=%s&_count=%d", cycle->base_url, escaped, PAGE_SIZE)
        : g_strdup_printf ("%s/_history?_count=%d", cycle->base_url, PAGE_SIZE);

      if (!walk_pages (cycle, url, &as_of, &newest, error))
        return FALSE;
    }
  else
    {
      /* No system history: each type Kith holds, searched by update time.
       * (Such servers must retire records by status, not by deleting.) */
      GHashTableIter iter;
      gpointer type;
      gboolean first_type = TRUE;

      g_hash_table_iter_init (&iter, cycle->searchable);
      while (g_hash_table_iter_next (&iter, &type, NULL))
        {
          g_autofree char *url = NULL;
          g_autofree char *type_as_of = NULL;

          if (!kith_fhir_is_known_type (type))
            continue;
          url = escaped
            ? g_strdup_printf ("%s/%s?_lastUpdated=ge%s&_sort=_lastUpdated&_count=%d", cycle->base_url,
                               (char *) type, escaped, PAGE_SIZE)
            : g_strdup_printf ("%s/%s?_sort=_lastUpdated&_count=%d", cycle->base_url, (char *) type, PAGE_SIZE);
          if (!walk_pages (cycle, url, &type_as_of, &newest, error))
            return FALSE;
          /* The earliest of the types' moments, and only if all say. */
          if (first_type)
            as_of = g_steal_pointer (&type_as_of);
          else if (as_of && (type_as_of == NULL || strcmp (type_as_of, as_of) < 0))
            {
              g_free (as_of);
              as_of = g_steal_pointer (&type_as_of);
            }
          first_type = FALSE;
        }
    }

  /* Next time, changes since the server's moment of this pull where it
   * said (versions written in one instant, a bulk import, would otherwise
   * be asked for again and again); else since the newest change seen. */
  if (as_of != NULL)
    {
      g_free (newest);
      newest = g_steal_pointer (&as_of);
    }
  if (newest && (cursor == NULL || strcmp (newest, cursor) > 0))
    return kith_store_set_setting (cycle->store, "pull-since", newest, error);
  return TRUE;
}

/* --- fetching a person's record again ------------------------------------- */

/* One search about one person, page by page, each page one transaction.
 * KITH_SYNC_ERROR_FORBIDDEN when the server refuses the person; *@status
 * is the server's answer to the last page asked. */
static gboolean
walk_search (Cycle       *cycle,
             const char  *first_url,
             guint       *status,
             GError     **error)
{
  g_autofree char *url = g_strdup (first_url);

  for (guint n = 0; url != NULL; n++)
    {
      g_autoptr(JsonObject) bundle = NULL;
      g_autofree char *resolved = NULL;
      g_autoptr(Page) page = NULL;

      if (n >= MAX_PAGES)
        {
          g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                               _("The server's search did not end; stopped to be safe"));
          return FALSE;
        }
      if (!(bundle = get_bundle (cycle, url, &resolved, status, error)))
        return FALSE;
      page = page_from_bundle (bundle);
      g_free (url);
      url = next_link (bundle);

      if (!kith_store_begin (cycle->store, error))
        return FALSE;
      for (guint i = 0; i < page->versions->len; i++)
        if (!apply_version (cycle, page->versions->pdata[i], error))
          {
            kith_store_rollback (cycle->store);
            return FALSE;
          }
      if (!kith_store_commit (cycle->store, error))
        return FALSE;
    }
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Every type Kith holds that the server searches by person. */
static gboolean
refetch_person (Cycle       *cycle,
                const char  *patient_id,
                GError     **error)
{
  g_autoptr(GPtrArray) types = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer type;

  /* AuditEvents are the server's trail of who looked, not the record. */
  g_hash_table_iter_init (&iter, cycle->by_patient);
  while (g_hash_table_iter_next (&iter, &type, NULL))
    if (kith_fhir_is_known_type (type) && strcmp (type, "AuditEvent") != 0)
      g_ptr_array_add (types, type);
  /* In a fixed order, so that a person's record comes in the same way. */
  g_ptr_array_sort (types, compare_strings);

  for (guint i = 0; i < types->len; i++)
    {
      g_autofree char *url = g_strdup_printf ("%s/%s?patient=%s&_count=%d", cycle->base_url,
                                              (const char *) types->pdata[i], patient_id, PAGE_SIZE);
      g_autoptr(GError) local_error = NULL;
      guint status = 0;

      if (walk_search (cycle, url, &status, &local_error))
        continue;
      /* A search this server will never answer (4xx) is passed over:
       * the person would otherwise stop every cycle from now on. */
      if (status >= 400 && status < 500 && status != 403 &&
          !g_error_matches (local_error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_RATE_LIMITED) &&
          !g_error_matches (local_error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN))
        {
          g_debug ("Not fetched again by person: %s (%u)", (const char *) types->pdata[i], status);
          continue;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
unqueue_refetch (KithStore   *store,
                 const char  *patient_id,
                 GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (store, "DELETE FROM refetch WHERE patient_id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      kith_store_set_error (store, sqlite3_errcode (kith_store_get_db (store)), error);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* The history moves on past what this professional could not see then:
 * the records of the people waiting in the refetch table, the oldest
 * first and a few a cycle, are fetched again whole. Versions held are
 * skipped and stubs replaced; a person the server refuses (no longer in
 * reach, break-glass over) is not asked for again. */
static gboolean
refetch_people (Cycle   *cycle,
                GError **error)
{
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = kith_store_prepare (cycle->store,
                                           "SELECT patient_id FROM refetch ORDER BY queued, patient_id LIMIT ?1",
                                           error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, REFETCH_PER_CYCLE);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (people, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);

  /* A record fetched again is not a change of access in itself. */
  cycle->watch_access = FALSE;
  for (guint i = 0; i < people->len; i++)
    {
      const char *patient_id = people->pdata[i];
      g_autoptr(GError) local_error = NULL;

      if (!kith_fhir_is_valid_id (patient_id))
        ;  /* not a person's id: nothing to ask */
      else if (!refetch_person (cycle, patient_id, &local_error))
        {
          if (!g_error_matches (local_error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FORBIDDEN))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_debug ("A record to fetch again is out of reach; not asked for again");
        }
      else
        cycle->report->refetched++;
      if (!unqueue_refetch (cycle->store, patient_id, error))
        return FALSE;
    }
  return TRUE;
}

/* The people the app asked for go into the store before the network is
 * tried, so that they wait there whatever happens to this cycle. */
static gboolean
save_refetch_requests (Cycle   *cycle,
                       GError **error)
{
  if (cycle->refetch == NULL || cycle->refetch->len == 0)
    {
      cycle->refetch_saved = TRUE;
      return TRUE;
    }
  if (!kith_store_begin (cycle->store, error))
    return FALSE;
  for (guint i = 0; i < cycle->refetch->len; i++)
    if (!queue_refetch (cycle->store, cycle->refetch->pdata[i], error))
      {
        kith_store_rollback (cycle->store);
        return FALSE;
      }
  if (!kith_store_commit (cycle->store, error))
    return FALSE;
  cycle->refetch_saved = TRUE;
  return TRUE;
}

/* A pull writes many people: their caseload columns are recomputed once,
 * at the end, even when it fails half way (what it stored is kept). */
static gboolean
pull (Cycle   *cycle,
      GError **error)
{
  g_autoptr(GError) index_error = NULL;
  gboolean ok;

  kith_store_set_defer_links (cycle->store, TRUE);
  ok = pull_pages (cycle, error) && refetch_people (cycle, error);
  kith_store_set_defer_links (cycle->store, FALSE);
  if (!kith_store_index_pending_links (cycle->store, &index_error))
    {
      /* They stay pending, and are indexed when the store next opens. */
      if (ok)
        {
          g_propagate_error (error, g_steal_pointer (&index_error));
          return FALSE;
        }
      g_debug ("The caseload columns wait for the next opening: %s", index_error->message);
    }
  return ok;
}

/* --- a cycle ------------------------------------------------------------------ */

static gint64
count_where (KithStore  *store,
             const char *sql)
{
  sqlite3_stmt *stmt = kith_store_prepare (store, sql, NULL);
  gint64 n = 0;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  if (stmt)
    sqlite3_reset (stmt);
  return n;
}

static void
count_queue (Cycle *cycle)
{
  cycle->pending = count_where (cycle->store, "SELECT count(*) FROM outbox");
  cycle->conflicts = (guint) count_where (cycle->store, "SELECT count(*) FROM outbox WHERE state = 'conflict'");
  cycle->report->pending = cycle->pending;
}

static gboolean send_access_reports (Cycle   *cycle,
                                     GError **error);

static gboolean
run_cycle (Cycle   *cycle,
           GError **error)
{
  gboolean ok;

  if (cycle->store_path == NULL)
    {
      g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FAILED,
                           _("This connection to the server has no record store to sync"));
      return FALSE;
    }
  if (!(cycle->store = kith_store_open (cycle->store_path, error)))
    return FALSE;
  /* A first pull writes the whole practice: a larger page cache than
   * sqlite's 2 MB keeps its indexes out of the disk's way. */
  sqlite3_exec (kith_store_get_db (cycle->store), "PRAGMA cache_size = -65536", NULL, NULL, NULL);
  cycle->base_uri = g_uri_parse (cycle->base_url, G_URI_FLAGS_ENCODED, error);
  if (cycle->base_uri == NULL)
    return FALSE;
  if (cycle->token != NULL && !check_private_channel (cycle->base_uri, error))
    return FALSE;
  if (!save_refetch_requests (cycle, error))
    return FALSE;
  cycle->session = new_session (cycle->timeout, cycle->tls_database);

  ok = read_capabilities (cycle, error) && push (cycle, error) && send_access_reports (cycle, error) &&
       pull (cycle, error);
  count_queue (cycle);
  return ok;
}

/* --- prints and exports, told to the server --------------------------------------- */

#define ACCESS_REPORTS_KEY "access-reports"
#define AUDIT_SUBTYPE_SYSTEM KITH_FHIR_BASE "/CodeSystem/audit-subtype"

gboolean
kith_sync_queue_access_report (KithStore   *store,
                               const char  *patient_id,
                               const char  *what,
                               GError     **error)
{
  g_autofree char *held = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *now = kith_fhir_now_instant ();
  g_autofree char *text = NULL;
  JsonArray *reports;
  JsonObject *report;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (kith_fhir_is_valid_id (patient_id), FALSE);
  g_return_val_if_fail (g_strcmp0 (what, "print") == 0 || g_strcmp0 (what, "export") == 0, FALSE);

  /* A store that never syncs has no server to tell. */
  if (!kith_store_get_sync_enabled (store))
    return TRUE;
  kith_store_get_setting (store, ACCESS_REPORTS_KEY, &held);
  if (held == NULL || !(root = json_from_string (held, NULL)) || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_clear_pointer (&root, json_node_unref);
      root = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (root, json_array_new ());
    }
  reports = json_node_get_array (root);
  report = json_object_new ();
  json_object_set_string_member (report, "patient", patient_id);
  json_object_set_string_member (report, "what", what);
  json_object_set_string_member (report, "when", now);
  json_array_add_object_element (reports, report);
  text = json_to_string (root, FALSE);
  return kith_store_set_setting (store, ACCESS_REPORTS_KEY, text, error);
}

static GBytes *
access_report_body (JsonObject *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *reference = g_strdup_printf ("Patient/%s", kith_fhir_get_string (report, "patient"));
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "AuditEvent");
  json_builder_set_member_name (builder, "subtype");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "system");
  json_builder_add_string_value (builder, AUDIT_SUBTYPE_SYSTEM);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, kith_fhir_get_string (report, "what"));
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "recorded");
  json_builder_add_string_value (builder, kith_fhir_get_string (report, "when"));
  json_builder_set_member_name (builder, "entity");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "what");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, reference);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* Sends what was printed or exported since the last cycle. What the
 * server takes, or refuses for good, leaves the queue; the rest waits. */
static gboolean
send_access_reports (Cycle   *cycle,
                     GError **error)
{
  g_autofree char *held = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonArray) left = json_array_new ();
  g_autofree char *url = g_strdup_printf ("%s/AuditEvent", cycle->base_url);
  g_autoptr(JsonNode) left_node = NULL;
  g_autofree char *text = NULL;
  gboolean ok = TRUE;
  JsonArray *reports;

  kith_store_get_setting (cycle->store, ACCESS_REPORTS_KEY, &held);
  if (held == NULL || !(root = json_from_string (held, NULL)) || !JSON_NODE_HOLDS_ARRAY (root))
    return TRUE;
  reports = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (reports); i++)
    {
      JsonNode *node = json_array_get_element (reports, i);
      g_autoptr(GBytes) body = NULL;
      Reply reply = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !kith_fhir_is_valid_id (kith_fhir_get_string (json_node_get_object (node), "patient")))
        continue;
      if (!ok)
        {
          json_array_add_element (left, json_node_copy (node));
          continue;
        }
      body = access_report_body (json_node_get_object (node));
      if (!http (cycle, "POST", url, NULL, body, &reply, error) || !check_transient (cycle, &reply, error))
        {
          ok = FALSE;
          json_array_add_element (left, json_node_copy (node));
        }
      else if (reply.status >= 400)
        g_debug ("The server did not record a print or export (%u)", reply.status);
      reply_clear (&reply);
    }
  left_node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (left_node, left);
  text = json_to_string (left_node, FALSE);
  if (!kith_store_set_setting (cycle->store, ACCESS_REPORTS_KEY, text, ok ? error : NULL))
    return FALSE;
  return ok;
}

static Cycle *
cycle_new (KithSyncClient *self,
           GCancellable   *cancellable)
{
  Cycle *cycle = g_new0 (Cycle, 1);

  cycle->store_path = g_strdup (self->store_path);
  /* No trailing slash, so "base/Type/id" is right. */
  cycle->base_url = g_strdup (self->base_url);
  while (g_str_has_suffix (cycle->base_url, "/"))
    cycle->base_url[strlen (cycle->base_url) - 1] = '\0';
  cycle->token = g_strdup (self->token);
  cycle->timeout = self->timeout;
  cycle->tls_database = self->tls_database ? g_object_ref (self->tls_database) : NULL;
  cycle->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  cycle->report = g_new0 (KithSyncReport, 1);
  cycle->report->conflicts = g_ptr_array_new_with_free_func (g_free);
  cycle->report->rejected = g_ptr_array_new_with_free_func (g_free);
  /* The app's requests go with the cycle; finish_cycle() takes them back
   * if it could not keep them in the store. */
  cycle->refetch = g_steal_pointer (&self->refetch);
  return cycle;
}

static void
set_string (char       **field,
            const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

/* Back on the owner's side: the properties follow what the cycle found. */
static void
finish_cycle (KithSyncClient *self,
              Cycle          *cycle,
              const GError   *error)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (!cycle->refetch_saved && cycle->refetch != NULL)
    for (guint i = 0; i < cycle->refetch->len; i++)
      kith_sync_client_refetch_person (self, cycle->refetch->pdata[i]);

  self->syncing = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
  if (self->online != cycle->reached)
    {
      self->online = cycle->reached;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
    }
  if (cycle->store)
    {
      self->pending = cycle->pending;
      self->conflicts = cycle->conflicts;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICTS]);
    }
  if (self->sign_in_needed != cycle->sign_in_needed)
    {
      self->sign_in_needed = cycle->sign_in_needed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_NEEDED]);
    }

  self->retry_after_ms = cycle->retry_after_ms;
  if (error == NULL)
    {
      g_autofree char *now = kith_fhir_now_instant ();

      self->failures = 0;
      set_string (&self->last_success, now);
      set_string (&self->last_error, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
    }
  else
    {
      self->failures = MIN (self->failures + 1, 20);
      set_string (&self->last_error, error->message);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Cycle *cycle = task_data;
  GError *error = NULL;

  if (run_cycle (cycle, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
refuse_offline (KithSyncClient  *self,
                GError         **error)
{
  if (self->work_offline)
    {
      g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_OFFLINE,
                           _("Working offline: changes are kept here until you go online"));
      return TRUE;
    }
  return FALSE;
}

void
kith_sync_client_sync_async (KithSyncClient      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (KITH_IS_SYNC_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kith_sync_client_sync_async);
  if (refuse_offline (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->syncing)
    {
      g_task_return_new_error (task, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FAILED, _("Already syncing"));
      return;
    }
  self->syncing = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
  g_task_set_task_data (task, cycle_new (self, cancellable), (GDestroyNotify) cycle_free);
  g_task_run_in_thread (task, sync_thread);
}

KithSyncReport *
kith_sync_client_sync_finish (KithSyncClient  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  GTask *task = G_TASK (result);
  Cycle *cycle = g_task_get_task_data (task);
  g_autoptr(GError) local_error = NULL;
  KithSyncReport *report;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (cycle == NULL)   /* refused before starting */
    {
      g_task_propagate_boolean (task, error);
      return NULL;
    }
  g_task_propagate_boolean (task, &local_error);
  finish_cycle (self, cycle, local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  report = g_steal_pointer (&cycle->report);
  return report;
}

KithSyncReport *
kith_sync_client_sync (KithSyncClient  *self,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(Cycle) cycle = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), NULL);

  if (refuse_offline (self, error))
    return NULL;
  cycle = cycle_new (self, cancellable);
  self->syncing = TRUE;
  run_cycle (cycle, &local_error);
  finish_cycle (self, cycle, local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&cycle->report);
}

/* --- the object --------------------------------------------------------------- */

static void
kith_sync_client_finalize (GObject *object)
{
  KithSyncClient *self = (KithSyncClient *) object;

  g_free (self->store_path);
  g_free (self->base_url);
  if (self->token != NULL)
    explicit_bzero (self->token, strlen (self->token));
  g_free (self->token);
  g_clear_object (&self->tls_database);
  g_free (self->last_success);
  g_free (self->last_error);
  g_clear_pointer (&self->refetch, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_sync_client_parent_class)->finalize (object);
}

static void
kith_sync_client_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KithSyncClient *self = KITH_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ONLINE:         g_value_set_boolean (value, self->online); break;
    case PROP_SYNCING:        g_value_set_boolean (value, self->syncing); break;
    case PROP_PENDING_COUNT:  g_value_set_int64 (value, self->pending); break;
    case PROP_CONFLICTS:      g_value_set_uint (value, self->conflicts); break;
    case PROP_LAST_SUCCESS:   g_value_set_string (value, self->last_success); break;
    case PROP_LAST_ERROR:     g_value_set_string (value, self->last_error); break;
    case PROP_SIGN_IN_NEEDED: g_value_set_boolean (value, self->sign_in_needed); break;
    case PROP_WORK_OFFLINE:   g_value_set_boolean (value, self->work_offline); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_sync_client_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_WORK_OFFLINE:
      kith_sync_client_set_work_offline (KITH_SYNC_CLIENT (object), g_value_get_boolean (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_sync_client_class_init (KithSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = kith_sync_client_finalize;
  object_class->get_property = kith_sync_client_get_property;
  object_class->set_property = kith_sync_client_set_property;

  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE, ro);
  properties[PROP_SYNCING] = g_param_spec_boolean ("syncing", NULL, NULL, FALSE, ro);
  properties[PROP_PENDING_COUNT] = g_param_spec_int64 ("pending-count", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_CONFLICTS] = g_param_spec_uint ("conflicts", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_LAST_SUCCESS] = g_param_spec_string ("last-success", NULL, NULL, NULL, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_SIGN_IN_NEEDED] = g_param_spec_boolean ("sign-in-needed", NULL, NULL, FALSE, ro);
  properties[PROP_WORK_OFFLINE] =
    g_param_spec_boolean ("work-offline", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kith_sync_client_init (KithSyncClient *self)
{
  self->timeout = 15;
}

KithSyncClient *
kith_sync_client_new (const char *store_path,
                      const char *base_url)
{
  KithSyncClient *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (KITH_TYPE_SYNC_CLIENT, NULL);
  self->store_path = g_strdup (store_path);
  self->base_url = g_strdup (base_url);
  kith_sync_client_refresh (self);
  return self;
}

const char *
kith_sync_client_get_base_url (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), NULL);
  return self->base_url;
}

void
kith_sync_client_set_token (KithSyncClient *self,
                            const char     *bearer_token)
{
  g_return_if_fail (KITH_IS_SYNC_CLIENT (self));
  if (self->token != NULL)
    explicit_bzero (self->token, strlen (self->token));
  set_string (&self->token, bearer_token);
  if (self->sign_in_needed && bearer_token)
    {
      self->sign_in_needed = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_NEEDED]);
    }
}

char *
kith_sync_client_dup_token (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), NULL);
  return g_strdup (self->token);
}

gboolean
kith_sync_client_set_ca_file (KithSyncClient  *self,
                              const char      *path,
                              GError         **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  GList *certificates;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (path == NULL)
    {
      g_clear_object (&self->tls_database);
      return TRUE;
    }

  /* A file without a single certificate would trust nothing, silently. */
  certificates = g_tls_certificate_list_new_from_file (path, &local_error);
  if (certificates == NULL)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_CERTIFICATE,
                   _("“%s” holds no CA certificate: %s"), path,
                   local_error != NULL ? local_error->message : _("the file is empty"));
      return FALSE;
    }
  g_list_free_full (certificates, g_object_unref);

  database = g_tls_file_database_new (path, &local_error);
  if (database == NULL)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_CERTIFICATE,
                   _("The CA file “%s” cannot be used: %s"), path, local_error->message);
      return FALSE;
    }
  g_set_object (&self->tls_database, database);
  return TRUE;
}

/* --- signing in ----------------------------------------------------------------- */

typedef struct
{
  char         *base_url;
  char         *username;
  char         *password;       /* wiped when freed */
  GTlsDatabase *tls_database;
  guint         timeout;
} SignIn;

static void
wipe_free (gpointer data)
{
  char *text = data;

  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_free (text);
}

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->base_url);
  g_free (sign_in->username);
  wipe_free (sign_in->password);
  g_clear_object (&sign_in->tls_database);
  g_free (sign_in);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignIn, sign_in_free)

static SignIn *
sign_in_new (KithSyncClient *self,
             const char     *username,
             const char     *password)
{
  SignIn *sign_in = g_new0 (SignIn, 1);

  sign_in->base_url = g_strdup (self->base_url);
  sign_in->username = g_strdup (username);
  sign_in->password = g_strdup (password);
  sign_in->tls_database = self->tls_database ? g_object_ref (self->tls_database) : NULL;
  sign_in->timeout = self->timeout;
  return sign_in;
}

/* The server's token endpoint: /auth/token beside the FHIR base, so
 * https://kith.example/fhir signs in at https://kith.example/auth/token. */
static GUri *
token_uri (const char  *base_url,
           GError     **error)
{
  g_autofree char *directory = g_str_has_suffix (base_url, "/") ? g_strdup (base_url)
                                                                 : g_strconcat (base_url, "/", NULL);
  g_autoptr(GUri) base = g_uri_parse (directory, G_URI_FLAGS_ENCODED, NULL);

  if (base == NULL || g_uri_get_host (base) == NULL)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FAILED,
                   _("Not a valid server address: %s"), base_url);
      return NULL;
    }
  return g_uri_parse_relative (base, "../auth/token", G_URI_FLAGS_ENCODED, error);
}

/* Whether a token is something to send back in a header. */
static gboolean
is_token_text (const char *token)
{
  gsize length = token != NULL ? strlen (token) : 0;

  if (length < 16 || length > 1024)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (token[i]) && strchr ("-._~+/=", token[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* POST /auth/token; the token (wipe it after use), or NULL with @error. */
static char *
request_token (SignIn        *sign_in,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) form = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  char *encoded;
  const char *token;
  JsonNode *root;
  guint status;

  if (!(uri = token_uri (sign_in->base_url, error)) || !check_private_channel (uri, error))
    return NULL;

  session = new_session (sign_in->timeout, sign_in->tls_database);
  message = soup_message_new_from_uri ("POST", uri);
  encoded = soup_form_encode ("username", sign_in->username, "password", sign_in->password, NULL);
  form = g_bytes_new_with_free_func (encoded, strlen (encoded), wipe_free, encoded);
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", form);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/json");

  body = soup_session_send_and_read (session, message, cancellable, &local_error);
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (local_error->domain == G_TLS_ERROR)
        set_certificate_error (error, local_error);
      else
        g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_OFFLINE,
                     _("The practice server cannot be reached (%s)"), local_error->message);
      return NULL;
    }

  status = soup_message_get_status (message);
  if (status == 401)
    {
      g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN,
                           _("The user name or password is not right"));
      return NULL;
    }
  if (status == 429)
    {
      const char *retry_after = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                              "Retry-After");
      guint64 seconds = 15 * 60;

      if (retry_after != NULL)
        g_ascii_string_to_unsigned (retry_after, 10, 1, 24 * 3600, &seconds, NULL);
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_RATE_LIMITED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Too many attempts to sign in: try again in %u minute",
                                "Too many attempts to sign in: try again in %u minutes",
                                (gulong) ((seconds + 59) / 60)),
                   (guint) ((seconds + 59) / 60));
      return NULL;
    }
  if (status >= 500)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                   _("The practice server had a problem (%u); try again later"), status);
      return NULL;
    }
  if (status != 200)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FAILED,
                   _("The practice server did not sign you in (%u)"), status);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      g_ascii_strcasecmp (kith_fhir_get_string (json_node_get_object (root), "token_type") ?: "", "Bearer") != 0 ||
      !is_token_text (token = kith_fhir_get_string (json_node_get_object (root), "access_token")))
    {
      g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SERVER,
                           _("The practice server’s answer to signing in cannot be read"));
      return NULL;
    }
  return g_strdup (token);
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  char *token = request_token (task_data, cancellable, &error);

  if (token != NULL)
    g_task_return_pointer (task, token, wipe_free);
  else
    g_task_return_error (task, error);
}

gboolean
kith_sync_client_sign_in (KithSyncClient  *self,
                          const char      *username,
                          const char      *password,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autoptr(SignIn) sign_in = NULL;
  char *token;

  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (username != NULL && password != NULL, FALSE);

  sign_in = sign_in_new (self, username, password);
  if (!(token = request_token (sign_in, cancellable, error)))
    return FALSE;
  kith_sync_client_set_token (self, token);
  wipe_free (token);
  return TRUE;
}

void
kith_sync_client_sign_in_async (KithSyncClient      *self,
                                const char          *username,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KITH_IS_SYNC_CLIENT (self));
  g_return_if_fail (username != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kith_sync_client_sign_in_async);
  g_task_set_task_data (task, sign_in_new (self, username, password), (GDestroyNotify) sign_in_free);
  g_task_run_in_thread (task, sign_in_thread);
}

gboolean
kith_sync_client_sign_in_finish (KithSyncClient  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  char *token;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  /* Taken on the caller's side, as every other change of the client. */
  if (!(token = g_task_propagate_pointer (G_TASK (result), error)))
    return FALSE;
  kith_sync_client_set_token (self, token);
  wipe_free (token);
  return TRUE;
}

gboolean
kith_sync_client_get_work_offline (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), FALSE);
  return self->work_offline;
}

void
kith_sync_client_set_work_offline (KithSyncClient *self,
                                   gboolean        offline)
{
  g_return_if_fail (KITH_IS_SYNC_CLIENT (self));

  if (self->work_offline == !!offline)
    return;
  self->work_offline = !!offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORK_OFFLINE]);
}

gboolean
kith_sync_client_get_syncing (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), FALSE);
  return self->syncing;
}

gboolean
kith_sync_client_get_online (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), FALSE);
  return self->online;
}

gint64
kith_sync_client_get_pending_count (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), 0);
  return self->pending;
}

guint
kith_sync_client_get_conflicts (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), 0);
  return self->conflicts;
}

const char *
kith_sync_client_get_last_success (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), NULL);
  return self->last_success;
}

const char *
kith_sync_client_get_last_error (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), NULL);
  return self->last_error;
}

gboolean
kith_sync_client_get_sign_in_needed (KithSyncClient *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), FALSE);
  return self->sign_in_needed;
}

void
kith_sync_client_set_timeout (KithSyncClient *self,
                              guint           seconds)
{
  g_return_if_fail (KITH_IS_SYNC_CLIENT (self));
  self->timeout = MAX (1, seconds);
}

guint
kith_sync_client_get_retry_delay (KithSyncClient *self)
{
  guint64 delay;

  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), 0);

  if (self->failures == 0)
    return 0;
  if (self->retry_after_ms > 0)
    return self->retry_after_ms;
  /* 2 s doubling to 5 minutes, with ±25% jitter so a practice's laptops
   * coming back online do not all knock at once. */
  delay = MIN ((guint64) 2000 << MIN (self->failures - 1, 16), (guint64) MAX_BACKOFF_MS);
  delay = delay * 3 / 4 + g_random_int_range (0, (gint32) (delay / 2) + 1);
  return (guint) delay;
}

void
kith_sync_client_refresh (KithSyncClient *self)
{
  g_autoptr(KithStore) store = NULL;

  g_return_if_fail (KITH_IS_SYNC_CLIENT (self));

  if (self->store_path == NULL)
    return;
  store = kith_store_open (self->store_path, NULL);
  if (store == NULL)
    return;
  self->pending = count_where (store, "SELECT count(*) FROM outbox");
  self->conflicts = (guint) count_where (store, "SELECT count(*) FROM outbox WHERE state = 'conflict'");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICTS]);
}

/* --- access: fetching a record again, break-glass --------------------------------- */

void
kith_sync_client_refetch_person (KithSyncClient *self,
                                 const char     *patient_id)
{
  g_return_if_fail (KITH_IS_SYNC_CLIENT (self));
  g_return_if_fail (kith_fhir_is_valid_id (patient_id));

  if (self->refetch == NULL)
    self->refetch = g_ptr_array_new_with_free_func (g_free);
  if (!g_ptr_array_find_with_equal_func (self->refetch, patient_id, g_str_equal, NULL))
    g_ptr_array_add (self->refetch, g_strdup (patient_id));
}

typedef struct
{
  Cycle *cycle;        /* only its connection: no store */
  char  *patient_id;
  char  *reason;
} BreakGlass;

static void
break_glass_free (BreakGlass *request)
{
  g_clear_pointer (&request->cycle, cycle_free);
  g_free (request->patient_id);
  g_free (request->reason);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BreakGlass, break_glass_free)

/* Checked here before anything is sent: the server asks the same. */
static BreakGlass *
break_glass_new (KithSyncClient  *self,
                 const char      *patient_id,
                 const char      *reason,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(BreakGlass) request = NULL;
  g_autofree char *words = g_strstrip (g_strdup (reason));
  glong length = g_utf8_strlen (words, -1);

  if (refuse_offline (self, error))
    return NULL;
  if (length < BREAK_GLASS_MIN_REASON)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_INVALID,
                   _("Type the reason you need this record now, in at least %d characters: "
                     "it is recorded, and your team lead reviews it"), BREAK_GLASS_MIN_REASON);
      return NULL;
    }
  if (length > BREAK_GLASS_MAX_REASON)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_INVALID,
                   _("The reason is too long: at most %d characters"), BREAK_GLASS_MAX_REASON);
      return NULL;
    }
  if (self->token == NULL)
    {
      g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN,
                           _("Sign in to the practice server first"));
      return NULL;
    }

  request = g_new0 (BreakGlass, 1);
  request->cycle = cycle_new (self, cancellable);
  /* cycle_new() took the refetch requests: they stay with the client. */
  self->refetch = g_steal_pointer (&request->cycle->refetch);
  request->patient_id = g_strdup (patient_id);
  request->reason = g_steal_pointer (&words);
  return g_steal_pointer (&request);
}

/* POST [base]/Patient/[id]/$break-glass with Parameters (reason); the
 * instant the access ends, or NULL with @error. */
static char *
request_break_glass (BreakGlass  *request,
                     GError     **error)
{
  Cycle *cycle = request->cycle;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = g_strdup_printf ("%s/Patient/%s/$break-glass", cycle->base_url, request->patient_id);
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  char *expires = NULL;
  Reply reply = { 0 };
  JsonArray *parameters;
  gsize length;

  if (!(cycle->base_uri = g_uri_parse (cycle->base_url, G_URI_FLAGS_ENCODED, error)) ||
      !check_private_channel (cycle->base_uri, error))
    return NULL;
  cycle->session = new_session (cycle->timeout, cycle->tls_database);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "Parameters");
  json_builder_set_member_name (builder, "parameter");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "reason");
  json_builder_set_member_name (builder, "valueString");
  json_builder_add_string_value (builder, request->reason);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  length = strlen (text);
  body = g_bytes_new_take (g_steal_pointer (&text), length);

  if (!http (cycle, "POST", url, NULL, body, &reply, &local_error))
    {
      if (g_error_matches (local_error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_OFFLINE))
        g_set_error_literal (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_OFFLINE,
                             _("The practice server cannot be reached, and emergency access needs it. "
                               "Try again when you are connected."));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!check_transient (cycle, &reply, error))
    goto out;
  if (reply.status == 403 || reply.status == 400 || reply.status == 422 || reply.status == 413)
    {
      g_autofree char *reason = outcome_text (&reply);

      if (reply.status == 403)
        g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FORBIDDEN,
                     _("The practice server refused emergency access: %s"), reason);
      else
        g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_INVALID,
                     _("The practice server did not take the request: %s"), reason);
      goto out;
    }
  if (reply.status != 200 && reply.status != 201)
    {
      g_autofree char *reason = outcome_text (&reply);

      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FAILED,
                   _("Emergency access was not given: %s"), reason);
      goto out;
    }
  if (!(answer = parse_body (&reply, error)))
    goto out;

  /* The answer says until when; a server that does not say still gave it. */
  parameters = kith_fhir_get_array (answer, "parameter");
  for (guint i = 0; parameters != NULL && i < json_array_get_length (parameters); i++)
    {
      JsonNode *node = json_array_get_element (parameters, i);
      JsonObject *parameter = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (kith_fhir_get_string (parameter, "name"), "expires") == 0 && expires == NULL)
        expires = g_strdup (kith_fhir_get_string (parameter, "valueInstant"));
    }
  if (expires == NULL)
    expires = g_strdup ("");

out:
  reply_clear (&reply);
  return expires;
}

static void
break_glass_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  char *expires = request_break_glass (task_data, &error);

  if (expires != NULL)
    g_task_return_pointer (task, expires, g_free);
  else
    g_task_return_error (task, error);
}

/* On the caller's side: the record is fetched again in the next cycle. */
static gboolean
break_glass_done (KithSyncClient  *self,
                  const char      *patient_id,
                  char            *given,
                  char           **expires,
                  GError         **error)
{
  if (given == NULL)
    return FALSE;
  kith_sync_client_refetch_person (self, patient_id);
  if (expires != NULL)
    *expires = *given ? g_strdup (given) : NULL;
  g_free (given);
  return TRUE;
}

void
kith_sync_client_break_glass_async (KithSyncClient      *self,
                                    const char          *patient_id,
                                    const char          *reason,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  BreakGlass *request;

  g_return_if_fail (KITH_IS_SYNC_CLIENT (self));
  g_return_if_fail (kith_fhir_is_valid_id (patient_id));
  g_return_if_fail (reason != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kith_sync_client_break_glass_async);
  if (!(request = break_glass_new (self, patient_id, reason, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, request, (GDestroyNotify) break_glass_free);
  g_task_run_in_thread (task, break_glass_thread);
}

gboolean
kith_sync_client_break_glass_finish (KithSyncClient  *self,
                                     GAsyncResult    *result,
                                     char           **expires,
                                     GError         **error)
{
  BreakGlass *request;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  request = g_task_get_task_data (G_TASK (result));
  return break_glass_done (self, request != NULL ? request->patient_id : NULL,
                           g_task_propagate_pointer (G_TASK (result), error), expires, error);
}

gboolean
kith_sync_client_break_glass (KithSyncClient  *self,
                              const char      *patient_id,
                              const char      *reason,
                              GCancellable    *cancellable,
                              char           **expires,
                              GError         **error)
{
  g_autoptr(BreakGlass) request = NULL;

  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (kith_fhir_is_valid_id (patient_id), FALSE);
  g_return_val_if_fail (reason != NULL, FALSE);

  if (!(request = break_glass_new (self, patient_id, reason, cancellable, error)))
    return FALSE;
  return break_glass_done (self, patient_id, request_break_glass (request, error), expires, error);
}

/* --- reading from the server ------------------------------------------------------ */

/* A GET of something the server keeps for itself, as the audit. */
static JsonObject *
request_json (Cycle       *cycle,
              const char  *path,
              GError     **error)
{
  g_autofree char *url = g_strdup_printf ("%s/%s", cycle->base_url, path);
  JsonObject *answer = NULL;
  Reply reply = { 0 };

  if (!(cycle->base_uri = g_uri_parse (cycle->base_url, G_URI_FLAGS_ENCODED, error)) ||
      !check_private_channel (cycle->base_uri, error))
    return NULL;
  cycle->session = new_session (cycle->timeout, cycle->tls_database);
  if (!http (cycle, "GET", url, NULL, NULL, &reply, error) || !check_transient (cycle, &reply, error))
    goto out;
  if (reply.status != 200)
    {
      g_autofree char *reason = outcome_text (&reply);

      g_set_error (error, KITH_SYNC_ERROR,
                   reply.status == 403 ? KITH_SYNC_ERROR_FORBIDDEN : KITH_SYNC_ERROR_FAILED,
                   reply.status == 403 ? _("The practice server refused: %s")
                                       : _("The practice server could not answer: %s"),
                   reason);
      goto out;
    }
  answer = parse_body (&reply, error);

out:
  reply_clear (&reply);
  return answer;
}

static void
get_json_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Cycle *cycle = g_object_get_data (G_OBJECT (task), "cycle");
  GError *error = NULL;
  JsonObject *answer = request_json (cycle, task_data, &error);

  if (answer != NULL)
    g_task_return_pointer (task, answer, (GDestroyNotify) json_object_unref);
  else
    g_task_return_error (task, error);
}

void
kith_sync_client_get_json_async (KithSyncClient      *self,
                                 const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (KITH_IS_SYNC_CLIENT (self));
  g_return_if_fail (path != NULL && *path != '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kith_sync_client_get_json_async);
  if (refuse_offline (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "cycle", cycle_new (self, cancellable), (GDestroyNotify) cycle_free);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, get_json_thread);
}

JsonObject *
kith_sync_client_get_json_finish (KithSyncClient  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- conflicts ------------------------------------------------------------------ */

GPtrArray *
kith_sync_list_conflicts (KithStore  *store,
                          GError    **error)
{
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_sync_conflict_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  stmt = kith_store_prepare (store,
                             "SELECT type, id, base_server_version, outcome FROM outbox"
                             " WHERE state = 'conflict' ORDER BY seq",
                             error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KithSyncConflict *conflict = g_new0 (KithSyncConflict, 1);
      const char *base = (const char *) sqlite3_column_text (stmt, 2);
      const char *outcome = (const char *) sqlite3_column_text (stmt, 3);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();

      conflict->type = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      conflict->id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      if (outcome && json_parser_load_from_data (parser, outcome, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *object = json_node_get_object (json_parser_get_root (parser));
          JsonNode *list = json_object_get_member (object, "paths");

          conflict->remote_version = g_strdup (kith_fhir_get_string (object, "remote_version"));
          for (guint i = 0; list && JSON_NODE_HOLDS_ARRAY (list) && i < json_array_get_length (json_node_get_array (list)); i++)
            g_strv_builder_add (paths, json_array_get_string_element (json_node_get_array (list), i));
        }
      conflict->paths = g_strv_builder_end (paths);
      g_ptr_array_add (conflicts, conflict);
      if (base)
        conflict->base = kith_store_read_version (store, conflict->type, conflict->id, base, NULL);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return NULL;
    }

  for (guint i = 0; i < conflicts->len; i++)
    {
      KithSyncConflict *conflict = conflicts->pdata[i];

      conflict->local = kith_store_read_resource (store, conflict->type, conflict->id, NULL);
      if (conflict->remote_version && *conflict->remote_version)
        conflict->remote = kith_store_read_version (store, conflict->type, conflict->id, conflict->remote_version, NULL);
    }
  return g_steal_pointer (&conflicts);
}

gboolean
kith_sync_resolve_conflict (KithStore   *store,
                            const char  *type,
                            const char  *id,
                            JsonObject  *resolved,
                            GError     **error)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autofree char *remote_version = NULL;
  g_autofree char *current = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (resolved != NULL, FALSE);

  if (!(conflicts = kith_sync_list_conflicts (store, error)))
    return FALSE;
  for (guint i = 0; i < conflicts->len; i++)
    {
      KithSyncConflict *conflict = conflicts->pdata[i];

      if (g_strcmp0 (conflict->type, type) == 0 && g_strcmp0 (conflict->id, id) == 0)
        {
          remote_version = g_strdup (conflict->remote_version);
          current = g_strdup (conflict->local ? kith_fhir_get_version_id (conflict->local) : NULL);
        }
    }
  if (remote_version == NULL)
    {
      g_set_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FAILED, _("No conflict waiting for %s/%s"), type, id);
      return FALSE;
    }

  /* The decision is a local edit made on top of the server's version. */
  copy = kith_fhir_copy_resource (resolved);
  json_object_set_string_member (copy, "resourceType", type);
  json_object_set_string_member (copy, "id", id);
  if (!kith_store_begin (store, error))
    return FALSE;
  if (!kith_store_save_resource (store, copy, current, error) ||
      !kith_store_rebase_outbox (store, type, id, *remote_version ? remote_version : NULL, error))
    {
      kith_store_rollback (store);
      return FALSE;
    }
  return kith_store_commit (store, error);
}
