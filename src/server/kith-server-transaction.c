/* kith-server-transaction.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FHIR transaction Bundles (POST [base]). Entries may read (GET), update
 * or create (PUT, with optional request.ifMatch) and delete (DELETE, with
 * optional request.ifMatch). As FHIR asks, deletes run first, then puts,
 * then reads, whatever their order in the Bundle; the response lists them
 * in the Bundle's order. One failing entry undoes every other, and the
 * answer is that entry's status with an OperationOutcome naming its index.
 *
 * POST entries (server-assigned ids), conditional URLs and batch Bundles
 * are refused: Kith clients assign their own ids and use PUT.
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "kith-fhir.h"
#include "kith-server-params.h"
#include "kith-server-response.h"
#include "kith-server-transaction.h"
#include "kith-store-query.h"

/* Bundle → entry[] → entry → resource: the resource itself may then nest
 * as deep as a resource sent on its own. */
#define KITH_SERVER_BUNDLE_MAX_DEPTH (KITH_FHIR_MAX_DEPTH + 4)

typedef enum
{
  ENTRY_DELETE,
  ENTRY_PUT,
  ENTRY_GET,
  N_ENTRY_METHODS
} EntryMethod;

static const char * const method_names[N_ENTRY_METHODS] = { "DELETE", "PUT", "GET" };

typedef struct
{
  guint             index;
  EntryMethod       method;
  char             *type;
  char             *id;
  char             *version_id;   /* GET …/_history/[vid] */
  char             *if_match;
  JsonObject       *resource;     /* PUT: the new content; GET: what was read */

  /* The outcome */
  const char       *status_text;
  KithStoreVersion *version;      /* the version written, deleted or read */
} Entry;

/* Why a transaction failed; the first failure is the one reported. */
typedef struct
{
  guint  status;
  char  *code;
  char  *diagnostics;
  char  *expression;
} Failure;

static void
entry_free (Entry *entry)
{
  g_free (entry->type);
  g_free (entry->id);
  g_free (entry->version_id);
  g_free (entry->if_match);
  g_clear_pointer (&entry->resource, json_object_unref);
  g_clear_pointer (&entry->version, kith_store_version_free);
  g_free (entry);
}

static void
failure_clear (Failure *failure)
{
  g_clear_pointer (&failure->code, g_free);
  g_clear_pointer (&failure->diagnostics, g_free);
  g_clear_pointer (&failure->expression, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Failure, failure_clear)

/* Records a failure of the whole Bundle (@index < 0) or of one entry. */
static void
fail (Failure    *failure,
      int         index,
      guint       status,
      const char *code,
      const char *diagnostics)
{
  g_assert (failure->status == 0);

  failure->status = status;
  failure->code = g_strdup (code);
  if (index < 0)
    failure->diagnostics = g_strdup (diagnostics);
  else
    {
      failure->diagnostics = g_strdup_printf ("Entry %d failed, so nothing was applied: %s",
                                              index, diagnostics);
      failure->expression = g_strdup_printf ("Bundle.entry[%d]", index);
    }
}

static void
fail_with_error (Failure      *failure,
                 const Entry  *entry,
                 const GError *error)
{
  g_autofree char *diagnostics = NULL;
  g_autofree char *text = NULL;
  const char *code = NULL;
  guint status;

  status = kith_server_describe_error (error, entry->type, &code, &diagnostics);
  text = g_strdup_printf ("%s %s: %s", method_names[entry->method], entry->type, diagnostics);
  fail (failure, entry->index, status, code, text);
}

/* A failure of the store itself, not of one entry. */
static void
fail_with_store_error (Failure      *failure,
                       const GError *error)
{
  g_autofree char *diagnostics = NULL;
  const char *code = NULL;
  guint status;

  status = kith_server_describe_error (error, NULL, &code, &diagnostics);
  fail (failure, -1, status, code, diagnostics);
}

/* Walks the text once, counting nesting outside strings, so hostile input
 * such as "[[[[…" is refused before json-glib recurses into it. */
static gboolean
nesting_within (const char *json,
                gsize       length,
                int         max_depth)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = json[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if (c == '}' || c == ']')
        depth--;
    }

  return TRUE;
}

