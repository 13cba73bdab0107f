/* kith-store-private.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "kith-store.h"

G_BEGIN_DECLS

/* A cached prepared statement, reset and with bindings cleared; valid
 * until the store is closed. Only for core modules. */
sqlite3_stmt *kith_store_prepare     (KithStore   *self,
                                      const char  *sql,
                                      GError     **error);
sqlite3      *kith_store_get_db      (KithStore   *self);
/* Maps a sqlite result code to KITH_STORE_ERROR. */
void          kith_store_set_error   (KithStore   *self,
                                      int          rc,
                                      GError     **error);

/* The caseload's name order, cached: @order holds every patient index row
 * id (gint64) sorted by name; rank_of[pid] is a row's place in it, or
 * G_MAXUINT32. Rebuilt when this or another connection changed the store. */
gboolean      kith_store_get_name_order (KithStore      *self,
                                         GArray        **order,
                                         const guint32 **rank_of,
                                         gsize          *n_rank_of,
                                         GError        **error);

/* Changes when the patient index changes: @serial for this connection's
 * writes, @data_version for other connections' commits. */
gboolean      kith_store_get_index_stamp (KithStore  *self,
                                          guint64    *serial,
                                          gint64     *data_version,
                                          GError    **error);

/* During a pull: the people a write touches wait in the pending_links
 * table (on disk, in the write's transaction) instead of being indexed at
 * each commit; kith_store_index_pending_links() indexes them once. */
void          kith_store_set_defer_links     (KithStore  *self,
                                              gboolean    defer);
gboolean      kith_store_index_pending_links (KithStore  *self,
                                              GError    **error);

/* --- sync (kith-sync.c) ------------------------------------------------ */

/* The server took the edit that was local version @sent_version and holds
 * it as @server_resource (its versionId is the server's; NULL for a
 * deletion, with @server_version from the ETag). If nothing was edited
 * here since, that becomes the current version and the outbox entry goes;
 * otherwise the newer local edit stays queued on top of it. */
gboolean      kith_store_apply_pushed   (KithStore   *self,
                                         const char  *type,
                                         const char  *id,
                                         const char  *sent_version,
                                         JsonObject  *server_resource,
                                         const char  *server_version,
                                         GError     **error);
/* A version pulled from the server that the store does not hold yet
 * (kith_store_wants_version(): a full copy replaces a stub of the same
 * version; other versions held are left as they are), inside the
 * caller's transaction, which the caller rolls back on failure. It becomes current if it is newer than the
 * current version (by time, then by number) and no local edit waits. */
gboolean      kith_store_import_pulled  (KithStore   *self,
                                         JsonObject  *resource,
                                         GError     **error);
/* A deletion pulled from the server, as a tombstone version. */
gboolean      kith_store_apply_server_delete (KithStore   *self,
                                              const char  *type,
                                              const char  *id,
                                              const char  *server_version,
                                              const char  *last_updated,
                                              GError     **error);
/* The local edit now sits on @server_version (after a merge). */
gboolean      kith_store_rebase_outbox  (KithStore   *self,
                                         const char  *type,
                                         const char  *id,
                                         const char  *server_version,
                                         GError     **error);
gboolean      kith_store_has_version    (KithStore   *self,
                                         const char  *type,
                                         const char  *id,
                                         const char  *version_id);
/* Whether a pulled copy of a version adds anything: the version is not
 * held, or only as a stub while this copy (@withheld FALSE) is whole. */
gboolean      kith_store_wants_version  (KithStore   *self,
                                         const char  *type,
                                         const char  *id,
                                         const char  *version_id,
                                         gboolean     withheld);
const char   *kith_store_get_setting    (KithStore   *self,
                                         const char  *key,
                                         char       **owned);
gboolean      kith_store_set_setting    (KithStore   *self,
                                         const char  *key,
                                         const char  *value,
                                         GError     **error);

G_END_DECLS
