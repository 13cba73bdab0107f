/* test-sync-access.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync client under access control (src/core/GOVERNANCE.md), against
 * a real kith-server on 127.0.0.1: a 403 parks one edit and the cycle goes
 * on; withheld versions come as stubs, kept but never over a full copy,
 * and replaced by full copies once the person's Consent, their care team
 * or break-glass opens the record; the store's handling of stubs on its
 * own. A SoupServer in the test answers 403 to everything, for a server
 * that refuses all access.
 *
 * The people, their records and the users are made up here: a GP of the
 * North team writes them through their own client, as the window would.
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "kith-core.h"
#include "kith-store-private.h"

#define NORTH "North locality team"
#define SOUTH "South locality team"

/* Test fixtures, not secrets. */
#define PASSWORD "sync access test password"

#define P_NORTH "p-north"
#define P_SOUTH "p-south"

#define SCORE_SYSTEM KITH_FHIR_BASE "/CodeSystem/score"

static const struct
{
  const char *username;
  const char *role;
  const char *team;
  const char *name;
} users[] = {
  { "gp.north", "gp", NORTH, "Gus North" },
  { "nurse.north", "nurse", NORTH, "Nia North" },
  { "nurse.south", "nurse", SOUTH, "Sam South" },
  { "vol.south", "volunteer", SOUTH, "Vic South" },
};

/* --- the real server --------------------------------------------------- */

typedef struct
{
  char        *dir;
  char        *data;
  GSubprocess *process;
  char        *url;
} Fixture;

static void
kill_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
add_user (Fixture    *f,
          guint       i)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KITH_SERVER"), "user", "add",
                                         "--role", users[i].role, "--name", users[i].name,
                                         "--team", users[i].team, users[i].username,
                                         "--data", f->data, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, PASSWORD "\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *marker;

  g_assert_nonnull (g_getenv ("KITH_SERVER"));
  f->dir = g_dir_make_tmp ("kith-sync-access-XXXXXX", &error);
  g_assert_no_error (error);
  f->data = g_build_filename (f->dir, "server", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    add_user (f, i);

  /* If this test dies, the server goes with it. */
  g_subprocess_launcher_set_child_setup (launcher, kill_with_parent, NULL, NULL);
  f->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KITH_SERVER"), "--data", f->data,
                                            "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  marker = strstr (line, "http://");
  g_assert_nonnull (marker);
  f->url = g_strchomp (g_strdup (marker));
}

static void
tear_down (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", f->dir);

  if (f->process != NULL)
    {
      g_subprocess_send_signal (f->process, SIGTERM);
      g_subprocess_wait (f->process, NULL, NULL);
    }
  g_clear_object (&f->process);
  g_assert_cmpint (system (command), ==, 0);
  g_free (f->url);
  g_free (f->data);
  g_free (f->dir);
}

/* --- clients ------------------------------------------------------------- */

/* @username's own empty store, syncing, and a client of it, signed in. */
static KithSyncClient *
client_new (Fixture    *f,
            const char *username,
            char      **store_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_build_filename (f->dir, username, NULL);
  g_autoptr(KithStore) store = NULL;
  KithSyncClient *client;

  *store_path = g_build_filename (profile, "kith.db", NULL);
  if (!g_file_test (*store_path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_mkdir_with_parents (profile, 0700), ==, 0);
      store = kith_store_open (*store_path, &error);
      g_assert_no_error (error);
      g_assert_true (kith_store_set_sync_enabled (store, TRUE, &error));
    }
  client = kith_sync_client_new (*store_path, f->url);
  g_assert_true (kith_sync_client_sign_in (client, username, PASSWORD, NULL, &error));
  g_assert_no_error (error);
  return client;
}

static KithSyncReport *
sync_ok (KithSyncClient *client)
{
  g_autoptr(GError) error = NULL;
  KithSyncReport *report = kith_sync_client_sync (client, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static void
save_json (const char *store_path,
           const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) store = kith_store_open (store_path, &error);
  g_autoptr(JsonObject) resource = kith_fhir_parse_resource (json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (kith_store_save_resource (store, resource, NULL, &error));
  g_assert_no_error (error);
}

static JsonObject *
read_held (const char *store_path,
           const char *type,
           const char *id,
           GError    **error)
{
  g_autoptr(KithStore) store = kith_store_open (store_path, NULL);

  return kith_store_read_resource (store, type, id, error);
}

static gboolean
is_withheld (const char *store_path,
             const char *type,
             const char *id)
{
  g_autoptr(KithStore) store = kith_store_open (store_path, NULL);

  return kith_store_is_withheld (store, type, id);
}

static gboolean
holds_full (const char *store_path,
            const char *type,
            const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) resource = read_held (store_path, type, id, &error);

  g_assert_no_error (error);
  return !kith_consent_is_redacted (resource) && json_object_has_member (resource, "code") &&
         !is_withheld (store_path, type, id);
}

static gboolean
holds_nothing (const char *store_path,
               const char *type,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) resource = read_held (store_path, type, id, &error);

  return resource == NULL && g_error_matches (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND);
}

