/* kith-store.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kith-consent.h"
#include "kith-fhir.h"
#include "kith-frailty.h"
#include "kith-risk.h"
#include "kith-patient.h"
#include "kith-store-private.h"
#include "kith-tasks.h"

/* "KITH" as the sqlite application_id: tells our files from any other
 * sqlite database, so we never migrate someone else's file. */
#define KITH_APPLICATION_ID 0x4b495448

struct _KithStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;   /* SQL text → sqlite3_stmt */
  guint       depth;        /* transaction nesting */
  gint64      batch;        /* the outbox batch of the open transaction, or 0 */
  GHashTable *links_due;    /* patient ids whose caseload columns need recomputing */
  gboolean    defer_links;  /* during a pull: into pending_links instead */
  guint64     index_serial; /* bumped by every write to the patient index */

  /* Name order cache; see kith_store_get_name_order() */
  GArray     *name_order;
  guint32    *rank_of;
  gsize       n_rank_of;
  gint64      name_order_data_version;
  gboolean    name_order_stale;

  gboolean    sync_enabled;
};

G_DEFINE_FINAL_TYPE (KithStore, kith_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (kith-store-error-quark, kith_store_error)

/* Numbered migrations: entry N takes the schema from user_version N to
 * N + 1. Never edit one that has shipped; add the next. */
static const char * const migrations[] = {
  /* 0 → 1: resources, their history, the patient index and search */
  "CREATE TABLE resource ("
  "  rid          INTEGER PRIMARY KEY,"
  "  type         TEXT NOT NULL,"
  "  id           TEXT NOT NULL,"
  "  version_id   TEXT NOT NULL,"
  "  last_updated TEXT NOT NULL,"
  "  deleted      INTEGER NOT NULL DEFAULT 0,"
  "  patient_id   TEXT,"
  "  status       TEXT,"
  "  UNIQUE (type, id)"
  ");"
  "CREATE INDEX resource_by_patient ON resource (patient_id, type) WHERE patient_id IS NOT NULL;"
  "CREATE INDEX resource_by_updated ON resource (last_updated);"
  /* Every version, the current one included; json is NULL for a deletion. */
  "CREATE TABLE resource_history ("
  "  type         TEXT NOT NULL,"
  "  id           TEXT NOT NULL,"
  "  version_id   TEXT NOT NULL,"
  "  last_updated TEXT NOT NULL,"
  "  json         TEXT,"
  "  PRIMARY KEY (type, id, version_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE patient_index ("
  "  pid          INTEGER PRIMARY KEY,"
  "  id           TEXT NOT NULL UNIQUE,"
  "  sort_name    TEXT NOT NULL,"
  "  list_name    TEXT NOT NULL,"
  "  search_names TEXT NOT NULL,"
  "  nhs_number   TEXT,"
  "  birth_date   TEXT,"
  "  coordinator  TEXT,"
  "  next_review  TEXT"
  ");"
  "CREATE INDEX patient_index_by_name ON patient_index (sort_name);"
  "CREATE INDEX patient_index_by_nhs ON patient_index (nhs_number);"
  "CREATE VIRTUAL TABLE patient_search USING fts5 ("
  "  search_names, nhs_number,"
  "  content='patient_index', content_rowid='pid',"
  "  tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'"
  ");"
  "CREATE TRIGGER patient_index_ai AFTER INSERT ON patient_index BEGIN"
  "  INSERT INTO patient_search (rowid, search_names, nhs_number)"
  "    VALUES (new.pid, new.search_names, new.nhs_number);"
  "END;"
  "CREATE TRIGGER patient_index_ad AFTER DELETE ON patient_index BEGIN"
  "  INSERT INTO patient_search (patient_search, rowid, search_names, nhs_number)"
  "    VALUES ('delete', old.pid, old.search_names, old.nhs_number);"
  "END;"
  "CREATE TRIGGER patient_index_au AFTER UPDATE OF search_names, nhs_number ON patient_index BEGIN"
  "  INSERT INTO patient_search (patient_search, rowid, search_names, nhs_number)"
  "    VALUES ('delete', old.pid, old.search_names, old.nhs_number);"
  "  INSERT INTO patient_search (rowid, search_names, nhs_number)"
  "    VALUES (new.pid, new.search_names, new.nhs_number);"
  "END;",

  /* 1 → 2: the holistic assessment. Resources are found by their code
   * (questionnaire, observation code, category) and by the assessment they
   * belong to; the caseload shows open safety alerts. */
  "ALTER TABLE resource ADD COLUMN code TEXT;"
  "ALTER TABLE resource ADD COLUMN assessment_id TEXT;"
  "CREATE INDEX resource_by_code ON resource (patient_id, type, code, last_updated) WHERE patient_id IS NOT NULL;"
  "CREATE INDEX resource_by_assessment ON resource (assessment_id) WHERE assessment_id IS NOT NULL;"
  "ALTER TABLE patient_index ADD COLUMN open_alerts INTEGER NOT NULL DEFAULT 0;",

  /* 2 → 3: offline-first sync. A resource knows the server version it is
   * based on and whether it has local edits; the outbox queues them; the
   * server reads history by time. */
  "ALTER TABLE resource ADD COLUMN server_version TEXT;"
  "ALTER TABLE resource ADD COLUMN dirty INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX resource_history_by_updated ON resource_history (last_updated);"
  "CREATE TABLE store_setting (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
  "CREATE TABLE outbox ("
  "  seq                 INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  type                TEXT NOT NULL,"
  "  id                  TEXT NOT NULL,"
  "  base_server_version TEXT,"
  "  queued              TEXT NOT NULL,"
  "  state               TEXT NOT NULL DEFAULT 'pending',"   /* pending, conflict, rejected */
  "  attempts            INTEGER NOT NULL DEFAULT 0,"
  "  last_error          TEXT,"
  "  outcome             TEXT,"
  "  UNIQUE (type, id)"
  ");",

  /* 3 → 4: edits saved together go to the server together, as one
   * transaction Bundle; the batch names the local transaction. (No index
   * on (type, last_updated): sqlite would then prefer it to
   * resource_by_patient for a person's resources, and scan a whole type.) */
  "ALTER TABLE outbox ADD COLUMN batch INTEGER;",

  /* 4 → 5: the caseload by risk. The frailty index from the record, the
   * tier that counts (a clinician's override wins), and the earliest due
   * date of the person's open plan actions. Filled for existing people
   * after the migration (index_all_patient_links). */
  "ALTER TABLE patient_index ADD COLUMN frailty_index REAL;"
  "ALTER TABLE patient_index ADD COLUMN risk_tier TEXT;"
  "ALTER TABLE patient_index ADD COLUMN next_action_due TEXT;"
  /* An early development build of schema 4 had this index; see 3 → 4. */
  "DROP INDEX IF EXISTS resource_by_type_updated;",

  /* 5 → 6: a pull that writes thousands of people recomputes each one's
   * caseload columns once, at its end; the people waiting are kept on
   * disk, so a pull killed half way is finished when the store next opens. */
  "CREATE TABLE pending_links (patient_id TEXT PRIMARY KEY) WITHOUT ROWID;",

  /* 6 → 7: co-ordination (src/core/COORDINATION.md). The person's team, a
   * discharge still waiting for its follow-up contact, and the virtual
   * ward; every open plan action with its owner, for "My tasks"; and
   * referrals, visits and meetings found by code across everyone. Codes
   * of the types that newly have one are filled from their JSON. */
  "ALTER TABLE patient_index ADD COLUMN team TEXT;"
  "ALTER TABLE patient_index ADD COLUMN discharged_on TEXT;"
  "ALTER TABLE patient_index ADD COLUMN on_virtual_ward INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE plan_action ("
  "  patient_id TEXT NOT NULL,"
  "  plan_id    TEXT NOT NULL,"
  "  action_id  TEXT NOT NULL,"
  "  owner_key  TEXT NOT NULL,"
  "  owner      TEXT NOT NULL,"
  "  due        TEXT,"
  "  status     TEXT NOT NULL,"
  "  text       TEXT NOT NULL,"
  "  meeting_id TEXT,"
  "  PRIMARY KEY (plan_id, action_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX plan_action_by_patient ON plan_action (patient_id);"
  "CREATE INDEX plan_action_by_owner ON plan_action (owner_key, due);"
  "UPDATE resource SET code = (SELECT CASE resource.type"
  "    WHEN 'Task' THEN json_extract (h.json, '$.code.coding[0].code')"
  "    WHEN 'ServiceRequest' THEN json_extract (h.json, '$.category[0].coding[0].code')"
  "    ELSE json_extract (h.json, '$.type[0].coding[0].code') END"
  "  FROM resource_history h WHERE h.type = resource.type AND h.id = resource.id"
  "   AND h.version_id = resource.version_id AND h.json IS NOT NULL)"
  " WHERE type IN ('Task', 'ServiceRequest', 'Encounter', 'EpisodeOfCare') AND deleted = 0;"
  "CREATE INDEX resource_by_type_code ON resource (type, code, status) WHERE code IS NOT NULL;",

  /* 7 → 8: access control (GOVERNANCE.md). What the server withholds
   * comes as a stub (meta.security REDACTED), flagged on its version and,
   * when current, on the resource: a full copy of the same version then
   * replaces it, the caseload columns leave it out, and nothing is edited
   * on top of it. The people whose record is to be fetched again (a new
   * care team or Consent, break-glass) wait in refetch. */
  "ALTER TABLE resource ADD COLUMN withheld INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE resource_history ADD COLUMN withheld INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE refetch (patient_id TEXT PRIMARY KEY, queued TEXT NOT NULL) WITHOUT ROWID;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == KITH_STORE_SCHEMA_VERSION);

void
kith_store_set_error (KithStore  *self,
                      int         rc,
                      GError    **error)
{
  const char *detail = self && self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error_literal (error, KITH_STORE_ERROR, KITH_STORE_ERROR_DISK_FULL,
                           _("The disk is full, so the change could not be saved. "
                             "Free some space and try again; nothing already saved is lost."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_CORRUPT,
                   _("The record store is damaged or is not a Kith store (%s)"), detail);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error_literal (error, KITH_STORE_ERROR, KITH_STORE_ERROR_BUSY,
                           _("The record store is busy in another window; try again"));
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_OPEN,
                   _("The record store cannot be opened for writing (%s)"), detail);
      break;
    default:
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_FAILED,
                   _("The record store failed: %s"), detail);
      break;
    }
}