static JsonObject *
get_object_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Splits "Type/id" or "Type/id/_history/vid" (after an optional base). */
static gboolean
parse_entry_url (const char  *url,
                 const char  *base_url,
                 Entry       *entry,
                 const char **problem)
{
  g_auto(GStrv) parts = NULL;
  guint n_parts;

  if (url == NULL)
    {
      *problem = "request.url is missing";
      return FALSE;
    }
  if (base_url != NULL && g_str_has_prefix (url, base_url) && url[strlen (base_url)] == '/')
    url += strlen (base_url) + 1;

  if (strpbrk (url, "?#") != NULL)
    {
      *problem = "conditional and search URLs are not supported in transactions";
      return FALSE;
    }

  parts = g_strsplit (url, "/", 5);
  n_parts = g_strv_length (parts);
  if (n_parts != 2 && !(n_parts == 4 && g_str_equal (parts[2], "_history")))
    {
      *problem = "request.url must be Type/id (or Type/id/_history/vid for GET)";
      return FALSE;
    }
  if (!kith_server_serves_type (parts[0]))
    {
      *problem = "request.url names a resource type this server does not serve";
      return FALSE;
    }
  if (!kith_fhir_is_valid_id (parts[1]) || (n_parts == 4 && !kith_fhir_is_valid_id (parts[3])))
    {
      *problem = "request.url holds an id that is not a valid FHIR id";
      return FALSE;
    }

  entry->type = g_strdup (parts[0]);
  entry->id = g_strdup (parts[1]);
  if (n_parts == 4)
    entry->version_id = g_strdup (parts[3]);

  return TRUE;
}

/* Reads entry @index of the Bundle into an Entry, or fails. */
static Entry *
parse_entry (JsonNode   *node,
             guint       index,
             const char *base_url,
             Failure    *failure)
{
  Entry *entry;
  JsonObject *object, *request, *resource;
  const char *method, *if_match;
  const char *problem = NULL;

  entry = g_new0 (Entry, 1);
  entry->index = index;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
            "the entry is not an object");
      goto out;
    }
  object = json_node_get_object (node);
  request = get_object_member (object, "request");
  if (request == NULL)
    {
      fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID, "request is missing");
      goto out;
    }

  method = kith_fhir_get_string (request, "method");
  if (g_strcmp0 (method, "PUT") == 0)
    entry->method = ENTRY_PUT;
  else if (g_strcmp0 (method, "DELETE") == 0)
    entry->method = ENTRY_DELETE;
  else if (g_strcmp0 (method, "GET") == 0)
    entry->method = ENTRY_GET;
  else if (g_strcmp0 (method, "POST") == 0 || g_strcmp0 (method, "PATCH") == 0 ||
           g_strcmp0 (method, "HEAD") == 0)
    {
      fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_NOT_SUPPORTED,
            "only GET, PUT and DELETE entries are supported (ids are assigned by the client)");
      goto out;
    }
  else
    {
      fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
            "request.method is missing or not an HTTP method");
      goto out;
    }

  if (!parse_entry_url (kith_fhir_get_string (request, "url"), base_url, entry, &problem))
    {
      fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID, problem);
      goto out;
    }
  if (entry->version_id != NULL && entry->method != ENTRY_GET)
    {
      fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
            "only GET may name a version in request.url");
      goto out;
    }

  if (json_object_has_member (request, "ifMatch"))
    {
      if_match = kith_fhir_get_string (request, "ifMatch");
      entry->if_match = kith_server_parse_if_match (if_match);
      if (entry->if_match == NULL || entry->method == ENTRY_GET)
        {
          fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                "request.ifMatch must name one version, as W/\"3\", on a PUT or DELETE");
          goto out;
        }
    }
  if (json_object_has_member (request, "ifNoneMatch") ||
      json_object_has_member (request, "ifNoneExist") ||
      json_object_has_member (request, "ifModifiedSince"))
    {
      fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_NOT_SUPPORTED,
            "only request.ifMatch is supported among the conditions");
      goto out;
    }

  resource = get_object_member (object, "resource");
  if (entry->method == ENTRY_PUT)
    {
      if (resource == NULL)
        {
          fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                "a PUT entry needs a resource");
          goto out;
        }
      if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), entry->type) != 0)
        {
          fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                "the resource's resourceType does not match request.url");
          goto out;
        }
      if (g_strcmp0 (kith_fhir_get_string (resource, "id"), entry->id) != 0)
        {
          fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                "the resource's id is missing or does not match request.url");
          goto out;
        }
      entry->resource = json_object_ref (resource);
    }
  else if (resource != NULL)
    {
      fail (failure, index, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
            "only a PUT entry may carry a resource");
      goto out;
    }

