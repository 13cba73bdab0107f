/* kith-server-response.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <string.h>

#include "kith-fhir.h"
#include "kith-patient.h"
#include "kith-server-response.h"
#include "kith-store.h"

JsonObject *
kith_server_outcome_new (const char *severity,
                         const char *code,
                         const char *diagnostics)
{
  return kith_server_outcome_new_at (severity, code, diagnostics, NULL);
}

JsonObject *
kith_server_outcome_new_at (const char *severity,
                            const char *code,
                            const char *diagnostics,
                            const char *expression)
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
  if (expression != NULL)
    {
      json_builder_set_member_name (builder, "expression");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, expression);
      json_builder_end_array (builder);
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

guint
kith_server_describe_error (const GError  *error,
                            const char    *type,
                            const char   **code,
                            char         **diagnostics)
{
  g_return_val_if_fail (error != NULL, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  g_return_val_if_fail (code != NULL && diagnostics != NULL, SOUP_STATUS_INTERNAL_SERVER_ERROR);

  if (type == NULL)
    type = "requested";

  /* Every text is written here, never taken from the error: messages from
   * below may quote what they refused. */
  if (error->domain == KITH_STORE_ERROR)
    {
      switch ((KithStoreError) error->code)
        {
        case KITH_STORE_ERROR_NOT_FOUND:
        case KITH_STORE_ERROR_WRONG_TYPE:
          *code = KITH_ISSUE_NOT_FOUND;
          *diagnostics = g_strdup_printf ("No %s resource or version has that id", type);
          return SOUP_STATUS_NOT_FOUND;

        case KITH_STORE_ERROR_GONE:
          *code = KITH_ISSUE_DELETED;
          *diagnostics = g_strdup_printf ("That %s resource has been deleted", type);
          return SOUP_STATUS_GONE;

        case KITH_STORE_ERROR_VERSION_CONFLICT:
          *code = KITH_ISSUE_CONFLICT;
          *diagnostics = g_strdup_printf ("The %s resource has changed since the version named in "
                                          "If-Match: read the current version and merge", type);
          return SOUP_STATUS_PRECONDITION_FAILED;

        case KITH_STORE_ERROR_INVALID:
          *code = KITH_ISSUE_INVALID;
          *diagnostics = g_strdup_printf ("The %s resource is not valid", type);
          return SOUP_STATUS_BAD_REQUEST;

        case KITH_STORE_ERROR_BUSY:
          *code = KITH_ISSUE_TRANSIENT;
          *diagnostics = g_strdup ("The store is busy; try again shortly");
          return SOUP_STATUS_SERVICE_UNAVAILABLE;

        case KITH_STORE_ERROR_DISK_FULL:
          *code = KITH_ISSUE_NO_STORE;
          *diagnostics = g_strdup ("The server has no room to store this now; nothing was changed");
          return SOUP_STATUS_SERVICE_UNAVAILABLE;

        case KITH_STORE_ERROR_OPEN:
        case KITH_STORE_ERROR_CORRUPT:
        case KITH_STORE_ERROR_NOT_KITH:
        case KITH_STORE_ERROR_NEWER_SCHEMA:
        case KITH_STORE_ERROR_FAILED:
        default:
          break;
        }
    }
  else if (error->domain == KITH_PATIENT_ERROR)
    {
      *code = KITH_ISSUE_BUSINESS_RULE;
      switch ((KithPatientError) error->code)
        {
        case KITH_PATIENT_ERROR_INVALID_NHS_NUMBER:
          *diagnostics = g_strdup ("The Patient's NHS number is not valid");
          break;
        case KITH_PATIENT_ERROR_INVALID_BIRTH_DATE:
          *diagnostics = g_strdup ("The Patient's birth date is not a real past date");
          break;
        case KITH_PATIENT_ERROR_MISSING_NAME:
          *diagnostics = g_strdup ("A Patient needs at least a family name or a given name");
          break;
        case KITH_PATIENT_ERROR_INVALID_RESOURCE:
        default:
          *diagnostics = g_strdup ("The Patient resource is not valid");
          break;
        }
      return SOUP_STATUS_UNPROCESSABLE_ENTITY;
    }
  else if (error->domain == KITH_FHIR_ERROR)
    {
      *code = KITH_ISSUE_INVALID;
      switch ((KithFhirError) error->code)
        {
        case KITH_FHIR_ERROR_MALFORMED:
          *diagnostics = g_strdup_printf ("The body is not JSON, or is nested more than "
                                          "%d levels deep", KITH_FHIR_MAX_DEPTH);
          break;
        case KITH_FHIR_ERROR_NOT_RESOURCE:
          *diagnostics = g_strdup ("The body is not a FHIR resource "
                                   "(a JSON object with a resourceType)");
          break;
        case KITH_FHIR_ERROR_UNKNOWN_TYPE:
          *diagnostics = g_strdup ("The body's resourceType is not one this server holds");
          break;
        case KITH_FHIR_ERROR_INVALID_ID:
        default:
          *diagnostics = g_strdup ("The body's id is not a valid FHIR id");
          break;
        }
      return SOUP_STATUS_BAD_REQUEST;
    }

  /* Store messages name tables and sqlite states, never record contents. */
  g_warning ("Store failure on a %s resource: %s (%s %d)", type, error->message,
             g_quark_to_string (error->domain), error->code);
  *code = KITH_ISSUE_EXCEPTION;
  *diagnostics = g_strdup ("Internal server error");

  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

void
kith_server_respond_error (SoupServerMessage *msg,
                           const GError      *error,
                           const char        *type)
{
  g_autofree char *diagnostics = NULL;
  const char *code = NULL;
  guint status;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (error != NULL);

  status = kith_server_describe_error (error, type, &code, &diagnostics);
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Retry-After", "1");
  kith_server_respond_outcome (msg, status, code, diagnostics);
}