sqlite3 *
kith_store_get_db (KithStore *self)
{
  return self->db;
}

sqlite3_stmt *
kith_store_prepare (KithStore   *self,
                    const char  *sql,
                    GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      kith_store_set_error (self, rc, error);
      return NULL;
    }
  /* Statements are only ever made from string literals, so the key lives
   * as long as the program. */
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
exec_sql (KithStore   *self,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      kith_store_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
query_int (KithStore   *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      kith_store_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
kith_store_finalize (GObject *object)
{
  KithStore *self = (KithStore *) object;

  if (self->depth > 0)
    {
      g_warning ("Store closed inside a transaction; rolling it back");
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->links_due, g_hash_table_unref);
  g_clear_pointer (&self->name_order, g_array_unref);
  g_clear_pointer (&self->rank_of, g_free);
  if (self->db)
    sqlite3_close (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (kith_store_parent_class)->finalize (object);
}

static void
kith_store_class_init (KithStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kith_store_finalize;
}

static void
kith_store_init (KithStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
  self->links_due = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->name_order_stale = TRUE;
}

/* Creates a new file 0600 before sqlite sees it: a record store holds
 * personal data, and sqlite gives its -wal and -shm files the same mode. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd < 0 && errno != EEXIST)
    {
      int saved = errno;
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_OPEN,
                   _("Cannot create the record store: %s"), g_strerror (saved));
      return FALSE;
    }
  if (fd >= 0)
    close (fd);
  return TRUE;
}

/* Reads the header facts without writing a byte, and decides whether this
 * build may use (and migrate) the file. */
static gboolean
check_existing (KithStore  *self,
                gint64     *version,
                GError    **error)
{
  gint64 app_id = 0, n_objects = 0;
  g_autoptr(GError) local_error = NULL;

  if (!query_int (self, "PRAGMA application_id", &app_id, &local_error) ||
      !query_int (self, "PRAGMA user_version", version, &local_error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, &local_error))
    {
      if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_CORRUPT))
        g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_CORRUPT,
                     _("“%s” is damaged or is not a Kith record store. It has been left as it is."),
                     self->path);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (app_id == 0 && *version == 0 && n_objects == 0)
    return TRUE;  /* brand new */

  if (app_id != KITH_APPLICATION_ID)
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_KITH,
                   _("“%s” is a database, but not a Kith record store. It has been left as it is."),
                   self->path);
      return FALSE;
    }
  if (*version > KITH_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NEWER_SCHEMA,
                   _("“%s” was written by a newer version of Kith (store version %d; "
                     "this Kith reads up to %d). Update Kith to open it; the file has been left as it is."),
                   self->path, (int) *version, KITH_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean flush_links_due         (KithStore  *self,
                                         GError    **error);
static gboolean index_all_patient_links (KithStore  *self,
                                         GError    **error);

static gboolean
migrate (KithStore  *self,
         gint64      from,
         GError    **error)
{
  g_autofree char *set_version = NULL;

  if (from == KITH_STORE_SCHEMA_VERSION)
    return TRUE;

  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (gint64 v = from; v < KITH_STORE_SCHEMA_VERSION; v++)
    if (!exec_sql (self, migrations[v], error))
      goto fail;
  if (from >= 1 && from < 7 && !index_all_patient_links (self, error))
    goto fail;
  set_version = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                 KITH_APPLICATION_ID, KITH_STORE_SCHEMA_VERSION);
  if (!exec_sql (self, set_version, error) || !exec_sql (self, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

KithStore *
kith_store_open (const char  *path,
                 GError     **error)
{
  g_autoptr(KithStore) self = NULL;
  gint64 version = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!create_private_file (path, error))
    return NULL;

  self = g_object_new (KITH_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_OPEN,
                   _("Cannot open the record store “%s”: %s"), path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  if (!check_existing (self, &version, error))
    return NULL;

  /* WAL lets the window read while a sync writes. synchronous=FULL makes a
   * commit survive power loss too, not only a crash: on a home visit the
   * battery may die mid-assessment. */
  if (!exec_sql (self, "PRAGMA journal_mode = WAL", error) ||
      !exec_sql (self, "PRAGMA synchronous = FULL", error) ||
      !exec_sql (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, version, error))
    return NULL;

  {
    gint64 enabled = 0;

    query_int (self, "SELECT count(*) FROM store_setting WHERE key = 'sync' AND value = 'on'", &enabled, NULL);
    self->sync_enabled = enabled > 0;
  }
  /* A pull killed half way left people whose columns wait: finish them. */
  {
    gint64 waiting = 0;

    if (query_int (self, "SELECT count(*) FROM pending_links", &waiting, NULL) && waiting > 0 &&
        !kith_store_index_pending_links (self, error))
      return NULL;
  }

  return g_steal_pointer (&self);
}

const char *
kith_store_get_path (KithStore *self)
{
  g_return_val_if_fail (KITH_IS_STORE (self), NULL);
  return self->path;
}

gboolean
kith_store_begin (KithStore  *self,
                  GError    **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  sql = self->depth == 0 ? g_strdup ("BEGIN IMMEDIATE")
                         : g_strdup_printf ("SAVEPOINT kith_%u", self->depth);
  if (!exec_sql (self, sql, error))
    return FALSE;
  if (self->depth == 0)
    self->batch = 0;
  self->depth++;
  return TRUE;
}

gboolean
kith_store_commit (KithStore  *self,
                   GError    **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  /* The caseload columns of everyone touched, once each, just before the
   * transaction commits: a plan saved with its goals and actions is
   * indexed once, not once a resource. */
  if (self->depth == 1 && g_hash_table_size (self->links_due) > 0 && !flush_links_due (self, error))
    {
      kith_store_rollback (self);
      return FALSE;
    }

  sql = self->depth == 1 ? g_strdup ("COMMIT")
                         : g_strdup_printf ("RELEASE kith_%u", self->depth - 1);
  if (!exec_sql (self, sql, error))
    {
      /* A failed COMMIT (disk full) leaves the transaction open: undo it,
       * so the store stays as it was before. */
      kith_store_rollback (self);
      return FALSE;
    }
  self->depth--;
  return TRUE;
}

void
kith_store_rollback (KithStore *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (KITH_IS_STORE (self));
  g_return_if_fail (self->depth > 0);

  /* An undone write may have touched the patient index. */
  self->name_order_stale = TRUE;
  self->index_serial++;
  if (self->depth == 1)
    g_hash_table_remove_all (self->links_due);

  sql = self->depth == 1 ? g_strdup ("ROLLBACK")
                         : g_strdup_printf ("ROLLBACK TO kith_%u; RELEASE kith_%u",
                                            self->depth - 1, self->depth - 1);
  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  self->depth--;
}

static gboolean
step_done (KithStore     *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      kith_store_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* --- patient index --------------------------------------------------- */

static char *
make_sort_name (KithPatient *patient)
{
  g_autofree char *joined = g_strdup_printf ("%s %s",
                                             kith_patient_get_family (patient) ?: "",
                                             kith_patient_get_given (patient) ?: "");
  g_autofree char *normal = g_utf8_normalize (joined, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normal ? normal : joined, -1);
}

static gboolean
index_patient (KithStore   *self,
               JsonObject  *resource,
               GError     **error)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autofree char *sort_name = NULL;
  g_autofree char *list_name = NULL;
  g_autofree char *search_names = NULL;
  sqlite3_stmt *stmt;

  if (!(patient = kith_patient_new_from_json (resource, error)))
    return FALSE;

  sort_name = make_sort_name (patient);
  list_name = kith_patient_dup_list_name (patient);
  search_names = g_strjoin (" ",
                            kith_patient_get_given (patient) ?: "",
                            kith_patient_get_family (patient) ?: "",
                            kith_patient_get_preferred_name (patient) ?: "",
                            NULL);

  stmt = kith_store_prepare (self,
                             "INSERT INTO patient_index (id, sort_name, list_name, search_names, nhs_number, birth_date)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                             " ON CONFLICT (id) DO UPDATE SET sort_name = ?2, list_name = ?3,"
                             "   search_names = ?4, nhs_number = ?5, birth_date = ?6",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, kith_patient_get_id (patient));
  bind_text (stmt, 2, sort_name);
  bind_text (stmt, 3, list_name);
  bind_text (stmt, 4, search_names);
  bind_text (stmt, 5, kith_patient_get_nhs_number (patient));
  bind_text (stmt, 6, kith_patient_get_birth_date (patient));
  self->name_order_stale = TRUE;
  self->index_serial++;
  return step_done (self, stmt, error);
}

static gboolean
unindex_patient (KithStore   *self,
                 const char  *id,
                 GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (self, "DELETE FROM plan_action WHERE patient_id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (!(stmt = kith_store_prepare (self, "DELETE FROM patient_index WHERE id = ?1", error)))
    return FALSE;
  bind_text (stmt, 1, id);
  self->name_order_stale = TRUE;
  self->index_serial++;
  g_hash_table_remove (self->links_due, id);
  return step_done (self, stmt, error);
}

static gboolean
has_code (JsonObject *concept,
          const char *code)
{
  JsonNode *codings = concept ? json_object_get_member (concept, "coding") : NULL;

  if (codings == NULL || !JSON_NODE_HOLDS_ARRAY (codings))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (codings)); i++)
    {
      JsonNode *c = json_array_get_element (json_node_get_array (codings), i);

      if (JSON_NODE_HOLDS_OBJECT (c) &&
          g_strcmp0 (kith_fhir_get_string (json_node_get_object (c), "code"), code) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The named co-ordinator: the CareTeam participant whose role has the code
 * "coordinator" (KITH_FHIR_BASE/CodeSystem/care-team-role). */
static char *
find_coordinator (JsonObject *care_team)
{
  JsonNode *participants = json_object_get_member (care_team, "participant");

  if (participants == NULL || !JSON_NODE_HOLDS_ARRAY (participants))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (participants)); i++)
    {
      JsonNode *p = json_array_get_element (json_node_get_array (participants), i);
      JsonNode *roles;

      if (!JSON_NODE_HOLDS_OBJECT (p))
        continue;
      roles = json_object_get_member (json_node_get_object (p), "role");
      if (roles == NULL || !JSON_NODE_HOLDS_ARRAY (roles))
        continue;
      for (guint j = 0; j < json_array_get_length (json_node_get_array (roles)); j++)
        {
          JsonNode *role = json_array_get_element (json_node_get_array (roles), j);
          JsonNode *member = json_object_get_member (json_node_get_object (p), "member");

          if (JSON_NODE_HOLDS_OBJECT (role) && has_code (json_node_get_object (role), "coordinator") &&
              member && JSON_NODE_HOLDS_OBJECT (member))
            return g_strdup (kith_fhir_get_string (json_node_get_object (member), "display"));
        }
    }
  return NULL;
}

/* The review date of a plan: Kith's extension, as FHIR CarePlan has none. */
static const char *
find_review_date (JsonObject *care_plan)
{
  JsonNode *extensions = json_object_get_member (care_plan, "extension");

  if (extensions == NULL || !JSON_NODE_HOLDS_ARRAY (extensions))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (extensions)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (extensions), i);

      if (JSON_NODE_HOLDS_OBJECT (e) &&
          g_strcmp0 (kith_fhir_get_string (json_node_get_object (e), "url"),
                     KITH_FHIR_BASE "/StructureDefinition/review-date") == 0)
        return kith_fhir_get_string (json_node_get_object (e), "valueDate");
    }
  return NULL;
}

/* The earliest due date of an open action in a plan's contained Tasks. */
static void
find_next_action_due (JsonObject  *plan,
                      const char **earliest)
{
  JsonNode *contained = json_object_get_member (plan, "contained");

  for (guint c = 0; contained && JSON_NODE_HOLDS_ARRAY (contained) &&
                    c < json_array_get_length (json_node_get_array (contained)); c++)
    {
      JsonNode *member = json_array_get_element (json_node_get_array (contained), c);
      JsonObject *task = JSON_NODE_HOLDS_OBJECT (member) ? json_node_get_object (member) : NULL;
      const char *status = kith_fhir_get_string (task, "status");
      const char *due = kith_fhir_get_string (kith_fhir_get_object (kith_fhir_get_object (task, "restriction"), "period"),
                                              "end");

      if (g_strcmp0 (kith_fhir_get_string (task, "resourceType"), "Task") != 0 || due == NULL ||
          g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "cancelled") == 0 ||
          g_strcmp0 (status, "rejected") == 0 || g_strcmp0 (status, "entered-in-error") == 0 ||
          g_strcmp0 (status, "failed") == 0)
        continue;
      if (*earliest == NULL || strcmp (due, *earliest) < 0)
        *earliest = due;
    }
}