out:
  if (failure->status != 0)
    {
      entry_free (entry);
      return NULL;
    }
  return entry;
}

/* Asks @check about @entry; FALSE after recording the failure. */
static gboolean
entry_allowed (KithStore            *store,
               Entry                *entry,
               KithTransactionCheck  check,
               gpointer              check_data,
               Failure              *failure)
{
  g_autoptr(KithStoreVersion) current = NULL;
  g_autofree char *diagnostics = NULL;
  const char *code = NULL;
  guint status;

  if (check == NULL)
    return TRUE;
  if (entry->method == ENTRY_GET)
    status = check ("GET", entry->type, entry->id, entry->resource, NULL, &code, &diagnostics,
                    check_data);
  else
    {
      g_autoptr(GError) error = NULL;

      current = kith_store_query_current (store, entry->type, entry->id, &error);
      if (error != NULL)
        {
          fail_with_error (failure, entry, error);
          return FALSE;
        }
      status = check (method_names[entry->method], entry->type, entry->id,
                      current != NULL ? current->resource : NULL,
                      entry->method == ENTRY_PUT ? entry->resource : NULL,
                      &code, &diagnostics, check_data);
    }
  if (status == 0)
    return TRUE;
  fail (failure, (int) entry->index, status, code, diagnostics);
  return FALSE;
}

static void
apply_entry (KithStore            *store,
             Entry                *entry,
             KithTransactionCheck  check,
             gpointer              check_data,
             Failure              *failure,
             char                **patient_out)
{
  g_autoptr(GError) error = NULL;
  KithStoreUpdate outcome;

  if (entry->method != ENTRY_GET && !entry_allowed (store, entry, check, check_data, failure))
    return;

  switch (entry->method)
    {
    case ENTRY_DELETE:
      /* Whose record it was, for the audit trail, before it goes. */
      if (patient_out != NULL)
        {
          g_autoptr(KithStoreVersion) current =
            kith_store_query_current (store, entry->type, entry->id, NULL);

          if (current != NULL && current->resource != NULL)
            *patient_out = g_strdup (kith_fhir_resource_patient (current->resource));
        }
      if (!kith_store_query_delete (store, entry->type, entry->id, entry->if_match,
                                    &entry->version, &error))
        {
          fail_with_error (failure, entry, error);
          return;
        }
      entry->status_text = "204 No Content";
      break;

    case ENTRY_PUT:
      if (!kith_store_query_update (store, entry->resource, entry->if_match, &outcome, &error))
        {
          fail_with_error (failure, entry, error);
          return;
        }
      entry->version = g_new0 (KithStoreVersion, 1);
      entry->version->type = g_strdup (entry->type);
      entry->version->id = g_strdup (entry->id);
      entry->version->version_id = g_strdup (kith_fhir_get_version_id (entry->resource));
      entry->version->last_updated = g_strdup (kith_fhir_get_last_updated (entry->resource));
      entry->status_text = outcome == KITH_STORE_UPDATE_CREATED ? "201 Created" : "200 OK";
      break;

    case ENTRY_GET:
      if (entry->version_id != NULL)
        entry->resource = kith_store_read_version (store, entry->type, entry->id,
                                                   entry->version_id, &error);
      else
        entry->resource = kith_store_read_resource (store, entry->type, entry->id, &error);
      if (entry->resource == NULL)
        {
          fail_with_error (failure, entry, error);
          return;
        }
      if (!entry_allowed (store, entry, check, check_data, failure))
        return;
      entry->status_text = "200 OK";
      break;

    case N_ENTRY_METHODS:
    default:
      g_assert_not_reached ();
    }
}

