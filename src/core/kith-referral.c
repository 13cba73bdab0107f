/* kith-referral.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The single point of referral: a ServiceRequest for the referral as it
 * came, and a triage Task that moves waiting → (information requested →
 * waiting) → accepted → completed, or → declined. See COORDINATION.md.
 */

#define G_LOG_DOMAIN "kith-referral"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "kith-fhir.h"
#include "kith-nhs-number.h"
#include "kith-patient.h"
#include "kith-referral.h"
#include "kith-store-private.h"
#include "kith-store.h"

#define CARE_TEAM_ROLE_SYSTEM KITH_FHIR_BASE "/CodeSystem/care-team-role"

/* A clock a few minutes fast elsewhere is not "the future". */
#define FUTURE_TOLERANCE (5 * G_TIME_SPAN_MINUTE)

G_DEFINE_QUARK (kith-referral-error-quark, kith_referral_error)

G_DEFINE_BOXED_TYPE (KithReferral, kith_referral, kith_referral_copy, kith_referral_free)

static const char * const source_codes[] = {
  "gp", "hospital", "social-care", "voluntary", "family", "self", "other",
};
G_STATIC_ASSERT (G_N_ELEMENTS (source_codes) == KITH_REFERRAL_N_SOURCES);

static const char * const urgency_codes[] = { "routine", "urgent", "asap" };
G_STATIC_ASSERT (G_N_ELEMENTS (urgency_codes) == KITH_REFERRAL_N_URGENCIES);

/* Task.status for each state, in the order of the flags */
static const char * const state_codes[] = { "requested", "on-hold", "accepted", "rejected", "completed" };

/* Where each state comes in the inbox: waiting first, declined last */
static int
state_rank (KithReferralState state)
{
  switch (state)
    {
    case KITH_REFERRAL_WAITING:        return 0;
    case KITH_REFERRAL_INFO_REQUESTED: return 1;
    case KITH_REFERRAL_ACCEPTED:       return 2;
    case KITH_REFERRAL_COMPLETED:      return 3;
    case KITH_REFERRAL_DECLINED:       return 4;
    default:                           return 5;
    }
}

/* --- the struct ---------------------------------------------------------- */

KithReferral *
kith_referral_copy (const KithReferral *referral)
{
  KithReferral *copy;

  if (referral == NULL)
    return NULL;
  copy = g_new0 (KithReferral, 1);
  copy->id = g_strdup (referral->id);
  copy->task_id = g_strdup (referral->task_id);
  copy->patient_id = g_strdup (referral->patient_id);
  copy->person_name = g_strdup (referral->person_name);
  copy->source = referral->source;
  copy->referrer = g_strdup (referral->referrer);
  copy->reason = g_strdup (referral->reason);
  copy->urgency = referral->urgency;
  copy->received = g_strdup (referral->received);
  copy->state = referral->state;
  copy->coordinator = g_strdup (referral->coordinator);
  copy->state_reason = g_strdup (referral->state_reason);
  copy->triaged = g_strdup (referral->triaged);
  copy->first_contact = g_strdup (referral->first_contact);
  copy->last_modified = g_strdup (referral->last_modified);
  return copy;
}

static void
clear_referral (KithReferral *referral)
{
  g_clear_pointer (&referral->id, g_free);
  g_clear_pointer (&referral->task_id, g_free);
  g_clear_pointer (&referral->patient_id, g_free);
  g_clear_pointer (&referral->person_name, g_free);
  g_clear_pointer (&referral->referrer, g_free);
  g_clear_pointer (&referral->reason, g_free);
  g_clear_pointer (&referral->received, g_free);
  g_clear_pointer (&referral->coordinator, g_free);
  g_clear_pointer (&referral->state_reason, g_free);
  g_clear_pointer (&referral->triaged, g_free);
  g_clear_pointer (&referral->first_contact, g_free);
  g_clear_pointer (&referral->last_modified, g_free);
}

void
kith_referral_free (KithReferral *referral)
{
  if (referral == NULL)
    return;
  clear_referral (referral);
  g_free (referral);
}

/* --- codes and words ------------------------------------------------------ */

const char *
kith_referral_source_to_code (KithReferralSource source)
{
  g_return_val_if_fail (source < KITH_REFERRAL_N_SOURCES, NULL);

  return source_codes[source];
}

gboolean
kith_referral_source_from_code (const char         *code,
                                KithReferralSource *source)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (source_codes); i++)
    if (strcmp (code, source_codes[i]) == 0)
      {
        *source = (KithReferralSource) i;
        return TRUE;
      }
  return FALSE;
}

const char *
kith_referral_urgency_to_code (KithReferralUrgency urgency)
{
  g_return_val_if_fail (urgency < KITH_REFERRAL_N_URGENCIES, NULL);

  return urgency_codes[urgency];
}

gboolean
kith_referral_urgency_from_code (const char          *code,
                                 KithReferralUrgency *urgency)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (urgency_codes); i++)
    if (strcmp (code, urgency_codes[i]) == 0)
      {
        *urgency = (KithReferralUrgency) i;
        return TRUE;
      }
  /* FHIR's most pressing priority; Kith does not offer it, but treats it
   * as the most pressing it has. */
  if (g_strcmp0 (code, "stat") == 0)
    {
      *urgency = KITH_REFERRAL_ASAP;
      return TRUE;
    }
  return FALSE;
}

