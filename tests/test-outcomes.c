/* test-outcomes.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outcome indicators (issue 8):
 *  - a small store made by hand, every record chosen, with the answer to
 *    every indicator worked out in the comments below and asserted;
 *  - a demo store, with alerts, reviews, deaths, carers' assessments,
 *    experience questionnaires and collaboRATE added, where every
 *    indicator is worked out again "the slow way", from the FHIR resources
 *    through the typed Kith APIs (KithCarePlan, the instrument engine,
 *    the caseload's own filters), and compared, month by month, for
 *    everyone and filtered by team, co-ordinator and risk tier;
 *  - months adding up, small numbers suppressed, the CSV and PDF exports
 *    (aggregate, 0600, no names, NHS numbers or ids), baselines, the
 *    experience questionnaire scored top box, and the definitions in data
 *    matching the README.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "kith-core.h"
#include "kith-outcomes.h"
#include "kith-outcomes-report.h"

#define SD KITH_FHIR_BASE "/StructureDefinition/"
#define QUESTIONNAIRE KITH_FHIR_BASE "/Questionnaire/"
#define DEMO_PEOPLE 300
#define MAX_MONTHS 24

/* --- building records ------------------------------------------------------ */

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = kith_fhir_parse_resource (json, -1, &error);

  g_assert_no_error (error);
  return object;
}

/* Stores @resource as the version @version written at @updated (an
 * instant), as a server or an older edit would have. */
static void
import_at (KithStore  *store,
           JsonObject *resource,
           const char *version,
           const char *updated)
{
  g_autoptr(GError) error = NULL;

  kith_fhir_set_meta (resource, version, updated);
  g_assert_true (kith_store_import_resource (store, resource, &error));
  g_assert_no_error (error);
}

static void
save (KithStore  *store,
      JsonObject *resource)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kith_store_save_resource (store, resource, NULL, &error));
  g_assert_no_error (error);
}

/* A JSON array, from text */
static JsonArray *
parse_array (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

static JsonObject *
complex_extension (const char *name)
{
  JsonObject *extension = json_object_new ();
  g_autofree char *url = g_strconcat (SD, name, NULL);

  json_object_set_string_member (extension, "url", url);
  json_object_set_array_member (extension, "extension", json_array_new ());
  return extension;
}

static void
add_part (JsonObject *extension,
          const char *url,
          const char *member,
          const char *value)
{
  JsonObject *part = json_object_new ();

  json_object_set_string_member (part, "url", url);
  json_object_set_string_member (part, member, value);
  json_array_add_object_element (json_object_get_array_member (extension, "extension"), part);
}

static void
remove_extensions (JsonObject *resource,
                   const char *name)
{
  g_autofree char *url = g_strconcat (SD, name, NULL);
  JsonArray *extensions = kith_fhir_get_array (resource, "extension");

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    if (g_strcmp0 (kith_fhir_get_string (json_array_get_object_element (extensions, i), "url"), url) == 0)
      json_array_remove_element (extensions, i--);
}

static void
add_extension (JsonObject *resource,
               JsonObject *extension)
{
  if (kith_fhir_get_array (resource, "extension") == NULL)
    json_object_set_array_member (resource, "extension", json_array_new ());
  json_array_add_object_element (kith_fhir_get_array (resource, "extension"), extension);
}

/* The plan agreed (again) at @when, as kith_care_plan_agree() records it. */
static void
set_agreement (JsonObject *plan,
               const char *when)
{
  JsonObject *agreement = complex_extension ("agreement");

  remove_extensions (plan, "agreement");
  add_part (agreement, "by", "valueString", "The person");
  add_part (agreement, "representative", "valueString", "false");
  add_part (agreement, "how", "valueString", "In person");
  add_part (agreement, "when", "valueDateTime", when);
  add_extension (plan, agreement);
}

static void
set_state (JsonObject *plan,
           const char *state)
{
  static const struct { const char *state; const char *status; } states[] = {
    { "draft", "draft" }, { "agreed", "active" }, { "under-review", "active" }, { "ended", "completed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_str_equal (states[i].state, state))
      json_object_set_string_member (plan, "status", states[i].status);
  kith_fhir_set_extension (plan, SD "plan-state", "valueCode", string_node (state));
}

static void
set_review (JsonObject *plan,
            const char *date)
{
  kith_fhir_set_extension (plan, SD "review-date", "valueDate", date ? string_node (date) : NULL);
}

/* A shared decision about @need; collaboRATE answers below 0 not asked. */
static void
add_decision (JsonObject *plan,
              const char *need,
              const char *decided,
              int         c1,
              int         c2,
              int         c3)
{
  KithDecision decision = { 0 };
  g_autoptr(KithCarePlan) typed = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *updated;
  char need_id[64];

  g_snprintf (need_id, sizeof need_id, "%s", need);
  decision.need_id = need_id;
  decision.agreed = decided ? (char *) "option-1" : NULL;
  decision.decided = (char *) decided;
  decision.collaborate[0] = c1;
  decision.collaborate[1] = c2;
  decision.collaborate[2] = c3;
  /* Written by Kith's own code, so that the shape is the real one. */
  typed = kith_care_plan_new_from_json (plan, &error);
  g_assert_no_error (error);
  g_assert_true (kith_care_plan_set_decision (typed, &decision, &error));
  g_assert_no_error (error);
  updated = kith_care_plan_get_json (typed);
  json_object_set_array_member (plan, "extension", json_array_ref (kith_fhir_get_array (updated, "extension")));
}

typedef struct
{
  const char *state;        /* draft, agreed, under-review, ended */
  const char *coordinator;  /* NULL: none in the care team */
  const char *team;
  gboolean    crisis;
  const char *review;
  const char *agreed;       /* the agreement's time, or NULL */
} PlanSpec;

static JsonObject *
new_plan (const char     *plan_id,
          const char     *patient_id,
          const PlanSpec *spec)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"CarePlan\",\"id\":\"%s\",\"intent\":\"plan\",\"status\":\"draft\","
    "\"subject\":{\"reference\":\"Patient/%s\"},\"title\":\"Personalised care and support plan\","
    "\"contained\":[{\"resourceType\":\"CareTeam\",\"id\":\"team\",\"status\":\"active\","
    "\"subject\":{\"reference\":\"Patient/%s\"},\"participant\":[]}],"
    "\"careTeam\":[{\"reference\":\"#team\"}]}",
    plan_id, patient_id, patient_id);
  JsonObject *plan = parse (json);
  JsonObject *team = json_array_get_object_element (kith_fhir_get_array (plan, "contained"), 0);

  set_state (plan, spec->state);
  set_review (plan, spec->review);
  if (spec->crisis)
    kith_fhir_set_extension (plan, SD "crisis-what-to-do", "valueString",
                             string_node ("Ring the co-ordinator; at night ring 111."));
  if (spec->agreed)
    set_agreement (plan, spec->agreed);
  if (spec->team)
    {
      g_autofree char *organizations = g_strdup_printf ("[{\"display\":\"%s\"}]", spec->team);

      json_object_set_array_member (team, "managingOrganization", parse_array (organizations));
    }
  if (spec->coordinator)
    {
      g_autofree char *participant = g_strdup_printf (
        "[{\"id\":\"member-lead\",\"role\":[{\"coding\":[{"
        "\"system\":\"https://kith.example/fhir/CodeSystem/care-team-role\",\"code\":\"coordinator\","
        "\"display\":\"Named care co-ordinator\"}]}],\"member\":{\"display\":\"%s\"}}]", spec->coordinator);

      json_object_set_array_member (team, "participant", parse_array (participant));
    }
  return plan;
}

static void
add_patient (KithStore  *store,
             const char *id,
             const char *given,
             const char *family,
             const char *added)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Patient\",\"id\":\"%s\",\"active\":true,"
    "\"name\":[{\"use\":\"official\",\"family\":\"%s\",\"given\":[\"%s\"]}],\"birthDate\":\"1940-05-01\"}",
    id, family, given);
  g_autoptr(JsonObject) patient = parse (json);

  import_at (store, patient, "1", added);
}

/* A new version of the person's record: died on @died (a date, "" for a
 * death without a date), in their preferred place or not (-1 not said),
 * or marked inactive. */
static void
update_patient (KithStore  *store,
                const char *id,
                const char *version,
                const char *updated,
                const char *died,
                int         in_preferred_place,
                gboolean    inactive)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = kith_store_read_resource (store, "Patient", id, &error);

  g_assert_no_error (error);
  if (died && *died)
    json_object_set_string_member (patient, "deceasedDateTime", died);
  else if (died)
    json_object_set_boolean_member (patient, "deceasedBoolean", TRUE);
  if (in_preferred_place >= 0)
    {
      JsonNode *node = json_node_new (JSON_NODE_VALUE);

      json_node_set_boolean (node, in_preferred_place);
      kith_fhir_set_extension (patient, SD "died-in-preferred-place", "valueBoolean", node);
    }
  if (inactive)
    json_object_set_boolean_member (patient, "active", FALSE);
  import_at (store, patient, version, updated);
}

static void
add_referral (KithStore  *store,
              const char *id,
              const char *patient_id,
              const char *status,
              const char *received,
              const char *triaged,
              const char *contacted)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Task\",\"id\":\"%s\",\"status\":\"%s\",\"intent\":\"order\","
    "\"code\":{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/task-type\",\"code\":\"referral-triage\"}]},"
    "\"focus\":{\"reference\":\"ServiceRequest/sr-%s\"},\"for\":{\"reference\":\"Patient/%s\"},"
    "\"authoredOn\":\"%s\"}",
    id, status, id, patient_id, received);
  g_autoptr(JsonObject) task = parse (json);

  if (triaged)
    kith_fhir_set_extension (task, SD "triaged", "valueDateTime", string_node (triaged));
  if (contacted)
    kith_fhir_set_extension (task, SD "first-contact", "valueDateTime", string_node (contacted));
  save (store, task);
}

static void
add_encounter (KithStore  *store,
               const char *id,
               const char *patient_id,
               const char *code,
               const char *status,
               const char *start,
               const char *end)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Encounter\",\"id\":\"%s\",\"status\":\"%s\","
    "\"type\":[{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/contact-type\",\"code\":\"%s\"}]}],"
    "\"subject\":{\"reference\":\"Patient/%s\"},\"period\":{}}",
    id, status, code, patient_id);
  g_autoptr(JsonObject) encounter = parse (json);
  JsonObject *period = json_object_get_object_member (encounter, "period");

  if (start)
    json_object_set_string_member (period, "start", start);
  if (end)
    json_object_set_string_member (period, "end", end);
  save (store, encounter);
}

static void
add_alert (KithStore  *store,
           const char *id,
           const char *patient_id,
           const char *status,
           const char *raised,
           const char *closed)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Flag\",\"id\":\"%s\",\"status\":\"%s\","
    "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/flag-category\",\"code\":\"safety\"}]}],"
    "\"code\":{\"text\":\"Safety alert\"},\"subject\":{\"reference\":\"Patient/%s\"},"
    "\"period\":{\"start\":\"%s\"}}",
    id, status, patient_id, raised);
  g_autoptr(JsonObject) flag = parse (json);

  if (closed)
    json_object_set_string_member (json_object_get_object_member (flag, "period"), "end", closed);
  save (store, flag);
}

static void
add_carer (KithStore  *store,
           const char *id,
           const char *patient_id,
           const char *added,
           gboolean    active)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"RelatedPerson\",\"id\":\"%s\",\"active\":%s,\"patient\":{\"reference\":\"Patient/%s\"},"
    "\"name\":[{\"family\":\"Carer\",\"given\":[\"Kim\"]}]}",
    id, active ? "true" : "false", patient_id);
  g_autoptr(JsonObject) carer = parse (json);

  import_at (store, carer, "1", added);
}

/* A carer's own assessment: its envelope, as kith_assessment_start_for_carer() makes it. */
static void
add_carer_assessment (KithStore  *store,
                      const char *id,
                      const char *carer_id,
                      const char *patient_id,
                      const char *status,
                      const char *authored)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"%s\",\"questionnaire\":\"%s\",\"status\":\"%s\","
    "\"subject\":{\"reference\":\"RelatedPerson/%s\"},\"authored\":\"%s\","
    "\"extension\":[{\"url\":\"" SD "cared-for\",\"valueReference\":{\"reference\":\"Patient/%s\"}}]}",
    id, KITH_HOLISTIC_ASSESSMENT_URL, status, carer_id, authored, patient_id);
  g_autoptr(JsonObject) response = parse (json);

  save (store, response);
}

/* The crisis questions of an assessment, with a preferred place (or not). */
static void
add_crisis_answers (KithStore  *store,
                    const char *id,
                    const char *patient_id,
                    const char *authored,
                    const char *place)
{
  KithInstrument *crisis = kith_instrument_library_lookup (kith_instrument_library_get_default (), "crisis");
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"%s\",\"questionnaire\":\"%s|%s\",\"status\":\"completed\","
    "\"subject\":{\"reference\":\"Patient/%s\"},\"authored\":\"%s\",\"item\":[]}",
    id, kith_instrument_get_url (crisis), kith_instrument_get_version (crisis), patient_id, authored);
  g_autoptr(JsonObject) response = parse (json);
  g_autoptr(KithAnswerSet) answers = kith_answer_set_new (crisis);
  KithAnswer answer = { KITH_ANSWER_TEXT };

  answer.text = (char *) "Ring my daughter";
  kith_answer_set_put (answers, "who-to-call", &answer);
  if (place)
    {
      answer.text = (char *) place;
      kith_answer_set_put (answers, "preferred-place", &answer);
    }
  json_object_set_array_member (response, "item", kith_answer_set_to_items (answers));
  save (store, response);
}

