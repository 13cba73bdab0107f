/* kith-contact.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contact log, planned home visits, hospital stays and the virtual
 * ward. Each is one FHIR resource saved through the store, shaped as
 * COORDINATION.md says; the follow-up list after a discharge is the
 * store's to compute from these Encounters when it indexes the person.
 */

#define G_LOG_DOMAIN "kith-contact"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-care-plan.h"
#include "kith-contact.h"
#include "kith-fhir.h"
#include "kith-patient.h"
#include "kith-plan-document.h"
#include "kith-referral.h"
#include "kith-store-private.h"

#define ACT_CODE_SYSTEM       "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define EXT_CONTACT_NOTE      KITH_FHIR_SD "contact-note"
#define EXT_PLAN_ACTION       KITH_FHIR_SD "plan-action"
#define HOSPITAL_STAY         "hospital-stay"
#define VIRTUAL_WARD          "virtual-ward"
#define WARD_CAPACITY_SETTING "virtual-ward-capacity"
/* A logged contact a little ahead of the clock is a clock, not the future. */
#define FUTURE_SLACK          (5 * G_TIME_SPAN_MINUTE)

G_DEFINE_QUARK (kith-contact-error-quark, kith_contact_error)

static const struct
{
  const char *code;
  const char *act_code;
  const char *act_display;
  const char *label;
} kinds[KITH_CONTACT_N_KINDS] = {
  [KITH_CONTACT_HOME_VISIT] = { "home-visit", "HH", "home health", N_("Home visit") },
  [KITH_CONTACT_PHONE] = { "phone", "VR", "virtual", N_("Phone") },
  [KITH_CONTACT_CLINIC] = { "clinic", "AMB", "ambulatory", N_("Clinic") },
  [KITH_CONTACT_EMAIL] = { "email", "VR", "virtual", N_("Email") },
};

/* --- helpers ---------------------------------------------------------------- */

void
kith_contact_entry_free (KithContactEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->patient_id);
  g_free (entry->when);
  g_strfreev (entry->participants);
  g_free (entry->notes);
  g_free (entry->plan_id);
  g_free (entry->action_id);
  g_free (entry);
}

void
kith_hospital_stay_free (KithHospitalStay *stay)
{
  if (stay == NULL)
    return;
  g_free (stay->id);
  g_free (stay->patient_id);
  g_free (stay->admitted);
  g_free (stay->discharged);
  g_free (stay->hospital);
  g_free (stay->reason);
  g_free (stay->discharge_note);
  g_free (stay);
}

void
kith_ward_stay_free (KithWardStay *stay)
{
  if (stay == NULL)
    return;
  g_free (stay->id);
  g_free (stay->patient_id);
  g_free (stay->person_name);
  g_free (stay->admitted);
  g_free (stay->discharged);
  g_free (stay->clinician);
  g_free (stay);
}

static char *
clean_text (const char *text)
{
  char *copy;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

static JsonObject *
array_object (JsonArray *array,
              guint      i)
{
  JsonNode *node = array && i < json_array_get_length (array) ? json_array_get_element (array, i) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}


static void
today_date (GDate *today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (today, 1);
  g_date_set_dmy (today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
}

static char *
format_date (const GDate *date)
{
  char text[11];

  g_date_strftime (text, sizeof text, "%Y-%m-%d", date);
  return g_strdup (text);
}

static gboolean
parse_date (const char *text,
            GDate      *date)
{
  unsigned y, m, d;

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4u-%2u-%2u", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

/* A date, or a date and time (local unless it says otherwise). */
static GDateTime *
parse_date_time (const char *text)
{
  g_autoptr(GTimeZone) local = NULL;

  if (text == NULL || strlen (text) <= 10 || text[10] != 'T')
    return NULL;
  local = g_time_zone_new_local ();
  return g_date_time_new_from_iso8601 (text, local);
}

/* The local calendar day of a date or an instant. */
static gboolean
day_of (const char *when,
        GDate      *day)
{
  g_autoptr(GDateTime) parsed = parse_date_time (when);

  if (parsed == NULL)
    return parse_date (when, day);
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (parsed);

    g_date_clear (day, 1);
    g_date_set_dmy (day, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                    g_date_time_get_year (local));
  }
  return TRUE;
}

/* For ordering: seconds since 1970, a date at its local midnight. */
static gint64
sort_time (const char *when)
{
  g_autoptr(GDateTime) parsed = parse_date_time (when);
  GDate date;

  if (parsed != NULL)
    return g_date_time_to_unix (parsed);
  if (parse_date (when, &date))
    {
      g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_get_year (&date), g_date_get_month (&date),
                                                             g_date_get_day (&date), 0, 0, 0);

      return midnight ? g_date_time_to_unix (midnight) : G_MININT64;
    }
  return G_MININT64;
}

/* @when as the record keeps it: an instant, or a date as given. */
static char *
normalise_when (const char  *when,
                gboolean     may_be_future,
                const char  *what,
                GError     **error)
{
  g_autofree char *text = clean_text (when);
  g_autoptr(GDateTime) parsed = parse_date_time (text);
  GDate day, today;

  if (text == NULL)
    {
      /* TRANSLATORS: %s is what the date is of, "Contact" or "Visit" */
      g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID, _("%s: say when"), what);
      return NULL;
    }
  if (parsed == NULL && !parse_date (text, &day))
    {
      g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                   _("%s: “%s” is not a real date and time"), what, text);
      return NULL;
    }
  today_date (&today);
  if (!may_be_future)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      if ((parsed != NULL && g_date_time_difference (parsed, now) > FUTURE_SLACK) ||
          (parsed == NULL && g_date_compare (&day, &today) > 0))
        {
          g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                       _("%s: cannot be in the future"), what);
          return NULL;
        }
    }
  return parsed != NULL ? kith_fhir_format_instant (parsed) : g_steal_pointer (&text);
}

