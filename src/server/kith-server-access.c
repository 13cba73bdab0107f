/* kith-server-access.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server's side of information governance (src/core/GOVERNANCE.md):
 * who may read and write which part of whose record. The rules are the
 * core's (kith-consent.c); this file finds what they need for one request
 * and remembers it for the rest of that request:
 *
 *  - the person's team and named co-ordinator, from the store's
 *    patient_index (one indexed row);
 *  - their record-sharing Consent, the newest active one, from the
 *    resource table's (patient_id, type) index;
 *  - whether this user holds break-glass on them now (break_glass table,
 *    indexed by user, person and expiry).
 *
 * Nothing is remembered between requests, so a new Consent, a new care
 * team or an expired break-glass counts from the next request on.
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <string.h>

#include "kith-fhir.h"
#include "kith-server-access.h"
#include "kith-store-private.h"

#define MDT_MEETING_CODE "mdt-meeting"

typedef struct
{
  char        *team;
  char        *coordinator;
  KithConsent *consent;
  gboolean     break_glass;
  gint8        decisions[KITH_N_RECORD_SECTIONS];   /* -1 until decided */
} Person;

struct _KithAccess
{
  KithStore      *store;
  KithServerUser *user;
  gboolean        enforce;
  gint64          now_ms;
  GHashTable     *people;     /* patient id → Person */
  gboolean        used_break_glass;
};

static const char * const care_roles[] = {
  "gp", "nurse", "social-worker", "co-ordinator", NULL
};

static void
person_free (Person *person)
{
  g_free (person->team);
  g_free (person->coordinator);
  kith_consent_free (person->consent);
  g_free (person);
}

static KithServerUser *
copy_user (const KithServerUser *user)
{
  KithServerUser *copy = g_new0 (KithServerUser, 1);

  copy->id = user->id;
  copy->username = g_strdup (user->username);
  copy->display_name = g_strdup (user->display_name);
  copy->role = g_strdup (user->role);
  copy->team = g_strdup (user->team);
  copy->disabled = user->disabled;
  copy->created = g_strdup (user->created);
  copy->lead = user->lead;
  return copy;
}

KithAccess *
kith_access_new (KithStore            *store,
                 const KithServerUser *user,
                 gboolean              enforce,
                 gint64                now_ms)
{
  KithAccess *self;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (user != NULL, NULL);

  self = g_new0 (KithAccess, 1);
  self->store = g_object_ref (store);
  self->user = copy_user (user);
  self->enforce = enforce;
  self->now_ms = now_ms;
  self->people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) person_free);
  return self;
}

void
kith_access_free (KithAccess *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->store);
  kith_server_user_free (self->user);
  g_hash_table_unref (self->people);
  g_free (self);
}

const KithServerUser *
kith_access_get_user (KithAccess *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->user;
}

gboolean
kith_access_used_break_glass (KithAccess *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->used_break_glass;
}

static gboolean
is_care_role (const char *role)
{
  return role != NULL && g_strv_contains (care_roles, role);
}

/* The newest active record-sharing Consent, or NULL. A Consent that
 * cannot be read shares nothing until it is put right: safer than
 * ignoring what the person may have withheld. */
static gboolean
find_consent (KithAccess   *self,
              const char   *patient_id,
              KithConsent **consent,
              GError      **error)
{
  g_autoptr(GPtrArray) consents = NULL;

  *consent = NULL;
  consents = kith_store_list_for_patient (self->store, "Consent", patient_id, error);
  if (consents == NULL)
    return FALSE;
  for (guint i = 0; i < consents->len; i++)
    {
      JsonObject *resource = g_ptr_array_index (consents, i);
      g_autoptr(GError) local_error = NULL;

      if (!kith_consent_is_record_sharing (resource) ||
          g_strcmp0 (kith_fhir_get_string (resource, "status"), "active") != 0)
        continue;
      *consent = kith_consent_from_fhir (resource, &local_error);
      if (*consent == NULL)
        {
          g_warning ("A record-sharing Consent cannot be read (%s); the record is withheld "
                     "until it is corrected", local_error->message);
          *consent = kith_consent_new (patient_id);
          (*consent)->share_by_default = FALSE;
        }
      break;
    }
  return TRUE;
}

