/* fuzz-server-request.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for what kith-server does with a request body it has
 * not yet trusted: the body of a PUT [base]/[type]/[id] (parsed as one
 * resource with kith_fhir_parse_resource(), checked and stored with
 * kith_store_query_update()) and of a POST [base] (a transaction Bundle,
 * kith_server_transaction_run()). The same bytes go to both, straight to
 * the functions the handlers call, with no network, after the checks the
 * server makes first (UTF-8, at most 5 MB). Writes go to a throw-away
 * store and are rolled back, so every input starts from the same state.
 *
 *   fuzz-server-request -max_total_time=60 tests/fuzz/corpus
 */

#define G_LOG_DOMAIN "fuzz-server-request"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kith-core.h"
#include "kith-server-params.h"
#include "kith-server-transaction.h"
#include "kith-store-query.h"

/* As kith-fhir-server.c's KITH_FHIR_SERVER_MAX_BODY */
#define MAX_BODY (5 * 1024 * 1024)
#define BASE_URL "http://127.0.0.1:8765/fhir"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static KithStore *store;
static char *store_dir;

static void
remove_store (void)
{
  g_autofree char *command = NULL;

  g_clear_object (&store);
  if (store_dir == NULL)
    return;
  command = g_strdup_printf ("rm -rf '%s'", store_dir);
  if (!g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL))
    g_printerr ("Could not remove %s\n", store_dir);
  g_clear_pointer (&store_dir, g_free);
}

/* A server store with a few people, so that updates, deletes and reads
 * in a Bundle meet resources that are there. */
int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* A critical is a bug the input found, not noise: stop on it. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  /* Quiet: warnings about bad requests are expected by the thousand. */
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);

  store_dir = g_dir_make_tmp ("kith-fuzz-XXXXXX", &error);
  if (store_dir == NULL)
    g_error ("No temporary folder: %s", error->message);
  path = g_build_filename (store_dir, "kith.db", NULL);
  if (!(store = kith_store_open (path, &error)) ||
      !kith_demo_caseload_fill (store, 3, 1, &error))
    g_error ("No store to fuzz with: %s", error->message);
  atexit (remove_store);
  return 0;
}

/* What PUT [base]/[type]/[id] does with its body, once routed */
static void
run_update (const char *body,
            gsize       length)
{
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(GError) error = NULL;
  KithStoreUpdate outcome;
  const char *type;
  const char *id;

  if (!(resource = kith_fhir_parse_resource (body, length, &error)))
    return;
  type = kith_fhir_get_string (resource, "resourceType");
  id = kith_fhir_get_string (resource, "id");
  /* The URL's type and id, which the handler checks the body against */
  if (type == NULL || !kith_server_serves_type (type) || !kith_fhir_is_valid_id (id))
    return;

  if (!kith_store_begin (store, &error))
    g_error ("Could not begin: %s", error->message);
  if (!kith_store_query_update (store, resource, NULL, &outcome, &error))
    g_assert (error != NULL);
  kith_store_rollback (store);
}

/* What POST [base] does with a transaction Bundle */
static void
run_transaction (const char *body,
                 gsize       length)
{
  g_autoptr(GPtrArray) entities = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint status = 0;

  if (!kith_store_begin (store, &error))
    g_error ("Could not begin: %s", error->message);
  response = kith_server_transaction_run (store, body, length, BASE_URL, NULL, NULL,
                                          entities, patients, &status);
  kith_store_rollback (store);

  /* Always an answer to send: a Bundle with 200, or an OperationOutcome */
  g_assert (response != NULL);
  g_assert (status >= 200 && status < 600);
  node = json_node_init_object (json_node_alloc (), response);
  text = json_to_string (node, FALSE);
  g_assert (text != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *body = (const char *) data;

  /* The server answers these before parsing anything. */
  if (size == 0 || size > MAX_BODY || !g_utf8_validate_len (body, size, NULL))
    return 0;

  run_update (body, size);
  run_transaction (body, size);
  return 0;
}
