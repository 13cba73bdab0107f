/* kith-mdt.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A multidisciplinary team meeting is ONE FHIR Encounter (COORDINATION.md,
 * "MDT meeting"): who attended as participants, the agenda as a contained
 * List in the agreed order, each entry with why the person is on it, the
 * discussion and references to the actions agreed. The actions themselves
 * live in each person's plan, so they reach the plan and the owners' task
 * lists like any other action.
 */

#define G_LOG_DOMAIN "kith-mdt"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-care-plan.h"
#include "kith-caseload.h"
#include "kith-fhir.h"
#include "kith-mdt.h"
#include "kith-store-private.h"

#define CONTACT_TYPE_SYSTEM      KITH_FHIR_BASE "/CodeSystem/contact-type"
#define PARTICIPATION_SYSTEM     "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
#define MEETING_CODE             "mdt-meeting"
#define AGENDA_ID                "agenda"
#define URL_ATTENDED             KITH_FHIR_SD "attended"
#define URL_REASON               KITH_FHIR_SD "agenda-reason"
#define URL_NOTE                 KITH_FHIR_SD "discussion-note"
#define URL_DISCUSSED            KITH_FHIR_SD "discussed"
#define URL_ACTION               KITH_FHIR_SD "meeting-action"
#define URL_FROM_MEETING         KITH_FHIR_SD "from-meeting"

struct _KithMeeting
{
  GObject     parent_instance;

  JsonObject *encounter;   /* the working copy */
  JsonObject *base;        /* as last loaded or saved; NULL before the first save */
  guint       left_off[KITH_AGENDA_N_REASONS];
};

G_DEFINE_FINAL_TYPE (KithMeeting, kith_meeting, G_TYPE_OBJECT)

G_DEFINE_QUARK (kith-meeting-error-quark, kith_meeting_error)

static const char * const reason_codes[KITH_AGENDA_N_REASONS] = {
  "new-referral", "safety-alert", "high-risk", "review-due", "added",
};

static const char * const status_codes[] = { "planned", "in-progress", "finished" };

/* --- small things ---------------------------------------------------------- */

void
kith_agenda_item_free (KithAgendaItem *item)
{
  if (item == NULL)
    return;
  g_free (item->patient_id);
  g_free (item->name);
  g_free (item->note);
  g_strfreev (item->actions);
  g_free (item);
}

void
kith_attendee_free (KithAttendee *attendee)
{
  if (attendee == NULL)
    return;
  g_free (attendee->name);
  g_free (attendee);
}

void
kith_person_name_free (KithPersonName *person)
{
  if (person == NULL)
    return;
  g_free (person->id);
  g_free (person->list_name);
  g_free (person);
}

void
kith_agenda_rules_init (KithAgendaRules *rules)
{
  g_return_if_fail (rules != NULL);

  rules->reasons = KITH_AGENDA_REASON (KITH_AGENDA_NEW_REFERRAL) | KITH_AGENDA_REASON (KITH_AGENDA_SAFETY_ALERT) |
                   KITH_AGENDA_REASON (KITH_AGENDA_HIGH_RISK) | KITH_AGENDA_REASON (KITH_AGENDA_REVIEW_DUE);
  rules->min_tier = KITH_FRAILTY_SEVERE;
  rules->max_per_reason = KITH_AGENDA_DEFAULT_MAX;
}

const char *
kith_agenda_reason_to_code (KithAgendaReason reason)
{
  g_return_val_if_fail ((guint) reason < KITH_AGENDA_N_REASONS, NULL);
  return reason_codes[reason];
}

const char *
kith_agenda_reason_to_string (KithAgendaReason reason)
{
  switch (reason)
    {
    case KITH_AGENDA_NEW_REFERRAL: return _("New referral waiting for triage");
    case KITH_AGENDA_SAFETY_ALERT: return _("Safety alert waiting for an action");
    case KITH_AGENDA_HIGH_RISK:    return _("High risk");
    case KITH_AGENDA_REVIEW_DUE:   return _("Plan review due");
    case KITH_AGENDA_ADDED:        return _("Added to the agenda");
    default:                       return "";
    }
}

