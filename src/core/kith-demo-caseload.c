/* kith-demo-caseload.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A synthetic caseload for demos, tests and benchmarks. Nothing here is
 * real: names are drawn from lists of common names at random, NHS numbers
 * are in the 999 range that is never issued, phone numbers are in Ofcom's
 * drama ranges, and postcodes use the ZZ99 pseudo-postcode area.
 */

#define G_LOG_DOMAIN "kith-demo"

#include "config.h"

#include <string.h>

#include "kith-demo-caseload.h"
#include "kith-fhir.h"
#include "kith-nhs-number.h"
#include "kith-store.h"

/* Ages and dates are computed from this fixed day, not from today, so a
 * seed makes the same caseload whenever it is run. */
#define REFERENCE_YEAR  2026
#define REFERENCE_MONTH 1
#define REFERENCE_DAY   1
#define REFERENCE_INSTANT "2026-01-01T09:00:00.000Z"

#define CARE_TEAM_ROLE_SYSTEM KITH_FHIR_BASE "/CodeSystem/care-team-role"
#define PLAN_STATE_URL        KITH_FHIR_BASE "/StructureDefinition/plan-state"
#define REVIEW_DATE_URL       KITH_FHIR_BASE "/StructureDefinition/review-date"
#define PHQ_ANSWER_SYSTEM     KITH_FHIR_BASE "/CodeSystem/phq-frequency"

typedef struct
{
  guint64 state;
} Rng;