/* A date (YYYY-MM-DD) that has come: an admission or a discharge. */
static char *
check_past_date (const char  *date,
                 const char  *what,
                 GError     **error)
{
  g_autofree char *text = clean_text (date);
  GDate day, today;

  if (text == NULL)
    {
      /* TRANSLATORS: %s is what the date is of, "Discharge date" */
      g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID, _("%s: say when"), what);
      return NULL;
    }
  if (!parse_date (text, &day))
    {
      g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                   _("%s: not a real date (use the form 2027-03-01)"), what);
      return NULL;
    }
  today_date (&today);
  if (g_date_compare (&day, &today) > 0)
    {
      g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                   _("%s: cannot be in the future"), what);
      return NULL;
    }
  return g_steal_pointer (&text);
}

/* Dates or instants compared by calendar day: negative when @a is before. */
static int
compare_days (const char *a,
              const char *b)
{
  GDate da, db;

  if (!day_of (a, &da) || !day_of (b, &db))
    return 0;
  return g_date_compare (&da, &db);
}

static gboolean
check_person (KithStore   *store,
              const char  *patient_id,
              GError     **error)
{
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(GError) local_error = NULL;

  if (patient_id == NULL || !kith_fhir_is_valid_id (patient_id))
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID, _("Choose the person"));
      return FALSE;
    }
  if ((patient = kith_store_read_resource (store, "Patient", patient_id, &local_error)) != NULL)
    return TRUE;
  if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) ||
      g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
    g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_NOT_FOUND,
                         _("This person is not in the records on this computer"));
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static const char *
first_code (JsonObject *resource,
            const char *member)
{
  JsonObject *concept = array_object (kith_fhir_get_array (resource, member), 0);

  return kith_fhir_get_string (array_object (kith_fhir_get_array (concept, "coding"), 0), "code");
}

static JsonArray *
concept_list (const char *system,
              const char *code,
              const char *display)
{
  JsonArray *concepts = json_array_new ();
  JsonObject *concept = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", system);
  json_object_set_string_member (coding, "code", code);
  if (display)
    json_object_set_string_member (coding, "display", display);
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (concept, "coding", codings);
  json_array_add_object_element (concepts, concept);
  return concepts;
}

static void
set_class (JsonObject *encounter,
           const char *code,
           const char *display)
{
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", ACT_CODE_SYSTEM);
  json_object_set_string_member (coding, "code", code);
  json_object_set_string_member (coding, "display", display);
  json_object_set_object_member (encounter, "class", coding);
}

/* period.start / period.end, keeping the other */
static void
set_period (JsonObject *resource,
            const char *member,
            const char *value)
{
  JsonObject *period = kith_fhir_get_object (resource, "period");

  if (period == NULL)
    {
      json_object_set_object_member (resource, "period", json_object_new ());
      period = kith_fhir_get_object (resource, "period");
    }
  if (value != NULL)
    json_object_set_string_member (period, member, value);
  else if (json_object_has_member (period, member))
    json_object_remove_member (period, member);
}

static const char *
period_of (JsonObject *resource,
           const char *member)
{
  return kith_fhir_get_string (kith_fhir_get_object (resource, "period"), member);
}

static const char *
patient_of (JsonObject *resource,
            const char *member)
{
  return kith_fhir_reference_id (kith_fhir_get_string (kith_fhir_get_object (resource, member), "reference"),
                                 "Patient");
}

static gboolean
is_contact_encounter (JsonObject      *encounter,
                      KithContactKind *kind)
{
  return g_strcmp0 (kith_fhir_get_string (encounter, "resourceType"), "Encounter") == 0 &&
         kith_contact_kind_from_code (first_code (encounter, "type"), kind);
}

static gboolean
is_hospital_stay (JsonObject *encounter)
{
  return g_strcmp0 (first_code (encounter, "type"), HOSPITAL_STAY) == 0;
}

/* "Tunde Afolabi (Care co-ordinator)" -> "tunde afolabi" */
static char *
fold_professional (const char *name)
{
  g_autofree char *copy = g_strstrip (g_strdup (name ? name : ""));
  char *bracket;

  if (g_str_has_suffix (copy, ")") && (bracket = g_strrstr (copy, " (")) != NULL)
    *bracket = '\0';
  g_strstrip (copy);
  return g_utf8_casefold (copy, -1);
}

/* The plan action "CarePlan/<plan>#<action>" an entry names must be in the
 * person's plan. */