static Person *
lookup_person (KithAccess  *self,
               const char  *patient_id,
               GError     **error)
{
  Person *person = g_hash_table_lookup (self->people, patient_id);
  sqlite3_stmt *stmt;
  int rc;

  if (person != NULL)
    return person;

  person = g_new0 (Person, 1);
  memset (person->decisions, -1, sizeof person->decisions);

  if (!(stmt = kith_store_prepare (self->store, "SELECT team, coordinator FROM patient_index"
                                                " WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      person->team = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      person->coordinator = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kith_store_set_error (self->store, rc, error);
      goto fail;
    }

  if (!find_consent (self, patient_id, &person->consent, error))
    goto fail;

  if (!(stmt = kith_store_prepare (self->store, "SELECT 1 FROM break_glass WHERE user_id = ?1"
                                                " AND patient_id = ?2 AND expires_at > ?3 LIMIT 1",
                                   error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, self->user->id);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, self->now_ms);
  rc = sqlite3_step (stmt);
  person->break_glass = rc == SQLITE_ROW;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kith_store_set_error (self->store, rc, error);
      goto fail;
    }

  g_hash_table_insert (self->people, g_strdup (patient_id), person);
  return person;

fail:
  person_free (person);
  return NULL;
}

KithAccessDecision
kith_access_check_patient (KithAccess         *self,
                           const char         *patient_id,
                           KithRecordSection   section,
                           GError            **error)
{
  KithAccessDecision decision;
  Person *person;

  g_return_val_if_fail (self != NULL, KITH_ACCESS_DENY_NOT_CARE_TEAM);
  g_return_val_if_fail (patient_id != NULL, KITH_ACCESS_DENY_NOT_CARE_TEAM);
  g_return_val_if_fail (section < KITH_N_RECORD_SECTIONS, KITH_ACCESS_DENY_NOT_CARE_TEAM);

  if (!self->enforce || section == KITH_RECORD_SECTION_DEMOGRAPHICS)
    return KITH_ACCESS_PERMIT;
  if ((person = lookup_person (self, patient_id, error)) == NULL)
    return KITH_ACCESS_DENY_NOT_CARE_TEAM;

  if (person->decisions[section] < 0)
    person->decisions[section] = (gint8) kith_consent_decide (person->consent, self->user->role,
                                                              self->user->team,
                                                              self->user->display_name,
                                                              person->team, person->coordinator,
                                                              section);
  decision = (KithAccessDecision) person->decisions[section];

  /* Break-glass opens the whole record, for clinical and care roles only. */
  if (decision != KITH_ACCESS_PERMIT && person->break_glass && is_care_role (self->user->role))
    {
      self->used_break_glass = TRUE;
      return KITH_ACCESS_PERMIT;
    }
  return decision;
}

gboolean
kith_access_knows_patient (KithAccess  *self,
                           const char  *patient_id,
                           GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint s = KITH_RECORD_SECTION_GENERAL; s < KITH_N_RECORD_SECTIONS; s++)
    {
      g_autoptr(GError) local_error = NULL;
      KithAccessDecision decision = kith_access_check_patient (self, patient_id, s, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (decision != KITH_ACCESS_DENY_NOT_CARE_TEAM)
        return TRUE;
    }
  return FALSE;
}

/* Records that belong to nobody: the directory (Practitioner, …) and
 * instruments for every care role; an MDT meeting for its team. */
static KithAccessDecision
check_unowned (KithAccess *self,
               JsonObject *resource)
{
  JsonArray *types = kith_fhir_get_array (resource, "type");
  JsonObject *type = types != NULL && json_array_get_length (types) > 0
                     ? json_array_get_object_element (types, 0) : NULL;
  JsonArray *codings = kith_fhir_get_array (type, "coding");
  JsonObject *coding = codings != NULL && json_array_get_length (codings) > 0
                       ? json_array_get_object_element (codings, 0) : NULL;

  if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "Encounter") == 0 &&
      g_strcmp0 (kith_fhir_get_string (coding, "code"), MDT_MEETING_CODE) == 0)
    {
      const char *team = kith_fhir_get_string (kith_fhir_get_object (resource, "serviceProvider"),
                                               "display");

      return kith_consent_decide (NULL, self->user->role, self->user->team,
                                  self->user->display_name, team, NULL,
                                  KITH_RECORD_SECTION_GENERAL);
    }
  return is_care_role (self->user->role) ? KITH_ACCESS_PERMIT : KITH_ACCESS_DENY_NOT_CARE_TEAM;
}

