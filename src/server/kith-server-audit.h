/* kith-server-audit.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-store.h"

G_BEGIN_DECLS

/* What one AuditEvent records. Strings are borrowed. */
typedef struct
{
  gboolean     sign_in;      /* a sign-in, not a REST interaction */
  const char  *subtype;      /* FHIR restful-interaction code ("read", …), or "login" */
  char         action;       /* AuditEvent.action: C, R, U, D or E */
  guint        status;       /* the HTTP status answered */
  gint64       user_id;      /* 0 when no user is known */
  const char  *user_name;    /* for a sign-in, the name given */
  const char  *role;
  const char  *address;      /* the peer's IP address */
  const char  *what;         /* the request: "GET Patient/123" */
  const char  *entities;     /* "Type/id/_history/n" references, space separated */
  const char  *detail;       /* a word more, as why a sign-in failed */
  const char  *reason;       /* why, in the user's words (break-glass, export, print) */
  gboolean     for_review;   /* flagged for a team lead's review (break-glass) */
  GHashTable  *patients;     /* the people touched (a set of ids), or NULL */
} KithAuditRecord;

/* One recorded AuditEvent, as the table holds it. */
typedef struct
{
  gint64  id;
  char   *recorded;
  char   *type;              /* "rest" or "login" */
  char   *subtype;
  char   *action;
  char   *outcome;           /* 0, 4, 8 (AuditEvent.outcome) */
  guint   status;
  gint64  user_id;
  char   *user_name;
  char   *role;
  char   *address;
  char   *what;
  char   *entities;
  char   *detail;
  char   *reason;
  gboolean for_review;
  char   *display_name;      /* the user's name as people know it, when known */
} KithAuditEvent;

void        kith_audit_event_free           (KithAuditEvent        *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithAuditEvent, kith_audit_event_free)

/* Appends @record to the audit trail, inside the caller's transaction when
 * one is open (so it commits or rolls back with what it records). */
gboolean    kith_server_audit_write         (KithStore             *store,
                                             const KithAuditRecord *record,
                                             GError               **error);

/* The events that touched @patient_id, or that @user_name took part in
 * (one of the two), oldest first, as KithAuditEvent. */
GPtrArray  *kith_server_audit_list          (KithStore             *store,
                                             const char            *patient_id,
                                             const char            *user_name,
                                             GError               **error);

/* Break-glass granted (not the refused attempts, which are in the
 * person's trail), newest first. With @team, only those by that team's
 * users or about people of that team (a team lead's list). */
GPtrArray  *kith_server_audit_list_break_glass (KithStore          *store,
                                                const char         *team,
                                                GError            **error);

/* One line of plain text. */
char       *kith_audit_event_to_text        (const KithAuditEvent  *event);
/* The event as a FHIR R4 AuditEvent; @patient_id, when not NULL, is named
 * as an entity. */
JsonObject *kith_audit_event_to_fhir        (const KithAuditEvent  *event,
                                             const char            *patient_id);

G_END_DECLS
