/* kith-store.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

#define KITH_STORE_ERROR (kith_store_error_quark ())

typedef enum
{
  KITH_STORE_ERROR_OPEN,             /* cannot open the file at all */
  KITH_STORE_ERROR_CORRUPT,          /* not a database, or damaged */
  KITH_STORE_ERROR_NOT_KITH,         /* a database, but not a Kith store */
  KITH_STORE_ERROR_NEWER_SCHEMA,     /* written by a newer Kith */
  KITH_STORE_ERROR_INVALID,          /* malformed JSON or resource */
  KITH_STORE_ERROR_WRONG_TYPE,       /* the JSON is not the type asked for */
  KITH_STORE_ERROR_NOT_FOUND,
  KITH_STORE_ERROR_GONE,             /* deleted: a tombstone */
  KITH_STORE_ERROR_VERSION_CONFLICT, /* If-Match did not match */
  KITH_STORE_ERROR_DISK_FULL,
  KITH_STORE_ERROR_BUSY,
  KITH_STORE_ERROR_FAILED,
  KITH_STORE_ERROR_WITHHELD,         /* only a stub is held: it cannot be changed here */
} KithStoreError;

/* The schema this build writes; see migrations[] in kith-store.c */
#define KITH_STORE_SCHEMA_VERSION 8

#define KITH_TYPE_STORE (kith_store_get_type ())

G_DECLARE_FINAL_TYPE (KithStore, kith_store, KITH, STORE, GObject)

GQuark      kith_store_error_quark          (void);

/* Opens or creates a store. A newer-schema, foreign or corrupt file gives
 * an error and is left exactly as it was. */
KithStore  *kith_store_open                 (const char   *path,
                                             GError      **error);
const char *kith_store_get_path             (KithStore    *self);

/* Transactions nest (savepoints). Every write call below is transactional
 * on its own; wrap several in begin/commit to make them one unit. */
gboolean    kith_store_begin                (KithStore    *self,
                                             GError      **error);
gboolean    kith_store_commit               (KithStore    *self,
                                             GError      **error);
void        kith_store_rollback             (KithStore    *self);

/* Writes a new version of @resource: meta.versionId becomes the previous
 * version plus one (1 for a new resource) and meta.lastUpdated now. The
 * object is updated in place. With @if_match set, the current version must
 * equal it, or KITH_STORE_ERROR_VERSION_CONFLICT. */
gboolean    kith_store_save_resource        (KithStore    *self,
                                             JsonObject   *resource,
                                             const char   *if_match,
                                             GError      **error);
/* Stores @resource exactly as given, keeping its meta (from a server, or
 * the demo generator). Ignored when that version is already held. */
gboolean    kith_store_import_resource      (KithStore    *self,
                                             JsonObject   *resource,
                                             GError      **error);
/* Marks the resource deleted and records a tombstone version in history. */
gboolean    kith_store_delete_resource      (KithStore    *self,
                                             const char   *type,
                                             const char   *id,
                                             GError      **error);

/* transfer full */
JsonObject *kith_store_read_resource        (KithStore    *self,
                                             const char   *type,
                                             const char   *id,
                                             GError      **error);
JsonObject *kith_store_read_version         (KithStore    *self,
                                             const char   *type,
                                             const char   *id,
                                             const char   *version_id,
                                             GError      **error);
/* Every version, oldest first: a GPtrArray of JsonObject (transfer full).
 * A tombstone is an object with only resourceType, id and meta. */
GPtrArray  *kith_store_list_history         (KithStore    *self,
                                             const char   *type,
                                             const char   *id,
                                             GError      **error);
/* Current resources of @type that belong to @patient_id (subject/patient),
 * as JsonObjects (transfer full). */
GPtrArray  *kith_store_list_for_patient     (KithStore    *self,
                                             const char   *type,
                                             const char   *patient_id,
                                             GError      **error);
gint64      kith_store_count_resources      (KithStore    *self,
                                             const char   *type);
/* Current resources of @type whose code is @code and, unless NULL, whose
 * status is @status, across everyone, newest first (JsonObject, transfer
 * full). The code is kith_fhir_resource_code(): a Task's code, the type of
 * an Encounter or EpisodeOfCare, a ServiceRequest's category. Indexed, for
 * the referrals inbox, the diary and the meetings list. */
GPtrArray  *kith_store_list_by_code         (KithStore    *self,
                                             const char   *type,
                                             const char   *code,
                                             const char   *status,
                                             GError      **error);

KithPatient *kith_store_load_patient        (KithStore    *self,
                                             const char   *id,
                                             GError      **error);
gboolean    kith_store_save_patient         (KithStore    *self,
                                             KithPatient  *patient,
                                             GError      **error);

/* A professional's own store syncs with a practice server: then every
 * local edit is also queued in the outbox, in the same transaction, and
 * local versions are named "<server version>.L<n>" so they can never be
 * mistaken for the server's. Kept in the store. */
gboolean    kith_store_get_sync_enabled     (KithStore    *self);
gboolean    kith_store_set_sync_enabled     (KithStore    *self,
                                             gboolean      enabled,
                                             GError      **error);
/* Edits not yet on the server (outbox entries in any state). */
gint64      kith_store_count_unsynced       (KithStore    *self);

/* Access control (GOVERNANCE.md): what the server withholds from this
 * professional arrives as a stub, a copy with only the type, id, version,
 * the person and why (meta.security REDACTED). It is kept, so that the
 * record shows something is withheld rather than nothing, but never over
 * a full copy of the same version, and a full copy replaces it when one
 * comes. Nothing is saved or deleted on top of a stub
 * (KITH_STORE_ERROR_WITHHELD). */

/* TRUE when the current version of the resource is a stub, or another
 * copy that is not the whole resource (a volunteer's view of a plan). */
gboolean    kith_store_is_withheld          (KithStore    *self,
                                             const char   *type,
                                             const char   *id);

/* What is withheld of one person's record: one entry per type, reason
 * and section, for the "withheld at the person's request" notice. */
typedef struct
{
  char  *type;      /* "Observation" */
  char  *reason;    /* the stub's KITH_WITHHELD_URL code ("withheld-at-request",
                     * "restricted"), or NULL when the copy does not say */
  char  *section;   /* a KITH_RECORD_SECTION_SYSTEM code ("mental-health"),
                     * when the stub carries one, else NULL */
  guint  count;
} KithWithheld;

void        kith_withheld_free              (KithWithheld *withheld);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithWithheld, kith_withheld_free)

/* KithWithheld (transfer full), by type, reason and section; empty when
 * nothing is withheld. */
GPtrArray  *kith_store_list_withheld        (KithStore    *self,
                                             const char   *patient_id,
                                             GError      **error);

/* Integrity: runs PRAGMA integrity_check, TRUE when "ok". */
gboolean    kith_store_check_integrity      (KithStore    *self,
                                             GError      **error);

G_END_DECLS