/* The experience questionnaire: five codes (NULL: left out). */
static char *
add_experience (KithStore   *store,
                const char  *patient_id,
                const char  *authored,
                const char  *codes[5])
{
  static const char * const items[] = { "main-person", "repeat-story", "what-to-do", "carer-involved",
                                        "involved-decisions" };
  KithInstrument *instrument = kith_instrument_library_lookup (kith_instrument_library_get_default (),
                                                               KITH_EXPERIENCE_INSTRUMENT);
  g_autoptr(KithAnswerSet) answers = kith_answer_set_new (instrument);
  g_autoptr(GError) error = NULL;
  char *id;

  for (guint i = 0; i < 5; i++)
    {
      KithAnswer answer = { KITH_ANSWER_CODE };

      if (codes[i] == NULL)
        continue;
      if (g_str_equal (codes[i], "declined"))
        answer.kind = KITH_ANSWER_DECLINED;
      else
        answer.code = (char *) codes[i];
      g_assert_true (kith_instrument_check_answer (instrument, items[i], &answer, &error));
      g_assert_no_error (error);
      kith_answer_set_put (answers, items[i], &answer);
    }
  id = kith_experience_save (store, patient_id, answers, NULL, authored, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static void
date_from (GDate      *date,
           const char *iso)
{
  int y, m, d;

  g_assert_cmpint (sscanf (iso, "%d-%d-%d", &y, &m, &d), ==, 3);
  g_date_clear (date, 1);
  g_date_set_dmy (date, d, m, y);
}

/* --- the small store: every answer known ----------------------------------------- */

#define KNOWN_FROM "2025-12-01"
#define KNOWN_TO   "2026-03-31"
#define KNOWN_NOW  "2026-03-15T12:00:00Z"
#define ADDED      "2025-12-15T09:00:00.000Z"

static KithStore *
make_known_store (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "known.db", NULL);
  g_autoptr(GError) error = NULL;
  KithStore *store = kith_store_open (path, &error);
  static const char * const names[][2] = {
    { "p1", "Ada" }, { "p2", "Bert" }, { "p3", "Cora" }, { "p4", "Dev" }, { "p5", "Edna" }, { "p6", "Fred" },
    { "p7", "Gwen" }, { "p8", "Hal" }, { "p9", "Iris" }, { "p10", "Jack" }, { "p11", "Kay" },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    add_patient (store, names[i][0], names[i][1], "Known", ADDED);

  /* Deaths: P5 on 3 February (in the place they wanted), P6 on 25
   * January, P7 on 20 February, P9 on 2 March (not in their place), P10 on
   * 5 March (not said), P11 with no date; P8 is no longer in use. */
  update_patient (store, "p5", "2", "2026-02-04T09:00:00.000Z", "2026-02-03", 1, FALSE);
  update_patient (store, "p6", "2", "2026-01-26T09:00:00.000Z", "2026-01-25T16:00:00Z", -1, FALSE);
  update_patient (store, "p7", "2", "2026-02-21T09:00:00.000Z", "2026-02-20", -1, FALSE);
  update_patient (store, "p9", "2", "2026-03-03T09:00:00.000Z", "2026-03-02", 0, FALSE);
  update_patient (store, "p10", "2", "2026-03-06T09:00:00.000Z", "2026-03-05", -1, FALSE);
  update_patient (store, "p11", "2", "2026-01-02T09:00:00.000Z", "", -1, FALSE);
  update_patient (store, "p8", "2", "2025-12-16T09:00:00.000Z", NULL, -1, TRUE);

  /* Plans. P1: agreed from 20 December, review due 20 January, agreed
   * again on 18 January (on time) with a decision scoring collaboRATE
   * 4, 4, 4. */
  {
    PlanSpec spec = { "agreed", "Ada Lovelace (Care co-ordinator)", "North locality team", TRUE, "2026-01-20",
                      "2025-12-20T09:00:00Z" };
    g_autoptr(JsonObject) plan = new_plan ("plan-1", "p1", &spec);

    import_at (store, plan, "1", "2025-12-20T10:00:00.000Z");
    set_agreement (plan, "2026-01-18T10:00:00Z");
    set_review (plan, "2026-04-20");
    add_decision (plan, "need-1", "2026-01-18T10:30:00Z", 4, 4, 4);
    import_at (store, plan, "2", "2026-01-18T11:00:00.000Z");
  }
  /* P2: agreed, but no crisis section; the review due on 1 February never
   * happens; a decision on 2 February scores 4, 3, 4. */
  {
    PlanSpec spec = { "agreed", "Bob Smith", "North locality team", FALSE, "2026-02-01", "2025-12-22T09:00:00Z" };
    g_autoptr(JsonObject) plan = new_plan ("plan-2", "p2", &spec);

    import_at (store, plan, "1", "2025-12-22T10:00:00.000Z");
    add_decision (plan, "need-2", "2026-02-02T11:00:00Z", 4, 3, 4);
    import_at (store, plan, "2", "2026-02-02T12:00:00.000Z");
  }
  /* P3: a draft, with an undecided decision. */
  {
    PlanSpec spec = { "draft", "Bob Smith", "North locality team", TRUE, "2026-01-15", NULL };
    g_autoptr(JsonObject) plan = new_plan ("plan-3", "p3", &spec);

    add_decision (plan, "need-3", NULL, 4, 4, 4);
    import_at (store, plan, "1", "2025-12-22T10:00:00.000Z");
  }
  /* P4: agreed on 5 January, review due 1 March; a discharge on 5
   * February brings the review forward to 10 February (under review); it
   * is agreed again on 12 February: late. A decision without collaboRATE. */
  {
    PlanSpec spec = { "agreed", "Ada Lovelace", "South locality team", TRUE, "2026-03-01", "2026-01-05T09:00:00Z" };
    g_autoptr(JsonObject) plan = new_plan ("plan-4", "p4", &spec);

    import_at (store, plan, "1", "2026-01-05T10:00:00.000Z");
    set_state (plan, "under-review");
    set_review (plan, "2026-02-10");
    import_at (store, plan, "2", "2026-02-05T10:00:00.000Z");
    set_state (plan, "agreed");
    set_agreement (plan, "2026-02-12T09:30:00Z");
    set_review (plan, "2026-05-12");
    add_decision (plan, "need-4", "2026-02-20T09:00:00Z", -1, -1, -1);
    import_at (store, plan, "3", "2026-02-20T10:00:00.000Z");
  }
  /* P5: agreed from 20 December, review in June. P8 (inactive): agreed. */
  {
    PlanSpec spec = { "agreed", "Bob Smith", "North locality team", TRUE, "2026-06-01", "2025-12-20T09:00:00Z" };
    g_autoptr(JsonObject) plan = new_plan ("plan-5", "p5", &spec);
    g_autoptr(JsonObject) other = NULL;

    import_at (store, plan, "1", "2025-12-20T10:00:00.000Z");
    spec.review = NULL;
    other = new_plan ("plan-8", "p8", &spec);
    import_at (store, other, "1", "2025-12-20T10:00:00.000Z");
  }
  /* A draft made and deleted (now, after the period): its decision is not
   * counted. */
  {
    PlanSpec spec = { "draft", "Bob Smith", NULL, TRUE, "2026-01-02", NULL };
    g_autoptr(JsonObject) plan = new_plan ("plan-gone", "p3", &spec);

    add_decision (plan, "need-gone", "2026-01-03T10:00:00Z", 4, 4, 4);
    import_at (store, plan, "1", "2025-12-20T10:00:00.000Z");
    g_assert_true (kith_store_delete_resource (store, "CarePlan", "plan-gone", &error));
    g_assert_no_error (error);
  }

  /* Referrals */
  add_referral (store, "r1", "p1", "completed", "2026-01-05T10:00:00Z", "2026-01-06T09:00:00Z", "2026-01-09T11:00:00Z");
  add_referral (store, "r2", "p2", "completed", "2026-01-10T10:00:00Z", "2026-01-14T09:00:00Z", "2026-01-20T11:00:00Z");
  add_referral (store, "r3", "p3", "rejected", "2026-02-01T10:00:00Z", "2026-02-02T09:00:00Z", NULL);
  add_referral (store, "r4", "p4", "requested", "2026-03-14T10:00:00Z", NULL, NULL);
  add_referral (store, "r5", "p2", "requested", "2026-03-01T10:00:00Z", NULL, NULL);
  add_referral (store, "r6", "p1", "cancelled", "2026-01-07T10:00:00Z", NULL, NULL);

  /* Hospital stays and contacts */
  add_encounter (store, "d1", "p1", "hospital-stay", "finished", "2026-01-02", "2026-01-10");
  add_encounter (store, "c1", "p1", "phone", "finished", "2026-01-15T10:00:00Z", NULL);
  add_encounter (store, "d2", "p2", "hospital-stay", "finished", "2026-01-12", "2026-01-20");
  add_encounter (store, "c2", "p2", "home-visit", "finished", "2026-02-10T10:00:00Z", NULL);
  add_encounter (store, "c2-planned", "p2", "home-visit", "planned", "2026-01-22T10:00:00Z", NULL);
  add_encounter (store, "d3", "p3", "hospital-stay", "finished", "2026-03-01", "2026-03-10");
  add_encounter (store, "d4", "p6", "hospital-stay", "finished", "2026-01-05", "2026-01-15");
  add_encounter (store, "d5", "p4", "hospital-stay", "finished", "2026-01-28", "2026-02-01");
  add_encounter (store, "d6", "p4", "hospital-stay", "in-progress", "2026-03-12", NULL);

  /* Safety alerts */
  add_alert (store, "a1", "p1", "inactive", "2026-01-05T10:00:00Z", "2026-01-05T20:00:00Z");
  add_alert (store, "a2", "p2", "inactive", "2026-01-06T10:00:00Z", "2026-01-08T10:00:00Z");
  add_alert (store, "a3", "p3", "active", "2026-02-02T09:00:00Z", NULL);
  add_alert (store, "a4", "p4", "active", "2026-03-15T08:00:00Z", NULL);
  add_alert (store, "a5", "p4", "entered-in-error", "2026-02-03T08:00:00Z", NULL);
  add_alert (store, "a6", "p1", "inactive", "2026-03-14T20:00:00Z", "2026-03-15T10:00:00Z");

  /* Carers */
  add_carer (store, "c-1", "p1", ADDED, TRUE);
  add_carer (store, "c-2", "p2", ADDED, TRUE);
  add_carer (store, "c-3", "p6", ADDED, TRUE);
  add_carer (store, "c-4", "p3", "2026-02-10T09:00:00.000Z", TRUE);
  add_carer (store, "c-5", "p4", ADDED, FALSE);
  add_carer (store, "c-6", "p2", ADDED, TRUE);
  add_carer_assessment (store, "ca-1", "c-1", "p1", "completed", "2025-12-20T10:00:00Z");
  add_carer_assessment (store, "ca-4", "c-4", "p3", "completed", "2026-02-11T10:00:00Z");
  add_carer_assessment (store, "ca-6", "c-6", "p2", "in-progress", "2026-01-03T10:00:00Z");
  add_carer_assessment (store, "ca-5", "c-5", "p4", "completed", "2026-01-03T10:00:00Z");

  /* Preferred places */
  add_crisis_answers (store, "q5", "p5", "2026-01-10T10:00:00Z", "At home, with my cat");
  add_crisis_answers (store, "q7a", "p7", "2026-01-05T10:00:00Z", NULL);
  add_crisis_answers (store, "q7b", "p7", "2026-02-25T10:00:00Z", "The hospice");
  add_crisis_answers (store, "q9", "p9", "2025-12-28T10:00:00Z", "At home");
  add_crisis_answers (store, "q10", "p10", "2026-01-28T10:00:00Z", "My daughter's house");

  /* Experience questionnaires */
  {
    const char *e1[5] = { "agree", "disagree", "agree", "agree", "agree" };
    const char *e2[5] = { "neither", "agree", "agree", "not-applicable", "disagree" };
    const char *e3[5] = { "agree", "declined", "neither", "disagree", "agree" };
    const char *e5[5] = { "agree", "neither", "disagree", NULL, "neither" };
    g_autofree char *id1 = add_experience (store, "p1", "2026-01-12T10:00:00Z", e1);
    g_autofree char *id2 = add_experience (store, "p2", "2026-01-20T10:00:00Z", e2);
    g_autofree char *id3 = add_experience (store, "p3", "2026-02-15T10:00:00Z", e3);
    g_autofree char *id4 = add_experience (store, "p4", "2026-02-16T10:00:00Z", e1);
    g_autofree char *id5 = add_experience (store, "p1", "2026-03-02T10:00:00Z", e5);
    g_autoptr(JsonObject) unfinished = kith_store_read_resource (store, "QuestionnaireResponse", id4, &error);

    /* P4's was never finished */
    g_assert_no_error (error);
    json_object_set_string_member (unfinished, "status", "in-progress");
    save (store, unfinished);
  }
  return store;
}

typedef struct
{
  const char *id;
  guint       numerator;
  guint       denominator;
  guint       months[4][2];   /* December to March */
} Known;

/* Worked out from the records above, "now" being 15 March 2026 at noon.
 *  - plan coverage, on 31 Dec: P1–P7, P9, P10 on the caseload (P8
 *    inactive, P11 died without a date), P1 and P5 covered; 31 Jan: P6
 *    died, P4 agreed; 28 Feb: P5 and P7 died, P4 covered while under
 *    review; 15 Mar (today): P9 and P10 died.
 *  - reviews: P1 on time (January); P2 missed and P4 late (February);
 *    P4's 1 March date was replaced before it came; P3 is a draft.
 *  - triage: R1 1 day, R2 4 days (January), R3 1 day, declined
 *    (February), R5 waiting 14 days (March); R4 too early; R6 cancelled.
 *  - first contact: R1 4 days, R2 10 days; R5 waiting; R3 declined.
 *  - discharges: D1 followed up in 5 days, D2 in 21; D5 never; D3 too
 *    early; P6 died 10 days after D4; D6 not discharged yet.
 *  - alerts: A1 10 hours, A2 48 hours, A3 open, A6 14 hours; A4 too
 *    early; A5 entered in error.
 *  - carers: 31 Dec C1 (assessed), C2, C3, C6; 31 Jan C3 gone (P6
 *    died); 28 Feb C4 added and assessed; C5 inactive; C6's assessment
 *    not completed.
 *  - deaths: P6 (Jan) nothing recorded; P5 (Feb) recorded, met; P7 (Feb)
 *    recorded only after; P9, P10 (Mar) recorded, not met / not said.
 *  - experience: E1 all best; E2 (Jan) neither, agree, agree, n/a,
 *    disagree; E3 (Feb) agree, declined, neither, disagree, agree; E4 not
 *    completed; E5 (Mar) agree, neither, disagree, left out, neither.
 *  - collaboRATE: P1 4,4,4 (Jan), P2 4,3,4 (Feb); P4 not asked, P3 not
 *    decided. */
static const Known known_answers[] = {
  { "plan-coverage", 2, 4, { { 2, 9 }, { 3, 8 }, { 2, 6 }, { 2, 4 } } },
  { "reviews-on-time", 1, 3, { { 0, 0 }, { 1, 1 }, { 0, 2 }, { 0, 0 } } },
  { "referral-to-triage", 2, 4, { { 0, 0 }, { 1, 2 }, { 1, 1 }, { 0, 1 } } },
  { "referral-to-first-contact", 1, 3, { { 0, 0 }, { 1, 2 }, { 0, 0 }, { 0, 1 } } },
  { "discharge-follow-up", 1, 3, { { 0, 0 }, { 1, 2 }, { 0, 1 }, { 0, 0 } } },
  { "safety-alerts-closed", 2, 4, { { 0, 0 }, { 1, 2 }, { 0, 1 }, { 1, 1 } } },
  { "carers-assessed", 2, 4, { { 1, 4 }, { 1, 3 }, { 2, 4 }, { 2, 4 } } },
  { "preferred-place-recorded", 3, 5, { { 0, 0 }, { 0, 1 }, { 1, 2 }, { 2, 2 } } },
  { "preferred-place-met", 1, 3, { { 0, 0 }, { 0, 0 }, { 1, 1 }, { 0, 2 } } },
  { "experience-main-person", 3, 4, { { 0, 0 }, { 1, 2 }, { 1, 1 }, { 1, 1 } } },
  { "experience-repeat-story", 1, 3, { { 0, 0 }, { 1, 2 }, { 0, 0 }, { 0, 1 } } },
  { "experience-what-to-do", 2, 4, { { 0, 0 }, { 2, 2 }, { 0, 1 }, { 0, 1 } } },
  { "experience-carer-involved", 1, 2, { { 0, 0 }, { 1, 1 }, { 0, 1 }, { 0, 0 } } },
  { "experience-involved-decisions", 2, 4, { { 0, 0 }, { 1, 2 }, { 1, 1 }, { 0, 1 } } },
  { "collaborate-top", 1, 2, { { 0, 0 }, { 1, 1 }, { 0, 1 }, { 0, 0 } } },
};

static GDateTime *
known_now (void)
{
  return g_date_time_new_from_iso8601 (KNOWN_NOW, NULL);
}

static void
test_known_answers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-outcomes-XXXXXX", &error);
  g_autoptr(KithStore) store = make_known_store (dir);
  g_autoptr(GDateTime) now = known_now ();
  KithOutcomeFilter filter = { NULL, NULL, 0, now };
  g_autoptr(KithOutcomeResult) result = NULL;
  g_autoptr(GPtrArray) specs = kith_outcomes_list_indicators (&error);
  GDate from, to;

  g_assert_no_error (error);
  date_from (&from, KNOWN_FROM);
  date_from (&to, KNOWN_TO);
  result = kith_outcomes_compute (store, &filter, &from, &to, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->indicators->len, ==, specs->len);
  g_assert_cmpuint (result->indicators->len, ==, G_N_ELEMENTS (known_answers));

  for (guint i = 0; i < G_N_ELEMENTS (known_answers); i++)
    {
      const KithIndicatorResult *one = kith_outcome_result_lookup (result, known_answers[i].id);

      g_test_message ("%s", known_answers[i].id);
      g_assert_nonnull (one);
      g_assert_cmpuint (one->months->len, ==, 4);
      g_assert_cmpuint (one->numerator, ==, known_answers[i].numerator);
      g_assert_cmpuint (one->denominator, ==, known_answers[i].denominator);
      for (guint m = 0; m < 4; m++)
        {
          const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);

          g_test_message ("%s month %u", known_answers[i].id, m);
          g_assert_cmpuint (month->numerator, ==, known_answers[i].months[m][0]);
          g_assert_cmpuint (month->denominator, ==, known_answers[i].months[m][1]);
        }
    }

  /* Medians: triage 1, 4 (January: 2.5) and 1 (February): 1 overall; first
   * contact 4 and 10: 7. */
  {
    const KithIndicatorResult *triage = kith_outcome_result_lookup (result, "referral-to-triage");
    const KithIndicatorResult *contact = kith_outcome_result_lookup (result, "referral-to-first-contact");

    g_assert_true (triage->has_median);
    g_assert_cmpfloat (triage->median_days, ==, 1.0);
    g_assert_cmpfloat (g_array_index (triage->months, KithOutcomeMonth, 1).median_days, ==, 2.5);
    g_assert_false (g_array_index (triage->months, KithOutcomeMonth, 3).has_median);
    g_assert_cmpfloat (contact->median_days, ==, 7.0);
    g_assert_false (kith_outcome_result_lookup (result, "plan-coverage")->has_median);
  }

  /* The months' days: the period's, whole months within it. */
  {
    const KithIndicatorResult *one = result->indicators->pdata[0];
    const KithOutcomeMonth *first = &g_array_index (one->months, KithOutcomeMonth, 0);
    const KithOutcomeMonth *last = &g_array_index (one->months, KithOutcomeMonth, 3);

    g_assert_cmpint (g_date_get_day (&first->first), ==, 1);
    g_assert_cmpint (g_date_get_month (&first->first), ==, G_DATE_DECEMBER);
    g_assert_cmpint (g_date_get_day (&last->last), ==, 31);
    g_assert_cmpint (g_date_get_month (&last->last), ==, G_DATE_MARCH);
  }

  /* Filtered: the North team is P1, P2, P3 and P5 (their plans' teams);
   * Ada Lovelace co-ordinates P1 and P4, whatever her role says. */
  {
    KithOutcomeFilter north = { "north locality team ", NULL, 0, now };
    KithOutcomeFilter ada = { NULL, "Ada Lovelace", 0, now };
    KithOutcomeFilter severe = { NULL, NULL, KITH_CASELOAD_TIER (KITH_FRAILTY_SEVERE), now };
    g_autoptr(KithOutcomeResult) by_team = kith_outcomes_compute (store, &north, &from, &to, &error);
    g_autoptr(KithOutcomeResult) by_coordinator = NULL;
    g_autoptr(KithOutcomeResult) by_tier = NULL;
    const KithIndicatorResult *coverage;

    g_assert_no_error (error);
    coverage = kith_outcome_result_lookup (by_team, "plan-coverage");
    g_assert_cmpuint (coverage->numerator, ==, 1);     /* P1 of P1, P2, P3 */
    g_assert_cmpuint (coverage->denominator, ==, 3);
    g_assert_cmpuint (kith_outcome_result_lookup (by_team, "safety-alerts-closed")->denominator, ==, 4);
    g_assert_cmpstr (by_team->team, ==, "north locality team ");

    by_coordinator = kith_outcomes_compute (store, &ada, &from, &to, &error);
    g_assert_no_error (error);
    coverage = kith_outcome_result_lookup (by_coordinator, "plan-coverage");
    g_assert_cmpuint (coverage->numerator, ==, 2);
    g_assert_cmpuint (coverage->denominator, ==, 2);
    g_assert_cmpuint (kith_outcome_result_lookup (by_coordinator, "reviews-on-time")->numerator, ==, 1);
    g_assert_cmpuint (kith_outcome_result_lookup (by_coordinator, "reviews-on-time")->denominator, ==, 2);

    /* Nobody here has a risk tier recorded: a tier filter finds no one. */
    by_tier = kith_outcomes_compute (store, &severe, &from, &to, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < by_tier->indicators->len; i++)
      g_assert_cmpuint (((KithIndicatorResult *) by_tier->indicators->pdata[i])->denominator, ==, 0);
  }

  /* Today before the period: no snapshot; a period of one day. */
  {
    g_autoptr(GDateTime) early = g_date_time_new_from_iso8601 ("2025-11-01T12:00:00Z", NULL);
    KithOutcomeFilter before = { NULL, NULL, 0, early };
    g_autoptr(KithOutcomeResult) none = kith_outcomes_compute (store, &before, &from, &to, &error);
    g_autoptr(KithIndicatorResult) one_day = NULL;
    GDate day;

    g_assert_no_error (error);
    g_assert_cmpuint (kith_outcome_result_lookup (none, "plan-coverage")->denominator, ==, 0);
    date_from (&day, "2026-01-31");
    one_day = kith_outcomes_compute_indicator (store, "plan-coverage", &filter, &day, &day, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (one_day->months->len, ==, 1);
    g_assert_cmpuint (one_day->numerator, ==, 3);
    g_assert_cmpuint (one_day->denominator, ==, 8);
  }

  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

/* --- the demo store, and the slow way -------------------------------------------- */

#define DEMO_FROM     "2025-10-01"
#define DEMO_TO       "2026-03-31"
#define DEMO_NOW      "2026-03-20T09:00:00Z"
#define DEMO_WORK_DAY 20

typedef struct
{
  char      *dir;
  KithStore *store;
} Demo;

static Demo demo;

static char *
instant_plus (const char *iso,
              double      hours)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(GDateTime) later = g_date_time_add_seconds (when, hours * 3600);

  return g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
day_plus (const char *date,
          int         days)
{
  GDate day;

  date_from (&day, date);
  if (days >= 0)
    g_date_add_days (&day, days);
  else
    g_date_subtract_days (&day, -days);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&day), g_date_get_month (&day), g_date_get_day (&day));
}