static JsonObject *parse_stored (const char  *json,
                                const char  *type,
                                const char  *id,
                                GError     **error);

/* The locality team caring for the person (COORDINATION.md, "Teams"). */
static const char *
find_team (JsonObject *care_team)
{
  JsonArray *organizations = kith_fhir_get_array (care_team, "managingOrganization");
  JsonNode *first;

  if (organizations == NULL || json_array_get_length (organizations) == 0)
    return NULL;
  first = json_array_get_element (organizations, 0);
  return JSON_NODE_HOLDS_OBJECT (first) ? kith_fhir_get_string (json_node_get_object (first), "display") : NULL;
}

static const char *
first_type_code (JsonObject *resource)
{
  return kith_fhir_resource_code (resource);
}

/* A contact counts as the follow-up of a discharge when it was made with
 * the person (not a meeting about them) on or after the discharge day. */
static gboolean
is_contact (JsonObject *encounter)
{
  const char *code = first_type_code (encounter);

  return g_strcmp0 (kith_fhir_get_string (encounter, "status"), "finished") == 0 &&
         (g_strcmp0 (code, "home-visit") == 0 || g_strcmp0 (code, "phone") == 0 ||
          g_strcmp0 (code, "clinic") == 0 || g_strcmp0 (code, "email") == 0);
}

/* The latest discharge with no contact since, as its date, or NULL. */
static const char *
find_discharge_awaiting_contact (GPtrArray *encounters)
{
  const char *discharged = NULL;

  for (guint i = 0; i < encounters->len; i++)
    {
      JsonObject *stay = encounters->pdata[i];
      const char *end = kith_fhir_get_string (kith_fhir_get_object (stay, "period"), "end");

      if (g_strcmp0 (first_type_code (stay), "hospital-stay") == 0 &&
          g_strcmp0 (kith_fhir_get_string (stay, "status"), "finished") == 0 &&
          end != NULL && (discharged == NULL || strcmp (end, discharged) > 0))
        discharged = end;
    }
  if (discharged == NULL)
    return NULL;
  for (guint i = 0; i < encounters->len; i++)
    {
      const char *start = kith_fhir_get_string (kith_fhir_get_object (encounters->pdata[i], "period"), "start");

      /* Compared on the day: a phone call the afternoon of a morning
       * discharge is the follow-up. */
      if (is_contact (encounters->pdata[i]) && start != NULL && strncmp (start, discharged, 10) >= 0)
        return NULL;
    }
  return discharged;
}

static gboolean
on_virtual_ward (GPtrArray *episodes)
{
  for (guint i = 0; i < episodes->len; i++)
    if (g_strcmp0 (first_type_code (episodes->pdata[i]), "virtual-ward") == 0 &&
        g_strcmp0 (kith_fhir_get_string (episodes->pdata[i], "status"), "active") == 0)
      return TRUE;
  return FALSE;
}

