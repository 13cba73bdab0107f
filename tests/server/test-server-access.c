/* test-server-access.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Information governance on the real kith-server (src/core/GOVERNANCE.md):
 * the care team sees a person's record and outsiders do not (403 on read,
 * search, history and transactions, each refusal audited); sensitive
 * sections by default; the person's Consent; the volunteer's view of the
 * plan; break-glass, its expiry and the lead's list; clients reporting
 * exports; and _history that never leaks what a user may not see.
 */

#define G_LOG_DOMAIN "kith-test"

#include "config.h"

#include <string.h>

#include "server-fixture.h"

/* Values only the people allowed may ever see in a reply. */
#define MH_SECRET   "Mood-Quillfeather-7731"
#define MH_SECRET_2 "Mood-Zebedee-0042"
#define SG_SECRET   "Safeguarding-Marrowby-5512"
#define PLAN_SECRET "Plan-Thistledown-3307"
#define SHARED_TEXT "Walk to the shop on Tuesdays"

#define SOUTH   "South locality team"
#define CENTRAL "Central locality team"

typedef struct
{
  const char *username;
  const char *role;
  const char *team;
  const char *name;
  gboolean    lead;
} TestUser;

/* TEST_USER (a GP in TEST_USER_TEAM) is made by the fixture. */
static const TestUser users[] = {
  { "nurse.north", "nurse", TEST_USER_TEAM, "Nia North", FALSE },
  { "nurse.south", "nurse", SOUTH, "Sam South", FALSE },
  { "sw.central", "social-worker", CENTRAL, "Cy Central", FALSE },
  { "vol.north", "volunteer", TEST_USER_TEAM, "Val North", FALSE },
  { "vol.south", "volunteer", SOUTH, "Vic South", FALSE },
  { "lead.north", "nurse", TEST_USER_TEAM, "Lee North", TRUE },
  { "lead.central", "nurse", CENTRAL, "Lou Central", TRUE },
  { "admin.office", "admin", "Practice office", "Ann Office", FALSE },
};

#define USER_PASSWORD "access test password"

typedef struct
{
  ServerFixture  server;
  char          *patient_id;
  char          *tokens[G_N_ELEMENTS (users)];
  char          *gp_token;
} Fixture;

static const char * const break_glass_args[] = { "--break-glass-duration", "3s", NULL };

/* The first demo person of TEST_USER_TEAM. */
static char *
north_patient_id (void)
{
  g_autoptr(GPtrArray) ids = demo_visible_patient_ids (DEMO_PEOPLE);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *team = demo_patient_team (DEMO_PEOPLE, g_ptr_array_index (ids, i));

      if (team != NULL)
        return g_strdup (g_ptr_array_index (ids, i));
    }
  g_assert_not_reached ();
}

static const char *
token_of (Fixture    *f,
          const char *username)
{
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    if (g_str_equal (users[i].username, username))
      return f->tokens[i];
  g_assert_not_reached ();
}

/* Everything the fixture sends from now on is @username's (NULL: the GP's). */
static void
act_as (Fixture    *f,
        const char *username)
{
  g_free (f->server.token);
  f->server.token = g_strdup (username != NULL ? token_of (f, username) : f->gp_token);
}

static void
put_json (Fixture    *f,
          const char *type,
          const char *id,
          const char *json,
          Reply      *reply)
{
  g_autofree char *path = g_strdup_printf ("/%s/%s", type, id);

  request_full (&f->server, "PUT", path, NULL, "application/fhir+json", json, -1, reply);
}

static void
get (Fixture    *f,
     const char *path,
     Reply      *reply)
{
  request (&f->server, "GET", path, reply);
}

static char *
body_text (Reply *reply)
{
  gsize size;
  const char *data = g_bytes_get_data (reply->body, &size);

  return g_strndup (data != NULL ? data : "", size);
}