static gboolean
check_plan_action (KithStore              *store,
                   const KithContactEntry *entry,
                   GError                **error)
{
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GError) local_error = NULL;

  if (entry->plan_id == NULL && entry->action_id == NULL)
    return TRUE;
  if (entry->plan_id == NULL || entry->action_id == NULL || !kith_fhir_is_valid_id (entry->plan_id))
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                           _("Plan action: name both the plan and the action"));
      return FALSE;
    }
  if ((plan = kith_care_plan_load (store, entry->plan_id, &local_error)) == NULL)
    {
      if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
        g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_NOT_FOUND,
                             _("Plan action: the plan is not in the records on this computer"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_strcmp0 (kith_care_plan_get_patient_id (plan), entry->patient_id) != 0)
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                           _("Plan action: the plan is someone else’s"));
      return FALSE;
    }
  actions = kith_care_plan_list_actions (plan);
  for (guint i = 0; i < actions->len; i++)
    if (g_strcmp0 (((KithAction *) actions->pdata[i])->id, entry->action_id) == 0)
      return TRUE;
  g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_NOT_FOUND,
                       _("Plan action: there is no such action in the person’s plan"));
  return FALSE;
}

/* Checks @entry and writes it into @encounter (new or loaded). */
static gboolean
fill_encounter (KithStore              *store,
                JsonObject             *encounter,
                const KithContactEntry *entry,
                const char             *status,
                GError                **error)
{
  gboolean planned = g_strcmp0 (status, "planned") == 0;
  const char *what = planned ? _("Visit") : _("Contact");
  g_autofree char *when = NULL;
  g_autofree char *notes = NULL;
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_free);
  JsonArray *participants;

  if (!check_person (store, entry->patient_id, error))
    return FALSE;
  if ((guint) entry->kind >= KITH_CONTACT_N_KINDS)
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                           _("Say what kind of contact it was"));
      return FALSE;
    }
  if (!(when = normalise_when (entry->when, planned, what, error)))
    return FALSE;
  for (guint i = 0; entry->participants && entry->participants[i]; i++)
    {
      char *name = clean_text (entry->participants[i]);

      if (name)
        g_ptr_array_add (people, name);
    }
  if (people->len == 0)
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                           planned ? _("Visit: say who will make it") : _("Contact: say who was there"));
      return FALSE;
    }
  if (!check_plan_action (store, entry, error))
    return FALSE;

  json_object_set_string_member (encounter, "resourceType", "Encounter");
  json_object_set_string_member (encounter, "status", status);
  set_class (encounter, kinds[entry->kind].act_code, kinds[entry->kind].act_display);
  json_object_set_array_member (encounter, "type",
                                concept_list (KITH_CONTACT_TYPE_SYSTEM, kinds[entry->kind].code, NULL));
  json_object_set_object_member (encounter, "subject", kith_fhir_new_reference ("Patient", entry->patient_id, NULL));
  set_period (encounter, "start", when);
  participants = json_array_new ();
  for (guint i = 0; i < people->len; i++)
    {
      JsonObject *participant = json_object_new ();
      JsonObject *individual = json_object_new ();

      json_object_set_string_member (individual, "display", people->pdata[i]);
      json_object_set_object_member (participant, "individual", individual);
      json_array_add_object_element (participants, participant);
    }
  json_object_set_array_member (encounter, "participant", participants);
  notes = clean_text (entry->notes);
  kith_fhir_set_extension (encounter, EXT_CONTACT_NOTE, "valueString", notes ? string_node (notes) : NULL);
  if (entry->plan_id != NULL)
    {
      g_autofree char *link = g_strdup_printf ("CarePlan/%s#%s", entry->plan_id, entry->action_id);

      kith_fhir_set_extension (encounter, EXT_PLAN_ACTION, "valueString", string_node (link));
    }
  else
    kith_fhir_set_extension (encounter, EXT_PLAN_ACTION, "valueString", NULL);
  return TRUE;
}

/* Reads a contact Encounter the store holds, refusing anything else. */
static JsonObject *
read_contact (KithStore   *store,
              const char  *encounter_id,
              GError     **error)
{
  g_autoptr(JsonObject) encounter = NULL;
  g_autoptr(GError) local_error = NULL;
  KithContactKind kind;

  if (encounter_id == NULL || !kith_fhir_is_valid_id (encounter_id))
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_NOT_FOUND,
                           _("This contact is not in the records on this computer"));
      return NULL;
    }
  encounter = kith_store_read_resource (store, "Encounter", encounter_id, &local_error);
  if (encounter == NULL)
    {
      if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
        g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_NOT_FOUND,
                             _("This contact is not in the records on this computer"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!is_contact_encounter (encounter, &kind))
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                           _("This record is not a contact with a person"));
      return NULL;
    }
  return g_steal_pointer (&encounter);
}

/* When a contact was, as a moment: a contact logged by its date alone
 * counts as at the end of that day, or now if that is sooner. */
static GDateTime *
contact_moment (const char *when)
{
  GDateTime *parsed = parse_date_time (when);
  GDate day;

  if (parsed == NULL && parse_date (when, &day))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GDateTime) end = g_date_time_new_local (g_date_get_year (&day), g_date_get_month (&day),
                                                        g_date_get_day (&day), 23, 59, 59);

      parsed = end && g_date_time_compare (end, now) < 0 ? g_date_time_ref (end) : g_date_time_ref (now);
    }
  return parsed;
}

static gboolean
save_contact (KithStore   *store,
              JsonObject  *encounter,
              const char  *if_match,
              gboolean     finished,
              GError     **error)
{
  const char *patient_id = patient_of (encounter, "subject");
  g_autoptr(GDateTime) moment = finished ? contact_moment (period_of (encounter, "start")) : NULL;

  if (!kith_store_begin (store, error))
    return FALSE;
  /* A contact logged is the first contact on the person's referral. */
  if (!kith_store_save_resource (store, encounter, if_match, error) ||
      (moment != NULL && !kith_referral_note_first_contact (store, patient_id, moment, error)))
    {
      kith_store_rollback (store);
      return FALSE;
    }
  /* A failed commit rolls itself back. */
  return kith_store_commit (store, error);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const KithContactEntry *x = *(KithContactEntry * const *) a;
  const KithContactEntry *y = *(KithContactEntry * const *) b;
  gint64 tx = sort_time (x->when), ty = sort_time (y->when);

  return (tx < ty) - (tx > ty);
}