static gint64
count_refetch_waiting (const char *store_path)
{
  g_autoptr(KithStore) store = kith_store_open (store_path, NULL);
  sqlite3_stmt *stmt = kith_store_prepare (store, "SELECT count(*) FROM refetch", NULL);
  gint64 n;

  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static char *
care_team_json (const char *id,
                const char *patient_id,
                const char *team,
                const char *coordinator)
{
  g_autofree char *participant = coordinator == NULL ? g_strdup ("")
    : g_strdup_printf (",\"participant\":[{\"role\":[{\"coding\":[{\"system\":\"" KITH_FHIR_BASE
                       "/CodeSystem/care-team-role\",\"code\":\"coordinator\"}]}],"
                       "\"member\":{\"display\":\"%s (Care co-ordinator)\"}}]", coordinator);

  return g_strdup_printf ("{\"resourceType\":\"CareTeam\",\"id\":\"%s\",\"status\":\"active\","
                          "\"subject\":{\"reference\":\"Patient/%s\"},"
                          "\"managingOrganization\":[{\"display\":\"%s\"}]%s}",
                          id, patient_id, team, participant);
}

/* An Observation in the general section. */
static char *
general_json (const char *id,
              const char *patient_id)
{
  return g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"%s\",\"status\":\"final\","
                          "\"code\":{\"text\":\"Weight\"},\"subject\":{\"reference\":\"Patient/%s\"},"
                          "\"valueQuantity\":{\"value\":61}}", id, patient_id);
}

static void
save_consent (const char *store_path,
              KithConsent *consent)
{
  g_autoptr(JsonObject) fhir = NULL;
  g_autofree char *json = NULL;

  g_free (consent->id);
  consent->id = g_strdup ("consent-north");
  consent->recorded_by = g_strdup ("Gus North");
  consent->own_words = g_strdup ("I said who may see what.");
  fhir = kith_consent_to_fhir (consent);
  json = kith_fhir_to_string (fhir, FALSE);
  save_json (store_path, json);
}

/* Two people written by the North GP: P_NORTH of the North team, with a
 * weight (general) and a PHQ-9 score (mental health); P_SOUTH of the
 * South team. Returns the GP's client; @gp_store is their store. */
static KithSyncClient *
write_people (Fixture  *f,
              char    **gp_store)
{
  KithSyncClient *gp = client_new (f, "gp.north", gp_store);
  g_autoptr(KithSyncReport) report = NULL;
  g_autofree char *north_team = care_team_json ("team-north", P_NORTH, NORTH, NULL);
  g_autofree char *south_team = care_team_json ("team-south", P_SOUTH, SOUTH, NULL);
  g_autofree char *general = general_json ("obs-general", P_NORTH);
  g_autofree char *mental = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"obs-mh\","
                                             "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\""
                                             SCORE_SYSTEM "\",\"code\":\"phq-9/total\"}]},"
                                             "\"subject\":{\"reference\":\"Patient/" P_NORTH "\"},"
                                             "\"valueInteger\":17}");

  save_json (*gp_store, "{\"resourceType\":\"Patient\",\"id\":\"" P_NORTH "\","
                        "\"name\":[{\"family\":\"Northam\",\"given\":[\"Ada\"]}],\"birthDate\":\"1941-03-04\"}");
  save_json (*gp_store, north_team);
  save_json (*gp_store, general);
  save_json (*gp_store, mental);
  save_json (*gp_store, "{\"resourceType\":\"Patient\",\"id\":\"" P_SOUTH "\","
                        "\"name\":[{\"family\":\"Southey\",\"given\":[\"Bo\"]}],\"birthDate\":\"1938-07-01\"}");
  save_json (*gp_store, south_team);
  report = sync_ok (gp);
  g_assert_cmpuint (report->rejected->len, ==, 0);
  g_assert_cmpuint (report->pushed, ==, 6);
  g_assert_cmpint (report->pending, ==, 0);
  return gp;
}

static gboolean
report_rejected (KithSyncReport *report,
                 const char     *type_id)
{
  for (guint i = 0; i < report->rejected->len; i++)
    if (g_str_has_prefix (report->rejected->pdata[i], type_id))
      return TRUE;
  return FALSE;
}