const char *
kith_meeting_status_to_string (KithMeetingStatus status)
{
  switch (status)
    {
    case KITH_MEETING_PLANNED:     return _("Planned");
    case KITH_MEETING_IN_PROGRESS: return _("In progress");
    case KITH_MEETING_FINISHED:    return _("Finished");
    default:                       return "";
    }
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

static gboolean
parse_date (const char *iso_date,
            GDate      *date)
{
  int year, month, day;
  char tail;

  g_date_clear (date, 1);
  if (iso_date == NULL || strlen (iso_date) != 10 ||
      sscanf (iso_date, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

static JsonNode *
boolean_node (gboolean value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, value);
  return node;
}

static JsonObject *
array_object (JsonArray *array,
              guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
ensure_array (JsonObject *object,
              const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      json_object_set_array_member (object, member, json_array_new ());
      node = json_object_get_member (object, member);
    }
  return json_node_get_array (node);
}


static gboolean
extension_boolean (JsonObject *element,
                   const char *url)
{
  JsonNode *node = kith_fhir_get_extension (element, url, "valueBoolean");

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

/* --- the patient index ----------------------------------------------------- */

static gboolean
read_person_by_row (KithStore       *store,
                    gint64           row_id,
                    KithPersonName **person,
                    GError         **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (store, "SELECT id, list_name FROM patient_index WHERE pid = ?1", error);
  int rc;

  *person = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *person = g_new0 (KithPersonName, 1);
      (*person)->row_id = row_id;
      (*person)->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      (*person)->list_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* The person's row, name and team, or *person NULL when not indexed. */
static gboolean
read_person_by_id (KithStore       *store,
                   const char      *patient_id,
                   KithPersonName **person,
                   char           **team,
                   GError         **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (store, "SELECT pid, list_name, team FROM patient_index WHERE id = ?1",
                                           error);
  int rc;

  *person = NULL;
  if (team)
    *team = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *person = g_new0 (KithPersonName, 1);
      (*person)->row_id = sqlite3_column_int64 (stmt, 0);
      (*person)->id = g_strdup (patient_id);
      (*person)->list_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      if (team)
        *team = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
kith_store_read_patient_names (KithStore  *store,
                               GArray     *row_ids,
                               GError    **error)
{
  g_autoptr(GPtrArray) people = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (row_ids != NULL, NULL);

  people = g_ptr_array_new_full (row_ids->len, (GDestroyNotify) kith_person_name_free);
  for (guint i = 0; i < row_ids->len; i++)
    {
      KithPersonName *person;

      if (!read_person_by_row (store, g_array_index (row_ids, gint64, i), &person, error))
        return NULL;
      if (person)
        g_ptr_array_add (people, person);
    }
  return g_steal_pointer (&people);
}

/* --- the Encounter --------------------------------------------------------- */

static void
kith_meeting_finalize (GObject *object)
{
  KithMeeting *self = (KithMeeting *) object;

  g_clear_pointer (&self->encounter, json_object_unref);
  g_clear_pointer (&self->base, json_object_unref);

  G_OBJECT_CLASS (kith_meeting_parent_class)->finalize (object);
}

static void
kith_meeting_class_init (KithMeetingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kith_meeting_finalize;
}

static void
kith_meeting_init (KithMeeting *self)
{
}

static JsonObject *
find_agenda (KithMeeting *self)
{
  JsonArray *contained = kith_fhir_get_array (self->encounter, "contained");

  for (guint i = 0; contained && i < json_array_get_length (contained); i++)
    {
      JsonObject *resource = array_object (contained, i);

      if (resource && g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "List") == 0 &&
          g_strcmp0 (kith_fhir_get_string (resource, "id"), AGENDA_ID) == 0)
        return resource;
    }
  return NULL;
}

static JsonArray *
agenda_entries (KithMeeting *self,
                gboolean     create)
{
  JsonObject *agenda = find_agenda (self);

  if (agenda == NULL && create)
    {
      agenda = json_object_new ();
      json_object_set_string_member (agenda, "resourceType", "List");
      json_object_set_string_member (agenda, "id", AGENDA_ID);
      json_object_set_string_member (agenda, "status", "current");
      json_object_set_string_member (agenda, "mode", "working");
      json_object_set_string_member (agenda, "title", "Agenda");
      json_object_set_array_member (agenda, "entry", json_array_new ());
      json_array_add_object_element (ensure_array (self->encounter, "contained"), agenda);
    }
  if (agenda == NULL)
    return NULL;
  return create ? ensure_array (agenda, "entry") : kith_fhir_get_array (agenda, "entry");
}

static JsonObject *
agenda_entry (KithMeeting *self,
              guint        index)
{
  JsonArray *entries = agenda_entries (self, FALSE);

  if (entries == NULL || index >= json_array_get_length (entries))
    return NULL;
  return array_object (entries, index);
}

static const char *
entry_patient_id (JsonObject *entry)
{
  return kith_fhir_reference_id (kith_fhir_get_string (kith_fhir_get_object (entry, "item"), "reference"), "Patient");
}

static KithAgendaReason
entry_reason (JsonObject *entry)
{
  const char *code = kith_fhir_get_extension_string (entry, URL_REASON, "valueCode");

  for (guint i = 0; i < KITH_AGENDA_N_REASONS; i++)
    if (g_strcmp0 (code, reason_codes[i]) == 0)
      return i;
  return KITH_AGENDA_ADDED;
}

static GStrv
entry_actions (JsonObject *entry)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *extensions = kith_fhir_get_array (entry, "extension");

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = array_object (extensions, i);
      const char *value = kith_fhir_get_string (extension, "valueString");

      if (extension && value && g_strcmp0 (kith_fhir_get_string (extension, "url"), URL_ACTION) == 0)
        g_strv_builder_add (builder, value);
    }
  return g_strv_builder_end (builder);
}

static KithAgendaItem *
item_from_entry (JsonObject *entry)
{
  KithAgendaItem *item = g_new0 (KithAgendaItem, 1);

  item->patient_id = g_strdup (entry_patient_id (entry));
  item->name = g_strdup (kith_fhir_get_string (kith_fhir_get_object (entry, "item"), "display"));
  item->reason = entry_reason (entry);
  item->note = g_strdup (kith_fhir_get_extension_string (entry, URL_NOTE, "valueString"));
  item->discussed = extension_boolean (entry, URL_DISCUSSED);
  item->actions = entry_actions (entry);
  return item;
}

static gboolean
validate (JsonObject  *encounter,
          GError     **error)
{
  const char *team;
  GDate date;

  if (g_strcmp0 (kith_fhir_get_string (encounter, "resourceType"), "Encounter") != 0 ||
      g_strcmp0 (kith_fhir_resource_code (encounter), MEETING_CODE) != 0 ||
      !kith_fhir_is_valid_id (kith_fhir_get_string (encounter, "id")))
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("The record is not an MDT meeting"));
      return FALSE;
    }
  if (!parse_date (kith_fhir_get_string (kith_fhir_get_object (encounter, "period"), "start"), &date))
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("The MDT meeting has no date"));
      return FALSE;
    }
  team = kith_fhir_get_string (kith_fhir_get_object (encounter, "serviceProvider"), "display");
  if (team == NULL || *team == '\0')
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("The MDT meeting does not say which team met"));
      return FALSE;
    }
  return TRUE;
}

KithMeeting *
kith_meeting_new_from_json (JsonObject  *encounter,
                            GError     **error)
{
  KithMeeting *self;

  g_return_val_if_fail (encounter != NULL, NULL);

  if (!validate (encounter, error))
    return NULL;
  self = g_object_new (KITH_TYPE_MEETING, NULL);
  self->encounter = kith_fhir_copy_resource (encounter);
  self->base = kith_fhir_copy_resource (encounter);
  return self;
}

