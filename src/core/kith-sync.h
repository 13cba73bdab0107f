/* kith-sync.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

#define KITH_SYNC_ERROR (kith_sync_error_quark ())

typedef enum
{
  KITH_SYNC_ERROR_OFFLINE,        /* no connection, timeout, or working offline */
  KITH_SYNC_ERROR_SERVER,         /* 5xx, or a reply that cannot be read */
  KITH_SYNC_ERROR_SIGN_IN,        /* 401: sign in again; nothing is lost */
  KITH_SYNC_ERROR_RATE_LIMITED,   /* 429: wait as the server asks */
  KITH_SYNC_ERROR_UNSUPPORTED,    /* the server cannot take offline edits safely */
  KITH_SYNC_ERROR_FAILED,
  KITH_SYNC_ERROR_CERTIFICATE,    /* the server's TLS certificate is not trusted */
  KITH_SYNC_ERROR_FORBIDDEN,      /* 403: the server refused access (not a sign-in problem) */
  KITH_SYNC_ERROR_INVALID,        /* what was asked cannot be sent: a break-glass reason too short */
} KithSyncError;

/* What one sync cycle did. */
typedef struct
{
  guint      pushed;
  guint      pulled;
  guint      merged;       /* edits merged with a change made elsewhere */
  GPtrArray *conflicts;    /* "Type/id: path, path" strings */
  GPtrArray *rejected;     /* "Type/id: the server's reason" strings */
  gint64     pending;      /* edits still queued afterwards */
  guint      refetched;    /* people whose record was fetched again */
} KithSyncReport;

void kith_sync_report_free (KithSyncReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithSyncReport, kith_sync_report_free)

/* A local edit that could not be merged by itself: both sides changed the
 * same thing. Neither side is dropped until someone decides. */
typedef struct
{
  char       *type;
  char       *id;
  JsonObject *base;       /* the version both edits started from, or NULL */
  JsonObject *local;
  JsonObject *remote;
  char       *remote_version;
  GStrv       paths;      /* where they disagree */
} KithSyncConflict;

void kith_sync_conflict_free (KithSyncConflict *conflict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithSyncConflict, kith_sync_conflict_free)

#define KITH_TYPE_SYNC_CLIENT (kith_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (KithSyncClient, kith_sync_client, KITH, SYNC_CLIENT, GObject)

GQuark          kith_sync_error_quark          (void);

/* Syncs the store at @store_path (its own connection, on a worker thread)
 * with the FHIR R4 server at @base_url ("http://127.0.0.1:8765/fhir").
 * @store_path may be NULL for a client that only signs in.
 * Properties: "online", "syncing", "pending-count", "conflicts",
 * "last-success" (instant), "last-error", "sign-in-needed", "work-offline"
 * (read-write).
 *
 * A password or token only ever goes over https, or plain http to this
 * machine (loopback). Server certificates are always verified: against
 * the system's trusted CAs, or only the practice's CA file when one is set. */
KithSyncClient *kith_sync_client_new           (const char      *store_path,
                                                const char      *base_url);
const char     *kith_sync_client_get_base_url  (KithSyncClient  *self);
void            kith_sync_client_set_token     (KithSyncClient  *self,
                                                const char      *bearer_token);
/* The bearer token in use (transfer full: hand it to the keyring, wipe it). */
char           *kith_sync_client_dup_token     (KithSyncClient  *self);
/* Trust only the CA certificates in @path (PEM), the practice's own CA,
 * for the server's certificate; NULL goes back to the system's CAs. */
gboolean        kith_sync_client_set_ca_file   (KithSyncClient  *self,
                                                const char      *path,
                                                GError         **error);

/* Signs in to the server ("[base]/../auth/token", the server root for
 * ".../fhir") with a user name and password, and uses the token it gives.
 * Errors: KITH_SYNC_ERROR_SIGN_IN for a wrong name or password (the server
 * does not say which), RATE_LIMITED after too many failures, OFFLINE,
 * CERTIFICATE, SERVER. */
gboolean        kith_sync_client_sign_in       (KithSyncClient      *self,
                                                const char          *username,
                                                const char          *password,
                                                GCancellable        *cancellable,
                                                GError             **error);