/* The count of one entry of kith_store_list_withheld(), 0 when none. */
static guint
withheld_count (const char *store_path,
                const char *patient_id,
                const char *type,
                const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) store = kith_store_open (store_path, NULL);
  g_autoptr(GPtrArray) list = kith_store_list_withheld (store, patient_id, &error);
  guint count = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      KithWithheld *withheld = list->pdata[i];

      if (g_strcmp0 (withheld->type, type) == 0 && g_strcmp0 (withheld->reason, reason) == 0)
        count += withheld->count;
    }
  return count;
}

static guint
withheld_total (const char *store_path,
                const char *patient_id)
{
  g_autoptr(KithStore) store = kith_store_open (store_path, NULL);
  g_autoptr(GPtrArray) list = kith_store_list_withheld (store, patient_id, NULL);
  guint count = 0;

  for (guint i = 0; i < list->len; i++)
    count += ((KithWithheld *) list->pdata[i])->count;
  return count;
}

/* --- the store on its own -------------------------------------------------- */

static JsonObject *
observation (const char *id,
             const char *version,
             const char *updated,
             int         value)
{
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"%s\",\"status\":\"final\","
                                           "\"meta\":{\"versionId\":\"%s\",\"lastUpdated\":\"%s\"},"
                                           "\"code\":{\"text\":\"Weight\"},"
                                           "\"subject\":{\"reference\":\"Patient/p1\"},"
                                           "\"valueQuantity\":{\"value\":%d}}", id, version, updated, value);

  return kith_fhir_parse_resource (json, -1, NULL);
}

static void
import_pulled (KithStore  *store,
               JsonObject *resource)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kith_store_begin (store, &error));
  g_assert_true (kith_store_import_pulled (store, resource, &error));
  g_assert_no_error (error);
  g_assert_true (kith_store_commit (store, &error));
}

static double
value_of (KithStore  *store,
          const char *id)
{
  g_autoptr(JsonObject) held = kith_store_read_resource (store, "Observation", id, NULL);
  JsonObject *quantity = kith_fhir_get_object (held, "valueQuantity");

  return quantity != NULL ? json_object_get_double_member (quantity, "value") : -1;
}

