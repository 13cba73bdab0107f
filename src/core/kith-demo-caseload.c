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
#include "kith-instrument-library.h"
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

/* Problems that come with age and frailty (the frailty index counts
 * them), recorded for some older people. */
static const struct { const char *code; const char *display; } later_life_problems[] = {
  { "161898004", "History of fall" },
  { "15188001",  "Hearing loss" },
  { "193570009", "Cataract" },
  { "165232002", "Urinary incontinence" },
  { "105529008", "Lives alone" },
  { "160689007", "Housebound" },
  { "193462001", "Insomnia" },
  { "404640003", "Dizziness" },
  { "267036007", "Dyspnoea" },
  { "89362005",  "Weight loss" },
  { "271737000", "Anaemia" },
  { "40930008",  "Hypothyroidism" },
  { "400047006", "Peripheral vascular disease" },
  { "420226006", "Pressure ulcer" },
  { "414545008", "Ischaemic heart disease" },
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
  GDateTime            *work_day;   /* midnight UTC of the co-ordinator's day */
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

/* Dates are around the work day: the reference day unless a day was given,
 * so that a demo made today has reviews and actions due around today. */
static char *
date_from_reference (Generator *gen,
                     int        days)
{
  g_autoptr(GDateTime) when = g_date_time_add_days (gen->work_day, days);

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

/* Co-ordinators work in locality teams, in turn. */
static const char * const team_names[] = {
  "North locality team",
  "Central locality team",
  "South locality team",
};

static JsonArray *
managing_team (guint c)
{
  JsonArray *organizations = json_array_new ();
  JsonObject *team = json_object_new ();

  json_object_set_string_member (team, "display", team_names[c % G_N_ELEMENTS (team_names)]);
  json_array_add_object_element (organizations, team);
  return organizations;
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

static const char * const goal_texts[] = {
  "To walk to the post office on my own again",
  "To stay living in my own home",
  "To sleep through the night",
  "To get back to the lunch club on Thursdays",
  "To see my grandchildren more often",
  "To feel less worried about falling",
  "To manage my tablets without mix-ups",
  "To get out in the garden when it is fine",
};

static const char * const what_matters_texts[] = {
  "Being at home with my cat",
  "My family, and being able to get to church",
  "Keeping my independence as long as I can",
  "My garden and my friends at the lunch club",
  "Not being a burden on my daughter",
  "Getting out of the house every day",
};

static const struct { const char *text; int owner; } action_texts[] = {
  { "Refer to the falls prevention service", 0 },
  { "Review the water tablets with the pharmacist", 0 },
  { "Arrange a carer's assessment", 0 },
  { "Try the strength and balance class", 1 },
  { "Keep a sleep diary for two weeks", 1 },
  { "Fit grab rails by the back door", 2 },
  { "Ring the lunch club about transport", 2 },
  { "Check benefits with the advice service", 0 },
};

static JsonObject *
complex_extension (const char *name,
                   const char *id)
{
  JsonObject *extension = json_object_new ();
  g_autofree char *url = g_strconcat (KITH_FHIR_BASE "/StructureDefinition/", name, NULL);

  if (id)
    json_object_set_string_member (extension, "id", id);
  json_object_set_string_member (extension, "url", url);
  json_object_set_array_member (extension, "extension", json_array_new ());
  return extension;
}

static void
add_part (JsonObject *extension,
          const char *url,
          const char *value_member,
          const char *value)
{
  JsonObject *part = json_object_new ();

  json_object_set_string_member (part, "url", url);
  json_object_set_string_member (part, value_member, value);
  json_array_add_object_element (json_object_get_array_member (extension, "extension"), part);
}

static JsonObject *
local_reference (const char *id)
{
  JsonObject *ref = json_object_new ();
  g_autofree char *text = g_strdup_printf ("#%s", id);

  json_object_set_string_member (ref, "reference", text);
  return ref;
}

static void
emit_plan (Generator  *gen,
           const char *patient_id,
           const char *carer_name,
           guint       coordinator)
{
  static const char * const states[][2] = {
    { "draft", "draft" }, { "active", "agreed" }, { "active", "agreed" },
    { "active", "agreed" }, { "active", "under-review" }, { "completed", "ended" },
  };
  Rng *rng = &gen->rng;
  guint s = rng_below (rng, G_N_ELEMENTS (states));
  g_autofree char *plan_id = make_uuid (rng);
  g_autofree char *created = date_from_reference (gen, -(int) rng_below (rng, 365));
  g_autofree char *review = date_from_reference (gen, -60 + (int) rng_below (rng, 240));
  g_autofree char *display = coordinator_display (coordinator);
  g_autofree char *phone = g_strdup_printf ("01632 960%03u", 500 + coordinator % 400);
  JsonObject *plan = new_resource ("CarePlan", plan_id);
  JsonArray *extensions = json_array_new ();
  JsonArray *contained = json_array_new ();
  JsonArray *goal_refs = json_array_new ();
  JsonArray *activities = json_array_new ();
  JsonArray *team_refs = json_array_new ();
  JsonObject *team = json_object_new ();
  JsonArray *participants = json_array_new ();
  JsonObject *lead = json_object_new ();
  JsonArray *roles = json_array_new ();
  JsonArray *lead_extensions = json_array_new ();
  guint n_goals = 1 + rng_below (rng, 3);
  guint n_actions = 1 + rng_below (rng, 4);
  g_autofree char *first_goal = NULL;
  JsonObject *contact;

  json_array_add_object_element (extensions, extension_string (PLAN_STATE_URL, "valueCode", states[s][1]));
  json_array_add_object_element (extensions, extension_string (REVIEW_DATE_URL, "valueDate", review));
  json_array_add_object_element (extensions, extension_string (KITH_FHIR_BASE "/StructureDefinition/what-matters",
                                                               "valueString", PICK (rng, what_matters_texts)));
  json_array_add_object_element (extensions, extension_string (KITH_FHIR_BASE "/StructureDefinition/crisis-what-to-do",
                                                               "valueString",
                                                               "Ring the co-ordinator in working hours; at other times ring 111, or 999 in an emergency."));
  contact = complex_extension ("crisis-contact", "contact-1");
  add_part (contact, "name", "valueString", carer_name ? carer_name : "Out-of-hours GP (NHS 111)");
  add_part (contact, "phone", "valueString", carer_name ? "07700 900123" : "111");
  add_part (contact, "when", "valueString", "any hour");
  json_array_add_object_element (extensions, contact);
  if (s != 0)
    {
      g_autofree char *agreed_on = g_strdup_printf ("%sT11:00:00.000Z", created);
      JsonObject *agreement = complex_extension ("agreement", NULL);

      add_part (agreement, "by", "valueString", "The person");
      add_part (agreement, "representative", "valueString", "false");
      add_part (agreement, "how", "valueString", "In person, at home");
      add_part (agreement, "when", "valueDateTime", agreed_on);
      json_array_add_object_element (extensions, agreement);
    }
  json_object_set_array_member (plan, "extension", extensions);
  json_object_set_string_member (plan, "status", states[s][0]);
  json_object_set_string_member (plan, "intent", "plan");
  json_object_set_string_member (plan, "title", "Personalised care and support plan");
  json_object_set_object_member (plan, "subject", reference ("Patient", patient_id, NULL));
  json_object_set_string_member (plan, "created", created);

  /* The care team, with the named co-ordinator and their hours. */
  json_object_set_string_member (team, "resourceType", "CareTeam");
  json_object_set_string_member (team, "id", "team");
  json_object_set_string_member (team, "status", "active");
  json_object_set_object_member (team, "subject", reference ("Patient", patient_id, NULL));
  json_object_set_array_member (team, "managingOrganization", managing_team (coordinator));
  json_object_set_string_member (lead, "id", "member-lead");
  json_array_add_object_element (roles, coding_concept (CARE_TEAM_ROLE_SYSTEM, "coordinator", "Named care co-ordinator"));
  json_object_set_array_member (lead, "role", roles);
  json_object_set_object_member (lead, "member", reference ("Practitioner", "x", display));
  json_object_remove_member (json_object_get_object_member (lead, "member"), "reference");
  json_array_add_object_element (lead_extensions, extension_string (KITH_FHIR_BASE "/StructureDefinition/member-phone",
                                                                    "valueString", phone));
  json_array_add_object_element (lead_extensions, extension_string (KITH_FHIR_BASE "/StructureDefinition/member-hours",
                                                                    "valueString", "Mon–Fri 9am–5pm"));
  json_object_set_array_member (lead, "extension", lead_extensions);
  json_array_add_object_element (participants, lead);
  json_object_set_array_member (team, "participant", participants);
  json_array_add_object_element (contained, team);
  json_array_add_object_element (team_refs, local_reference ("team"));

  for (guint g = 0; g < n_goals; g++)
    {
      JsonObject *goal = json_object_new ();
      JsonObject *description = json_object_new ();
      JsonObject *who = json_object_new ();
      g_autofree char *goal_id = g_strdup_printf ("goal-%u", g + 1);

      json_object_set_string_member (goal, "resourceType", "Goal");
      json_object_set_string_member (goal, "id", goal_id);
      json_object_set_string_member (goal, "lifecycleStatus", rng_chance (rng, 15) ? "completed" : "active");
      json_object_set_string_member (description, "text", goal_texts[(rng_below (rng, G_N_ELEMENTS (goal_texts)) + g) % G_N_ELEMENTS (goal_texts)]);
      json_object_set_object_member (goal, "description", description);
      json_object_set_object_member (goal, "subject", reference ("Patient", patient_id, NULL));
      json_object_set_string_member (who, "display", "the person");
      json_object_set_object_member (goal, "expressedBy", who);
      json_array_add_object_element (contained, goal);
      json_array_add_object_element (goal_refs, local_reference (goal_id));
      if (first_goal == NULL)
        first_goal = g_strdup (goal_id);
    }

  for (guint a = 0; a < n_actions; a++)
    {
      static const char * const statuses[] = { "requested", "requested", "in-progress", "completed" };
      static const char * const owner_kinds[] = { "professional", "person", "carer" };
      guint which = (rng_below (rng, G_N_ELEMENTS (action_texts)) + a) % G_N_ELEMENTS (action_texts);
      int owner = action_texts[which].owner == 2 && carer_name == NULL ? 1 : action_texts[which].owner;
      g_autofree char *action_id = g_strdup_printf ("action-%u", a + 1);
      g_autofree char *due = date_from_reference (gen, -30 + (int) rng_below (rng, 120));
      JsonObject *task = json_object_new ();
      JsonObject *who = json_object_new ();
      JsonObject *restriction = json_object_new ();
      JsonObject *period = json_object_new ();
      JsonObject *activity = json_object_new ();
      JsonArray *task_extensions = json_array_new ();

      json_object_set_string_member (task, "resourceType", "Task");
      json_object_set_string_member (task, "id", action_id);
      json_object_set_string_member (task, "status", statuses[rng_below (rng, G_N_ELEMENTS (statuses))]);
      json_object_set_string_member (task, "intent", "plan");
      json_object_set_string_member (task, "description", action_texts[which].text);
      json_object_set_object_member (task, "for", reference ("Patient", patient_id, NULL));
      json_object_set_string_member (who, "display", owner == 0 ? display : owner == 1 ? "the person" : carer_name);
      json_object_set_object_member (task, "owner", who);
      json_array_add_object_element (task_extensions, extension_string (KITH_FHIR_BASE "/StructureDefinition/owner-kind",
                                                                        "valueCode", owner_kinds[owner]));
      json_object_set_array_member (task, "extension", task_extensions);
      json_object_set_string_member (period, "end", due);
      json_object_set_object_member (restriction, "period", period);
      json_object_set_object_member (task, "restriction", restriction);
      json_object_set_object_member (task, "focus", local_reference (first_goal));
      json_array_add_object_element (contained, task);
      json_object_set_object_member (activity, "reference", local_reference (action_id));
      json_array_add_object_element (activities, activity);
    }

  json_object_set_array_member (plan, "contained", contained);
  json_object_set_array_member (plan, "careTeam", team_refs);
  json_object_set_array_member (plan, "goal", goal_refs);
  json_object_set_array_member (plan, "activity", activities);
  emit (gen, plan);
}

static JsonObject *
part_of (const char *assessment_id)
{
  JsonObject *extension = json_object_new ();

  json_object_set_string_member (extension, "url", KITH_FHIR_BASE "/StructureDefinition/part-of-assessment");
  json_object_set_object_member (extension, "valueReference", reference ("QuestionnaireResponse", assessment_id, NULL));
  return extension;
}

/* One instrument's response, built and scored by the real engine. */
static KithAnswerSet *
emit_instrument (Generator     *gen,
                 const char    *patient_id,
                 const char    *assessment_id,
                 const char    *instrument_id,
                 const char    *authored,
                 gboolean       complete,
                 GHashTable    *codes)
{
  KithInstrument *instrument = kith_instrument_library_lookup (kith_instrument_library_get_default (), instrument_id);
  KithAnswerSet *answers;
  g_autofree char *id = make_uuid (&gen->rng);
  g_autofree char *canonical = NULL;
  JsonObject *response;
  JsonArray *extensions = json_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  if (instrument == NULL)
    return NULL;
  answers = kith_answer_set_new (instrument);
  g_hash_table_iter_init (&iter, codes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KithAnswer answer = { KITH_ANSWER_CODE };

      answer.code = value;
      if (strncmp (value, "text:", 5) == 0)
        {
          answer.kind = KITH_ANSWER_TEXT;
          answer.code = NULL;
          answer.text = (char *) value + 5;
        }
      if (kith_instrument_check_answer (instrument, key, &answer, NULL))
        kith_answer_set_put (answers, key, &answer);
    }

  canonical = g_strdup_printf ("%s|%s", kith_instrument_get_url (instrument), kith_instrument_get_version (instrument));
  response = new_resource ("QuestionnaireResponse", id);
  json_array_add_object_element (extensions, part_of (assessment_id));
  json_object_set_array_member (response, "extension", extensions);
  json_object_set_string_member (response, "questionnaire", canonical);
  json_object_set_string_member (response, "status", complete ? "completed" : "in-progress");
  json_object_set_object_member (response, "subject", reference ("Patient", patient_id, NULL));
  json_object_set_string_member (response, "authored", authored);
  json_object_set_array_member (response, "item", kith_answer_set_to_items (answers));
  emit (gen, response);

  /* Scores of a completed assessment are Observations, as Kith writes them. */
  if (complete)
    {
      g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);

      for (guint i = 0; i < scores->len; i++)
        {
          KithScore *score = scores->pdata[i];
          g_autofree char *obs_id = NULL;
          g_autofree char *key_text = NULL;
          JsonObject *observation;
          JsonArray *obs_extensions;
          JsonArray *codings;
          JsonObject *code;
          JsonArray *derived;

          if (!score->has_value)
            continue;
          obs_id = make_uuid (&gen->rng);
          key_text = g_strdup_printf ("%s/%s", instrument_id, score->name);
          observation = new_resource ("Observation", obs_id);
          obs_extensions = json_array_new ();
          json_array_add_object_element (obs_extensions, part_of (assessment_id));
          json_object_set_array_member (observation, "extension", obs_extensions);
          json_object_set_string_member (observation, "status", "final");
          code = coding_concept (KITH_FHIR_BASE "/CodeSystem/score", key_text, score->title);
          codings = json_object_get_array_member (code, "coding");
          if (score->observation_code)
            {
              JsonObject *coding = json_object_new ();

              json_object_set_string_member (coding, "system", score->observation_system);
              json_object_set_string_member (coding, "code", score->observation_code);
              json_array_add_object_element (codings, coding);
            }
          json_object_set_object_member (observation, "code", code);
          json_object_set_object_member (observation, "subject", reference ("Patient", patient_id, NULL));
          json_object_set_string_member (observation, "effectiveDateTime", authored);
          json_object_set_int_member (observation, "valueInteger", (gint64) score->value);
          if (score->band_code)
            {
              JsonArray *interpretation = json_array_new ();

              json_array_add_object_element (interpretation,
                                             coding_concept (KITH_FHIR_BASE "/CodeSystem/score-band",
                                                             score->band_code, score->band_title));
              json_object_set_array_member (observation, "interpretation", interpretation);
            }
          derived = json_array_new ();
          json_array_add_object_element (derived, reference ("QuestionnaireResponse", id, NULL));
          json_object_set_array_member (observation, "derivedFrom", derived);
          emit (gen, observation);
        }
    }
  return answers;
}

static void
emit_assessment (Generator  *gen,
                 const char *patient_id,
                 const char *carer_name)
{
  static const char * const phq[] = { "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9" };
  Rng *rng = &gen->rng;
  g_autofree char *assessment_id = make_uuid (rng);
  g_autofree char *day = date_from_reference (gen, -(int) rng_below (rng, 400));
  g_autofree char *authored = g_strdup_printf ("%sT10:30:00.000Z", day);
  gboolean complete = rng_chance (rng, 80);
  guint severity = rng_below (rng, 4);
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *who = g_strdup_printf ("text:%s%s", carer_name ? carer_name : "The GP surgery",
                                          carer_name ? ", 07700 900123, any hour" : ", 01632 960000, in working hours");
  JsonObject *envelope = new_resource ("QuestionnaireResponse", assessment_id);
  KithAnswerSet *answers = NULL;
  double phq2 = 0;

  json_object_set_string_member (envelope, "questionnaire", KITH_HOLISTIC_ASSESSMENT_URL);
  json_object_set_string_member (envelope, "status", complete ? "completed" : "in-progress");
  json_object_set_object_member (envelope, "subject", reference ("Patient", patient_id, NULL));
  json_object_set_string_member (envelope, "authored", authored);
  emit (gen, envelope);

  g_hash_table_insert (codes, g_strdup ("what-matters"), g_strdup_printf ("text:%s", PICK (rng, what_matters_texts)));
  answers = emit_instrument (gen, patient_id, assessment_id, "about-me", authored, complete, codes);
  kith_answer_set_free (answers);
  g_hash_table_remove_all (codes);
  g_hash_table_insert (codes, g_strdup ("who-to-call"), g_strdup (who));
  answers = emit_instrument (gen, patient_id, assessment_id, "crisis", authored, complete, codes);
  kith_answer_set_free (answers);

  /* Screens first; a positive PHQ-2 leads to the full PHQ-9. */
  g_hash_table_remove_all (codes);
  for (guint q = 1; q <= 2; q++)
    g_hash_table_insert (codes, g_strdup_printf ("phq2-%u", q), g_strdup (phq[MIN (3, rng_below (rng, severity + 1))]));
  answers = emit_instrument (gen, patient_id, assessment_id, "phq-2", authored, complete, codes);
  if (answers)
    {
      g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);

      if (scores->len && ((KithScore *) scores->pdata[0])->has_value)
        phq2 = ((KithScore *) scores->pdata[0])->value;
      kith_answer_set_free (answers);
    }
  g_hash_table_remove_all (codes);
  for (guint q = 1; q <= 2; q++)
    g_hash_table_insert (codes, g_strdup_printf ("gad2-%u", q), g_strdup (phq[MIN (3, rng_below (rng, severity + 1))]));
  answers = emit_instrument (gen, patient_id, assessment_id, "gad-2", authored, complete, codes);
  kith_answer_set_free (answers);

  if (phq2 >= 3)
    {
      g_hash_table_remove_all (codes);
      for (guint q = 1; q <= 9; q++)
        {
          /* Item 9 is rarely above 0, as in practice. */
          const char *code = q == 9 ? (rng_chance (rng, 5) ? phq[1] : phq[0])
                                    : phq[MIN (3, rng_below (rng, severity + 1))];
          g_hash_table_insert (codes, g_strdup_printf ("phq9-%u", q), g_strdup (code));
        }
      answers = emit_instrument (gen, patient_id, assessment_id, "phq-9", authored, complete, codes);
      kith_answer_set_free (answers);
    }
}


/* --- the co-ordinator's day (COORDINATION.md) ------------------------------- */

#define CODE_SYSTEM(name) KITH_FHIR_BASE "/CodeSystem/" name
#define ACT_CODE "http://terminology.hl7.org/CodeSystem/v3-ActCode"

/* An instant @days from the work day, at @minutes past midnight (UTC). */
static char *
work_instant (Generator *gen,
              int        days,
              int        minutes)
{
  g_autoptr(GDateTime) day = g_date_time_add_days (gen->work_day, days);
  g_autoptr(GDateTime) when = g_date_time_add_minutes (day, minutes);

  return g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
work_date (Generator *gen,
           int        days)
{
  g_autoptr(GDateTime) day = g_date_time_add_days (gen->work_day, days);

  return g_date_time_format (day, "%Y-%m-%d");
}

static JsonArray *
concept_list (const char *system,
              const char *code,
              const char *display)
{
  JsonArray *list = json_array_new ();

  json_array_add_object_element (list, coding_concept (system, code, display));
  return list;
}

static JsonObject *
display_only (const char *display)
{
  JsonObject *who = json_object_new ();

  json_object_set_string_member (who, "display", display);
  return who;
}

static void
add_extension (JsonObject *resource,
               JsonObject *extension)
{
  JsonArray *extensions = kith_fhir_get_array (resource, "extension");

  if (extensions == NULL)
    {
      extensions = json_array_new ();
      json_object_set_array_member (resource, "extension", extensions);
    }
  json_array_add_object_element (extensions, extension);
}

static const struct { const char *code; const char *act; const char *display; } contact_kinds[] = {
  { "home-visit", "HH", "Home visit" },
  { "phone", "VR", "Phone call" },
  { "clinic", "AMB", "Clinic" },
  { "email", "VR", "Email" },
};

static const char * const contact_notes[] = {
  "Talked through the plan together. Managing well with the new routine.",
  "Sleeping better. Would like to try the lunch club again next month.",
  "Carer is tired; talked about a carer's assessment and a break.",
  "Checked the medicines together. No falls since last time.",
  "Low mood this week. Agreed to talk again on Friday.",
};

static JsonObject *
contact_encounter (Generator  *gen,
                   Rng        *rng,
                   const char *patient_id,
                   guint       kind,
                   const char *status,
                   const char *start,
                   const char *who)
{
  g_autofree char *id = make_uuid (rng);
  JsonObject *encounter = new_resource ("Encounter", id);
  JsonObject *klass = json_object_new ();
  JsonArray *participants = json_array_new ();
  JsonObject *participant = json_object_new ();
  JsonObject *period = json_object_new ();

  json_object_set_string_member (encounter, "status", status);
  json_object_set_string_member (klass, "system", ACT_CODE);
  json_object_set_string_member (klass, "code", contact_kinds[kind].act);
  json_object_set_object_member (encounter, "class", klass);
  json_object_set_array_member (encounter, "type",
                                concept_list (CODE_SYSTEM ("contact-type"), contact_kinds[kind].code,
                                              contact_kinds[kind].display));
  json_object_set_object_member (encounter, "subject", reference ("Patient", patient_id, NULL));
  json_object_set_object_member (participant, "individual", display_only (who));
  json_array_add_object_element (participants, participant);
  json_object_set_array_member (encounter, "participant", participants);
  json_object_set_string_member (period, "start", start);
  json_object_set_object_member (encounter, "period", period);
  if (g_strcmp0 (status, "finished") == 0)
    add_extension (encounter, extension_string (KITH_FHIR_SD "contact-note", "valueString",
                                                contact_notes[rng_below (rng, G_N_ELEMENTS (contact_notes))]));
  return encounter;
}

static const char * const referral_sources[] = { "gp", "hospital", "social-care", "voluntary", "family", "self" };
static const char * const referral_reasons[] = {
  "Two falls at home in the last month; lives alone.",
  "Discharged from the frailty unit; needs support to settle at home.",
  "Carer struggling to cope; asking for help with personal care.",
  "Low mood and not eating well since her husband died.",
  "Several medicines and confused about when to take them.",
  "Would like help to get out and meet people again.",
};
static const char * const referrers[] = {
  "Dr Asha Rao (GP)", "Ward 7 discharge team", "Adult social care duty desk",
  "Age-friendly befriending service", "Their son", "Self-referral by phone",
};

/* A referral as received, and its triage Task in one of its states. */
static void
emit_referral (Generator  *gen,
               Rng        *rng,
               const char *patient_id,
               int         received_day,
               const char *state,
               const char *coordinator)
{
  g_autofree char *request_id = make_uuid (rng);
  g_autofree char *task_id = make_uuid (rng);
  g_autofree char *received = work_instant (gen, received_day, 8 * 60 + (int) rng_below (rng, 9 * 60));
  g_autofree char *focus = g_strdup_printf ("ServiceRequest/%s", request_id);
  guint source = rng_below (rng, G_N_ELEMENTS (referral_sources));
  JsonObject *request = new_resource ("ServiceRequest", request_id);
  JsonObject *task = new_resource ("Task", task_id);
  JsonArray *reasons = json_array_new ();
  JsonObject *reason = json_object_new ();
  JsonObject *focus_ref = json_object_new ();
  static const char * const priorities[] = { "routine", "routine", "routine", "urgent", "asap" };

  json_object_set_string_member (request, "status", g_strcmp0 (state, "rejected") == 0 ? "revoked" : "active");
  json_object_set_string_member (request, "intent", "order");
  json_object_set_array_member (request, "category",
                                concept_list (CODE_SYSTEM ("referral"), "coordination", "Care co-ordination"));
  json_object_set_string_member (request, "priority", priorities[rng_below (rng, G_N_ELEMENTS (priorities))]);
  json_object_set_object_member (request, "subject", reference ("Patient", patient_id, NULL));
  json_object_set_string_member (request, "authoredOn", received);
  json_object_set_object_member (request, "requester", display_only (referrers[source]));
  json_object_set_string_member (reason, "text", referral_reasons[rng_below (rng, G_N_ELEMENTS (referral_reasons))]);
  json_array_add_object_element (reasons, reason);
  json_object_set_array_member (request, "reasonCode", reasons);
  add_extension (request, extension_string (KITH_FHIR_SD "referral-source", "valueCode", referral_sources[source]));
  emit (gen, request);

  json_object_set_string_member (task, "status", state);
  json_object_set_string_member (task, "intent", "order");
  json_object_set_object_member (task, "code",
                                 coding_concept (CODE_SYSTEM ("task-type"), "referral-triage", "Triage a referral"));
  json_object_set_string_member (focus_ref, "reference", focus);
  json_object_set_object_member (task, "focus", focus_ref);
  json_object_set_object_member (task, "for", reference ("Patient", patient_id, NULL));
  json_object_set_string_member (task, "authoredOn", received);
  if (g_strcmp0 (state, "requested") == 0)
    json_object_set_string_member (task, "lastModified", received);
  else
    {
      /* Triaged within two working days; seen within a week of that. */
      g_autofree char *triaged = work_instant (gen, received_day + (int) rng_below (rng, 3), 10 * 60 + (int) rng_below (rng, 360));
      g_autofree char *contact = work_instant (gen, received_day + 3 + (int) rng_below (rng, 7), 11 * 60);

      json_object_set_string_member (task, "lastModified", triaged);
      if (g_strcmp0 (state, "on-hold") != 0)
        add_extension (task, extension_string (KITH_FHIR_SD "triaged", "valueDateTime", triaged));
      if (g_strcmp0 (state, "rejected") == 0 || g_strcmp0 (state, "on-hold") == 0)
        {
          JsonObject *why = json_object_new ();

          json_object_set_string_member (why, "text", g_strcmp0 (state, "rejected") == 0
                                         ? "Already supported by the community mental health team."
                                         : "Asked the GP for the latest letter from the falls clinic.");
          json_object_set_object_member (task, "statusReason", why);
          if (g_strcmp0 (state, "on-hold") == 0)
            json_object_set_object_member (task, "businessStatus", coding_concept (CODE_SYSTEM ("triage-status"),
                                                                                   "information-requested",
                                                                                   "Information requested"));
        }
      else
        {
          json_object_set_object_member (task, "owner", display_only (coordinator));
          if (g_strcmp0 (state, "completed") == 0)
            add_extension (task, extension_string (KITH_FHIR_SD "first-contact", "valueDateTime", contact));
        }
    }
  emit (gen, task);
}

/* The person's part of the co-ordinator's day, from a stream of their own
 * (as the later-life problems), so adding it changed nobody else. */
static void
emit_coordination (Generator  *gen,
                   const char *patient_id,
                   guint       age,
                   const char *coordinator)
{
  Rng work = { g_str_hash (patient_id) * G_GUINT64_CONSTANT (0xD1B54A32D192ED03) + 7 };
  const char *who = coordinator ? coordinator : "Duty co-ordinator";

  /* Past contacts with the person. */
  for (guint n = rng_below (&work, 4); n > 0; n--)
    {
      g_autofree char *when = work_instant (gen, -(int) (15 + rng_below (&work, 150)), 9 * 60 + (int) rng_below (&work, 480));

      emit (gen, contact_encounter (gen, &work, patient_id, rng_below (&work, G_N_ELEMENTS (contact_kinds)),
                                    "finished", when, who));
    }

  /* A home visit planned on the work day, for the co-ordinator's diary. */
  if (coordinator && rng_chance (&work, 2))
    {
      g_autofree char *when = work_instant (gen, 0, 9 * 60 + 30 * (int) rng_below (&work, 14));

      emit (gen, contact_encounter (gen, &work, patient_id, 0, "planned", when, who));
    }

  /* A recent hospital stay for some older people; half have been followed up. */
  if (age >= 65 && rng_chance (&work, 6))
    {
      g_autofree char *id = make_uuid (&work);
      int discharged_day = -(int) rng_below (&work, 25);
      int admitted_day = discharged_day - 2 - (int) rng_below (&work, 10);
      g_autofree char *admitted = work_date (gen, admitted_day);
      g_autofree char *discharged = work_date (gen, discharged_day);
      JsonObject *stay = new_resource ("Encounter", id);
      JsonObject *klass = json_object_new ();
      JsonObject *period = json_object_new ();

      json_object_set_string_member (stay, "status", "finished");
      json_object_set_string_member (klass, "system", ACT_CODE);
      json_object_set_string_member (klass, "code", "IMP");
      json_object_set_object_member (stay, "class", klass);
      json_object_set_array_member (stay, "type",
                                    concept_list (CODE_SYSTEM ("contact-type"), "hospital-stay", "Hospital stay"));
      json_object_set_object_member (stay, "subject", reference ("Patient", patient_id, NULL));
      json_object_set_string_member (period, "start", admitted);
      json_object_set_string_member (period, "end", discharged);
      json_object_set_object_member (stay, "period", period);
      json_object_set_object_member (stay, "serviceProvider", display_only ("General hospital"));
      emit (gen, stay);
      if (discharged_day <= -2 && rng_chance (&work, 50))
        {
          g_autofree char *call = work_instant (gen, discharged_day + 1, 14 * 60);

          emit (gen, contact_encounter (gen, &work, patient_id, 1, "finished", call, who));
        }
    }

  /* The virtual ward: a few in a thousand at a time, under its capacity
   * of 0.5% of the list. */
  if (age >= 65 && rng_below (&work, 250) == 0)
    {
      g_autofree char *id = make_uuid (&work);
      g_autofree char *admitted = work_date (gen, -(int) (1 + rng_below (&work, 10)));
      JsonObject *episode = new_resource ("EpisodeOfCare", id);
      JsonObject *period = json_object_new ();

      json_object_set_string_member (episode, "status", "active");
      json_object_set_array_member (episode, "type",
                                    concept_list (CODE_SYSTEM ("episode-type"), "virtual-ward", "Virtual ward"));
      json_object_set_object_member (episode, "patient", reference ("Patient", patient_id, NULL));
      json_object_set_string_member (period, "start", admitted);
      json_object_set_object_member (episode, "period", period);
      json_object_set_object_member (episode, "careManager", display_only ("Dr Asha Rao (GP)"));
      emit (gen, episode);
    }

  /* Referrals: a few waiting in the inbox, more already triaged. */
  if (rng_chance (&work, 1))
    emit_referral (gen, &work, patient_id, -(int) rng_below (&work, 3), "requested", NULL);
  else if (rng_chance (&work, 2))
    {
      static const char * const states[] = { "accepted", "completed", "completed", "rejected", "on-hold" };

      emit_referral (gen, &work, patient_id, -(int) (10 + rng_below (&work, 60)),
                     states[rng_below (&work, G_N_ELEMENTS (states))], who);
    }
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
  g_autofree char *birth_date = date_from_reference (gen, -(int) (age * 365 + rng_below (rng, 365))) ;
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
      g_autofree char *onset = date_from_reference (gen, -(int) rng_below (rng, 365 * 15));
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

  /* Later-life problems, from a generator of the person's own, so that
   * adding them changed nobody else in a seed's caseload. */
  if (age >= 65)
    {
      Rng frail = { g_str_hash (patient_id) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) + 1 };
      guint order[G_N_ELEMENTS (later_life_problems)];
      guint n_problems = rng_below (&frail, age >= 75 ? 11 : 4);

      for (guint i = 0; i < G_N_ELEMENTS (order); i++)
        order[i] = i;
      for (guint i = 0; i < n_problems; i++)
        {
          guint j = i + rng_below (&frail, G_N_ELEMENTS (order) - i);
          guint which = order[j];
          g_autofree char *id = make_uuid (&frail);
          g_autofree char *onset = date_from_reference (gen, -(int) rng_below (&frail, 365 * 5));
          JsonObject *condition = new_resource ("Condition", id);
          JsonArray *categories = json_array_new ();

          order[j] = order[i];
          order[i] = which;
          json_object_set_object_member (condition, "clinicalStatus",
                                         coding_concept ("http://terminology.hl7.org/CodeSystem/condition-clinical",
                                                         "active", NULL));
          json_array_add_object_element (categories,
                                         coding_concept ("http://terminology.hl7.org/CodeSystem/condition-category",
                                                         "problem-list-item", NULL));
          json_object_set_array_member (condition, "category", categories);
          json_object_set_object_member (condition, "code",
                                         coding_concept ("http://snomed.info/sct", later_life_problems[which].code,
                                                         later_life_problems[which].display));
          json_object_set_object_member (condition, "subject", reference ("Patient", patient_id, NULL));
          json_object_set_string_member (condition, "onsetDateTime", onset);
          emit (gen, condition);
        }
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
      json_object_set_array_member (team, "managingOrganization", managing_team (coordinator));
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

      /* A plan for most of those with a team, in every state, in the
       * shape Kith writes: team, goals and actions contained. */
      if (rng_chance (rng, 70))
        emit_plan (gen, patient_id, carer_name, coordinator);
      emit_coordination (gen, patient_id, age, display);
    }
  else
    emit_coordination (gen, patient_id, age, NULL);

  /* An earlier holistic assessment for some: completed or paused. */
  if (rng_chance (rng, 30))
    emit_assessment (gen, patient_id, carer_name);

  (void) index;
}

void
kith_demo_caseload_generate (guint                 people,
                             guint64               seed,
                             KithDemoResourceFunc  func,
                             gpointer              user_data)
{
  kith_demo_caseload_generate_for_day (people, seed, NULL, func, user_data);
}

void
kith_demo_caseload_generate_for_day (guint                 people,
                                     guint64               seed,
                                     const GDate          *work_day,
                                     KithDemoResourceFunc  func,
                                     gpointer              user_data)
{
  Generator gen = { 0 };

  g_return_if_fail (func != NULL);

  if (work_day && g_date_valid (work_day))
    gen.work_day = g_date_time_new_utc (g_date_get_year (work_day), g_date_get_month (work_day),
                                        g_date_get_day (work_day), 0, 0, 0);
  else
    gen.work_day = g_date_time_new_utc (REFERENCE_YEAR, REFERENCE_MONTH, REFERENCE_DAY, 0, 0, 0);

  gen.func = func;
  gen.user_data = user_data;
  gen.rng.state = seed ^ G_GUINT64_CONSTANT (0x4b4954484b495448);
  /* A co-ordinator holds a caseload of up to a few hundred people. */
  gen.n_coordinators = MAX (3, people / 250);
  gen.nhs_prefix = G_GUINT64_CONSTANT (999000000) + (seed * 7919) % 400000;

  emit_coordinators (&gen);
  for (guint i = 0; i < people; i++)
    emit_person (&gen, i);
  g_date_time_unref (gen.work_day);
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
  return kith_demo_caseload_fill_for_day (store, people, seed, NULL, error);
}

gboolean
kith_demo_caseload_fill_for_day (KithStore    *store,
                                 guint         people,
                                 guint64       seed,
                                 const GDate  *work_day,
                                 GError      **error)
{
  FillState state = { store, NULL, 0 };

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  kith_demo_caseload_generate_for_day (people, seed, work_day, fill_one, &state);
  if (state.error == NULL && state.in_batch > 0)
    kith_store_commit (store, &state.error);
  if (state.error)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }
  return TRUE;
}
