/* test-store.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "kith-core.h"
#include "kith-store-private.h"

typedef struct
{
  char      *dir;
  char      *path;
  KithStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kith-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->path);
  g_free (f->dir);
}

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *resource = kith_fhir_parse_resource (json, -1, &error);

  g_assert_no_error (error);
  return resource;
}

static JsonObject *
make_patient (const char *id,
              const char *family,
              const char *given)
{
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Patient\",\"id\":\"%s\","
                                           "\"name\":[{\"use\":\"official\",\"family\":\"%s\",\"given\":[\"%s\"]}]}",
                                           id, family, given);
  return parse (json);
}

static void
test_new_store_is_private (Fixture       *f,
                           gconstpointer  data)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_save_and_read (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = make_patient ("p1", "Evans", "Joan");
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(JsonObject) v1 = NULL;
  g_autoptr(GPtrArray) history = NULL;

  g_assert_true (kith_store_save_resource (f->store, patient, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kith_fhir_get_version_id (patient), ==, "1");
  g_assert_nonnull (kith_fhir_get_last_updated (patient));

  json_object_set_string_member (patient, "gender", "female");
  g_assert_true (kith_store_save_resource (f->store, patient, "1", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kith_fhir_get_version_id (patient), ==, "2");

  back = kith_store_read_resource (f->store, "Patient", "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_fhir_get_string (back, "gender"), ==, "female");
  g_assert_cmpstr (kith_fhir_get_version_id (back), ==, "2");

  v1 = kith_store_read_version (f->store, "Patient", "p1", "1", &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (v1, "gender"));

  history = kith_store_list_history (f->store, "Patient", "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpstr (kith_fhir_get_version_id (history->pdata[0]), ==, "1");
  g_assert_cmpstr (kith_fhir_get_version_id (history->pdata[1]), ==, "2");
}

static void
test_if_match_conflict (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) first = make_patient ("p2", "Khan", "Amina");
  g_autoptr(JsonObject) stale = make_patient ("p2", "Khan", "Aminah");
  g_autoptr(JsonObject) back = NULL;

  g_assert_true (kith_store_save_resource (f->store, first, NULL, &error));
  g_assert_true (kith_store_save_resource (f->store, first, "1", &error));
  g_assert_no_error (error);

  /* An edit based on version 1 must not overwrite version 2. */
  g_assert_false (kith_store_save_resource (f->store, stale, "1", &error));
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_VERSION_CONFLICT);

  back = kith_store_read_resource (f->store, "Patient", "p2", NULL);
  g_assert_cmpstr (kith_fhir_get_version_id (back), ==, "2");
}

static void
test_delete_keeps_history (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = make_patient ("p3", "Nowak", "Tomasz");
  g_autoptr(JsonObject) gone = NULL;
  g_autoptr(GPtrArray) history = NULL;

  g_assert_true (kith_store_save_resource (f->store, patient, NULL, &error));
  g_assert_true (kith_store_delete_resource (f->store, "Patient", "p3", &error));
  g_assert_no_error (error);

  gone = kith_store_read_resource (f->store, "Patient", "p3", &error);
  g_assert_null (gone);
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE);
  g_clear_error (&error);

  history = kith_store_list_history (f->store, "Patient", "p3", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_false (json_object_has_member (history->pdata[1], "name"));
  g_assert_cmpstr (kith_fhir_get_version_id (history->pdata[1]), ==, "2");

  /* Gone from the caseload too. */
  {
    g_autoptr(GArray) found = kith_store_search_patients (f->store, "Nowak", 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 0);
  }
}

static void
test_import_is_idempotent (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) v5 = parse ("{\"resourceType\":\"Condition\",\"id\":\"c1\","
                                    "\"meta\":{\"versionId\":\"5\",\"lastUpdated\":\"2026-02-01T10:00:00.000Z\"},"
                                    "\"subject\":{\"reference\":\"Patient/p9\"}}");
  g_autoptr(JsonObject) v4 = parse ("{\"resourceType\":\"Condition\",\"id\":\"c1\","
                                    "\"meta\":{\"versionId\":\"4\",\"lastUpdated\":\"2026-01-01T10:00:00.000Z\"},"
                                    "\"subject\":{\"reference\":\"Patient/p9\"},\"note\":[{\"text\":\"old\"}]}");
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) for_patient = NULL;

  g_assert_true (kith_store_import_resource (f->store, v5, &error));
  g_assert_true (kith_store_import_resource (f->store, v5, &error));
  /* An older version arriving late goes to history, not over the newer. */
  g_assert_true (kith_store_import_resource (f->store, v4, &error));
  g_assert_no_error (error);

  current = kith_store_read_resource (f->store, "Condition", "c1", &error);
  g_assert_cmpstr (kith_fhir_get_version_id (current), ==, "5");
  history = kith_store_list_history (f->store, "Condition", "c1", &error);
  g_assert_cmpuint (history->len, ==, 2);
  for_patient = kith_store_list_for_patient (f->store, "Condition", "p9", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (for_patient->len, ==, 1);
}