static int
compare_earliest_first (gconstpointer a,
                        gconstpointer b)
{
  return compare_newest_first (b, a);
}

/* --- contacts ---------------------------------------------------------------- */

const char *
kith_contact_kind_to_code (KithContactKind kind)
{
  g_return_val_if_fail ((guint) kind < KITH_CONTACT_N_KINDS, NULL);

  return kinds[kind].code;
}

gboolean
kith_contact_kind_from_code (const char      *code,
                             KithContactKind *kind)
{
  for (guint i = 0; code && i < KITH_CONTACT_N_KINDS; i++)
    if (strcmp (code, kinds[i].code) == 0)
      {
        if (kind)
          *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
kith_contact_kind_to_label (KithContactKind kind)
{
  g_return_val_if_fail ((guint) kind < KITH_CONTACT_N_KINDS, NULL);

  return _(kinds[kind].label);
}

GStrv
kith_contact_split_participants (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit_set (text ? text : "", ",;\n", -1);

  for (guint i = 0; parts[i]; i++)
    {
      g_autofree char *name = clean_text (parts[i]);

      if (name)
        g_strv_builder_add (builder, name);
    }
  return g_strv_builder_end (builder);
}

KithContactEntry *
kith_contact_entry_new_from_json (JsonObject  *encounter,
                                  GError     **error)
{
  g_autoptr(KithContactEntry) entry = g_new0 (KithContactEntry, 1);
  g_autoptr(GStrvBuilder) people = g_strv_builder_new ();
  JsonArray *participants;
  const char *link;
  KithContactKind kind;

  g_return_val_if_fail (encounter != NULL, NULL);

  if (!is_contact_encounter (encounter, &kind) || patient_of (encounter, "subject") == NULL)
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                           _("This record is not a contact with a person"));
      return NULL;
    }
  entry->id = g_strdup (kith_fhir_get_string (encounter, "id"));
  entry->patient_id = g_strdup (patient_of (encounter, "subject"));
  entry->kind = kind;
  entry->planned = g_strcmp0 (kith_fhir_get_string (encounter, "status"), "planned") == 0;
  entry->when = g_strdup (period_of (encounter, "start"));
  participants = kith_fhir_get_array (encounter, "participant");
  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    {
      const char *name = kith_fhir_get_string (kith_fhir_get_object (array_object (participants, i), "individual"),
                                               "display");
      if (name)
        g_strv_builder_add (people, name);
    }
  entry->participants = g_strv_builder_end (people);
  entry->notes = g_strdup (kith_fhir_get_extension_string (encounter, EXT_CONTACT_NOTE, "valueString"));
  if ((link = kith_fhir_get_extension_string (encounter, EXT_PLAN_ACTION, "valueString")) != NULL &&
      g_str_has_prefix (link, "CarePlan/"))
    {
      const char *hash = strchr (link, '#');

      if (hash && hash[1])
        {
          entry->plan_id = g_strndup (link + strlen ("CarePlan/"), hash - link - strlen ("CarePlan/"));
          entry->action_id = g_strdup (hash + 1);
        }
    }
  return g_steal_pointer (&entry);
}

KithContactEntry *
kith_contact_load (KithStore   *store,
                   const char  *encounter_id,
                   GError     **error)
{
  g_autoptr(JsonObject) encounter = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(encounter = read_contact (store, encounter_id, error)))
    return NULL;
  return kith_contact_entry_new_from_json (encounter, error);
}

/* A new contact Encounter: @status "finished" for one made (which is the
 * referral's first contact), "planned" for one on the diary. */
static char *
new_contact (KithStore              *store,
             const KithContactEntry *entry,
             const char             *status,
             GError                **error)
{
  g_autoptr(JsonObject) encounter = json_object_new ();
  g_autofree char *id = kith_fhir_new_id ();

  json_object_set_string_member (encounter, "resourceType", "Encounter");
  json_object_set_string_member (encounter, "id", id);
  if (!fill_encounter (store, encounter, entry, status, error) ||
      !save_contact (store, encounter, NULL, g_str_equal (status, "finished"), error))
    return NULL;
  return g_steal_pointer (&id);
}

char *
kith_contact_log (KithStore              *store,
                  const KithContactEntry *entry,
                  GError                **error)
{
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (entry != NULL, NULL);

  return new_contact (store, entry, "finished", error);
}

char *
kith_contact_plan_visit (KithStore              *store,
                         const KithContactEntry *entry,
                         GError                **error)
{
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (entry != NULL, NULL);

  return new_contact (store, entry, "planned", error);
}