static char *
next_version (JsonObject *resource)
{
  guint64 n = 0;

  g_assert_true (g_ascii_string_to_unsigned (kith_fhir_get_version_id (resource), 10, 1, 1000, &n, NULL));
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n + 1);
}

static GPtrArray *
list_people (KithStore *store)
{
  g_autoptr(KithCaseload) everyone = kith_caseload_new (store);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (everyone)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);

      g_ptr_array_add (ids, g_strdup (kith_caseload_entry_get_id (entry)));
    }
  return ids;
}

/* Alerts, reviews, decisions, deaths, carers' assessments and experience
 * questionnaires added to the demo, a varied pattern over its people. */
static void
demo_fill (Demo *d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) people = NULL;
  static const char * const experience_codes[] = { "agree", "neither", "disagree" };
  guint n_due = 0;
  GDate work_day;

  d->dir = g_dir_make_tmp ("kith-outcomes-demo-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (d->dir, "kith.db", NULL);
  d->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  g_date_clear (&work_day, 1);
  g_date_set_dmy (&work_day, DEMO_WORK_DAY, G_DATE_JANUARY, 2026);
  g_assert_true (kith_demo_caseload_fill_for_day (d->store, DEMO_PEOPLE, 11, &work_day, &error));
  g_assert_no_error (error);

  people = list_people (d->store);
  g_assert_cmpuint (people->len, ==, DEMO_PEOPLE);
  for (guint i = 0; i < people->len; i++)
    {
      const char *id = people->pdata[i];
      g_autofree char *alert_id = g_strdup_printf ("demo-alert-%u", i);

      /* Safety alerts: closed in hours, closed late, left open, in error. */
      if (i % 13 == 0)
        {
          g_autofree char *raised = g_strdup_printf ("2026-%02u-%02uT%02u:15:00Z", 1 + i % 3, 1 + i % 27, i % 24);
          g_autofree char *closed = instant_plus (raised, (i / 13) % 4 == 0 ? 30 : 3 + i % 19);
          const char *status = (i / 13) % 5 == 4 ? "active" : (i / 13) % 9 == 8 ? "entered-in-error" : "inactive";

          add_alert (d->store, alert_id, id, status, raised, g_str_equal (status, "inactive") ? closed : NULL);
        }

      /* Referrals and discharges beside the demo's own. */
      if (i % 10 == 2)
        {
          g_autofree char *task_id = g_strdup_printf ("demo-referral-%u", i);
          g_autofree char *day = g_strdup_printf ("202%u-%02u-%02u", i % 20 < 10 ? 5 : 6,
                                                  i % 20 < 10 ? 10 + i % 3 : 1 + i % 3, 1 + i % 27);
          g_autofree char *received = g_strdup_printf ("%sT09:00:00Z", day);
          g_autofree char *triaged_day = day_plus (day, (int) (i / 10) % 5);
          g_autofree char *triaged = g_strdup_printf ("%sT10:00:00Z", triaged_day);
          g_autofree char *contact_day = day_plus (day, 2 + (int) (i / 10) % 11);
          g_autofree char *contacted = g_strdup_printf ("%sT11:00:00Z", contact_day);
          const char *status = (i / 10) % 6 == 5 ? "rejected" : (i / 10) % 7 == 6 ? "requested" : "completed";

          add_referral (d->store, task_id, id, status, received, g_str_equal (status, "requested") ? NULL : triaged,
                        g_str_equal (status, "completed") ? contacted : NULL);
        }
      if (i % 12 == 4)
        {
          g_autofree char *stay_id = g_strdup_printf ("demo-stay-%u", i);
          g_autofree char *contact_id = g_strdup_printf ("demo-follow-up-%u", i);
          g_autofree char *end = g_strdup_printf ("202%u-%02u-%02u", i % 24 < 12 ? 5 : 6,
                                                  i % 24 < 12 ? 10 + i % 3 : 1 + i % 3, 1 + i % 27);
          g_autofree char *start = day_plus (end, -5);
          g_autofree char *seen = day_plus (end, (int) (i / 12) % 21);
          g_autofree char *seen_at = g_strdup_printf ("%sT14:00:00Z", seen);

          add_encounter (d->store, stay_id, id, "hospital-stay", "finished", start, end);
          if ((i / 12) % 4 != 3)
            add_encounter (d->store, contact_id, id, (i / 12) % 2 ? "phone" : "home-visit", "finished", seen_at, NULL);
        }

      /* Reviews and shared decisions, on the person's current plan. */
      if (i % 3 == 0 || i % 11 == 0)
        {
          g_autoptr(KithCarePlan) typed = kith_care_plan_load_current (d->store, id, &error);
          g_autoptr(JsonObject) plan = NULL;
          const char *review;

          g_assert_no_error (error);
          plan = typed ? kith_fhir_copy_resource (kith_care_plan_get_json (typed)) : NULL;
          review = typed ? kith_care_plan_get_review_date (typed) : NULL;
          if (typed && i % 3 == 0 && review && kith_care_plan_get_state (typed) == KITH_PLAN_AGREED &&
              strcmp (review, "2026-01-12") >= 0)
            {
              g_autofree char *version = next_version (plan);
              g_autofree char *updated = NULL;
              g_autofree char *new_review = day_plus (review, 91);

              /* Reviews due before now go each of the three ways in turn. */
              switch (strcmp (review, "2026-03-18") < 0 ? n_due++ % 3 : 2)
                {
                case 0:   /* agreed again two days early */
                  {
                    g_autofree char *day = day_plus (review, -2);
                    g_autofree char *when = g_strdup_printf ("%sT10:00:00Z", day);

                    updated = g_strdup_printf ("%sT11:00:00.000Z", day);
                    set_agreement (plan, when);
                    break;
                  }
                case 1:   /* agreed again six days late */
                  {
                    g_autofree char *day = day_plus (review, 6);
                    g_autofree char *when = g_strdup_printf ("%sT10:00:00Z", day);

                    updated = g_strdup_printf ("%sT11:00:00.000Z", day);
                    set_agreement (plan, when);
                    break;
                  }
                default:  /* put back without a review, before the day */
                  {
                    g_autofree char *day = day_plus (review, -9);

                    updated = g_strdup_printf ("%sT11:00:00.000Z", day);
                    g_free (new_review);
                    new_review = day_plus (review, 30);
                    break;
                  }
                }
              set_review (plan, new_review);
              import_at (d->store, plan, version, updated);
            }
          if (typed && i % 11 == 0)
            {
              g_autofree char *version = next_version (plan);
              g_autofree char *decided = g_strdup_printf ("2026-%02u-%02uT14:00:00Z", 1 + i % 3, 2 + i % 25);
              const char *last = kith_fhir_get_last_updated (plan);
              g_autofree char *updated = g_strdup (strcmp (last, "2026-03-28") > 0 ? "2026-03-29T09:00:00.000Z"
                                                                                    : "2026-03-28T09:00:00.000Z");

              add_decision (plan, "need-demo", decided, (i / 11) % 4 == 3 ? -1 : 4,
                            (i / 11) % 3 == 1 ? 3 : 4, 4);
              import_at (d->store, plan, version, updated);
            }
        }

      /* Deaths, with the preferred place recorded before, after or never. */
      if (i % 17 == 5)
        {
          g_autofree char *died = g_strdup_printf ("2026-%02u-%02u", 1 + i % 3, 1 + i % 28);
          g_autofree char *answered = day_plus (died, (i / 17) % 3 == 2 ? 4 : -20);
          g_autofree char *authored = g_strdup_printf ("%sT10:00:00Z", answered);
          g_autofree char *response_id = g_strdup_printf ("demo-crisis-%u", i);
          g_autofree char *updated = g_strdup_printf ("%sT18:00:00.000Z", died);
          g_autoptr(JsonObject) patient = kith_store_read_resource (d->store, "Patient", id, &error);
          g_autofree char *version = next_version (patient);

          if ((i / 17) % 4 != 3)
            add_crisis_answers (d->store, response_id, id, authored, (i / 17) % 5 == 1 ? NULL : "At home");
          update_patient (d->store, id, version, updated, died, (int) ((i / 17 + 1) % 3) - 1, FALSE);
        }
      else if (i % 89 == 3)
        {
          g_autoptr(JsonObject) patient = kith_store_read_resource (d->store, "Patient", id, &error);
          g_autofree char *version = next_version (patient);

          update_patient (d->store, id, version, "2026-02-10T09:00:00.000Z", NULL, -1, TRUE);
        }

      /* Carers' own assessments: some finished, some not. */
      if (i % 3 == 0)
        {
          g_autoptr(GPtrArray) carers = kith_store_list_for_patient (d->store, "RelatedPerson", id, &error);

          for (guint c = 0; carers && c < carers->len; c++)
            {
              g_autofree char *response_id = g_strdup_printf ("demo-carer-%u-%u", i, c);
              g_autofree char *authored = g_strdup_printf ("%04u-%02u-15T10:00:00Z", 2025 + (i % 2), 1 + i % 12);

              add_carer_assessment (d->store, response_id, kith_fhir_get_string (carers->pdata[c], "id"), id,
                                    i % 9 == 0 ? "in-progress" : "completed", authored);
            }
        }

      /* The experience questionnaire after a review. */
      if (i % 4 == 1)
        {
          g_autofree char *authored = g_strdup_printf ("202%u-%02u-%02uT15:00:00Z", i % 6 < 3 ? 5 : 6,
                                                       i % 6 < 3 ? 10 + i % 3 : 1 + i % 3, 1 + i % 28);
          const char *codes[5];
          g_autofree char *response_id = NULL;

          for (guint s = 0; s < 5; s++)
            codes[s] = experience_codes[(i / 4 + s * 7) % 3];
          if (i % 5 == 0)
            codes[3] = "not-applicable";
          if (i % 8 == 1)
            codes[1] = NULL;
          if (i % 12 == 5)
            codes[4] = "declined";
          response_id = add_experience (d->store, id, authored, codes);
        }
    }
}