static void
test_refuses_unknown_type (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(JsonObject) odd = json_object_new ();

  resource = kith_fhir_parse_resource ("{\"resourceType\":\"Spaceship\",\"id\":\"x\"}", -1, &error);
  g_assert_null (resource);
  g_assert_error (error, KITH_FHIR_ERROR, KITH_FHIR_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);

  json_object_set_string_member (odd, "resourceType", "Spaceship");
  json_object_set_string_member (odd, "id", "x");
  g_assert_false (kith_store_save_resource (f->store, odd, NULL, &error));
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_INVALID);
}

static void
test_refuses_malformed_json (Fixture       *f,
                             gconstpointer  data)
{
  const char *bad[] = { "", "{", "[]", "42", "{\"id\":\"x\"}", "{\"resourceType\":7}",
                        "{\"resourceType\":\"Patient\",\"id\":\"has space\"}", "\xff\xfe" };
  g_autoptr(GString) deep = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) resource = kith_fhir_parse_resource (bad[i], -1, &error);

      g_assert_null (resource);
      g_assert_true (error != NULL && error->domain == KITH_FHIR_ERROR);
    }

  /* 100,000 levels of nesting is refused before json-glib recurses. */
  g_string_append (deep, "{\"resourceType\":\"Patient\",\"x\":");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) resource = kith_fhir_parse_resource (deep->str, deep->len, &error);

    g_assert_null (resource);
    g_assert_error (error, KITH_FHIR_ERROR, KITH_FHIR_ERROR_MALFORMED);
  }
}

static void
raw_exec (KithStore  *store,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (kith_store_get_db (store), sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
test_damaged_rows_are_refused (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = make_patient ("pa", "Hill", "Rita");
  g_autoptr(JsonObject) b = make_patient ("pb", "Ward", "Colin");
  g_autoptr(JsonObject) read_a = NULL;
  g_autoptr(JsonObject) read_b = NULL;

  g_assert_true (kith_store_save_resource (f->store, a, NULL, &error));
  g_assert_true (kith_store_save_resource (f->store, b, NULL, &error));

  /* Something outside Kith damaged one row, and put the wrong type in another. */
  raw_exec (f->store, "UPDATE resource_history SET json = '{\"resourceType\": \"Pat' WHERE id = 'pa'");
  raw_exec (f->store, "UPDATE resource_history SET json = '{\"resourceType\":\"Observation\",\"id\":\"pb\"}' WHERE id = 'pb'");

  read_a = kith_store_read_resource (f->store, "Patient", "pa", &error);
  g_assert_null (read_a);
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_INVALID);
  g_clear_error (&error);

  read_b = kith_store_read_resource (f->store, "Patient", "pb", &error);
  g_assert_null (read_b);
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  g_assert_null (kith_store_load_patient (f->store, "pb", &error));
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_WRONG_TYPE);
}

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) one = make_patient ("r1", "Price", "Owen");
  g_autoptr(JsonObject) two = make_patient ("r2", "Price", "Ellen");

  g_assert_true (kith_store_begin (f->store, &error));
  g_assert_true (kith_store_save_resource (f->store, one, NULL, &error));
  g_assert_true (kith_store_begin (f->store, &error));
  g_assert_true (kith_store_save_resource (f->store, two, NULL, &error));
  kith_store_rollback (f->store);          /* inner: r2 undone */
  g_assert_true (kith_store_commit (f->store, &error));
  g_assert_no_error (error);

  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, 1);
  g_assert_null (kith_store_read_resource (f->store, "Patient", "r2", NULL));

  g_assert_true (kith_store_begin (f->store, &error));
  g_assert_true (kith_store_save_resource (f->store, two, NULL, &error));
  kith_store_rollback (f->store);
  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, 1);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) keep = make_patient ("keep", "Shaw", "Irene");
  g_autoptr(JsonObject) big = make_patient ("big", "Shaw", "Leslie");
  g_autoptr(GString) note = g_string_new (NULL);
  g_autoptr(JsonObject) back = NULL;
  gint64 pages = 0;
  sqlite3_stmt *stmt;
  g_autofree char *limit = NULL;

  g_assert_true (kith_store_save_resource (f->store, keep, NULL, &error));

  /* Stand-in for a full disk: cap the file at its current size. */
  sqlite3_prepare_v2 (kith_store_get_db (f->store), "PRAGMA page_count", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  pages = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  raw_exec (f->store, limit);

  for (int i = 0; i < 20000; i++)
    g_string_append (note, "lots of words ");
  json_object_set_string_member (big, "note", note->str);
  g_assert_false (kith_store_save_resource (f->store, big, NULL, &error));
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_DISK_FULL);
  g_clear_error (&error);

  /* What was saved before is still there, and the store is consistent. */
  back = kith_store_read_resource (f->store, "Patient", "keep", &error);
  g_assert_no_error (error);
  g_assert_null (kith_store_read_resource (f->store, "Patient", "big", NULL));
  g_assert_true (kith_store_check_integrity (f->store, &error));
  g_assert_no_error (error);
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, length);
}