const char *
kith_referral_state_to_code (KithReferralState state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_codes); i++)
    if (state == (KithReferralState) (1u << i))
      return state_codes[i];
  g_return_val_if_reached (NULL);
}

static KithReferralState
state_from_code (const char *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (state_codes); i++)
    if (strcmp (code, state_codes[i]) == 0)
      return (KithReferralState) (1u << i);
  return 0;
}

const char *
kith_referral_source_to_label (KithReferralSource source)
{
  switch (source)
    {
    case KITH_REFERRAL_SOURCE_GP:          return _("GP practice");
    case KITH_REFERRAL_SOURCE_HOSPITAL:    return _("Hospital");
    case KITH_REFERRAL_SOURCE_SOCIAL_CARE: return _("Social care");
    case KITH_REFERRAL_SOURCE_VOLUNTARY:   return _("Voluntary sector");
    case KITH_REFERRAL_SOURCE_FAMILY:      return _("Family or carer");
    case KITH_REFERRAL_SOURCE_SELF:        return _("Self-referral");
    case KITH_REFERRAL_SOURCE_OTHER:       return _("Other");
    default:                               g_return_val_if_reached (NULL);
    }
}

const char *
kith_referral_urgency_to_label (KithReferralUrgency urgency)
{
  switch (urgency)
    {
    case KITH_REFERRAL_ROUTINE: return _("Routine");
    case KITH_REFERRAL_URGENT:  return _("Urgent");
    case KITH_REFERRAL_ASAP:    return _("As soon as possible");
    default:                    g_return_val_if_reached (NULL);
    }
}

const char *
kith_referral_state_to_label (KithReferralState state)
{
  switch (state)
    {
    case KITH_REFERRAL_WAITING:        return _("Waiting for triage");
    case KITH_REFERRAL_INFO_REQUESTED: return _("Information requested");
    case KITH_REFERRAL_ACCEPTED:       return _("Accepted");
    case KITH_REFERRAL_DECLINED:       return _("Declined");
    case KITH_REFERRAL_COMPLETED:      return _("Accepted and contacted");
    default:                           g_return_val_if_reached (NULL);
    }
}

/* Why a change is not possible now, finishing "…: it is %s." */
static const char *
state_phrase (KithReferralState state)
{
  switch (state)
    {
    case KITH_REFERRAL_WAITING:        return _("still waiting for triage");
    case KITH_REFERRAL_INFO_REQUESTED: return _("waiting for the information requested");
    case KITH_REFERRAL_ACCEPTED:       return _("already accepted");
    case KITH_REFERRAL_DECLINED:       return _("already declined");
    case KITH_REFERRAL_COMPLETED:      return _("already accepted, and the person contacted");
    default:                           return _("withdrawn");
    }
}

/* --- helpers --------------------------------------------------------------- */

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static char *
dup_stripped (const char *text)
{
  return is_blank (text) ? NULL : g_strstrip (g_strdup (text));
}


static JsonObject *
new_text_object (const char *text)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "text", text);
  return object;
}

static JsonObject *
first_object (JsonObject *object,
              const char *member)
{
  JsonArray *array = kith_fhir_get_array (object, member);
  JsonNode *first;

  if (array == NULL || json_array_get_length (array) == 0)
    return NULL;
  first = json_array_get_element (array, 0);
  return JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first) : NULL;
}



static GDateTime *
parse_instant (const char *instant)
{
  return instant ? g_date_time_new_from_iso8601 (instant, NULL) : NULL;
}

/* Orders two FHIR instants in time, whatever their offset; ones that do
 * not parse compare as text. */
static int
compare_instants (const char *a,
                  const char *b)
{
  g_autoptr(GDateTime) ta = parse_instant (a);
  g_autoptr(GDateTime) tb = parse_instant (b);

  if (ta && tb)
    return g_date_time_compare (ta, tb);
  return g_strcmp0 (a, b);
}

static double
hours_between (const char *from,
               const char *to)
{
  g_autoptr(GDateTime) a = parse_instant (from);
  g_autoptr(GDateTime) b = parse_instant (to);

  if (a == NULL || b == NULL)
    return NAN;
  return (double) g_date_time_difference (b, a) / (double) G_TIME_SPAN_HOUR;
}

static gboolean
is_triage_task (JsonObject *task)
{
  return g_strcmp0 (kith_fhir_resource_code (task), KITH_REFERRAL_TASK_CODE) == 0;
}

/* --- reading --------------------------------------------------------------- */

static char *
dup_person_name (KithStore  *store,
                 const char *patient_id,
                 GHashTable *names)
{
  g_autoptr(KithPatient) patient = NULL;
  char *name;

  if (patient_id == NULL)
    return NULL;
  if (names && g_hash_table_lookup_extended (names, patient_id, NULL, (gpointer *) &name))
    return g_strdup (name);
  patient = kith_store_load_patient (store, patient_id, NULL);
  name = patient ? kith_patient_dup_list_name (patient) : NULL;
  if (names)
    g_hash_table_insert (names, g_strdup (patient_id), g_strdup (name));
  return name;
}

/* Fills @referral from its Task and ServiceRequest (@request may be NULL
 * when only the Task is held). */