/* A person's record with something in each section: written by the GP. */
static void
write_record (Fixture *f)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *general = NULL;
  g_autofree char *mental = NULL;
  g_autofree char *safeguarding = NULL;
  g_autofree char *plan = NULL;

  general = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"obs-general\",\"status\":\"final\","
                             "\"code\":{\"text\":\"Weight\"},\"subject\":{\"reference\":\"Patient/%s\"},"
                             "\"valueQuantity\":{\"value\":61}}", f->patient_id);
  mental = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"obs-mh\",\"status\":\"final\","
                            "\"code\":{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/score\","
                            "\"code\":\"phq-9/total\"}]},\"subject\":{\"reference\":\"Patient/%s\"},"
                            "\"valueInteger\":17,\"note\":[{\"text\":\"" MH_SECRET "\"}]}", f->patient_id);
  safeguarding = g_strdup_printf ("{\"resourceType\":\"Flag\",\"id\":\"flag-sg\",\"status\":\"active\","
                                  "\"category\":[{\"coding\":[{\"system\":"
                                  "\"https://kith.example/fhir/CodeSystem/flag-category\","
                                  "\"code\":\"safeguarding\"}]}],\"code\":{\"text\":\"" SG_SECRET "\"},"
                                  "\"subject\":{\"reference\":\"Patient/%s\"}}", f->patient_id);
  plan = g_strdup_printf ("{\"resourceType\":\"CarePlan\",\"id\":\"plan-access\",\"status\":\"active\","
                          "\"intent\":\"plan\",\"subject\":{\"reference\":\"Patient/%s\"},"
                          "\"contained\":[{\"resourceType\":\"Task\",\"id\":\"a1\",\"status\":\"requested\","
                          "\"intent\":\"plan\",\"description\":\"" SHARED_TEXT "\"},"
                          "{\"resourceType\":\"Task\",\"id\":\"a2\",\"status\":\"requested\",\"intent\":\"plan\","
                          "\"description\":\"" PLAN_SECRET "\"}],"
                          "\"activity\":[{\"extension\":[{\"url\":"
                          "\"https://kith.example/fhir/StructureDefinition/shared-with-volunteers\","
                          "\"valueBoolean\":true}],\"reference\":{\"reference\":\"#a1\"}},"
                          "{\"reference\":{\"reference\":\"#a2\"}}]}", f->patient_id);

  act_as (f, NULL);
  put_json (f, "Observation", "obs-general", general, &reply);
  g_assert_cmpuint (reply.status, ==, 201);
  put_json (f, "Observation", "obs-mh", mental, &reply);
  g_assert_cmpuint (reply.status, ==, 201);
  put_json (f, "Flag", "flag-sg", safeguarding, &reply);
  g_assert_cmpuint (reply.status, ==, 201);
  put_json (f, "CarePlan", "plan-access", plan, &reply);
  g_assert_cmpuint (reply.status, ==, 201);
}

static void
set_up (Fixture       *f,
        gconstpointer  user_data)
{
  fixture_set_up (&f->server, user_data);
  f->server.extra_args = break_glass_args;
  f->patient_id = north_patient_id ();

  /* Users are added before the server starts, as an administrator would;
   * the fixture adds TEST_USER itself. */
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    add_user_full (&f->server, users[i].username, users[i].role, users[i].team, users[i].name,
                   users[i].lead, USER_PASSWORD);
  start_server (&f->server);
  f->gp_token = g_strdup (f->server.token);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      f->tokens[i] = sign_in (&f->server, users[i].username, USER_PASSWORD, NULL);
      g_assert_nonnull (f->tokens[i]);
    }
  write_record (f);
}

static void
tear_down (Fixture       *f,
           gconstpointer  user_data)
{
  fixture_tear_down (&f->server, user_data);
  g_free (f->patient_id);
  g_free (f->gp_token);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    g_free (f->tokens[i]);
}

/* A 403 whose OperationOutcome says @words. */
static void
assert_refused (Reply      *reply,
                const char *words)
{
  JsonObject *issue;

  assert_outcome (reply, 403, "forbidden", NULL);
  issue = json_array_get_object_element (json_object_get_array_member (reply->json, "issue"), 0);
  g_assert_nonnull (strstr (kith_fhir_get_string (issue, "diagnostics"), words));
}

/* The entry of @bundle whose resource is @type/@id (and, when not NULL,
 * at @version_id), or NULL. */
static JsonObject *
find_entry (JsonObject *bundle,
            const char *type,
            const char *id,
            const char *version_id)
{
  JsonArray *entries = json_object_get_array_member (bundle, "entry");

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *resource = kith_fhir_get_object (entry, "resource");

      if (g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), type) == 0 &&
          g_strcmp0 (kith_fhir_get_string (resource, "id"), id) == 0 &&
          (version_id == NULL || g_strcmp0 (kith_fhir_get_version_id (resource), version_id) == 0))
        return entry;
    }
  return NULL;
}

