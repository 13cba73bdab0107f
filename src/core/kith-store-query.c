/* kith-store-query.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The queries a FHIR server asks of the store: the current version with
 * its tombstone, history newest first and search oldest first, both paged
 * by position (keyset) rather than by offset, and FHIR's update and delete
 * with If-Match and harmless retries.
 *
 * Positions compare lastUpdated as text. That is right as long as every
 * instant has the store's one form (kith_fhir_format_instant()), which is
 * what kith_store_save_resource() and the demo caseload write.
 */

#define G_LOG_DOMAIN "kith-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-fhir.h"
#include "kith-store-private.h"
#include "kith-store-query.h"

/* Bounds that every stored instant ("2026-…") sorts between. */
#define INSTANT_BELOW_ALL ""
#define INSTANT_ABOVE_ALL "~"

void
kith_store_version_free (KithStoreVersion *version)
{
  if (version == NULL)
    return;

  g_free (version->type);
  g_free (version->id);
  g_free (version->version_id);
  g_free (version->last_updated);
  g_clear_pointer (&version->resource, json_object_unref);
  g_free (version);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* Checks a stored row as carefully as anything from the network: a damaged
 * row is an error, never a crash or somebody else's record. */
static JsonObject *
parse_stored (const char  *json,
              const char  *type,
              const char  *id,
              GError     **error)
{
  g_autoptr(JsonObject) resource = NULL;

  if (json != NULL)
    resource = kith_fhir_parse_resource (json, -1, NULL);
  if (resource == NULL ||
      g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), type) != 0 ||
      g_strcmp0 (kith_fhir_get_string (resource, "id"), id) != 0)
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_INVALID,
                   _("A stored %s record is damaged"), type);
      return NULL;
    }

  return g_steal_pointer (&resource);
}

/* Reads rows of (type, id, version_id, last_updated, json) into versions. */
static GPtrArray *
collect_versions (KithStore     *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  g_autoptr(GPtrArray) versions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) kith_store_version_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KithStoreVersion) version = g_new0 (KithStoreVersion, 1);
      const char *json = column_text (stmt, 4);

      version->type = g_strdup (column_text (stmt, 0));
      version->id = g_strdup (column_text (stmt, 1));
      version->version_id = g_strdup (column_text (stmt, 2));
      version->last_updated = g_strdup (column_text (stmt, 3));
      if (json != NULL &&
          !(version->resource = parse_stored (json, version->type, version->id, error)))
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (versions, g_steal_pointer (&version));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&versions);
}

KithStoreVersion *
kith_store_query_current (KithStore   *self,
                          const char  *type,
                          const char  *id,
                          GError     **error)
{
  g_autoptr(KithStoreVersion) version = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL && id != NULL, NULL);

  stmt = kith_store_prepare (self,
                             "SELECT r.version_id, r.last_updated, r.deleted, h.json"
                             "  FROM resource r LEFT JOIN resource_history h"
                             "    ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " WHERE r.type = ?1 AND r.id = ?2",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gboolean deleted = sqlite3_column_int (stmt, 2) != 0;

      version = g_new0 (KithStoreVersion, 1);
      version->type = g_strdup (type);
      version->id = g_strdup (id);
      version->version_id = g_strdup (column_text (stmt, 0));
      version->last_updated = g_strdup (column_text (stmt, 1));
      if (!deleted &&
          !(version->resource = parse_stored (column_text (stmt, 3), type, id, error)))
        {
          sqlite3_reset (stmt);
          return NULL;
        }
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kith_store_set_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&version);
}