/* The slow way: each indicator again, from each person's resources. */

typedef struct
{
  guint   numerator;
  guint   denominator;
  GArray *days;         /* for medians */
} SlowCell;

typedef struct
{
  SlowCell total;
  SlowCell months[MAX_MONTHS];
} Slow;

typedef struct
{
  guint32  from;
  guint32  to;
  guint32  today;
  gint64   now;          /* seconds */
  guint    n_months;
  guint32  first[MAX_MONTHS];
  guint32  last[MAX_MONTHS];
} Period;

static guint32
slow_day (const char *text)
{
  GDate date;
  int y, m, d;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return 0;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  return g_date_get_julian (&date);
}

static gint64
slow_seconds (const char *text)
{
  g_autoptr(GDateTime) when = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return when ? g_date_time_to_unix (when) : 0;
}

static void
period_init (Period     *period,
             const char *from,
             const char *to,
             GDateTime  *now)
{
  GDate month, end, today;

  memset (period, 0, sizeof *period);
  date_from (&month, from);
  date_from (&end, to);
  period->from = g_date_get_julian (&month);
  period->to = g_date_get_julian (&end);
  g_date_set_day (&month, 1);
  while (g_date_compare (&month, &end) <= 0)
    {
      GDate last = month;

      g_date_add_months (&last, 1);
      g_date_subtract_days (&last, 1);
      g_assert_cmpuint (period->n_months, <, MAX_MONTHS);
      period->first[period->n_months] = MAX (g_date_get_julian (&month), period->from);
      period->last[period->n_months] = MIN (g_date_get_julian (&last), period->to);
      period->n_months++;
      g_date_add_months (&month, 1);
    }
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  period->today = g_date_get_julian (&today);
  period->now = g_date_time_to_unix (now);
}

static int
slow_month (const Period *period,
            guint32       day)
{
  for (guint m = 0; m < period->n_months; m++)
    if (day >= period->first[m] && day <= period->last[m])
      return (int) m;
  return -1;
}

static guint32
slow_snapshot (const Period *period,
               guint         m)
{
  guint32 day = MIN (period->last[m], period->today);

  return day >= period->first[m] ? day : 0;
}

static Slow *
slow_get (GHashTable *slow,
          const char *id)
{
  Slow *s = g_hash_table_lookup (slow, id);

  if (s == NULL)
    {
      s = g_new0 (Slow, 1);
      s->total.days = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint m = 0; m < MAX_MONTHS; m++)
        s->months[m].days = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (slow, g_strdup (id), s);
    }
  return s;
}

static void
slow_free (Slow *s)
{
  g_array_unref (s->total.days);
  for (guint m = 0; m < MAX_MONTHS; m++)
    g_array_unref (s->months[m].days);
  g_free (s);
}

static void
slow_event (GHashTable   *slow,
            const char   *id,
            const Period *period,
            guint32       day,
            gboolean      met)
{
  Slow *s = slow_get (slow, id);
  int m = slow_month (period, day);

  if (m < 0)
    return;
  s->total.denominator++;
  s->months[m].denominator++;
  if (met)
    {
      s->total.numerator++;
      s->months[m].numerator++;
    }
}

static void
slow_days (GHashTable   *slow,
           const char   *id,
           const Period *period,
           guint32       day,
           double        days)
{
  Slow *s = slow_get (slow, id);
  int m = slow_month (period, day);

  if (m < 0)
    return;
  g_array_append_val (s->total.days, days);
  g_array_append_val (s->months[m].days, days);
}

/* A snapshot month: the person (or carer) counted, and covered or not. */
static void
slow_snapshot_add (GHashTable *slow,
                   const char *id,
                   guint       m,
                   gboolean    met)
{
  Slow *s = slow_get (slow, id);

  s->months[m].denominator++;
  if (met)
    s->months[m].numerator++;
}

typedef struct
{
  guint32  added;
  gboolean inactive;
  gboolean undated;
  guint32  died;
} SlowPerson;

static gboolean
slow_on_caseload (const SlowPerson *person,
                  guint32           day)
{
  return !person->inactive && !person->undated && person->added <= day && (person->died == 0 || person->died > day);
}

static const char *
agreement_time (JsonObject *plan)
{
  JsonArray *extensions = kith_fhir_get_array (plan, "extension");

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = json_array_get_object_element (extensions, i);
      JsonArray *parts = kith_fhir_get_array (extension, "extension");

      if (g_strcmp0 (kith_fhir_get_string (extension, "url"), SD "agreement") != 0)
        continue;
      for (guint p = 0; parts && p < json_array_get_length (parts); p++)
        if (g_strcmp0 (kith_fhir_get_string (json_array_get_object_element (parts, p), "url"), "when") == 0)
          return kith_fhir_get_string (json_array_get_object_element (parts, p), "valueDateTime");
    }
  return NULL;
}

typedef struct
{
  guint32      day;
  gint64       updated;
  gboolean     gone;
  gboolean     agreed;      /* agreed or under review */
  gboolean     qualifies;
  guint32      review;
  const char  *agreement;
} SlowVersion;

/* Each plan version through KithCarePlan, as the plan editor reads it. */
static GArray *
slow_versions (GPtrArray *history)
{
  GArray *versions = g_array_new (FALSE, TRUE, sizeof (SlowVersion));

  for (guint v = 0; v < history->len; v++)
    {
      JsonObject *json = history->pdata[v];
      SlowVersion version = { 0 };

      version.day = slow_day (kith_fhir_get_last_updated (json));
      version.updated = slow_seconds (kith_fhir_get_last_updated (json));
      version.gone = !json_object_has_member (json, "status");
      if (!version.gone)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(KithCarePlan) plan = kith_care_plan_new_from_json (json, &error);
          g_autoptr(GPtrArray) contacts = NULL;
          KithPlanState state;

          g_assert_no_error (error);
          state = kith_care_plan_get_state (plan);
          contacts = kith_care_plan_list_crisis_contacts (plan);
          version.agreed = state == KITH_PLAN_AGREED || state == KITH_PLAN_UNDER_REVIEW;
          version.qualifies = version.agreed && kith_care_plan_get_coordinator (plan) != NULL &&
                              (kith_care_plan_get_crisis_actions (plan) != NULL || contacts->len > 0);
          version.review = slow_day (kith_care_plan_get_review_date (plan));
          version.agreement = agreement_time (json);
        }
      g_array_append_val (versions, version);
    }
  return versions;
}

/* The plan as it stood at the end of @day: the last version written by then. */
static gboolean
slow_qualifies_on (GArray  *versions,
                   guint32  day)
{
  gboolean qualifies = FALSE;

  for (guint v = 0; v < versions->len; v++)
    if (g_array_index (versions, SlowVersion, v).day <= day)
      qualifies = g_array_index (versions, SlowVersion, v).qualifies;
  return qualifies;
}

/* Reviews, as the definition words them. */
static void
slow_reviews (GHashTable   *slow,
              const Period *period,
              GArray       *versions)
{
  guint32 due = 0, kept = 0;
  gint64 set_at = 0;
  const char *agreement = NULL;

#define DUE(day, on_time) G_STMT_START { \
    if ((day) < period->today) \
      slow_event (slow, "reviews-on-time", period, (day), (on_time)); \
  } G_STMT_END

  for (guint v = 0; v < versions->len; v++)
    {
      const SlowVersion *version = &g_array_index (versions, SlowVersion, v);
      gboolean agreed_again = version->agreement && g_strcmp0 (version->agreement, agreement) != 0;

      if (agreed_again)
        agreement = version->agreement;
      if (version->gone || !version->agreed)
        {
          if (due && due < version->day)
            DUE (due, FALSE);
          due = kept = 0;
          continue;
        }
      if (agreed_again && due && slow_seconds (version->agreement) > set_at)
        {
          DUE (due, slow_day (version->agreement) <= due);
          kept = due;
          due = 0;
        }
      if (version->review == due || (version->review && version->review == kept))
        continue;
      if (due && due < version->day)
        DUE (due, FALSE);
      due = version->review;
      set_at = version->updated;
      kept = 0;
    }
  if (due)
    DUE (due, FALSE);
#undef DUE
}

static gboolean
is_questionnaire (JsonObject *response,
                  const char *id)
{
  g_autofree char *url = g_strconcat (QUESTIONNAIRE, id, NULL);
  g_autofree char *versioned = g_strconcat (url, "|", NULL);
  const char *canonical = kith_fhir_get_string (response, "questionnaire");

  return g_strcmp0 (canonical, url) == 0 || (canonical && g_str_has_prefix (canonical, versioned));
}

static const char * const experience_ids[][2] = {
  { "experience-main-person", "main-person" },
  { "experience-repeat-story", "repeat-story" },
  { "experience-what-to-do", "what-to-do" },
  { "experience-carer-involved", "carer-involved" },
  { "experience-involved-decisions", "involved-decisions" },
};