static void
test_store_stubs (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-stubs-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
  g_autoptr(KithStore) store = kith_store_open (path, &error);
  g_autoptr(JsonObject) v1 = observation ("obs-1", "1", "2026-01-01T09:00:00Z", 60);
  g_autoptr(JsonObject) v2 = observation ("obs-1", "2", "2026-01-02T09:00:00Z", 62);
  g_autoptr(JsonObject) stub1 = kith_consent_make_stub (v1, KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  g_autoptr(JsonObject) stub2 = kith_consent_make_stub (v2, KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  g_autoptr(JsonObject) other = observation ("obs-mh", "1", "2026-01-01T09:00:00Z", 0);
  g_autoptr(JsonObject) other_stub = kith_consent_make_stub (other, KITH_ACCESS_DENY_RESTRICTED);
  g_autoptr(JsonObject) edit = NULL;
  g_autoptr(GPtrArray) withheld = NULL;
  g_autoptr(GPtrArray) history = NULL;
  JsonNode *section = json_node_new (JSON_NODE_VALUE);

  g_assert_no_error (error);
  g_assert_true (kith_store_set_sync_enabled (store, TRUE, &error));
  g_assert_true (kith_store_import_resource (store, v1, &error));
  g_assert_no_error (error);

  /* A stub of a version held in full changes nothing, by either path. */
  g_assert_false (kith_store_wants_version (store, "Observation", "obs-1", "1", TRUE));
  g_assert_true (kith_store_import_resource (store, stub1, &error));
  import_pulled (store, stub1);
  g_assert_cmpfloat (value_of (store, "obs-1"), ==, 60);
  g_assert_false (kith_store_is_withheld (store, "Observation", "obs-1"));

  /* A newer version withheld: its stub is current, and says so. */
  g_assert_true (kith_store_wants_version (store, "Observation", "obs-1", "2", TRUE));
  import_pulled (store, stub2);
  g_assert_true (kith_store_is_withheld (store, "Observation", "obs-1"));
  g_assert_cmpfloat (value_of (store, "obs-1"), ==, -1);

  /* A stub carrying its section reports it. */
  json_node_set_string (section, "mental-health");
  kith_fhir_set_extension (other_stub, KITH_RECORD_SECTION_URL, "valueCode", section);
  import_pulled (store, other_stub);
  withheld = kith_store_list_withheld (store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (withheld->len, ==, 2);
  g_assert_cmpstr (((KithWithheld *) withheld->pdata[0])->reason, ==, "restricted");
  g_assert_cmpstr (((KithWithheld *) withheld->pdata[0])->section, ==, "mental-health");
  g_assert_cmpuint (((KithWithheld *) withheld->pdata[0])->count, ==, 1);
  g_assert_cmpstr (((KithWithheld *) withheld->pdata[1])->type, ==, "Observation");
  g_assert_cmpstr (((KithWithheld *) withheld->pdata[1])->reason, ==, "withheld-at-request");
  g_assert_null (((KithWithheld *) withheld->pdata[1])->section);
  g_clear_pointer (&withheld, g_ptr_array_unref);

  /* Nothing is edited or deleted on top of a stub, nor is a stub saved. */
  edit = kith_store_read_resource (store, "Observation", "obs-1", &error);
  g_assert_false (kith_store_save_resource (store, edit, NULL, &error));
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_WITHHELD);
  g_clear_error (&error);
  g_assert_false (kith_store_delete_resource (store, "Observation", "obs-1", &error));
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_WITHHELD);
  g_clear_error (&error);
  json_object_set_string_member (edit, "id", "obs-copy");
  g_assert_false (kith_store_save_resource (store, edit, NULL, &error));
  g_assert_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_WITHHELD);
  g_clear_error (&error);
  g_assert_cmpint (kith_store_count_unsynced (store), ==, 0);

  /* The full copy of the same version replaces the stub, in place. */
  g_assert_true (kith_store_wants_version (store, "Observation", "obs-1", "2", FALSE));
  import_pulled (store, v2);
  g_assert_cmpfloat (value_of (store, "obs-1"), ==, 62);
  g_assert_false (kith_store_is_withheld (store, "Observation", "obs-1"));
  history = kith_store_list_history (store, "Observation", "obs-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_false (kith_store_wants_version (store, "Observation", "obs-1", "2", FALSE));
  /* ...by the public import too. */
  g_assert_true (kith_store_import_resource (store, other, &error));
  g_assert_false (kith_store_is_withheld (store, "Observation", "obs-mh"));
  withheld = kith_store_list_withheld (store, "p1", &error);
  g_assert_cmpuint (withheld->len, ==, 0);

  /* And now it may be edited. */
  g_clear_pointer (&edit, json_object_unref);
  edit = kith_store_read_resource (store, "Observation", "obs-1", &error);
  g_assert_true (kith_store_save_resource (store, edit, NULL, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  g_assert_cmpint (system (command), ==, 0);
}

/* What the caseload shows is worked out from what can be seen: a
 * withheld condition does not make a person's frailty known. */
static void
test_store_stub_not_indexed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-stubs-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
  g_autoptr(KithStore) store = kith_store_open (path, &error);
  g_autoptr(JsonObject) patient = kith_fhir_parse_resource (
    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"1\","
    "\"lastUpdated\":\"2026-01-01T09:00:00Z\"},\"name\":[{\"family\":\"Withers\"}]}", -1, NULL);
  g_autoptr(JsonObject) condition = kith_fhir_parse_resource (
    "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"meta\":{\"versionId\":\"1\","
    "\"lastUpdated\":\"2026-01-01T09:00:00Z\"},\"subject\":{\"reference\":\"Patient/p1\"},"
    "\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},\"code\":{\"text\":\"Something\"}}", -1, NULL);
  g_autoptr(JsonObject) stub = kith_consent_make_stub (condition, KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  sqlite3_stmt *stmt;

  g_assert_no_error (error);
  g_assert_true (kith_store_import_resource (store, patient, &error));
  g_assert_true (kith_store_import_resource (store, stub, &error));
  g_assert_no_error (error);
  stmt = kith_store_prepare (store, "SELECT frailty_index IS NULL FROM patient_index WHERE id = 'p1'", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_reset (stmt);

  /* The full copy counts. */
  g_assert_true (kith_store_import_resource (store, condition, &error));
  g_assert_no_error (error);
  stmt = kith_store_prepare (store, "SELECT frailty_index IS NULL FROM patient_index WHERE id = 'p1'", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_reset (stmt);

  g_clear_object (&store);
  g_assert_cmpint (system (command), ==, 0);
}

/* --- against the server ---------------------------------------------------- */

/* Outside the person's care team: their demographics only, and an edit of
 * their record is parked while the rest goes, alone or in a batch. */
static void
test_outsider (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *gp_store = NULL;
  g_autofree char *store_path = NULL;
  g_autoptr(KithSyncClient) gp = write_people (f, &gp_store);
  g_autoptr(KithSyncClient) south = client_new (f, "nurse.south", &store_path);
  g_autoptr(KithSyncReport) report = sync_ok (south);
  g_autoptr(GError) error = NULL;
  g_autofree char *north_edit = general_json ("obs-south-1", P_NORTH);
  g_autofree char *south_edit = general_json ("obs-south-2", P_SOUTH);

  /* The person is found, and nothing of the rest, not even a stub. */
  g_assert_false (holds_nothing (store_path, "Patient", P_NORTH));
  g_assert_true (holds_nothing (store_path, "Observation", "obs-general"));
  g_assert_true (holds_nothing (store_path, "CareTeam", "team-north"));
  g_assert_cmpuint (withheld_total (store_path, P_NORTH), ==, 0);
  g_assert_false (holds_nothing (store_path, "CareTeam", "team-south"));

  /* One edit refused, the next taken. */
  save_json (store_path, north_edit);
  save_json (store_path, south_edit);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (south);
  g_assert_cmpuint (report->rejected->len, ==, 1);
  g_assert_true (report_rejected (report, "Observation/obs-south-1: "));
  g_assert_cmpuint (report->pushed, ==, 1);
  g_assert_cmpint (report->pending, ==, 1);
  g_assert_false (kith_sync_client_get_sign_in_needed (south));

  /* A batch the server refuses goes one by one. */
  {
    g_autoptr(KithStore) store = kith_store_open (store_path, &error);
    g_autofree char *a_json = general_json ("obs-south-3", P_NORTH);
    g_autofree char *b_json = general_json ("obs-south-4", P_SOUTH);
    g_autoptr(JsonObject) a = kith_fhir_parse_resource (a_json, -1, NULL);
    g_autoptr(JsonObject) b = kith_fhir_parse_resource (b_json, -1, NULL);

    g_assert_true (kith_store_begin (store, &error));
    g_assert_true (kith_store_save_resource (store, a, NULL, &error));
    g_assert_true (kith_store_save_resource (store, b, NULL, &error));
    g_assert_true (kith_store_commit (store, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (south);
  g_assert_cmpuint (report->rejected->len, ==, 1);
  g_assert_true (report_rejected (report, "Observation/obs-south-3: "));
  g_assert_cmpuint (report->pushed, ==, 1);
  g_assert_cmpint (report->pending, ==, 2);

  /* The edits taken are held as the server's versions. */
  g_assert_true (holds_full (store_path, "Observation", "obs-south-2"));
  g_assert_true (holds_full (store_path, "Observation", "obs-south-4"));
}

/* Stubs for what the Consent withholds and what is restricted, listed;
 * full copies in their place when the Consent changes; and a full copy
 * never given up for a stub when it changes back. */
static void
test_consent (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *gp_store = NULL;
  g_autofree char *store_path = NULL;
  g_autoptr(KithSyncClient) gp = write_people (f, &gp_store);
  g_autoptr(KithSyncClient) nurse = NULL;
  g_autoptr(KithSyncReport) report = NULL;
  g_autoptr(KithConsent) withhold = kith_consent_new (P_NORTH);
  g_autoptr(KithConsent) share = kith_consent_new (P_NORTH);
  g_autoptr(KithConsent) again = kith_consent_new (P_NORTH);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stub = NULL;

  kith_consent_add_rule (withhold, FALSE, NULL, "nurse", KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_GENERAL));
  save_consent (gp_store, withhold);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (gp);
  g_assert_cmpuint (report->rejected->len, ==, 0);

  /* The nurse of the team: stubs, never silence. */
  nurse = client_new (f, "nurse.north", &store_path);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (nurse);
  g_assert_true (is_withheld (store_path, "Observation", "obs-general"));
  g_assert_true (is_withheld (store_path, "Observation", "obs-mh"));
  g_assert_cmpuint (withheld_count (store_path, P_NORTH, "Observation", "withheld-at-request"), ==, 1);
  g_assert_cmpuint (withheld_count (store_path, P_NORTH, "Observation", "restricted"), ==, 1);
  stub = read_held (store_path, "Observation", "obs-mh", &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (stub, "valueInteger"));

  /* The person lets nurses see everything: the next sync brings it. */
  kith_consent_add_rule (share, TRUE, NULL, "nurse",
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_GENERAL) |
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_MENTAL_HEALTH));
  save_consent (gp_store, share);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (gp);
  g_assert_cmpuint (report->rejected->len, ==, 0);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (nurse);
  g_assert_cmpuint (report->refetched, ==, 1);
  g_assert_true (holds_full (store_path, "Observation", "obs-general"));
  g_assert_true (holds_full (store_path, "Observation", "obs-mh"));
  g_assert_cmpuint (withheld_total (store_path, P_NORTH), ==, 0);
  g_assert_cmpint (count_refetch_waiting (store_path), ==, 0);

  /* The person withholds again: the versions held stay whole. */
  kith_consent_add_rule (again, FALSE, NULL, "nurse", KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_GENERAL));
  save_consent (gp_store, again);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (gp);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (nurse);
  g_assert_cmpuint (report->refetched, ==, 1);
  g_assert_true (holds_full (store_path, "Observation", "obs-general"));
  g_assert_true (holds_full (store_path, "Observation", "obs-mh"));
}

/* Someone joins the care team: their next sync brings the whole record,
 * which the history had moved on past. */
static void
test_care_team (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *gp_store = NULL;
  g_autofree char *store_path = NULL;
  g_autoptr(KithSyncClient) gp = write_people (f, &gp_store);
  g_autoptr(KithSyncClient) south = client_new (f, "nurse.south", &store_path);
  g_autoptr(KithSyncReport) report = sync_ok (south);
  g_autofree char *joined = care_team_json ("team-north", P_NORTH, NORTH, "Sam South");

  g_assert_true (holds_nothing (store_path, "Observation", "obs-general"));
  g_assert_cmpuint (report->refetched, ==, 0);

  /* Sam South becomes the named co-ordinator. */
  save_json (gp_store, joined);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (gp);
  g_assert_cmpuint (report->rejected->len, ==, 0);

  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (south);
  g_assert_cmpuint (report->refetched, ==, 1);
  g_assert_true (holds_full (store_path, "Observation", "obs-general"));
  g_assert_true (holds_full (store_path, "Observation", "obs-mh"));
  g_assert_cmpuint (withheld_total (store_path, P_NORTH), ==, 0);

  /* Nothing is fetched again without a change. */
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (south);
  g_assert_cmpuint (report->refetched, ==, 0);
}

static void
on_break_glass (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

/* Break-glass through the client: refused with reasons, then given, and
 * the record comes with the next sync. */
static void
test_break_glass (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *gp_store = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *volunteer_store = NULL;
  g_autoptr(KithSyncClient) gp = write_people (f, &gp_store);
  g_autoptr(KithSyncClient) south = client_new (f, "nurse.south", &store_path);
  g_autoptr(KithSyncClient) volunteer = client_new (f, "vol.south", &volunteer_store);
  g_autoptr(KithSyncClient) nowhere = kith_sync_client_new (NULL, "http://127.0.0.1:1/fhir");
  g_autoptr(KithSyncReport) report = sync_ok (south);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expires = NULL;
  const char *reason = "Called at 3am: fallen at home, no carer answering";

  /* Asking for an outsider's record again fetches nothing, once. */
  kith_sync_client_refetch_person (south, P_NORTH);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (south);
  g_assert_cmpuint (report->refetched, ==, 0);
  g_assert_true (holds_nothing (store_path, "Observation", "obs-general"));
  g_assert_cmpint (count_refetch_waiting (store_path), ==, 0);

  /* A reason in words, checked before anything is sent. */
  g_assert_false (kith_sync_client_break_glass (south, P_NORTH, "  urgent   ", NULL, &expires, &error));
  g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_INVALID);
  g_clear_error (&error);
  kith_sync_client_set_work_offline (south, TRUE);
  g_assert_false (kith_sync_client_break_glass (south, P_NORTH, reason, NULL, &expires, &error));
  g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  kith_sync_client_set_work_offline (south, FALSE);
  kith_sync_client_set_token (nowhere, "0123456789abcdef0123456789abcdef");
  g_assert_false (kith_sync_client_break_glass (nowhere, P_NORTH, reason, NULL, &expires, &error));
  g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  /* Not for a volunteer: the server's reason. */
  g_assert_false (kith_sync_client_break_glass (volunteer, P_NORTH, reason, NULL, &expires, &error));
  g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "clinical and care staff"));
  g_clear_error (&error);
  g_assert_null (expires);

  /* Given: the record comes with the next sync. */
  kith_sync_client_break_glass_async (south, P_NORTH, reason, NULL, on_break_glass, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (kith_sync_client_break_glass_finish (south, result, &expires, &error));
  g_assert_no_error (error);
  g_assert_nonnull (expires);
  {
    g_autoptr(GDateTime) until = g_date_time_new_from_iso8601 (expires, NULL);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    g_assert_nonnull (until);
    g_assert_cmpint (g_date_time_compare (until, now), >, 0);
  }
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (south);
  g_assert_cmpuint (report->refetched, ==, 1);
  g_assert_true (holds_full (store_path, "Observation", "obs-general"));
  g_assert_true (holds_full (store_path, "Observation", "obs-mh"));
}

/* A few people a cycle: the rest wait for the next. */
static void
test_refetch_cap (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *store_path = NULL;
  g_autoptr(KithSyncClient) south = client_new (f, "nurse.south", &store_path);
  g_autoptr(KithSyncReport) report = sync_ok (south);

  /* People this nurse cannot reach: each costs one refused search. */
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *id = g_strdup_printf ("nobody-%02u", i);

      kith_sync_client_refetch_person (south, id);
    }
  kith_sync_client_refetch_person (south, "nobody-00");
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (south);
  g_assert_cmpint (count_refetch_waiting (store_path), ==, 5);
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (south);
  g_assert_cmpint (count_refetch_waiting (store_path), ==, 0);
}

/* --- scripted servers ---------------------------------------------------------- */

typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GThread      *thread;
  char         *url;
} Refuser;

static void
refuse_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           data)
{
  static const char outcome[] = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                                "\"code\":\"forbidden\",\"diagnostics\":\"This account may not use sync\"}]}";

  soup_server_message_set_status (msg, 403, NULL);
  soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_STATIC, outcome,
                                    strlen (outcome));
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/fhir+json", SOUP_MEMORY_COPY, json, strlen (json));
}