gboolean
kith_contact_log_planned (KithStore              *store,
                          const char             *encounter_id,
                          const KithContactEntry *entry,
                          GError                **error)
{
  g_autoptr(JsonObject) encounter = NULL;
  g_autofree char *version = NULL;
  KithContactEntry merged;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!(encounter = read_contact (store, encounter_id, error)))
    return FALSE;
  if (g_strcmp0 (kith_fhir_get_string (encounter, "status"), "planned") != 0)
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE,
                           g_strcmp0 (kith_fhir_get_string (encounter, "status"), "finished") == 0
                             ? _("This visit is already logged")
                             : _("This visit was cancelled"));
      return FALSE;
    }
  if (entry->patient_id != NULL && g_strcmp0 (entry->patient_id, patient_of (encounter, "subject")) != 0)
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                           _("This visit was planned with someone else"));
      return FALSE;
    }
  /* What the entry leaves out stays as planned. */
  merged = *entry;
  merged.patient_id = (char *) patient_of (encounter, "subject");
  if (merged.when == NULL)
    merged.when = (char *) period_of (encounter, "start");
  version = g_strdup (kith_fhir_get_version_id (encounter));
  {
    g_autoptr(JsonObject) updated = kith_fhir_copy_resource (encounter);

    if (!fill_encounter (store, updated, &merged, "finished", error))
      return FALSE;
    return save_contact (store, updated, version, TRUE, error);
  }
}

gboolean
kith_contact_cancel_visit (KithStore   *store,
                           const char  *encounter_id,
                           GError     **error)
{
  g_autoptr(JsonObject) encounter = NULL;
  g_autofree char *version = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!(encounter = read_contact (store, encounter_id, error)))
    return FALSE;
  if (g_strcmp0 (kith_fhir_get_string (encounter, "status"), "planned") != 0)
    {
      g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE,
                           _("Only a planned visit can be cancelled"));
      return FALSE;
    }
  version = g_strdup (kith_fhir_get_version_id (encounter));
  json_object_set_string_member (encounter, "status", "cancelled");
  return kith_store_save_resource (store, encounter, version, error);
}

GPtrArray *
kith_store_list_contacts (KithStore   *store,
                          const char  *patient_id,
                          GError     **error)
{
  g_autoptr(GPtrArray) encounters = NULL;
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_entry_free);

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(encounters = kith_store_list_for_patient (store, "Encounter", patient_id, error)))
    return NULL;
  for (guint i = 0; i < encounters->len; i++)
    {
      JsonObject *encounter = encounters->pdata[i];
      const char *status = kith_fhir_get_string (encounter, "status");
      KithContactEntry *entry;

      if (g_strcmp0 (status, "finished") != 0 && g_strcmp0 (status, "planned") != 0)
        continue;
      /* Anything else (a hospital stay, a malformed record) is not a contact. */
      if ((entry = kith_contact_entry_new_from_json (encounter, NULL)) != NULL)
        g_ptr_array_add (contacts, entry);
    }
  g_ptr_array_sort (contacts, compare_newest_first);
  return g_steal_pointer (&contacts);
}

GPtrArray *
kith_store_list_visits (KithStore    *store,
                        const char   *professional,
                        const GDate  *day,
                        GError      **error)
{
  g_autoptr(GPtrArray) planned = NULL;
  g_autoptr(GPtrArray) visits = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_entry_free);
  g_autofree char *me = NULL;
  GDate wanted;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (day != NULL && g_date_valid (day))
    wanted = *day;
  else
    today_date (&wanted);
  me = fold_professional (professional);
  if (*me == '\0')
    return g_steal_pointer (&visits);

  if (!(planned = kith_store_list_by_code (store, "Encounter", kinds[KITH_CONTACT_HOME_VISIT].code, "planned",
                                           error)))
    return NULL;
  for (guint i = 0; i < planned->len; i++)
    {
      g_autoptr(KithContactEntry) entry = kith_contact_entry_new_from_json (planned->pdata[i], NULL);
      g_autofree char *visitor = NULL;
      GDate on;

      if (entry == NULL || entry->participants == NULL || entry->participants[0] == NULL ||
          !day_of (entry->when, &on) || g_date_compare (&on, &wanted) != 0)
        continue;
      visitor = fold_professional (entry->participants[0]);
      if (strcmp (visitor, me) == 0)
        g_ptr_array_add (visits, g_steal_pointer (&entry));
    }
  g_ptr_array_sort (visits, compare_earliest_first);
  return g_steal_pointer (&visits);
}

/* --- hospital stays --------------------------------------------------------- */

static KithHospitalStay *
stay_from_json (JsonObject *encounter)
{
  KithHospitalStay *stay = g_new0 (KithHospitalStay, 1);
  JsonObject *disposition = kith_fhir_get_object (kith_fhir_get_object (encounter, "hospitalization"),
                                                  "dischargeDisposition");

  stay->id = g_strdup (kith_fhir_get_string (encounter, "id"));
  stay->patient_id = g_strdup (patient_of (encounter, "subject"));
  stay->admitted = g_strdup (period_of (encounter, "start"));
  stay->discharged = g_strdup (period_of (encounter, "end"));
  stay->hospital = g_strdup (kith_fhir_get_string (kith_fhir_get_object (encounter, "serviceProvider"), "display"));
  stay->reason = g_strdup (kith_fhir_get_string (array_object (kith_fhir_get_array (encounter, "reasonCode"), 0),
                                                 "text"));
  stay->discharge_note = g_strdup (kith_fhir_get_string (disposition, "text"));
  return stay;
}

