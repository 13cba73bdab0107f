/* test-consent.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Information governance as pure functions: record sections, the person's
 * record-sharing Consent to FHIR and back, the access decision table,
 * redacted stubs, the volunteer view of a plan and the plain words of
 * "who has looked at my record?".
 */

#include "config.h"

#include <string.h>

#include "kith-core.h"

#define NORTH "North locality team"
#define SOUTH "South locality team"
#define COORDINATOR "Tunde Afolabi (Care co-ordinator)"

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *resource = kith_fhir_parse_resource (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (resource);
  return resource;
}

static KithRecordSection
classify (const char *json)
{
  g_autoptr(JsonObject) resource = parse (json);

  return kith_consent_classify (resource);
}

static void
test_classify (void)
{
  g_assert_cmpint (classify ("{\"resourceType\":\"Patient\",\"id\":\"p\"}"), ==,
                   KITH_RECORD_SECTION_DEMOGRAPHICS);
  g_assert_cmpint (classify ("{\"resourceType\":\"CarePlan\",\"id\":\"c\","
                             "\"subject\":{\"reference\":\"Patient/p\"}}"), ==,
                   KITH_RECORD_SECTION_GENERAL);
  /* Instruments by their domain (data/instruments): emotional is mental health. */
  g_assert_cmpint (classify ("{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"q\","
                             "\"questionnaire\":\"https://kith.example/fhir/Questionnaire/phq-9\"}"),
                   ==, KITH_RECORD_SECTION_MENTAL_HEALTH);
  g_assert_cmpint (classify ("{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"q\","
                             "\"questionnaire\":\"https://kith.example/fhir/Questionnaire/distress|1\"}"),
                   ==, KITH_RECORD_SECTION_MENTAL_HEALTH);
  g_assert_cmpint (classify ("{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"q\","
                             "\"questionnaire\":\"https://kith.example/fhir/Questionnaire/health\"}"),
                   ==, KITH_RECORD_SECTION_GENERAL);
  g_assert_cmpint (classify ("{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"q\","
                             "\"questionnaire\":\"https://kith.example/fhir/Questionnaire/care-act-carer-outcomes\"}"),
                   ==, KITH_RECORD_SECTION_CARER_ASSESSMENT);
  /* Scores by Kith's code, or only the LOINC one. */
  g_assert_cmpint (classify ("{\"resourceType\":\"Observation\",\"id\":\"o\",\"code\":{\"coding\":["
                             "{\"system\":\"https://kith.example/fhir/CodeSystem/score\",\"code\":\"gad-7/total\"}]}}"),
                   ==, KITH_RECORD_SECTION_MENTAL_HEALTH);
  g_assert_cmpint (classify ("{\"resourceType\":\"Observation\",\"id\":\"o\",\"code\":{\"coding\":["
                             "{\"system\":\"http://loinc.org\",\"code\":\"44261-6\"}]}}"),
                   ==, KITH_RECORD_SECTION_MENTAL_HEALTH);
  g_assert_cmpint (classify ("{\"resourceType\":\"Observation\",\"id\":\"o\",\"code\":{\"coding\":["
                             "{\"system\":\"https://kith.example/fhir/CodeSystem/score\",\"code\":\"pain/total\"}]}}"),
                   ==, KITH_RECORD_SECTION_GENERAL);
  /* The envelope's own words about emotional life. */
  g_assert_cmpint (classify ("{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"e\","
                             "\"questionnaire\":\"https://kith.example/fhir/Questionnaire/holistic-assessment\","
                             "\"item\":[{\"linkId\":\"note-health\",\"answer\":[{\"valueString\":\"Knees\"}]}]}"),
                   ==, KITH_RECORD_SECTION_GENERAL);
  g_assert_cmpint (classify ("{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"e\","
                             "\"questionnaire\":\"https://kith.example/fhir/Questionnaire/holistic-assessment\","
                             "\"item\":[{\"linkId\":\"note-emotional\",\"answer\":[{\"valueString\":\"Low\"}]}]}"),
                   ==, KITH_RECORD_SECTION_MENTAL_HEALTH);
  /* Safeguarding by code, anywhere it is coded. */
  g_assert_cmpint (classify ("{\"resourceType\":\"Flag\",\"id\":\"f\",\"category\":[{\"coding\":["
                             "{\"system\":\"https://kith.example/fhir/CodeSystem/flag-category\","
                             "\"code\":\"safeguarding\"}]}]}"),
                   ==, KITH_RECORD_SECTION_SAFEGUARDING);
  /* A safety alert must reach whoever visits. */
  g_assert_cmpint (classify ("{\"resourceType\":\"Flag\",\"id\":\"f\",\"category\":[{\"coding\":["
                             "{\"system\":\"http://terminology.hl7.org/CodeSystem/flag-category\","
                             "\"code\":\"safety\"}]}]}"),
                   ==, KITH_RECORD_SECTION_GENERAL);
  /* The carer's own records. */
  g_assert_cmpint (classify ("{\"resourceType\":\"Observation\",\"id\":\"o\",\"extension\":[{\"url\":"
                             "\"https://kith.example/fhir/StructureDefinition/cared-for\","
                             "\"valueReference\":{\"reference\":\"Patient/p\"}}]}"),
                   ==, KITH_RECORD_SECTION_CARER_ASSESSMENT);
  /* Needs from emotional answers, and mental health diagnoses. */
  g_assert_cmpint (classify ("{\"resourceType\":\"Condition\",\"id\":\"n\",\"extension\":[{\"url\":"
                             "\"https://kith.example/fhir/StructureDefinition/need-domain\","
                             "\"valueString\":\"emotional\"}]}"),
                   ==, KITH_RECORD_SECTION_MENTAL_HEALTH);
  g_assert_cmpint (classify ("{\"resourceType\":\"Condition\",\"id\":\"c\",\"code\":{\"coding\":["
                             "{\"system\":\"http://snomed.info/sct\",\"code\":\"35489007\"}]}}"),
                   ==, KITH_RECORD_SECTION_MENTAL_HEALTH);
  g_assert_cmpint (classify ("{\"resourceType\":\"Condition\",\"id\":\"c\",\"code\":{\"coding\":["
                             "{\"system\":\"http://snomed.info/sct\",\"code\":\"38341003\"}]}}"),
                   ==, KITH_RECORD_SECTION_GENERAL);
  /* A label on the resource wins. */
  g_assert_cmpint (classify ("{\"resourceType\":\"Communication\",\"id\":\"d\",\"meta\":{\"security\":["
                             "{\"system\":\"https://kith.example/fhir/CodeSystem/record-section\","
                             "\"code\":\"safeguarding\"}]}}"),
                   ==, KITH_RECORD_SECTION_SAFEGUARDING);
  g_assert_cmpint (classify ("{\"resourceType\":\"Communication\",\"id\":\"d\",\"extension\":[{\"url\":"
                             "\"https://kith.example/fhir/StructureDefinition/record-section\","
                             "\"valueCode\":\"mental-health\"}]}"),
                   ==, KITH_RECORD_SECTION_MENTAL_HEALTH);

  for (guint s = 0; s < KITH_N_RECORD_SECTIONS; s++)
    {
      g_assert_cmpint (kith_record_section_from_code (kith_record_section_to_code (s)), ==, s);
      g_assert_nonnull (kith_record_section_describe (s));
    }
  g_assert_cmpint (kith_record_section_from_code ("everything"), ==, KITH_N_RECORD_SECTIONS);
}

