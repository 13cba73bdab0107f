/* kith-server-response.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <string.h>

#include "kith-fhir.h"
#include "kith-server-response.h"

JsonObject *
kith_server_outcome_new (const char *severity,
                         const char *code,
                         const char *diagnostics)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (severity != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "OperationOutcome");
  json_builder_set_member_name (builder, "issue");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "severity");
  json_builder_add_string_value (builder, severity);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  if (diagnostics != NULL)
    {
      json_builder_set_member_name (builder, "diagnostics");
      json_builder_add_string_value (builder, diagnostics);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);

  return json_object_ref (json_node_get_object (root));
}

void
kith_server_respond_resource (SoupServerMessage *msg,
                              guint              status,
                              JsonObject        *resource)
{
  g_autofree char *body = NULL;
  gsize length;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (resource != NULL);

  body = kith_fhir_to_string (resource, FALSE);
  length = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, KITH_SERVER_FHIR_CONTENT_TYPE,
                                    SOUP_MEMORY_TAKE, g_steal_pointer (&body), length);
}

void
kith_server_respond_outcome (SoupServerMessage *msg,
                             guint              status,
                             const char        *code,
                             const char        *diagnostics)
{
  g_autoptr(JsonObject) outcome = NULL;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (status >= 400);

  outcome = kith_server_outcome_new ("error", code, diagnostics);
  kith_server_respond_resource (msg, status, outcome);
}

void
kith_server_set_version_headers (SoupServerMessage *msg,
                                 JsonObject        *resource)
{
  SoupMessageHeaders *headers;
  JsonObject *meta = NULL;
  const char *version_id;
  const char *last_updated;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (resource != NULL);

  headers = soup_server_message_get_response_headers (msg);

  if (json_object_has_member (resource, "meta") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (resource, "meta")))
    meta = json_object_get_object_member (resource, "meta");
  if (meta == NULL)
    return;

  /* A versionId is a FHIR id ([A-Za-z0-9.-]{1,64}), so it is safe inside
   * quotes; anything else is left out rather than sent half-formed. */
  version_id = kith_fhir_get_string (meta, "versionId");
  if (version_id != NULL && kith_fhir_is_valid_id (version_id))
    {
      g_autofree char *etag = g_strdup_printf ("W/\"%s\"", version_id);

      soup_message_headers_replace (headers, "ETag", etag);
    }

  last_updated = kith_fhir_get_string (meta, "lastUpdated");
  if (last_updated != NULL)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (last_updated, NULL);

      if (when != NULL)
        {
          g_autoptr(GDateTime) when_utc = g_date_time_to_utc (when);
          g_autofree char *http_date = soup_date_time_to_string (when_utc, SOUP_DATE_HTTP);

          soup_message_headers_replace (headers, "Last-Modified", http_date);
        }
    }
}
