/* kith-consent.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Information governance as pure functions (GOVERNANCE.md gives the FHIR
 * shapes and the rules): which section of a person's record a resource
 * belongs to, the person's record-sharing Consent as a small struct and
 * back, the access decision, and the redacted copies that take the place
 * of what a user may not see. No store and no network: the server
 * enforces these rules, and the app shows and edits the same choices.
 */

#define G_LOG_DOMAIN "kith-consent"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-consent.h"
#include "kith-fhir.h"
#include "kith-instrument-library.h"
#include "kith-tasks.h"

#define CONSENT_SCOPE_SYSTEM   "http://terminology.hl7.org/CodeSystem/consentscope"
#define LOINC_SYSTEM           "http://loinc.org"
#define PARTICIPATION_SYSTEM   "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
#define CONSENT_ACTION_SYSTEM  "http://terminology.hl7.org/CodeSystem/consentaction"
#define SNOMED_SYSTEM          "http://snomed.info/sct"
#define KITH_SCORE_SYSTEM      KITH_FHIR_BASE "/CodeSystem/score"
#define KITH_INDICATION_SYSTEM KITH_FHIR_BASE "/CodeSystem/indication"

static const struct { const char *code; const char *words; } section_names[KITH_N_RECORD_SECTIONS] = {
  { "demographics",     N_("demographics") },
  { "general",          N_("the general record") },
  { "mental-health",    N_("mental health") },
  { "safeguarding",     N_("safeguarding") },
  { "carer-assessment", N_("the carer's own assessment") },
};

/* Published scores of emotional-domain instruments, for Observations that
 * carry only the LOINC code: PHQ-9, GAD-7, PHQ-2, GAD-2. */
static const char * const mental_health_loinc[] = {
  "44261-6", "70274-6", "55758-7", "69725-0", NULL
};

/* Mental health diagnoses (SNOMED CT): depressive disorder, anxiety
 * disorder, bipolar disorder, schizophrenia, psychotic disorder,
 * post-traumatic stress disorder, eating disorder. */
static const char * const mental_health_snomed[] = {
  "35489007", "197480006", "13746004", "58214004", "69322001", "47505003", "72366004", NULL
};

/* The roles that do clinical or care work (not volunteers, not admins). */
static const char * const care_roles[] = {
  "gp", "nurse", "social-worker", "co-ordinator", NULL
};

G_DEFINE_QUARK (kith-consent-error-quark, kith_consent_error)

static void
consent_rule_free (KithConsentRule *rule)
{
  g_free (rule->team);
  g_free (rule->role);
  g_free (rule);
}

KithConsent *
kith_consent_new (const char *patient_id)
{
  KithConsent *consent = g_new0 (KithConsent, 1);

  consent->patient_id = g_strdup (patient_id);
  consent->share_by_default = TRUE;
  consent->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) consent_rule_free);
  return consent;
}

void
kith_consent_free (KithConsent *consent)
{
  if (consent == NULL)
    return;
  g_free (consent->id);
  g_free (consent->patient_id);
  g_free (consent->date_time);
  g_free (consent->recorded_by);
  g_free (consent->own_words);
  g_ptr_array_unref (consent->rules);
  g_free (consent);
}

void
kith_consent_add_rule (KithConsent *consent,
                       gboolean     permit,
                       const char  *team,
                       const char  *role,
                       guint        sections)
{
  KithConsentRule *rule;

  g_return_if_fail (consent != NULL);

  rule = g_new0 (KithConsentRule, 1);
  rule->permit = permit;
  rule->team = g_strdup (team);
  rule->role = g_strdup (role);
  rule->sections = sections;
  g_ptr_array_add (consent->rules, rule);
}

/* --- sections -------------------------------------------------------------- */

const char *
kith_record_section_to_code (KithRecordSection section)
{
  g_return_val_if_fail (section < KITH_N_RECORD_SECTIONS, NULL);
  return section_names[section].code;
}

KithRecordSection
kith_record_section_from_code (const char *code)
{
  for (guint i = 0; i < KITH_N_RECORD_SECTIONS; i++)
    if (g_strcmp0 (section_names[i].code, code) == 0)
      return (KithRecordSection) i;
  return KITH_N_RECORD_SECTIONS;
}

const char *
kith_record_section_describe (KithRecordSection section)
{
  g_return_val_if_fail (section < KITH_N_RECORD_SECTIONS, NULL);
  return _(section_names[section].words);
}

static JsonObject *
node_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Calls @func on each Coding of @node: a CodeableConcept, a Coding, or an
 * array of either. Stops at the first TRUE. */
typedef gboolean (*CodingFunc) (JsonObject *coding, gpointer user_data);

static gboolean
any_coding (JsonNode   *node,
            CodingFunc  func,
            gpointer    user_data)
{
  JsonObject *object;
  JsonArray *codings;

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (any_coding (json_array_get_element (array, i), func, user_data))
          return TRUE;
      return FALSE;
    }
  if ((object = node_object (node)) == NULL)
    return FALSE;
  if ((codings = kith_fhir_get_array (object, "coding")) == NULL)
    return json_object_has_member (object, "code") && func (object, user_data);
  for (guint i = 0; i < json_array_get_length (codings); i++)
    {
      JsonObject *coding = node_object (json_array_get_element (codings, i));

      if (coding != NULL && func (coding, user_data))
        return TRUE;
    }
  return FALSE;
}