static void
fill_referral (KithReferral *referral,
               JsonObject   *task,
               JsonObject   *request)
{
  const char *request_id;

  clear_referral (referral);
  request_id = kith_fhir_reference_id (kith_fhir_get_string (kith_fhir_get_object (task, "focus"), "reference"),
                                       "ServiceRequest");
  referral->id = g_strdup (request ? kith_fhir_get_string (request, "id") : request_id);
  referral->task_id = g_strdup (kith_fhir_get_string (task, "id"));
  referral->patient_id = g_strdup (kith_fhir_resource_patient (task));
  if (referral->patient_id == NULL && request)
    referral->patient_id = g_strdup (kith_fhir_resource_patient (request));
  if (!kith_referral_source_from_code (kith_fhir_get_extension_string (request, KITH_REFERRAL_SOURCE_URL, "valueCode"),
                                       &referral->source))
    referral->source = KITH_REFERRAL_SOURCE_OTHER;
  referral->referrer = g_strdup (kith_fhir_get_string (kith_fhir_get_object (request, "requester"), "display"));
  referral->reason = g_strdup (kith_fhir_get_string (first_object (request, "reasonCode"), "text"));
  if (!kith_referral_urgency_from_code (kith_fhir_get_string (request, "priority"), &referral->urgency) &&
      !kith_referral_urgency_from_code (kith_fhir_get_string (task, "priority"), &referral->urgency))
    referral->urgency = KITH_REFERRAL_ROUTINE;
  referral->received = g_strdup (kith_fhir_get_string (request, "authoredOn"));
  if (referral->received == NULL)
    referral->received = g_strdup (kith_fhir_get_string (task, "authoredOn"));
  referral->state = state_from_code (kith_fhir_get_string (task, "status"));
  referral->coordinator = g_strdup (kith_fhir_get_string (kith_fhir_get_object (task, "owner"), "display"));
  referral->state_reason = g_strdup (kith_fhir_get_string (kith_fhir_get_object (task, "statusReason"), "text"));
  referral->triaged = g_strdup (kith_fhir_get_extension_string (task, KITH_REFERRAL_TRIAGED_URL, "valueDateTime"));
  referral->first_contact = g_strdup (kith_fhir_get_extension_string (task, KITH_REFERRAL_CONTACT_URL, "valueDateTime"));
  referral->last_modified = g_strdup (kith_fhir_get_string (task, "lastModified"));
}

/* The ServiceRequest a triage Task is about, or NULL with no error when
 * it is not held (yet). */
static JsonObject *
read_request_of (KithStore   *store,
                 JsonObject  *task,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *id = kith_fhir_reference_id (kith_fhir_get_string (kith_fhir_get_object (task, "focus"), "reference"),
                                           "ServiceRequest");
  JsonObject *request;

  if (id == NULL)
    return NULL;
  request = kith_store_read_resource (store, "ServiceRequest", id, &local_error);
  if (request == NULL && !g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) &&
      !g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return request;
}

/* The triage Task of ServiceRequest @request_id: the person's Tasks are
 * few, so they are read rather than indexed. */
static JsonObject *
find_task_for (KithStore   *store,
               JsonObject  *request,
               GError     **error)
{
  const char *patient_id = kith_fhir_resource_patient (request);
  const char *request_id = kith_fhir_get_string (request, "id");
  g_autoptr(GPtrArray) tasks = NULL;

  if (patient_id == NULL)
    return NULL;
  if (!(tasks = kith_store_list_for_patient (store, "Task", patient_id, error)))
    return NULL;
  for (guint i = 0; i < tasks->len; i++)
    {
      JsonObject *task = tasks->pdata[i];

      if (is_triage_task (task) &&
          g_strcmp0 (kith_fhir_reference_id (kith_fhir_get_string (kith_fhir_get_object (task, "focus"), "reference"),
                                             "ServiceRequest"), request_id) == 0)
        return json_object_ref (task);
    }
  return NULL;
}

static int
compare_inbox_order (gconstpointer a,
                     gconstpointer b)
{
  const KithReferral *ra = *(KithReferral * const *) a;
  const KithReferral *rb = *(KithReferral * const *) b;
  int order;

  if ((order = state_rank (ra->state) - state_rank (rb->state)) != 0)
    return order;
  if ((order = (int) rb->urgency - (int) ra->urgency) != 0)
    return order;
  if ((order = compare_instants (ra->received, rb->received)) != 0)
    return order;
  return g_strcmp0 (ra->id, rb->id);
}

/* --- changing -------------------------------------------------------------- */

/* The moment of a change: @when, or now. Never before @not_before (the
 * last change, which is @received when nothing has changed yet), and
 * never in the future. */