static GHashTable *
slow_compute (KithStore               *store,
              const KithOutcomeFilter *filter,
              const Period            *period)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCaseload) chosen = kith_caseload_new (store);
  GHashTable *slow = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) slow_free);
  KithInstrumentLibrary *library = kith_instrument_library_get_default ();
  KithCaseloadFilter filters = 0;

  /* Who: the caseload's own filters choose. */
  if (filter->team)
    filters |= KITH_CASELOAD_FILTER_TEAM;
  if (filter->coordinator)
    filters |= KITH_CASELOAD_FILTER_MINE;
  if (filter->tiers)
    filters |= KITH_CASELOAD_FILTER_TIER;
  kith_caseload_set_team (chosen, filter->team);
  kith_caseload_set_filter (chosen, filters, filter->coordinator, filter->tiers);

  /* Every indicator is there, even with nothing to count. */
  {
    g_autoptr(GPtrArray) specs = kith_outcomes_list_indicators (NULL);

    for (guint i = 0; i < specs->len; i++)
      slow_get (slow, ((KithIndicatorSpec *) specs->pdata[i])->id);
  }

  for (guint p = 0; p < g_list_model_get_n_items (G_LIST_MODEL (chosen)); p++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (chosen), p);
      const char *id = kith_caseload_entry_get_id (entry);
      g_autoptr(JsonObject) patient = kith_store_read_resource (store, "Patient", id, &error);
      g_autoptr(GPtrArray) history = kith_store_list_history (store, "Patient", id, &error);
      g_autoptr(GPtrArray) plans = kith_store_list_for_patient (store, "CarePlan", id, &error);
      g_autoptr(GPtrArray) tasks = kith_store_list_for_patient (store, "Task", id, &error);
      g_autoptr(GPtrArray) encounters = kith_store_list_for_patient (store, "Encounter", id, &error);
      g_autoptr(GPtrArray) flags = kith_store_list_for_patient (store, "Flag", id, &error);
      g_autoptr(GPtrArray) carers = kith_store_list_for_patient (store, "RelatedPerson", id, &error);
      g_autoptr(GPtrArray) responses = kith_store_list_for_patient (store, "QuestionnaireResponse", id, &error);
      g_autoptr(GPtrArray) plan_versions = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      SlowPerson person = { 0 };
      JsonNode *in_place;

      g_assert_no_error (error);
      person.added = slow_day (kith_fhir_get_last_updated (history->pdata[0]));
      person.inactive = json_object_has_member (patient, "active") && !json_object_get_boolean_member (patient, "active");
      person.died = slow_day (kith_fhir_get_string (patient, "deceasedDateTime"));
      person.undated = (json_object_has_member (patient, "deceasedDateTime") && person.died == 0) ||
                       (json_object_has_member (patient, "deceasedBoolean") &&
                        json_object_get_boolean_member (patient, "deceasedBoolean"));

      /* Plans: coverage, reviews, decisions */
      for (guint i = 0; i < plans->len; i++)
        {
          g_autoptr(GPtrArray) versions = kith_store_list_history (store, "CarePlan",
                                                                    kith_fhir_get_string (plans->pdata[i], "id"),
                                                                    &error);
          g_autoptr(KithCarePlan) current = kith_care_plan_new_from_json (plans->pdata[i], &error);
          g_autoptr(GPtrArray) decisions = kith_care_plan_list_decisions (current);

          g_assert_no_error (error);
          g_ptr_array_add (plan_versions, slow_versions (versions));
          slow_reviews (slow, period, plan_versions->pdata[plan_versions->len - 1]);
          for (guint d = 0; d < decisions->len; d++)
            {
              KithDecision *decision = decisions->pdata[d];

              if (decision->decided && decision->collaborate[0] >= 0 && decision->collaborate[1] >= 0 &&
                  decision->collaborate[2] >= 0)
                slow_event (slow, "collaborate-top", period, slow_day (decision->decided),
                            kith_decision_is_collaborate_top (decision));
            }
        }
      for (guint m = 0; m < period->n_months; m++)
        {
          guint32 day = slow_snapshot (period, m);
          gboolean covered = FALSE;

          if (day == 0 || !slow_on_caseload (&person, day))
            continue;
          for (guint i = 0; i < plan_versions->len; i++)
            covered = covered || slow_qualifies_on (plan_versions->pdata[i], day);
          slow_snapshot_add (slow, "plan-coverage", m, covered);
        }

      /* Referrals */
      for (guint i = 0; i < tasks->len; i++)
        {
          JsonObject *task = tasks->pdata[i];
          const char *status = kith_fhir_get_string (task, "status");
          guint32 received = slow_day (kith_fhir_get_string (task, "authoredOn"));
          JsonNode *node;
          guint32 triaged, contacted;

          if (g_strcmp0 (kith_fhir_resource_code (task), "referral-triage") != 0 ||
              g_strcmp0 (status, "cancelled") == 0 || g_strcmp0 (status, "entered-in-error") == 0 || received == 0)
            continue;
          node = kith_fhir_get_extension (task, SD "triaged", "valueDateTime");
          triaged = node ? slow_day (json_node_get_string (node)) : 0;
          node = kith_fhir_get_extension (task, SD "first-contact", "valueDateTime");
          contacted = node ? slow_day (json_node_get_string (node)) : 0;
          if (triaged || period->today > received + 2)
            {
              slow_event (slow, "referral-to-triage", period, received, triaged && triaged - received <= 2);
              if (triaged)
                slow_days (slow, "referral-to-triage", period, received, triaged - received);
            }
          if (g_strcmp0 (status, "rejected") != 0 && (contacted || period->today > received + 7))
            {
              slow_event (slow, "referral-to-first-contact", period, received, contacted && contacted - received <= 7);
              if (contacted)
                slow_days (slow, "referral-to-first-contact", period, received, contacted - received);
            }
        }

      /* Discharges */
      for (guint i = 0; i < encounters->len; i++)
        {
          JsonObject *stay = encounters->pdata[i];
          guint32 discharged = slow_day (kith_fhir_get_string (kith_fhir_get_object (stay, "period"), "end"));
          guint32 followed = 0;

          if (g_strcmp0 (kith_fhir_resource_code (stay), "hospital-stay") != 0 ||
              g_strcmp0 (kith_fhir_get_string (stay, "status"), "finished") != 0 || discharged == 0)
            continue;
          for (guint c = 0; c < encounters->len; c++)
            {
              JsonObject *contact = encounters->pdata[c];
              const char *code = kith_fhir_resource_code (contact);
              guint32 day = slow_day (kith_fhir_get_string (kith_fhir_get_object (contact, "period"), "start"));

              if (g_strcmp0 (kith_fhir_get_string (contact, "status"), "finished") == 0 &&
                  (g_strcmp0 (code, "home-visit") == 0 || g_strcmp0 (code, "phone") == 0 ||
                   g_strcmp0 (code, "clinic") == 0 || g_strcmp0 (code, "email") == 0) &&
                  day >= discharged && (followed == 0 || day < followed))
                followed = day;
            }
          if (followed && followed - discharged <= 14)
            slow_event (slow, "discharge-follow-up", period, discharged, TRUE);
          else if (period->today > discharged + 14 && !person.undated &&
                   !(person.died && person.died >= discharged && person.died <= discharged + 14))
            slow_event (slow, "discharge-follow-up", period, discharged, FALSE);
        }

      /* Safety alerts */
      for (guint i = 0; i < flags->len; i++)
        {
          JsonObject *flag = flags->pdata[i];
          const char *status = kith_fhir_get_string (flag, "status");
          JsonObject *when = kith_fhir_get_object (flag, "period");
          gint64 raised = slow_seconds (kith_fhir_get_string (when, "start"));
          gint64 closed = slow_seconds (kith_fhir_get_string (when, "end"));
          gboolean open = g_strcmp0 (status, "active") == 0;

          if (g_strcmp0 (kith_fhir_resource_code (flag), "safety") != 0 ||
              g_strcmp0 (status, "entered-in-error") == 0 || raised == 0)
            continue;
          if (open && period->now - raised < 24 * 3600)
            continue;
          slow_event (slow, "safety-alerts-closed", period, slow_day (kith_fhir_get_string (when, "start")),
                      !open && closed && closed - raised <= 24 * 3600);
        }

      /* Carers */
      for (guint i = 0; i < carers->len; i++)
        {
          JsonObject *carer = carers->pdata[i];
          const char *carer_id = kith_fhir_get_string (carer, "id");
          g_autofree char *subject = g_strconcat ("RelatedPerson/", carer_id, NULL);
          g_autoptr(GPtrArray) carer_history = kith_store_list_history (store, "RelatedPerson", carer_id, &error);
          guint32 added = slow_day (kith_fhir_get_last_updated (carer_history->pdata[0]));

          if (json_object_has_member (carer, "active") && !json_object_get_boolean_member (carer, "active"))
            continue;
          for (guint m = 0; m < period->n_months; m++)
            {
              guint32 day = slow_snapshot (period, m);
              gboolean assessed = FALSE;
              GDate year_before;

              if (day == 0 || added > day || !slow_on_caseload (&person, day))
                continue;
              g_date_clear (&year_before, 1);
              g_date_set_julian (&year_before, day);
              g_date_subtract_months (&year_before, 12);
              for (guint r = 0; r < responses->len; r++)
                {
                  JsonObject *response = responses->pdata[r];
                  guint32 authored = slow_day (kith_fhir_get_string (response, "authored"));

                  if (g_strcmp0 (kith_fhir_get_string (response, "questionnaire"), KITH_HOLISTIC_ASSESSMENT_URL) == 0 &&
                      g_strcmp0 (kith_fhir_get_string (response, "status"), "completed") == 0 &&
                      g_strcmp0 (kith_fhir_get_string (kith_fhir_get_object (response, "subject"), "reference"),
                                 subject) == 0 &&
                      authored > g_date_get_julian (&year_before) && authored <= day)
                    assessed = TRUE;
                }
              slow_snapshot_add (slow, "carers-assessed", m, assessed);
            }
        }

      /* The preferred place of death */
      if (person.died)
        {
          gboolean recorded = FALSE;

          for (guint r = 0; r < responses->len; r++)
            {
              JsonObject *response = responses->pdata[r];
              g_autoptr(KithAnswerSet) answers = NULL;
              const KithAnswer *place;

              if (!is_questionnaire (response, "crisis") ||
                  g_strcmp0 (kith_fhir_get_string (response, "status"), "entered-in-error") == 0 ||
                  slow_day (kith_fhir_get_string (response, "authored")) > person.died)
                continue;
              answers = kith_answer_set_new_from_response (kith_instrument_library_lookup (library, "crisis"),
                                                            response, &error);
              g_assert_no_error (error);
              place = kith_answer_set_lookup (answers, "preferred-place");
              if (place && place->kind == KITH_ANSWER_TEXT && place->text)
                {
                  g_autofree char *text = g_strstrip (g_strdup (place->text));

                  recorded = recorded || *text != '\0';
                }
            }
          in_place = kith_fhir_get_extension (patient, SD "died-in-preferred-place", "valueBoolean");
          slow_event (slow, "preferred-place-recorded", period, person.died, recorded);
          if (recorded)
            slow_event (slow, "preferred-place-met", period, person.died,
                        in_place && json_node_get_boolean (in_place));
        }

      /* Experience */
      for (guint r = 0; r < responses->len; r++)
        {
          JsonObject *response = responses->pdata[r];
          const char *status = kith_fhir_get_string (response, "status");
          g_autoptr(KithAnswerSet) answers = NULL;

          if (!is_questionnaire (response, KITH_EXPERIENCE_INSTRUMENT) ||
              (g_strcmp0 (status, "completed") != 0 && g_strcmp0 (status, "amended") != 0))
            continue;
          answers = kith_answer_set_new_from_response (kith_instrument_library_lookup (library,
                                                                                        KITH_EXPERIENCE_INSTRUMENT),
                                                       response, &error);
          g_assert_no_error (error);
          for (guint s = 0; s < G_N_ELEMENTS (experience_ids); s++)
            {
              const KithAnswer *answer = kith_answer_set_lookup (answers, experience_ids[s][1]);

              if (answer == NULL || answer->kind != KITH_ANSWER_CODE || g_str_equal (answer->code, "not-applicable"))
                continue;
              slow_event (slow, experience_ids[s][0], period, slow_day (kith_fhir_get_string (response, "authored")),
                          kith_experience_is_top_box (answers, experience_ids[s][1]));
            }
        }
    }

  /* A snapshot's figure is its last day's. */
  {
    static const char * const snapshots[] = { "plan-coverage", "carers-assessed" };

    for (guint i = 0; i < G_N_ELEMENTS (snapshots); i++)
      {
        Slow *s = slow_get (slow, snapshots[i]);

        for (guint m = period->n_months; m-- > 0;)
          if (slow_snapshot (period, m))
            {
              s->total.numerator = s->months[m].numerator;
              s->total.denominator = s->months[m].denominator;
              break;
            }
      }
  }
  return slow;
}

static gboolean
slow_median (GArray *days,
             double *median)
{
  g_autoptr(GArray) sorted = g_array_copy (days);

  if (sorted->len == 0)
    return FALSE;
  for (guint i = 1; i < sorted->len; i++)
    for (guint j = i; j > 0 && g_array_index (sorted, double, j - 1) > g_array_index (sorted, double, j); j--)
      {
        double t = g_array_index (sorted, double, j);

        g_array_index (sorted, double, j) = g_array_index (sorted, double, j - 1);
        g_array_index (sorted, double, j - 1) = t;
      }
  *median = sorted->len % 2 ? g_array_index (sorted, double, sorted->len / 2)
                            : (g_array_index (sorted, double, sorted->len / 2 - 1) +
                               g_array_index (sorted, double, sorted->len / 2)) / 2;
  return TRUE;
}

static void
assert_same_as_slow (const KithOutcomeResult *result,
                     GHashTable              *slow,
                     const Period            *period)
{
  for (guint i = 0; i < result->indicators->len; i++)
    {
      const KithIndicatorResult *one = result->indicators->pdata[i];
      Slow *s = g_hash_table_lookup (slow, one->spec->id);
      double median;

      g_test_message ("%s: %u of %u (the slow way: %u of %u)", one->spec->id, one->numerator, one->denominator,
                      s ? s->total.numerator : 0, s ? s->total.denominator : 0);
      g_assert_nonnull (s);
      g_assert_cmpuint (one->numerator, ==, s->total.numerator);
      g_assert_cmpuint (one->denominator, ==, s->total.denominator);
      g_assert_cmpuint (one->months->len, ==, period->n_months);
      for (guint m = 0; m < period->n_months; m++)
        {
          const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);

          g_assert_cmpuint (month->numerator, ==, s->months[m].numerator);
          g_assert_cmpuint (month->denominator, ==, s->months[m].denominator);
          if (one->spec->has_median)
            {
              g_assert_cmpint (month->has_median, ==, slow_median (s->months[m].days, &median));
              if (month->has_median)
                g_assert_cmpfloat_with_epsilon (month->median_days, median, 1e-9);
            }
        }
      if (one->spec->has_median)
        {
          g_assert_cmpint (one->has_median, ==, slow_median (s->total.days, &median));
          if (one->has_median)
            g_assert_cmpfloat_with_epsilon (one->median_days, median, 1e-9);
        }
    }
}

static void
test_demo_slow_way (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (DEMO_NOW, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *coordinator = NULL;
  Period period;
  GDate from, to;

  period_init (&period, DEMO_FROM, DEMO_TO, now);
  date_from (&from, DEMO_FROM);
  date_from (&to, DEMO_TO);

  /* A co-ordinator to filter by: the first person's who has one. */
  {
    g_autoptr(KithCaseload) everyone = kith_caseload_new (demo.store);

    for (guint i = 0; coordinator == NULL; i++)
      {
        g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);

        if (kith_caseload_entry_get_coordinator (entry))
          coordinator = g_strdup (kith_caseload_entry_get_coordinator (entry));
      }
    /* Without the role, as a person would type it */
    *strchr (coordinator, '(') = '\0';
  }

  {
    const KithOutcomeFilter filters[] = {
      { NULL, NULL, 0, now },
      { "North locality team", NULL, 0, now },
      { NULL, coordinator, 0, now },
      { NULL, NULL, KITH_CASELOAD_TIER (KITH_FRAILTY_SEVERE) | KITH_CASELOAD_TIER (KITH_FRAILTY_MODERATE), now },
      { "Central locality team", NULL, KITH_CASELOAD_TIER (KITH_FRAILTY_FIT), now },
      { NULL, "Nobody At All", 0, now },
    };

    for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
      {
        g_autoptr(KithOutcomeResult) result = kith_outcomes_compute (demo.store, &filters[f], &from, &to, &error);
        g_autoptr(GHashTable) slow = slow_compute (demo.store, &filters[f], &period);

        g_test_message ("filter %u: team %s, co-ordinator %s, tiers %x", f, filters[f].team, filters[f].coordinator,
                        filters[f].tiers);
        g_assert_no_error (error);
        assert_same_as_slow (result, slow, &period);

        /* The demo is varied enough that each filter counts something. */
        if (f == 0)
          for (guint i = 0; i < result->indicators->len; i++)
            {
              const KithIndicatorResult *one = result->indicators->pdata[i];

              g_test_message ("everyone: %s %u of %u", one->spec->id, one->numerator, one->denominator);
              g_assert_cmpuint (one->denominator, >, 0);
              g_assert_cmpuint (one->numerator, >, 0);
              g_assert_cmpuint (one->numerator, <, one->denominator);
            }
      }
  }
}