static gboolean
coding_is_safeguarding (JsonObject *coding,
                        gpointer    user_data)
{
  return g_strcmp0 (kith_fhir_get_string (coding, "code"), "safeguarding") == 0;
}

typedef struct
{
  const char *system;
  const char *code;
  const char * const *codes;
  const char *found;
} CodingMatch;

static gboolean
coding_matches (JsonObject *coding,
                gpointer    user_data)
{
  CodingMatch *match = user_data;
  const char *code = kith_fhir_get_string (coding, "code");

  if (code == NULL || g_strcmp0 (kith_fhir_get_string (coding, "system"), match->system) != 0)
    return FALSE;
  if ((match->code != NULL && g_str_equal (code, match->code)) ||
      (match->codes != NULL && g_strv_contains (match->codes, code)) ||
      (match->code == NULL && match->codes == NULL))
    {
      match->found = code;
      return TRUE;
    }
  return FALSE;
}

/* The code of @node's first Coding in @system, or NULL. */
static const char *
find_code (JsonNode   *node,
           const char *system)
{
  CodingMatch match = { system, NULL, NULL, NULL };

  return any_coding (node, coding_matches, &match) ? match.found : NULL;
}

static gboolean
has_code_in (JsonNode           *node,
             const char         *system,
             const char * const *codes)
{
  CodingMatch match = { system, NULL, codes, NULL };

  return any_coding (node, coding_matches, &match);
}

/* The section an instrument's answers and scores belong to. */
static KithRecordSection
instrument_section (KithInstrument *instrument)
{
  if (instrument == NULL)
    return KITH_RECORD_SECTION_GENERAL;
  if (g_strcmp0 (kith_instrument_get_subject (instrument), "carer") == 0)
    return KITH_RECORD_SECTION_CARER_ASSESSMENT;
  if (g_strcmp0 (kith_instrument_get_domain (instrument), "emotional") == 0)
    return KITH_RECORD_SECTION_MENTAL_HEALTH;
  return KITH_RECORD_SECTION_GENERAL;
}

/* "phq-9/total" → the instrument "phq-9". */
static KithInstrument *
instrument_of_key (const char *key)
{
  g_autofree char *id = NULL;

  if (key == NULL || strchr (key, '/') == NULL)
    return NULL;
  id = g_strndup (key, strchr (key, '/') - key);
  return kith_instrument_library_lookup (kith_instrument_library_get_default (), id);
}

/* The holistic assessment's envelope holds the person's own words per
 * domain; their words about their emotional life are mental health. */
static gboolean
has_emotional_note (JsonObject *response)
{
  JsonArray *items = kith_fhir_get_array (response, "item");

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = node_object (json_array_get_element (items, i));
      JsonArray *answers = kith_fhir_get_array (item, "answer");

      if (g_strcmp0 (kith_fhir_get_string (item, "linkId"), "note-emotional") != 0)
        continue;
      for (guint j = 0; answers != NULL && j < json_array_get_length (answers); j++)
        {
          const char *text = kith_fhir_get_string (node_object (json_array_get_element (answers, j)),
                                                   "valueString");

          if (text != NULL && *text != '\0')
            return TRUE;
        }
    }
  return FALSE;
}