static char *
dup_change_moment (GDateTime   *when,
                   const char  *not_before,
                   const char  *received,
                   GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earliest = parse_instant (not_before);

  if (when == NULL)
    {
      /* "Now" by this clock may be a little behind another machine's that
       * recorded the last change: keep the changes in order. */
      if (earliest && g_date_time_compare (now, earliest) < 0)
        return kith_fhir_format_instant (earliest);
      return kith_fhir_format_instant (now);
    }
  if (g_date_time_difference (when, now) > FUTURE_TOLERANCE)
    {
      g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                           _("The date and time cannot be in the future"));
      return NULL;
    }
  if (earliest && g_date_time_compare (when, earliest) < 0)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (earliest);
      g_autofree char *shown = g_date_time_format (local, "%-d %b %Y %H:%M");

      if (compare_instants (not_before, received) == 0)
        g_set_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                     _("The date and time cannot be before the referral was received, at %s"), shown);
      else
        g_set_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                     _("The date and time cannot be before the referral’s last change, at %s"), shown);
      return NULL;
    }
  return kith_fhir_format_instant (when);
}

typedef enum
{
  CHANGE_ACCEPT,
  CHANGE_REQUEST_INFO,
  CHANGE_INFO_RECEIVED,
  CHANGE_DECLINE,
} Change;

static void
set_refusal (GError            **error,
             Change              change,
             KithReferralState   state)
{
  const char *phrase = state_phrase (state);

  switch (change)
    {
    case CHANGE_ACCEPT:
      g_set_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE,
                   _("This referral cannot be accepted: it is %s."), phrase);
      break;
    case CHANGE_REQUEST_INFO:
      g_set_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE,
                   _("Information cannot be requested for this referral: it is %s."), phrase);
      break;
    case CHANGE_INFO_RECEIVED:
      g_set_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE,
                   _("This referral is not waiting for information: it is %s."), phrase);
      break;
    case CHANGE_DECLINE:
    default:
      g_set_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_STATE,
                   _("This referral cannot be declined: it is %s."), phrase);
      break;
    }
}

/* The Task of @referral as it is now, if its state is one of @allowed;
 * else KITH_REFERRAL_ERROR_STATE, saying why @change cannot be made. */
static JsonObject *
read_task_for_change (KithStore     *store,
                      KithReferral  *referral,
                      guint          allowed,
                      Change         change,
                      GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) task = NULL;
  KithReferralState state;

  task = kith_store_read_resource (store, "Task", referral->task_id, &local_error);
  if (task == NULL)
    {
      if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
        g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_NOT_FOUND,
                             _("This referral is no longer in Kith"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!is_triage_task (task))
    {
      g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_NOT_FOUND,
                           _("This referral is no longer in Kith"));
      return NULL;
    }
  state = state_from_code (kith_fhir_get_string (task, "status"));
  if ((state & allowed) == 0)
    {
      set_refusal (error, change, state);
      return NULL;
    }
  return g_steal_pointer (&task);
}

static const char *
last_change_of (JsonObject *task)
{
  const char *last = kith_fhir_get_string (task, "lastModified");

  return last ? last : kith_fhir_get_string (task, "authoredOn");
}

static void
set_status (JsonObject *task,
            const char *status,
            const char *reason,
            const char *moment)
{
  json_object_set_string_member (task, "status", status);
  if (reason)
    json_object_set_object_member (task, "statusReason", new_text_object (reason));
  else if (json_object_has_member (task, "statusReason"))
    json_object_remove_member (task, "statusReason");
  json_object_set_string_member (task, "lastModified", moment);
}

static gboolean
participant_is_coordinator (JsonObject *participant)
{
  JsonArray *roles = kith_fhir_get_array (participant, "role");

  for (guint i = 0; roles && i < json_array_get_length (roles); i++)
    {
      JsonNode *role = json_array_get_element (roles, i);
      JsonArray *codings = JSON_NODE_HOLDS_OBJECT (role)
                           ? kith_fhir_get_array (json_node_get_object (role), "coding") : NULL;

      for (guint j = 0; codings && j < json_array_get_length (codings); j++)
        {
          JsonNode *coding = json_array_get_element (codings, j);

          if (JSON_NODE_HOLDS_OBJECT (coding) &&
              g_strcmp0 (kith_fhir_get_string (json_node_get_object (coding), "code"), "coordinator") == 0)
            return TRUE;
        }
    }
  return FALSE;
}

/* Makes @coordinator the named co-ordinator of the person's active
 * CareTeam, which the caseload reads; a person with none gets one. */