/* Every open action of a plan, with its owner, into plan_action. */
static gboolean
index_plan_actions (KithStore   *self,
                    const char  *patient_id,
                    JsonObject  *plan,
                    GError     **error)
{
  JsonArray *contained = kith_fhir_get_array (plan, "contained");
  const char *plan_id = kith_fhir_get_string (plan, "id");

  for (guint c = 0; contained && c < json_array_get_length (contained); c++)
    {
      JsonNode *member = json_array_get_element (contained, c);
      JsonObject *task = JSON_NODE_HOLDS_OBJECT (member) ? json_node_get_object (member) : NULL;
      const char *status = kith_fhir_get_string (task, "status");
      const char *owner = kith_fhir_get_string (kith_fhir_get_object (task, "owner"), "display");
      const char *text = kith_fhir_get_string (task, "description");
      JsonNode *meeting = kith_fhir_get_extension (task, KITH_FHIR_SD "from-meeting", "valueString");
      JsonNode *kind = kith_fhir_get_extension (task, KITH_FHIR_SD "owner-kind", "valueCode");
      g_autofree char *key = NULL;
      sqlite3_stmt *stmt;

      /* The person's and the carer's own actions are in their plan, not
       * in a professional's task list. */
      if (g_strcmp0 (kith_fhir_get_string (task, "resourceType"), "Task") != 0 || owner == NULL ||
          (g_strcmp0 (status, "requested") != 0 && g_strcmp0 (status, "in-progress") != 0) ||
          (kind && JSON_NODE_HOLDS_VALUE (kind) && g_strcmp0 (json_node_get_string (kind), "professional") != 0))
        continue;
      key = kith_task_owner_key (owner);
      if (key == NULL)
        continue;
      stmt = kith_store_prepare (self,
                                 "INSERT OR REPLACE INTO plan_action (patient_id, plan_id, action_id, owner_key,"
                                 "  owner, due, status, text, meeting_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                 error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, patient_id);
      bind_text (stmt, 2, plan_id);
      bind_text (stmt, 3, kith_fhir_get_string (task, "id"));
      bind_text (stmt, 4, key);
      bind_text (stmt, 5, owner);
      bind_text (stmt, 6, kith_fhir_get_string (kith_fhir_get_object (kith_fhir_get_object (task, "restriction"), "period"),
                                                "end"));
      bind_text (stmt, 7, status);
      bind_text (stmt, 8, text ? text : "");
      bind_text (stmt, 9, meeting && JSON_NODE_HOLDS_VALUE (meeting) ? json_node_get_string (meeting) : NULL);
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Recomputes the caseload columns that come from other resources: the
 * co-ordinator of the active care team, the earliest review date of the
 * person's active or draft plans and of their open actions, the frailty
 * index from their conditions and medicines, and the risk tier that
 * counts (a clinician's override, else the frailty band). */
static gboolean
index_patient_links (KithStore   *self,
                     const char  *patient_id,
                     GError     **error)
{
  g_autoptr(GPtrArray) teams = NULL;
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GPtrArray) conditions = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) risks = NULL;
  g_autoptr(GPtrArray) encounters = NULL;
  g_autoptr(GPtrArray) episodes = NULL;
  g_autoptr(KithFrailtyIndex) frailty = NULL;
  g_autofree char *coordinator = NULL;
  const char *team = NULL;
  const char *review = NULL;
  const char *action_due = NULL;
  const char *tier = NULL;
  sqlite3_stmt *stmt;

  int rc;

  /* One query for every type that counts, newest first as
   * kith_store_list_for_patient() gives them: this runs for everyone a
   * transaction touched, such as all of a practice in a first sync. */
  teams = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  plans = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  conditions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  statements = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  risks = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  encounters = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  episodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  stmt = kith_store_prepare (self,
                             "SELECT r.type, r.id, h.json FROM resource r JOIN resource_history h"
                             "  ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " WHERE r.patient_id = ?1 AND r.deleted = 0 AND r.withheld = 0"
                             "   AND r.type IN ('CareTeam', 'CarePlan', 'Condition', 'MedicationStatement',"
                             "                  'MedicationRequest', 'RiskAssessment', 'Encounter', 'EpisodeOfCare')"
                             " ORDER BY r.last_updated DESC",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      JsonObject *resource = parse_stored ((const char *) sqlite3_column_text (stmt, 2), type,
                                           (const char *) sqlite3_column_text (stmt, 1), error);
      GPtrArray *list;

      if (resource == NULL)
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      if (strcmp (type, "CareTeam") == 0)
        list = teams;
      else if (strcmp (type, "CarePlan") == 0)
        list = plans;
      else if (strcmp (type, "Condition") == 0)
        list = conditions;
      else if (strcmp (type, "MedicationStatement") == 0)
        list = statements;
      else if (strcmp (type, "MedicationRequest") == 0)
        list = requests;
      else if (strcmp (type, "Encounter") == 0)
        list = encounters;
      else if (strcmp (type, "EpisodeOfCare") == 0)
        list = episodes;
      else
        list = risks;
      g_ptr_array_add (list, resource);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (self, rc, error);
      return FALSE;
    }

  stmt = kith_store_prepare (self, "DELETE FROM plan_action WHERE patient_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, patient_id);
  if (!step_done (self, stmt, error))
    return FALSE;

  for (guint i = 0; i < plans->len; i++)
    {
      const char *status = kith_fhir_get_string (plans->pdata[i], "status");
      const char *date = find_review_date (plans->pdata[i]);
      JsonNode *contained = json_object_get_member (plans->pdata[i], "contained");

      if (g_strcmp0 (status, "active") != 0 && g_strcmp0 (status, "draft") != 0 &&
          g_strcmp0 (status, "on-hold") != 0)
        continue;
      if (date != NULL && (review == NULL || strcmp (date, review) < 0))
        review = date;
      find_next_action_due (plans->pdata[i], &action_due);
      if (!index_plan_actions (self, patient_id, plans->pdata[i], error))
        return FALSE;
      /* A Kith plan holds its care team; the newest plan's co-ordinator
       * (plans come newest first) is the person to call. */
      for (guint c = 0; contained && JSON_NODE_HOLDS_ARRAY (contained) && coordinator == NULL &&
                        c < json_array_get_length (json_node_get_array (contained)); c++)
        {
          JsonNode *member = json_array_get_element (json_node_get_array (contained), c);

          if (JSON_NODE_HOLDS_OBJECT (member) &&
              g_strcmp0 (kith_fhir_get_string (json_node_get_object (member), "resourceType"), "CareTeam") == 0)
            {
              coordinator = find_coordinator (json_node_get_object (member));
              if (team == NULL)
                team = find_team (json_node_get_object (member));
            }
        }
    }

  for (guint i = 0; i < teams->len && (coordinator == NULL || team == NULL); i++)
    if (g_strcmp0 (kith_fhir_get_string (teams->pdata[i], "status"), "active") == 0)
      {
        if (coordinator == NULL)
          coordinator = find_coordinator (teams->pdata[i]);
        if (team == NULL)
          team = find_team (teams->pdata[i]);
      }

  /* Only a person with something recorded has an index: no conditions
   * and no medicines is "not known", not "fit". */
  if (conditions->len > 0 || statements->len > 0 || requests->len > 0)
    {
      frailty = kith_frailty_compute_from_resources (conditions,
                                                     kith_frailty_count_current_medicines (statements) +
                                                     kith_frailty_count_current_medicines (requests));
      tier = kith_frailty_band_id (frailty->band);
    }
  {
    const char *override = kith_risk_find_override_tier (risks);

    if (override != NULL)
      tier = override;
  }

  /* Open safety alerts: active Flags in the "safety" category. */
  stmt = kith_store_prepare (self,
                             "UPDATE patient_index SET coordinator = ?2, next_review = ?3,"
                             "  open_alerts = (SELECT count(*) FROM resource WHERE patient_id = ?1 AND type = 'Flag'"
                             "                 AND code = 'safety' AND status = 'active' AND deleted = 0),"
                             "  frailty_index = ?4, risk_tier = ?5, next_action_due = ?6,"
                             "  team = ?7, discharged_on = ?8, on_virtual_ward = ?9"
                             " WHERE id = ?1",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, patient_id);
  bind_text (stmt, 2, coordinator);
  bind_text (stmt, 3, review);
  if (frailty)
    sqlite3_bind_double (stmt, 4, frailty->index);
  else
    sqlite3_bind_null (stmt, 4);
  bind_text (stmt, 5, tier);
  bind_text (stmt, 6, action_due);
  bind_text (stmt, 7, team);
  bind_text (stmt, 8, find_discharge_awaiting_contact (encounters));
  sqlite3_bind_int (stmt, 9, on_virtual_ward (episodes));
  self->index_serial++;
  return step_done (self, stmt, error);
}

/* Called when a resource that feeds the caseload columns changes. Inside a
 * transaction the work waits for the commit (kith_store_commit). */
static gboolean
patient_links_changed (KithStore   *self,
                       const char  *patient_id,
                       GError     **error)
{
  if (self->defer_links)
    {
      sqlite3_stmt *stmt = kith_store_prepare (self, "INSERT OR IGNORE INTO pending_links VALUES (?1)", error);

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, patient_id);
      return step_done (self, stmt, error);
    }
  if (self->depth == 0)
    return index_patient_links (self, patient_id, error);
  g_hash_table_add (self->links_due, g_strdup (patient_id));
  return TRUE;
}

void
kith_store_set_defer_links (KithStore *self,
                            gboolean   defer)
{
  g_return_if_fail (KITH_IS_STORE (self));
  self->defer_links = defer;
}

gboolean
kith_store_index_pending_links (KithStore  *self,
                                GError    **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  if (!kith_store_begin (self, error))
    return FALSE;
  if (!(stmt = kith_store_prepare (self, "SELECT patient_id FROM pending_links", error)))
    goto fail;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  for (guint i = 0; i < ids->len; i++)
    if (!index_patient_links (self, ids->pdata[i], error))
      goto fail;
  if (ids->len > 0 && !exec_sql (self, "DELETE FROM pending_links", error))
    goto fail;
  return kith_store_commit (self, error);

fail:
  kith_store_rollback (self);
  return FALSE;
}

static gboolean
flush_links_due (KithStore  *self,
                 GError    **error)
{
  g_autoptr(GHashTable) due = g_steal_pointer (&self->links_due);
  GHashTableIter iter;
  gpointer id;

  self->links_due = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, due);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!index_patient_links (self, id, error))
      return FALSE;
  return TRUE;
}