KithRecordSection
kith_consent_classify (JsonObject *resource)
{
  const char *type;
  const char *label;
  JsonObject *meta;
  JsonNode *section_node;
  JsonNode *domain;

  g_return_val_if_fail (resource != NULL, KITH_RECORD_SECTION_GENERAL);

  type = kith_fhir_get_string (resource, "resourceType");
  if (g_strcmp0 (type, "Patient") == 0)
    return KITH_RECORD_SECTION_DEMOGRAPHICS;

  /* A section label on the resource itself wins: Kith's extension, or a
   * security label from elsewhere (a server may not keep meta). */
  section_node = kith_fhir_get_extension (resource, KITH_RECORD_SECTION_URL, "valueCode");
  if (section_node != NULL && JSON_NODE_HOLDS_VALUE (section_node) &&
      kith_record_section_from_code (json_node_get_string (section_node)) < KITH_N_RECORD_SECTIONS)
    return kith_record_section_from_code (json_node_get_string (section_node));
  meta = kith_fhir_get_object (resource, "meta");
  label = meta != NULL ? find_code (json_object_get_member (meta, "security"),
                                    KITH_RECORD_SECTION_SYSTEM) : NULL;
  if (label != NULL && kith_record_section_from_code (label) < KITH_N_RECORD_SECTIONS)
    return kith_record_section_from_code (label);

  /* The carer's own assessment is filed with the person cared for. */
  if (kith_fhir_get_extension (resource, KITH_FHIR_SD "cared-for", "valueReference") != NULL)
    return KITH_RECORD_SECTION_CARER_ASSESSMENT;

  if (any_coding (json_object_get_member (resource, "category"), coding_is_safeguarding, NULL) ||
      any_coding (json_object_get_member (resource, "code"), coding_is_safeguarding, NULL) ||
      any_coding (json_object_get_member (resource, "type"), coding_is_safeguarding, NULL))
    return KITH_RECORD_SECTION_SAFEGUARDING;

  if (g_strcmp0 (type, "QuestionnaireResponse") == 0)
    {
      const char *questionnaire = kith_fhir_get_string (resource, "questionnaire");

      if (g_strcmp0 (questionnaire, KITH_HOLISTIC_ASSESSMENT_URL) == 0)
        return has_emotional_note (resource) ? KITH_RECORD_SECTION_MENTAL_HEALTH
                                             : KITH_RECORD_SECTION_GENERAL;
      return instrument_section (kith_instrument_library_lookup_url (kith_instrument_library_get_default (),
                                                                     questionnaire));
    }

  if (g_strcmp0 (type, "Observation") == 0)
    {
      JsonNode *code = json_object_get_member (resource, "code");
      const char *key = find_code (code, KITH_SCORE_SYSTEM);

      if (key == NULL)
        key = find_code (code, KITH_INDICATION_SYSTEM);
      if (key != NULL)
        return instrument_section (instrument_of_key (key));
      if (has_code_in (code, LOINC_SYSTEM, mental_health_loinc))
        return KITH_RECORD_SECTION_MENTAL_HEALTH;
      return KITH_RECORD_SECTION_GENERAL;
    }

  /* Needs proposed from emotional-domain answers. */
  domain = kith_fhir_get_extension (resource, KITH_FHIR_SD "need-domain", "valueString");
  if (domain != NULL && JSON_NODE_HOLDS_VALUE (domain) &&
      g_strcmp0 (json_node_get_string (domain), "emotional") == 0)
    return KITH_RECORD_SECTION_MENTAL_HEALTH;

  if (g_strcmp0 (type, "Condition") == 0 &&
      has_code_in (json_object_get_member (resource, "code"), SNOMED_SYSTEM, mental_health_snomed))
    return KITH_RECORD_SECTION_MENTAL_HEALTH;

  return KITH_RECORD_SECTION_GENERAL;
}

/* --- the decision ---------------------------------------------------------- */

static gboolean
same_team (const char *a,
           const char *b)
{
  g_autofree char *folded_a = NULL;
  g_autofree char *folded_b = NULL;
  g_autofree char *trimmed_a = NULL;
  g_autofree char *trimmed_b = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  trimmed_a = g_strstrip (g_strdup (a));
  trimmed_b = g_strstrip (g_strdup (b));
  if (*trimmed_a == '\0' || *trimmed_b == '\0')
    return FALSE;
  folded_a = g_utf8_casefold (trimmed_a, -1);
  folded_b = g_utf8_casefold (trimmed_b, -1);
  return g_str_equal (folded_a, folded_b);
}

gboolean
kith_consent_is_named_coordinator (const char *user_display_name,
                                   const char *coordinator)
{
  g_autofree char *user_key = kith_task_owner_key (user_display_name);
  g_autofree char *coordinator_key = kith_task_owner_key (coordinator);

  return user_key != NULL && coordinator_key != NULL && g_str_equal (user_key, coordinator_key);
}

/* Whether @rule is about this user and @section (any section when
 * @section is KITH_N_RECORD_SECTIONS). */
static gboolean
rule_matches (const KithConsentRule *rule,
              const char            *user_role,
              const char            *user_team,
              KithRecordSection      section)
{
  if (section < KITH_N_RECORD_SECTIONS && rule->sections != 0 &&
      (rule->sections & KITH_RECORD_SECTION_BIT (section)) == 0)
    return FALSE;
  if (rule->team != NULL && !same_team (rule->team, user_team))
    return FALSE;
  if (rule->role != NULL && g_strcmp0 (rule->role, user_role) != 0)
    return FALSE;
  return TRUE;
}