static gboolean
assign_team_coordinator (KithStore   *store,
                         const char  *patient_id,
                         const char  *coordinator,
                         GError     **error)
{
  g_autoptr(GPtrArray) teams = NULL;
  g_autoptr(JsonObject) created = NULL;
  JsonObject *team = NULL;
  JsonArray *participants;
  JsonArray *kept;
  JsonObject *lead;
  JsonObject *member;
  JsonArray *roles;

  if (!(teams = kith_store_list_for_patient (store, "CareTeam", patient_id, error)))
    return FALSE;
  for (guint i = 0; i < teams->len && team == NULL; i++)
    if (g_strcmp0 (kith_fhir_get_string (teams->pdata[i], "status"), "active") == 0)
      team = teams->pdata[i];
  if (team == NULL)
    {
      g_autofree char *id = kith_fhir_new_id ();

      team = created = json_object_new ();
      json_object_set_string_member (team, "resourceType", "CareTeam");
      json_object_set_string_member (team, "id", id);
      json_object_set_string_member (team, "status", "active");
      json_object_set_string_member (team, "name", _("Care team"));
      json_object_set_object_member (team, "subject", kith_fhir_new_reference ("Patient", patient_id, NULL));
    }

  /* The co-ordinator first, then everyone else as they were. A previous
   * co-ordinator's entry goes: its phone and hours were theirs. */
  participants = kith_fhir_get_array (team, "participant");
  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    {
      JsonNode *p = json_array_get_element (participants, i);

      if (JSON_NODE_HOLDS_OBJECT (p) && participant_is_coordinator (json_node_get_object (p)) &&
          g_strcmp0 (kith_fhir_get_string (kith_fhir_get_object (json_node_get_object (p), "member"), "display"),
                     coordinator) == 0)
        return TRUE;     /* already theirs */
    }

  kept = json_array_new ();
  lead = json_object_new ();
  roles = json_array_new ();
  member = json_object_new ();
  json_array_add_object_element (roles, kith_fhir_new_concept (CARE_TEAM_ROLE_SYSTEM, "coordinator", "Named care co-ordinator"));
  json_object_set_array_member (lead, "role", roles);
  json_object_set_string_member (member, "display", coordinator);
  json_object_set_object_member (lead, "member", member);
  json_array_add_object_element (kept, lead);
  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    {
      JsonNode *p = json_array_get_element (participants, i);

      if (!JSON_NODE_HOLDS_OBJECT (p) || !participant_is_coordinator (json_node_get_object (p)))
        json_array_add_element (kept, kith_json_deep_copy (p));
    }
  json_object_set_array_member (team, "participant", kept);
  return kith_store_save_resource (store, team, NULL, error);
}

/* Saves @task (and @request, @coordinator's team, when given) as one
 * change, then shows it in @referral. */
static gboolean
save_change (KithStore     *store,
             KithReferral  *referral,
             JsonObject    *task,
             JsonObject    *request,
             const char    *coordinator,
             GError       **error)
{
  g_autofree char *person_name = g_strdup (referral->person_name);
  g_autoptr(JsonObject) current_request = NULL;

  if (!kith_store_begin (store, error))
    return FALSE;
  if (!kith_store_save_resource (store, task, NULL, error) ||
      (request && !kith_store_save_resource (store, request, NULL, error)) ||
      (coordinator && referral->patient_id &&
       !assign_team_coordinator (store, referral->patient_id, coordinator, error)))
    {
      kith_store_rollback (store);
      return FALSE;
    }
  if (!kith_store_commit (store, error))
    return FALSE;

  if (request == NULL)
    request = current_request = read_request_of (store, task, NULL);
  fill_referral (referral, task, request);
  referral->person_name = g_steal_pointer (&person_name);
  return TRUE;
}

/* Finds the person a "new" person's NHS number already belongs to. */
static char *
dup_patient_with_nhs_number (KithStore   *store,
                             const char  *nhs_number,
                             GError     **error)
{
  sqlite3_stmt *stmt = kith_store_prepare (store, "SELECT id FROM patient_index WHERE nhs_number = ?1 LIMIT 1",
                                           error);
  char *id = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, nhs_number, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    kith_store_set_error (store, rc, error);
  sqlite3_reset (stmt);
  return id;
}

/* A new person from the intake, checked but not yet saved. */
static KithPatient *
new_patient_from_intake (KithStore                 *store,
                         const KithReferralIntake  *intake,
                         GError                   **error)
{
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *family = dup_stripped (intake->family);
  g_autofree char *given = dup_stripped (intake->given);
  g_autofree char *birth_date = dup_stripped (intake->birth_date);
  g_autofree char *nhs_number = NULL;
  g_autofree char *existing = NULL;

  kith_patient_set_family (patient, family);
  kith_patient_set_given (patient, given);
  if (birth_date && !kith_patient_set_birth_date (patient, birth_date, error))
    return NULL;
  if (!is_blank (intake->nhs_number))
    {
      if (!(nhs_number = kith_nhs_number_normalise (intake->nhs_number, error)))
        return NULL;
      if ((existing = dup_patient_with_nhs_number (store, nhs_number, &local_error)) != NULL)
        {
          g_autofree char *name = dup_person_name (store, existing, NULL);
          g_autofree char *shown = kith_nhs_number_format (nhs_number);

          g_set_error (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_DUPLICATE,
                       _("NHS number %s belongs to %s, who is already in Kith: choose them as an existing person"),
                       shown, name ? name : _("someone"));
          return NULL;
        }
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (!kith_patient_set_nhs_number (patient, nhs_number, error))
        return NULL;
    }
  if (!kith_patient_validate (patient, error))
    return NULL;
  return g_steal_pointer (&patient);
}

/* --- public API ----------------------------------------------------------- */