/* After migration 5: everyone's new columns, from what is recorded. */
static gboolean
index_all_patient_links (KithStore  *self,
                         GError    **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = kith_store_prepare (self, "SELECT id FROM patient_index", error);

  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  for (guint i = 0; i < ids->len; i++)
    if (!index_patient_links (self, ids->pdata[i], error))
      return FALSE;
  return TRUE;
}

/* --- writing versions -------------------------------------------------- */

static gboolean
lookup_current (KithStore   *self,
                const char  *type,
                const char  *id,
                char       **version_id,
                char       **last_updated,
                gboolean    *deleted,
                GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (self,
                                           "SELECT version_id, last_updated, deleted FROM resource"
                                           " WHERE type = ?1 AND id = ?2",
                                           error);
  int rc;

  *version_id = NULL;
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *version_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (last_updated)
        *last_updated = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      if (deleted)
        *deleted = sqlite3_column_int (stmt, 2) != 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kith_store_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Writes one version to history and, when @make_current, to the resource
 * table and the indexes. @resource is NULL for a deletion. With
 * @replace_stub, the version is held already as a stub, and @resource is
 * the full copy that takes its place. */
static gboolean
write_version (KithStore   *self,
               const char  *type,
               const char  *id,
               const char  *version_id,
               const char  *last_updated,
               JsonObject  *resource,
               gboolean     make_current,
               gboolean     replace_stub,
               GError     **error)
{
  g_autofree char *json = resource ? kith_fhir_to_string (resource, FALSE) : NULL;
  const char *patient_id = resource ? kith_fhir_resource_patient (resource) : NULL;
  gboolean withheld = resource != NULL && kith_consent_is_redacted (resource);
  g_autofree char *old_patient = NULL;
  sqlite3_stmt *stmt;

  if (replace_stub)
    stmt = kith_store_prepare (self,
                               "UPDATE resource_history SET last_updated = ?4, json = ?5, withheld = ?6"
                               " WHERE type = ?1 AND id = ?2 AND version_id = ?3 AND withheld = 1",
                               error);
  else
    stmt = kith_store_prepare (self,
                               "INSERT INTO resource_history (type, id, version_id, last_updated, json, withheld)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                               error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, version_id);
  bind_text (stmt, 4, last_updated);
  bind_text (stmt, 5, json);
  sqlite3_bind_int (stmt, 6, withheld);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (!make_current)
    return TRUE;

  /* A deletion keeps the row's patient so the links can be recomputed. */
  if (resource == NULL)
    {
      stmt = kith_store_prepare (self, "SELECT patient_id FROM resource WHERE type = ?1 AND id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, type);
      bind_text (stmt, 2, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        old_patient = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      patient_id = old_patient;
    }

  stmt = kith_store_prepare (self,
                             "INSERT INTO resource (type, id, version_id, last_updated, deleted, patient_id, status,"
                             "                      code, assessment_id, withheld)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                             " ON CONFLICT (type, id) DO UPDATE SET version_id = ?3, last_updated = ?4,"
                             "   deleted = ?5, patient_id = ?6, status = ?7, code = ?8, assessment_id = ?9,"
                             "   withheld = ?10",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, version_id);
  bind_text (stmt, 4, last_updated);
  sqlite3_bind_int (stmt, 5, resource == NULL);
  bind_text (stmt, 6, patient_id);
  bind_text (stmt, 7, resource ? kith_fhir_get_string (resource, "status") : NULL);
  bind_text (stmt, 8, resource ? kith_fhir_resource_code (resource) : NULL);
  bind_text (stmt, 9, resource ? kith_fhir_resource_assessment (resource) : NULL);
  sqlite3_bind_int (stmt, 10, withheld);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (strcmp (type, "Patient") == 0)
    {
      if (resource == NULL)
        return unindex_patient (self, id, error);
      if (!index_patient (self, resource, error))
        return FALSE;
      return patient_links_changed (self, id, error);
    }
  if (patient_id != NULL && (strcmp (type, "CareTeam") == 0 || strcmp (type, "CarePlan") == 0 ||
                             strcmp (type, "Flag") == 0 || strcmp (type, "Condition") == 0 ||
                             strcmp (type, "RiskAssessment") == 0 || g_str_has_prefix (type, "Medication") ||
                             strcmp (type, "Encounter") == 0 || strcmp (type, "EpisodeOfCare") == 0))
    return patient_links_changed (self, patient_id, error);
  return TRUE;
}

static gboolean
check_resource (JsonObject  *resource,
                const char **type,
                const char **id,
                GError     **error)
{
  *type = kith_fhir_get_string (resource, "resourceType");
  *id = kith_fhir_get_string (resource, "id");

  if (!kith_fhir_is_known_type (*type))
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_INVALID,
                   _("Kith does not hold resources of type “%s”"), *type ? *type : "");
      return FALSE;
    }
  if (!kith_fhir_is_valid_id (*id))
    {
      g_set_error_literal (error, KITH_STORE_ERROR, KITH_STORE_ERROR_INVALID,
                           _("The record has no valid id"));
      return FALSE;
    }
  return TRUE;
}

/* On a syncing store, a local edit is "<server version>.L<n>": a name no
 * server gives, so pulled and local versions never collide. */
static char *
next_local_version (KithStore   *self,
                    const char  *type,
                    const char  *id,
                    GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (self,
                                           "SELECT (SELECT server_version FROM resource WHERE type = ?1 AND id = ?2),"
                                           "       (SELECT count(*) FROM resource_history WHERE type = ?1 AND id = ?2)",
                                           error);
  g_autofree char *base = NULL;
  gint64 n = 0;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      base = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      n = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  return g_strdup_printf ("%s.L%" G_GINT64_FORMAT, base ? base : "0", n + 1);
}

/* Marks the resource edited here and queues it, keeping the base of the
 * first unsent edit: the server must be asked to apply the change to the
 * version it was made on. */
static gboolean
queue_local_edit (KithStore   *self,
                  const char  *type,
                  const char  *id,
                  const char  *now,
                  GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = kith_store_prepare (self, "UPDATE resource SET dirty = 1 WHERE type = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  if (!step_done (self, stmt, error))
    return FALSE;

  /* The first edit of a transaction opens a new batch; a number above any
   * still queued, so that batches never run together. */
  if (self->batch == 0 &&
      !query_int (self, "SELECT coalesce(max(batch), 0) + 1 FROM outbox", &self->batch, error))
    return FALSE;

  stmt = kith_store_prepare (self,
                             "INSERT INTO outbox (type, id, base_server_version, queued, batch)"
                             " VALUES (?1, ?2, (SELECT server_version FROM resource WHERE type = ?1 AND id = ?2), ?3, ?4)"
                             " ON CONFLICT (type, id) DO UPDATE SET"
                             "   batch = ?4,"
                             "   state = CASE state WHEN 'rejected' THEN 'pending' ELSE state END,"
                             "   last_error = CASE state WHEN 'rejected' THEN NULL ELSE last_error END",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, self->batch);
  return step_done (self, stmt, error);
}

static char *
next_version (const char *current)
{
  guint64 n = 0;

  if (current == NULL)
    return g_strdup ("1");
  /* Versions from another server may be opaque; those restart a local
   * count after them, which only needs to differ. */
  if (!g_ascii_string_to_unsigned (current, 10, 1, G_MAXUINT64 - 1, &n, NULL))
    return g_strdup_printf ("%s.1", current);
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n + 1);
}

gboolean
kith_store_is_withheld (KithStore  *self,
                        const char *type,
                        const char *id)
{
  sqlite3_stmt *stmt;
  gboolean withheld = FALSE;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  g_return_val_if_fail (type != NULL && id != NULL, FALSE);

  stmt = kith_store_prepare (self, "SELECT withheld FROM resource WHERE type = ?1 AND id = ?2", NULL);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    withheld = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  return withheld;
}

/* An edit on top of a stub would be a record made from nothing, sent over
 * the real one: only a full copy is ever changed. Nor is a stub (or a
 * volunteer's view of a plan) ever saved as if it were the record. */
static gboolean
check_not_withheld (KithStore   *self,
                    const char  *type,
                    const char  *id,
                    JsonObject  *resource,
                    GError     **error)
{
  if (kith_store_is_withheld (self, type, id) || (resource != NULL && kith_consent_is_redacted (resource)))
    {
      g_set_error_literal (error, KITH_STORE_ERROR, KITH_STORE_ERROR_WITHHELD,
                           _("This part of the record is withheld from you, so it cannot be changed here"));
      return FALSE;
    }
  return TRUE;
}

gboolean
kith_store_save_resource (KithStore   *self,
                          JsonObject  *resource,
                          const char  *if_match,
                          GError     **error)
{
  g_autofree char *current = NULL;
  g_autofree char *version = NULL;
  g_autofree char *now = NULL;
  const char *type, *id;
  gboolean deleted = FALSE;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);

  if (kith_fhir_get_string (resource, "id") == NULL &&
      kith_fhir_is_known_type (kith_fhir_get_string (resource, "resourceType")))
    {
      g_autofree char *new_id = kith_fhir_new_id ();
      json_object_set_string_member (resource, "id", new_id);
    }
  if (!check_resource (resource, &type, &id, error))
    return FALSE;

  if (strcmp (type, "Patient") == 0)
    {
      g_autoptr(KithPatient) patient = kith_patient_new_from_json (resource, error);

      if (patient == NULL || !kith_patient_validate (patient, error))
        return FALSE;
    }

  if (!kith_store_begin (self, error))
    return FALSE;

  if (!lookup_current (self, type, id, &current, NULL, &deleted, error))
    goto fail;
  if (!check_not_withheld (self, type, id, resource, error))
    goto fail;
  if (if_match != NULL && g_strcmp0 (current, if_match) != 0)
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_VERSION_CONFLICT,
                   _("The record was changed elsewhere (now version %s, this edit was based on %s)"),
                   current ? current : "none", if_match);
      goto fail;
    }

  now = kith_fhir_now_instant ();
  if (self->sync_enabled)
    {
      if (!(version = next_local_version (self, type, id, error)))
        goto fail;
    }
  else
    version = next_version (current);
  kith_fhir_set_meta (resource, version, now);

  if (!write_version (self, type, id, version, now, resource, TRUE, FALSE, error))
    goto fail;
  if (self->sync_enabled && !queue_local_edit (self, type, id, now, error))
    goto fail;

  return kith_store_commit (self, error);