/* splitmix64: tiny, fast, and the same on every machine. */
static guint64
rng_next (Rng *rng)
{
  guint64 z = (rng->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static guint
rng_below (Rng   *rng,
           guint  n)
{
  return (guint) (rng_next (rng) % n);
}

static gboolean
rng_chance (Rng *rng,
            guint percent)
{
  return rng_below (rng, 100) < percent;
}

#define PICK(rng, list) ((list)[rng_below ((rng), G_N_ELEMENTS (list))])

static const char * const female_names[] = {
  "Margaret", "Patricia", "Barbara", "Joan", "Dorothy", "Jean", "Shirley", "Sheila",
  "Brenda", "Maureen", "Christine", "Linda", "Susan", "Elizabeth", "Mary", "Anne",
  "Janet", "Pauline", "Irene", "Doreen", "Valerie", "Kathleen", "Eileen", "Sandra",
  "Carol", "Gillian", "Hazel", "Rita", "Sylvia", "Beryl", "Amina", "Priya",
  "Grace", "Fatima", "Nia", "Siobhan", "Agnieszka", "Rose", "Ellen", "Catherine",
};

static const char * const male_names[] = {
  "John", "David", "Michael", "Peter", "Robert", "Brian", "Alan", "Anthony",
  "William", "James", "Kenneth", "Keith", "Ronald", "Derek", "Roy", "Colin",
  "Geoffrey", "Trevor", "Raymond", "Dennis", "Stephen", "Graham", "Malcolm", "Terence",
  "George", "Harold", "Barry", "Gordon", "Leslie", "Norman", "Mohammed", "Rajesh",
  "Kwame", "Tomasz", "Owen", "Dylan", "Seamus", "Arthur", "Frank", "Patrick",
};

static const char * const family_names[] = {
  "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
  "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
  "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "Harris",
  "Martin", "Cooper", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Baker",
  "Ward", "Morris", "King", "Watson", "Harrison", "Morgan", "Baxter", "Griffiths",
  "O'Brien", "Kowalski", "Begum", "Okafor", "Nowak", "Singh", "Ahmed", "MacDonald",
  "Fletcher", "Lloyd", "Pritchard", "Ellis", "Shaw", "Dawson", "Chapman", "Bennett",
  "Price", "Holmes", "Mills", "Owen", "Barker", "Foster", "Gibson", "Marshall",
};

static const char * const preferred_forms[][2] = {
  { "Margaret", "Peggy" }, { "Elizabeth", "Betty" }, { "Patricia", "Pat" },
  { "Kathleen", "Kath" }, { "Dorothy", "Dot" }, { "Catherine", "Kate" },
  { "William", "Bill" }, { "Robert", "Bob" }, { "Anthony", "Tony" },
  { "Kenneth", "Ken" }, { "James", "Jim" }, { "Michael", "Mick" },
  { "Terence", "Terry" }, { "Raymond", "Ray" }, { "Geoffrey", "Geoff" },
  { "Leslie", "Les" }, { "Susan", "Sue" }, { "Christine", "Chris" },
};

static const char * const streets[] = {
  "Mill Lane", "Church Street", "Station Road", "Victoria Road", "Park Avenue",
  "Orchard Close", "The Crescent", "Elm Grove", "Quarry Hill", "Bridge Street",
  "Meadow View", "School Lane", "Chapel Row", "Hawthorn Drive", "Riverside Walk",
};

static const char * const towns[] = {
  "Ashcombe", "Brindleford", "Carrow Vale", "Dunmere", "Eastholme", "Fairbridge",
};

static const char * const practices[] = {
  "Riverside Health Centre", "Ashcombe Surgery", "Brindleford Medical Practice",
  "The Vale Partnership", "Eastholme Family Doctors",
};

static const char * const coordinator_names[][2] = {
  { "Okonjo", "Adaeze" }, { "Hughes", "Bethan" }, { "Brennan", "Ciaran" },
  { "Sato", "Mei" }, { "Lindqvist", "Erik" }, { "Afolabi", "Tunde" },
  { "Pearce", "Joanna" }, { "Mistry", "Anjali" }, { "Doyle", "Fergus" },
  { "Rahman", "Nadia" }, { "Kerr", "Alison" }, { "Novak", "Pavel" },
};

static const char * const coordinator_roles[] = {
  "Community matron", "Care co-ordinator", "Social worker", "District nurse",
};

/* Long-term conditions with their SNOMED CT codes. */
static const struct { const char *code; const char *display; } conditions[] = {
  { "44054006",  "Type 2 diabetes mellitus" },
  { "38341003",  "Hypertension" },
  { "13645005",  "Chronic obstructive pulmonary disease" },
  { "84114007",  "Heart failure" },
  { "52448006",  "Dementia" },
  { "35489007",  "Depressive disorder" },
  { "396275006", "Osteoarthritis" },
  { "49436004",  "Atrial fibrillation" },
  { "709044004", "Chronic kidney disease" },
  { "195967001", "Asthma" },
  { "230690007", "Stroke" },
  { "64859006",  "Osteoporosis" },
  { "69896004",  "Rheumatoid arthritis" },
  { "49049000",  "Parkinson's disease" },
};

static const struct { const char *code; const char *display; } relationships[] = {
  { "SPS",   "spouse" },
  { "DAUC",  "daughter" },
  { "SONC",  "son" },
  { "FRND",  "friend" },
  { "NBOR",  "neighbour" },
};

typedef struct
{
  KithDemoResourceFunc  func;
  gpointer              user_data;
  Rng                   rng;
  guint                 n_coordinators;
  guint64               nhs_prefix;
} Generator;

static char *
make_uuid (Rng *rng)
{
  guint64 hi = rng_next (rng), lo = rng_next (rng);

  /* Version 4 and variant bits, so the ids look like any other UUID. */
  hi = (hi & G_GUINT64_CONSTANT (0xffffffffffff0fff)) | G_GUINT64_CONSTANT (0x4000);
  lo = (lo & G_GUINT64_CONSTANT (0x3fffffffffffffff)) | G_GUINT64_CONSTANT (0x8000000000000000);
  return g_strdup_printf ("%08x-%04x-%04x-%04x-%012" G_GINT64_MODIFIER "x",
                          (guint) (hi >> 32), (guint) ((hi >> 16) & 0xffff), (guint) (hi & 0xffff),
                          (guint) (lo >> 48), (gint64) (lo & G_GUINT64_CONSTANT (0xffffffffffff)));
}

static char *
next_nhs_number (Generator *gen)
{
  for (;;)
    {
      g_autofree char *nine = g_strdup_printf ("%09" G_GUINT64_FORMAT, gen->nhs_prefix++);
      int check = kith_nhs_number_check_digit (nine);

      if (gen->nhs_prefix > G_GUINT64_CONSTANT (999999999))
        gen->nhs_prefix = G_GUINT64_CONSTANT (999000000);
      if (check >= 0)
        return g_strdup_printf ("%s%d", nine, check);
    }
}

static char *
date_from_reference (int days)
{
  g_autoptr(GDateTime) ref = g_date_time_new_utc (REFERENCE_YEAR, REFERENCE_MONTH, REFERENCE_DAY, 0, 0, 0);
  g_autoptr(GDateTime) when = g_date_time_add_days (ref, days);

  return g_date_time_format (when, "%Y-%m-%d");
}

static JsonObject *
new_resource (const char *type,
              const char *id)
{
  JsonObject *resource = json_object_new ();

  json_object_set_string_member (resource, "resourceType", type);
  json_object_set_string_member (resource, "id", id);
  kith_fhir_set_meta (resource, "1", REFERENCE_INSTANT);
  return resource;
}

static JsonObject *
reference (const char *type,
           const char *id,
           const char *display)
{
  JsonObject *ref = json_object_new ();
  g_autofree char *text = g_strdup_printf ("%s/%s", type, id);

  json_object_set_string_member (ref, "reference", text);
  if (display)
    json_object_set_string_member (ref, "display", display);
  return ref;
}

static JsonObject *
coding_concept (const char *system,
                const char *code,
                const char *display)
{
  JsonObject *concept = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", system);
  json_object_set_string_member (coding, "code", code);
  if (display)
    json_object_set_string_member (coding, "display", display);
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (concept, "coding", codings);
  if (display)
    json_object_set_string_member (concept, "text", display);
  return concept;
}

static JsonObject *
human_name (const char *use,
            const char *family,
            const char *given)
{
  JsonObject *name = json_object_new ();
  JsonArray *givens = json_array_new ();

  json_object_set_string_member (name, "use", use);
  if (family)
    json_object_set_string_member (name, "family", family);
  json_array_add_string_element (givens, given);
  json_object_set_array_member (name, "given", givens);
  return name;
}

static JsonArray *
phone_telecom (const char *number)
{
  JsonArray *telecom = json_array_new ();
  JsonObject *phone = json_object_new ();

  json_object_set_string_member (phone, "system", "phone");
  json_object_set_string_member (phone, "value", number);
  json_array_add_object_element (telecom, phone);
  return telecom;
}

static JsonObject *
extension_string (const char *url,
                  const char *value_member,
                  const char *value)
{
  JsonObject *extension = json_object_new ();

  json_object_set_string_member (extension, "url", url);
  json_object_set_string_member (extension, value_member, value);
  return extension;
}

static void
emit (Generator  *gen,
      JsonObject *resource)
{
  gen->func (resource, gen->user_data);
  json_object_unref (resource);
}

static void
emit_coordinators (Generator *gen)
{
  for (guint c = 0; c < gen->n_coordinators; c++)
    {
      g_autofree char *id = g_strdup_printf ("demo-practitioner-%u", c + 1);
      JsonObject *practitioner = new_resource ("Practitioner", id);
      JsonArray *names = json_array_new ();
      const char * const *who = coordinator_names[c % G_N_ELEMENTS (coordinator_names)];

      json_array_add_object_element (names, human_name ("official", who[0], who[1]));
      json_object_set_array_member (practitioner, "name", names);
      json_object_set_boolean_member (practitioner, "active", TRUE);
      emit (gen, practitioner);
    }
}

static char *
coordinator_display (guint c)
{
  const char * const *who = coordinator_names[c % G_N_ELEMENTS (coordinator_names)];
  const char *role = coordinator_roles[c % G_N_ELEMENTS (coordinator_roles)];

  /* Shown in the caseload: name and role, so "one person to call" is clear. */
  if (c >= G_N_ELEMENTS (coordinator_names))
    return g_strdup_printf ("%s %s %u (%s)", who[1], who[0], c / (guint) G_N_ELEMENTS (coordinator_names) + 1, role);
  return g_strdup_printf ("%s %s (%s)", who[1], who[0], role);
}

static void
emit_person (Generator *gen,
             guint      index)
{
  Rng *rng = &gen->rng;
  g_autofree char *patient_id = make_uuid (rng);
  g_autofree char *nhs = next_nhs_number (gen);
  gboolean female = rng_chance (rng, 56);
  const char *given = female ? PICK (rng, female_names) : PICK (rng, male_names);
  const char *family = PICK (rng, family_names);
  const char *preferred = NULL;
  /* Most people on a co-ordinator's caseload are older and living with
   * several conditions; a fifth are working age. */
  guint age = rng_chance (rng, 20) ? 18 + rng_below (rng, 47) : 65 + rng_below (rng, 36);
  g_autofree char *birth_date = date_from_reference (-(int) (age * 365 + rng_below (rng, 365))) ;
  g_autofree char *street = g_strdup_printf ("%u %s", 1 + rng_below (rng, 120), PICK (rng, streets));
  g_autofree char *postcode = g_strdup_printf ("ZZ99 %u%c%c", 1 + rng_below (rng, 9),
                                               'A' + rng_below (rng, 26), 'A' + rng_below (rng, 26));
  g_autofree char *phone = g_strdup_printf ("01632 960%03u", rng_below (rng, 1000));
  JsonObject *patient = new_resource ("Patient", patient_id);
  JsonArray *identifiers = json_array_new ();
  JsonObject *identifier = json_object_new ();
  JsonArray *names = json_array_new ();
  JsonArray *addresses = json_array_new ();
  JsonObject *address = json_object_new ();
  JsonArray *lines = json_array_new ();
  JsonArray *gps = json_array_new ();
  JsonObject *gp = json_object_new ();
  g_autofree char *carer_id = NULL;
  g_autofree char *carer_name = NULL;
  guint n_conditions, coordinator;

  for (guint i = 0; i < G_N_ELEMENTS (preferred_forms); i++)
    if (strcmp (preferred_forms[i][0], given) == 0 && rng_chance (rng, 60))
      preferred = preferred_forms[i][1];

  json_object_set_string_member (identifier, "system", KITH_FHIR_NHS_NUMBER_SYSTEM);
  json_object_set_string_member (identifier, "value", nhs);
  json_array_add_object_element (identifiers, identifier);
  json_object_set_array_member (patient, "identifier", identifiers);
  json_object_set_boolean_member (patient, "active", TRUE);

  json_array_add_object_element (names, human_name ("official", family, given));
  if (preferred)
    json_array_add_object_element (names, human_name ("usual", NULL, preferred));
  json_object_set_array_member (patient, "name", names);
  json_object_set_array_member (patient, "telecom", phone_telecom (phone));
  json_object_set_string_member (patient, "gender", female ? "female" : "male");
  json_object_set_string_member (patient, "birthDate", birth_date);

  json_object_set_string_member (address, "use", "home");
  json_array_add_string_element (lines, street);
  json_object_set_array_member (address, "line", lines);
  json_object_set_string_member (address, "city", PICK (rng, towns));
  json_object_set_string_member (address, "postalCode", postcode);
  json_array_add_object_element (addresses, address);
  json_object_set_array_member (patient, "address", addresses);

  json_object_set_string_member (gp, "display", PICK (rng, practices));
  json_array_add_object_element (gps, gp);
  json_object_set_array_member (patient, "generalPractitioner", gps);
  emit (gen, patient);

  /* Conditions: more with age, none for some. */
  n_conditions = age >= 65 ? rng_below (rng, 6) : rng_below (rng, 3);
  for (guint c = 0; c < n_conditions; c++)
    {
      g_autofree char *id = make_uuid (rng);
      g_autofree char *onset = date_from_reference (-(int) rng_below (rng, 365 * 15));
      guint which = rng_below (rng, G_N_ELEMENTS (conditions));
      JsonObject *condition = new_resource ("Condition", id);
      JsonArray *categories = json_array_new ();

      json_object_set_object_member (condition, "clinicalStatus",
                                     coding_concept ("http://terminology.hl7.org/CodeSystem/condition-clinical",
                                                     "active", NULL));
      json_array_add_object_element (categories,
                                     coding_concept ("http://terminology.hl7.org/CodeSystem/condition-category",
                                                     "problem-list-item", NULL));
      json_object_set_array_member (condition, "category", categories);
      json_object_set_object_member (condition, "code",
                                     coding_concept ("http://snomed.info/sct", conditions[which].code,
                                                     conditions[which].display));
      json_object_set_object_member (condition, "subject", reference ("Patient", patient_id, NULL));
      json_object_set_string_member (condition, "onsetDateTime", onset);
      emit (gen, condition);
    }

  /* An unpaid carer for about a third. */
  if (rng_chance (rng, 35))
    {
      guint rel = rng_below (rng, G_N_ELEMENTS (relationships));
      gboolean carer_female = rng_chance (rng, 60);
      const char *carer_given = carer_female ? PICK (rng, female_names) : PICK (rng, male_names);
      const char *carer_family = rel <= 2 ? family : PICK (rng, family_names);
      g_autofree char *carer_phone = g_strdup_printf ("07700 900%03u", rng_below (rng, 1000));
      JsonObject *carer;
      JsonArray *carer_names = json_array_new ();
      JsonArray *relationship = json_array_new ();

      carer_id = make_uuid (rng);
      carer_name = g_strdup_printf ("%s %s", carer_given, carer_family);
      carer = new_resource ("RelatedPerson", carer_id);
      json_object_set_object_member (carer, "patient", reference ("Patient", patient_id, NULL));
      json_array_add_object_element (relationship,
                                     coding_concept ("http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                                     relationships[rel].code, relationships[rel].display));
      json_array_add_object_element (relationship,
                                     coding_concept ("http://terminology.hl7.org/CodeSystem/v2-0131",
                                                     "C", "Emergency Contact"));
      json_object_set_array_member (carer, "relationship", relationship);
      json_array_add_object_element (carer_names, human_name ("official", carer_family, carer_given));
      json_object_set_array_member (carer, "name", carer_names);
      json_object_set_array_member (carer, "telecom", phone_telecom (carer_phone));
      json_object_set_boolean_member (carer, "active", TRUE);
      emit (gen, carer);
    }

  coordinator = rng_below (rng, gen->n_coordinators);

  /* A care team with a named co-ordinator for most people. */
  if (rng_chance (rng, 75))
    {
      g_autofree char *id = make_uuid (rng);
      g_autofree char *practitioner_id = g_strdup_printf ("demo-practitioner-%u", coordinator + 1);
      g_autofree char *display = coordinator_display (coordinator);
      JsonObject *team = new_resource ("CareTeam", id);
      JsonArray *participants = json_array_new ();
      JsonObject *lead = json_object_new ();
      JsonArray *roles = json_array_new ();

      json_object_set_string_member (team, "status", "active");
      json_object_set_string_member (team, "name", "Care team");
      json_object_set_object_member (team, "subject", reference ("Patient", patient_id, NULL));
      json_array_add_object_element (roles, coding_concept (CARE_TEAM_ROLE_SYSTEM, "coordinator",
                                                            "Named care co-ordinator"));
      json_object_set_array_member (lead, "role", roles);
      json_object_set_object_member (lead, "member", reference ("Practitioner", practitioner_id, display));
      json_array_add_object_element (participants, lead);
      if (carer_id)
        {
          JsonObject *carer = json_object_new ();
          JsonArray *carer_roles = json_array_new ();

          json_array_add_object_element (carer_roles, coding_concept (CARE_TEAM_ROLE_SYSTEM, "carer", "Carer"));
          json_object_set_array_member (carer, "role", carer_roles);
          json_object_set_object_member (carer, "member", reference ("RelatedPerson", carer_id, carer_name));
          json_array_add_object_element (participants, carer);
        }
      json_object_set_array_member (team, "participant", participants);
      emit (gen, team);

      /* A plan for most of those with a team, in every state. */
      if (rng_chance (rng, 70))
        {
          static const char * const states[][2] = {
            { "draft", "draft" }, { "active", "agreed" }, { "active", "agreed" },
            { "active", "agreed" }, { "on-hold", "under-review" }, { "completed", "ended" },
          };
          guint s = rng_below (rng, G_N_ELEMENTS (states));
          g_autofree char *plan_id = make_uuid (rng);
          g_autofree char *created = date_from_reference (-(int) rng_below (rng, 365));
          g_autofree char *review = date_from_reference (-60 + (int) rng_below (rng, 240));
          JsonObject *plan = new_resource ("CarePlan", plan_id);
          JsonArray *extensions = json_array_new ();
          JsonArray *teams = json_array_new ();
          JsonObject *team_ref = reference ("CareTeam", id, NULL);

          json_array_add_object_element (extensions, extension_string (PLAN_STATE_URL, "valueCode", states[s][1]));
          json_array_add_object_element (extensions, extension_string (REVIEW_DATE_URL, "valueDate", review));
          json_object_set_array_member (plan, "extension", extensions);
          json_object_set_string_member (plan, "status", states[s][0]);
          json_object_set_string_member (plan, "intent", "plan");
          json_object_set_string_member (plan, "title", "Personalised care and support plan");
          json_object_set_object_member (plan, "subject", reference ("Patient", patient_id, NULL));
          json_object_set_string_member (plan, "created", created);
          json_array_add_object_element (teams, team_ref);
          json_object_set_array_member (plan, "careTeam", teams);
          emit (gen, plan);
        }
    }

  /* A PHQ-9 from an earlier assessment for some: completed or paused. */
  if (rng_chance (rng, 30))
    {
      g_autofree char *id = make_uuid (rng);
      g_autofree char *authored = date_from_reference (-(int) rng_below (rng, 400));
      JsonObject *response = new_resource ("QuestionnaireResponse", id);
      JsonArray *items = json_array_new ();
      gboolean complete = rng_chance (rng, 80);
      guint n_items = complete ? 9 : 1 + rng_below (rng, 8);
      guint severity = rng_below (rng, 4);

      json_object_set_string_member (response, "questionnaire", KITH_FHIR_BASE "/Questionnaire/phq-9");
      json_object_set_string_member (response, "status", complete ? "completed" : "in-progress");
      json_object_set_object_member (response, "subject", reference ("Patient", patient_id, NULL));
      json_object_set_string_member (response, "authored", authored);
      for (guint q = 0; q < n_items; q++)
        {
          JsonObject *item = json_object_new ();
          JsonArray *answers = json_array_new ();
          JsonObject *answer = json_object_new ();
          g_autofree char *link_id = g_strdup_printf ("phq9-%u", q + 1);
          /* Item 9 is rarely above 0, as in practice. */
          guint value = q == 8 ? (rng_chance (rng, 5) ? 1 : 0) : MIN (3, rng_below (rng, severity + 1));
          g_autofree char *code = g_strdup_printf ("%u", value);
          JsonObject *coding = json_object_new ();

          json_object_set_string_member (item, "linkId", link_id);
          json_object_set_string_member (coding, "system", PHQ_ANSWER_SYSTEM);
          json_object_set_string_member (coding, "code", code);
          json_object_set_object_member (answer, "valueCoding", coding);
          json_array_add_object_element (answers, answer);
          json_object_set_array_member (item, "answer", answers);
          json_array_add_object_element (items, item);
        }
      json_object_set_array_member (response, "item", items);
      emit (gen, response);
    }

  (void) index;
}

void
kith_demo_caseload_generate (guint                 people,
                             guint64               seed,
                             KithDemoResourceFunc  func,
                             gpointer              user_data)
{
  Generator gen = { 0 };

  g_return_if_fail (func != NULL);

  gen.func = func;
  gen.user_data = user_data;
  gen.rng.state = seed ^ G_GUINT64_CONSTANT (0x4b4954484b495448);
  /* A co-ordinator holds a caseload of up to a few hundred people. */
  gen.n_coordinators = MAX (3, people / 250);
  gen.nhs_prefix = G_GUINT64_CONSTANT (999000000) + (seed * 7919) % 400000;

  emit_coordinators (&gen);
  for (guint i = 0; i < people; i++)
    emit_person (&gen, i);
}

typedef struct
{
  KithStore *store;
  GError    *error;
  guint      in_batch;
} FillState;

/* Commit in batches: one huge transaction would hold the whole caseload's
 * WAL; one per resource would fsync 600,000 times. */
#define FILL_BATCH 20000

static void
fill_one (JsonObject *resource,
          gpointer    user_data)
{
  FillState *state = user_data;

  if (state->error)
    return;
  if (state->in_batch == 0 && !kith_store_begin (state->store, &state->error))
    return;
  if (!kith_store_import_resource (state->store, resource, &state->error))
    {
      kith_store_rollback (state->store);
      state->in_batch = 0;
      return;
    }
  if (++state->in_batch == FILL_BATCH)
    {
      state->in_batch = 0;
      kith_store_commit (state->store, &state->error);
    }
}

gboolean
kith_demo_caseload_fill (KithStore  *store,
                         guint       people,
                         guint64     seed,
                         GError    **error)
{
  FillState state = { store, NULL, 0 };

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  kith_demo_caseload_generate (people, seed, fill_one, &state);
  if (state.error == NULL && state.in_batch > 0)
    kith_store_commit (store, &state.error);
  if (state.error)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  return TRUE;
}