KithReferral *
kith_referral_receive (KithStore                 *store,
                       const KithReferralIntake  *intake,
                       GError                   **error)
{
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *reason = NULL;
  g_autofree char *referrer = NULL;
  g_autofree char *received = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *task_id = NULL;
  g_autofree char *person_name = NULL;
  const char *patient_id;
  KithReferral *referral;
  JsonArray *array;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (intake != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (intake->source >= KITH_REFERRAL_N_SOURCES)
    {
      g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                           _("Choose where the referral came from"));
      return NULL;
    }
  if (intake->urgency >= KITH_REFERRAL_N_URGENCIES)
    {
      g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                           _("Choose how urgent the referral is"));
      return NULL;
    }
  if (!(reason = dup_stripped (intake->reason)))
    {
      g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                           _("Give the reason for the referral, in the referrer’s words"));
      return NULL;
    }
  if (intake->received && g_date_time_difference (intake->received, now) > FUTURE_TOLERANCE)
    {
      g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                           _("The date and time received cannot be in the future"));
      return NULL;
    }
  received = kith_fhir_format_instant (intake->received ? intake->received : now);
  referrer = dup_stripped (intake->referrer);

  /* The person: one already in Kith, or a new one, checked before anything
   * is written. */
  if (intake->patient_id != NULL)
    {
      patient = kith_store_load_patient (store, intake->patient_id, NULL);
      if (patient == NULL)
        {
          g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_NOT_FOUND,
                               _("The person referred is not in Kith"));
          return NULL;
        }
      g_clear_object (&patient);
      patient_id = intake->patient_id;
    }
  else
    {
      if (!(patient = new_patient_from_intake (store, intake, error)))
        return NULL;
      patient_id = kith_patient_get_id (patient);
    }

  request_id = kith_fhir_new_id ();
  request = json_object_new ();
  json_object_set_string_member (request, "resourceType", "ServiceRequest");
  json_object_set_string_member (request, "id", request_id);
  kith_fhir_set_extension_string (request, KITH_REFERRAL_SOURCE_URL, "valueCode", source_codes[intake->source]);
  json_object_set_string_member (request, "status", "active");
  json_object_set_string_member (request, "intent", "order");
  array = json_array_new ();
  json_array_add_object_element (array, kith_fhir_new_concept (KITH_REFERRAL_CATEGORY_SYSTEM, "coordination",
                                                     "Care co-ordination"));
  json_object_set_array_member (request, "category", array);
  json_object_set_string_member (request, "priority", urgency_codes[intake->urgency]);
  json_object_set_object_member (request, "subject", kith_fhir_new_reference ("Patient", patient_id, NULL));
  json_object_set_string_member (request, "authoredOn", received);
  if (referrer)
    {
      JsonObject *requester = json_object_new ();

      json_object_set_string_member (requester, "display", referrer);
      json_object_set_object_member (request, "requester", requester);
    }
  array = json_array_new ();
  json_array_add_object_element (array, new_text_object (reason));
  json_object_set_array_member (request, "reasonCode", array);

  task_id = kith_fhir_new_id ();
  task = json_object_new ();
  json_object_set_string_member (task, "resourceType", "Task");
  json_object_set_string_member (task, "id", task_id);
  json_object_set_string_member (task, "status", "requested");
  json_object_set_string_member (task, "intent", "order");
  json_object_set_string_member (task, "priority", urgency_codes[intake->urgency]);
  json_object_set_object_member (task, "code", kith_fhir_new_concept (KITH_REFERRAL_TASK_SYSTEM, KITH_REFERRAL_TASK_CODE,
                                                            "Triage a referral"));
  json_object_set_object_member (task, "focus", kith_fhir_new_reference ("ServiceRequest", request_id, NULL));
  json_object_set_object_member (task, "for", kith_fhir_new_reference ("Patient", patient_id, NULL));
  json_object_set_string_member (task, "authoredOn", received);
  json_object_set_string_member (task, "lastModified", received);

  if (!kith_store_begin (store, error))
    return NULL;
  if ((patient && !kith_store_save_patient (store, patient, error)) ||
      !kith_store_save_resource (store, request, NULL, error) ||
      !kith_store_save_resource (store, task, NULL, error))
    {
      kith_store_rollback (store);
      return NULL;
    }
  if (!kith_store_commit (store, error))
    return NULL;

  person_name = dup_person_name (store, patient_id, NULL);
  referral = g_new0 (KithReferral, 1);
  fill_referral (referral, task, request);
  referral->person_name = g_steal_pointer (&person_name);
  return referral;
}

KithReferral *
kith_referral_load (KithStore   *store,
                    const char  *id,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) task = NULL;
  KithReferral *referral;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  request = kith_store_read_resource (store, "ServiceRequest", id, &local_error);
  if (request == NULL)
    {
      if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_GONE))
        g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_NOT_FOUND,
                             _("This referral is no longer in Kith"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!(task = find_task_for (store, request, &local_error)))
    {
      if (local_error)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_NOT_FOUND,
                             _("This referral has no triage record in Kith"));
      return NULL;
    }
  referral = g_new0 (KithReferral, 1);
  fill_referral (referral, task, request);
  referral->person_name = dup_person_name (store, referral->patient_id, NULL);
  return referral;
}