/* Someone else changed two records, which this professional may no longer
 * read, or only in part: each edit is parked, and the cycle goes on. */
static void
changed_out_of_reach_cb (SoupServer        *server,
                         SoupServerMessage *msg,
                         const char        *path,
                         GHashTable        *query,
                         gpointer           data)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/fhir/metadata"))
    respond (msg, 200,
             "{\"resourceType\":\"CapabilityStatement\",\"rest\":[{\"mode\":\"server\","
             "\"interaction\":[{\"code\":\"history-system\"}],"
             "\"resource\":[{\"type\":\"Observation\",\"versioning\":\"versioned-update\"}]}]}");
  else if (g_str_equal (method, "PUT"))
    respond (msg, 412, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                       "\"code\":\"conflict\",\"diagnostics\":\"Changed since\"}]}");
  else if (g_str_equal (path, "/fhir/Observation/obs-a"))
    respond (msg, 403, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                       "\"code\":\"forbidden\",\"diagnostics\":\"Withheld at the person's request\"}]}");
  else if (g_str_equal (path, "/fhir/Observation/obs-b"))
    respond (msg, 200, "{\"resourceType\":\"Observation\",\"id\":\"obs-b\",\"meta\":{\"versionId\":\"3\","
                       "\"lastUpdated\":\"2026-01-01T09:00:00Z\",\"security\":[{\"system\":\""
                       KITH_REDACTED_SYSTEM "\",\"code\":\"" KITH_REDACTED_CODE "\"}]},"
                       "\"subject\":{\"reference\":\"Patient/p1\"}}");
  else if (g_str_equal (path, "/fhir/_history"))
    respond (msg, 200, "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":[]}");
  else
    respond (msg, 404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[]}");
}