GPtrArray *
kith_store_query_history (KithStore                *self,
                          const char               *type,
                          const char               *id,
                          const char               *since,
                          const KithStorePosition  *after,
                          guint                     limit,
                          GError                  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KITH_IS_STORE (self), NULL);
  g_return_val_if_fail (id == NULL || type != NULL, NULL);
  g_return_val_if_fail (limit > 0 && limit <= KITH_STORE_QUERY_MAX_LIMIT, NULL);

  /* Three statements rather than one with optional terms: the instance
   * history uses the resource_history key, the others walk the index on
   * last_updated ("+type" keeps sqlite from scanning the whole type's rows,
   * JSON included, through the key instead). The
   * version number sorts as a number: "10" after "9". The page's keys are
   * chosen first and the JSON joined afterwards, so the sort never carries
   * whole resources. */
  if (id != NULL)
    stmt = kith_store_prepare (self,
                               "SELECT k.type, k.id, k.version_id, k.last_updated, h.json FROM ("
                               "  SELECT type, id, version_id, last_updated FROM resource_history"
                               " WHERE type = ?7 AND id = ?8"
                               "   AND last_updated >= ?1 AND last_updated <= ?2"
                               "   AND (last_updated < ?2 OR (type, id, length (version_id), version_id)"
                               "                             < (?3, ?4, length (?5), ?5))"
                               " ORDER BY last_updated DESC, type DESC, id DESC,"
                               "          length (version_id) DESC, version_id DESC"
                               " LIMIT ?6) k"
                               " JOIN resource_history h"
                               "   ON h.type = k.type AND h.id = k.id AND h.version_id = k.version_id"
                               " ORDER BY k.last_updated DESC, k.type DESC, k.id DESC,"
                               "          length (k.version_id) DESC, k.version_id DESC",
                               error);
  else if (type != NULL)
    stmt = kith_store_prepare (self,
                               "SELECT k.type, k.id, k.version_id, k.last_updated, h.json FROM ("
                               "  SELECT type, id, version_id, last_updated FROM resource_history"
                               " WHERE +type = ?7"
                               "   AND last_updated >= ?1 AND last_updated <= ?2"
                               "   AND (last_updated < ?2 OR (type, id, length (version_id), version_id)"
                               "                             < (?3, ?4, length (?5), ?5))"
                               " ORDER BY last_updated DESC, type DESC, id DESC,"
                               "          length (version_id) DESC, version_id DESC"
                               " LIMIT ?6) k"
                               " JOIN resource_history h"
                               "   ON h.type = k.type AND h.id = k.id AND h.version_id = k.version_id"
                               " ORDER BY k.last_updated DESC, k.type DESC, k.id DESC,"
                               "          length (k.version_id) DESC, k.version_id DESC",
                               error);
  else
    stmt = kith_store_prepare (self,
                               "SELECT k.type, k.id, k.version_id, k.last_updated, h.json FROM ("
                               "  SELECT type, id, version_id, last_updated FROM resource_history"
                               " WHERE last_updated >= ?1 AND last_updated <= ?2"
                               "   AND (last_updated < ?2 OR (type, id, length (version_id), version_id)"
                               "                             < (?3, ?4, length (?5), ?5))"
                               " ORDER BY last_updated DESC, type DESC, id DESC,"
                               "          length (version_id) DESC, version_id DESC"
                               " LIMIT ?6) k"
                               " JOIN resource_history h"
                               "   ON h.type = k.type AND h.id = k.id AND h.version_id = k.version_id"
                               " ORDER BY k.last_updated DESC, k.type DESC, k.id DESC,"
                               "          length (k.version_id) DESC, k.version_id DESC",
                               error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, since != NULL ? since : INSTANT_BELOW_ALL);
  if (after != NULL)
    {
      bind_text (stmt, 2, after->last_updated);
      bind_text (stmt, 3, after->type);
      bind_text (stmt, 4, after->id);
      bind_text (stmt, 5, after->version_id);
    }
  else
    bind_text (stmt, 2, INSTANT_ABOVE_ALL);
  sqlite3_bind_int (stmt, 6, (int) limit);
  if (type != NULL)
    bind_text (stmt, 7, type);
  if (id != NULL)
    bind_text (stmt, 8, id);

  return collect_versions (self, stmt, error);
}

