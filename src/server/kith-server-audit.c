/* kith-server-audit.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audit trail: one row of audit_event per AuditEvent (who, when, what,
 * outcome, from where), and one row of audit_patient per person it
 * touched. Both tables refuse UPDATE and DELETE (triggers, created in
 * kith-server-auth.c), so the trail only ever grows.
 *
 * The server writes each request's event in the same store transaction
 * as the request's own work (the group-commit batch), which costs an
 * insert or two and no extra sync to disk.
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <string.h>

#include "kith-fhir.h"
#include "kith-server-audit.h"
#include "kith-store-private.h"

#define AUDIT_TYPE_SYSTEM     "http://terminology.hl7.org/CodeSystem/audit-event-type"
#define DICOM_SYSTEM          "http://dicom.nema.org/resources/ontology/DCM"
#define INTERACTION_SYSTEM    "http://hl7.org/fhir/restful-interaction"
#define KITH_USER_SYSTEM      "https://kith.care/fhir/sid/server-user"
#define KITH_AUDIT_SUBTYPE_SYSTEM "https://kith.example/fhir/CodeSystem/audit-subtype"
#define ACT_REASON_SYSTEM     "http://terminology.hl7.org/CodeSystem/v3-ActReason"
#define KITH_FOR_REVIEW_URL   "https://kith.example/fhir/StructureDefinition/for-review"

void
kith_audit_event_free (KithAuditEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->recorded);
  g_free (event->type);
  g_free (event->subtype);
  g_free (event->action);
  g_free (event->outcome);
  g_free (event->user_name);
  g_free (event->role);
  g_free (event->address);
  g_free (event->what);
  g_free (event->entities);
  g_free (event->detail);
  g_free (event->reason);
  g_free (event->display_name);
  g_free (event);
}

/* AuditEvent.outcome: 0 success, 4 minor failure (the request was
 * refused), 8 serious failure (the server failed). */
static const char *
outcome_for_status (guint status)
{
  if (status < 400)
    return "0";
  if (status < 500)
    return "4";
  return "8";
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           column,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, column);
}

gboolean
kith_server_audit_write (KithStore              *store,
                         const KithAuditRecord  *record,
                         GError                **error)
{
  g_autofree char *now = kith_fhir_now_instant ();
  char action[2] = { record->action, '\0' };
  sqlite3_stmt *stmt;
  gint64 event_id;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (record->subtype != NULL && record->what != NULL, FALSE);

  if (!(stmt = kith_store_prepare (store,
                                   "INSERT INTO audit_event (recorded, type, subtype, action,"
                                   "  outcome, status, user_id, user_name, role, address, what,"
                                   "  entities, detail, reason, for_review)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                                   "  ?14, ?15)",
                                   error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record->sign_in ? "login" : "rest", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, record->subtype, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, outcome_for_status (record->status), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, (int) record->status);
  if (record->user_id > 0)
    sqlite3_bind_int64 (stmt, 7, record->user_id);
  else
    sqlite3_bind_null (stmt, 7);
  bind_text_or_null (stmt, 8, record->user_name);
  bind_text_or_null (stmt, 9, record->role);
  bind_text_or_null (stmt, 10, record->address);
  sqlite3_bind_text (stmt, 11, record->what, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 12, record->entities != NULL && record->entities[0] != '\0'
                                 ? record->entities : NULL);
  bind_text_or_null (stmt, 13, record->detail);
  bind_text_or_null (stmt, 14, record->reason);
  sqlite3_bind_int (stmt, 15, record->for_review ? 1 : 0);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return FALSE;
    }
  event_id = sqlite3_last_insert_rowid (kith_store_get_db (store));

  if (record->patients != NULL && g_hash_table_size (record->patients) > 0)
    {
      GHashTableIter iter;
      gpointer patient_id;

      if (!(stmt = kith_store_prepare (store, "INSERT OR IGNORE INTO audit_patient (patient_id,"
                                              "  event_id) VALUES (?1, ?2)", error)))
        return FALSE;
      g_hash_table_iter_init (&iter, record->patients);
      while (g_hash_table_iter_next (&iter, &patient_id, NULL))
        {
          sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 2, event_id);
          rc = sqlite3_step (stmt);
          sqlite3_reset (stmt);
          if (rc != SQLITE_DONE)
            {
              sqlite3_clear_bindings (stmt);
              kith_store_set_error (store, rc, error);
              return FALSE;
            }
        }
      sqlite3_clear_bindings (stmt);
    }

  return TRUE;
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

#define EVENT_COLUMNS \
  "e.id, e.recorded, e.type, e.subtype, e.action, e.outcome, e.status, e.user_id, " \
  "e.user_name, e.role, e.address, e.what, e.entities, e.detail, e.reason, e.for_review, " \
  "(SELECT display_name FROM server_user WHERE id = e.user_id)"