KithMeeting *
kith_meeting_new (const char  *date,
                  const char  *team,
                  GError     **error)
{
  g_autoptr(JsonObject) encounter = json_object_new ();
  g_autofree char *id = kith_fhir_new_id ();
  g_autofree char *team_name = clean_text (team);
  JsonObject *type, *coding, *period, *provider;
  JsonArray *codings, *types;
  KithMeeting *self;
  GDate parsed;

  if (!parse_date (date, &parsed))
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("Meeting: the date is not a real date (use the form 2027-03-01)"));
      return NULL;
    }
  if (team_name == NULL)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("Meeting: say which team is meeting"));
      return NULL;
    }

  json_object_set_string_member (encounter, "resourceType", "Encounter");
  json_object_set_string_member (encounter, "id", id);
  json_object_set_string_member (encounter, "status", "planned");
  type = json_object_new ();
  coding = json_object_new ();
  codings = json_array_new ();
  types = json_array_new ();
  period = json_object_new ();
  provider = json_object_new ();
  json_object_set_string_member (coding, "system", CONTACT_TYPE_SYSTEM);
  json_object_set_string_member (coding, "code", MEETING_CODE);
  json_object_set_string_member (coding, "display", "MDT meeting");
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (type, "coding", codings);
  json_array_add_object_element (types, type);
  json_object_set_array_member (encounter, "type", types);
  json_object_set_string_member (period, "start", date);
  json_object_set_object_member (encounter, "period", period);
  json_object_set_string_member (provider, "display", team_name);
  json_object_set_object_member (encounter, "serviceProvider", provider);
  json_object_set_array_member (encounter, "participant", json_array_new ());

  self = g_object_new (KITH_TYPE_MEETING, NULL);
  self->encounter = g_steal_pointer (&encounter);
  agenda_entries (self, TRUE);
  return self;
}

KithMeeting *
kith_meeting_load (KithStore   *store,
                   const char  *meeting_id,
                   GError     **error)
{
  g_autoptr(JsonObject) encounter = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (meeting_id != NULL, NULL);

  if (!(encounter = kith_store_read_resource (store, "Encounter", meeting_id, &local_error)))
    {
      if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
        g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND,
                             _("That MDT meeting is no longer in the store"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return kith_meeting_new_from_json (encounter, error);
}

static int
compare_meetings_newest_first (gconstpointer a,
                               gconstpointer b)
{
  KithMeeting *x = *(KithMeeting **) a;
  KithMeeting *y = *(KithMeeting **) b;

  return -g_strcmp0 (kith_meeting_get_date (x), kith_meeting_get_date (y));
}

GPtrArray *
kith_meeting_list (KithStore  *store,
                   GError    **error)
{
  g_autoptr(GPtrArray) encounters = NULL;
  GPtrArray *meetings;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(encounters = kith_store_list_by_code (store, "Encounter", MEETING_CODE, NULL, error)))
    return NULL;
  meetings = g_ptr_array_new_full (encounters->len, g_object_unref);
  for (guint i = 0; i < encounters->len; i++)
    {
      KithMeeting *meeting = kith_meeting_new_from_json (encounters->pdata[i], NULL);

      /* One damaged record does not hide the others. */
      if (meeting)
        g_ptr_array_add (meetings, meeting);
    }
  /* Stable: the same date keeps the store's newest-first order. */
  g_ptr_array_sort (meetings, compare_meetings_newest_first);
  return meetings;
}

const char *
kith_meeting_get_id (KithMeeting *self)
{
  g_return_val_if_fail (KITH_IS_MEETING (self), NULL);
  return kith_fhir_get_string (self->encounter, "id");
}

const char *
kith_meeting_get_date (KithMeeting *self)
{
  g_return_val_if_fail (KITH_IS_MEETING (self), NULL);
  return kith_fhir_get_string (kith_fhir_get_object (self->encounter, "period"), "start");
}

const char *
kith_meeting_get_team (KithMeeting *self)
{
  g_return_val_if_fail (KITH_IS_MEETING (self), NULL);
  return kith_fhir_get_string (kith_fhir_get_object (self->encounter, "serviceProvider"), "display");
}

KithMeetingStatus
kith_meeting_get_status (KithMeeting *self)
{
  const char *status;

  g_return_val_if_fail (KITH_IS_MEETING (self), KITH_MEETING_PLANNED);

  status = kith_fhir_get_string (self->encounter, "status");
  for (guint i = 0; i < G_N_ELEMENTS (status_codes); i++)
    if (g_strcmp0 (status, status_codes[i]) == 0)
      return i;
  return KITH_MEETING_PLANNED;
}

JsonObject *
kith_meeting_get_json (KithMeeting *self)
{
  g_return_val_if_fail (KITH_IS_MEETING (self), NULL);
  return self->encounter;
}

gboolean
kith_meeting_has_changes (KithMeeting *self)
{
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);

  if (self->base == NULL)
    return TRUE;
  a = json_node_init_object (json_node_alloc (), self->encounter);
  b = json_node_init_object (json_node_alloc (), self->base);
  return !json_node_equal (a, b);
}

/* Every change but building the agenda beforehand starts the meeting. */
static gboolean
check_open (KithMeeting  *self,
            gboolean      starts,
            GError      **error)
{
  KithMeetingStatus status = kith_meeting_get_status (self);

  if (status == KITH_MEETING_FINISHED)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_FINISHED,
                           _("This meeting has finished and is kept as it was"));
      return FALSE;
    }
  if (starts && status == KITH_MEETING_PLANNED)
    json_object_set_string_member (self->encounter, "status", "in-progress");
  return TRUE;
}

/* --- attendance ------------------------------------------------------------ */