KithAccessDecision
kith_consent_decide (const KithConsent  *consent,
                     const char         *user_role,
                     const char         *user_team,
                     const char         *user_display_name,
                     const char         *person_team,
                     const char         *coordinator,
                     KithRecordSection   section)
{
  gboolean named_coordinator;
  gboolean in_care_team;
  gboolean sensitive;
  gboolean permitted = FALSE;
  gboolean denied = FALSE;
  gboolean consented = FALSE;
  KithAccessDecision usual;

  g_return_val_if_fail (section < KITH_N_RECORD_SECTIONS, KITH_ACCESS_DENY_NOT_CARE_TEAM);

  /* Anyone signed in may find a person. */
  if (section == KITH_RECORD_SECTION_DEMOGRAPHICS)
    return KITH_ACCESS_PERMIT;
  /* An administrator runs the service, not anyone's care. */
  if (user_role == NULL || g_str_equal (user_role, "admin"))
    return KITH_ACCESS_DENY_NOT_CARE_TEAM;

  named_coordinator = kith_consent_is_named_coordinator (user_display_name, coordinator);
  in_care_team = named_coordinator || same_team (user_team, person_team);
  /* A new referral has no team yet: triage needs the co-ordinators and GPs. */
  if (person_team == NULL || *person_team == '\0')
    in_care_team = in_care_team || g_str_equal (user_role, "co-ordinator") ||
                   g_str_equal (user_role, "gp");
  sensitive = section != KITH_RECORD_SECTION_GENERAL;

  /* What Kith's default policy gives. */
  if (!in_care_team)
    usual = KITH_ACCESS_DENY_NOT_CARE_TEAM;
  else if (!g_strv_contains (care_roles, user_role))
    usual = KITH_ACCESS_DENY_RESTRICTED;
  else if (!sensitive || named_coordinator || g_str_equal (user_role, "gp"))
    usual = KITH_ACCESS_PERMIT;
  else
    usual = KITH_ACCESS_DENY_RESTRICTED;

  if (consent == NULL)
    return usual;

  /* The person's own rules: exceptions to their base choice. A deny wins
   * over a permit, so what they withheld stays withheld. */
  for (guint i = 0; i < consent->rules->len; i++)
    {
      const KithConsentRule *rule = g_ptr_array_index (consent->rules, i);

      if (rule->permit && rule_matches (rule, user_role, user_team, KITH_N_RECORD_SECTIONS))
        consented = TRUE;
      if (!rule_matches (rule, user_role, user_team, section))
        continue;
      if (rule->permit)
        permitted = TRUE;
      else
        denied = TRUE;
    }
  /* Someone the person let in for part of the record knows them: the
   * rest is restricted to them, not a stranger's. */
  if (usual == KITH_ACCESS_DENY_NOT_CARE_TEAM && consented && g_strv_contains (care_roles, user_role))
    usual = KITH_ACCESS_DENY_RESTRICTED;
  if (denied)
    return usual == KITH_ACCESS_DENY_NOT_CARE_TEAM ? usual : KITH_ACCESS_DENY_WITHHELD_BY_PERSON;
  if (permitted)
    return KITH_ACCESS_PERMIT;
  if (!consent->share_by_default && usual != KITH_ACCESS_DENY_NOT_CARE_TEAM)
    return KITH_ACCESS_DENY_WITHHELD_BY_PERSON;
  return usual;
}