fail:
  kith_store_rollback (self);
  return FALSE;
}

static gboolean
is_dirty (KithStore  *self,
          const char *type,
          const char *id)
{
  sqlite3_stmt *stmt = kith_store_prepare (self, "SELECT dirty FROM resource WHERE type = ?1 AND id = ?2", NULL);
  gboolean dirty = FALSE;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    dirty = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  return dirty;
}

static gboolean
set_server_version (KithStore   *self,
                    const char  *type,
                    const char  *id,
                    const char  *version,
                    GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (self,
                                           "UPDATE resource SET server_version = ?3, dirty = 0"
                                           " WHERE type = ?1 AND id = ?2",
                                           error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, version);
  return step_done (self, stmt, error);
}

typedef enum
{
  HELD_NONE,
  HELD_FULL,   /* the whole version, or a deletion */
  HELD_STUB,   /* only what the server let through (meta.security REDACTED) */
} Held;

static Held
held_version (KithStore  *self,
              const char *type,
              const char *id,
              const char *version_id)
{
  sqlite3_stmt *stmt = kith_store_prepare (self,
                                           "SELECT withheld FROM resource_history"
                                           " WHERE type = ?1 AND id = ?2 AND version_id = ?3",
                                           NULL);
  Held held = HELD_NONE;

  if (stmt == NULL)
    return HELD_NONE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, version_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    held = sqlite3_column_int (stmt, 0) ? HELD_STUB : HELD_FULL;
  sqlite3_reset (stmt);
  return held;
}

/* Whether a copy of a version adds to what is held: a stub never hides
 * a full copy (nor another stub), and a full copy replaces a stub. */
static gboolean
adds_to (Held held,
         gboolean withheld)
{
  return held == HELD_NONE || (held == HELD_STUB && !withheld);
}

gboolean
kith_store_wants_version (KithStore  *self,
                          const char *type,
                          const char *id,
                          const char *version_id,
                          gboolean    withheld)
{
  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  return adds_to (held_version (self, type, id, version_id), withheld);
}

gboolean
kith_store_import_resource (KithStore   *self,
                            JsonObject  *resource,
                            GError     **error)
{
  g_autofree char *current = NULL;
  g_autofree char *current_updated = NULL;
  const char *type, *id, *version, *updated;
  gboolean make_current;
  Held held;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);

  if (!check_resource (resource, &type, &id, error))
    return FALSE;
  version = kith_fhir_get_version_id (resource);
  updated = kith_fhir_get_last_updated (resource);
  if (version == NULL || updated == NULL)
    {
      g_set_error_literal (error, KITH_STORE_ERROR, KITH_STORE_ERROR_INVALID,
                           _("The record has no version or update time"));
      return FALSE;
    }

  if (!kith_store_begin (self, error))
    return FALSE;

  held = held_version (self, type, id, version);
  if (!adds_to (held, kith_consent_is_redacted (resource)))
    return kith_store_commit (self, error);

  if (!lookup_current (self, type, id, &current, &current_updated, NULL, error))
    goto fail;
  make_current = current == NULL || strcmp (updated, current_updated) >= 0;
  /* A version from the server never replaces an edit made here that is not
   * yet sent: it waits in history, and the push merges against it. */
  if (make_current && current != NULL && is_dirty (self, type, id))
    make_current = FALSE;
  if (!write_version (self, type, id, version, updated, resource, make_current, held == HELD_STUB, error))
    goto fail;
  if (make_current && !set_server_version (self, type, id, version, error))
    goto fail;

  return kith_store_commit (self, error);

fail:
  kith_store_rollback (self);
  return FALSE;
}

/* "10" after "9": versions with the same time order by number. */
static int
compare_versions (const char *a,
                  const char *b)
{
  gsize la = strlen (a), lb = strlen (b);

  if (la != lb)
    return la < lb ? -1 : 1;
  return strcmp (a, b);
}

/* Whether a version pulled from the server becomes current. Pages may
 * come newest first, so only a version newer than the current one (by
 * time, then by number) does, and never over an edit made here that is
 * not yet sent: that waits in history, and the push merges against it. */
static gboolean
pulled_becomes_current (KithStore   *self,
                        const char  *type,
                        const char  *id,
                        const char  *version,
                        const char  *updated,
                        gboolean    *make_current,
                        GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (self,
                                           "SELECT version_id, last_updated, dirty FROM resource"
                                           " WHERE type = ?1 AND id = ?2",
                                           error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  *make_current = TRUE;
  if (rc == SQLITE_ROW)
    {
      const char *current = (const char *) sqlite3_column_text (stmt, 0);
      const char *current_updated = (const char *) sqlite3_column_text (stmt, 1);
      int order = strcmp (updated, current_updated);

      *make_current = sqlite3_column_int (stmt, 2) == 0 &&
                      (order > 0 || (order == 0 && compare_versions (version, current) >= 0));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kith_store_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
kith_store_import_pulled (KithStore   *self,
                          JsonObject  *resource,
                          GError     **error)
{
  const char *type, *id, *version, *updated;
  gboolean make_current;
  Held held;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (!check_resource (resource, &type, &id, error))
    return FALSE;
  version = kith_fhir_get_version_id (resource);
  updated = kith_fhir_get_last_updated (resource);
  if (version == NULL || updated == NULL)
    {
      g_set_error_literal (error, KITH_STORE_ERROR, KITH_STORE_ERROR_INVALID,
                           _("The record has no version or update time"));
      return FALSE;
    }
  held = held_version (self, type, id, version);
  if (!adds_to (held, kith_consent_is_redacted (resource)))
    return TRUE;
  if (!pulled_becomes_current (self, type, id, version, updated, &make_current, error) ||
      !write_version (self, type, id, version, updated, resource, make_current, held == HELD_STUB, error))
    return FALSE;
  return !make_current || set_server_version (self, type, id, version, error);
}

gboolean
kith_store_delete_resource (KithStore   *self,
                            const char  *type,
                            const char  *id,
                            GError     **error)
{
  g_autofree char *current = NULL;
  g_autofree char *version = NULL;
  g_autofree char *now = NULL;
  gboolean deleted = FALSE;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  if (!kith_store_begin (self, error))
    return FALSE;
  if (!lookup_current (self, type, id, &current, NULL, &deleted, error))
    goto fail;
  if (!check_not_withheld (self, type, id, NULL, error))
    goto fail;
  if (current == NULL || deleted)
    {
      kith_store_rollback (self);
      return TRUE;  /* deleting what is not there is done already */
    }
  now = kith_fhir_now_instant ();
  if (self->sync_enabled)
    {
      if (!(version = next_local_version (self, type, id, error)))
        goto fail;
    }
  else
    version = next_version (current);
  if (!write_version (self, type, id, version, now, NULL, TRUE, FALSE, error))
    goto fail;
  if (self->sync_enabled && !queue_local_edit (self, type, id, now, error))
    goto fail;
  return kith_store_commit (self, error);

fail:
  kith_store_rollback (self);
  return FALSE;
}

/* --- reading ----------------------------------------------------------- */

/* Checks what came out of the file as carefully as what comes from the
 * network: a damaged row gives an error, never a crash or a wrong record. */
static JsonObject *
parse_stored (const char  *json,
              const char  *type,
              const char  *id,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) resource = kith_fhir_parse_resource (json, -1, &local_error);

  if (resource == NULL)
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_INVALID,
                   _("A stored %s record is damaged: %s"), type, local_error->message);
      return NULL;
    }
  if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), type) != 0 ||
      g_strcmp0 (kith_fhir_get_string (resource, "id"), id) != 0)
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_WRONG_TYPE,
                   _("A stored record is not the %s it should be"), type);
      return NULL;
    }
  return g_steal_pointer (&resource);
}