void            kith_sync_client_sign_in_async (KithSyncClient      *self,
                                                const char          *username,
                                                const char          *password,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean        kith_sync_client_sign_in_finish (KithSyncClient     *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);
gboolean        kith_sync_client_get_work_offline (KithSyncClient *self);
void            kith_sync_client_set_work_offline (KithSyncClient *self,
                                                   gboolean        offline);
gboolean        kith_sync_client_get_syncing   (KithSyncClient  *self);
gboolean        kith_sync_client_get_online    (KithSyncClient  *self);
gint64          kith_sync_client_get_pending_count (KithSyncClient *self);
guint           kith_sync_client_get_conflicts (KithSyncClient  *self);
const char     *kith_sync_client_get_last_success (KithSyncClient *self);
const char     *kith_sync_client_get_last_error (KithSyncClient *self);
gboolean        kith_sync_client_get_sign_in_needed (KithSyncClient *self);
/* Request timeout in seconds (default 15). */
void            kith_sync_client_set_timeout   (KithSyncClient  *self,
                                                guint            seconds);
/* When to try again after a failure, in milliseconds: exponential backoff
 * with jitter, or the server's Retry-After. 0 when not backing off. */
guint           kith_sync_client_get_retry_delay (KithSyncClient *self);
/* Re-reads the pending count (after local edits). */
void            kith_sync_client_refresh       (KithSyncClient  *self);

/* One cycle: push the outbox in order, then pull what changed. */
void            kith_sync_client_sync_async    (KithSyncClient      *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
KithSyncReport *kith_sync_client_sync_finish   (KithSyncClient      *self,
                                                GAsyncResult        *result,
                                                GError             **error);
/* The same, blocking: for kith-tool and tests. */
KithSyncReport *kith_sync_client_sync          (KithSyncClient      *self,
                                                GCancellable        *cancellable,
                                                GError             **error);

/* Access control (GOVERNANCE.md). The next cycle fetches this person's
 * record again, type by type, by search: what was withheld or out of
 * reach before (a new care team, a changed Consent, break-glass) comes in
 * whole, full copies taking the place of stubs. A cycle does the same by
 * itself when it pulls a new version of someone's CareTeam or
 * record-sharing Consent; a few people a cycle, the rest the next. */
void            kith_sync_client_refetch_person (KithSyncClient *self,
                                                 const char     *patient_id);

/* Emergency access to a person's record ("break glass"): the reason, in
 * the professional's words (at least 10 characters), is recorded and
 * reviewed. On success the access lasts until *@expires (an instant; may
 * be NULL) and the person's record is fetched again in the next cycle
 * (sync then, to have it at once). Errors: INVALID (the reason is too
 * short or too long, or the server would not take it), FORBIDDEN (the
 * server refused: not a clinical role, say), SIGN_IN, OFFLINE (working
 * offline, or the server cannot be reached), CERTIFICATE, SERVER. */
void            kith_sync_client_break_glass_async  (KithSyncClient      *self,
                                                     const char          *patient_id,
                                                     const char          *reason,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean        kith_sync_client_break_glass_finish (KithSyncClient      *self,
                                                     GAsyncResult        *result,
                                                     char               **expires,
                                                     GError             **error);
/* The same, blocking: for kith-tool and tests. */
gboolean        kith_sync_client_break_glass    (KithSyncClient      *self,
                                                 const char          *patient_id,
                                                 const char          *reason,
                                                 GCancellable        *cancellable,
                                                 char               **expires,
                                                 GError             **error);

/* GET [base]/@path (relative, as "AuditEvent?patient=ID"), for what only
 * the server keeps: the JSON answer (transfer full), or an error in words
 * (KITH_SYNC_ERROR_FORBIDDEN when the server refuses the user). */
void            kith_sync_client_get_json_async (KithSyncClient      *self,
                                                 const char          *path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
JsonObject     *kith_sync_client_get_json_finish (KithSyncClient     *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);

/* Tells the practice server, at the next sync, that @patient_id's record
 * was printed or exported here (@what "print" or "export"), so the
 * person's audit has it. Kept in @store until the server has it; nothing
 * for a store that does not sync. */
gboolean        kith_sync_queue_access_report  (KithStore       *store,
                                                const char      *patient_id,
                                                const char      *what,
                                                GError         **error);

/* Conflicts waiting for a decision (KithSyncConflict, transfer full). */
GPtrArray      *kith_sync_list_conflicts       (KithStore       *store,
                                                GError         **error);
/* Records the decided version, which replaces the local edit and goes to
 * the server on the next sync, on top of the server's version. */
gboolean        kith_sync_resolve_conflict     (KithStore       *store,
                                                const char      *type,
                                                const char      *id,
                                                JsonObject      *resolved,
                                                GError         **error);

G_END_DECLS