static KithAuditEvent *
read_event (sqlite3_stmt *stmt)
{
  KithAuditEvent *event = g_new0 (KithAuditEvent, 1);

  event->id = sqlite3_column_int64 (stmt, 0);
  event->recorded = dup_column (stmt, 1);
  event->type = dup_column (stmt, 2);
  event->subtype = dup_column (stmt, 3);
  event->action = dup_column (stmt, 4);
  event->outcome = dup_column (stmt, 5);
  event->status = (guint) sqlite3_column_int (stmt, 6);
  event->user_id = sqlite3_column_int64 (stmt, 7);
  event->user_name = dup_column (stmt, 8);
  event->role = dup_column (stmt, 9);
  event->address = dup_column (stmt, 10);
  event->what = dup_column (stmt, 11);
  event->entities = dup_column (stmt, 12);
  event->detail = dup_column (stmt, 13);
  event->reason = dup_column (stmt, 14);
  event->for_review = sqlite3_column_int (stmt, 15) != 0;
  event->display_name = dup_column (stmt, 16);
  return event;
}

/* Every row of @stmt (bound already) as KithAuditEvent; resets it. */
static GPtrArray *
read_events (KithStore     *store,
             sqlite3_stmt  *stmt,
             GError       **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_audit_event_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, read_event (stmt));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&events);
}

GPtrArray *
kith_server_audit_list (KithStore   *store,
                        const char  *patient_id,
                        const char  *user_name,
                        GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail ((patient_id == NULL) != (user_name == NULL), NULL);

  if (patient_id != NULL)
    stmt = kith_store_prepare (store, "SELECT " EVENT_COLUMNS " FROM audit_patient p"
                                      " JOIN audit_event e ON e.id = p.event_id"
                                      " WHERE p.patient_id = ?1 ORDER BY e.id", error);
  else
    stmt = kith_store_prepare (store, "SELECT " EVENT_COLUMNS " FROM audit_event e"
                                      " WHERE e.user_name = ?1 COLLATE NOCASE"
                                      "  OR e.user_id = (SELECT id FROM server_user"
                                      "                  WHERE username = ?1)"
                                      " ORDER BY e.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id != NULL ? patient_id : user_name, -1, SQLITE_TRANSIENT);
  return read_events (store, stmt, error);
}

GPtrArray *
kith_server_audit_list_break_glass (KithStore   *store,
                                    const char  *team,
                                    GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  /* Teams are compared as people type them: case aside. */
  stmt = kith_store_prepare (store, "SELECT " EVENT_COLUMNS " FROM audit_event e"
                                    " WHERE e.subtype = 'break-glass' AND e.for_review = 1"
                                    "  AND (?1 IS NULL"
                                    "   OR EXISTS (SELECT 1 FROM server_user u WHERE u.id = e.user_id"
                                    "              AND u.team = ?1 COLLATE NOCASE)"
                                    "   OR EXISTS (SELECT 1 FROM audit_patient p"
                                    "              JOIN patient_index i ON i.id = p.patient_id"
                                    "              WHERE p.event_id = e.id AND i.team = ?1 COLLATE NOCASE))"
                                    " ORDER BY e.id DESC", error);
  if (stmt == NULL)
    return NULL;
  if (team != NULL)
    sqlite3_bind_text (stmt, 1, team, -1, SQLITE_TRANSIENT);
  return read_events (store, stmt, error);
}

static const char *
outcome_words (const char *outcome)
{
  if (g_strcmp0 (outcome, "0") == 0)
    return "success";
  if (g_strcmp0 (outcome, "4") == 0)
    return "refused";
  return "failed";
}

char *
kith_audit_event_to_text (const KithAuditEvent *event)
{
  GString *line = g_string_new (NULL);

  g_return_val_if_fail (event != NULL, NULL);

  g_string_append_printf (line, "%s  %-16s %s  %u %-7s  ", event->recorded, event->subtype,
                          event->action, event->status, outcome_words (event->outcome));
  if (event->user_name != NULL)
    g_string_append (line, event->user_name);
  else
    g_string_append (line, "(no user)");
  if (event->role != NULL)
    g_string_append_printf (line, " (%s)", event->role);
  if (event->address != NULL)
    g_string_append_printf (line, " from %s", event->address);
  g_string_append_printf (line, ": %s", event->what);
  if (event->entities != NULL)
    g_string_append_printf (line, " [%s]", event->entities);
  if (event->detail != NULL)
    g_string_append_printf (line, " (%s)", event->detail);
  if (event->reason != NULL)
    g_string_append_printf (line, " reason: \"%s\"", event->reason);
  if (event->for_review)
    g_string_append (line, " [for review]");

  return g_string_free (line, FALSE);
}

static void
add_coding (JsonBuilder *builder,
            const char  *system,
            const char  *code,
            const char  *display)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "system");
  json_builder_add_string_value (builder, system);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  if (display != NULL)
    {
      json_builder_set_member_name (builder, "display");
      json_builder_add_string_value (builder, display);
    }
  json_builder_end_object (builder);
}