GPtrArray *
kith_store_query_search (KithStore                   *self,
                         const char                  *type,
                         const KithStoreSearchFilter *filter,
                         const KithStorePosition     *after,
                         guint                        limit,
                         GError                     **error)
{
  static const KithStoreSearchFilter no_filter = { NULL, NULL, NULL, NULL, NULL };
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KITH_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (limit > 0 && limit <= KITH_STORE_QUERY_MAX_LIMIT, NULL);

  if (filter == NULL)
    filter = &no_filter;

  /* Unused bounds are bound to values every instant passes, so one
   * statement serves every combination and the indexes stay usable. A
   * person's records come through the patient index. A whole type wants an
   * index on resource (type, last_updated, id), which walks pages in order;
   * without it, sqlite sorts the type's keys for each page. */
  if (filter->patient_id != NULL)
    stmt = kith_store_prepare (self,
                               "SELECT k.type, k.id, k.version_id, k.last_updated, h.json FROM ("
                               "  SELECT r.type, r.id, r.version_id, r.last_updated FROM resource r"
                               " WHERE r.patient_id = ?9 AND r.type = ?1 AND r.deleted = 0"
                               "   AND r.last_updated >= ?2 AND r.last_updated > ?3"
                               "   AND r.last_updated <= ?4 AND r.last_updated < ?5"
                               "   AND r.last_updated >= ?6 AND (r.last_updated > ?6 OR r.id > ?7)"
                               " ORDER BY r.last_updated, r.id"
                               " LIMIT ?8) k"
                               " JOIN resource_history h"
                               "   ON h.type = k.type AND h.id = k.id AND h.version_id = k.version_id"
                               " ORDER BY k.last_updated, k.id",
                               error);
  else
    stmt = kith_store_prepare (self,
                               "SELECT k.type, k.id, k.version_id, k.last_updated, h.json FROM ("
                               "  SELECT r.type, r.id, r.version_id, r.last_updated FROM resource r"
                               " WHERE r.type = ?1 AND r.deleted = 0"
                               "   AND r.last_updated >= ?2 AND r.last_updated > ?3"
                               "   AND r.last_updated <= ?4 AND r.last_updated < ?5"
                               "   AND r.last_updated >= ?6 AND (r.last_updated > ?6 OR r.id > ?7)"
                               " ORDER BY r.last_updated, r.id"
                               " LIMIT ?8) k"
                               " JOIN resource_history h"
                               "   ON h.type = k.type AND h.id = k.id AND h.version_id = k.version_id"
                               " ORDER BY k.last_updated, k.id",
                               error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, type);
  bind_text (stmt, 2, filter->updated_ge != NULL ? filter->updated_ge : INSTANT_BELOW_ALL);
  bind_text (stmt, 3, filter->updated_gt != NULL ? filter->updated_gt : INSTANT_BELOW_ALL);
  bind_text (stmt, 4, filter->updated_le != NULL ? filter->updated_le : INSTANT_ABOVE_ALL);
  bind_text (stmt, 5, filter->updated_lt != NULL ? filter->updated_lt : INSTANT_ABOVE_ALL);
  bind_text (stmt, 6, after != NULL ? after->last_updated : INSTANT_BELOW_ALL);
  bind_text (stmt, 7, after != NULL ? after->id : "");
  sqlite3_bind_int (stmt, 8, (int) limit);
  if (filter->patient_id != NULL)
    bind_text (stmt, 9, filter->patient_id);

  return collect_versions (self, stmt, error);
}

/* TRUE when @a and @b hold the same content, meta aside. */
static gboolean
same_content (JsonObject *a,
              JsonObject *b)
{
  g_autoptr(JsonNode) meta_a = NULL;
  g_autoptr(JsonNode) meta_b = NULL;
  gboolean equal;

  /* Take meta out for the comparison and put it back afterwards. */
  if (json_object_has_member (a, "meta"))
    {
      meta_a = json_node_ref (json_object_get_member (a, "meta"));
      json_object_remove_member (a, "meta");
    }
  if (json_object_has_member (b, "meta"))
    {
      meta_b = json_node_ref (json_object_get_member (b, "meta"));
      json_object_remove_member (b, "meta");
    }

  equal = json_object_equal (a, b);

  if (meta_a != NULL)
    json_object_set_member (a, "meta", g_steal_pointer (&meta_a));
  if (meta_b != NULL)
    json_object_set_member (b, "meta", g_steal_pointer (&meta_b));

  return equal;
}