static KithAccessDecision
decide (const KithConsent  *consent,
        const char         *role,
        const char         *team,
        const char         *name,
        const char         *person_team,
        KithRecordSection   section)
{
  return kith_consent_decide (consent, role, team, name, person_team, COORDINATOR, section);
}

static void
test_default_policy (void)
{
  const KithRecordSection sensitive[] = {
    KITH_RECORD_SECTION_MENTAL_HEALTH, KITH_RECORD_SECTION_SAFEGUARDING,
    KITH_RECORD_SECTION_CARER_ASSESSMENT,
  };
  const char * const care_roles[] = { "gp", "nurse", "social-worker", "co-ordinator" };

  /* Demographics for everyone signed in. */
  g_assert_cmpint (decide (NULL, "admin", "Office", "Ann Admin", NORTH, KITH_RECORD_SECTION_DEMOGRAPHICS),
                   ==, KITH_ACCESS_PERMIT);
  g_assert_cmpint (decide (NULL, "volunteer", SOUTH, "Val", NORTH, KITH_RECORD_SECTION_DEMOGRAPHICS),
                   ==, KITH_ACCESS_PERMIT);

  for (guint r = 0; r < G_N_ELEMENTS (care_roles); r++)
    {
      /* The care team sees the general record (team names folded). */
      g_assert_cmpint (decide (NULL, care_roles[r], "north LOCALITY team ", "Sam", NORTH,
                               KITH_RECORD_SECTION_GENERAL), ==, KITH_ACCESS_PERMIT);
      /* Outsiders do not. */
      g_assert_cmpint (decide (NULL, care_roles[r], SOUTH, "Sam", NORTH, KITH_RECORD_SECTION_GENERAL),
                       ==, KITH_ACCESS_DENY_NOT_CARE_TEAM);
      for (guint s = 0; s < G_N_ELEMENTS (sensitive); s++)
        {
          KithAccessDecision expected = g_str_equal (care_roles[r], "gp") ? KITH_ACCESS_PERMIT
                                                                          : KITH_ACCESS_DENY_RESTRICTED;

          g_assert_cmpint (decide (NULL, care_roles[r], NORTH, "Sam", NORTH, sensitive[s]), ==, expected);
          g_assert_cmpint (decide (NULL, care_roles[r], SOUTH, "Sam", NORTH, sensitive[s]), ==,
                           KITH_ACCESS_DENY_NOT_CARE_TEAM);
          /* The named co-ordinator, from any team, whatever their role. */
          g_assert_cmpint (decide (NULL, care_roles[r], SOUTH, "tunde afolabi", NORTH, sensitive[s]),
                           ==, KITH_ACCESS_PERMIT);
        }
    }
  /* Another Tunde Afolabi is not the named co-ordinator. */
  g_assert_cmpint (decide (NULL, "nurse", SOUTH, "Tunde Afolabi 2", NORTH, KITH_RECORD_SECTION_GENERAL),
                   ==, KITH_ACCESS_DENY_NOT_CARE_TEAM);

  /* Volunteers and admins in the team: restricted; outside: not theirs. */
  g_assert_cmpint (decide (NULL, "volunteer", NORTH, "Val", NORTH, KITH_RECORD_SECTION_GENERAL), ==,
                   KITH_ACCESS_DENY_RESTRICTED);
  g_assert_cmpint (decide (NULL, "volunteer", SOUTH, "Val", NORTH, KITH_RECORD_SECTION_GENERAL), ==,
                   KITH_ACCESS_DENY_NOT_CARE_TEAM);
  g_assert_cmpint (decide (NULL, "admin", NORTH, "Ann Admin", NORTH, KITH_RECORD_SECTION_GENERAL), ==,
                   KITH_ACCESS_DENY_NOT_CARE_TEAM);

  /* A new referral, no team yet: co-ordinators and GPs for triage. */
  g_assert_cmpint (kith_consent_decide (NULL, "co-ordinator", SOUTH, "Cat", NULL, NULL,
                                        KITH_RECORD_SECTION_GENERAL), ==, KITH_ACCESS_PERMIT);
  g_assert_cmpint (kith_consent_decide (NULL, "gp", SOUTH, "Dr Who", NULL, NULL,
                                        KITH_RECORD_SECTION_MENTAL_HEALTH), ==, KITH_ACCESS_PERMIT);
  g_assert_cmpint (kith_consent_decide (NULL, "nurse", SOUTH, "Nia", NULL, NULL,
                                        KITH_RECORD_SECTION_GENERAL), ==, KITH_ACCESS_DENY_NOT_CARE_TEAM);

  g_assert_nonnull (strstr (kith_access_decision_describe (KITH_ACCESS_DENY_WITHHELD_BY_PERSON),
                            "Withheld at the person's request"));
  g_assert_nonnull (strstr (kith_access_decision_describe (KITH_ACCESS_DENY_NOT_CARE_TEAM),
                            "Not in this person's care team"));
}