static void
demo_period (GDate *from,
             GDate *to)
{
  date_from (from, DEMO_FROM);
  date_from (to, DEMO_TO);
}

/* Events add up over the months; a snapshot's figure is its last day's. */
static void
test_months_add_up (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (DEMO_NOW, NULL);
  const KithOutcomeFilter filters[] = {
    { NULL, NULL, 0, now },
    { "North locality team", NULL, KITH_CASELOAD_TIER (KITH_FRAILTY_SEVERE), now },
  };
  GDate from, to;

  demo_period (&from, &to);
  for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KithOutcomeResult) result = kith_outcomes_compute (demo.store, &filters[f], &from, &to, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < result->indicators->len; i++)
        {
          const KithIndicatorResult *one = result->indicators->pdata[i];
          g_autoptr(KithIndicatorResult) alone = kith_outcomes_compute_indicator (demo.store, one->spec->id,
                                                                                  &filters[f], &from, &to, &error);
          guint numerators = 0, denominators = 0;

          g_assert_no_error (error);
          for (guint m = 0; m < one->months->len; m++)
            {
              const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);
              const KithOutcomeMonth *same = &g_array_index (alone->months, KithOutcomeMonth, m);

              g_assert_cmpuint (month->numerator, <=, month->denominator);
              numerators += month->numerator;
              denominators += month->denominator;
              g_assert_cmpuint (month->numerator, ==, same->numerator);
              g_assert_cmpuint (month->denominator, ==, same->denominator);
            }
          g_assert_cmpuint (one->numerator, ==, alone->numerator);
          g_assert_cmpuint (one->denominator, ==, alone->denominator);
          if (one->spec->kind == KITH_INDICATOR_EVENT)
            {
              g_assert_cmpuint (numerators, ==, one->numerator);
              g_assert_cmpuint (denominators, ==, one->denominator);
            }
          else
            {
              /* Now is 20 March, within the last month. */
              const KithOutcomeMonth *last = &g_array_index (one->months, KithOutcomeMonth, one->months->len - 1);

              g_assert_cmpuint (last->numerator, ==, one->numerator);
              g_assert_cmpuint (last->denominator, ==, one->denominator);
            }
        }
    }
}

static void
test_small_numbers (void)
{
  static const struct { guint count; const char *text; } counts[] = {
    { 0, "<5" }, { 1, "<5" }, { 4, "<5" }, { 5, "5" }, { 12, "12" }, { 100000, "100000" },
  };
  static const guint values[] = { 10, 3, 7, 12 };
  KithIndicatorSpec event_spec = { (char *) "x", (char *) "X", KITH_INDICATOR_EVENT };
  KithIndicatorSpec snapshot_spec = { (char *) "y", (char *) "Y", KITH_INDICATOR_SNAPSHOT };
  KithIndicatorResult result = { &event_spec };
  guint8 numerators[4], denominators[4];

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autofree char *text = kith_outcomes_format_count (counts[i].count);

      g_assert_cmpstr (text, ==, counts[i].text);
    }
  {
    g_autofree char *small = kith_outcomes_format_rate (3, 10);
    g_autofree char *half = kith_outcomes_format_rate (5, 10);
    g_autofree char *none = kith_outcomes_format_rate (10, 0);
    g_autofree char *third = kith_outcomes_format_rate (5, 15);

    g_assert_cmpstr (small, ==, "–");
    g_assert_cmpstr (half, ==, "50.0%");
    g_assert_cmpstr (none, ==, "–");
    g_assert_cmpstr (third, ==, "33.3%");
  }
  g_assert_true (isnan (kith_outcomes_rate (1, 0)));
  g_assert_cmpfloat (kith_outcomes_rate (1, 4), ==, 25.0);

  /* One month under 5 in a row of events: the next smallest goes too. */
  result.months = g_array_new (FALSE, TRUE, sizeof (KithOutcomeMonth));
  for (guint m = 0; m < G_N_ELEMENTS (values); m++)
    {
      KithOutcomeMonth month = { .numerator = values[m], .denominator = 20 + values[m] };

      g_array_append_val (result.months, month);
    }
  kith_outcomes_suppress_months (&result, numerators, denominators);
  g_assert_cmpuint (numerators[0], ==, KITH_OUTCOMES_SHOWN);
  g_assert_cmpuint (numerators[1], ==, KITH_OUTCOMES_SMALL);
  g_assert_cmpuint (numerators[2], ==, KITH_OUTCOMES_HIDDEN);
  g_assert_cmpuint (numerators[3], ==, KITH_OUTCOMES_SHOWN);
  for (guint m = 0; m < 4; m++)
    g_assert_cmpuint (denominators[m], ==, KITH_OUTCOMES_SHOWN);
  {
    g_autofree char *shown = kith_outcomes_format_month_count (10, numerators[0]);
    g_autofree char *small = kith_outcomes_format_month_count (3, numerators[1]);
    g_autofree char *hidden = kith_outcomes_format_month_count (7, numerators[2]);

    g_assert_cmpstr (shown, ==, "10");
    g_assert_cmpstr (small, ==, "<5");
    g_assert_cmpstr (hidden, ==, "*");
  }

  /* Two months under 5: nothing more; a snapshot's months do not add up. */
  g_array_index (result.months, KithOutcomeMonth, 0).numerator = 2;
  kith_outcomes_suppress_months (&result, numerators, denominators);
  g_assert_cmpuint (numerators[0], ==, KITH_OUTCOMES_SMALL);
  g_assert_cmpuint (numerators[1], ==, KITH_OUTCOMES_SMALL);
  g_assert_cmpuint (numerators[2] + numerators[3], ==, KITH_OUTCOMES_SHOWN);
  g_array_index (result.months, KithOutcomeMonth, 0).numerator = 10;
  result.spec = &snapshot_spec;
  kith_outcomes_suppress_months (&result, numerators, denominators);
  g_assert_cmpuint (numerators[1], ==, KITH_OUTCOMES_SMALL);
  g_assert_cmpuint (numerators[0] + numerators[2] + numerators[3], ==, KITH_OUTCOMES_SHOWN);
  g_array_unref (result.months);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
assert_private (const char *path)
{
  GStatBuf info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
}

/* What must never be in an export: every person's id, name and NHS number
 * (as written and spaced), and every plan's id. */
static GPtrArray *
list_personal (KithStore *store)
{
  g_autoptr(GPtrArray) people = list_people (store);
  GPtrArray *personal = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < people->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KithPatient) patient = kith_store_load_patient (store, people->pdata[i], &error);
      g_autoptr(GPtrArray) plans = kith_store_list_for_patient (store, "CarePlan", people->pdata[i], &error);
      const char *nhs = kith_patient_get_nhs_number (patient);

      g_assert_no_error (error);
      g_ptr_array_add (personal, g_strdup (people->pdata[i]));
      g_ptr_array_add (personal, g_strdup_printf ("%s %s", kith_patient_get_given (patient),
                                                  kith_patient_get_family (patient)));
      if (nhs)
        {
          g_ptr_array_add (personal, g_strdup (nhs));
          g_ptr_array_add (personal, g_strdup_printf ("%.3s %.3s %.4s", nhs, nhs + 3, nhs + 6));
        }
      for (guint p = 0; p < plans->len; p++)
        g_ptr_array_add (personal, g_strdup (kith_fhir_get_string (plans->pdata[p], "id")));
    }
  return personal;
}

static void
assert_nothing_personal (GPtrArray  *personal,
                         const char *text)
{
  for (guint i = 0; i < personal->len; i++)
    if (strstr (text, personal->pdata[i]) != NULL)
      g_error ("An export holds “%s”", (char *) personal->pdata[i]);
}

/* The CSV fields of a line (no field of ours holds a comma in quotes
 * except titles, which are checked whole). */
static GStrv
csv_fields (const char *line)
{
  return g_strsplit (line, ",", -1);
}

static gboolean
is_count_or_small (const char *field)
{
  guint64 n;

  if (g_str_equal (field, "<5") || g_str_equal (field, "*"))
    return TRUE;
  return g_ascii_string_to_unsigned (field, 10, KITH_OUTCOMES_SMALL_NUMBER, G_MAXUINT32, &n, NULL);
}

static void
test_csv (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (DEMO_NOW, NULL);
  KithOutcomeFilter filter = { NULL, NULL, 0, now };
  g_autoptr(GError) error = NULL;
  g_autoptr(KithOutcomeResult) result = NULL;
  g_autofree char *dir = g_build_filename (demo.dir, "export", "csv", NULL);
  g_autofree char *summary_path = g_build_filename (dir, "indicators.csv", NULL);
  g_autofree char *summary = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) personal = list_personal (demo.store);
  GDate from, to;
  guint small = 0, hidden = 0;

  demo_period (&from, &to);
  result = kith_outcomes_compute (demo.store, &filter, &from, &to, &error);
  g_assert_no_error (error);

  /* A file there already, readable by all, is replaced and made private. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents_full (summary_path, "old", -1, G_FILE_SET_CONTENTS_NONE, 0644, &error));
  g_assert_true (kith_outcomes_write_csv (result, dir, &error));
  g_assert_no_error (error);

  assert_private (summary_path);
  summary = read_text (summary_path);
  assert_nothing_personal (personal, summary);
  lines = g_strsplit (summary, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "indicator,title,from,to,team,coordinator,risk_tiers,numerator,denominator,"
                                 "rate_percent,median_days,baseline,baseline_numerator,baseline_denominator,"
                                 "baseline_rate_percent,change_points");
  g_assert_cmpuint (g_strv_length (lines), ==, result->indicators->len + 2);   /* and the empty end */
  for (guint i = 0; i < result->indicators->len; i++)
    {
      const KithIndicatorResult *one = result->indicators->pdata[i];
      g_auto(GStrv) fields = csv_fields (lines[i + 1]);
      g_autofree char *file = g_strdup_printf ("%s.csv", one->spec->id);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *months = NULL;
      g_autofree char *numerator = kith_outcomes_format_count (one->numerator);
      g_autofree char *denominator = kith_outcomes_format_count (one->denominator);
      g_auto(GStrv) month_lines = NULL;

      g_assert_cmpuint (g_strv_length (fields), ==, 16);
      g_assert_cmpstr (fields[0], ==, one->spec->id);
      g_assert_cmpstr (fields[2], ==, DEMO_FROM);
      g_assert_cmpstr (fields[3], ==, DEMO_TO);
      g_assert_cmpstr (fields[7], ==, numerator);
      g_assert_cmpstr (fields[8], ==, denominator);
      g_assert_true (is_count_or_small (fields[7]));
      g_assert_true (is_count_or_small (fields[8]));
      /* A rate is there only with both counts shown. */
      g_assert_cmpint (*fields[9] != '\0', ==, !g_str_equal (numerator, "<5") && !g_str_equal (denominator, "<5"));
      g_assert_cmpint (*fields[10] != '\0', ==, one->has_median && one->denominator >= KITH_OUTCOMES_SMALL_NUMBER);

      assert_private (path);
      months = read_text (path);
      assert_nothing_personal (personal, months);
      month_lines = g_strsplit (months, "\r\n", -1);
      g_assert_true (g_str_has_prefix (month_lines[0], "month,first_day,last_day,numerator,denominator,rate_percent"));
      g_assert_cmpuint (g_strv_length (month_lines), ==, one->months->len + 2);
      for (guint m = 0; m < one->months->len; m++)
        {
          const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);
          g_auto(GStrv) cells = csv_fields (month_lines[m + 1]);
          g_autofree char *label = g_strdup_printf ("%04d-%02d", g_date_get_year (&month->first),
                                                    g_date_get_month (&month->first));

          g_assert_cmpstr (cells[0], ==, label);
          g_assert_true (is_count_or_small (cells[3]));
          g_assert_true (is_count_or_small (cells[4]));
          if (month->numerator < KITH_OUTCOMES_SMALL_NUMBER)
            {
              g_assert_cmpstr (cells[3], ==, "<5");
              g_assert_cmpstr (cells[5], ==, "");
              small++;
            }
          else if (g_str_equal (cells[3], "*"))
            hidden++;
          else
            {
              g_autofree char *shown = g_strdup_printf ("%u", month->numerator);

              g_assert_cmpstr (cells[3], ==, shown);
            }
        }
    }
  /* The demo has small months, so suppression was tested for real. */
  g_assert_cmpuint (small, >, 0);
  g_test_message ("%u months under 5, %u more hidden", small, hidden);

  /* A filter is written as the person gave it, never as a formula. */
  {
    KithOutcomeFilter sly = { "=HYPERLINK(\"x\")", NULL, 0, now };
    g_autoptr(KithOutcomeResult) filtered = kith_outcomes_compute (demo.store, &sly, &from, &to, &error);
    g_autofree char *sly_dir = g_build_filename (demo.dir, "export", "sly", NULL);
    g_autofree char *sly_path = g_build_filename (sly_dir, "indicators.csv", NULL);
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    g_assert_true (kith_outcomes_write_csv (filtered, sly_dir, &error));
    g_assert_no_error (error);
    text = read_text (sly_path);
    g_assert_nonnull (strstr (text, ",\"'=HYPERLINK(\"\"x\"\")\","));
    g_assert_null (strstr (text, ",=HYPERLINK"));
  }

  /* A folder that cannot be made is an error, not a crash. */
  {
    g_autofree char *blocked = g_build_filename (summary_path, "below", NULL);

    g_assert_false (kith_outcomes_write_csv (result, blocked, &error));
    g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_WRITE);
  }
}