/* The person's hospital-stay Encounters, newest first. */
static GPtrArray *
list_stay_encounters (KithStore   *store,
                      const char  *patient_id,
                      GError     **error)
{
  g_autoptr(GPtrArray) encounters = NULL;
  g_autoptr(GPtrArray) stays = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  if (!(encounters = kith_store_list_for_patient (store, "Encounter", patient_id, error)))
    return NULL;
  for (guint i = 0; i < encounters->len; i++)
    {
      JsonObject *encounter = encounters->pdata[i];
      const char *status = kith_fhir_get_string (encounter, "status");

      if (is_hospital_stay (encounter) &&
          (g_strcmp0 (status, "in-progress") == 0 || g_strcmp0 (status, "finished") == 0))
        g_ptr_array_add (stays, json_object_ref (encounter));
    }
  return g_steal_pointer (&stays);
}

static int
compare_stays_newest_first (gconstpointer a,
                            gconstpointer b)
{
  const KithHospitalStay *x = *(KithHospitalStay * const *) a;
  const KithHospitalStay *y = *(KithHospitalStay * const *) b;
  /* An open stay is the newest of all. */
  gint64 tx = x->discharged ? sort_time (x->discharged) : G_MAXINT64;
  gint64 ty = y->discharged ? sort_time (y->discharged) : G_MAXINT64;

  if (tx == ty)
    {
      tx = sort_time (x->admitted);
      ty = sort_time (y->admitted);
    }
  return (tx < ty) - (tx > ty);
}

static JsonObject *
find_open_stay (GPtrArray *stays)
{
  JsonObject *open = NULL;

  for (guint i = 0; i < stays->len; i++)
    if (g_strcmp0 (kith_fhir_get_string (stays->pdata[i], "status"), "in-progress") == 0 &&
        (open == NULL || sort_time (period_of (stays->pdata[i], "start")) > sort_time (period_of (open, "start"))))
      open = stays->pdata[i];
  return open;
}

static JsonObject *
new_hospital_stay (const char *patient_id)
{
  JsonObject *encounter = json_object_new ();
  g_autofree char *id = kith_fhir_new_id ();

  json_object_set_string_member (encounter, "resourceType", "Encounter");
  json_object_set_string_member (encounter, "id", id);
  set_class (encounter, "IMP", "inpatient encounter");
  json_object_set_array_member (encounter, "type", concept_list (KITH_CONTACT_TYPE_SYSTEM, HOSPITAL_STAY, NULL));
  json_object_set_object_member (encounter, "subject", kith_fhir_new_reference ("Patient", patient_id, NULL));
  return encounter;
}

char *
kith_contact_record_admission (KithStore   *store,
                               const char  *patient_id,
                               const char  *admitted,
                               const char  *hospital,
                               const char  *reason,
                               GError     **error)
{
  g_autoptr(GPtrArray) stays = NULL;
  g_autoptr(JsonObject) encounter = NULL;
  g_autofree char *date = NULL;
  g_autofree char *where = clean_text (hospital);
  g_autofree char *why = clean_text (reason);
  JsonObject *open;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!check_person (store, patient_id, error) ||
      !(date = check_past_date (admitted, _("Admission date"), error)) ||
      !(stays = list_stay_encounters (store, patient_id, error)))
    return NULL;
  if ((open = find_open_stay (stays)) != NULL)
    {
      g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE,
                   _("An admission on %s is already recorded: record the discharge first"),
                   period_of (open, "start") ? period_of (open, "start") : "?");
      return NULL;
    }

  encounter = new_hospital_stay (patient_id);
  json_object_set_string_member (encounter, "status", "in-progress");
  set_period (encounter, "start", date);
  if (where)
    {
      JsonObject *provider = json_object_new ();

      json_object_set_string_member (provider, "display", where);
      json_object_set_object_member (encounter, "serviceProvider", provider);
    }
  if (why)
    {
      JsonArray *reasons = json_array_new ();
      JsonObject *concept = json_object_new ();

      json_object_set_string_member (concept, "text", why);
      json_array_add_object_element (reasons, concept);
      json_object_set_array_member (encounter, "reasonCode", reasons);
    }
  if (!kith_store_save_resource (store, encounter, NULL, error))
    return NULL;
  return g_strdup (kith_fhir_get_string (encounter, "id"));
}

gboolean
kith_contact_record_discharge (KithStore   *store,
                               const char  *patient_id,
                               const char  *discharged,
                               const char  *note,
                               const char  *editor,
                               GError     **error)
{
  g_autoptr(GPtrArray) stays = NULL;
  g_autoptr(JsonObject) encounter = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  g_autofree char *date = NULL;
  g_autofree char *text = clean_text (note);
  g_autofree char *version = NULL;
  g_autofree char *crunch_note = NULL;
  g_autofree char *date_words = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *open;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!check_person (store, patient_id, error) ||
      !(date = check_past_date (discharged, _("Discharge date"), error)) ||
      !(stays = list_stay_encounters (store, patient_id, error)))
    return FALSE;

  if ((open = find_open_stay (stays)) != NULL)
    {
      const char *start = period_of (open, "start");

      if (start && compare_days (date, start) < 0)
        {
          g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                       _("Discharge date: before the admission on %s"), start);
          return FALSE;
        }
      encounter = kith_fhir_copy_resource (open);
      version = g_strdup (kith_fhir_get_version_id (open));
    }
  else
    {
      /* Often the discharge is the first the co-ordinator hears of a stay. */
      for (guint i = 0; i < stays->len; i++)
        if (g_strcmp0 (period_of (stays->pdata[i], "end"), date) == 0)
          {
            g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE,
                                 _("This discharge is already recorded"));
            return FALSE;
          }
      encounter = new_hospital_stay (patient_id);
    }
  json_object_set_string_member (encounter, "status", "finished");
  set_period (encounter, "end", date);
  if (text)
    {
      JsonObject *hospitalization = json_object_new ();
      JsonObject *disposition = json_object_new ();

      json_object_set_string_member (disposition, "text", text);
      json_object_set_object_member (hospitalization, "dischargeDisposition", disposition);
      json_object_set_object_member (encounter, "hospitalization", hospitalization);
    }

  if (!kith_store_begin (store, error))
    return FALSE;
  if (!kith_store_save_resource (store, encounter, version, error))
    goto fail;

  /* A discharge is a crunch point: the plan is reviewed from that day. */
  plan = kith_care_plan_load_current (store, patient_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }
  if (plan != NULL)
    {
      date_words = kith_plan_document_format_date (date);
      crunch_note = text ? g_strdup_printf (_("Discharged from hospital on %s: %s"), date_words, text)
                         : g_strdup_printf (_("Discharged from hospital on %s"), date_words);
      kith_care_plan_record_crunch_point (plan, KITH_CRUNCH_DISCHARGE, crunch_note);
      if (!kith_care_plan_set_review_date (plan, date, error) ||
          !kith_care_plan_save (plan, store, editor, error))
        goto fail;
    }
  /* A failed commit rolls itself back. */
  return kith_store_commit (store, error);