static JsonObject *
read_row (KithStore     *self,
          sqlite3_stmt  *stmt,
          const char    *type,
          const char    *id,
          GError       **error)
{
  int rc = sqlite3_step (stmt);
  JsonObject *resource = NULL;

  if (rc == SQLITE_ROW)
    {
      const char *json = (const char *) sqlite3_column_text (stmt, 0);

      if (json == NULL)
        g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE,
                     _("The %s record has been deleted"), type);
      else
        resource = parse_stored (json, type, id, error);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND,
                 _("No %s record with that id"), type);
  else
    kith_store_set_error (self, rc, error);
  sqlite3_reset (stmt);
  return resource;
}

JsonObject *
kith_store_read_resource (KithStore   *self,
                          const char  *type,
                          const char  *id,
                          GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KITH_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL && id != NULL, NULL);

  stmt = kith_store_prepare (self,
                             "SELECT h.json FROM resource r JOIN resource_history h"
                             "  ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " WHERE r.type = ?1 AND r.id = ?2",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  return read_row (self, stmt, type, id, error);
}

JsonObject *
kith_store_read_version (KithStore   *self,
                         const char  *type,
                         const char  *id,
                         const char  *version_id,
                         GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KITH_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL && id != NULL && version_id != NULL, NULL);

  stmt = kith_store_prepare (self,
                             "SELECT json FROM resource_history"
                             " WHERE type = ?1 AND id = ?2 AND version_id = ?3",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, version_id);
  return read_row (self, stmt, type, id, error);
}

GPtrArray *
kith_store_list_history (KithStore   *self,
                         const char  *type,
                         const char  *id,
                         GError     **error)
{
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (self), NULL);

  /* Versions are ordered by time, then by number: "10" after "9". */
  stmt = kith_store_prepare (self,
                             "SELECT version_id, last_updated, json FROM resource_history"
                             " WHERE type = ?1 AND id = ?2"
                             " ORDER BY last_updated, length (version_id), version_id",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *json = (const char *) sqlite3_column_text (stmt, 2);
      JsonObject *version;

      if (json != NULL)
        {
          if (!(version = parse_stored (json, type, id, error)))
            {
              sqlite3_reset (stmt);
              return NULL;
            }
        }
      else
        {
          version = json_object_new ();
          json_object_set_string_member (version, "resourceType", type);
          json_object_set_string_member (version, "id", id);
          kith_fhir_set_meta (version, (const char *) sqlite3_column_text (stmt, 0),
                              (const char *) sqlite3_column_text (stmt, 1));
        }
      g_ptr_array_add (versions, version);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (self, rc, error);
      return NULL;
    }
  if (versions->len == 0)
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND,
                   _("No %s record with that id"), type);
      return NULL;
    }
  return g_steal_pointer (&versions);
}