static void
test_baseline_and_report (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-outcomes-XXXXXX", &error);
  g_autoptr(KithStore) store = make_known_store (dir);
  g_autoptr(GDateTime) now = known_now ();
  KithOutcomeFilter filter = { NULL, NULL, 0, now };
  g_autoptr(KithOutcomeBaseline) baseline = NULL;
  g_autoptr(KithOutcomeResult) result = NULL;
  g_autoptr(GPtrArray) baselines = NULL;
  GDate from, to, later_from, later_to;
  double change;

  date_from (&from, KNOWN_FROM);
  date_from (&to, "2026-01-31");
  date_from (&later_from, "2026-02-01");
  date_from (&later_to, KNOWN_TO);

  g_assert_true (kith_outcomes_freeze_baseline (store, "Before the new triage", &filter, &from, &to, &error));
  g_assert_no_error (error);
  g_assert_false (kith_outcomes_freeze_baseline (store, "Before the new triage", &filter, &from, &to, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (kith_outcomes_freeze_baseline (store, " padded", &filter, &from, &to, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kith_outcomes_freeze_baseline (store, "", &filter, &from, &to, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  {
    KithOutcomeFilter north = { "North locality team", NULL, 0, now };

    g_assert_true (kith_outcomes_freeze_baseline (store, "North, winter", &north, &from, &to, &error));
    g_assert_no_error (error);
  }

  baselines = kith_outcomes_list_baselines (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (baselines->len, ==, 2);
  g_assert_cmpstr (((KithOutcomeBaseline *) baselines->pdata[0])->name, ==, "Before the new triage");
  g_assert_cmpstr (((KithOutcomeBaseline *) baselines->pdata[1])->team, ==, "North locality team");

  /* Frozen: December and January, as worked out in known_answers. */
  baseline = kith_outcomes_load_baseline (store, "Before the new triage", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_compare (&baseline->from, &from), ==, 0);
  g_assert_cmpint (g_date_compare (&baseline->to, &to), ==, 0);
  g_assert_null (baseline->team);
  {
    const KithBaselineValue *triage = kith_outcome_baseline_lookup (baseline, "referral-to-triage");
    const KithBaselineValue *alerts = kith_outcome_baseline_lookup (baseline, "safety-alerts-closed");

    g_assert_cmpuint (triage->numerator, ==, 1);
    g_assert_cmpuint (triage->denominator, ==, 2);
    g_assert_true (triage->has_median);
    g_assert_cmpfloat (triage->median_days, ==, 2.5);
    g_assert_cmpuint (alerts->numerator, ==, 1);
    g_assert_cmpuint (alerts->denominator, ==, 2);
  }

  /* A record added later (an alert in January, closed in an hour) changes
   * the figures, not the frozen baseline. */
  add_alert (store, "a-late", "p2", "inactive", "2026-01-20T10:00:00Z", "2026-01-20T11:00:00Z");
  {
    g_autoptr(KithOutcomeResult) again = kith_outcomes_compute (store, &filter, &from, &to, &error);
    g_autoptr(KithOutcomeBaseline) still = kith_outcomes_load_baseline (store, "Before the new triage", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (kith_outcome_result_lookup (again, "safety-alerts-closed")->numerator, ==, 2);
    g_assert_cmpuint (kith_outcome_result_lookup (again, "safety-alerts-closed")->denominator, ==, 3);
    g_assert_cmpuint (kith_outcome_baseline_lookup (still, "safety-alerts-closed")->numerator, ==, 1);
  }

  /* February and March against it: triage 1 of 2 (50%) then, 1 of 2 now. */
  result = kith_outcomes_compute (store, &filter, &later_from, &later_to, &error);
  g_assert_no_error (error);
  g_assert_true (kith_outcomes_compare (kith_outcome_result_lookup (result, "referral-to-triage"), baseline, &change));
  g_assert_cmpfloat_with_epsilon (change, 0.0, 1e-9);
  /* Reviews: 1 of 1 (100%) then, 0 of 2 now. */
  g_assert_true (kith_outcomes_compare (kith_outcome_result_lookup (result, "reviews-on-time"), baseline, &change));
  g_assert_cmpfloat_with_epsilon (change, -100.0, 1e-9);
  /* Carers: a snapshot, 1 of 3 on 31 January and 2 of 4 on 15 March. */
  g_assert_true (kith_outcomes_compare (kith_outcome_result_lookup (result, "carers-assessed"), baseline, &change));
  g_assert_cmpfloat_with_epsilon (change, 50.0 - 100.0 / 3, 1e-9);
  /* No rate then: nothing to compare. */
  g_assert_false (kith_outcomes_compare (kith_outcome_result_lookup (result, "preferred-place-met"), baseline, NULL));

  kith_outcome_result_set_baseline (result, baseline);
  g_assert_nonnull (result->baseline);
  g_assert_true (result->baseline != baseline);

  /* The CSV carries the baseline, small numbers hidden there too. */
  {
    g_autofree char *csv_dir = g_build_filename (dir, "csv", NULL);
    g_autofree char *summary_path = g_build_filename (csv_dir, "indicators.csv", NULL);
    g_autofree char *summary = NULL;

    g_assert_true (kith_outcomes_write_csv (result, csv_dir, &error));
    g_assert_no_error (error);
    summary = read_text (summary_path);
    g_assert_nonnull (strstr (summary, "\r\nreferral-to-triage,Referrals triaged within 2 days,2026-02-01,2026-03-31,"
                                       ",,,<5,<5,,,Before the new triage,<5,<5,,\r\n"));
    g_assert_null (strstr (summary, "Known"));
  }

  /* The report */
  {
    g_autofree char *pdf = g_build_filename (dir, "outcomes.pdf", NULL);
    g_autofree char *contents = NULL;
    g_autoptr(KithOutcomesReport) report = kith_outcomes_report_new (result, "2026-03-15", 595.28, 841.89);
    g_autofree char *pdftotext = NULL;
    gsize length = 0;

    g_assert_cmpuint (kith_outcomes_report_get_n_pages (report), >=, 2);
    g_assert_true (kith_outcomes_report_write_pdf (result, pdf, &error));
    g_assert_no_error (error);
    assert_private (pdf);
    g_assert_true (g_file_get_contents (pdf, &contents, &length, &error));
    g_assert_true (length > 1000 && memcmp (contents, "%PDF", 4) == 0);

    /* What a person reads, when poppler's pdftotext is there. */
    if ((pdftotext = g_find_program_in_path ("pdftotext")) != NULL)
      {
        g_autofree char *command = g_strdup_printf ("pdftotext -layout '%s' -", pdf);
        g_autofree char *text = NULL;
        int status = 0;

        g_assert_true (g_spawn_command_line_sync (command, &text, NULL, &status, &error));
        g_assert_no_error (error);
        g_assert_nonnull (strstr (text, "Outcomes and experience"));
        g_assert_nonnull (strstr (text, "Plan coverage"));
        g_assert_nonnull (strstr (text, "collaboRATE top score"));
        g_assert_nonnull (strstr (text, "Before the new triage"));
        g_assert_nonnull (strstr (text, "<5"));
        g_assert_nonnull (strstr (text, "Feb 2026"));
        g_assert_null (strstr (text, "Known"));
        g_assert_null (strstr (text, "plan-1"));
      }
    else
      g_test_message ("pdftotext is not installed: the PDF's text is not checked");
  }

  g_assert_true (kith_outcomes_delete_baseline (store, "Before the new triage", &error));
  g_assert_no_error (error);
  g_assert_false (kith_outcomes_delete_baseline (store, "Before the new triage", &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (kith_outcomes_load_baseline (store, "Before the new triage", &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_NOT_FOUND);

  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

static void
test_experience_questionnaire (void)
{
  KithInstrument *instrument = kith_instrument_library_lookup (kith_instrument_library_get_default (),
                                                               KITH_EXPERIENCE_INSTRUMENT);
  g_autoptr(KithAnswerSet) answers = NULL;
  g_autoptr(GPtrArray) scores = NULL;
  g_autoptr(GPtrArray) specs = kith_outcomes_list_indicators (NULL);
  static const struct { const char *item; const char *code; gboolean top; double score; } cases[] = {
    { "main-person", "agree", TRUE, 2 },
    { "repeat-story", "disagree", TRUE, 2 },
    { "what-to-do", "neither", FALSE, 1 },
    { "carer-involved", "not-applicable", FALSE, -1 },
    { "involved-decisions", "disagree", FALSE, 0 },
  };

  g_assert_nonnull (instrument);
  g_assert_cmpstr (kith_instrument_get_licence (instrument), ==, "kith");
  g_assert_cmpstr (kith_instrument_get_subject (instrument), ==, "patient");
  /* Asked after a review, never as part of the holistic assessment. */
  g_assert_true (kith_instrument_get_optional (instrument));
  g_assert_false (kith_instrument_get_prefill (instrument));
  g_assert_nonnull (strstr (kith_instrument_get_source (instrument), "National Voices"));
  g_assert_cmpstr (kith_instrument_lookup_item (instrument, "main-person")->text, ==,
                   "I know who is the main person in charge of my care");
  g_assert_cmpstr (kith_instrument_lookup_item (instrument, "repeat-story")->text, ==, "I had to repeat my story");
  g_assert_cmpstr (kith_instrument_lookup_item (instrument, "what-to-do")->text, ==,
                   "I know what to do if things go wrong");
  g_assert_cmpstr (kith_instrument_lookup_item (instrument, "carer-involved")->text, ==,
                   "My carer was involved as much as I wanted");
  g_assert_cmpstr (kith_instrument_lookup_item (instrument, "involved-decisions")->text, ==,
                   "I was as involved in decisions as I wanted");
  g_assert_null (kith_instrument_item_lookup_option (kith_instrument_lookup_item (instrument, "main-person"),
                                                     "not-applicable"));

  answers = kith_answer_set_new (instrument);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      KithAnswer answer = { KITH_ANSWER_CODE };
      g_autoptr(GError) error = NULL;

      answer.code = (char *) cases[i].code;
      g_assert_true (kith_instrument_check_answer (instrument, cases[i].item, &answer, &error));
      kith_answer_set_put (answers, cases[i].item, &answer);
    }
  scores = kith_answer_set_score (answers);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s = %s", cases[i].item, cases[i].code);
      g_assert_cmpint (kith_experience_is_top_box (answers, cases[i].item), ==, cases[i].top);
      for (guint s = 0; s < scores->len; s++)
        {
          KithScore *score = scores->pdata[s];

          if (!g_str_equal (score->name, cases[i].item))
            continue;
          g_assert_cmpint (score->has_value, ==, cases[i].score >= 0);
          if (score->has_value)
            {
              g_assert_cmpfloat (score->value, ==, cases[i].score);
              g_assert_cmpint (score->max, ==, 2);
              g_assert_cmpstr (score->band_code, ==, cases[i].top ? "top-box" : "not-top-box");
            }
        }
    }
  g_assert_false (kith_experience_is_top_box (answers, "no-such-item"));

  /* The definitions name the same best answers as the questionnaire. */
  for (guint i = 0; i < specs->len; i++)
    {
      const KithIndicatorSpec *spec = specs->pdata[i];
      g_autoptr(KithAnswerSet) best = NULL;

      if (!g_str_has_prefix (spec->id, "experience-"))
        continue;
      for (guint c = 0; c < G_N_ELEMENTS (experience_ids); c++)
        if (g_str_equal (experience_ids[c][0], spec->id))
          {
            const KithInstrumentItem *item = kith_instrument_lookup_item (instrument, experience_ids[c][1]);

            g_assert_nonnull (item);
            for (guint o = 0; o < item->options->len; o++)
              {
                const KithAnswerOption *option = g_ptr_array_index (item->options, o);
                KithAnswer answer = { KITH_ANSWER_CODE };
                g_autoptr(KithAnswerSet) one = kith_answer_set_new (instrument);
                gboolean named_best = strstr (spec->numerator, "\"Agree\"") ? g_str_equal (option->code, "agree")
                                                                          : g_str_equal (option->code, "disagree");

                answer.code = option->code;
                kith_answer_set_put (one, experience_ids[c][1], &answer);
                g_assert_cmpint (kith_experience_is_top_box (one, experience_ids[c][1]), ==, named_best);
              }
          }
    }

  /* Saving: only answers to this questionnaire, for a valid person. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp ("kith-outcomes-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
    g_autoptr(KithStore) store = kith_store_open (path, &error);
    g_autoptr(KithAnswerSet) other = kith_answer_set_new (kith_instrument_library_lookup (kith_instrument_library_get_default (),
                                                                                         "phq-2"));
    g_autofree char *id = NULL;
    g_autoptr(JsonObject) saved = NULL;

    g_assert_no_error (error);
    g_assert_null (kith_experience_save (store, "p1", other, NULL, NULL, &error));
    g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (kith_experience_save (store, "not an id!", answers, NULL, NULL, &error));
    g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (kith_experience_save (store, "p1", answers, NULL, "yesterday", &error));
    g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
    g_clear_error (&error);
    id = kith_experience_save (store, "p1", answers, "plan-1", "2026-02-01T10:00:00+01:00", &error);
    g_assert_no_error (error);
    saved = kith_store_read_resource (store, "QuestionnaireResponse", id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (kith_fhir_get_string (saved, "status"), ==, "completed");
    g_assert_cmpstr (kith_fhir_get_string (saved, "authored"), ==, "2026-02-01T09:00:00.000Z");
    g_assert_true (g_str_has_prefix (kith_fhir_get_string (saved, "questionnaire"), QUESTIONNAIRE "experience|"));
    g_assert_cmpstr (kith_fhir_get_string (json_array_get_object_element (kith_fhir_get_array (saved, "basedOn"), 0),
                                           "reference"), ==, "CarePlan/plan-1");
    g_clear_object (&store);
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      g_assert_cmpint (system (cmd), ==, 0);
    }
  }
}

static char *
collapse_spaces (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \n\t", -1);
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_strv_builder_add (kept, words[i]);
  list = g_strv_builder_end (kept);
  return g_strjoinv (" ", list);
}

/* Every indicator is defined in words, in data and the same in the README. */
static void
test_definitions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) specs = kith_outcomes_list_indicators (&error);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  const char *root = g_getenv ("KITH_SOURCE_ROOT");
  g_autofree char *readme = NULL;
  g_autofree char *flat = NULL;
  const char *section;
  static const char * const notes[] = { "caseload", "dates", "months", "filters", "exports" };

  g_assert_no_error (error);
  g_assert_cmpuint (specs->len, ==, 15);
  for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
    g_assert_nonnull (kith_outcomes_get_note (notes[i]));
  g_assert_null (kith_outcomes_get_note ("no-such-note"));

  if (root == NULL)
    {
      g_test_skip ("KITH_SOURCE_ROOT is not set: the README is not checked");
      return;
    }
  {
    g_autofree char *path = g_build_filename (root, "README.md", NULL);

    readme = read_text (path);
  }
  section = strstr (readme, "\n## Outcome indicators\n");
  g_assert_nonnull (section);
  flat = collapse_spaces (section);

  for (guint i = 0; i < specs->len; i++)
    {
      const KithIndicatorSpec *spec = specs->pdata[i];
      const char *words[] = { spec->title, spec->numerator, spec->denominator, spec->period, spec->exclusions };

      g_test_message ("%s", spec->id);
      g_assert_true (g_hash_table_add (ids, spec->id));
      g_assert_true (kith_outcomes_lookup_indicator (spec->id) == spec);
      g_assert_nonnull (spec->sources);
      for (guint w = 0; w < G_N_ELEMENTS (words); w++)
        {
          g_autofree char *wanted = collapse_spaces (words[w]);

          g_assert_nonnull (wanted);
          if (strstr (flat, wanted) == NULL)
            g_error ("The README's outcome indicators do not say, for %s: %s", spec->id, wanted);
        }
    }
  g_assert_null (kith_outcomes_lookup_indicator ("no-such-indicator"));
  g_assert_nonnull (strstr (flat, "kith-tool report"));
}

static void
test_invalid (void)
{
  g_autoptr(GError) error = NULL;
  GDate from, to, far;
  KithOutcomeFilter bad_tier = { NULL, NULL, 1u << 9, NULL };
  KithOutcomeFilter bad_text = { "\xff\xfe", NULL, 0, NULL };

  date_from (&from, "2026-03-01");
  date_from (&to, "2026-02-01");
  date_from (&far, "2036-03-02");

  g_assert_null (kith_outcomes_compute (demo.store, NULL, &from, &to, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kith_outcomes_compute (demo.store, NULL, &to, &far, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kith_outcomes_compute (demo.store, &bad_tier, &to, &from, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kith_outcomes_compute (demo.store, &bad_text, &to, &from, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kith_outcomes_compute_indicator (demo.store, "no-such-indicator", NULL, &to, &from, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_NOT_FOUND);
}

/* What was read is read again once the store changes, here or elsewhere. */
static void
test_store_changes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-outcomes-XXXXXX", &error);
  g_autoptr(KithStore) store = make_known_store (dir);
  g_autoptr(KithStore) other = NULL;
  g_autoptr(GDateTime) now = known_now ();
  KithOutcomeFilter filter = { NULL, NULL, 0, now };
  g_autofree char *path = g_build_filename (dir, "known.db", NULL);
  GDate from, to;

  date_from (&from, KNOWN_FROM);
  date_from (&to, KNOWN_TO);
  {
    g_autoptr(KithIndicatorResult) before = kith_outcomes_compute_indicator (store, "safety-alerts-closed", &filter,
                                                                             &from, &to, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (before->denominator, ==, 4);
  }
  add_alert (store, "a-more", "p3", "inactive", "2026-02-20T10:00:00Z", "2026-02-20T12:00:00Z");
  {
    g_autoptr(KithIndicatorResult) after = kith_outcomes_compute_indicator (store, "safety-alerts-closed", &filter,
                                                                            &from, &to, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (after->numerator, ==, 3);
    g_assert_cmpuint (after->denominator, ==, 5);
  }
  /* Another connection (the sync client) writes. */
  other = kith_store_open (path, &error);
  g_assert_no_error (error);
  add_alert (other, "a-synced", "p3", "active", "2026-02-21T10:00:00Z", NULL);
  {
    g_autoptr(KithIndicatorResult) synced = kith_outcomes_compute_indicator (store, "safety-alerts-closed", &filter,
                                                                             &from, &to, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (synced->numerator, ==, 3);
    g_assert_cmpuint (synced->denominator, ==, 6);
  }
  /* Freezing a baseline writes a setting, which changes no figure. */
  g_assert_true (kith_outcomes_freeze_baseline (store, "Spring", &filter, &from, &to, &error));
  g_assert_no_error (error);

  g_clear_object (&other);
  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

/* --- off the main loop ------------------------------------------------------ */

static void
on_async_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The same figures as kith_outcomes_compute(), on a worker thread with a
 * connection of its own; a cancelled call says so; a baseline frozen
 * there is seen by the store. */
static void
test_compute_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-outcomes-XXXXXX", &error);
  g_autoptr(KithStore) store = make_known_store (dir);
  g_autoptr(GDateTime) now = known_now ();
  KithOutcomeFilter filter = { NULL, NULL, 0, now };
  KithOutcomeFilter north = { "north LOCALITY team", NULL, 0, now };
  g_autoptr(KithOutcomeResult) expected = NULL;
  g_autoptr(KithOutcomeResult) expected_north = NULL;
  g_autoptr(KithOutcomeResult) got = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) baselines = NULL;
  GAsyncResult *first = NULL, *second = NULL, *frozen = NULL;
  GDate from, to;

  date_from (&from, KNOWN_FROM);
  date_from (&to, KNOWN_TO);
  expected = kith_outcomes_compute (store, &filter, &from, &to, &error);
  g_assert_no_error (error);
  expected_north = kith_outcomes_compute (store, &north, &from, &to, &error);
  g_assert_no_error (error);

  /* A filter change: the first call is cancelled, the second answers. */
  kith_outcomes_compute_async (store, &filter, &from, &to, cancellable, on_async_done_cb, &first);
  g_cancellable_cancel (cancellable);
  kith_outcomes_compute_async (store, &north, &from, &to, NULL, on_async_done_cb, &second);
  g_assert_null (kith_outcomes_compute_finish (store, wait_for_result (&first), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  got = kith_outcomes_compute_finish (store, wait_for_result (&second), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->team, ==, "north LOCALITY team");
  for (guint i = 0; i < expected_north->indicators->len; i++)
    {
      const KithIndicatorResult *a = expected_north->indicators->pdata[i];
      const KithIndicatorResult *b = got->indicators->pdata[i];

      g_assert_cmpstr (a->spec->id, ==, b->spec->id);
      g_assert_cmpuint (a->numerator, ==, b->numerator);
      g_assert_cmpuint (a->denominator, ==, b->denominator);
    }
  g_assert_cmpuint (kith_outcome_result_lookup (got, "plan-coverage")->denominator, <,
                    kith_outcome_result_lookup (expected, "plan-coverage")->denominator);
  /* The filters' choices come with the figures: names as written, a
   * co-ordinator without their role, each once. */
  g_assert_true (g_strv_contains ((const char * const *) got->teams, "North locality team"));
  g_assert_true (g_strv_contains ((const char * const *) got->teams, "South locality team"));
  g_assert_true (g_strv_contains ((const char * const *) got->coordinators, "Ada Lovelace"));
  g_assert_false (g_strv_contains ((const char * const *) got->coordinators, "Ada Lovelace (Care co-ordinator)"));
  g_clear_object (&first);
  g_clear_object (&second);
  g_clear_pointer (&got, kith_outcome_result_free);

  kith_outcomes_compute_async (store, &filter, &from, &to, NULL, on_async_done_cb, &first);
  got = kith_outcomes_compute_finish (store, wait_for_result (&first), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < expected->indicators->len; i++)
    {
      const KithIndicatorResult *a = expected->indicators->pdata[i];
      const KithIndicatorResult *b = got->indicators->pdata[i];

      g_assert_cmpuint (a->numerator, ==, b->numerator);
      g_assert_cmpuint (a->denominator, ==, b->denominator);
      g_assert_cmpuint (a->months->len, ==, b->months->len);
    }
  g_clear_object (&first);

  /* A bad period is refused without a thread. */
  kith_outcomes_compute_async (store, &filter, &to, &from, NULL, on_async_done_cb, &first);
  g_assert_null (kith_outcomes_compute_finish (store, wait_for_result (&first), &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&first);

  kith_outcomes_freeze_baseline_async (store, "Before the pilot", &filter, &from, &to, NULL, on_async_done_cb, &frozen);
  g_assert_true (kith_outcomes_freeze_baseline_finish (store, wait_for_result (&frozen), &error));
  g_assert_no_error (error);
  g_clear_object (&frozen);
  baselines = kith_outcomes_list_baselines (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (baselines->len, ==, 1);
  g_assert_cmpstr (((KithOutcomeBaseline *) baselines->pdata[0])->name, ==, "Before the pilot");
  g_assert_cmpuint (kith_outcome_baseline_lookup (baselines->pdata[0], "plan-coverage")->denominator, ==,
                    kith_outcome_result_lookup (expected, "plan-coverage")->denominator);

  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

/* One sitting after a review: the statements and collaboRATE saved
 * together, each with how it was answered and who recorded it; the
 * statements count in the experience indicators. */
static void
test_experience_record (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kith-outcomes-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autoptr(KithStore) store = kith_store_open (path, &error);
  KithInstrumentLibrary *library = kith_instrument_library_get_default ();
  KithInstrument *experience = kith_instrument_library_lookup (library, KITH_EXPERIENCE_INSTRUMENT);
  KithInstrument *collaborate = kith_instrument_library_lookup (library, KITH_COLLABORATE_INSTRUMENT);
  g_autoptr(KithAnswerSet) statements = NULL;
  g_autoptr(KithAnswerSet) effort = NULL;
  g_autoptr(KithAnswerSet) empty = NULL;
  g_autoptr(GPtrArray) scores = NULL;
  g_autoptr(JsonObject) saved = NULL;
  g_autoptr(JsonObject) saved_effort = NULL;
  g_auto(GStrv) ids = NULL;
  KithExperienceRecord record = { "p1", "plan-1", NULL, NULL, KITH_EXPERIENCE_FROM_PAPER, "Bethan Hughes",
                                  "2026-02-01T10:00:00Z" };
  static const char * const effort_items[] = { "understand", "listen", "include" };
  KithAnswer agree = { KITH_ANSWER_CODE, (char *) "agree" };
  KithAnswer every = { KITH_ANSWER_CODE, (char *) "every-effort" };

  g_assert_no_error (error);
  g_assert_nonnull (collaborate);
  add_patient (store, "p1", "Ada", "Lovelace", ADDED);

  /* collaboRATE: three items, 0 to 4; the top score is 12, all three at 4. */
  g_assert_cmpuint (kith_instrument_get_n_items (collaborate), ==, 4);
  effort = kith_answer_set_new (collaborate);
  for (guint i = 0; i < G_N_ELEMENTS (effort_items); i++)
    {
      const KithInstrumentItem *item = kith_instrument_lookup_item (collaborate, effort_items[i]);

      g_assert_cmpuint (item->options->len, ==, 5);
      g_assert_true (kith_instrument_check_answer (collaborate, effort_items[i], &every, &error));
      g_assert_no_error (error);
      kith_answer_set_put (effort, effort_items[i], &every);
    }
  scores = kith_answer_set_score (effort);
  g_assert_cmpfloat (((KithScore *) scores->pdata[0])->value, ==, 12);
  g_assert_cmpstr (((KithScore *) scores->pdata[0])->band_code, ==, "top-box");

  /* Nothing answered is refused; so are answers to something else. */
  empty = kith_answer_set_new (experience);
  record.experience = empty;
  g_assert_null (kith_experience_record (store, &record, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  record.experience = effort;
  g_assert_null (kith_experience_record (store, &record, &error));
  g_assert_error (error, KITH_OUTCOMES_ERROR, KITH_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (kith_store_count_resources (store, "QuestionnaireResponse"), ==, 0);

  statements = kith_answer_set_new (experience);
  kith_answer_set_put (statements, "main-person", &agree);
  record.experience = statements;
  record.collaborate = effort;
  ids = kith_experience_record (store, &record, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);

  saved = kith_store_read_resource (store, "QuestionnaireResponse", ids[0], &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (kith_fhir_get_string (saved, "questionnaire"), QUESTIONNAIRE "experience|"));
  g_assert_cmpstr (kith_fhir_get_string (saved, "status"), ==, "completed");
  g_assert_cmpstr (kith_fhir_get_string (kith_fhir_get_object (saved, "source"), "reference"), ==, "Patient/p1");
  g_assert_cmpstr (kith_fhir_get_string (kith_fhir_get_object (saved, "author"), "display"), ==, "Bethan Hughes");
  g_assert_cmpstr (json_node_get_string (kith_fhir_get_extension (saved, SD "answered-on", "valueCode")), ==, "paper");
  g_assert_cmpuint (json_array_get_length (kith_fhir_get_array (saved, "item")), ==, 1);
  saved_effort = kith_store_read_resource (store, "QuestionnaireResponse", ids[1], &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (kith_fhir_get_string (saved_effort, "questionnaire"), QUESTIONNAIRE "collaborate|"));
  g_assert_cmpstr (kith_fhir_get_string (json_array_get_object_element (kith_fhir_get_array (saved_effort, "basedOn"), 0),
                                         "reference"), ==, "CarePlan/plan-1");
  g_assert_cmpuint (json_array_get_length (kith_fhir_get_array (saved_effort, "item")), ==, 3);

  /* On the shared screen, collaboRATE left out: one response. */
  g_clear_pointer (&ids, g_strfreev);
  record.source = KITH_EXPERIENCE_SHARED_SCREEN;
  record.collaborate = NULL;
  ids = kith_experience_record (store, &record, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_clear_pointer (&saved, json_object_unref);
  saved = kith_store_read_resource (store, "QuestionnaireResponse", ids[0], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (kith_fhir_get_extension (saved, SD "answered-on", "valueCode")), ==,
                   "shared-screen");

  /* Both sittings count: two "Agree" to "main person". */
  {
    g_autoptr(GDateTime) now = known_now ();
    KithOutcomeFilter filter = { NULL, NULL, 0, now };
    g_autoptr(KithOutcomeResult) result = NULL;
    GDate from, to;

    date_from (&from, "2026-02-01");
    date_from (&to, "2026-02-28");
    result = kith_outcomes_compute (store, &filter, &from, &to, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (kith_outcome_result_lookup (result, "experience-main-person")->numerator, ==, 2);
    g_assert_cmpuint (kith_outcome_result_lookup (result, "experience-main-person")->denominator, ==, 2);
  }

  g_clear_object (&store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/outcomes/known-answers", test_known_answers);
  g_test_add_func ("/outcomes/small-numbers", test_small_numbers);
  g_test_add_func ("/outcomes/definitions", test_definitions);
  g_test_add_func ("/outcomes/experience-questionnaire", test_experience_questionnaire);
  g_test_add_func ("/outcomes/baseline-and-report", test_baseline_and_report);
  g_test_add_func ("/outcomes/store-changes", test_store_changes);
  g_test_add_func ("/outcomes/demo-slow-way", test_demo_slow_way);
  g_test_add_func ("/outcomes/months-add-up", test_months_add_up);
  g_test_add_func ("/outcomes/csv", test_csv);
  g_test_add_func ("/outcomes/invalid", test_invalid);
  g_test_add_func ("/outcomes/compute-async", test_compute_async);
  g_test_add_func ("/outcomes/experience-record", test_experience_record);

  demo_fill (&demo);
  status = g_test_run ();

  g_clear_object (&demo.store);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", demo.dir);

    if (system (cmd) != 0)
      g_warning ("Could not remove %s", demo.dir);
  }
  g_free (demo.dir);
  /* Let go of the font caches, so a leak checker sees only real leaks. */
  pango_cairo_font_map_set_default (NULL);
  return status;
}