/* FHIR's restful-interaction codes; Kith's own events (break-glass,
 * export, print) have codes of Kith's. */
static gboolean
is_rest_interaction (const char *subtype)
{
  static const char * const codes[] = {
    "read", "vread", "update", "patch", "delete", "history", "history-instance", "history-type",
    "history-system", "create", "search", "search-type", "search-system", "capabilities",
    "transaction", "batch", "operation", NULL
  };

  return subtype != NULL && g_strv_contains (codes, subtype);
}

static void
add_entity (JsonBuilder *builder,
            const char  *reference)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "what");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, reference);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

JsonObject *
kith_audit_event_to_fhir (const KithAuditEvent *event,
                          const char           *patient_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, event->id);
  gboolean sign_in = g_strcmp0 (event->type, "login") == 0;
  g_auto(GStrv) entities = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "AuditEvent");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);

  json_builder_set_member_name (builder, "type");
  if (sign_in)
    add_coding (builder, DICOM_SYSTEM, "110114", "User Authentication");
  else
    add_coding (builder, AUDIT_TYPE_SYSTEM, "rest", "RESTful Operation");
  json_builder_set_member_name (builder, "subtype");
  json_builder_begin_array (builder);
  if (sign_in)
    add_coding (builder, DICOM_SYSTEM, "110122", "Login");
  else if (is_rest_interaction (event->subtype))
    add_coding (builder, INTERACTION_SYSTEM, event->subtype, NULL);
  else
    add_coding (builder, KITH_AUDIT_SUBTYPE_SYSTEM, event->subtype, NULL);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, event->action);
  json_builder_set_member_name (builder, "recorded");
  json_builder_add_string_value (builder, event->recorded);
  json_builder_set_member_name (builder, "outcome");
  json_builder_add_string_value (builder, event->outcome);
  json_builder_set_member_name (builder, "outcomeDesc");
  if (event->detail != NULL)
    {
      g_autofree char *text = g_strdup_printf ("HTTP %u: %s", event->status, event->detail);

      json_builder_add_string_value (builder, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("HTTP %u", event->status);

      json_builder_add_string_value (builder, text);
    }

  if (event->reason != NULL || g_strcmp0 (event->subtype, "break-glass") == 0)
    {
      json_builder_set_member_name (builder, "purposeOfEvent");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      if (g_strcmp0 (event->subtype, "break-glass") == 0)
        {
          json_builder_set_member_name (builder, "coding");
          json_builder_begin_array (builder);
          add_coding (builder, ACT_REASON_SYSTEM, "BTG", "break the glass");
          json_builder_end_array (builder);
        }
      if (event->reason != NULL)
        {
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, event->reason);
        }
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  if (event->for_review)
    {
      json_builder_set_member_name (builder, "extension");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, KITH_FOR_REVIEW_URL);
      json_builder_set_member_name (builder, "valueBoolean");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }

  json_builder_set_member_name (builder, "agent");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "who");
  json_builder_begin_object (builder);
  if (event->user_id > 0)
    {
      g_autofree char *user_id = g_strdup_printf ("%" G_GINT64_FORMAT, event->user_id);

      json_builder_set_member_name (builder, "identifier");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "system");
      json_builder_add_string_value (builder, KITH_USER_SYSTEM);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, user_id);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "display");
  json_builder_add_string_value (builder, event->display_name != NULL ? event->display_name
                                          : event->user_name != NULL ? event->user_name
                                          : "(no user)");
  json_builder_end_object (builder);
  if (event->user_name != NULL)
    {
      json_builder_set_member_name (builder, "altId");
      json_builder_add_string_value (builder, event->user_name);
    }
  if (event->role != NULL)
    {
      json_builder_set_member_name (builder, "role");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, event->role);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "requestor");
  json_builder_add_boolean_value (builder, TRUE);
  if (event->address != NULL)
    {
      json_builder_set_member_name (builder, "network");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, event->address);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "2");   /* an IP address */
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "observer");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "display");
  json_builder_add_string_value (builder, "kith-server");
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  entities = event->entities != NULL ? g_strsplit (event->entities, " ", -1) : NULL;
  if (patient_id != NULL || (entities != NULL && entities[0] != NULL))
    {
      json_builder_set_member_name (builder, "entity");
      json_builder_begin_array (builder);
      if (patient_id != NULL)
        {
          g_autofree char *reference = g_strconcat ("Patient/", patient_id, NULL);

          add_entity (builder, reference);
        }
      for (guint i = 0; entities != NULL && entities[i] != NULL; i++)
        if (entities[i][0] != '\0')
          add_entity (builder, entities[i]);
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_object_ref (json_node_get_object (root));
}