static gpointer
refuser_thread (gpointer data)
{
  Refuser *refuser = data;

  g_main_context_push_thread_default (refuser->context);
  g_main_loop_run (refuser->loop);
  g_main_context_pop_thread_default (refuser->context);
  return NULL;
}

static void
refuser_start (Refuser            *refuser,
               SoupServerCallback  callback)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  refuser->context = g_main_context_new ();
  refuser->loop = g_main_loop_new (refuser->context, FALSE);
  g_main_context_push_thread_default (refuser->context);
  refuser->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (refuser->server, NULL, callback, NULL, NULL);
  g_assert_true (soup_server_listen_local (refuser->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  g_main_context_pop_thread_default (refuser->context);
  uris = soup_server_get_uris (refuser->server);
  refuser->url = g_strdup_printf ("http://127.0.0.1:%d/fhir", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  refuser->thread = g_thread_new ("refuser", refuser_thread, refuser);
}

static void
refuser_stop (Refuser *refuser)
{
  g_main_loop_quit (refuser->loop);
  g_thread_join (refuser->thread);
  g_object_unref (refuser->server);
  g_main_loop_unref (refuser->loop);
  g_main_context_unref (refuser->context);
  g_free (refuser->url);
}

static void
test_stale_out_of_reach (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-out-of-reach-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
  g_autofree char *a = general_json ("obs-a", "p1");
  g_autofree char *b = general_json ("obs-b", "p1");
  g_autoptr(KithStore) store = kith_store_open (path, &error);
  g_autoptr(KithSyncClient) client = NULL;
  g_autoptr(KithSyncReport) report = NULL;
  Refuser refuser = { 0 };

  g_assert_true (kith_store_set_sync_enabled (store, TRUE, &error));
  g_clear_object (&store);
  save_json (path, a);
  save_json (path, b);
  refuser_start (&refuser, changed_out_of_reach_cb);

  client = kith_sync_client_new (path, refuser.url);
  kith_sync_client_set_token (client, "0123456789abcdef0123456789abcdef");
  report = sync_ok (client);
  g_assert_cmpuint (report->conflicts->len, ==, 0);
  g_assert_cmpuint (report->rejected->len, ==, 2);
  g_assert_true (report_rejected (report, "Observation/obs-a: Withheld at the person's request"));
  g_assert_true (report_rejected (report, "Observation/obs-b: it was changed on the server, and only part"));
  g_assert_cmpint (report->pending, ==, 2);
  /* Both edits stay here as they were. */
  g_assert_true (holds_full (path, "Observation", "obs-b"));

  refuser_stop (&refuser);
  g_assert_cmpint (system (command), ==, 0);
}

/* 403 to the metadata: nothing can be synced, and it is not a sign-in. */
static void
test_no_access (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-no-access-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
  g_autofree char *general = general_json ("obs-1", "p1");
  g_autoptr(KithStore) store = kith_store_open (path, &error);
  g_autoptr(KithSyncClient) client = NULL;
  g_autoptr(KithSyncReport) report = NULL;
  Refuser refuser = { 0 };

  g_assert_true (kith_store_set_sync_enabled (store, TRUE, &error));
  g_clear_object (&store);
  save_json (path, general);
  refuser_start (&refuser, refuse_cb);

  client = kith_sync_client_new (path, refuser.url);
  kith_sync_client_set_token (client, "0123456789abcdef0123456789abcdef");
  report = kith_sync_client_sync (client, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "This account may not use sync"));
  g_assert_false (kith_sync_client_get_sign_in_needed (client));
  g_assert_cmpint (kith_sync_client_get_pending_count (client), ==, 1);

  refuser_stop (&refuser);
  g_assert_cmpint (system (command), ==, 0);
}

/* A print made here reaches the person's audit on the server with the
 * next sync, once; a report the server will not take does not block it. */
static guint
count_audit_lines (Fixture    *f,
                   const char *patient_id,
                   const char *subtype)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { g_getenv ("KITH_SERVER"), "audit", "--data", f->data, "--person", patient_id, NULL };
  int status;
  guint n = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], subtype) != NULL && strstr (lines[i], "gp.north") != NULL)
      n++;
  return n;
}