static void
test_newer_schema_is_refused (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) again = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonObject) patient = make_patient ("n1", "Begum", "Fatima");

  g_assert_true (kith_store_save_resource (f->store, patient, NULL, &error));
  raw_exec (f->store, "PRAGMA user_version = 99");
  raw_exec (f->store, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_clear_object (&f->store);

  before = file_checksum (f->path);
  again = kith_store_open (f->path, &error);
  g_assert_null (again);
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NEWER_SCHEMA);
  g_assert_true (strstr (error->message, "newer") != NULL);
  after = file_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_corrupt_file_is_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-corrupt-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autofree char *garbage = g_malloc (8192);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(KithStore) store = NULL;

  for (int i = 0; i < 8192; i++)
    garbage[i] = (char) (i * 37 + 11);
  g_assert_true (g_file_set_contents (path, garbage, 8192, NULL));
  before = file_checksum (path);

  store = kith_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_CORRUPT);
  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_foreign_database_is_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-foreign-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "other.db", NULL);
  g_autoptr(KithStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE recipes (name TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  before = file_checksum (path);

  store = kith_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_KITH);
  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_reopen_keeps_everything (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = make_patient ("k1", "Lloyd", "Nia");
  g_autoptr(KithPatient) loaded = NULL;

  g_assert_true (kith_store_save_resource (f->store, patient, NULL, &error));
  g_clear_object (&f->store);
  f->store = kith_store_open (f->path, &error);
  g_assert_no_error (error);
  loaded = kith_store_load_patient (f->store, "k1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_patient_get_given (loaded), ==, "Nia");
  g_assert_true (kith_store_check_integrity (f->store, &error));
}

static void
test_save_patient_validates (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(JsonObject) raw = parse ("{\"resourceType\":\"Patient\",\"id\":\"bad\","
                                     "\"name\":[{\"family\":\"X\"}],\"birthDate\":\"2999-01-01\"}");

  g_assert_false (kith_store_save_patient (f->store, patient, &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_MISSING_NAME);
  g_clear_error (&error);

  kith_patient_set_family (patient, "Mills");
  kith_patient_set_given (patient, "Hazel");
  g_assert_true (kith_patient_set_nhs_number (patient, "943 476 5919", &error));
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);

  /* A raw Patient with a future birth date is refused by the store too. */
  g_assert_false (kith_store_save_resource (f->store, raw, NULL, &error));
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_BIRTH_DATE);
}

static void
test_coordinator_and_review_indexed (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = make_patient ("c-p", "Foster", "Grace");
  g_autoptr(JsonObject) team = parse ("{\"resourceType\":\"CareTeam\",\"id\":\"t1\",\"status\":\"active\","
                                      "\"subject\":{\"reference\":\"Patient/c-p\"},"
                                      "\"participant\":[{\"role\":[{\"coding\":[{\"code\":\"coordinator\"}]}],"
                                      "\"member\":{\"reference\":\"Practitioner/x\",\"display\":\"Bethan Hughes\"}}]}");
  g_autoptr(JsonObject) plan = parse ("{\"resourceType\":\"CarePlan\",\"id\":\"cp1\",\"status\":\"active\","
                                      "\"intent\":\"plan\",\"subject\":{\"reference\":\"Patient/c-p\"},"
                                      "\"extension\":[{\"url\":\"" KITH_FHIR_BASE "/StructureDefinition/review-date\","
                                      "\"valueDate\":\"2020-05-01\"}]}");
  g_autoptr(KithCaseload) caseload = NULL;
  g_autoptr(KithCaseloadEntry) entry = NULL;

  g_assert_true (kith_store_save_resource (f->store, patient, NULL, &error));
  g_assert_true (kith_store_save_resource (f->store, team, NULL, &error));
  g_assert_true (kith_store_save_resource (f->store, plan, NULL, &error));
  g_assert_no_error (error);

  caseload = kith_caseload_new (f->store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (caseload)), ==, 1);
  entry = g_list_model_get_item (G_LIST_MODEL (caseload), 0);
  g_assert_cmpstr (kith_caseload_entry_get_coordinator (entry), ==, "Bethan Hughes");
  g_assert_cmpstr (kith_caseload_entry_get_next_review (entry), ==, "2020-05-01");
  g_assert_true (kith_caseload_entry_get_review_overdue (entry));
  g_clear_object (&entry);

  /* Ending the plan clears the review from the caseload. */
  json_object_set_string_member (plan, "status", "completed");
  g_assert_true (kith_store_save_resource (f->store, plan, "1", &error));
  kith_caseload_reload (caseload);
  entry = g_list_model_get_item (G_LIST_MODEL (caseload), 0);
  g_assert_null (kith_caseload_entry_get_next_review (entry));
}