/* The person a deleted resource belonged to: the store keeps it. */
static char *
deleted_patient (KithAccess  *self,
                 const char  *type,
                 const char  *id,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  char *patient_id = NULL;
  int rc;

  if (g_str_equal (type, "Patient"))
    return g_strdup (id);
  if (!(stmt = kith_store_prepare (self->store, "SELECT patient_id FROM resource"
                                                " WHERE type = ?1 AND id = ?2", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    patient_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    kith_store_set_error (self->store, rc, error);
  return patient_id;
}

gboolean
kith_access_shows_stub (KithAccess         *self,
                        KithAccessDecision  decision)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return (decision == KITH_ACCESS_DENY_RESTRICTED ||
          decision == KITH_ACCESS_DENY_WITHHELD_BY_PERSON) && is_care_role (self->user->role);
}

KithAccessDecision
kith_access_check_read (KithAccess  *self,
                        const char  *type,
                        const char  *id,
                        JsonObject  *resource,
                        GError     **error)
{
  const char *patient_id;

  g_return_val_if_fail (self != NULL, KITH_ACCESS_DENY_NOT_CARE_TEAM);
  g_return_val_if_fail (type != NULL && id != NULL, KITH_ACCESS_DENY_NOT_CARE_TEAM);

  if (!self->enforce)
    return KITH_ACCESS_PERMIT;

  /* A deletion says only that something went: the care team may know. */
  if (resource == NULL)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *owner = deleted_patient (self, type, id, &local_error);
      KithAccessDecision decision;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return KITH_ACCESS_DENY_NOT_CARE_TEAM;
        }
      if (owner == NULL)
        return is_care_role (self->user->role) ? KITH_ACCESS_PERMIT : KITH_ACCESS_DENY_NOT_CARE_TEAM;
      decision = kith_access_check_patient (self, owner, KITH_RECORD_SECTION_GENERAL, error);
      if (decision == KITH_ACCESS_PERMIT || kith_access_shows_stub (self, decision))
        return KITH_ACCESS_PERMIT;
      return decision;
    }

  patient_id = kith_fhir_resource_patient (resource);
  if (patient_id == NULL)
    return check_unowned (self, resource);
  return kith_access_check_patient (self, patient_id, kith_consent_classify (resource), error);
}

/* What writing (or deleting) @resource needs: its section, or for a
 * person's demographics the care team's access (anyone may read them,
 * not change them). */
static KithAccessDecision
check_change (KithAccess  *self,
              JsonObject  *resource,
              GError     **error)
{
  const char *patient_id = kith_fhir_resource_patient (resource);
  KithRecordSection section = kith_consent_classify (resource);

  if (patient_id == NULL)
    return check_unowned (self, resource);
  if (section == KITH_RECORD_SECTION_DEMOGRAPHICS)
    section = KITH_RECORD_SECTION_GENERAL;
  return kith_access_check_patient (self, patient_id, section, error);
}

KithAccessDecision
kith_access_check_write (KithAccess  *self,
                         const char  *type,
                         const char  *id,
                         JsonObject  *current,
                         JsonObject  *incoming,
                         GError     **error)
{
  KithAccessDecision decision;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, KITH_ACCESS_DENY_NOT_CARE_TEAM);

  if (!self->enforce)
    return KITH_ACCESS_PERMIT;

  /* Nobody changes or removes what they may not see. */
  if (current != NULL)
    {
      decision = check_change (self, current, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return KITH_ACCESS_DENY_NOT_CARE_TEAM;
        }
      if (decision != KITH_ACCESS_PERMIT)
        return decision;
    }
  if (incoming == NULL)
    return KITH_ACCESS_PERMIT;

  decision = check_change (self, incoming, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return KITH_ACCESS_DENY_NOT_CARE_TEAM;
    }
  /* What a professional in the care team learns, they may record, even
   * in a section they cannot read back. */
  if (kith_access_shows_stub (self, decision))
    return KITH_ACCESS_PERMIT;
  return decision;
}

gboolean
kith_access_grant_break_glass (KithStore   *store,
                               gint64       user_id,
                               const char  *patient_id,
                               const char  *reason,
                               gint64       now_ms,
                               gint64       lifetime_s,
                               gint64      *expires_at_ms,
                               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (patient_id != NULL && reason != NULL, FALSE);
  g_return_val_if_fail (lifetime_s > 0, FALSE);

  if (!(stmt = kith_store_prepare (store, "INSERT INTO break_glass (user_id, patient_id,"
                                          "  granted_at, expires_at, reason)"
                                          " VALUES (?1, ?2, ?3, ?4, ?5)", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_ms);
  sqlite3_bind_int64 (stmt, 4, now_ms + lifetime_s * 1000);
  sqlite3_bind_text (stmt, 5, reason, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return FALSE;
    }
  if (expires_at_ms != NULL)
    *expires_at_ms = now_ms + lifetime_s * 1000;
  return TRUE;
}