static void
test_access_report (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *gp_store = NULL;
  g_autoptr(KithSyncClient) gp = write_people (f, &gp_store);
  g_autoptr(KithSyncReport) report = NULL;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (count_audit_lines (f, P_NORTH, "print"), ==, 0);
  store = kith_store_open (gp_store, &error);
  g_assert_no_error (error);
  g_assert_true (kith_sync_queue_access_report (store, "no-such-person", "export", &error));
  g_assert_true (kith_sync_queue_access_report (store, P_NORTH, "print", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  report = sync_ok (gp);
  g_assert_cmpuint (count_audit_lines (f, P_NORTH, "print"), ==, 1);
  /* Sent once: the next sync has nothing more to tell. */
  g_clear_pointer (&report, kith_sync_report_free);
  report = sync_ok (gp);
  g_assert_cmpuint (count_audit_lines (f, P_NORTH, "print"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-access/store/stubs", test_store_stubs);
  g_test_add_func ("/sync-access/store/stub-not-indexed", test_store_stub_not_indexed);
  g_test_add_func ("/sync-access/no-access", test_no_access);
  g_test_add_func ("/sync-access/stale-out-of-reach", test_stale_out_of_reach);
  g_test_add ("/sync-access/outsider", Fixture, NULL, set_up, test_outsider, tear_down);
  g_test_add ("/sync-access/consent", Fixture, NULL, set_up, test_consent, tear_down);
  g_test_add ("/sync-access/care-team", Fixture, NULL, set_up, test_care_team, tear_down);
  g_test_add ("/sync-access/break-glass", Fixture, NULL, set_up, test_break_glass, tear_down);
  g_test_add ("/sync-access/refetch-cap", Fixture, NULL, set_up, test_refetch_cap, tear_down);
  g_test_add ("/sync-access/access-report", Fixture, NULL, set_up, test_access_report, tear_down);

  return g_test_run ();
}