static gboolean
participant_is_chair (JsonObject *participant)
{
  JsonArray *types = kith_fhir_get_array (participant, "type");

  for (guint i = 0; types && i < json_array_get_length (types); i++)
    {
      JsonArray *codings = kith_fhir_get_array (array_object (types, i), "coding");

      for (guint c = 0; codings && c < json_array_get_length (codings); c++)
        {
          JsonObject *coding = array_object (codings, c);

          if (g_strcmp0 (kith_fhir_get_string (coding, "system"), PARTICIPATION_SYSTEM) == 0 &&
              g_strcmp0 (kith_fhir_get_string (coding, "code"), "PPRF") == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static const char *
participant_name (JsonObject *participant)
{
  return kith_fhir_get_string (kith_fhir_get_object (participant, "individual"), "display");
}

/* Names match whatever the case and the spaces around them. */
static int
find_participant (KithMeeting *self,
                  const char  *name)
{
  JsonArray *participants = kith_fhir_get_array (self->encounter, "participant");
  g_autofree char *clean = clean_text (name);
  g_autofree char *folded = clean ? g_utf8_casefold (clean, -1) : NULL;

  for (guint i = 0; folded && participants && i < json_array_get_length (participants); i++)
    {
      const char *other = participant_name (array_object (participants, i));
      g_autofree char *other_folded = other ? g_utf8_casefold (other, -1) : NULL;

      if (g_strcmp0 (folded, other_folded) == 0)
        return (int) i;
    }
  return -1;
}

GPtrArray *
kith_meeting_list_attendees (KithMeeting *self)
{
  GPtrArray *attendees = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_attendee_free);
  JsonArray *participants;

  g_return_val_if_fail (KITH_IS_MEETING (self), attendees);

  participants = kith_fhir_get_array (self->encounter, "participant");
  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    {
      JsonObject *participant = array_object (participants, i);
      KithAttendee *attendee;

      if (participant == NULL || participant_name (participant) == NULL)
        continue;
      attendee = g_new0 (KithAttendee, 1);
      attendee->name = g_strdup (participant_name (participant));
      attendee->attended = extension_boolean (participant, URL_ATTENDED);
      attendee->chair = participant_is_chair (participant);
      g_ptr_array_add (attendees, attendee);
    }
  return attendees;
}

static JsonObject *
add_participant (KithMeeting *self,
                 const char  *clean_name)
{
  JsonObject *participant = json_object_new ();
  JsonObject *individual = json_object_new ();

  json_object_set_string_member (individual, "display", clean_name);
  json_object_set_object_member (participant, "individual", individual);
  kith_fhir_set_extension (participant, URL_ATTENDED, "valueBoolean", boolean_node (FALSE));
  json_array_add_object_element (ensure_array (self->encounter, "participant"), participant);
  return participant;
}

gboolean
kith_meeting_add_attendee (KithMeeting  *self,
                           const char   *name,
                           GError      **error)
{
  g_autofree char *clean = clean_text (name);

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);

  if (clean == NULL)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("Attendee: give their name"));
      return FALSE;
    }
  if (find_participant (self, clean) >= 0)
    {
      g_set_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_DUPLICATE,
                   _("%s is already on the list of attendees"), clean);
      return FALSE;
    }
  if (!check_open (self, FALSE, error))
    return FALSE;
  add_participant (self, clean);
  return TRUE;
}

gboolean
kith_meeting_remove_attendee (KithMeeting  *self,
                              const char   *name,
                              GError      **error)
{
  int index;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);

  if ((index = find_participant (self, name)) < 0)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND,
                           _("That person is not on the list of attendees"));
      return FALSE;
    }
  if (!check_open (self, FALSE, error))
    return FALSE;
  json_array_remove_element (kith_fhir_get_array (self->encounter, "participant"), index);
  return TRUE;
}

gboolean
kith_meeting_set_attended (KithMeeting  *self,
                           const char   *name,
                           gboolean      attended,
                           GError      **error)
{
  JsonObject *participant;
  int index;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);

  if ((index = find_participant (self, name)) < 0)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND,
                           _("That person is not on the list of attendees"));
      return FALSE;
    }
  participant = array_object (kith_fhir_get_array (self->encounter, "participant"), index);
  if (extension_boolean (participant, URL_ATTENDED) == !!attended)
    return check_open (self, FALSE, error);
  if (!check_open (self, attended, error))
    return FALSE;
  kith_fhir_set_extension (participant, URL_ATTENDED, "valueBoolean", boolean_node (!!attended));
  return TRUE;
}

const char *
kith_meeting_get_chair (KithMeeting *self)
{
  JsonArray *participants;

  g_return_val_if_fail (KITH_IS_MEETING (self), NULL);

  participants = kith_fhir_get_array (self->encounter, "participant");
  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    {
      JsonObject *participant = array_object (participants, i);

      if (participant && participant_is_chair (participant))
        return participant_name (participant);
    }
  return NULL;
}

gboolean
kith_meeting_set_chair (KithMeeting  *self,
                        const char   *name,
                        GError      **error)
{
  JsonArray *participants;
  g_autofree char *clean = clean_text (name);
  int index;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);

  if (!check_open (self, FALSE, error))
    return FALSE;
  participants = ensure_array (self->encounter, "participant");
  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      JsonObject *participant = array_object (participants, i);

      if (participant && json_object_has_member (participant, "type"))
        json_object_remove_member (participant, "type");
    }
  if (clean == NULL)
    return TRUE;

  if ((index = find_participant (self, clean)) < 0)
    add_participant (self, clean);
  index = find_participant (self, clean);
  {
    JsonObject *participant = array_object (participants, index);
    JsonObject *type = json_object_new ();
    JsonObject *coding = json_object_new ();
    JsonArray *codings = json_array_new ();
    JsonArray *types = json_array_new ();

    json_object_set_string_member (coding, "system", PARTICIPATION_SYSTEM);
    json_object_set_string_member (coding, "code", "PPRF");
    json_object_set_string_member (coding, "display", "primary performer");
    json_array_add_object_element (codings, coding);
    json_object_set_array_member (type, "coding", codings);
    json_object_set_string_member (type, "text", "Chair");
    json_array_add_object_element (types, type);
    json_object_set_array_member (participant, "type", types);
    kith_fhir_set_extension (participant, URL_ATTENDED, "valueBoolean", boolean_node (TRUE));
  }
  return TRUE;
}