/* How many entries the bundle says it left out: its suppressed issue. */
static guint
left_out (JsonObject *bundle)
{
  JsonArray *entries = json_object_get_array_member (bundle, "entry");

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *outcome = kith_fhir_get_object (entry, "resource");
      JsonArray *issues;

      if (g_strcmp0 (kith_fhir_get_string (outcome, "resourceType"), "OperationOutcome") != 0)
        outcome = kith_fhir_get_object (kith_fhir_get_object (entry, "response"), "outcome");
      if (outcome == NULL)
        continue;
      issues = json_object_get_array_member (outcome, "issue");
      g_assert_cmpstr (kith_fhir_get_string (json_array_get_object_element (issues, 0), "code"),
                       ==, "suppressed");
      return (guint) g_ascii_strtoull (kith_fhir_get_string (json_array_get_object_element (issues, 0),
                                                             "diagnostics"), NULL, 10);
    }
  return 0;
}

/* A stub: no content, REDACTED, the person, and why. */
static void
assert_stub (JsonObject *entry,
             const char *why)
{
  JsonObject *resource = kith_fhir_get_object (entry, "resource");
  JsonNode *withheld;

  g_assert_nonnull (resource);
  g_assert_true (kith_consent_is_redacted (resource));
  withheld = kith_fhir_get_extension (resource, KITH_WITHHELD_URL, "valueCode");
  g_assert_nonnull (withheld);
  g_assert_cmpstr (json_node_get_string (withheld), ==, why);
  g_assert_false (json_object_has_member (resource, "valueInteger"));
  g_assert_false (json_object_has_member (resource, "note"));
  g_assert_nonnull (kith_fhir_get_version_id (resource));
  g_assert_nonnull (kith_fhir_resource_patient (resource));
}

/* kith-server audit --person: the lines of @username that were refused. */
static guint
count_refusals (Fixture    *f,
                const char *username)
{
  const char *args[] = { "audit", "--person", f->patient_id, NULL };
  g_autofree char *out = NULL;
  g_autofree char *who = g_strdup_printf (" %s (", username);
  g_auto(GStrv) lines = NULL;
  guint refused = 0;

  g_assert_cmpint (run_admin (&f->server, args, NULL, &out, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], who) != NULL && strstr (lines[i], " 403 refused") != NULL)
      refused++;
  return refused;
}

