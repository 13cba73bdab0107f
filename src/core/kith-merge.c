/* kith-merge.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-merge"

#include "config.h"

#include <string.h>

#include "kith-fhir.h"
#include "kith-merge.h"
#include "kith-types.h"

void
kith_merge_conflict_free (KithMergeConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->path);
  g_free (conflict->base);
  g_free (conflict->local);
  g_free (conflict->remote);
  g_free (conflict);
}

static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_node_equal (a, b);
}

static char *
node_text (JsonNode *node)
{
  return node ? json_to_string (node, FALSE) : NULL;
}

static void
add_conflict (GPtrArray  *conflicts,
              const char *path,
              JsonNode   *base,
              JsonNode   *local,
              JsonNode   *remote)
{
  KithMergeConflict *conflict = g_new0 (KithMergeConflict, 1);

  conflict->path = g_strdup (path);
  conflict->base = node_text (base);
  conflict->local = node_text (local);
  conflict->remote = node_text (remote);
  g_ptr_array_add (conflicts, conflict);
}

/* The key an array element is merged by: its "id", else its "url". */
static const char *
element_key (JsonNode   *element,
             const char *by)
{
  JsonNode *key;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    return NULL;
  key = json_object_get_member (json_node_get_object (element), by);
  /* CarePlan.activity nests it: {"reference": {"reference": "#action-1"}} */
  if (key && JSON_NODE_HOLDS_OBJECT (key) && g_str_equal (by, "reference"))
    key = json_object_get_member (json_node_get_object (key), "reference");
  if (key == NULL || json_node_get_value_type (key) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (key);
}

/* The member that names elements, if every element of every version has a
 * distinct one: "id", "url", a reference, or a questionnaire "linkId". */
static const char *
keyed_by (JsonArray *base,
          JsonArray *local,
          JsonArray *remote)
{
  static const char * const candidates[] = { "id", "url", "reference", "linkId" };
  JsonArray *arrays[] = { base, local, remote };

  for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
    {
      gboolean ok = TRUE;

      for (guint a = 0; a < G_N_ELEMENTS (arrays) && ok; a++)
        {
          g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

          if (arrays[a] == NULL)
            continue;
          for (guint i = 0; i < json_array_get_length (arrays[a]) && ok; i++)
            {
              const char *key = element_key (json_array_get_element (arrays[a], i), candidates[c]);

              ok = key != NULL && g_hash_table_add (seen, (gpointer) key);
            }
        }
      if (ok)
        return candidates[c];
    }
  return NULL;
}

static JsonNode *find_keyed (JsonArray  *array,
                             const char *by,
                             const char *key)
{
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    if (g_strcmp0 (element_key (json_array_get_element (array, i), by), key) == 0)
      return json_array_get_element (array, i);
  return NULL;
}

static JsonNode *merge_nodes (JsonNode   *base,
                              JsonNode   *local,
                              JsonNode   *remote,
                              const char *path,
                              GPtrArray  *conflicts);

static JsonNode *
merge_keyed_arrays (JsonArray  *base,
                    JsonArray  *local,
                    JsonArray  *remote,
                    const char *by,
                    const char *path,
                    GPtrArray  *conflicts)
{
  JsonArray *merged = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *order[] = { remote, local };

  /* Remote order first, then what only this side added. */
  for (guint o = 0; o < G_N_ELEMENTS (order); o++)
    for (guint i = 0; order[o] && i < json_array_get_length (order[o]); i++)
      {
        const char *key = element_key (json_array_get_element (order[o], i), by);
        g_autofree char *child_path = g_strdup_printf ("%s[%s]", path, key);
        JsonNode *result;

        if (!g_hash_table_add (done, (gpointer) key))
          continue;
        result = merge_nodes (find_keyed (base, by, key), find_keyed (local, by, key),
                              find_keyed (remote, by, key), child_path, conflicts);
        if (result)
          json_array_add_element (merged, result);
      }
  json_node_take_array (node, merged);
  return node;
}

static JsonNode *
merge_objects (JsonObject *base,
               JsonObject *local,
               JsonObject *remote,
               const char *path,
               GPtrArray  *conflicts)
{
  JsonObject *merged = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *order[] = { remote, local };

  for (guint o = 0; o < G_N_ELEMENTS (order); o++)
    {
      g_autoptr(GList) members = order[o] ? json_object_get_members (order[o]) : NULL;

      for (GList *l = members; l; l = l->next)
        {
          const char *name = l->data;
          g_autofree char *child_path = *path ? g_strdup_printf ("%s.%s", path, name) : g_strdup (name);
          JsonNode *result;

          if (!g_hash_table_add (done, (gpointer) name))
            continue;
          /* Versioning is the store's, set from @remote afterwards. */
          if (*path == '\0' && g_str_equal (name, "meta"))
            continue;
          result = merge_nodes (base ? json_object_get_member (base, name) : NULL,
                                local ? json_object_get_member (local, name) : NULL,
                                remote ? json_object_get_member (remote, name) : NULL,
                                child_path, conflicts);
          if (result)
            json_object_set_member (merged, name, result);
        }
    }
  json_node_take_object (node, merged);
  return node;
}

/* Fields that describe the edit itself (who saved it, what it changed):
 * every edit changes them, so they are never a conflict; the edit being
 * applied on top keeps its own. */
static gboolean
is_bookkeeping (const char *path)
{
  static const char * const paths[] = {
    "extension[" KITH_FHIR_SD "last-edited-by]",
    "extension[" KITH_FHIR_SD "change-summary]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (g_str_has_prefix (path, paths[i]))
      return TRUE;
  return FALSE;
}

/* NULL means absent, on input and output. */
static JsonNode *
merge_nodes (JsonNode   *base,
             JsonNode   *local,
             JsonNode   *remote,
             const char *path,
             GPtrArray  *conflicts)
{
  if (nodes_equal (local, remote))
    return local ? kith_json_deep_copy (local) : NULL;
  if (nodes_equal (base, local))
    return remote ? kith_json_deep_copy (remote) : NULL;   /* only remote changed */
  if (nodes_equal (base, remote))
    return local ? kith_json_deep_copy (local) : NULL;     /* only local changed */

  if (is_bookkeeping (path))
    return local ? kith_json_deep_copy (local) : NULL;

  /* Both changed, differently: go inside when both are still containers. */
  if (local && remote && JSON_NODE_HOLDS_OBJECT (local) && JSON_NODE_HOLDS_OBJECT (remote))
    return merge_objects (base && JSON_NODE_HOLDS_OBJECT (base) ? json_node_get_object (base) : NULL,
                          json_node_get_object (local), json_node_get_object (remote), path, conflicts);
  if (local && remote && JSON_NODE_HOLDS_ARRAY (local) && JSON_NODE_HOLDS_ARRAY (remote))
    {
      JsonArray *b = base && JSON_NODE_HOLDS_ARRAY (base) ? json_node_get_array (base) : NULL;
      const char *by = keyed_by (b, json_node_get_array (local), json_node_get_array (remote));

      if (by)
        return merge_keyed_arrays (b, json_node_get_array (local), json_node_get_array (remote), by, path, conflicts);
    }

  add_conflict (conflicts, path, base, local, remote);
  return remote ? kith_json_deep_copy (remote) : (local ? kith_json_deep_copy (local) : NULL);
}

JsonObject *
kith_merge_resources (JsonObject *base,
                      JsonObject *local,
                      JsonObject *remote,
                      GPtrArray  *conflicts)
{
  g_autoptr(JsonNode) merged = NULL;
  JsonObject *result;

  g_return_val_if_fail (local != NULL && remote != NULL && conflicts != NULL, NULL);

  merged = merge_objects (base, local, remote, "", conflicts);
  result = json_object_ref (json_node_get_object (merged));
  /* Versioning belongs to whoever stores the result. */
  if (json_object_has_member (remote, "meta"))
    json_object_set_member (result, "meta", kith_json_deep_copy (json_object_get_member (remote, "meta")));
  return result;
}