/* --- the agenda ------------------------------------------------------------ */

guint
kith_meeting_get_n_items (KithMeeting *self)
{
  JsonArray *entries;

  g_return_val_if_fail (KITH_IS_MEETING (self), 0);

  entries = agenda_entries (self, FALSE);
  return entries ? json_array_get_length (entries) : 0;
}

KithAgendaItem *
kith_meeting_get_item (KithMeeting *self,
                       guint        index)
{
  JsonObject *entry;

  g_return_val_if_fail (KITH_IS_MEETING (self), NULL);

  entry = agenda_entry (self, index);
  return entry ? item_from_entry (entry) : NULL;
}

GPtrArray *
kith_meeting_list_agenda (KithMeeting *self)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_agenda_item_free);
  JsonArray *entries;

  g_return_val_if_fail (KITH_IS_MEETING (self), items);

  entries = agenda_entries (self, FALSE);
  for (guint i = 0; entries && i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = array_object (entries, i);

      if (entry)
        g_ptr_array_add (items, item_from_entry (entry));
    }
  return items;
}

int
kith_meeting_find_person (KithMeeting *self,
                          const char  *patient_id)
{
  JsonArray *entries;

  g_return_val_if_fail (KITH_IS_MEETING (self), -1);

  entries = agenda_entries (self, FALSE);
  for (guint i = 0; patient_id && entries && i < json_array_get_length (entries); i++)
    if (g_strcmp0 (entry_patient_id (array_object (entries, i)), patient_id) == 0)
      return (int) i;
  return -1;
}

static void
append_entry (KithMeeting      *self,
              const char       *patient_id,
              const char       *name,
              KithAgendaReason  reason)
{
  JsonObject *entry = json_object_new ();

  json_object_set_object_member (entry, "item", kith_fhir_new_reference ("Patient", patient_id, name));
  kith_fhir_set_extension (entry, URL_REASON, "valueCode", string_node (reason_codes[reason]));
  json_array_add_object_element (agenda_entries (self, TRUE), entry);
}

static gboolean
check_index (KithMeeting  *self,
             guint         index,
             GError      **error)
{
  if (agenda_entry (self, index) == NULL)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND,
                           _("That person is no longer on the agenda"));
      return FALSE;
    }
  return TRUE;
}

gboolean
kith_meeting_move_item (KithMeeting  *self,
                        guint         from,
                        guint         to,
                        GError      **error)
{
  JsonArray *entries;
  JsonArray *reordered;
  g_autoptr(JsonNode) moving = NULL;
  guint n;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);

  if (!check_index (self, from, error) || !check_index (self, to, error) || !check_open (self, FALSE, error))
    return FALSE;
  if (from == to)
    return TRUE;

  /* json-glib has no insert: the list is rebuilt in the new order. */
  entries = agenda_entries (self, FALSE);
  n = json_array_get_length (entries);
  moving = json_node_ref (json_array_get_element (entries, from));
  reordered = json_array_sized_new (n);
  for (guint i = 0, placed = 0; placed < n; placed++)
    {
      if (placed == to)
        {
          json_array_add_element (reordered, json_node_ref (moving));
          continue;
        }
      if (i == from)
        i++;
      json_array_add_element (reordered, json_node_ref (json_array_get_element (entries, i)));
      i++;
    }
  json_object_set_array_member (find_agenda (self), "entry", reordered);
  return TRUE;
}

gboolean
kith_meeting_add_person (KithMeeting  *self,
                         KithStore    *store,
                         const char   *patient_id,
                         GError      **error)
{
  g_autoptr(KithPersonName) person = NULL;
  int index;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!check_open (self, FALSE, error))
    return FALSE;
  if (patient_id == NULL || !read_person_by_id (store, patient_id, &person, NULL, error))
    return FALSE;
  if (person == NULL)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_NOT_FOUND,
                           _("That person is not in the store"));
      return FALSE;
    }
  if ((index = kith_meeting_find_person (self, patient_id)) >= 0)
    {
      g_set_error (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_DUPLICATE,
                   _("%s is already on the agenda"), person->list_name);
      return FALSE;
    }
  append_entry (self, person->id, person->list_name, KITH_AGENDA_ADDED);
  return TRUE;
}

gboolean
kith_meeting_remove_item (KithMeeting  *self,
                          guint         index,
                          GError      **error)
{
  JsonObject *entry;
  g_auto(GStrv) actions = NULL;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);

  if (!check_index (self, index, error) || !check_open (self, FALSE, error))
    return FALSE;
  /* What was agreed about the person stays on the record. */
  entry = agenda_entry (self, index);
  actions = entry_actions (entry);
  if (g_strv_length (actions) > 0)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("Actions were agreed for this person at the meeting, so they stay on the agenda"));
      return FALSE;
    }
  json_array_remove_element (agenda_entries (self, FALSE), index);
  return TRUE;
}

gboolean
kith_meeting_set_note (KithMeeting  *self,
                       guint         index,
                       const char   *note,
                       GError      **error)
{
  g_autofree char *clean = clean_text (note);
  JsonObject *entry;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);

  if (!check_index (self, index, error))
    return FALSE;
  entry = agenda_entry (self, index);
  if (g_strcmp0 (clean, kith_fhir_get_extension_string (entry, URL_NOTE, "valueString")) == 0)
    return check_open (self, FALSE, error);
  if (!check_open (self, TRUE, error))
    return FALSE;
  kith_fhir_set_extension (entry, URL_NOTE, "valueString", clean ? string_node (clean) : NULL);
  if (clean)
    kith_fhir_set_extension (entry, URL_DISCUSSED, "valueBoolean", boolean_node (TRUE));
  return TRUE;
}

