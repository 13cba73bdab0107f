/* kith-store-query.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kith-store.h"

G_BEGIN_DECLS

/* The most versions one query hands back. */
#define KITH_STORE_QUERY_MAX_LIMIT 1001

/* One version of a resource, as the queries below return it. */
typedef struct
{
  char       *type;
  char       *id;
  char       *version_id;
  char       *last_updated;
  JsonObject *resource;      /* NULL for a deletion (a tombstone) */
} KithStoreVersion;

void kith_store_version_free (KithStoreVersion *version);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithStoreVersion, kith_store_version_free)

/* A place in a query's order: the version handed out last. A query given
 * a position continues strictly after it, so a walk page by page sees each
 * version once, whatever is written in between. */
typedef struct
{
  const char *last_updated;
  const char *type;
  const char *id;
  const char *version_id;
} KithStorePosition;

/* What a search keeps. Instants are in the store's form
 * (YYYY-MM-DDThh:mm:ss.sssZ, as kith_fhir_format_instant() writes them),
 * which sorts as text. NULL members do not filter. */
typedef struct
{
  const char *patient_id;   /* resources that belong to this person */
  const char *updated_ge;   /* lastUpdated >= */
  const char *updated_gt;   /* lastUpdated >  */
  const char *updated_le;   /* lastUpdated <= */
  const char *updated_lt;   /* lastUpdated <  */
} KithStoreSearchFilter;

typedef enum
{
  KITH_STORE_UPDATE_CREATED,    /* new, or written over a deletion */
  KITH_STORE_UPDATE_UPDATED,
  KITH_STORE_UPDATE_UNCHANGED,  /* the same content as the current version */
} KithStoreUpdate;

/* The current version of @type/@id, or NULL (no error) when the store has
 * never held it. Its resource is NULL when the resource is deleted. */
KithStoreVersion *kith_store_query_current      (KithStore                   *self,
                                                 const char                  *type,
                                                 const char                  *id,
                                                 GError                     **error);

/* Versions newest first: ordered by lastUpdated, then type, id and version
 * number, all descending. @type and @id narrow it to one type or one
 * resource (@id needs @type). @since keeps versions with lastUpdated at or
 * after it. At most @limit versions (see KITH_STORE_QUERY_MAX_LIMIT), as
 * KithStoreVersion (transfer full). */
GPtrArray        *kith_store_query_history      (KithStore                   *self,
                                                 const char                  *type,
                                                 const char                  *id,
                                                 const char                  *since,
                                                 const KithStorePosition     *after,
                                                 guint                        limit,
                                                 GError                     **error);

/* Current, not deleted resources of @type, oldest lastUpdated first (then
 * by id), filtered by @filter; at most @limit, as KithStoreVersion. */
GPtrArray        *kith_store_query_search       (KithStore                   *self,
                                                 const char                  *type,
                                                 const KithStoreSearchFilter *filter,
                                                 const KithStorePosition     *after,
                                                 guint                        limit,
                                                 GError                     **error);

/* FHIR update. The resource's own meta is dropped. When its content equals
 * the current version's (meta aside), nothing is written and the outcome
 * is UNCHANGED, so a retried request is harmless; @if_match is not checked
 * then, because the change it asked for is already there. Otherwise, with
 * @if_match, the current version must be it (KITH_STORE_ERROR_VERSION_CONFLICT
 * if not, also when there is none), and a new version is saved. On success
 * @resource carries the current meta. */
gboolean          kith_store_query_update       (KithStore                   *self,
                                                 JsonObject                  *resource,
                                                 const char                  *if_match,
                                                 KithStoreUpdate             *outcome,
                                                 GError                     **error);

/* FHIR delete: writes a tombstone unless the resource is absent or deleted
 * already. With @if_match, the current version must be it. @tombstone
 * (optional) gets the deletion version, or NULL when there was nothing. */
gboolean          kith_store_query_delete       (KithStore                   *self,
                                                 const char                  *type,
                                                 const char                  *id,
                                                 const char                  *if_match,
                                                 KithStoreVersion           **tombstone,
                                                 GError                     **error);

/* TRUE while a transaction is open on the store's connection. sqlite ends
 * a transaction by itself after some failures (disk full, I/O error);
 * whoever holds one open across calls checks this. */
gboolean          kith_store_query_in_transaction (KithStore                 *self);

G_END_DECLS