static void
add_entry_response (JsonBuilder *builder,
                    Entry       *entry)
{
  KithStoreVersion *version = entry->version;
  const char *version_id = NULL;
  const char *last_updated = NULL;

  if (version != NULL)
    {
      version_id = version->version_id;
      last_updated = version->last_updated;
    }
  else if (entry->resource != NULL)
    {
      version_id = kith_fhir_get_version_id (entry->resource);
      last_updated = kith_fhir_get_last_updated (entry->resource);
    }

  json_builder_begin_object (builder);
  if (entry->method == ENTRY_GET)
    {
      JsonNode *node = json_node_alloc ();

      json_node_init_object (node, entry->resource);
      json_builder_set_member_name (builder, "resource");
      json_builder_add_value (builder, node);
    }
  json_builder_set_member_name (builder, "response");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, entry->status_text);
  if (version_id != NULL && kith_fhir_is_valid_id (version_id))
    {
      g_autofree char *etag = g_strdup_printf ("W/\"%s\"", version_id);

      if (entry->method == ENTRY_PUT)
        {
          g_autofree char *location = g_strdup_printf ("%s/%s/_history/%s", entry->type,
                                                       entry->id, version_id);

          json_builder_set_member_name (builder, "location");
          json_builder_add_string_value (builder, location);
        }
      json_builder_set_member_name (builder, "etag");
      json_builder_add_string_value (builder, etag);
    }
  if (last_updated != NULL)
    {
      json_builder_set_member_name (builder, "lastModified");
      json_builder_add_string_value (builder, last_updated);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static JsonObject *
build_response (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = kith_fhir_new_id ();
  g_autofree char *now = kith_fhir_now_instant ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "Bundle");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "lastUpdated");
  json_builder_add_string_value (builder, now);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "transaction-response");
  json_builder_set_member_name (builder, "entry");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    add_entry_response (builder, g_ptr_array_index (entries, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);

  return json_object_ref (json_node_get_object (root));
}

/* Parses the Bundle and its entries, or fails. */
static GPtrArray *
parse_bundle (const char *body,
              gsize       length,
              const char *base_url,
              Failure    *failure)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) written = NULL;
  JsonObject *bundle;
  JsonNode *root, *entry_node;
  JsonArray *entry_array = NULL;
  const char *type;
  guint n_entries = 0;

  if (length == 0 || !g_utf8_validate_len (body, length, NULL))
    {
      fail (failure, -1, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
            "The body is empty or not UTF-8 text");
      return NULL;
    }
  if (!nesting_within (body, length, KITH_SERVER_BUNDLE_MAX_DEPTH))
    {
      fail (failure, -1, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
            "The body is nested too deeply");
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, body, length, NULL))
    {
      fail (failure, -1, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID, "The body is not valid JSON");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      g_strcmp0 (kith_fhir_get_string (json_node_get_object (root), "resourceType"),
                 "Bundle") != 0)
    {
      fail (failure, -1, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
            "POST to the base takes a transaction Bundle");
      return NULL;
    }
  bundle = json_node_get_object (root);

  type = kith_fhir_get_string (bundle, "type");
  if (g_strcmp0 (type, "batch") == 0)
    {
      fail (failure, -1, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_NOT_SUPPORTED,
            "Batch Bundles are not supported; send a transaction Bundle");
      return NULL;
    }
  if (g_strcmp0 (type, "transaction") != 0)
    {
      fail (failure, -1, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
            "The Bundle's type must be transaction");
      return NULL;
    }

  entry_node = json_object_get_member (bundle, "entry");
  if (entry_node != NULL && !JSON_NODE_HOLDS_NULL (entry_node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (entry_node))
        {
          fail (failure, -1, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                "The Bundle's entry must be an array");
          return NULL;
        }
      entry_array = json_node_get_array (entry_node);
      n_entries = json_array_get_length (entry_array);
    }
  if (n_entries > KITH_SERVER_TRANSACTION_MAX_ENTRIES)
    {
      g_autofree char *text =
        g_strdup_printf ("A transaction may hold at most %d entries",
                         KITH_SERVER_TRANSACTION_MAX_ENTRIES);

      fail (failure, -1, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, KITH_ISSUE_TOO_COSTLY, text);
      return NULL;
    }

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n_entries; i++)
    {
      Entry *entry = parse_entry (json_array_get_element (entry_array, i), i, base_url, failure);
      g_autofree char *key = NULL;

      if (entry == NULL)
        return NULL;
      g_ptr_array_add (entries, entry);

      if (entry->method == ENTRY_GET)
        continue;
      key = g_strconcat (entry->type, "/", entry->id, NULL);
      if (!g_hash_table_add (written, g_steal_pointer (&key)))
        {
          fail (failure, i, SOUP_STATUS_BAD_REQUEST, KITH_ISSUE_INVALID,
                "the same resource is changed by an earlier entry too");
          return NULL;
        }
    }

  return g_steal_pointer (&entries);
}