gboolean
kith_meeting_set_discussed (KithMeeting  *self,
                            guint         index,
                            gboolean      discussed,
                            GError      **error)
{
  JsonObject *entry;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);

  if (!check_index (self, index, error))
    return FALSE;
  entry = agenda_entry (self, index);
  if (extension_boolean (entry, URL_DISCUSSED) == !!discussed)
    return check_open (self, FALSE, error);
  if (!check_open (self, TRUE, error))
    return FALSE;
  kith_fhir_set_extension (entry, URL_DISCUSSED, "valueBoolean", discussed ? boolean_node (TRUE) : NULL);
  return TRUE;
}

/* --- building the agenda --------------------------------------------------- */

typedef struct
{
  KithMeeting *self;
  KithStore   *store;
  GHashTable  *row_ids;                      /* the people on the agenda, by patient index row id */
  GArray      *left[KITH_AGENDA_N_REASONS];  /* row ids past the limit */
  guint        max;
} Builder;

static void
builder_note (Builder *b,
              gint64   row_id)
{
  g_hash_table_add (b->row_ids, GSIZE_TO_POINTER ((gsize) row_id));
}

static gboolean
builder_has (Builder *b,
             gint64   row_id)
{
  return g_hash_table_contains (b->row_ids, GSIZE_TO_POINTER ((gsize) row_id));
}

static void
builder_leave_off (Builder          *b,
                   KithAgendaReason  reason,
                   gint64            row_id)
{
  g_array_append_val (b->left[reason], row_id);
}

/* The people a filter finds, in list order, up to the limit. */
static gboolean
add_filtered (Builder                      *b,
              KithAgendaReason              reason,
              const KithCaseloadFilterSpec *spec,
              GError                      **error)
{
  g_autoptr(GArray) found = kith_store_filter_patients (b->store, NULL, spec, NULL, error);
  guint added = 0;

  if (found == NULL)
    return FALSE;
  for (guint i = 0; i < found->len; i++)
    {
      gint64 row_id = g_array_index (found, gint64, i);
      g_autoptr(KithPersonName) person = NULL;

      if (builder_has (b, row_id))
        continue;
      if (added == b->max)
        {
          builder_leave_off (b, reason, row_id);
          continue;
        }
      if (!read_person_by_row (b->store, row_id, &person, error))
        return FALSE;
      if (person == NULL)
        continue;
      append_entry (b->self, person->id, person->list_name, reason);
      builder_note (b, row_id);
      added++;
    }
  return TRUE;
}

typedef struct
{
  gint64  row_id;
  char   *id;
  char   *list_name;
  char   *received;
} Referral;

static void
referral_clear (gpointer data)
{
  Referral *referral = data;

  g_free (referral->id);
  g_free (referral->list_name);
  g_free (referral->received);
}

static int
compare_received (gconstpointer a,
                  gconstpointer b)
{
  return g_strcmp0 (((const Referral *) a)->received, ((const Referral *) b)->received);
}

/* Referrals waiting for triage, the longest waiting first: people of the
 * team, and people no team has taken on yet. One indexed query gives each
 * waiting triage Task's person, their team and when it was received
 * (kith_store_list_by_code() would parse every Task: too slow for the
 * agenda's 50 ms on 100,000 people). */
static gboolean
add_referrals (Builder     *b,
               const char  *team,
               GError     **error)
{
  g_autoptr(GArray) referrals = g_array_new (FALSE, TRUE, sizeof (Referral));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autofree char *team_folded = g_utf8_casefold (team, -1);
  sqlite3_stmt *stmt;
  guint added = 0;
  int rc;

  g_array_set_clear_func (referrals, referral_clear);
  stmt = kith_store_prepare (b->store,
                             "SELECT p.pid, p.id, p.list_name, p.team,"
                             "       coalesce (json_extract (h.json, '$.authoredOn'), r.last_updated)"
                             " FROM resource r"
                             " JOIN patient_index p ON p.id = r.patient_id"
                             " JOIN resource_history h ON h.type = r.type AND h.id = r.id AND h.version_id = r.version_id"
                             " WHERE r.type = 'Task' AND r.code = 'referral-triage' AND r.status = 'requested'"
                             "   AND r.deleted = 0",
                             error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *person_team = (const char *) sqlite3_column_text (stmt, 3);
      Referral referral;

      if (person_team != NULL)
        {
          g_autofree char *stripped = g_strstrip (g_strdup (person_team));
          g_autofree char *folded = g_utf8_casefold (stripped, -1);

          if (*folded != '\0' && strcmp (folded, team_folded) != 0)
            continue;
        }
      referral.row_id = sqlite3_column_int64 (stmt, 0);
      referral.id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      referral.list_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      referral.received = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_array_append_val (referrals, referral);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (b->store, rc, error);
      return FALSE;
    }

  g_array_sort (referrals, compare_received);
  for (guint i = 0; i < referrals->len; i++)
    {
      Referral *referral = &g_array_index (referrals, Referral, i);

      /* Two referrals for one person: one place on the agenda. */
      if (builder_has (b, referral->row_id) ||
          !g_hash_table_add (seen, GSIZE_TO_POINTER ((gsize) referral->row_id)))
        continue;
      if (added == b->max)
        {
          builder_leave_off (b, KITH_AGENDA_NEW_REFERRAL, referral->row_id);
          continue;
        }
      append_entry (b->self, referral->id, referral->list_name, KITH_AGENDA_NEW_REFERRAL);
      builder_note (b, referral->row_id);
      added++;
    }
  return TRUE;
}

