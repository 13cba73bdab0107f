/* kith-server-response.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Every FHIR body this server sends carries this media type. */
#define KITH_SERVER_FHIR_CONTENT_TYPE "application/fhir+json; charset=utf-8"

/* FHIR R4 IssueType codes used by the server (http://hl7.org/fhir/issue-type). */
#define KITH_ISSUE_INVALID       "invalid"
#define KITH_ISSUE_NOT_FOUND     "not-found"
#define KITH_ISSUE_DELETED       "deleted"
#define KITH_ISSUE_NOT_SUPPORTED "not-supported"
#define KITH_ISSUE_TOO_COSTLY    "too-costly"
#define KITH_ISSUE_EXCEPTION     "exception"
#define KITH_ISSUE_CONFLICT      "conflict"
#define KITH_ISSUE_TRANSIENT     "transient"
#define KITH_ISSUE_NO_STORE      "no-store"
#define KITH_ISSUE_BUSINESS_RULE "business-rule"
#define KITH_ISSUE_TOO_LONG      "too-long"
#define KITH_ISSUE_LOGIN         "login"
#define KITH_ISSUE_THROTTLED     "throttled"
#define KITH_ISSUE_FORBIDDEN     "forbidden"
#define KITH_ISSUE_SUPPRESSED    "suppressed"

/* Builds a one-issue OperationOutcome. @diagnostics is shown to whoever
 * made the request, so it must never hold personal data. */
JsonObject *kith_server_outcome_new              (const char        *severity,
                                                  const char        *code,
                                                  const char        *diagnostics);
/* The same, with a FHIRPath @expression (such as "Bundle.entry[2]") saying
 * where the problem is. */
JsonObject *kith_server_outcome_new_at           (const char        *severity,
                                                  const char        *code,
                                                  const char        *diagnostics,
                                                  const char        *expression);

/* Sends @resource as the response body with @status. */
void        kith_server_respond_resource         (SoupServerMessage *msg,
                                                  guint              status,
                                                  JsonObject        *resource);
/* Sends an error OperationOutcome with @status. */
void        kith_server_respond_outcome          (SoupServerMessage *msg,
                                                  guint              status,
                                                  const char        *code,
                                                  const char        *diagnostics);
/* Sets ETag (W/"versionId") and Last-Modified (from meta.lastUpdated) when
 * @resource carries them. */
void        kith_server_set_version_headers      (SoupServerMessage *msg,
                                                  JsonObject        *resource);

/* How a failed core call answers: the HTTP status, the issue code and a
 * diagnostics text (transfer full) that never quotes the request. @type
 * is a known resource type or NULL. Unexpected failures are logged. */
guint       kith_server_describe_error           (const GError      *error,
                                                  const char        *type,
                                                  const char       **code,
                                                  char             **diagnostics);
/* Sends the OperationOutcome kith_server_describe_error() gives, with
 * Retry-After when the failure is passing. */
void        kith_server_respond_error            (SoupServerMessage *msg,
                                                  const GError      *error,
                                                  const char        *type);

G_END_DECLS