GPtrArray *
kith_store_list_for_patient (KithStore   *self,
                             const char  *type,
                             const char  *patient_id,
                             GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (self), NULL);

  stmt = kith_store_prepare (self,
                             "SELECT r.id, h.json FROM resource r JOIN resource_history h"
                             "  ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " WHERE r.patient_id = ?2 AND r.type = ?1 AND r.deleted = 0"
                             " ORDER BY r.last_updated DESC",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *resource = parse_stored ((const char *) sqlite3_column_text (stmt, 1), type,
                                           (const char *) sqlite3_column_text (stmt, 0), error);
      if (resource == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (list, resource);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
kith_store_list_by_code (KithStore   *self,
                         const char  *type,
                         const char  *code,
                         const char  *status,
                         GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL && code != NULL, NULL);

  /* resource_by_type_code answers this without reading other types. */
  stmt = kith_store_prepare (self,
                             "SELECT r.id, h.json FROM resource r JOIN resource_history h"
                             "  ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " WHERE r.type = ?1 AND r.code = ?2 AND (?3 IS NULL OR r.status = ?3)"
                             "   AND r.deleted = 0"
                             " ORDER BY r.last_updated DESC",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, code);
  bind_text (stmt, 3, status);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *resource = parse_stored ((const char *) sqlite3_column_text (stmt, 1), type,
                                           (const char *) sqlite3_column_text (stmt, 0), error);
      if (resource == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (list, resource);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

void
kith_withheld_free (KithWithheld *withheld)
{
  if (withheld == NULL)
    return;
  g_free (withheld->type);
  g_free (withheld->reason);
  g_free (withheld->section);
  g_free (withheld);
}

/* The section a stub says it belongs to: Kith's extension, or a security
 * label; NULL when it says nothing (a guess from a stub would be wrong). */
static const char *
stub_section (JsonObject *stub)
{
  JsonNode *node = kith_fhir_get_extension (stub, KITH_RECORD_SECTION_URL, "valueCode");
  JsonArray *labels = kith_fhir_get_array (kith_fhir_get_object (stub, "meta"), "security");
  const char *code = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;

  for (guint i = 0; code == NULL && labels != NULL && i < json_array_get_length (labels); i++)
    {
      JsonNode *label = json_array_get_element (labels, i);

      if (JSON_NODE_HOLDS_OBJECT (label) &&
          g_strcmp0 (kith_fhir_get_string (json_node_get_object (label), "system"),
                     KITH_RECORD_SECTION_SYSTEM) == 0)
        code = kith_fhir_get_string (json_node_get_object (label), "code");
    }
  if (code == NULL || kith_record_section_from_code (code) >= KITH_N_RECORD_SECTIONS)
    return NULL;
  return code;
}

static int
compare_withheld (gconstpointer a,
                  gconstpointer b)
{
  const KithWithheld *x = *(KithWithheld * const *) a;
  const KithWithheld *y = *(KithWithheld * const *) b;
  int order = g_strcmp0 (x->type, y->type);

  if (order == 0)
    order = g_strcmp0 (x->reason, y->reason);
  if (order == 0)
    order = g_strcmp0 (x->section, y->section);
  return order;
}

GPtrArray *
kith_store_list_withheld (KithStore   *self,
                          const char  *patient_id,
                          GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_withheld_free);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (self), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  /* resource_by_patient: one person's rows, of which few are stubs. */
  stmt = kith_store_prepare (self,
                             "SELECT r.type, r.id, h.json FROM resource r JOIN resource_history h"
                             "  ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " WHERE r.patient_id = ?1 AND r.withheld = 1 AND r.deleted = 0",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      g_autoptr(JsonObject) stub = parse_stored ((const char *) sqlite3_column_text (stmt, 2), type,
                                                 (const char *) sqlite3_column_text (stmt, 1), error);
      JsonNode *why;
      const char *reason;
      const char *section;
      g_autofree char *key = NULL;
      KithWithheld *group;

      if (stub == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      why = kith_fhir_get_extension (stub, KITH_WITHHELD_URL, "valueCode");
      reason = why != NULL && JSON_NODE_HOLDS_VALUE (why) ? json_node_get_string (why) : NULL;
      section = stub_section (stub);
      key = g_strdup_printf ("%s|%s|%s", type, reason ? reason : "", section ? section : "");
      group = g_hash_table_lookup (groups, key);
      if (group == NULL)
        {
          group = g_new0 (KithWithheld, 1);
          group->type = g_strdup (type);
          group->reason = g_strdup (reason);
          group->section = g_strdup (section);
          g_ptr_array_add (list, group);
          g_hash_table_insert (groups, g_steal_pointer (&key), group);
        }
      group->count++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (self, rc, error);
      return NULL;
    }
  g_ptr_array_sort (list, compare_withheld);
  return g_steal_pointer (&list);
}

gint64
kith_store_count_resources (KithStore  *self,
                            const char *type)
{
  sqlite3_stmt *stmt;
  gint64 n = 0;

  g_return_val_if_fail (KITH_IS_STORE (self), -1);

  stmt = kith_store_prepare (self, "SELECT count(*) FROM resource WHERE type = ?1 AND deleted = 0", NULL);
  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, type);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

KithPatient *
kith_store_load_patient (KithStore   *self,
                         const char  *id,
                         GError     **error)
{
  g_autoptr(JsonObject) resource = kith_store_read_resource (self, "Patient", id, error);

  if (resource == NULL)
    return NULL;
  return kith_patient_new_from_json (resource, error);
}

gboolean
kith_store_save_patient (KithStore    *self,
                         KithPatient  *patient,
                         GError      **error)
{
  g_autoptr(JsonObject) resource = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  g_return_val_if_fail (KITH_IS_PATIENT (patient), FALSE);

  if (!kith_patient_validate (patient, error))
    return FALSE;
  resource = kith_patient_to_json (patient);
  /* The edit was based on the version that was loaded: refuse to write over
   * a change made in another window meanwhile. */
  base = g_strdup (kith_fhir_get_version_id (resource));
  return kith_store_save_resource (self, resource, base, error);
}

gboolean
kith_store_check_integrity (KithStore  *self,
                            GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *result = (const char *) sqlite3_column_text (stmt, 0);

      ok = g_strcmp0 (result, "ok") == 0;
      if (!ok)
        g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_CORRUPT,
                     _("The record store failed its integrity check: %s"), result);
    }
  else
    kith_store_set_error (self, rc, error);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
read_data_version (KithStore  *self,
                   gint64     *version,
                   GError    **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (self, "PRAGMA data_version", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *version = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      kith_store_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Searching sorts its matches by their place in this order rather than
 * joining and sorting rows in SQL: a two-letter prefix matches a tenth of a
 * large caseload, and ranking ten thousand integers is far cheaper than
 * fetching and sorting ten thousand rows. */
gboolean
kith_store_get_name_order (KithStore      *self,
                           GArray        **order,
                           const guint32 **rank_of,
                           gsize          *n_rank_of,
                           GError        **error)
{
  g_autoptr(GArray) pids = NULL;
  sqlite3_stmt *stmt;
  gint64 data_version = 0;
  gint64 max_pid = 0;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  /* data_version changes when another connection commits. */
  if (!read_data_version (self, &data_version, error))
    return FALSE;
  if (self->name_order_stale || data_version != self->name_order_data_version ||
      self->name_order == NULL)
    {
      stmt = kith_store_prepare (self, "SELECT pid FROM patient_index ORDER BY sort_name, pid", error);
      if (stmt == NULL)
        return FALSE;
      pids = g_array_new (FALSE, FALSE, sizeof (gint64));
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 pid = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (pids, pid);
          max_pid = MAX (max_pid, pid);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          kith_store_set_error (self, rc, error);
          return FALSE;
        }

      g_clear_pointer (&self->rank_of, g_free);
      self->n_rank_of = (gsize) max_pid + 1;
      self->rank_of = g_new (guint32, self->n_rank_of);
      memset (self->rank_of, 0xff, self->n_rank_of * sizeof (guint32));
      for (guint i = 0; i < pids->len; i++)
        self->rank_of[g_array_index (pids, gint64, i)] = i;

      g_clear_pointer (&self->name_order, g_array_unref);
      self->name_order = g_steal_pointer (&pids);
      self->name_order_data_version = data_version;
      self->name_order_stale = FALSE;
    }

  *order = g_array_ref (self->name_order);
  *rank_of = self->rank_of;
  *n_rank_of = self->n_rank_of;
  return TRUE;
}

gboolean
kith_store_get_index_stamp (KithStore  *self,
                            guint64    *serial,
                            gint64     *data_version,
                            GError    **error)
{
  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  *serial = self->index_serial;
  return read_data_version (self, data_version, error);
}

gboolean
kith_store_get_sync_enabled (KithStore *self)
{
  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);
  return self->sync_enabled;
}

gboolean
kith_store_set_sync_enabled (KithStore  *self,
                             gboolean    enabled,
                             GError    **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  stmt = kith_store_prepare (self,
                             "INSERT INTO store_setting (key, value) VALUES ('sync', ?1)"
                             " ON CONFLICT (key) DO UPDATE SET value = ?1",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, enabled ? "on" : "off");
  if (!step_done (self, stmt, error))
    return FALSE;
  self->sync_enabled = enabled;
  return TRUE;
}

gint64
kith_store_count_unsynced (KithStore *self)
{
  gint64 n = 0;

  g_return_val_if_fail (KITH_IS_STORE (self), -1);
  if (!query_int (self, "SELECT count(*) FROM outbox", &n, NULL))
    return -1;
  return n;
}

gboolean
kith_store_has_version (KithStore  *self,
                        const char *type,
                        const char *id,
                        const char *version_id)
{
  sqlite3_stmt *stmt = kith_store_prepare (self,
                                           "SELECT 1 FROM resource_history WHERE type = ?1 AND id = ?2 AND version_id = ?3",
                                           NULL);
  gboolean held;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, version_id);
  held = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return held;
}

static gboolean
delete_outbox (KithStore   *self,
               const char  *type,
               const char  *id,
               GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (self, "DELETE FROM outbox WHERE type = ?1 AND id = ?2", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  return step_done (self, stmt, error);
}

gboolean
kith_store_rebase_outbox (KithStore   *self,
                          const char  *type,
                          const char  *id,
                          const char  *server_version,
                          GError     **error)
{
  sqlite3_stmt *stmt;

  if (!kith_store_begin (self, error))
    return FALSE;
  stmt = kith_store_prepare (self,
                             "UPDATE outbox SET base_server_version = ?3, state = 'pending', outcome = NULL"
                             " WHERE type = ?1 AND id = ?2",
                             error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, server_version);
  if (!step_done (self, stmt, error))
    goto fail;
  stmt = kith_store_prepare (self, "UPDATE resource SET server_version = ?3 WHERE type = ?1 AND id = ?2", error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, server_version);
  if (!step_done (self, stmt, error))
    goto fail;
  return kith_store_commit (self, error);

fail:
  kith_store_rollback (self);
  return FALSE;
}

gboolean
kith_store_apply_pushed (KithStore   *self,
                         const char  *type,
                         const char  *id,
                         const char  *sent_version,
                         JsonObject  *server_resource,
                         const char  *server_version,
                         GError     **error)
{
  g_autofree char *current = NULL;
  gboolean deleted = FALSE;
  const char *updated = server_resource ? kith_fhir_get_last_updated (server_resource) : NULL;
  g_autofree char *now = kith_fhir_now_instant ();
  gboolean unchanged_since;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  if (!kith_store_begin (self, error))
    return FALSE;
  if (!lookup_current (self, type, id, &current, NULL, &deleted, error))
    goto fail;
  unchanged_since = g_strcmp0 (current, sent_version) == 0;

  if (server_version && !kith_store_has_version (self, type, id, server_version) &&
      !write_version (self, type, id, server_version, updated ? updated : now, server_resource,
                      unchanged_since, FALSE, error))
    goto fail;
  if (unchanged_since)
    {
      if (!set_server_version (self, type, id, server_version, error) ||
          !delete_outbox (self, type, id, error))
        goto fail;
    }
  else if (!kith_store_rebase_outbox (self, type, id, server_version, error))
    goto fail;
  return kith_store_commit (self, error);

fail:
  kith_store_rollback (self);
  return FALSE;
}

gboolean
kith_store_apply_server_delete (KithStore   *self,
                                const char  *type,
                                const char  *id,
                                const char  *server_version,
                                const char  *last_updated,
                                GError     **error)
{
  gboolean make_current;

  g_return_val_if_fail (KITH_IS_STORE (self), FALSE);

  if (kith_store_has_version (self, type, id, server_version))
    return TRUE;
  if (!kith_store_begin (self, error))
    return FALSE;
  if (!pulled_becomes_current (self, type, id, server_version, last_updated, &make_current, error))
    {
      kith_store_rollback (self);
      return FALSE;
    }
  if (!write_version (self, type, id, server_version, last_updated, NULL, make_current, FALSE, error) ||
      (make_current && !set_server_version (self, type, id, server_version, error)))
    {
      kith_store_rollback (self);
      return FALSE;
    }
  return kith_store_commit (self, error);
}

const char *
kith_store_get_setting (KithStore  *self,
                        const char *key,
                        char      **owned)
{
  sqlite3_stmt *stmt = kith_store_prepare (self, "SELECT value FROM store_setting WHERE key = ?1", NULL);

  *owned = NULL;
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *owned = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return *owned;
}

gboolean
kith_store_set_setting (KithStore   *self,
                        const char  *key,
                        const char  *value,
                        GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (self,
                                           "INSERT INTO store_setting (key, value) VALUES (?1, ?2)"
                                           " ON CONFLICT (key) DO UPDATE SET value = ?2",
                                           error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  return step_done (self, stmt, error);
}