gboolean
kith_meeting_build_agenda (KithMeeting            *self,
                           KithStore              *store,
                           const KithAgendaRules  *rules,
                           GError                **error)
{
  g_autoptr(GHashTable) row_ids = g_hash_table_new (NULL, NULL);
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  KithAgendaRules defaults;
  Builder b = { self, store, row_ids, { NULL }, 0 };
  const char *team;
  GDate day_after;
  gboolean ok = TRUE;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (rules == NULL)
    {
      kith_agenda_rules_init (&defaults);
      rules = &defaults;
    }
  if ((guint) rules->min_tier > KITH_FRAILTY_SEVERE)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("Agenda: unknown risk tier"));
      return FALSE;
    }
  if (!check_open (self, FALSE, error))
    return FALSE;
  team = kith_meeting_get_team (self);
  if (team == NULL || *team == '\0')
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("Meeting: say which team is meeting"));
      return FALSE;
    }
  b.max = rules->max_per_reason;
  for (guint r = 0; r < KITH_AGENDA_N_REASONS; r++)
    b.left[r] = g_array_new (FALSE, FALSE, sizeof (gint64));
  before = kith_fhir_copy_resource (self->encounter);

  /* Who is on it already stays, where they are. */
  existing = kith_meeting_list_agenda (self);
  for (guint i = 0; ok && i < existing->len; i++)
    {
      KithAgendaItem *item = existing->pdata[i];
      g_autoptr(KithPersonName) person = NULL;

      ok = read_person_by_id (store, item->patient_id, &person, NULL, error);
      if (person)
        builder_note (&b, person->row_id);
    }

  /* Reviews due on the meeting day count: "overdue" is before the day after. */
  parse_date (kith_meeting_get_date (self), &day_after);
  g_date_add_days (&day_after, 1);

  if (ok && (rules->reasons & KITH_AGENDA_REASON (KITH_AGENDA_NEW_REFERRAL)))
    ok = add_referrals (&b, team, error);
  if (ok && (rules->reasons & KITH_AGENDA_REASON (KITH_AGENDA_SAFETY_ALERT)))
    {
      KithCaseloadFilterSpec spec = { .filters = KITH_CASELOAD_FILTER_TEAM | KITH_CASELOAD_FILTER_ALERT_OPEN,
                                      .team = team };
      ok = add_filtered (&b, KITH_AGENDA_SAFETY_ALERT, &spec, error);
    }
  if (ok && (rules->reasons & KITH_AGENDA_REASON (KITH_AGENDA_HIGH_RISK)))
    {
      KithCaseloadFilterSpec spec = { .filters = KITH_CASELOAD_FILTER_TEAM | KITH_CASELOAD_FILTER_TIER,
                                      .team = team };

      for (KithFrailtyBand band = rules->min_tier; band <= KITH_FRAILTY_SEVERE; band++)
        spec.tiers |= KITH_CASELOAD_TIER (band);
      ok = add_filtered (&b, KITH_AGENDA_HIGH_RISK, &spec, error);
    }
  if (ok && (rules->reasons & KITH_AGENDA_REASON (KITH_AGENDA_REVIEW_DUE)))
    {
      KithCaseloadFilterSpec spec = { .filters = KITH_CASELOAD_FILTER_TEAM | KITH_CASELOAD_FILTER_REVIEW_OVERDUE,
                                      .team = team, .today = &day_after };
      ok = add_filtered (&b, KITH_AGENDA_REVIEW_DUE, &spec, error);
    }

  /* Left off: those past a reason's limit who did not get on for another. */
  memset (self->left_off, 0, sizeof self->left_off);
  for (guint r = 0; r < KITH_AGENDA_N_REASONS; r++)
    {
      for (guint i = 0; ok && i < b.left[r]->len; i++)
        if (!builder_has (&b, g_array_index (b.left[r], gint64, i)))
          self->left_off[r]++;
      g_array_unref (b.left[r]);
    }
  if (!ok)
    {
      /* Nothing half-built. */
      g_clear_pointer (&self->encounter, json_object_unref);
      self->encounter = g_steal_pointer (&before);
    }
  return ok;
}

guint
kith_meeting_get_left_off (KithMeeting      *self,
                           KithAgendaReason  reason)
{
  g_return_val_if_fail (KITH_IS_MEETING (self), 0);
  g_return_val_if_fail ((guint) reason < KITH_AGENDA_N_REASONS, 0);

  return self->left_off[reason];
}

/* --- actions --------------------------------------------------------------- */

static JsonObject *
find_plan_task (KithCarePlan *plan,
                const char   *action_id)
{
  JsonArray *contained = kith_fhir_get_array (kith_care_plan_get_json (plan), "contained");

  for (guint i = 0; contained && i < json_array_get_length (contained); i++)
    {
      JsonObject *resource = array_object (contained, i);

      if (resource && g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), "Task") == 0 &&
          g_strcmp0 (kith_fhir_get_string (resource, "id"), action_id) == 0)
        return resource;
    }
  return NULL;
}

static gboolean
save_encounter (KithMeeting  *self,
                KithStore    *store,
                GError      **error)
{
  g_autoptr(JsonObject) copy = kith_fhir_copy_resource (self->encounter);
  g_autoptr(GError) local_error = NULL;
  const char *base_version = self->base ? kith_fhir_get_version_id (self->base) : NULL;

  if (!kith_store_save_resource (store, copy, base_version, &local_error))
    {
      if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_VERSION_CONFLICT))
        g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_CONFLICT,
                             _("This meeting was changed somewhere else while it was open here. "
                               "Your changes are still on screen; open the meeting again to see both."));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_pointer (&self->encounter, json_object_unref);
  g_clear_pointer (&self->base, json_object_unref);
  self->encounter = kith_fhir_copy_resource (copy);
  self->base = g_steal_pointer (&copy);
  return TRUE;
}