static void
set_conflict (GError     **error,
              const char  *current,
              const char  *if_match)
{
  g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_VERSION_CONFLICT,
               _("The record was changed elsewhere (now version %s, this edit was based on %s)"),
               current != NULL ? current : _("none"), if_match);
}

gboolean
kith_store_query_update (KithStore        *self,
                         JsonObject       *resource,
                         const char       *if_match,
                         KithStoreUpdate  *outcome,
                         GError          **error)
{
  g_autoptr(KithStoreVersion) current = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *type;
  const char *id;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);

  type = kith_fhir_get_string (resource, "resourceType");
  id = kith_fhir_get_string (resource, "id");
  if (!kith_fhir_is_known_type (type) || !kith_fhir_is_valid_id (id))
    {
      g_set_error_literal (error, KITH_STORE_ERROR, KITH_STORE_ERROR_INVALID,
                           _("The record has no known type or no valid id"));
      return FALSE;
    }

  json_object_remove_member (resource, "meta");

  if (!kith_store_begin (self, error))
    return FALSE;

  current = kith_store_query_current (self, type, id, &local_error);
  if (local_error != NULL)
    goto fail;

  if (current != NULL && current->resource != NULL && same_content (resource, current->resource))
    {
      kith_fhir_set_meta (resource, current->version_id, current->last_updated);
      if (outcome != NULL)
        *outcome = KITH_STORE_UPDATE_UNCHANGED;
      return kith_store_commit (self, error);
    }

  if (if_match != NULL && (current == NULL || g_strcmp0 (current->version_id, if_match) != 0))
    {
      set_conflict (&local_error, current != NULL ? current->version_id : NULL, if_match);
      goto fail;
    }

  if (!kith_store_save_resource (self, resource, if_match, &local_error))
    goto fail;

  if (outcome != NULL)
    *outcome = (current == NULL || current->resource == NULL) ? KITH_STORE_UPDATE_CREATED
                                                              : KITH_STORE_UPDATE_UPDATED;
  return kith_store_commit (self, error);

fail:
  kith_store_rollback (self);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
kith_store_query_delete (KithStore         *self,
                         const char        *type,
                         const char        *id,
                         const char        *if_match,
                         KithStoreVersion **tombstone,
                         GError           **error)
{
  g_autoptr(KithStoreVersion) current = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  g_return_val_if_fail (type != NULL && id != NULL, FALSE);

  if (tombstone != NULL)
    *tombstone = NULL;

  if (!kith_store_begin (self, error))
    return FALSE;

  current = kith_store_query_current (self, type, id, &local_error);
  if (local_error != NULL)
    goto fail;

  /* Absent or deleted already: done, whatever version was expected, so a
   * retried delete is harmless. */
  if (current == NULL || current->resource == NULL)
    {
      if (tombstone != NULL)
        *tombstone = g_steal_pointer (&current);
      return kith_store_commit (self, error);
    }

  if (if_match != NULL && g_strcmp0 (current->version_id, if_match) != 0)
    {
      set_conflict (&local_error, current->version_id, if_match);
      goto fail;
    }

  if (!kith_store_delete_resource (self, type, id, &local_error))
    goto fail;

  if (tombstone != NULL)
    {
      *tombstone = kith_store_query_current (self, type, id, &local_error);
      if (local_error != NULL)
        goto fail;
    }

  return kith_store_commit (self, error);

fail:
  if (tombstone != NULL)
    g_clear_pointer (tombstone, kith_store_version_free);
  kith_store_rollback (self);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
kith_store_query_in_transaction (KithStore *self)
{
  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  return !sqlite3_get_autocommit (kith_store_get_db (self));
}