GPtrArray *
kith_store_list_referrals (KithStore          *store,
                           KithReferralState   states,
                           GError            **error)
{
  g_autoptr(GPtrArray) referrals = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_referral_free);
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  /* One indexed query a state asked for, or one for them all */
  if ((states & KITH_REFERRAL_STATE_ALL) == KITH_REFERRAL_STATE_ALL)
    {
      g_autoptr(GPtrArray) found = kith_store_list_by_code (store, "Task", KITH_REFERRAL_TASK_CODE, NULL, error);

      if (found == NULL)
        return NULL;
      g_ptr_array_extend_and_steal (tasks, g_steal_pointer (&found));
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (state_codes); i++)
      {
        g_autoptr(GPtrArray) found = NULL;

        if ((states & (1u << i)) == 0)
          continue;
        if (!(found = kith_store_list_by_code (store, "Task", KITH_REFERRAL_TASK_CODE, state_codes[i], error)))
          return NULL;
        g_ptr_array_extend_and_steal (tasks, g_steal_pointer (&found));
      }

  for (guint i = 0; i < tasks->len; i++)
    {
      g_autoptr(JsonObject) request = NULL;
      g_autoptr(GError) local_error = NULL;
      KithReferral *referral;

      if ((state_from_code (kith_fhir_get_string (tasks->pdata[i], "status")) & states) == 0)
        continue;
      request = read_request_of (store, tasks->pdata[i], &local_error);
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (request == NULL)
        {
          /* The Task came without its referral (a sync half done): it
           * shows once the ServiceRequest is here too. */
          g_debug ("Triage task %s has no referral", kith_fhir_get_string (tasks->pdata[i], "id"));
          continue;
        }
      referral = g_new0 (KithReferral, 1);
      fill_referral (referral, tasks->pdata[i], request);
      referral->person_name = dup_person_name (store, referral->patient_id, names);
      g_ptr_array_add (referrals, referral);
    }

  g_ptr_array_sort (referrals, compare_inbox_order);
  return g_steal_pointer (&referrals);
}

gboolean
kith_referral_accept (KithStore     *store,
                      KithReferral  *referral,
                      const char    *coordinator,
                      GDateTime     *when,
                      GError       **error)
{
  g_autoptr(JsonObject) task = NULL;
  g_autofree char *moment = NULL;
  g_autofree char *name = NULL;
  JsonObject *owner;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (referral != NULL && referral->task_id != NULL, FALSE);

  if (!(name = dup_stripped (coordinator)))
    {
      g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                           _("Name the co-ordinator who takes this referral on"));
      return FALSE;
    }
  if (!(task = read_task_for_change (store, referral, KITH_REFERRAL_WAITING | KITH_REFERRAL_INFO_REQUESTED,
                                     CHANGE_ACCEPT, error)))
    return FALSE;
  if (!(moment = dup_change_moment (when, last_change_of (task), kith_fhir_get_string (task, "authoredOn"), error)))
    return FALSE;

  set_status (task, "accepted", NULL, moment);
  owner = json_object_new ();
  json_object_set_string_member (owner, "display", name);
  json_object_set_object_member (task, "owner", owner);
  if (kith_fhir_get_extension_string (task, KITH_REFERRAL_TRIAGED_URL, "valueDateTime") == NULL)
    kith_fhir_set_extension_string (task, KITH_REFERRAL_TRIAGED_URL, "valueDateTime", moment);
  return save_change (store, referral, task, NULL, name, error);
}

gboolean
kith_referral_request_info (KithStore     *store,
                            KithReferral  *referral,
                            const char    *what,
                            GDateTime     *when,
                            GError       **error)
{
  g_autoptr(JsonObject) task = NULL;
  g_autofree char *moment = NULL;
  g_autofree char *needed = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (referral != NULL && referral->task_id != NULL, FALSE);

  if (!(needed = dup_stripped (what)))
    {
      g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                           _("Say what information is needed"));
      return FALSE;
    }
  if (!(task = read_task_for_change (store, referral, KITH_REFERRAL_WAITING | KITH_REFERRAL_INFO_REQUESTED,
                                     CHANGE_REQUEST_INFO, error)))
    return FALSE;
  if (!(moment = dup_change_moment (when, last_change_of (task), kith_fhir_get_string (task, "authoredOn"), error)))
    return FALSE;

  set_status (task, "on-hold", needed, moment);
  return save_change (store, referral, task, NULL, NULL, error);
}

gboolean
kith_referral_info_received (KithStore     *store,
                             KithReferral  *referral,
                             GDateTime     *when,
                             GError       **error)
{
  g_autoptr(JsonObject) task = NULL;
  g_autofree char *moment = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (referral != NULL && referral->task_id != NULL, FALSE);

  if (!(task = read_task_for_change (store, referral, KITH_REFERRAL_INFO_REQUESTED,
                                     CHANGE_INFO_RECEIVED, error)))
    return FALSE;
  if (!(moment = dup_change_moment (when, last_change_of (task), kith_fhir_get_string (task, "authoredOn"), error)))
    return FALSE;

  set_status (task, "requested", NULL, moment);
  return save_change (store, referral, task, NULL, NULL, error);
}