/* What the audit trail records of a transaction that went through. */
static void
note_touched (GPtrArray  *entries,
              GPtrArray  *deleted_from,
              GPtrArray  *entities,
              GHashTable *patients)
{
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      const char *version_id = entry->version != NULL ? entry->version->version_id
                                                      : entry->version_id;
      JsonObject *resource = entry->method == ENTRY_DELETE ? NULL : entry->resource;

      if (entities != NULL && version_id != NULL)
        g_ptr_array_add (entities, g_strdup_printf ("%s/%s/_history/%s", entry->type, entry->id,
                                                    version_id));
      else if (entities != NULL)
        g_ptr_array_add (entities, g_strdup_printf ("%s/%s", entry->type, entry->id));

      if (patients == NULL)
        continue;
      if (g_str_equal (entry->type, "Patient"))
        g_hash_table_add (patients, g_strdup (entry->id));
      else if (resource != NULL && kith_fhir_resource_patient (resource) != NULL)
        g_hash_table_add (patients, g_strdup (kith_fhir_resource_patient (resource)));
    }
  for (guint i = 0; patients != NULL && i < deleted_from->len; i++)
    g_hash_table_add (patients, g_strdup (g_ptr_array_index (deleted_from, i)));
}

JsonObject *
kith_server_transaction_run (KithStore            *store,
                             const char           *body,
                             gsize                 length,
                             const char           *base_url,
                             KithTransactionCheck  check,
                             gpointer              check_data,
                             GPtrArray            *entities,
                             GHashTable           *patients,
                             guint                *status)
{
  g_autoptr(GPtrArray) deleted_from = g_ptr_array_new_with_free_func (g_free);
  g_auto(Failure) failure = { 0, NULL, NULL, NULL };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  entries = parse_bundle (body, length, base_url, &failure);
  if (entries == NULL)
    goto failed;

  if (!kith_store_begin (store, &error))
    {
      fail_with_store_error (&failure, error);
      goto failed;
    }

  for (guint method = 0; method < N_ENTRY_METHODS && failure.status == 0; method++)
    {
      for (guint i = 0; i < entries->len && failure.status == 0; i++)
        {
          Entry *entry = g_ptr_array_index (entries, i);

          if (entry->method == method)
            {
              char *patient_id = NULL;

              apply_entry (store, entry, check, check_data, &failure,
                           patients != NULL ? &patient_id : NULL);
              if (patient_id != NULL)
                g_ptr_array_add (deleted_from, patient_id);
            }
        }
    }

  if (failure.status != 0)
    {
      kith_store_rollback (store);
      goto failed;
    }
  if (!kith_store_commit (store, &error))
    {
      fail_with_store_error (&failure, error);
      goto failed;
    }

  note_touched (entries, deleted_from, entities, patients);
  *status = SOUP_STATUS_OK;
  return build_response (entries);

failed:
  *status = failure.status;
  return kith_server_outcome_new_at ("error", failure.code, failure.diagnostics,
                                     failure.expression);
}