fail:
  kith_store_rollback (store);
  return FALSE;
}

GPtrArray *
kith_store_list_hospital_stays (KithStore   *store,
                                const char  *patient_id,
                                GError     **error)
{
  g_autoptr(GPtrArray) encounters = NULL;
  GPtrArray *stays;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(encounters = list_stay_encounters (store, patient_id, error)))
    return NULL;
  stays = g_ptr_array_new_full (encounters->len, (GDestroyNotify) kith_hospital_stay_free);
  for (guint i = 0; i < encounters->len; i++)
    g_ptr_array_add (stays, stay_from_json (encounters->pdata[i]));
  g_ptr_array_sort (stays, compare_stays_newest_first);
  return stays;
}

KithHospitalStay *
kith_contact_get_open_stay (KithStore   *store,
                            const char  *patient_id,
                            GError     **error)
{
  g_autoptr(GPtrArray) encounters = NULL;
  JsonObject *open;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(encounters = list_stay_encounters (store, patient_id, error)))
    return NULL;
  open = find_open_stay (encounters);
  return open ? stay_from_json (open) : NULL;
}

/* --- the virtual ward ------------------------------------------------------- */

static gboolean
is_ward_episode (JsonObject *episode)
{
  return g_strcmp0 (first_code (episode, "type"), VIRTUAL_WARD) == 0;
}

static KithWardStay *
ward_stay_from_json (KithStore  *store,
                     JsonObject *episode)
{
  KithWardStay *stay = g_new0 (KithWardStay, 1);
  g_autoptr(KithPatient) patient = NULL;

  stay->id = g_strdup (kith_fhir_get_string (episode, "id"));
  stay->patient_id = g_strdup (patient_of (episode, "patient"));
  stay->admitted = g_strdup (period_of (episode, "start"));
  stay->discharged = g_strdup (period_of (episode, "end"));
  stay->clinician = g_strdup (kith_fhir_get_string (kith_fhir_get_object (episode, "careManager"), "display"));
  if (store != NULL && stay->patient_id != NULL &&
      (patient = kith_store_load_patient (store, stay->patient_id, NULL)) != NULL)
    stay->person_name = kith_patient_dup_list_name (patient);
  return stay;
}

static JsonObject *
find_active_ward_episode (KithStore   *store,
                          const char  *patient_id,
                          GError     **error)
{
  g_autoptr(GPtrArray) episodes = NULL;

  if (!(episodes = kith_store_list_for_patient (store, "EpisodeOfCare", patient_id, error)))
    return NULL;
  for (guint i = 0; i < episodes->len; i++)
    if (is_ward_episode (episodes->pdata[i]) &&
        g_strcmp0 (kith_fhir_get_string (episodes->pdata[i], "status"), "active") == 0)
      return json_object_ref (episodes->pdata[i]);
  return NULL;
}

static int
compare_ward_stays (gconstpointer a,
                    gconstpointer b)
{
  const KithWardStay *x = *(KithWardStay * const *) a;
  const KithWardStay *y = *(KithWardStay * const *) b;
  gint64 tx = sort_time (x->admitted), ty = sort_time (y->admitted);

  if (tx != ty)
    return (tx > ty) - (tx < ty);
  return g_strcmp0 (x->person_name, y->person_name);
}