gboolean
kith_referral_decline (KithStore     *store,
                       KithReferral  *referral,
                       const char    *reason,
                       GDateTime     *when,
                       GError       **error)
{
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *moment = NULL;
  g_autofree char *why = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (referral != NULL && referral->task_id != NULL, FALSE);

  if (!(why = dup_stripped (reason)))
    {
      g_set_error_literal (error, KITH_REFERRAL_ERROR, KITH_REFERRAL_ERROR_INVALID,
                           _("Give the reason for declining the referral"));
      return FALSE;
    }
  if (!(task = read_task_for_change (store, referral, KITH_REFERRAL_WAITING | KITH_REFERRAL_INFO_REQUESTED,
                                     CHANGE_DECLINE, error)))
    return FALSE;
  if (!(moment = dup_change_moment (when, last_change_of (task), kith_fhir_get_string (task, "authoredOn"), error)))
    return FALSE;
  if (!(request = read_request_of (store, task, &local_error)) && local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  set_status (task, "rejected", why, moment);
  if (kith_fhir_get_extension_string (task, KITH_REFERRAL_TRIAGED_URL, "valueDateTime") == NULL)
    kith_fhir_set_extension_string (task, KITH_REFERRAL_TRIAGED_URL, "valueDateTime", moment);
  if (request)
    json_object_set_string_member (request, "status", "revoked");
  return save_change (store, referral, task, request, NULL, error);
}

gboolean
kith_referral_note_first_contact (KithStore   *store,
                                  const char  *patient_id,
                                  GDateTime   *when,
                                  GError     **error)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *moment = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (patient_id != NULL, FALSE);

  if (when == NULL)
    when = now = g_date_time_new_now_utc ();
  moment = kith_fhir_format_instant (when);

  if (!(tasks = kith_store_list_for_patient (store, "Task", patient_id, error)))
    return FALSE;
  if (!kith_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < tasks->len; i++)
    {
      JsonObject *task = tasks->pdata[i];
      const char *received = kith_fhir_get_string (task, "authoredOn");
      const char *triaged = kith_fhir_get_extension_string (task, KITH_REFERRAL_TRIAGED_URL, "valueDateTime");
      const char *last = last_change_of (task);
      gboolean first, completes, later;

      if (!is_triage_task (task) || received == NULL || compare_instants (received, moment) > 0)
        continue;
      first = kith_fhir_get_extension_string (task, KITH_REFERRAL_CONTACT_URL, "valueDateTime") == NULL;
      /* Accepted, then contacted: the referral's work is done. */
      completes = g_strcmp0 (kith_fhir_get_string (task, "status"), "accepted") == 0 &&
                  triaged != NULL && compare_instants (triaged, moment) <= 0;
      later = last == NULL || compare_instants (last, moment) < 0;
      if (!first && !completes)
        continue;
      if (first)
        kith_fhir_set_extension_string (task, KITH_REFERRAL_CONTACT_URL, "valueDateTime", moment);
      if (completes)
        json_object_set_string_member (task, "status", "completed");
      if (later)
        json_object_set_string_member (task, "lastModified", moment);
      if (!kith_store_save_resource (store, task, NULL, error))
        {
          kith_store_rollback (store);
          return FALSE;
        }
    }
  return kith_store_commit (store, error);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Linear interpolation between the closest ranks (R's type 7) */
static double
percentile (GArray *values,
            double  fraction)
{
  double position, below;
  guint lower;

  if (values->len == 0)
    return NAN;
  g_array_sort (values, compare_doubles);
  position = fraction * (values->len - 1);
  lower = (guint) floor (position);
  below = g_array_index (values, double, lower);
  if (lower + 1 >= values->len)
    return below;
  return below + (position - lower) * (g_array_index (values, double, lower + 1) - below);
}

gboolean
kith_referral_times (KithStore          *store,
                     GDateTime          *from,
                     GDateTime          *to,
                     KithReferralTimes  *times,
                     GError            **error)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GArray) to_triage = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) to_contact = g_array_new (FALSE, FALSE, sizeof (double));

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (times != NULL, FALSE);

  memset (times, 0, sizeof *times);
  if (!(tasks = kith_store_list_by_code (store, "Task", KITH_REFERRAL_TASK_CODE, NULL, error)))
    return FALSE;

  for (guint i = 0; i < tasks->len; i++)
    {
      JsonObject *task = tasks->pdata[i];
      KithReferralState state = state_from_code (kith_fhir_get_string (task, "status"));
      const char *received_text = kith_fhir_get_string (task, "authoredOn");
      g_autoptr(GDateTime) received = parse_instant (received_text);
      const char *triaged = kith_fhir_get_extension_string (task, KITH_REFERRAL_TRIAGED_URL, "valueDateTime");
      const char *contacted = kith_fhir_get_extension_string (task, KITH_REFERRAL_CONTACT_URL, "valueDateTime");
      double hours;

      if (state == 0 || received == NULL ||
          (from && g_date_time_compare (received, from) < 0) ||
          (to && g_date_time_compare (received, to) >= 0))
        continue;

      times->received++;
      if (state & (KITH_REFERRAL_WAITING | KITH_REFERRAL_INFO_REQUESTED))
        times->waiting++;
      else if (state & (KITH_REFERRAL_ACCEPTED | KITH_REFERRAL_COMPLETED))
        times->accepted++;
      else if (state == KITH_REFERRAL_DECLINED)
        times->declined++;
      if (triaged && !isnan (hours = hours_between (received_text, triaged)))
        {
          times->triaged++;
          g_array_append_val (to_triage, hours);
        }
      if (contacted && !isnan (hours = hours_between (received_text, contacted)))
        {
          times->contacted++;
          g_array_append_val (to_contact, hours);
        }
    }

  times->median_hours_to_triage = percentile (to_triage, 0.5);
  times->p90_hours_to_triage = percentile (to_triage, 0.9);
  times->median_hours_to_contact = percentile (to_contact, 0.5);
  times->p90_hours_to_contact = percentile (to_contact, 0.9);
  return TRUE;
}