/* A store written by schema version 1 (tests/fixtures/store-v1.db, made
 * by kith-demo --people 20 --seed 5 before migration 2 existed) opens,
 * migrates, and keeps every record. */
static void
test_migrates_version_1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-migrate-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autofree char *fixture = g_build_filename (g_getenv ("KITH_SOURCE_ROOT"), "tests", "fixtures", "store-v1.db", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_autoptr(GFile) source = g_file_new_for_path (fixture);
  g_autoptr(GFile) target = g_file_new_for_path (path);
  g_autoptr(KithStore) store = NULL;
  g_autoptr(GArray) everyone = NULL;
  gint64 version = 0;
  sqlite3_stmt *stmt;

  g_assert_true (g_file_copy (source, target, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  store = kith_store_open (path, &error);
  g_assert_no_error (error);

  sqlite3_prepare_v2 (kith_store_get_db (store), "PRAGMA user_version", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (version, ==, KITH_STORE_SCHEMA_VERSION);

  g_assert_cmpint (kith_store_count_resources (store, "Patient"), ==, 20);
  everyone = kith_store_search_patients (store, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (everyone->len, ==, 20);
  g_assert_true (kith_store_check_integrity (store, &error));

  /* New columns work on old rows: a new Flag counts as an open alert. */
  {
    g_autoptr(JsonObject) patient = NULL;
    g_autoptr(JsonObject) flag = NULL;
    g_autofree char *json = NULL;
    KithCaseload *caseload;
    g_autoptr(KithCaseloadEntry) entry = NULL;

    caseload = kith_caseload_new (store);
    entry = g_list_model_get_item (G_LIST_MODEL (caseload), 0);
    json = g_strdup_printf ("{\"resourceType\":\"Flag\",\"id\":\"f1\",\"status\":\"active\","
                            "\"category\":[{\"coding\":[{\"code\":\"safety\"}]}],"
                            "\"subject\":{\"reference\":\"Patient/%s\"}}",
                            kith_caseload_entry_get_id (entry));
    flag = parse (json);
    g_assert_true (kith_store_save_resource (store, flag, NULL, &error));
    g_assert_no_error (error);
    sqlite3_prepare_v2 (kith_store_get_db (store), "SELECT open_alerts FROM patient_index WHERE id = ?1", -1, &stmt, NULL);
    sqlite3_bind_text (stmt, 1, kith_caseload_entry_get_id (entry), -1, SQLITE_TRANSIENT);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    sqlite3_finalize (stmt);
    g_object_unref (caseload);
  }

  g_clear_object (&store);
  g_assert_cmpint (system (cmd), ==, 0);
}

/* A pull stores pages as they come, newest first: an older version, or an
 * older deletion, must not replace a newer one, and versions written in the
 * same instant order by number ("10" after "9"). */
static void
test_pulled_newest_first (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *t0 = "2026-01-01T09:00:00.000Z", *t1 = "2026-01-02T09:00:00.000Z";
  struct { const char *id, *version, *updated; } versions[] = {
    { "a", "10", t0 }, { "a", "9", t0 },   /* one instant: 10 stays */
    { "b", "3", t1 }, { "b", "2", t0 },    /* older after newer */
  };

  g_assert_true (kith_store_begin (f->store, &error));
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Practitioner\",\"id\":\"%s\","
                                               "\"meta\":{\"versionId\":\"%s\",\"lastUpdated\":\"%s\"}}",
                                               versions[i].id, versions[i].version, versions[i].updated);
      g_autoptr(JsonObject) resource = parse (json);

      g_assert_false (kith_store_has_version (f->store, "Practitioner", versions[i].id, versions[i].version));
      g_assert_true (kith_store_import_pulled (f->store, resource, &error));
      g_assert_no_error (error);
    }
  /* b was deleted at t0, then made again at t1 (version 3, pulled first). */
  g_assert_true (kith_store_apply_server_delete (f->store, "Practitioner", "b", "1", t0, &error));
  g_assert_no_error (error);
  g_assert_true (kith_store_commit (f->store, &error));

  {
    g_autoptr(JsonObject) a = kith_store_read_resource (f->store, "Practitioner", "a", &error);
    g_autoptr(JsonObject) b = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (kith_fhir_get_version_id (a), ==, "10");
    b = kith_store_read_resource (f->store, "Practitioner", "b", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (kith_fhir_get_version_id (b), ==, "3");
  }
}

static char *
tier_of (KithStore  *store,
         const char *patient_id)
{
  sqlite3_stmt *stmt = kith_store_prepare (store, "SELECT risk_tier FROM patient_index WHERE id = ?1", NULL);
  char *tier = NULL;

  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
    tier = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return tier;
}

/* During a pull the caseload columns wait on disk; a pull killed before
 * indexing them is finished when the store next opens. */
static void
test_pending_links_survive_a_kill (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = make_patient ("p-links", "Links", "Lena");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (kith_store_save_resource (f->store, patient, NULL, &error));
  g_assert_null (tier_of (f->store, "p-links"));

  kith_store_set_defer_links (f->store, TRUE);
  for (guint i = 0; i < 3; i++)
    {
      const char *codes[] = { "84114007", "49436004", "13645005" };
      g_autofree char *json = g_strdup_printf (
        "{\"resourceType\":\"Condition\",\"id\":\"c-links-%u\","
        "\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},"
        "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"%s\"}]},"
        "\"subject\":{\"reference\":\"Patient/p-links\"}}", i, codes[i]);
      g_autoptr(JsonObject) condition = parse (json);

      g_assert_true (kith_store_save_resource (f->store, condition, NULL, &error));
      g_assert_no_error (error);
    }
  /* Deferred: not indexed yet. */
  before = tier_of (f->store, "p-links");
  g_assert_null (before);

  /* "Killed": closed without indexing. Opening again finishes the work. */
  g_clear_object (&f->store);
  f->store = kith_store_open (f->path, &error);
  g_assert_no_error (error);
  after = tier_of (f->store, "p-links");
  g_assert_cmpstr (after, ==, "fit");   /* 3 of 36 = 0.08 */
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/private-file", test_new_store_is_private);
  ADD ("/store/save-and-read", test_save_and_read);
  ADD ("/store/if-match-conflict", test_if_match_conflict);
  ADD ("/store/delete-keeps-history", test_delete_keeps_history);
  ADD ("/store/import-idempotent", test_import_is_idempotent);
  ADD ("/store/unknown-type", test_refuses_unknown_type);
  ADD ("/store/malformed-json", test_refuses_malformed_json);
  ADD ("/store/damaged-rows", test_damaged_rows_are_refused);
  ADD ("/store/rollback", test_rollback);
  ADD ("/store/disk-full", test_disk_full);
  ADD ("/store/newer-schema", test_newer_schema_is_refused);
  ADD ("/store/reopen", test_reopen_keeps_everything);
  ADD ("/store/save-patient-validates", test_save_patient_validates);
  ADD ("/store/coordinator-and-review", test_coordinator_and_review_indexed);
  ADD ("/store/pulled-newest-first", test_pulled_newest_first);
  ADD ("/store/pending-links-survive-a-kill", test_pending_links_survive_a_kill);
#undef ADD
  g_test_add_func ("/store/corrupt-file", test_corrupt_file_is_refused);
  g_test_add_func ("/store/foreign-database", test_foreign_database_is_refused);
  g_test_add_func ("/store/migrates-version-1", test_migrates_version_1);

  return g_test_run ();
}