char *
kith_meeting_add_action (KithMeeting  *self,
                         KithStore    *store,
                         guint         index,
                         const char   *text,
                         const char   *owner,
                         const char   *due,
                         GError      **error)
{
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) before_base = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *action_id = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *meeting_ref = NULL;
  g_autofree char *clean_owner = clean_text (owner);
  g_autofree char *editor = NULL;
  KithAction action = { 0 };
  JsonObject *entry;
  JsonObject *task;
  JsonObject *extension;
  const char *patient_id;
  GDate parsed;

  g_return_val_if_fail (KITH_IS_MEETING (self), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!check_index (self, index, error) || !check_open (self, FALSE, error))
    return NULL;
  if (clean_owner == NULL)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("Action: say who will do it"));
      return NULL;
    }
  if (due != NULL && *due != '\0' && !parse_date (due, &parsed))
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("Action: the due date is not a real date (use the form 2027-03-01)"));
      return NULL;
    }
  entry = agenda_entry (self, index);
  patient_id = entry_patient_id (entry);
  if (patient_id == NULL)
    {
      g_set_error_literal (error, KITH_MEETING_ERROR, KITH_MEETING_ERROR_INVALID,
                           _("This agenda item names no person"));
      return NULL;
    }

  plan = kith_care_plan_load_current (store, patient_id, &local_error);
  if (plan == NULL && local_error == NULL)
    plan = kith_care_plan_new_for_patient (store, patient_id, &local_error);
  if (plan == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  action.text = (char *) text;
  action.owner_kind = KITH_OWNER_PROFESSIONAL;
  action.owner = clean_owner;
  action.due = due && *due ? (char *) due : NULL;
  action.status = KITH_ACTION_NOT_STARTED;
  if (!(action_id = kith_care_plan_add_action (plan, &action, error)))
    return NULL;
  meeting_ref = g_strconcat ("Encounter/", kith_meeting_get_id (self), NULL);
  task = find_plan_task (plan, action_id);
  g_assert (task != NULL);
  kith_fhir_set_extension (task, URL_FROM_MEETING, "valueString", string_node (meeting_ref));
  reference = g_strdup_printf ("CarePlan/%s#%s", kith_care_plan_get_id (plan), action_id);

  before = kith_fhir_copy_resource (self->encounter);
  before_base = self->base ? kith_fhir_copy_resource (self->base) : NULL;
  check_open (self, TRUE, NULL);
  extension = json_object_new ();
  json_object_set_string_member (extension, "url", URL_ACTION);
  json_object_set_string_member (extension, "valueString", reference);
  json_array_add_object_element (ensure_array (entry, "extension"), extension);
  kith_fhir_set_extension (entry, URL_DISCUSSED, "valueBoolean", boolean_node (TRUE));

  /* The plan and the meeting together, or neither: an action is never in
   * a plan without the meeting saying where it came from. */
  editor = g_strdup (kith_meeting_get_chair (self));
  if (editor == NULL)
    editor = g_strdup_printf (_("MDT meeting of %s"), kith_meeting_get_date (self));
  if (!kith_store_begin (store, error))
    goto failed;
  if (!kith_care_plan_save (plan, store, editor, error) || !save_encounter (self, store, error))
    {
      kith_store_rollback (store);
      goto failed;
    }
  if (!kith_store_commit (store, error))
    goto failed;
  return g_steal_pointer (&reference);

failed:
  g_clear_pointer (&self->encounter, json_object_unref);
  g_clear_pointer (&self->base, json_object_unref);
  self->encounter = g_steal_pointer (&before);
  self->base = g_steal_pointer (&before_base);
  return NULL;
}

GPtrArray *
kith_meeting_list_item_actions (KithMeeting  *self,
                                KithStore    *store,
                                guint         index,
                                GError      **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_action_free);
  g_autoptr(GHashTable) plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_auto(GStrv) actions = NULL;

  g_return_val_if_fail (KITH_IS_MEETING (self), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!check_index (self, index, error))
    return NULL;
  actions = entry_actions (agenda_entry (self, index));
  for (guint i = 0; actions[i]; i++)
    {
      const char *hash = strchr (actions[i], '#');
      g_autofree char *plan_ref = hash ? g_strndup (actions[i], hash - actions[i]) : NULL;
      const char *plan_id = kith_fhir_reference_id (plan_ref, "CarePlan");
      g_autoptr(GPtrArray) plan_actions = NULL;
      KithCarePlan *plan;

      if (plan_id == NULL)
        continue;
      if (!(plan = g_hash_table_lookup (plans, plan_id)))
        {
          g_autoptr(GError) local_error = NULL;

          if (!(plan = kith_care_plan_load (store, plan_id, &local_error)))
            {
              /* A plan since deleted takes its actions with it. */
              if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) ||
                  g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
                continue;
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          g_hash_table_insert (plans, g_strdup (plan_id), plan);
        }
      plan_actions = kith_care_plan_list_actions (plan);
      for (guint a = 0; a < plan_actions->len; a++)
        {
          KithAction *action = plan_actions->pdata[a];

          if (g_strcmp0 (action->id, hash + 1) == 0)
            {
              g_ptr_array_add (found, g_ptr_array_steal_index (plan_actions, a));
              break;
            }
        }
    }
  return g_steal_pointer (&found);
}

/* --- saving ---------------------------------------------------------------- */

gboolean
kith_meeting_save (KithMeeting  *self,
                   KithStore    *store,
                   GError      **error)
{
  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!kith_meeting_has_changes (self))
    return TRUE;
  return save_encounter (self, store, error);
}

gboolean
kith_meeting_finish (KithMeeting  *self,
                     KithStore    *store,
                     GError      **error)
{
  g_autofree char *status = NULL;

  g_return_val_if_fail (KITH_IS_MEETING (self), FALSE);
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!check_open (self, FALSE, error))
    return FALSE;
  status = g_strdup (kith_fhir_get_string (self->encounter, "status"));
  json_object_set_string_member (self->encounter, "status", "finished");
  if (!save_encounter (self, store, error))
    {
      json_object_set_string_member (self->encounter, "status", status);
      return FALSE;
    }
  return TRUE;
}