static void
test_outsider (Fixture       *f,
               gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *search = g_strdup_printf ("/Observation?patient=%s", f->patient_id);
  g_autofree char *patient = g_strdup_printf ("/Patient/%s", f->patient_id);
  g_autofree char *bundle = NULL;
  g_autofree char *text = NULL;

  act_as (f, "nurse.south");

  /* Anyone signed in may find the person. */
  get (f, patient, &reply);
  g_assert_cmpuint (reply.status, ==, 200);

  /* Nothing more: read, vread, search, history, transaction. */
  get (f, "/Observation/obs-general", &reply);
  assert_refused (&reply, "Not in this person's care team");
  get (f, "/Observation/obs-general/_history/1", &reply);
  assert_refused (&reply, "Not in this person's care team");
  get (f, search, &reply);
  assert_refused (&reply, "Not in this person's care team");
  get (f, "/Observation/obs-general/_history", &reply);
  assert_refused (&reply, "Not in this person's care team");

  bundle = g_strdup_printf ("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                            "{\"request\":{\"method\":\"PUT\",\"url\":\"Goal/outsider-goal\"},"
                            "\"resource\":{\"resourceType\":\"Goal\",\"id\":\"outsider-goal\","
                            "\"lifecycleStatus\":\"active\",\"description\":{\"text\":\"x\"},"
                            "\"subject\":{\"reference\":\"Patient/%s\"}}}]}", f->patient_id);
  request_full (&f->server, "POST", "", NULL, "application/fhir+json", bundle, -1, &reply);
  g_assert_cmpuint (reply.status, ==, 403);
  g_clear_pointer (&bundle, g_free);
  bundle = g_strdup ("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                     "{\"request\":{\"method\":\"GET\",\"url\":\"Observation/obs-mh\"}}]}");
  request_full (&f->server, "POST", "", NULL, "application/fhir+json", bundle, -1, &reply);
  g_assert_cmpuint (reply.status, ==, 403);
  g_assert_null (strstr (text = body_text (&reply), MH_SECRET));
  g_clear_pointer (&text, g_free);

  /* Nor write, change or delete. */
  put_json (f, "Observation", "obs-general",
            "{\"resourceType\":\"Observation\",\"id\":\"obs-general\",\"status\":\"final\","
            "\"code\":{\"text\":\"Weight\"}}", &reply);
  assert_refused (&reply, "Not in this person's care team");
  request (&f->server, "DELETE", "/Observation/obs-general", &reply);
  assert_refused (&reply, "Not in this person's care team");

  /* The GP still sees everything, the transaction above wrote nothing. */
  act_as (f, NULL);
  get (f, "/Observation/obs-general", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  get (f, "/Goal/outsider-goal", &reply);
  g_assert_cmpuint (reply.status, ==, 404);

  /* A walk through everyone's history shows none of it, and says how
   * many were left out. */
  act_as (f, "nurse.south");
  get (f, "/Observation/_history", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  text = body_text (&reply);
  g_assert_null (strstr (text, "obs-general"));
  g_assert_null (strstr (text, "obs-mh"));
  g_assert_null (strstr (text, MH_SECRET));
  g_assert_cmpuint (left_out (reply.json), >=, 2);

  /* Every refusal is in the audit trail, about the person. */
  g_assert_cmpuint (count_refusals (f, "nurse.south"), >=, 8);
}

static void
test_default_restriction (Fixture       *f,
                          gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *search = g_strdup_printf ("/Observation?patient=%s", f->patient_id);
  g_autofree char *flags = g_strdup_printf ("/Flag?patient=%s", f->patient_id);
  g_autofree char *text = NULL;
  g_autofree char *new_score = NULL;

  /* A nurse of the care team: the general record, not the sensitive. */
  act_as (f, "nurse.north");
  get (f, "/Observation/obs-general", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  get (f, "/Observation/obs-mh", &reply);
  assert_refused (&reply, "Restricted");
  g_assert_null (strstr (text = body_text (&reply), MH_SECRET));
  g_clear_pointer (&text, g_free);

  /* In a search, a stub says it is there: never silent absence. */
  get (f, search, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (find_entry (reply.json, "Observation", "obs-general", NULL));
  assert_stub (find_entry (reply.json, "Observation", "obs-mh", "1"), "restricted");
  g_assert_null (strstr (text = body_text (&reply), MH_SECRET));
  g_clear_pointer (&text, g_free);
  g_assert_cmpuint (left_out (reply.json), ==, 0);
  get (f, flags, &reply);
  assert_stub (find_entry (reply.json, "Flag", "flag-sg", NULL), "restricted");
  g_assert_null (strstr (text = body_text (&reply), SG_SECRET));
  g_clear_pointer (&text, g_free);

  /* Nobody changes what they may not see, and a stub is never saved. */
  put_json (f, "Observation", "obs-mh",
            "{\"resourceType\":\"Observation\",\"id\":\"obs-mh\",\"status\":\"final\","
            "\"code\":{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/score\","
            "\"code\":\"phq-9/total\"}]}}", &reply);
  assert_refused (&reply, "Restricted");
  get (f, search, &reply);
  {
    JsonObject *stub = kith_fhir_get_object (find_entry (reply.json, "Observation", "obs-mh", NULL),
                                             "resource");
    g_autoptr(JsonObject) copy = kith_fhir_copy_resource (stub);
    g_autofree char *json = kith_fhir_to_string (copy, FALSE);
    g_auto(Reply) put = { 0 };

    put_json (f, "Observation", "obs-mh", json, &put);
    g_assert_cmpuint (put.status, ==, 422);
  }

  /* But what the nurse learns, she may record. */
  new_score = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"obs-mh-nurse\",\"status\":\"final\","
                               "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"44261-6\"}]},"
                               "\"subject\":{\"reference\":\"Patient/%s\"},\"valueInteger\":9}",
                               f->patient_id);
  put_json (f, "Observation", "obs-mh-nurse", new_score, &reply);
  g_assert_cmpuint (reply.status, ==, 201);

  /* The GP of the care team sees the sensitive sections. */
  act_as (f, NULL);
  get (f, "/Observation/obs-mh", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (strstr (text = body_text (&reply), MH_SECRET));
  g_clear_pointer (&text, g_free);
  get (f, "/Flag/flag-sg", &reply);
  g_assert_cmpuint (reply.status, ==, 200);

  /* The refusals are audited too, as refusals. */
  g_assert_cmpuint (count_refusals (f, "nurse.north"), >=, 4);
}

/* PUTs @consent as Consent/@id, as whoever the fixture acts as. */
static void
put_consent (Fixture    *f,
             const char *id,
             KithConsent *consent,
             Reply      *reply)
{
  g_autoptr(JsonObject) fhir = NULL;
  g_autofree char *json = NULL;

  g_free (consent->id);
  consent->id = g_strdup (id);
  fhir = kith_consent_to_fhir (consent);
  json = kith_fhir_to_string (fhir, FALSE);
  put_json (f, "Consent", id, json, reply);
}

static void
test_consent (Fixture       *f,
              gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };
  g_autoptr(KithConsent) consent = kith_consent_new (f->patient_id);
  g_autoptr(KithConsent) second = kith_consent_new (f->patient_id);
  g_autofree char *search = g_strdup_printf ("/Observation?patient=%s", f->patient_id);
  g_autofree char *text = NULL;

  consent->own_words = g_strdup ("Cy from the Central team helps with my housing; my GP "
                                 "need not know about my nerves.");
  consent->recorded_by = g_strdup ("Nia North");
  kith_consent_add_rule (consent, TRUE, CENTRAL, "social-worker",
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_GENERAL));
  kith_consent_add_rule (consent, FALSE, NULL, "gp",
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_MENTAL_HEALTH));

  /* Before: the social worker from another team sees nothing. */
  act_as (f, "sw.central");
  get (f, "/Observation/obs-general", &reply);
  assert_refused (&reply, "Not in this person's care team");

  /* Only the care team records the person's choices. */
  act_as (f, "nurse.south");
  put_consent (f, "consent-access", consent, &reply);
  assert_refused (&reply, "Not in this person's care team");
  act_as (f, "nurse.north");
  put_consent (f, "consent-access", consent, &reply);
  g_assert_cmpuint (reply.status, ==, 201);

  /* One active Consent per person; and one Kith can read. */
  put_consent (f, "consent-second", second, &reply);
  g_assert_cmpuint (reply.status, ==, 409);
  put_json (f, "Consent", "consent-bad",
            "{\"resourceType\":\"Consent\",\"id\":\"consent-bad\",\"status\":\"active\","
            "\"category\":[{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/consent-category\","
            "\"code\":\"record-sharing\"}]}],\"patient\":{\"reference\":\"Patient/someone\"},"
            "\"provision\":{\"type\":\"permit\",\"provision\":[{\"type\":\"maybe\"}]}}", &reply);
  assert_outcome (&reply, 400, "invalid", NULL);

  /* The consented role sees the sections allowed, stubs for the rest. */
  act_as (f, "sw.central");
  get (f, "/Observation/obs-general", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  get (f, "/Observation/obs-mh", &reply);
  g_assert_cmpuint (reply.status, ==, 403);
  get (f, search, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (find_entry (reply.json, "Observation", "obs-general", NULL));
  assert_stub (find_entry (reply.json, "Observation", "obs-mh", NULL), "restricted");
  g_assert_null (strstr (text = body_text (&reply), MH_SECRET));
  g_clear_pointer (&text, g_free);
  /* Not another role of that team. */
  act_as (f, "lead.central");
  get (f, "/Observation/obs-general", &reply);
  assert_refused (&reply, "Not in this person's care team");

  /* The GP: withheld at the person's request, in words, never silently. */
  act_as (f, NULL);
  get (f, "/Observation/obs-mh", &reply);
  assert_refused (&reply, "Withheld at the person's request");
  get (f, search, &reply);
  assert_stub (find_entry (reply.json, "Observation", "obs-mh", NULL), "withheld-at-request");
  g_assert_null (strstr (text = body_text (&reply), MH_SECRET));
  g_clear_pointer (&text, g_free);
  get (f, "/Flag/flag-sg", &reply);
  g_assert_cmpuint (reply.status, ==, 200);

  /* The person's words are kept with their choices. */
  get (f, "/Consent/consent-access", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (strstr (text = body_text (&reply), "need not know about my nerves"));
}

static void
test_volunteer (Fixture       *f,
                gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *search = g_strdup_printf ("/Observation?patient=%s", f->patient_id);
  g_autofree char *plans = g_strdup_printf ("/CarePlan?patient=%s", f->patient_id);
  g_autofree char *text = NULL;

  act_as (f, "vol.north");
  get (f, "/CarePlan/plan-access", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_true (kith_consent_is_redacted (reply.json));
  text = body_text (&reply);
  g_assert_nonnull (strstr (text, SHARED_TEXT));
  g_assert_null (strstr (text, PLAN_SECRET));
  g_clear_pointer (&text, g_free);

  get (f, plans, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (find_entry (reply.json, "CarePlan", "plan-access", NULL));
  g_assert_null (strstr (text = body_text (&reply), PLAN_SECRET));
  g_clear_pointer (&text, g_free);

  /* Nothing else of the record: not even stubs. */
  get (f, "/Observation/obs-general", &reply);
  g_assert_cmpuint (reply.status, ==, 403);
  get (f, search, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_null (find_entry (reply.json, "Observation", "obs-general", NULL));
  g_assert_null (find_entry (reply.json, "Observation", "obs-mh", NULL));
  g_assert_cmpuint (left_out (reply.json), >=, 2);

  /* A volunteer of another team: not the plan either. */
  act_as (f, "vol.south");
  get (f, "/CarePlan/plan-access", &reply);
  assert_refused (&reply, "Not in this person's care team");

  /* Admins: demographics, not the record. */
  act_as (f, "admin.office");
  get (f, "/CarePlan/plan-access", &reply);
  g_assert_cmpuint (reply.status, ==, 403);
}

static void
break_glass (Fixture    *f,
             const char *reason,
             Reply      *reply)
{
  g_autofree char *path = g_strdup_printf ("/Patient/%s/$break-glass", f->patient_id);
  g_autofree char *body = g_strdup_printf ("{\"resourceType\":\"Parameters\",\"parameter\":["
                                           "{\"name\":\"reason\",\"valueString\":\"%s\"}]}", reason);

  request_full (&f->server, "POST", path, NULL, "application/fhir+json", body, -1, reply);
}

static void
test_break_glass (Fixture       *f,
                  gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };
  const char *args[] = { "audit", "--break-glass", NULL };
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  JsonArray *entries;
  JsonObject *event;

  act_as (f, "nurse.south");
  get (f, "/Observation/obs-mh", &reply);
  g_assert_cmpuint (reply.status, ==, 403);

  /* A reason in words, or nothing. */
  break_glass (f, "urgent", &reply);
  assert_outcome (&reply, 400, "invalid", NULL);
  g_assert_nonnull (strstr (kith_fhir_get_string (json_array_get_object_element (
    json_object_get_array_member (reply.json, "issue"), 0), "diagnostics"), "at least 10 characters"));
  get (f, "/Observation/obs-general", &reply);
  g_assert_cmpuint (reply.status, ==, 403);

  /* Volunteers and admins cannot break the glass. */
  act_as (f, "vol.south");
  break_glass (f, "Called out at night to a fall", &reply);
  g_assert_cmpuint (reply.status, ==, 403);

  act_as (f, "nurse.south");
  break_glass (f, "Called out at night to a fall, the usual team is off", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_cmpstr (kith_fhir_get_string (reply.json, "resourceType"), ==, "Parameters");

  /* The whole record, for now. */
  get (f, "/Observation/obs-general", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  get (f, "/Observation/obs-mh", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (strstr (text = body_text (&reply), MH_SECRET));
  g_clear_pointer (&text, g_free);

  /* The lead of the person's team sees it for review; others do not. */
  act_as (f, "lead.north");
  get (f, "/AuditEvent?type=break-glass", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  entries = json_object_get_array_member (reply.json, "entry");
  g_assert_nonnull (entries);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  event = kith_fhir_get_object (json_array_get_object_element (entries, 0), "resource");
  g_assert_nonnull (strstr (text = body_text (&reply), "Called out at night to a fall"));
  g_clear_pointer (&text, g_free);
  g_assert_nonnull (strstr (text = kith_fhir_to_string (event, FALSE), "\"BTG\""));
  g_clear_pointer (&text, g_free);
  g_assert_nonnull (kith_fhir_get_extension (event, "https://kith.example/fhir/StructureDefinition/for-review",
                                             "valueBoolean"));
  act_as (f, "lead.central");
  get (f, "/AuditEvent?type=break-glass", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply.json, "entry")), ==, 0);
  act_as (f, "nurse.north");
  get (f, "/AuditEvent?type=break-glass", &reply);
  assert_outcome (&reply, 403, "forbidden", NULL);
  act_as (f, "admin.office");
  get (f, "/AuditEvent?type=break-glass", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply.json, "entry")), ==, 1);

  /* kith-server audit --break-glass prints it, with its reason. */
  g_assert_cmpint (run_admin (&f->server, args, NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "nurse.south"));
  g_assert_nonnull (strstr (out, "Called out at night to a fall"));
  g_assert_nonnull (strstr (out, "[for review]"));

  /* It ends by itself (3 s in this test). */
  g_usleep (3500 * G_TIME_SPAN_MILLISECOND);
  act_as (f, "nurse.south");
  get (f, "/Observation/obs-general", &reply);
  assert_refused (&reply, "Not in this person's care team");

  /* What was done under it is marked so in the person's audit trail. */
  g_clear_pointer (&out, g_free);
  {
    const char *person[] = { "audit", "--person", f->patient_id, NULL };

    g_assert_cmpint (run_admin (&f->server, person, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "under break-glass"));
    g_assert_nonnull (strstr (out, "break-glass"));
  }
}

/* PUT a new version of obs-mh with @note as the GP. */
static void
rewrite_mental_health (Fixture    *f,
                       const char *note)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"obs-mh\","
                                           "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
                                           "\"https://kith.example/fhir/CodeSystem/score\",\"code\":"
                                           "\"phq-9/total\"}]},\"subject\":{\"reference\":\"Patient/%s\"},"
                                           "\"valueInteger\":12,\"note\":[{\"text\":\"%s\"}]}",
                                           f->patient_id, note);

  act_as (f, NULL);
  put_json (f, "Observation", "obs-mh", json, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
}

static void
test_history (Fixture       *f,
              gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *text = NULL;

  rewrite_mental_health (f, MH_SECRET_2);
  act_as (f, NULL);
  request (&f->server, "DELETE", "/Flag/flag-sg", &reply);
  g_assert_cmpuint (reply.status, ==, 204);

  /* The care team's nurse: every version is there, as a stub. */
  act_as (f, "nurse.north");
  get (f, "/Observation/obs-mh/_history", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  assert_stub (find_entry (reply.json, "Observation", "obs-mh", "1"), "restricted");
  assert_stub (find_entry (reply.json, "Observation", "obs-mh", "2"), "restricted");
  text = body_text (&reply);
  g_assert_null (strstr (text, MH_SECRET));
  g_assert_null (strstr (text, MH_SECRET_2));
  g_clear_pointer (&text, g_free);

  /* Everyone's history, mixed: the general record whole, the rest stubs. */
  get (f, "/_history?_count=1000", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_nonnull (find_entry (reply.json, "Observation", "obs-general", NULL));
  g_assert_true (kith_consent_is_redacted (kith_fhir_get_object (
    find_entry (reply.json, "Observation", "obs-mh", "2"), "resource")));
  text = body_text (&reply);
  g_assert_null (strstr (text, MH_SECRET));
  g_assert_null (strstr (text, MH_SECRET_2));
  g_assert_null (strstr (text, SG_SECRET));
  g_clear_pointer (&text, g_free);
  /* Other teams' people are left out, and counted. */
  g_assert_cmpuint (left_out (reply.json), >, 0);

  /* An outsider: none of it, not even the ids or the deletion. */
  act_as (f, "nurse.south");
  get (f, "/_history?_count=1000", &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  text = body_text (&reply);
  g_assert_null (strstr (text, "obs-mh"));
  g_assert_null (strstr (text, "obs-general"));
  g_assert_null (strstr (text, "flag-sg"));
  g_assert_null (strstr (text, "plan-access"));
  g_assert_null (strstr (text, MH_SECRET));
  g_assert_null (strstr (text, SHARED_TEXT));
  g_clear_pointer (&text, g_free);
  g_assert_cmpuint (left_out (reply.json), >, 0);
  get (f, "/Observation/obs-mh/_history", &reply);
  assert_refused (&reply, "Not in this person's care team");
  get (f, "/Observation/obs-mh/_history/2", &reply);
  assert_refused (&reply, "Not in this person's care team");

  /* The GP sees every version whole. */
  act_as (f, NULL);
  get (f, "/Observation/obs-mh/_history", &reply);
  text = body_text (&reply);
  g_assert_nonnull (strstr (text, MH_SECRET));
  g_assert_nonnull (strstr (text, MH_SECRET_2));
}

static void
test_audit_event (Fixture       *f,
                  gconstpointer  user_data)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *event = NULL;
  g_autofree char *by_patient = g_strdup_printf ("/AuditEvent?patient=%s", f->patient_id);
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  const char *for_person[] = { "audit", "--person", f->patient_id, "--for-person", NULL };
  const char *list[] = { "user", "list", NULL };

  event = g_strdup_printf ("{\"resourceType\":\"AuditEvent\",\"subtype\":[{\"system\":"
                           "\"https://kith.example/fhir/CodeSystem/audit-subtype\",\"code\":\"print\"}],"
                           "\"entity\":[{\"what\":{\"reference\":\"Patient/%s\"}},"
                           "{\"what\":{\"reference\":\"CarePlan/plan-access\"}}],"
                           "\"purposeOfEvent\":[{\"text\":\"A copy for the person to keep\"}]}",
                           f->patient_id);

  /* The care team may report a print; someone outside may not. */
  act_as (f, "nurse.north");
  request_full (&f->server, "POST", "/AuditEvent", NULL, "application/fhir+json", event, -1, &reply);
  g_assert_cmpuint (reply.status, ==, 201);
  act_as (f, "nurse.south");
  request_full (&f->server, "POST", "/AuditEvent", NULL, "application/fhir+json", event, -1, &reply);
  assert_refused (&reply, "Not in this person's care team");
  request_full (&f->server, "POST", "/AuditEvent", NULL, "application/fhir+json",
                "{\"resourceType\":\"AuditEvent\"}", -1, &reply);
  assert_outcome (&reply, 400, "invalid", NULL);

  /* Administrators read a person's trail; nobody else. */
  get (f, by_patient, &reply);
  assert_outcome (&reply, 403, "forbidden", NULL);
  act_as (f, "admin.office");
  get (f, by_patient, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  text = body_text (&reply);
  g_assert_nonnull (strstr (text, "\"print\""));
  g_assert_nonnull (strstr (text, "Nia North"));
  g_assert_nonnull (strstr (text, "A copy for the person to keep"));

  /* The person's own question, in plain words. */
  g_assert_cmpint (run_admin (&f->server, for_person, NULL, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Who has looked at the record of"));
  g_assert_nonnull (strstr (out, "Nia North (nurse) printed the record"));
  g_assert_nonnull (strstr (out, "Sam South (nurse) asked to see the record and was refused"));
  g_assert_nonnull (strstr (out, "Test User (GP)"));
  g_clear_pointer (&out, g_free);

  /* Leads are marked as such. */
  g_assert_cmpint (run_admin (&f->server, list, NULL, &out, NULL), ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
    gboolean seen = FALSE;

    for (guint i = 0; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], "lead.north "))
        {
          g_assert_nonnull (strstr (lines[i], " yes "));
          seen = TRUE;
        }
      else if (g_str_has_prefix (lines[i], "nurse.north "))
        g_assert_null (strstr (lines[i], " yes "));
    g_assert_true (seen);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, set_up, func, tear_down)

  ADD ("/server/access/outsider", test_outsider);
  ADD ("/server/access/default-restriction", test_default_restriction);
  ADD ("/server/access/consent", test_consent);
  ADD ("/server/access/volunteer", test_volunteer);
  ADD ("/server/access/break-glass", test_break_glass);
  ADD ("/server/access/history", test_history);
  ADD ("/server/access/audit-event", test_audit_event);

  return g_test_run ();
}