static void
test_consent_rules (void)
{
  g_autoptr(KithConsent) consent = kith_consent_new ("p");
  g_autoptr(KithConsent) opt_out = kith_consent_new ("p");

  /* The person lets South's social workers see the general record, lets
   * North's nurses see mental health, and keeps safeguarding from North's
   * nurses and mental health from the GP. */
  kith_consent_add_rule (consent, TRUE, SOUTH, "social-worker",
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_GENERAL));
  kith_consent_add_rule (consent, TRUE, NORTH, "nurse",
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_MENTAL_HEALTH));
  kith_consent_add_rule (consent, FALSE, NULL, "gp",
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_MENTAL_HEALTH));
  kith_consent_add_rule (consent, FALSE, NORTH, NULL,
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_SAFEGUARDING));

  /* A consented role sees the sections allowed and no others. */
  g_assert_cmpint (decide (consent, "social-worker", SOUTH, "Sol", NORTH, KITH_RECORD_SECTION_GENERAL),
                   ==, KITH_ACCESS_PERMIT);
  g_assert_cmpint (decide (consent, "social-worker", SOUTH, "Sol", NORTH, KITH_RECORD_SECTION_MENTAL_HEALTH),
                   ==, KITH_ACCESS_DENY_RESTRICTED);
  g_assert_cmpint (decide (consent, "social-worker", "Central locality team", "Cy", NORTH,
                           KITH_RECORD_SECTION_GENERAL), ==, KITH_ACCESS_DENY_NOT_CARE_TEAM);
  g_assert_cmpint (decide (consent, "nurse", SOUTH, "Nia", NORTH, KITH_RECORD_SECTION_GENERAL),
                   ==, KITH_ACCESS_DENY_NOT_CARE_TEAM);
  g_assert_cmpint (decide (consent, "nurse", NORTH, "Nia", NORTH, KITH_RECORD_SECTION_MENTAL_HEALTH),
                   ==, KITH_ACCESS_PERMIT);
  g_assert_cmpint (decide (consent, "nurse", NORTH, "Nia", NORTH, KITH_RECORD_SECTION_CARER_ASSESSMENT),
                   ==, KITH_ACCESS_DENY_RESTRICTED);
  /* Withheld from someone who would otherwise see it. */
  g_assert_cmpint (decide (consent, "gp", NORTH, "Dr Rao", NORTH, KITH_RECORD_SECTION_MENTAL_HEALTH),
                   ==, KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  g_assert_cmpint (decide (consent, "gp", NORTH, "Dr Rao", NORTH, KITH_RECORD_SECTION_GENERAL),
                   ==, KITH_ACCESS_PERMIT);
  g_assert_cmpint (decide (consent, "gp", NORTH, "Dr Rao", NORTH, KITH_RECORD_SECTION_SAFEGUARDING),
                   ==, KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  /* Even the named co-ordinator, when the person says so. */
  g_assert_cmpint (decide (consent, "co-ordinator", NORTH, "Tunde Afolabi", NORTH,
                           KITH_RECORD_SECTION_SAFEGUARDING), ==, KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  /* A deny for an outsider says only that they are outside. */
  g_assert_cmpint (decide (consent, "gp", SOUTH, "Dr Lee", NORTH, KITH_RECORD_SECTION_MENTAL_HEALTH),
                   ==, KITH_ACCESS_DENY_NOT_CARE_TEAM);
  /* Demographics cannot be withheld; admins never get more. */
  g_assert_cmpint (decide (consent, "nurse", NORTH, "Nia", NORTH, KITH_RECORD_SECTION_DEMOGRAPHICS),
                   ==, KITH_ACCESS_PERMIT);

  /* Sharing nothing by default, but with their GP. */
  opt_out->share_by_default = FALSE;
  kith_consent_add_rule (opt_out, TRUE, NULL, "gp", 0);
  g_assert_cmpint (decide (opt_out, "nurse", NORTH, "Nia", NORTH, KITH_RECORD_SECTION_GENERAL),
                   ==, KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  g_assert_cmpint (decide (opt_out, "gp", NORTH, "Dr Rao", NORTH, KITH_RECORD_SECTION_GENERAL),
                   ==, KITH_ACCESS_PERMIT);
  g_assert_cmpint (decide (opt_out, "gp", SOUTH, "Dr Lee", NORTH, KITH_RECORD_SECTION_MENTAL_HEALTH),
                   ==, KITH_ACCESS_PERMIT);
  g_assert_cmpint (decide (opt_out, "admin", NORTH, "Ann", NORTH, KITH_RECORD_SECTION_GENERAL),
                   ==, KITH_ACCESS_DENY_NOT_CARE_TEAM);
}

static void
assert_same_rules (const KithConsent *a,
                   const KithConsent *b)
{
  g_assert_cmpuint (a->rules->len, ==, b->rules->len);
  for (guint i = 0; i < a->rules->len; i++)
    {
      const KithConsentRule *x = g_ptr_array_index (a->rules, i);
      const KithConsentRule *y = g_ptr_array_index (b->rules, i);

      g_assert_cmpint (x->permit, ==, y->permit);
      g_assert_cmpstr (x->team, ==, y->team);
      g_assert_cmpstr (x->role, ==, y->role);
      g_assert_cmpuint (x->sections, ==, y->sections);
    }
}

static void
test_round_trip (void)
{
  g_autoptr(KithConsent) consent = kith_consent_new ("person-1");
  g_autoptr(KithConsent) back = NULL;
  g_autoptr(KithConsent) again = NULL;
  g_autoptr(JsonObject) fhir = NULL;
  g_autoptr(JsonObject) fhir_again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  JsonObject *provision;

  consent->date_time = g_strdup ("2026-03-02T10:00:00Z");
  consent->recorded_by = g_strdup ("Tunde Afolabi");
  consent->own_words = g_strdup ("My daughter's team can know everything, but not my GP about my nerves.");
  kith_consent_add_rule (consent, TRUE, SOUTH, NULL, 0);
  kith_consent_add_rule (consent, FALSE, NULL, "gp",
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_MENTAL_HEALTH) |
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_SAFEGUARDING));
  kith_consent_add_rule (consent, TRUE, NORTH, "nurse",
                         KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_CARER_ASSESSMENT));

  fhir = kith_consent_to_fhir (consent);
  g_assert_true (kith_consent_is_record_sharing (fhir));
  g_assert_cmpstr (kith_fhir_get_string (fhir, "status"), ==, "active");
  g_assert_cmpstr (kith_fhir_resource_patient (fhir), ==, "person-1");
  g_assert_true (kith_fhir_is_valid_id (kith_fhir_get_string (fhir, "id")));
  provision = kith_fhir_get_object (fhir, "provision");
  g_assert_cmpstr (kith_fhir_get_string (provision, "type"), ==, "permit");
  g_assert_cmpuint (json_array_get_length (kith_fhir_get_array (provision, "provision")), ==, 3);

  /* Through text and back, as it would travel. */
  text = kith_fhir_to_string (fhir, FALSE);
  g_assert_nonnull (strstr (text, "59284-0"));
  g_assert_nonnull (strstr (text, "patient-privacy"));
  {
    g_autoptr(JsonObject) parsed = parse (text);

    back = kith_consent_from_fhir (parsed, &error);
  }
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->patient_id, ==, "person-1");
  g_assert_cmpstr (back->id, ==, kith_fhir_get_string (fhir, "id"));
  g_assert_cmpstr (back->date_time, ==, consent->date_time);
  g_assert_cmpstr (back->recorded_by, ==, consent->recorded_by);
  g_assert_cmpstr (back->own_words, ==, consent->own_words);
  g_assert_true (back->share_by_default);
  assert_same_rules (consent, back);

  /* And the same FHIR again from what was read. */
  fhir_again = kith_consent_to_fhir (back);
  text_again = kith_fhir_to_string (fhir_again, FALSE);
  g_assert_cmpstr (text, ==, text_again);

  back->share_by_default = FALSE;
  g_clear_pointer (&fhir_again, json_object_unref);
  fhir_again = kith_consent_to_fhir (back);
  again = kith_consent_from_fhir (fhir_again, &error);
  g_assert_no_error (error);
  g_assert_false (again->share_by_default);
}