const char *
kith_access_decision_describe (KithAccessDecision decision)
{
  switch (decision)
    {
    case KITH_ACCESS_PERMIT:
      return _("Allowed");
    case KITH_ACCESS_DENY_NOT_CARE_TEAM:
      return _("Not in this person's care team");
    case KITH_ACCESS_DENY_RESTRICTED:
      return _("Restricted: this part of the record is only for the person's GP and named "
               "co-ordinator unless the person agrees");
    case KITH_ACCESS_DENY_WITHHELD_BY_PERSON:
      return _("Withheld at the person's request");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kith_access_decision_to_code (KithAccessDecision decision)
{
  switch (decision)
    {
    case KITH_ACCESS_DENY_RESTRICTED:
      return "restricted";
    case KITH_ACCESS_DENY_WITHHELD_BY_PERSON:
      return "withheld-at-request";
    case KITH_ACCESS_PERMIT:
    case KITH_ACCESS_DENY_NOT_CARE_TEAM:
    default:
      return NULL;
    }
}

/* --- the Consent in FHIR --------------------------------------------------- */

static JsonObject *
new_coding (const char *system,
            const char *code,
            const char *display)
{
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", system);
  json_object_set_string_member (coding, "code", code);
  if (display != NULL)
    json_object_set_string_member (coding, "display", display);
  return coding;
}

static JsonObject *
new_concept (const char *system,
             const char *code,
             const char *display)
{
  JsonObject *concept = json_object_new ();
  JsonArray *codings = json_array_new ();

  json_array_add_object_element (codings, new_coding (system, code, display));
  json_object_set_array_member (concept, "coding", codings);
  return concept;
}

gboolean
kith_consent_is_record_sharing (JsonObject *resource)
{
  CodingMatch match = { KITH_CONSENT_CATEGORY_SYSTEM, KITH_CONSENT_RECORD_SHARING, NULL, NULL };

  return resource != NULL &&
         g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "Consent") == 0 &&
         any_coding (json_object_get_member (resource, "category"), coding_matches, &match);
}

/* One actor: a team (Organization) or a role (PractitionerRole), named
 * by identifier, as an information recipient. */
static JsonObject *
new_actor (const char *reference_type,
           const char *system,
           const char *value)
{
  JsonObject *actor = json_object_new ();
  JsonObject *reference = json_object_new ();
  JsonObject *identifier = json_object_new ();

  json_object_set_object_member (actor, "role",
                                 new_concept (PARTICIPATION_SYSTEM, "IRCP", "information recipient"));
  json_object_set_string_member (reference, "type", reference_type);
  json_object_set_string_member (identifier, "system", system);
  json_object_set_string_member (identifier, "value", value);
  json_object_set_object_member (reference, "identifier", identifier);
  json_object_set_string_member (reference, "display", value);
  json_object_set_object_member (actor, "reference", reference);
  return actor;
}

JsonObject *
kith_consent_to_fhir (const KithConsent *consent)
{
  JsonObject *resource;
  JsonObject *provision;
  JsonArray *categories;
  JsonArray *nested;
  g_autofree char *id = NULL;
  g_autofree char *now = NULL;

  g_return_val_if_fail (consent != NULL, NULL);
  g_return_val_if_fail (consent->patient_id != NULL, NULL);

  id = consent->id != NULL ? g_strdup (consent->id) : kith_fhir_new_id ();
  resource = json_object_new ();
  json_object_set_string_member (resource, "resourceType", "Consent");
  json_object_set_string_member (resource, "id", id);
  json_object_set_string_member (resource, "status", "active");
  json_object_set_object_member (resource, "scope",
                                 new_concept (CONSENT_SCOPE_SYSTEM, "patient-privacy",
                                              "Privacy Consent"));
  categories = json_array_new ();
  json_array_add_object_element (categories, new_concept (LOINC_SYSTEM, "59284-0", "Patient Consent"));
  json_array_add_object_element (categories,
                                 new_concept (KITH_CONSENT_CATEGORY_SYSTEM,
                                              KITH_CONSENT_RECORD_SHARING,
                                              "Who may see which parts of the record"));
  json_object_set_array_member (resource, "category", categories);
  json_object_set_object_member (resource, "patient",
                                 kith_fhir_new_reference ("Patient", consent->patient_id, NULL));
  if (consent->date_time == NULL)
    now = kith_fhir_now_instant ();
  json_object_set_string_member (resource, "dateTime",
                                 consent->date_time != NULL ? consent->date_time : now);
  {
    /* The person gives their consent; the professional only records it. */
    JsonArray *performers = json_array_new ();

    json_array_add_object_element (performers,
                                   kith_fhir_new_reference ("Patient", consent->patient_id, NULL));
    json_object_set_array_member (resource, "performer", performers);
  }
  {
    JsonObject *rule = json_object_new ();

    json_object_set_string_member (rule, "text",
                                   "Kith record sharing: the person's care team sees their record, "
                                   "sensitive sections only their GP and named co-ordinator, "
                                   "with the exceptions below");
    json_object_set_object_member (resource, "policyRule", rule);
  }
  if (consent->own_words != NULL && *consent->own_words != '\0')
    {
      JsonNode *words = json_node_new (JSON_NODE_VALUE);

      json_node_set_string (words, consent->own_words);
      kith_fhir_set_extension (resource, KITH_CONSENT_OWN_WORDS_URL, "valueString", words);
    }
  if (consent->recorded_by != NULL && *consent->recorded_by != '\0')
    {
      JsonNode *who = json_node_new (JSON_NODE_VALUE);

      json_node_set_string (who, consent->recorded_by);
      kith_fhir_set_extension (resource, KITH_FHIR_SD "recorded-by", "valueString", who);
    }

  provision = json_object_new ();
  json_object_set_string_member (provision, "type", consent->share_by_default ? "permit" : "deny");
  nested = json_array_new ();
  for (guint i = 0; i < consent->rules->len; i++)
    {
      const KithConsentRule *rule = g_ptr_array_index (consent->rules, i);
      JsonObject *exception = json_object_new ();
      JsonArray *actions = json_array_new ();

      json_object_set_string_member (exception, "type", rule->permit ? "permit" : "deny");
      if (rule->team != NULL || rule->role != NULL)
        {
          /* Two actors: that role in that team (both must match). */
          JsonArray *actors = json_array_new ();

          if (rule->team != NULL)
            json_array_add_object_element (actors, new_actor ("Organization", KITH_TEAM_SYSTEM,
                                                              rule->team));
          if (rule->role != NULL)
            json_array_add_object_element (actors, new_actor ("PractitionerRole",
                                                              KITH_USER_ROLE_SYSTEM, rule->role));
          json_object_set_array_member (exception, "actor", actors);
        }
      json_array_add_object_element (actions, new_concept (CONSENT_ACTION_SYSTEM, "access", "Access"));
      json_object_set_array_member (exception, "action", actions);
      if (rule->sections != 0)
        {
          JsonArray *labels = json_array_new ();

          for (guint s = 0; s < KITH_N_RECORD_SECTIONS; s++)
            if (rule->sections & KITH_RECORD_SECTION_BIT (s))
              json_array_add_object_element (labels,
                                             new_coding (KITH_RECORD_SECTION_SYSTEM,
                                                         section_names[s].code,
                                                         section_names[s].words));
          json_object_set_array_member (exception, "securityLabel", labels);
        }
      json_array_add_object_element (nested, exception);
    }
  if (json_array_get_length (nested) > 0)
    json_object_set_array_member (provision, "provision", nested);
  else
    json_array_unref (nested);
  json_object_set_object_member (resource, "provision", provision);

  return resource;
}

static gboolean
read_provision_type (JsonObject  *provision,
                     gboolean    *permit,
                     const char  *where,
                     GError     **error)
{
  const char *type = kith_fhir_get_string (provision, "type");

  if (g_strcmp0 (type, "permit") == 0 || g_strcmp0 (type, "deny") == 0)
    {
      *permit = g_str_equal (type, "permit");
      return TRUE;
    }
  g_set_error (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID,
               _("%s must say permit or deny"), where);
  return FALSE;
}

static gboolean
read_rule (JsonObject       *provision,
           guint             index,
           KithConsentRule  *rule,
           GError          **error)
{
  g_autofree char *where = g_strdup_printf (_("Consent rule %u"), index + 1);
  JsonArray *actors = kith_fhir_get_array (provision, "actor");
  JsonArray *labels = kith_fhir_get_array (provision, "securityLabel");

  if (!read_provision_type (provision, &rule->permit, where, error))
    return FALSE;
  if (json_object_has_member (provision, "provision"))
    {
      g_set_error (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID,
                   _("%s has rules inside it, which Kith does not read"), where);
      return FALSE;
    }
  for (guint i = 0; actors != NULL && i < json_array_get_length (actors); i++)
    {
      JsonObject *reference = kith_fhir_get_object (node_object (json_array_get_element (actors, i)),
                                                    "reference");
      JsonObject *identifier = kith_fhir_get_object (reference, "identifier");
      const char *system = kith_fhir_get_string (identifier, "system");
      const char *value = kith_fhir_get_string (identifier, "value");
      char **slot;

      if (g_strcmp0 (system, KITH_TEAM_SYSTEM) == 0)
        slot = &rule->team;
      else if (g_strcmp0 (system, KITH_USER_ROLE_SYSTEM) == 0)
        slot = &rule->role;
      else
        slot = NULL;
      /* A rule about someone Kith cannot recognise can be neither kept
       * nor ignored safely. */
      if (slot == NULL || value == NULL || *value == '\0' || *slot != NULL)
        {
          g_set_error (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID,
                       _("%s names someone other than one team and one role"), where);
          return FALSE;
        }
      *slot = g_strdup (value);
    }
  for (guint i = 0; labels != NULL && i < json_array_get_length (labels); i++)
    {
      JsonObject *coding = node_object (json_array_get_element (labels, i));
      KithRecordSection section = kith_record_section_from_code (kith_fhir_get_string (coding, "code"));

      if (g_strcmp0 (kith_fhir_get_string (coding, "system"), KITH_RECORD_SECTION_SYSTEM) != 0 ||
          section >= KITH_N_RECORD_SECTIONS)
        {
          g_set_error (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID,
                       _("%s names a part of the record Kith does not know"), where);
          return FALSE;
        }
      rule->sections |= KITH_RECORD_SECTION_BIT (section);
    }
  return TRUE;
}

KithConsent *
kith_consent_from_fhir (JsonObject  *resource,
                        GError     **error)
{
  g_autoptr(KithConsent) consent = NULL;
  JsonObject *provision;
  JsonArray *nested;
  JsonNode *words;
  JsonNode *who;
  const char *patient_id;

  g_return_val_if_fail (resource != NULL, NULL);

  if (!kith_consent_is_record_sharing (resource))
    {
      g_set_error_literal (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID,
                           _("This is not a Consent about who may see the record"));
      return NULL;
    }
  patient_id = kith_fhir_reference_id (kith_fhir_get_string (kith_fhir_get_object (resource, "patient"),
                                                             "reference"), "Patient");
  if (patient_id == NULL)
    {
      g_set_error_literal (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID,
                           _("The Consent does not say whose it is (Consent.patient)"));
      return NULL;
    }

  consent = kith_consent_new (patient_id);
  consent->id = g_strdup (kith_fhir_get_string (resource, "id"));
  consent->date_time = g_strdup (kith_fhir_get_string (resource, "dateTime"));
  words = kith_fhir_get_extension (resource, KITH_CONSENT_OWN_WORDS_URL, "valueString");
  if (words != NULL && JSON_NODE_HOLDS_VALUE (words))
    consent->own_words = g_strdup (json_node_get_string (words));
  who = kith_fhir_get_extension (resource, KITH_FHIR_SD "recorded-by", "valueString");
  if (who != NULL && JSON_NODE_HOLDS_VALUE (who))
    consent->recorded_by = g_strdup (json_node_get_string (who));

  provision = kith_fhir_get_object (resource, "provision");
  if (provision == NULL)
    return g_steal_pointer (&consent);
  if (!read_provision_type (provision, &consent->share_by_default, _("The Consent's provision"),
                            error))
    return NULL;
  if (json_object_has_member (provision, "actor") ||
      json_object_has_member (provision, "securityLabel"))
    {
      g_set_error_literal (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID,
                           _("The Consent's base provision must apply to everyone; put who and "
                             "what in the rules inside it"));
      return NULL;
    }
  nested = kith_fhir_get_array (provision, "provision");
  for (guint i = 0; nested != NULL && i < json_array_get_length (nested); i++)
    {
      KithConsentRule *rule = g_new0 (KithConsentRule, 1);

      g_ptr_array_add (consent->rules, rule);
      if (!read_rule (node_object (json_array_get_element (nested, i)) ?: json_object_new (), i,
                      rule, error))
        return NULL;
    }
  return g_steal_pointer (&consent);
}

/* --- redacted copies ------------------------------------------------------- */

static void
set_redacted_meta (JsonObject *copy,
                   JsonObject *resource)
{
  JsonObject *meta = json_object_new ();
  JsonArray *security = json_array_new ();
  const char *version_id = kith_fhir_get_version_id (resource);
  const char *last_updated = kith_fhir_get_last_updated (resource);

  if (version_id != NULL)
    json_object_set_string_member (meta, "versionId", version_id);
  if (last_updated != NULL)
    json_object_set_string_member (meta, "lastUpdated", last_updated);
  json_array_add_object_element (security, new_coding (KITH_REDACTED_SYSTEM, KITH_REDACTED_CODE,
                                                       "redacted"));
  json_object_set_array_member (meta, "security", security);
  json_object_set_object_member (copy, "meta", meta);
}

static void
set_withheld (JsonObject *copy,
              const char *code)
{
  JsonNode *value = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (value, code);
  kith_fhir_set_extension (copy, KITH_WITHHELD_URL, "valueCode", value);
}

JsonObject *
kith_consent_make_stub (JsonObject         *resource,
                        KithAccessDecision  why)
{
  static const char * const person_members[] = { "subject", "patient", "for", "beneficiary" };
  g_autofree char *escaped = NULL;
  g_autofree char *div = NULL;
  const char *code = kith_access_decision_to_code (why);
  JsonObject *stub;
  JsonObject *narrative;
  JsonNode *cared_for;

  g_return_val_if_fail (resource != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  stub = json_object_new ();
  json_object_set_string_member (stub, "resourceType", kith_fhir_get_string (resource, "resourceType"));
  json_object_set_string_member (stub, "id", kith_fhir_get_string (resource, "id"));
  set_redacted_meta (stub, resource);

  /* A person reference only: its display could say too much. */
  for (guint i = 0; i < G_N_ELEMENTS (person_members); i++)
    {
      const char *reference = kith_fhir_get_string (kith_fhir_get_object (resource, person_members[i]),
                                                    "reference");

      if (kith_fhir_reference_id (reference, "Patient") != NULL)
        {
          JsonObject *copy = json_object_new ();

          json_object_set_string_member (copy, "reference", reference);
          json_object_set_object_member (stub, person_members[i], copy);
          break;
        }
    }
  cared_for = kith_fhir_get_extension (resource, KITH_FHIR_SD "cared-for", "valueReference");
  if (cared_for != NULL)
    kith_fhir_set_extension (stub, KITH_FHIR_SD "cared-for", "valueReference",
                             kith_json_deep_copy (cared_for));
  set_withheld (stub, code);

  escaped = g_markup_escape_text (kith_access_decision_describe (why), -1);
  div = g_strdup_printf ("<div xmlns=\"http://www.w3.org/1999/xhtml\">%s</div>", escaped);
  narrative = json_object_new ();
  json_object_set_string_member (narrative, "status", "generated");
  json_object_set_string_member (narrative, "div", div);
  json_object_set_object_member (stub, "text", narrative);

  return stub;
}

static gboolean
coding_is_redacted (JsonObject *coding,
                    gpointer    user_data)
{
  return g_strcmp0 (kith_fhir_get_string (coding, "system"), KITH_REDACTED_SYSTEM) == 0 &&
         g_strcmp0 (kith_fhir_get_string (coding, "code"), KITH_REDACTED_CODE) == 0;
}

gboolean
kith_consent_is_redacted (JsonObject *resource)
{
  JsonObject *meta = kith_fhir_get_object (resource, "meta");

  return meta != NULL && any_coding (json_object_get_member (meta, "security"),
                                     coding_is_redacted, NULL);
}

static gboolean
is_shared_with_volunteers (JsonObject *element)
{
  JsonNode *value = kith_fhir_get_extension (element, KITH_SHARED_WITH_VOLUNTEERS_URL,
                                             "valueBoolean");

  return value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
         json_node_get_value_type (value) == G_TYPE_BOOLEAN && json_node_get_boolean (value);
}

static JsonObject *
find_contained (JsonObject *plan,
                const char *local_reference)
{
  JsonArray *contained = kith_fhir_get_array (plan, "contained");

  if (local_reference == NULL || local_reference[0] != '#')
    return NULL;
  for (guint i = 0; contained != NULL && i < json_array_get_length (contained); i++)
    {
      JsonObject *resource = node_object (json_array_get_element (contained, i));

      if (g_strcmp0 (kith_fhir_get_string (resource, "id"), local_reference + 1) == 0)
        return resource;
    }
  return NULL;
}

/* Copies the members of @list (activity or goal) that are shared with
 * volunteers into @view, with the contained resources they point to. */
static void
copy_shared (JsonObject *plan,
             JsonObject *view,
             const char *list,
             JsonArray  *contained,
             GHashTable *kept_ids)
{
  JsonArray *members = kith_fhir_get_array (plan, list);
  JsonArray *shared = json_array_new ();

  for (guint i = 0; members != NULL && i < json_array_get_length (members); i++)
    {
      JsonObject *member = node_object (json_array_get_element (members, i));
      JsonObject *reference;
      JsonObject *target;

      if (member == NULL)
        continue;
      /* activity.reference.reference; goal.reference */
      reference = kith_fhir_get_object (member, "reference") ?: member;
      target = find_contained (plan, kith_fhir_get_string (reference, "reference"));
      if (!is_shared_with_volunteers (member) && !is_shared_with_volunteers (target))
        continue;
      json_array_add_element (shared, kith_json_deep_copy (json_array_get_element (members, i)));
      if (target != NULL && !g_hash_table_contains (kept_ids, kith_fhir_get_string (target, "id")))
        {
          g_hash_table_add (kept_ids, g_strdup (kith_fhir_get_string (target, "id")));
          json_array_add_object_element (contained, kith_fhir_copy_resource (target));
        }
    }
  if (json_array_get_length (shared) > 0)
    json_object_set_array_member (view, list, shared);
  else
    json_array_unref (shared);
}

JsonObject *
kith_consent_volunteer_view (JsonObject *care_plan)
{
  static const char * const kept[] = { "resourceType", "id", "status", "intent", "subject",
                                       "period", "title" };
  g_autoptr(GHashTable) kept_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *contained = json_array_new ();
  JsonObject *view;

  g_return_val_if_fail (care_plan != NULL, NULL);

  view = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      JsonNode *member = json_object_get_member (care_plan, kept[i]);

      if (member != NULL)
        json_object_set_member (view, kept[i], kith_json_deep_copy (member));
    }
  set_redacted_meta (view, care_plan);
  copy_shared (care_plan, view, "goal", contained, kept_ids);
  copy_shared (care_plan, view, "activity", contained, kept_ids);

  /* An action's goal that is not shared is not named either. */
  for (guint i = 0; i < json_array_get_length (contained); i++)
    {
      JsonObject *resource = json_array_get_object_element (contained, i);
      const char *focus = kith_fhir_get_string (kith_fhir_get_object (resource, "focus"), "reference");

      if (focus != NULL && (focus[0] != '#' || !g_hash_table_contains (kept_ids, focus + 1)))
        json_object_remove_member (resource, "focus");
    }
  if (json_array_get_length (contained) > 0)
    json_object_set_array_member (view, "contained", contained);
  else
    json_array_unref (contained);
  set_withheld (view, "volunteer-view");

  return view;
}

/* --- the person's own view of the audit trail ------------------------------ */

static const char *
describe_role (const char *role)
{
  static const struct { const char *code; const char *words; } roles[] = {
    { "gp", N_("GP") },
    { "nurse", N_("nurse") },
    { "social-worker", N_("social worker") },
    { "co-ordinator", N_("care co-ordinator") },
    { "volunteer", N_("volunteer") },
    { "admin", N_("administrator") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (roles[i].code, role) == 0)
      return _(roles[i].words);
  return role;
}

char *
kith_consent_describe_access (const char *who,
                              const char *role,
                              const char *subtype,
                              gboolean    refused,
                              const char *reason)
{
  g_autofree char *person = NULL;
  const char *did;

  if (who == NULL || *who == '\0')
    who = _("Someone not signed in");
  if (role != NULL && *role != '\0')
    person = g_strdup_printf (_("%s (%s)"), who, describe_role (role));
  else
    person = g_strdup (who);

  if (refused)
    /* Translators: someone asked for the record and was not let in. */
    return g_strdup_printf (_("%s asked to see the record and was refused"), person);
  if (g_strcmp0 (subtype, "break-glass") == 0)
    return g_strdup_printf (_("%s used emergency access to the record, giving the reason: “%s”"),
                            person, reason != NULL ? reason : "");

  if (g_strcmp0 (subtype, "read") == 0 || g_strcmp0 (subtype, "vread") == 0)
    did = _("looked at the record");
  else if (g_strcmp0 (subtype, "search-type") == 0)
    did = _("looked at the record in a search");
  else if (subtype != NULL && g_str_has_prefix (subtype, "history"))
    did = _("looked at earlier versions of the record");
  else if (g_strcmp0 (subtype, "update") == 0 || g_strcmp0 (subtype, "transaction") == 0)
    did = _("added to or changed the record");
  else if (g_strcmp0 (subtype, "delete") == 0)
    did = _("removed part of the record");
  else if (g_strcmp0 (subtype, "export") == 0)
    did = _("exported the record");
  else if (g_strcmp0 (subtype, "print") == 0)
    did = _("printed the record");
  else
    did = _("used the record");

  /* Translators: "Tunde Afolabi (care co-ordinator) looked at the record". */
  return g_strdup_printf (_("%s %s"), person, did);
}