char *
kith_virtual_ward_admit (KithStore   *store,
                         const char  *patient_id,
                         const char  *admitted,
                         const char  *clinician,
                         gboolean     force,
                         GError     **error)
{
  g_autoptr(JsonObject) episode = NULL;
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(GPtrArray) occupants = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *date = NULL;
  g_autofree char *who = clean_text (clinician);
  g_autofree char *id = NULL;
  guint capacity;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (admitted == NULL)
    {
      GDate today;

      today_date (&today);
      date = format_date (&today);
    }
  else if (!(date = check_past_date (admitted, _("Admission date"), error)))
    return NULL;
  if (!check_person (store, patient_id, error))
    return NULL;
  if ((current = find_active_ward_episode (store, patient_id, &local_error)) != NULL)
    {
      g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE,
                   _("Already on the virtual ward since %s"),
                   period_of (current, "start") ? period_of (current, "start") : "?");
      return NULL;
    }
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!(occupants = kith_store_list_by_code (store, "EpisodeOfCare", VIRTUAL_WARD, "active", error)))
    return NULL;
  capacity = kith_store_get_virtual_ward_capacity (store);
  if (occupants->len >= capacity && !force)
    {
      g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WARD_FULL,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The virtual ward is full: %u of %u place is taken. "
                                "Admit anyway only if the ward can care for one more.",
                                "The virtual ward is full: %u of %u places are taken. "
                                "Admit anyway only if the ward can care for one more.",
                                capacity),
                   occupants->len, capacity);
      return NULL;
    }

  episode = json_object_new ();
  id = kith_fhir_new_id ();
  json_object_set_string_member (episode, "resourceType", "EpisodeOfCare");
  json_object_set_string_member (episode, "id", id);
  json_object_set_string_member (episode, "status", "active");
  json_object_set_array_member (episode, "type", concept_list (KITH_EPISODE_TYPE_SYSTEM, VIRTUAL_WARD, NULL));
  json_object_set_object_member (episode, "patient", kith_fhir_new_reference ("Patient", patient_id, NULL));
  set_period (episode, "start", date);
  if (who)
    {
      JsonObject *manager = json_object_new ();

      json_object_set_string_member (manager, "display", who);
      json_object_set_object_member (episode, "careManager", manager);
    }
  if (!kith_store_save_resource (store, episode, NULL, error))
    return NULL;
  return g_steal_pointer (&id);
}

gboolean
kith_virtual_ward_discharge (KithStore   *store,
                             const char  *patient_id,
                             const char  *discharged,
                             GError     **error)
{
  g_autoptr(JsonObject) episode = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *date = NULL;
  g_autofree char *version = NULL;
  const char *start;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (discharged == NULL)
    {
      GDate today;

      today_date (&today);
      date = format_date (&today);
    }
  else if (!(date = check_past_date (discharged, _("Discharge date"), error)))
    return FALSE;
  if (!check_person (store, patient_id, error))
    return FALSE;
  if (!(episode = find_active_ward_episode (store, patient_id, &local_error)))
    {
      if (local_error)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_WRONG_STATE,
                             _("This person is not on the virtual ward"));
      return FALSE;
    }
  if ((start = period_of (episode, "start")) != NULL && compare_days (date, start) < 0)
    {
      g_set_error (error, KITH_CONTACT_ERROR, KITH_CONTACT_ERROR_INVALID,
                   _("Discharge date: before the admission on %s"), start);
      return FALSE;
    }
  version = g_strdup (kith_fhir_get_version_id (episode));
  json_object_set_string_member (episode, "status", "finished");
  set_period (episode, "end", date);
  return kith_store_save_resource (store, episode, version, error);
}

KithWardStay *
kith_virtual_ward_get_stay (KithStore   *store,
                            const char  *patient_id,
                            GError     **error)
{
  g_autoptr(JsonObject) episode = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(episode = find_active_ward_episode (store, patient_id, error)))
    return NULL;
  return ward_stay_from_json (store, episode);
}

GPtrArray *
kith_store_list_virtual_ward (KithStore  *store,
                              GError    **error)
{
  g_autoptr(GPtrArray) episodes = NULL;
  GPtrArray *stays;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(episodes = kith_store_list_by_code (store, "EpisodeOfCare", VIRTUAL_WARD, "active", error)))
    return NULL;
  stays = g_ptr_array_new_full (episodes->len, (GDestroyNotify) kith_ward_stay_free);
  for (guint i = 0; i < episodes->len; i++)
    if (patient_of (episodes->pdata[i], "patient") != NULL)
      g_ptr_array_add (stays, ward_stay_from_json (store, episodes->pdata[i]));
  g_ptr_array_sort (stays, compare_ward_stays);
  return stays;
}

int
kith_ward_stay_get_days (const KithWardStay *stay,
                         const GDate        *today)
{
  GDate admitted, now;

  g_return_val_if_fail (stay != NULL, 0);

  if (!day_of (stay->admitted, &admitted))
    return 0;
  if (today != NULL && g_date_valid (today))
    now = *today;
  else
    today_date (&now);
  return MAX (0, g_date_days_between (&admitted, &now));
}

guint
kith_store_get_virtual_ward_capacity (KithStore *store)
{
  g_autofree char *owned = NULL;
  const char *setting;
  gint64 people;

  g_return_val_if_fail (KITH_IS_STORE (store), 0);

  setting = kith_store_get_setting (store, WARD_CAPACITY_SETTING, &owned);
  if (setting != NULL && *setting != '\0')
    {
      guint64 value;

      if (g_ascii_string_to_unsigned (setting, 10, 0, G_MAXUINT, &value, NULL))
        return (guint) value;
    }
  /* 0.5% of the registered list, rounded up */
  people = kith_store_count_resources (store, "Patient");
  if (people <= 0)
    return 0;
  return (guint) MIN ((people * 5 + 999) / 1000, (gint64) G_MAXUINT);
}

gboolean
kith_store_set_virtual_ward_capacity (KithStore  *store,
                                      int         capacity,
                                      GError    **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (capacity >= 0)
    value = g_strdup_printf ("%d", capacity);
  return kith_store_set_setting (store, WARD_CAPACITY_SETTING, value, error);
}