static void
test_parse_refuses (void)
{
  static const char * const bad[] = {
    /* not record sharing (a carer's consent to their own assessment) */
    "{\"resourceType\":\"Consent\",\"id\":\"c\",\"patient\":{\"reference\":\"Patient/p\"},"
    "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]}]}",
    /* no patient */
    "{\"resourceType\":\"Consent\",\"id\":\"c\",\"category\":[{\"coding\":[{\"system\":"
    "\"https://kith.example/fhir/CodeSystem/consent-category\",\"code\":\"record-sharing\"}]}]}",
    /* a rule about someone Kith cannot recognise */
    "{\"resourceType\":\"Consent\",\"id\":\"c\",\"patient\":{\"reference\":\"Patient/p\"},"
    "\"category\":[{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/consent-category\","
    "\"code\":\"record-sharing\"}]}],\"provision\":{\"type\":\"permit\",\"provision\":[{\"type\":\"deny\","
    "\"actor\":[{\"reference\":{\"reference\":\"Practitioner/x\"}}]}]}}",
    /* an unknown section */
    "{\"resourceType\":\"Consent\",\"id\":\"c\",\"patient\":{\"reference\":\"Patient/p\"},"
    "\"category\":[{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/consent-category\","
    "\"code\":\"record-sharing\"}]}],\"provision\":{\"type\":\"permit\",\"provision\":[{\"type\":\"deny\","
    "\"securityLabel\":[{\"system\":\"https://kith.example/fhir/CodeSystem/record-section\",\"code\":\"diary\"}]}]}}",
    /* a rule with neither permit nor deny */
    "{\"resourceType\":\"Consent\",\"id\":\"c\",\"patient\":{\"reference\":\"Patient/p\"},"
    "\"category\":[{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/consent-category\","
    "\"code\":\"record-sharing\"}]}],\"provision\":{\"type\":\"permit\",\"provision\":[{}]}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) resource = parse (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(KithConsent) consent = kith_consent_from_fhir (resource, &error);

      g_assert_null (consent);
      g_assert_error (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID);
    }
}

static void
test_stub (void)
{
  g_autoptr(JsonObject) resource = parse ("{\"resourceType\":\"Observation\",\"id\":\"o1\","
                                          "\"meta\":{\"versionId\":\"3\",\"lastUpdated\":\"2026-01-01T00:00:00.000Z\"},"
                                          "\"status\":\"final\",\"subject\":{\"reference\":\"Patient/p\","
                                          "\"display\":\"Ada Lovelace\"},\"valueString\":\"Very low mood\"}");
  g_autoptr(JsonObject) stub = kith_consent_make_stub (resource, KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  g_autofree char *text = kith_fhir_to_string (stub, FALSE);
  JsonNode *why;

  g_assert_cmpstr (kith_fhir_get_string (stub, "resourceType"), ==, "Observation");
  g_assert_cmpstr (kith_fhir_get_string (stub, "id"), ==, "o1");
  g_assert_cmpstr (kith_fhir_get_version_id (stub), ==, "3");
  g_assert_cmpstr (kith_fhir_get_last_updated (stub), ==, "2026-01-01T00:00:00.000Z");
  g_assert_cmpstr (kith_fhir_resource_patient (stub), ==, "p");
  g_assert_true (kith_consent_is_redacted (stub));
  g_assert_false (kith_consent_is_redacted (resource));
  why = kith_fhir_get_extension (stub, KITH_WITHHELD_URL, "valueCode");
  g_assert_nonnull (why);
  g_assert_cmpstr (json_node_get_string (why), ==, "withheld-at-request");
  g_assert_null (strstr (text, "Very low mood"));
  g_assert_null (strstr (text, "Ada Lovelace"));
  g_assert_null (strstr (text, "final"));
}

static void
test_volunteer_view (void)
{
  g_autoptr(JsonObject) plan = parse (
    "{\"resourceType\":\"CarePlan\",\"id\":\"plan\",\"meta\":{\"versionId\":\"2\"},\"status\":\"active\","
    "\"intent\":\"plan\",\"subject\":{\"reference\":\"Patient/p\"},\"description\":\"Secret summary\","
    "\"contained\":["
    " {\"resourceType\":\"Goal\",\"id\":\"goal-1\",\"description\":{\"text\":\"Get to the allotment\"}},"
    " {\"resourceType\":\"Goal\",\"id\":\"goal-2\",\"description\":{\"text\":\"Talk about the past\"}},"
    " {\"resourceType\":\"Task\",\"id\":\"action-1\",\"description\":\"Walk to the shop on Tuesdays\","
    "  \"focus\":{\"reference\":\"#goal-2\"}},"
    " {\"resourceType\":\"Task\",\"id\":\"action-2\",\"description\":\"Review antidepressants\"},"
    " {\"resourceType\":\"CareTeam\",\"id\":\"team\"}],"
    "\"goal\":[{\"reference\":\"#goal-1\",\"extension\":[{\"url\":"
    "  \"https://kith.example/fhir/StructureDefinition/shared-with-volunteers\",\"valueBoolean\":true}]},"
    "  {\"reference\":\"#goal-2\"}],"
    "\"activity\":[{\"extension\":[{\"url\":"
    "  \"https://kith.example/fhir/StructureDefinition/shared-with-volunteers\",\"valueBoolean\":true}],"
    "  \"reference\":{\"reference\":\"#action-1\"}},"
    " {\"reference\":{\"reference\":\"#action-2\"}}]}");
  g_autoptr(JsonObject) view = kith_consent_volunteer_view (plan);
  g_autofree char *text = kith_fhir_to_string (view, FALSE);

  g_assert_true (kith_consent_is_redacted (view));
  g_assert_cmpstr (kith_fhir_get_version_id (view), ==, "2");
  g_assert_cmpstr (kith_fhir_resource_patient (view), ==, "p");
  g_assert_nonnull (strstr (text, "Get to the allotment"));
  g_assert_nonnull (strstr (text, "Walk to the shop on Tuesdays"));
  g_assert_null (strstr (text, "Talk about the past"));
  g_assert_null (strstr (text, "goal-2"));
  g_assert_null (strstr (text, "antidepressants"));
  g_assert_null (strstr (text, "Secret summary"));
  g_assert_null (strstr (text, "CareTeam"));
  g_assert_cmpuint (json_array_get_length (kith_fhir_get_array (view, "activity")), ==, 1);
  g_assert_cmpuint (json_array_get_length (kith_fhir_get_array (view, "goal")), ==, 1);
}

static void
test_describe_access (void)
{
  g_autofree char *read = kith_consent_describe_access ("Tunde Afolabi", "co-ordinator", "read",
                                                        FALSE, NULL);
  g_autofree char *refused = kith_consent_describe_access ("Sam Smith", "nurse", "read", TRUE, NULL);
  g_autofree char *glass = kith_consent_describe_access ("Dr Lee", "gp", "break-glass", FALSE,
                                                         "Called to the house at night");
  g_autofree char *printed = kith_consent_describe_access ("Nia", "nurse", "print", FALSE, NULL);

  g_assert_cmpstr (read, ==, "Tunde Afolabi (care co-ordinator) looked at the record");
  g_assert_cmpstr (refused, ==, "Sam Smith (nurse) asked to see the record and was refused");
  g_assert_nonnull (strstr (glass, "emergency access"));
  g_assert_nonnull (strstr (glass, "Called to the house at night"));
  g_assert_cmpstr (printed, ==, "Nia (nurse) printed the record");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/consent/classify", test_classify);
  g_test_add_func ("/consent/default-policy", test_default_policy);
  g_test_add_func ("/consent/rules", test_consent_rules);
  g_test_add_func ("/consent/round-trip", test_round_trip);
  g_test_add_func ("/consent/parse-refuses", test_parse_refuses);
  g_test_add_func ("/consent/stub", test_stub);
  g_test_add_func ("/consent/volunteer-view", test_volunteer_view);
  g_test_add_func ("/consent/describe-access", test_describe_access);

  return g_test_run ();
}
