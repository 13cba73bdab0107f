/* kith-care-plan.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A personalised care and support plan is ONE FHIR CarePlan resource: its
 * goals (Goal), actions (Task) and care team (CareTeam) are contained
 * resources, and the sections FHIR has no element for are Kith extensions
 * (README, "FHIR mapping"). One resource means one version per save: a
 * version is the whole plan as it stood, which is what "every version is
 * kept, with who changed what" needs, and two windows' edits can be merged
 * member by member against the version both started from.
 */

#define G_LOG_DOMAIN "kith-care-plan"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-care-plan.h"
#include "kith-fhir.h"
#include "kith-merge.h"
#include "kith-patient.h"
#include "kith-store-private.h"

#define CARE_TEAM_ROLE_SYSTEM KITH_FHIR_BASE "/CodeSystem/care-team-role"
#define NEED_CATEGORY_SYSTEM  KITH_FHIR_BASE "/CodeSystem/condition-category"
#define TEAM_ID               "team"

struct _KithCarePlan
{
  GObject         parent_instance;

  JsonObject     *plan;          /* the working copy */
  JsonObject     *base;          /* as last loaded or saved */
  KithTeamMember *coordinator;   /* cached copy for get_coordinator() */
};

G_DEFINE_FINAL_TYPE (KithCarePlan, kith_care_plan, G_TYPE_OBJECT)

G_DEFINE_QUARK (kith-care-plan-error-quark, kith_care_plan_error)

static const struct { KithPlanState state; const char *code; const char *fhir; } states[] = {
  { KITH_PLAN_DRAFT, "draft", "draft" },
  { KITH_PLAN_AGREED, "agreed", "active" },
  { KITH_PLAN_UNDER_REVIEW, "under-review", "active" },
  { KITH_PLAN_ENDED, "ended", "completed" },
};

static const struct { KithActionStatus status; const char *fhir; } action_statuses[] = {
  { KITH_ACTION_NOT_STARTED, "requested" },
  { KITH_ACTION_IN_PROGRESS, "in-progress" },
  { KITH_ACTION_DONE, "completed" },
  { KITH_ACTION_CANCELLED, "cancelled" },
};

static const char * const owner_kinds[] = { "professional", "person", "carer" };

/* --- freeing ------------------------------------------------------------ */

void
kith_goal_free (KithGoal *goal)
{
  if (goal == NULL)
    return;
  g_free (goal->id);
  g_free (goal->text);
  g_free (goal->expressed_by);
  g_free (goal->measure);
  g_free (goal->need_id);
  g_free (goal);
}

void
kith_action_free (KithAction *action)
{
  if (action == NULL)
    return;
  g_free (action->id);
  g_free (action->text);
  g_free (action->owner);
  g_free (action->due);
  g_free (action->goal_id);
  g_free (action);
}

void
kith_team_member_free (KithTeamMember *member)
{
  if (member == NULL)
    return;
  g_free (member->id);
  g_free (member->name);
  g_free (member->role);
  g_free (member->role_title);
  g_free (member->phone);
  g_free (member->hours);
  g_free (member);
}

void
kith_support_free (KithSupport *support)
{
  if (support == NULL)
    return;
  g_free (support->id);
  g_free (support->name);
  g_free (support->kind);
  g_free (support->contact);
  g_free (support);
}

void
kith_contact_free (KithContact *contact)
{
  if (contact == NULL)
    return;
  g_free (contact->name);
  g_free (contact->phone);
  g_free (contact->when);
  g_free (contact);
}

void
kith_decision_free (KithDecision *decision)
{
  if (decision == NULL)
    return;
  g_free (decision->need_id);
  g_free (decision->need_title);
  g_strfreev (decision->options);
  g_free (decision->what_matters);
  g_free (decision->preferred);
  g_free (decision->certainty);
  g_strfreev (decision->participants);
  g_free (decision->agreed);
  g_free (decision->decided);
  g_free (decision);
}

void
kith_plan_change_free (KithPlanChange *change)
{
  if (change == NULL)
    return;
  g_free (change->section);
  g_free (change->summary);
  g_free (change);
}

static void
kith_care_plan_finalize (GObject *object)
{
  KithCarePlan *self = (KithCarePlan *) object;

  g_clear_pointer (&self->plan, json_object_unref);
  g_clear_pointer (&self->base, json_object_unref);
  g_clear_pointer (&self->coordinator, kith_team_member_free);

  G_OBJECT_CLASS (kith_care_plan_parent_class)->finalize (object);
}

static void
kith_care_plan_class_init (KithCarePlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kith_care_plan_finalize;
}

static void
kith_care_plan_init (KithCarePlan *self)
{
}

/* --- JSON helpers --------------------------------------------------------- */

static JsonObject *
copy_object (JsonObject *object)
{
  return kith_fhir_copy_resource (object);
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

static JsonObject *
array_object (JsonArray *array,
              guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
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

/* A simple string extension on the plan; NULL or "" removes it. */
static const char *
get_text_extension (KithCarePlan *self,
                    const char   *name)
{
  g_autofree char *url = g_strconcat (KITH_FHIR_SD, name, NULL);
  JsonNode *node = kith_fhir_get_extension (self->plan, url, "valueString");

  return node && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static void
set_text_extension (KithCarePlan *self,
                    const char   *name,
                    const char   *value)
{
  g_autofree char *url = g_strconcat (KITH_FHIR_SD, name, NULL);
  g_autofree char *clean = clean_text (value);

  kith_fhir_set_extension (self->plan, url, "valueString", clean ? string_node (clean) : NULL);
}

/* Parts of a complex extension, by relative url. */
static const char *
part_string (JsonObject *extension,
             const char *url)
{
  JsonArray *parts = kith_fhir_get_array (extension, "extension");

  for (guint i = 0; parts && i < json_array_get_length (parts); i++)
    {
      JsonObject *part = array_object (parts, i);
      GList *members;
      const char *value = NULL;

      if (part == NULL || g_strcmp0 (kith_fhir_get_string (part, "url"), url) != 0)
        continue;
      members = json_object_get_members (part);
      for (GList *l = members; l; l = l->next)
        if (g_str_has_prefix (l->data, "value") && kith_fhir_get_string (part, l->data))
          value = kith_fhir_get_string (part, l->data);
      g_list_free (members);
      return value;
    }
  return NULL;
}

static void
add_part (JsonArray  *parts,
          const char *url,
          const char *value_member,
          const char *value)
{
  JsonObject *part;

  if (value == NULL || *value == '\0')
    return;
  part = json_object_new ();
  json_object_set_string_member (part, "url", url);
  json_object_set_string_member (part, value_member, value);
  json_array_add_object_element (parts, part);
}

/* Repeated complex extensions with this name (each has an "id"). */
static GPtrArray *
list_complex (JsonObject *element,
              const char *name)
{
  g_autofree char *url = g_strconcat (KITH_FHIR_SD, name, NULL);
  GPtrArray *found = g_ptr_array_new ();
  JsonArray *extensions = kith_fhir_get_array (element, "extension");

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = array_object (extensions, i);

      if (extension && g_strcmp0 (kith_fhir_get_string (extension, "url"), url) == 0)
        g_ptr_array_add (found, extension);
    }
  return found;
}

static void
remove_complex (JsonObject *element,
                const char *name,
                const char *id)
{
  g_autofree char *url = g_strconcat (KITH_FHIR_SD, name, NULL);
  JsonArray *extensions = kith_fhir_get_array (element, "extension");

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = array_object (extensions, i);

      if (extension && g_strcmp0 (kith_fhir_get_string (extension, "url"), url) == 0 &&
          (id == NULL || g_strcmp0 (kith_fhir_get_string (extension, "id"), id) == 0))
        {
          json_array_remove_element (extensions, i);
          i--;
        }
    }
}

static JsonObject *
new_complex (JsonObject *element,
             const char *name,
             const char *id)
{
  g_autofree char *url = g_strconcat (KITH_FHIR_SD, name, NULL);
  JsonObject *extension = json_object_new ();

  if (id)
    json_object_set_string_member (extension, "id", id);
  json_object_set_string_member (extension, "url", url);
  json_object_set_array_member (extension, "extension", json_array_new ());
  json_array_add_object_element (ensure_array (element, "extension"), extension);
  return extension;
}

static char *
short_id (const char *prefix)
{
  g_autofree char *uuid = kith_fhir_new_id ();

  return g_strdup_printf ("%s-%.8s%.4s", prefix, uuid, uuid + 9);
}

static gboolean
is_iso_date (const char *text)
{
  unsigned y, m, d;

  return text && strlen (text) == 10 && text[4] == '-' && text[7] == '-' &&
         sscanf (text, "%4u-%2u-%2u", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y);
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
format_date (GDate *date)
{
  char text[11];

  g_date_strftime (text, sizeof text, "%Y-%m-%d", date);
  return g_strdup (text);
}

/* --- contained resources -------------------------------------------------- */

static JsonObject *
find_contained (KithCarePlan *self,
                const char   *type,
                const char   *id)
{
  JsonArray *contained = kith_fhir_get_array (self->plan, "contained");

  for (guint i = 0; contained && i < json_array_get_length (contained); i++)
    {
      JsonObject *resource = array_object (contained, i);

      if (resource && g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), type) == 0 &&
          (id == NULL || g_strcmp0 (kith_fhir_get_string (resource, "id"), id) == 0))
        return resource;
    }
  return NULL;
}

static GPtrArray *
list_contained (KithCarePlan *self,
                const char   *type)
{
  GPtrArray *found = g_ptr_array_new ();
  JsonArray *contained = kith_fhir_get_array (self->plan, "contained");

  for (guint i = 0; contained && i < json_array_get_length (contained); i++)
    {
      JsonObject *resource = array_object (contained, i);

      if (resource && g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), type) == 0)
        g_ptr_array_add (found, resource);
    }
  return found;
}

/* Removes a contained resource and the plan's reference to it. */
static gboolean
remove_contained (KithCarePlan *self,
                  const char   *type,
                  const char   *id,
                  const char   *reference_member)
{
  JsonArray *contained = kith_fhir_get_array (self->plan, "contained");
  JsonArray *references = kith_fhir_get_array (self->plan, reference_member);
  g_autofree char *local_ref = g_strdup_printf ("#%s", id);
  gboolean removed = FALSE;

  for (guint i = 0; contained && i < json_array_get_length (contained); i++)
    {
      JsonObject *resource = array_object (contained, i);

      if (resource && g_strcmp0 (kith_fhir_get_string (resource, "resourceType"), type) == 0 &&
          g_strcmp0 (kith_fhir_get_string (resource, "id"), id) == 0)
        {
          json_array_remove_element (contained, i);
          removed = TRUE;
          break;
        }
    }
  for (guint i = 0; references && i < json_array_get_length (references); i++)
    {
      JsonObject *ref = array_object (references, i);
      JsonObject *inner = kith_fhir_get_object (ref, "reference");   /* activity.reference */
      const char *target = inner ? kith_fhir_get_string (inner, "reference") : kith_fhir_get_string (ref, "reference");

      if (g_strcmp0 (target, local_ref) == 0)
        {
          json_array_remove_element (references, i);
          break;
        }
    }
  return removed;
}

static void
add_contained (KithCarePlan *self,
               JsonObject   *resource,
               const char   *reference_member,
               gboolean      activity_style)
{
  g_autofree char *local_ref = g_strdup_printf ("#%s", kith_fhir_get_string (resource, "id"));
  JsonObject *ref = json_object_new ();

  json_array_add_object_element (ensure_array (self->plan, "contained"), resource);
  if (activity_style)
    {
      JsonObject *inner = json_object_new ();

      json_object_set_string_member (inner, "reference", local_ref);
      json_object_set_object_member (ref, "reference", inner);
    }
  else
    json_object_set_string_member (ref, "reference", local_ref);
  json_array_add_object_element (ensure_array (self->plan, reference_member), ref);
}

static const char *
patient_reference (KithCarePlan *self)
{
  return kith_fhir_get_string (kith_fhir_get_object (self->plan, "subject"), "reference");
}

static JsonObject *
patient_reference_object (KithCarePlan *self)
{
  JsonObject *ref = json_object_new ();

  json_object_set_string_member (ref, "reference", patient_reference (self));
  return ref;
}

/* --- loading -------------------------------------------------------------- */

static KithCarePlan *
wrap (JsonObject *plan)
{
  KithCarePlan *self = g_object_new (KITH_TYPE_CARE_PLAN, NULL);

  self->plan = copy_object (plan);
  self->base = copy_object (plan);
  return self;
}

KithCarePlan *
kith_care_plan_new_from_json (JsonObject  *care_plan,
                              GError     **error)
{
  g_return_val_if_fail (care_plan != NULL, NULL);

  if (g_strcmp0 (kith_fhir_get_string (care_plan, "resourceType"), "CarePlan") != 0 ||
      !kith_fhir_is_valid_id (kith_fhir_get_string (care_plan, "id")) ||
      kith_fhir_reference_id (kith_fhir_get_string (kith_fhir_get_object (care_plan, "subject"), "reference"), "Patient") == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("The record is not a care plan for a person"));
      return NULL;
    }
  return wrap (care_plan);
}

KithCarePlan *
kith_care_plan_load (KithStore   *store,
                     const char  *plan_id,
                     GError     **error)
{
  g_autoptr(JsonObject) plan = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(plan = kith_store_read_resource (store, "CarePlan", plan_id, error)))
    return NULL;
  return kith_care_plan_new_from_json (plan, error);
}

KithCarePlan *
kith_care_plan_load_current (KithStore   *store,
                             const char  *patient_id,
                             GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *id = NULL;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  stmt = kith_store_prepare (store,
                             "SELECT id FROM resource WHERE patient_id = ?1 AND type = 'CarePlan'"
                             " AND deleted = 0 AND status IN ('draft', 'active', 'on-hold')"
                             " ORDER BY last_updated DESC LIMIT 1",
                             error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return NULL;
    }
  if (id == NULL)
    return NULL;
  return kith_care_plan_load (store, id, error);
}

/* The first answer to an instrument question in the person's last
 * completed assessment, for telling it once. */
static char *
last_assessment_answer (KithStore  *store,
                        const char *patient_id,
                        const char *instrument_url,
                        const char *link_id)
{
  sqlite3_stmt *stmt;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GString) found = g_string_new (NULL);
  g_autofree char *pattern = g_strconcat (instrument_url, "%", NULL);
  GQueue queue = G_QUEUE_INIT;

  stmt = kith_store_prepare (store,
                             "SELECT id FROM resource WHERE patient_id = ?1 AND type = 'QuestionnaireResponse'"
                             " AND code LIKE ?2 AND deleted = 0 ORDER BY last_updated DESC LIMIT 1",
                             NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (id == NULL || !(response = kith_store_read_resource (store, "QuestionnaireResponse", id, NULL)))
    return NULL;

  g_queue_push_tail (&queue, kith_fhir_get_array (response, "item"));
  while (!g_queue_is_empty (&queue))
    {
      JsonArray *items = g_queue_pop_head (&queue);

      for (guint i = 0; items && i < json_array_get_length (items); i++)
        {
          JsonObject *item = array_object (items, i);
          JsonArray *answers = kith_fhir_get_array (item, "answer");

          if (item == NULL)
            continue;
          if (g_strcmp0 (kith_fhir_get_string (item, "linkId"), link_id) == 0 && answers &&
              json_array_get_length (answers) > 0)
            {
              const char *text = kith_fhir_get_string (array_object (answers, 0), "valueString");

              g_queue_clear (&queue);
              return g_strdup (text);
            }
          if (kith_fhir_get_array (item, "item"))
            g_queue_push_tail (&queue, kith_fhir_get_array (item, "item"));
        }
    }
  return NULL;
}

KithCarePlan *
kith_care_plan_new_for_patient (KithStore   *store,
                                const char  *patient_id,
                                GError     **error)
{
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(JsonObject) plan = json_object_new ();
  g_autoptr(KithCarePlan) self = NULL;
  g_autoptr(GPtrArray) conditions = NULL;
  g_autoptr(GPtrArray) teams = NULL;
  g_autofree char *id = kith_fhir_new_id ();
  g_autofree char *now = kith_fhir_now_instant ();
  g_autofree char *what_matters = NULL;
  g_autofree char *good_day = NULL;
  g_autofree char *who_to_call = NULL;
  g_autofree char *warning_signs = NULL;
  JsonObject *team;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(patient = kith_store_read_resource (store, "Patient", patient_id, error)))
    return NULL;

  json_object_set_string_member (plan, "resourceType", "CarePlan");
  json_object_set_string_member (plan, "id", id);
  json_object_set_string_member (plan, "status", "draft");
  json_object_set_string_member (plan, "intent", "plan");
  json_object_set_string_member (plan, "title", "Personalised care and support plan");
  json_object_set_object_member (plan, "subject", kith_fhir_new_reference ("Patient", patient_id, NULL));
  json_object_set_string_member (plan, "created", now);
  self = wrap (plan);
  kith_fhir_set_extension (self->plan, KITH_FHIR_SD "plan-state", "valueCode", string_node ("draft"));

  /* The care team, with the co-ordinator the person already has. */
  team = json_object_new ();
  json_object_set_string_member (team, "resourceType", "CareTeam");
  json_object_set_string_member (team, "id", TEAM_ID);
  json_object_set_string_member (team, "status", "active");
  json_object_set_object_member (team, "subject", patient_reference_object (self));
  json_object_set_array_member (team, "participant", json_array_new ());
  add_contained (self, team, "careTeam", FALSE);
  if ((teams = kith_store_list_for_patient (store, "CareTeam", patient_id, NULL)) != NULL)
    for (guint t = 0; t < teams->len; t++)
      {
        JsonArray *participants = kith_fhir_get_array (teams->pdata[t], "participant");

        if (g_strcmp0 (kith_fhir_get_string (teams->pdata[t], "status"), "active") != 0)
          continue;
        for (guint p = 0; participants && p < json_array_get_length (participants); p++)
          json_array_add_element (ensure_array (team, "participant"),
                                  json_node_copy (json_array_get_element (participants, p)));
        break;
      }
  {
    /* Give every copied participant an id, so edits merge by member. */
    JsonArray *participants = kith_fhir_get_array (team, "participant");

    for (guint p = 0; p < json_array_get_length (participants); p++)
      {
        JsonObject *participant = array_object (participants, p);
        g_autofree char *member_id = short_id ("member");

        if (participant && !json_object_has_member (participant, "id"))
          json_object_set_string_member (participant, "id", member_id);
      }
  }

  /* Tell it once: what the person said in their last assessment. */
  what_matters = last_assessment_answer (store, patient_id, KITH_FHIR_BASE "/Questionnaire/about-me", "what-matters");
  good_day = last_assessment_answer (store, patient_id, KITH_FHIR_BASE "/Questionnaire/about-me", "good-day");
  who_to_call = last_assessment_answer (store, patient_id, KITH_FHIR_BASE "/Questionnaire/crisis", "who-to-call");
  warning_signs = last_assessment_answer (store, patient_id, KITH_FHIR_BASE "/Questionnaire/crisis", "warning-signs");
  kith_care_plan_set_what_matters (self, what_matters);
  if (good_day)
    {
      g_autofree char *about = g_strdup_printf (_("A good day: %s"), good_day);
      kith_care_plan_set_about_me (self, about);
    }
  kith_care_plan_set_warning_signs (self, warning_signs);
  if (who_to_call)
    {
      g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_free);
      KithContact *contact = g_new0 (KithContact, 1);

      contact->name = g_strdup (who_to_call);
      contact->when = g_strdup (_("any hour"));
      g_ptr_array_add (contacts, contact);
      kith_care_plan_set_crisis_contacts (self, contacts);
    }

  /* The needs accepted in assessments are what the plan addresses. */
  if ((conditions = kith_store_list_for_patient (store, "Condition", patient_id, NULL)) != NULL)
    for (guint c = 0; c < conditions->len; c++)
      {
        JsonObject *condition = conditions->pdata[c];
        g_autofree char *json = kith_fhir_to_string (condition, FALSE);
        JsonObject *ref;
        g_autofree char *text = NULL;

        if (g_strcmp0 (kith_fhir_resource_code (condition), "need") != 0 ||
            strstr (json, "\"confirmed\"") == NULL)
          continue;
        ref = kith_fhir_new_reference ("Condition", kith_fhir_get_string (condition, "id"),
                                       kith_fhir_get_string (kith_fhir_get_object (condition, "code"), "text"));
        json_array_add_object_element (ensure_array (self->plan, "addresses"), ref);
      }

  /* A new plan is unsaved: nothing is in the store until the first save. */
  g_clear_pointer (&self->base, json_object_unref);
  return g_steal_pointer (&self);
}

/* --- simple getters ----------------------------------------------------- */

const char *
kith_care_plan_get_id (KithCarePlan *self)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  return kith_fhir_get_string (self->plan, "id");
}

const char *
kith_care_plan_get_patient_id (KithCarePlan *self)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  return kith_fhir_reference_id (patient_reference (self), "Patient");
}

const char *
kith_care_plan_get_version (KithCarePlan *self)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  return kith_fhir_get_version_id (self->plan);
}

const char *
kith_care_plan_get_last_updated (KithCarePlan *self)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  return kith_fhir_get_last_updated (self->plan);
}

const char *
kith_care_plan_get_last_edited_by (KithCarePlan *self)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  return get_text_extension (self, "last-edited-by");
}

static KithPlanState
state_of (JsonObject *plan)
{
  JsonNode *node = kith_fhir_get_extension (plan, KITH_FHIR_SD "plan-state", "valueCode");
  const char *code = node && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
  const char *status = kith_fhir_get_string (plan, "status");

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_strcmp0 (code, states[i].code) == 0)
      return states[i].state;
  /* A plan from elsewhere, without Kith's state: read FHIR's. */
  if (g_strcmp0 (status, "active") == 0 || g_strcmp0 (status, "on-hold") == 0)
    return KITH_PLAN_AGREED;
  if (g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "revoked") == 0 ||
      g_strcmp0 (status, "entered-in-error") == 0)
    return KITH_PLAN_ENDED;
  return KITH_PLAN_DRAFT;
}

KithPlanState
kith_care_plan_get_state (KithCarePlan *self)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), KITH_PLAN_DRAFT);
  return state_of (self->plan);
}

static void
set_state (KithCarePlan  *self,
           KithPlanState  state)
{
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (states[i].state == state)
      {
        kith_fhir_set_extension (self->plan, KITH_FHIR_SD "plan-state", "valueCode", string_node (states[i].code));
        json_object_set_string_member (self->plan, "status", states[i].fhir);
      }
}

const char *
kith_care_plan_state_to_string (KithPlanState state)
{
  switch (state)
    {
    case KITH_PLAN_DRAFT: return _("Draft");
    case KITH_PLAN_AGREED: return _("Agreed");
    case KITH_PLAN_UNDER_REVIEW: return _("Under review");
    case KITH_PLAN_ENDED: return _("Ended");
    default: return "";
    }
}

JsonObject *
kith_care_plan_get_json (KithCarePlan *self)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  return self->plan;
}

#define TEXT_SECTION(getter, setter, name) \
  const char * \
  getter (KithCarePlan *self) \
  { \
    g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL); \
    return get_text_extension (self, name); \
  } \
  void \
  setter (KithCarePlan *self, \
          const char   *text) \
  { \
    g_return_if_fail (KITH_IS_CARE_PLAN (self)); \
    set_text_extension (self, name, text); \
  }

TEXT_SECTION (kith_care_plan_get_about_me, kith_care_plan_set_about_me, "about-me")
TEXT_SECTION (kith_care_plan_get_what_matters, kith_care_plan_set_what_matters, "what-matters")
TEXT_SECTION (kith_care_plan_get_medicines_note, kith_care_plan_set_medicines_note, "medicines-review")
TEXT_SECTION (kith_care_plan_get_consent_to_share, kith_care_plan_set_consent_to_share, "consent-to-share")
TEXT_SECTION (kith_care_plan_get_warning_signs, kith_care_plan_set_warning_signs, "crisis-warning-signs")
TEXT_SECTION (kith_care_plan_get_crisis_actions, kith_care_plan_set_crisis_actions, "crisis-what-to-do")
#undef TEXT_SECTION

const char *
kith_care_plan_get_review_date (KithCarePlan *self)
{
  JsonNode *node;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  node = kith_fhir_get_extension (self->plan, KITH_FHIR_SD "review-date", "valueDate");
  return node && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

gboolean
kith_care_plan_set_review_date (KithCarePlan  *self,
                                const char    *iso_date,
                                GError       **error)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);

  if (iso_date && *iso_date && !is_iso_date (iso_date))
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Review date: not a real date (use the form 2027-03-01)"));
      return FALSE;
    }
  kith_fhir_set_extension (self->plan, KITH_FHIR_SD "review-date", "valueDate",
                           iso_date && *iso_date ? string_node (iso_date) : NULL);
  return TRUE;
}

gboolean
kith_care_plan_is_review_due (KithCarePlan *self,
                              GDate        *today)
{
  const char *review;
  GDate now;
  g_autofree char *today_text = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);

  review = kith_care_plan_get_review_date (self);
  if (review == NULL || kith_care_plan_get_state (self) == KITH_PLAN_ENDED)
    return FALSE;
  if (today == NULL)
    {
      today_date (&now);
      today = &now;
    }
  today_text = format_date (today);
  return strcmp (review, today_text) <= 0;
}

void
kith_care_plan_record_crunch_point (KithCarePlan    *self,
                                    KithCrunchPoint  point,
                                    const char      *note)
{
  static const char * const kinds[] = { "discharge", "new-setting", "change-in-condition" };
  g_autofree char *id = short_id ("crunch");
  g_autofree char *now = kith_fhir_now_instant ();
  g_autofree char *today = NULL;
  GDate date;
  JsonObject *extension;

  g_return_if_fail (KITH_IS_CARE_PLAN (self));
  g_return_if_fail (point <= KITH_CRUNCH_CHANGE_IN_CONDITION);

  extension = new_complex (self->plan, "crunch-point", id);
  add_part (json_object_get_array_member (extension, "extension"), "kind", "valueCode", kinds[point]);
  add_part (json_object_get_array_member (extension, "extension"), "when", "valueDateTime", now);
  add_part (json_object_get_array_member (extension, "extension"), "note", "valueString", note);

  /* A crunch point makes the review due now. */
  today_date (&date);
  today = format_date (&date);
  kith_care_plan_set_review_date (self, today, NULL);
  if (kith_care_plan_get_state (self) == KITH_PLAN_AGREED)
    set_state (self, KITH_PLAN_UNDER_REVIEW);
}

GPtrArray *
kith_care_plan_list_crisis_contacts (KithCarePlan *self)
{
  GPtrArray *contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_contact_free);
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), contacts);

  found = list_complex (self->plan, "crisis-contact");
  for (guint i = 0; i < found->len; i++)
    {
      KithContact *contact = g_new0 (KithContact, 1);

      contact->name = g_strdup (part_string (found->pdata[i], "name"));
      contact->phone = g_strdup (part_string (found->pdata[i], "phone"));
      contact->when = g_strdup (part_string (found->pdata[i], "when"));
      g_ptr_array_add (contacts, contact);
    }
  return contacts;
}

void
kith_care_plan_set_crisis_contacts (KithCarePlan *self,
                                    GPtrArray    *contacts)
{
  g_return_if_fail (KITH_IS_CARE_PLAN (self));

  remove_complex (self->plan, "crisis-contact", NULL);
  for (guint i = 0; contacts && i < contacts->len; i++)
    {
      KithContact *contact = contacts->pdata[i];
      g_autofree char *id = g_strdup_printf ("contact-%u", i + 1);
      JsonObject *extension;
      JsonArray *parts;

      if (contact->name == NULL && contact->phone == NULL)
        continue;
      extension = new_complex (self->plan, "crisis-contact", id);
      parts = json_object_get_array_member (extension, "extension");
      add_part (parts, "name", "valueString", contact->name);
      add_part (parts, "phone", "valueString", contact->phone);
      add_part (parts, "when", "valueString", contact->when);
    }
}

gboolean
kith_care_plan_get_crisis_first (KithCarePlan *self)
{
  JsonNode *node;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);
  node = kith_fhir_get_extension (self->plan, KITH_FHIR_SD "print-crisis-first", "valueBoolean");
  return node && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

void
kith_care_plan_set_crisis_first (KithCarePlan *self,
                                 gboolean      crisis_first)
{
  JsonNode *node = NULL;

  g_return_if_fail (KITH_IS_CARE_PLAN (self));
  if (crisis_first)
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, TRUE);
    }
  kith_fhir_set_extension (self->plan, KITH_FHIR_SD "print-crisis-first", "valueBoolean", node);
}

/* --- goals ----------------------------------------------------------------- */

static KithGoal *
goal_from_json (JsonObject *resource)
{
  KithGoal *goal = g_new0 (KithGoal, 1);
  JsonArray *addresses = kith_fhir_get_array (resource, "addresses");
  JsonNode *measure = kith_fhir_get_extension (resource, KITH_FHIR_SD "goal-measure", "valueString");

  goal->id = g_strdup (kith_fhir_get_string (resource, "id"));
  goal->text = g_strdup (kith_fhir_get_string (kith_fhir_get_object (resource, "description"), "text"));
  goal->expressed_by = g_strdup (kith_fhir_get_string (kith_fhir_get_object (resource, "expressedBy"), "display"));
  goal->measure = g_strdup (measure ? json_node_get_string (measure) : NULL);
  goal->achieved = g_strcmp0 (kith_fhir_get_string (resource, "lifecycleStatus"), "completed") == 0;
  if (addresses && json_array_get_length (addresses) > 0)
    goal->need_id = g_strdup (kith_fhir_reference_id (kith_fhir_get_string (array_object (addresses, 0), "reference"),
                                                      "Condition"));
  return goal;
}

static gboolean
goal_to_json (KithCarePlan    *self,
              const KithGoal  *goal,
              JsonObject      *resource,
              GError         **error)
{
  g_autofree char *text = clean_text (goal->text);
  JsonObject *description;

  if (text == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Goal: write the goal in the person's own words"));
      return FALSE;
    }
  json_object_set_string_member (resource, "resourceType", "Goal");
  json_object_set_string_member (resource, "lifecycleStatus", goal->achieved ? "completed" : "active");
  description = json_object_new ();
  json_object_set_string_member (description, "text", text);
  json_object_set_object_member (resource, "description", description);
  json_object_set_object_member (resource, "subject", patient_reference_object (self));
  if (goal->expressed_by && *goal->expressed_by)
    {
      JsonObject *who = json_object_new ();

      json_object_set_string_member (who, "display", goal->expressed_by);
      json_object_set_object_member (resource, "expressedBy", who);
    }
  else if (json_object_has_member (resource, "expressedBy"))
    json_object_remove_member (resource, "expressedBy");
  if (goal->need_id)
    {
      JsonArray *addresses = json_array_new ();

      json_array_add_object_element (addresses, kith_fhir_new_reference ("Condition", goal->need_id, NULL));
      json_object_set_array_member (resource, "addresses", addresses);
    }
  else if (json_object_has_member (resource, "addresses"))
    json_object_remove_member (resource, "addresses");
  {
    g_autofree char *measure = clean_text (goal->measure);
    kith_fhir_set_extension (resource, KITH_FHIR_SD "goal-measure", "valueString",
                             measure ? string_node (measure) : NULL);
  }
  return TRUE;
}

GPtrArray *
kith_care_plan_list_goals (KithCarePlan *self)
{
  GPtrArray *goals = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_goal_free);
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), goals);

  found = list_contained (self, "Goal");
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (goals, goal_from_json (found->pdata[i]));
  return goals;
}

char *
kith_care_plan_add_goal (KithCarePlan    *self,
                         const KithGoal  *goal,
                         GError         **error)
{
  g_autoptr(JsonObject) resource = json_object_new ();
  g_autofree char *id = short_id ("goal");

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  g_return_val_if_fail (goal != NULL, NULL);

  json_object_set_string_member (resource, "resourceType", "Goal");
  json_object_set_string_member (resource, "id", id);
  if (!goal_to_json (self, goal, resource, error))
    return NULL;
  add_contained (self, json_object_ref (resource), "goal", FALSE);
  return g_steal_pointer (&id);
}

gboolean
kith_care_plan_update_goal (KithCarePlan    *self,
                            const KithGoal  *goal,
                            GError         **error)
{
  JsonObject *resource;
  g_autoptr(JsonObject) scratch = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);

  resource = find_contained (self, "Goal", goal->id);
  if (resource == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_NOT_FOUND,
                           _("That goal is no longer in the plan"));
      return FALSE;
    }
  /* Check on a copy, so a refused edit changes nothing. */
  scratch = copy_object (resource);
  if (!goal_to_json (self, goal, scratch, error))
    return FALSE;
  return goal_to_json (self, goal, resource, error);
}

gboolean
kith_care_plan_remove_goal (KithCarePlan *self,
                            const char   *goal_id)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);
  return remove_contained (self, "Goal", goal_id, "goal");
}

/* --- actions ---------------------------------------------------------------- */

static KithAction *
action_from_json (JsonObject *resource)
{
  KithAction *action = g_new0 (KithAction, 1);
  const char *status = kith_fhir_get_string (resource, "status");
  JsonNode *kind = kith_fhir_get_extension (resource, KITH_FHIR_SD "owner-kind", "valueCode");
  const char *focus = kith_fhir_get_string (kith_fhir_get_object (resource, "focus"), "reference");

  action->id = g_strdup (kith_fhir_get_string (resource, "id"));
  action->text = g_strdup (kith_fhir_get_string (resource, "description"));
  action->owner = g_strdup (kith_fhir_get_string (kith_fhir_get_object (resource, "owner"), "display"));
  action->due = g_strdup (kith_fhir_get_string (kith_fhir_get_object (kith_fhir_get_object (resource, "restriction"), "period"), "end"));
  for (guint i = 0; i < G_N_ELEMENTS (action_statuses); i++)
    if (g_strcmp0 (status, action_statuses[i].fhir) == 0)
      action->status = action_statuses[i].status;
  for (guint i = 0; kind && i < G_N_ELEMENTS (owner_kinds); i++)
    if (g_strcmp0 (json_node_get_string (kind), owner_kinds[i]) == 0)
      action->owner_kind = i;
  if (focus && focus[0] == '#')
    action->goal_id = g_strdup (focus + 1);
  return action;
}

static gboolean
action_to_json (KithCarePlan      *self,
                const KithAction  *action,
                JsonObject        *resource,
                GError           **error)
{
  g_autofree char *text = clean_text (action->text);
  g_autofree char *owner = clean_text (action->owner);
  JsonObject *who;

  if (text == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Action: say what will be done"));
      return FALSE;
    }
  if (owner == NULL && action->owner_kind == KITH_OWNER_PROFESSIONAL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Action: say who will do it"));
      return FALSE;
    }
  if (action->due && *action->due && !is_iso_date (action->due))
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Action: the due date is not a real date (use the form 2027-03-01)"));
      return FALSE;
    }
  if ((guint) action->status >= G_N_ELEMENTS (action_statuses) || (guint) action->owner_kind >= G_N_ELEMENTS (owner_kinds))
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Action: unknown status or owner"));
      return FALSE;
    }

  json_object_set_string_member (resource, "resourceType", "Task");
  json_object_set_string_member (resource, "status", action_statuses[action->status].fhir);
  json_object_set_string_member (resource, "intent", "plan");
  json_object_set_string_member (resource, "description", text);
  json_object_set_object_member (resource, "for", patient_reference_object (self));
  who = json_object_new ();
  if (owner == NULL)
    owner = g_strdup (action->owner_kind == KITH_OWNER_PERSON ? _("the person") : _("the carer"));
  json_object_set_string_member (who, "display", owner);
  json_object_set_object_member (resource, "owner", who);
  kith_fhir_set_extension (resource, KITH_FHIR_SD "owner-kind", "valueCode",
                           string_node (owner_kinds[action->owner_kind]));
  if (action->due && *action->due)
    {
      JsonObject *restriction = json_object_new ();
      JsonObject *period = json_object_new ();

      json_object_set_string_member (period, "end", action->due);
      json_object_set_object_member (restriction, "period", period);
      json_object_set_object_member (resource, "restriction", restriction);
    }
  else if (json_object_has_member (resource, "restriction"))
    json_object_remove_member (resource, "restriction");
  if (action->goal_id)
    {
      JsonObject *focus = json_object_new ();
      g_autofree char *ref = g_strdup_printf ("#%s", action->goal_id);

      json_object_set_string_member (focus, "reference", ref);
      json_object_set_object_member (resource, "focus", focus);
    }
  else if (json_object_has_member (resource, "focus"))
    json_object_remove_member (resource, "focus");
  return TRUE;
}

GPtrArray *
kith_care_plan_list_actions (KithCarePlan *self)
{
  GPtrArray *actions = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_action_free);
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), actions);

  found = list_contained (self, "Task");
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (actions, action_from_json (found->pdata[i]));
  return actions;
}

char *
kith_care_plan_add_action (KithCarePlan      *self,
                           const KithAction  *action,
                           GError           **error)
{
  g_autoptr(JsonObject) resource = json_object_new ();
  g_autofree char *id = short_id ("action");

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  g_return_val_if_fail (action != NULL, NULL);

  json_object_set_string_member (resource, "resourceType", "Task");
  json_object_set_string_member (resource, "id", id);
  if (!action_to_json (self, action, resource, error))
    return NULL;
  add_contained (self, json_object_ref (resource), "activity", TRUE);
  return g_steal_pointer (&id);
}

gboolean
kith_care_plan_update_action (KithCarePlan      *self,
                              const KithAction  *action,
                              GError           **error)
{
  JsonObject *resource;
  g_autoptr(JsonObject) scratch = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);

  resource = find_contained (self, "Task", action->id);
  if (resource == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_NOT_FOUND,
                           _("That action is no longer in the plan"));
      return FALSE;
    }
  scratch = copy_object (resource);
  if (!action_to_json (self, action, scratch, error))
    return FALSE;
  return action_to_json (self, action, resource, error);
}

gboolean
kith_care_plan_remove_action (KithCarePlan *self,
                              const char   *action_id)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);
  return remove_contained (self, "Task", action_id, "activity");
}

GPtrArray *
kith_care_plan_list_overdue_actions (KithCarePlan *self,
                                     GDate        *today)
{
  GPtrArray *overdue = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_action_free);
  g_autoptr(GPtrArray) actions = NULL;
  g_autofree char *today_text = NULL;
  GDate now;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), overdue);

  if (today == NULL)
    {
      today_date (&now);
      today = &now;
    }
  today_text = format_date (today);
  actions = kith_care_plan_list_actions (self);
  for (guint i = 0; i < actions->len; i++)
    {
      KithAction *action = actions->pdata[i];

      if (action->due && strcmp (action->due, today_text) < 0 &&
          action->status != KITH_ACTION_DONE && action->status != KITH_ACTION_CANCELLED)
        g_ptr_array_add (overdue, g_steal_pointer (&actions->pdata[i]));
    }
  return overdue;
}

/* --- care team ---------------------------------------------------------------- */

static JsonObject *
team (KithCarePlan *self,
      gboolean      create)
{
  JsonObject *found = find_contained (self, "CareTeam", NULL);

  if (found == NULL && create)
    {
      found = json_object_new ();
      json_object_set_string_member (found, "resourceType", "CareTeam");
      json_object_set_string_member (found, "id", TEAM_ID);
      json_object_set_string_member (found, "status", "active");
      json_object_set_object_member (found, "subject", patient_reference_object (self));
      add_contained (self, found, "careTeam", FALSE);
    }
  return found;
}

static const char *
role_title (const char *role)
{
  static const struct { const char *code; const char *title; } roles[] = {
    { "coordinator", N_("Named care co-ordinator") },
    { "gp", N_("GP") },
    { "nurse", N_("Nurse") },
    { "social-worker", N_("Social worker") },
    { "carer", N_("Carer") },
    { "other", N_("Care team member") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (role, roles[i].code) == 0)
      return _(roles[i].title);
  return _("Care team member");
}

static KithTeamMember *
member_from_json (JsonObject *participant)
{
  KithTeamMember *member = g_new0 (KithTeamMember, 1);
  JsonArray *roles = kith_fhir_get_array (participant, "role");
  JsonNode *phone = kith_fhir_get_extension (participant, KITH_FHIR_SD "member-phone", "valueString");
  JsonNode *hours = kith_fhir_get_extension (participant, KITH_FHIR_SD "member-hours", "valueString");

  member->id = g_strdup (kith_fhir_get_string (participant, "id"));
  member->name = g_strdup (kith_fhir_get_string (kith_fhir_get_object (participant, "member"), "display"));
  for (guint i = 0; roles && i < json_array_get_length (roles) && member->role == NULL; i++)
    {
      JsonArray *codings = kith_fhir_get_array (array_object (roles, i), "coding");

      for (guint c = 0; codings && c < json_array_get_length (codings); c++)
        if (g_strcmp0 (kith_fhir_get_string (array_object (codings, c), "system"), CARE_TEAM_ROLE_SYSTEM) == 0)
          member->role = g_strdup (kith_fhir_get_string (array_object (codings, c), "code"));
    }
  if (member->role == NULL)
    member->role = g_strdup ("other");
  member->role_title = g_strdup (role_title (member->role));
  member->phone = g_strdup (phone ? json_node_get_string (phone) : NULL);
  member->hours = g_strdup (hours ? json_node_get_string (hours) : NULL);
  return member;
}

GPtrArray *
kith_care_plan_list_team (KithCarePlan *self)
{
  GPtrArray *members = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_team_member_free);
  JsonArray *participants;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), members);

  participants = kith_fhir_get_array (team (self, FALSE), "participant");
  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    if (array_object (participants, i))
      g_ptr_array_add (members, member_from_json (array_object (participants, i)));
  return members;
}

char *
kith_care_plan_add_team_member (KithCarePlan          *self,
                                const KithTeamMember  *member,
                                GError               **error)
{
  g_autofree char *name = NULL;
  g_autofree char *id = short_id ("member");
  JsonObject *participant;
  JsonArray *roles;
  JsonObject *role;
  JsonArray *codings;
  JsonObject *coding;
  JsonObject *who;
  const char *role_code;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);
  g_return_val_if_fail (member != NULL, NULL);

  name = clean_text (member->name);
  if (name == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Care team: give the member's name"));
      return NULL;
    }
  role_code = member->role ? member->role : "other";

  /* One named co-ordinator: naming a new one replaces the old. */
  if (g_strcmp0 (role_code, "coordinator") == 0 && kith_care_plan_get_coordinator (self))
    kith_care_plan_remove_team_member (self, kith_care_plan_get_coordinator (self)->id);

  participant = json_object_new ();
  json_object_set_string_member (participant, "id", id);
  roles = json_array_new ();
  role = json_object_new ();
  codings = json_array_new ();
  coding = json_object_new ();
  json_object_set_string_member (coding, "system", CARE_TEAM_ROLE_SYSTEM);
  json_object_set_string_member (coding, "code", role_code);
  json_object_set_string_member (coding, "display", role_title (role_code));
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (role, "coding", codings);
  json_array_add_object_element (roles, role);
  json_object_set_array_member (participant, "role", roles);
  who = json_object_new ();
  json_object_set_string_member (who, "display", name);
  json_object_set_object_member (participant, "member", who);
  if (member->phone && *member->phone)
    kith_fhir_set_extension (participant, KITH_FHIR_SD "member-phone", "valueString", string_node (member->phone));
  if (member->hours && *member->hours)
    kith_fhir_set_extension (participant, KITH_FHIR_SD "member-hours", "valueString", string_node (member->hours));
  json_array_add_object_element (ensure_array (team (self, TRUE), "participant"), participant);
  return g_steal_pointer (&id);
}

gboolean
kith_care_plan_remove_team_member (KithCarePlan *self,
                                   const char   *member_id)
{
  JsonArray *participants;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);

  participants = kith_fhir_get_array (team (self, FALSE), "participant");
  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    if (g_strcmp0 (kith_fhir_get_string (array_object (participants, i), "id"), member_id) == 0)
      {
        json_array_remove_element (participants, i);
        return TRUE;
      }
  return FALSE;
}

const KithTeamMember *
kith_care_plan_get_coordinator (KithCarePlan *self)
{
  g_autoptr(GPtrArray) members = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);

  g_clear_pointer (&self->coordinator, kith_team_member_free);
  members = kith_care_plan_list_team (self);
  for (guint i = 0; i < members->len; i++)
    if (g_strcmp0 (((KithTeamMember *) members->pdata[i])->role, "coordinator") == 0)
      {
        self->coordinator = g_steal_pointer (&members->pdata[i]);
        break;
      }
  return self->coordinator;
}

/* --- support and services -------------------------------------------------- */

GPtrArray *
kith_care_plan_list_support (KithCarePlan *self)
{
  GPtrArray *support = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_support_free);
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), support);

  found = list_complex (self->plan, "support");
  for (guint i = 0; i < found->len; i++)
    {
      KithSupport *entry = g_new0 (KithSupport, 1);

      entry->id = g_strdup (kith_fhir_get_string (found->pdata[i], "id"));
      entry->name = g_strdup (part_string (found->pdata[i], "name"));
      entry->kind = g_strdup (part_string (found->pdata[i], "kind"));
      entry->contact = g_strdup (part_string (found->pdata[i], "contact"));
      g_ptr_array_add (support, entry);
    }
  return support;
}

char *
kith_care_plan_add_support (KithCarePlan       *self,
                            const KithSupport  *support,
                            GError            **error)
{
  g_autofree char *name = NULL;
  g_autofree char *id = short_id ("support");
  JsonObject *extension;
  JsonArray *parts;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);

  name = clean_text (support->name);
  if (name == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Support and services: give the name of the service or group"));
      return NULL;
    }
  extension = new_complex (self->plan, "support", id);
  parts = json_object_get_array_member (extension, "extension");
  add_part (parts, "name", "valueString", name);
  add_part (parts, "kind", "valueCode", support->kind ? support->kind : "service");
  add_part (parts, "contact", "valueString", support->contact);
  return g_steal_pointer (&id);
}

gboolean
kith_care_plan_remove_support (KithCarePlan *self,
                               const char   *support_id)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);

  before = list_complex (self->plan, "support");
  remove_complex (self->plan, "support", support_id);
  after = list_complex (self->plan, "support");
  return after->len < before->len;
}

/* --- shared decisions ---------------------------------------------------- */

static GStrv
part_strings (JsonObject *extension,
              const char *url)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *parts = kith_fhir_get_array (extension, "extension");

  for (guint i = 0; parts && i < json_array_get_length (parts); i++)
    {
      JsonObject *part = array_object (parts, i);

      if (part && g_strcmp0 (kith_fhir_get_string (part, "url"), url) == 0 &&
          kith_fhir_get_string (part, "valueString"))
        g_strv_builder_add (builder, kith_fhir_get_string (part, "valueString"));
    }
  return g_strv_builder_end (builder);
}

GPtrArray *
kith_care_plan_list_decisions (KithCarePlan *self)
{
  GPtrArray *decisions = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_decision_free);
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), decisions);

  found = list_complex (self->plan, "shared-decision");
  for (guint i = 0; i < found->len; i++)
    {
      JsonObject *extension = found->pdata[i];
      KithDecision *decision = g_new0 (KithDecision, 1);

      decision->need_id = g_strdup (part_string (extension, "need"));
      decision->need_title = g_strdup (part_string (extension, "need-title"));
      decision->options = part_strings (extension, "option");
      decision->what_matters = g_strdup (part_string (extension, "what-matters"));
      decision->preferred = g_strdup (part_string (extension, "preferred"));
      decision->certainty = g_strdup (part_string (extension, "certainty"));
      decision->participants = part_strings (extension, "participant");
      decision->agreed = g_strdup (part_string (extension, "agreed"));
      decision->decided = g_strdup (part_string (extension, "decided"));
      for (guint c = 0; c < 3; c++)
        {
          g_autofree char *name = g_strdup_printf ("collaborate-%u", c + 1);
          const char *value = part_string (extension, name);
          guint64 n;

          decision->collaborate[c] = value && g_ascii_string_to_unsigned (value, 10, 0, 4, &n, NULL) ? (int) n : -1;
        }
      g_ptr_array_add (decisions, decision);
    }
  return decisions;
}

gboolean
kith_care_plan_set_decision (KithCarePlan        *self,
                             const KithDecision  *decision,
                             GError             **error)
{
  g_autofree char *id = NULL;
  JsonObject *extension;
  JsonArray *parts;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);
  g_return_val_if_fail (decision != NULL, FALSE);

  if (decision->need_id == NULL || *decision->need_id == '\0')
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Shared decision: say which need it is about"));
      return FALSE;
    }
  for (guint c = 0; c < 3; c++)
    if (decision->collaborate[c] < -1 || decision->collaborate[c] > 4)
      {
        g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                             _("collaboRATE: each answer is from 0 to 4"));
        return FALSE;
      }
  if (decision->agreed && decision->options && !g_strv_contains ((const char * const *) decision->options, decision->agreed))
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Shared decision: the agreed choice must be one of the options talked about"));
      return FALSE;
    }

  /* The extension's id is stable per need, so two windows deciding on
   * different needs merge, and one need never has two decisions. */
  {
    g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA1, decision->need_id, -1);
    id = g_strdup_printf ("decision-%.16s", digest);
  }
  remove_complex (self->plan, "shared-decision", id);
  extension = new_complex (self->plan, "shared-decision", id);
  parts = json_object_get_array_member (extension, "extension");
  add_part (parts, "need", "valueString", decision->need_id);
  add_part (parts, "need-title", "valueString", decision->need_title);
  for (guint i = 0; decision->options && decision->options[i]; i++)
    add_part (parts, "option", "valueString", decision->options[i]);
  add_part (parts, "what-matters", "valueString", decision->what_matters);
  add_part (parts, "preferred", "valueString", decision->preferred);
  add_part (parts, "certainty", "valueCode", decision->certainty);
  for (guint i = 0; decision->participants && decision->participants[i]; i++)
    add_part (parts, "participant", "valueString", decision->participants[i]);
  add_part (parts, "agreed", "valueString", decision->agreed);
  if (decision->agreed)
    {
      g_autofree char *now = decision->decided ? g_strdup (decision->decided) : kith_fhir_now_instant ();
      add_part (parts, "decided", "valueDateTime", now);
    }
  for (guint c = 0; c < 3; c++)
    if (decision->collaborate[c] >= 0)
      {
        g_autofree char *name = g_strdup_printf ("collaborate-%u", c + 1);
        g_autofree char *value = g_strdup_printf ("%d", decision->collaborate[c]);

        add_part (parts, name, "valueString", value);
      }
  return TRUE;
}

gboolean
kith_decision_is_collaborate_top (const KithDecision *decision)
{
  g_return_val_if_fail (decision != NULL, FALSE);
  return decision->collaborate[0] == 4 && decision->collaborate[1] == 4 && decision->collaborate[2] == 4;
}

/* --- agreement ------------------------------------------------------------- */

char *
kith_care_plan_check_agreement (KithCarePlan *self)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GPtrArray) goals = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autofree char *list = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), NULL);

  goals = kith_care_plan_list_goals (self);
  contacts = kith_care_plan_list_crisis_contacts (self);
  if (kith_care_plan_get_coordinator (self) == NULL)
    g_ptr_array_add (missing, (gpointer) _("a named co-ordinator in the care team"));
  if (goals->len == 0)
    g_ptr_array_add (missing, (gpointer) _("at least one goal in the person's words"));
  if (contacts->len == 0 && kith_care_plan_get_crisis_actions (self) == NULL)
    g_ptr_array_add (missing, (gpointer) _("a crisis plan: what to do and who to call at any hour"));
  if (missing->len == 0)
    return NULL;
  g_ptr_array_add (missing, NULL);
  list = g_strjoinv ("; ", (char **) missing->pdata);
  return g_strdup_printf (_("The plan cannot be agreed yet. It still needs %s."), list);
}

gboolean
kith_care_plan_agree (KithCarePlan  *self,
                      const char    *agreed_by,
                      gboolean       by_representative,
                      const char    *how,
                      GError       **error)
{
  g_autofree char *reason = NULL;
  g_autofree char *who = NULL;
  g_autofree char *now = NULL;
  JsonObject *extension;
  JsonArray *parts;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);

  if (kith_care_plan_get_state (self) == KITH_PLAN_ENDED)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_ENDED,
                           _("This plan has ended; start a new one"));
      return FALSE;
    }
  if ((reason = kith_care_plan_check_agreement (self)) != NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_CANNOT_AGREE, reason);
      return FALSE;
    }
  who = clean_text (agreed_by);
  if (who == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Say who agreed the plan: the person, or their representative by name"));
      return FALSE;
    }

  now = kith_fhir_now_instant ();
  remove_complex (self->plan, "agreement", NULL);
  extension = new_complex (self->plan, "agreement", NULL);
  parts = json_object_get_array_member (extension, "extension");
  add_part (parts, "by", "valueString", who);
  add_part (parts, "representative", "valueString", by_representative ? "true" : "false");
  add_part (parts, "how", "valueString", how);
  add_part (parts, "when", "valueDateTime", now);
  set_state (self, KITH_PLAN_AGREED);
  return TRUE;
}

gboolean
kith_care_plan_end (KithCarePlan  *self,
                    const char    *reason,
                    GError       **error)
{
  g_autofree char *why = clean_text (reason);

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);

  if (why == NULL)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_INVALID,
                           _("Say why the plan is ending"));
      return FALSE;
    }
  set_text_extension (self, "end-reason", why);
  set_state (self, KITH_PLAN_ENDED);
  return TRUE;
}

/* --- saving ------------------------------------------------------------------- */

/* The plan without what saving itself writes, for "did anything change". */
static JsonObject *
content_of (JsonObject *plan)
{
  JsonObject *copy = copy_object (plan);
  static const char * const bookkeeping[] = { "last-edited-by", "change-summary" };

  if (json_object_has_member (copy, "meta"))
    json_object_remove_member (copy, "meta");
  for (guint i = 0; i < G_N_ELEMENTS (bookkeeping); i++)
    {
      g_autofree char *url = g_strconcat (KITH_FHIR_SD, bookkeeping[i], NULL);
      kith_fhir_set_extension (copy, url, "valueString", NULL);
    }
  return copy;
}

static gboolean
content_equal (JsonObject *a,
               JsonObject *b)
{
  g_autoptr(JsonObject) x = NULL;
  g_autoptr(JsonObject) y = NULL;
  g_autoptr(JsonNode) nx = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) ny = json_node_new (JSON_NODE_OBJECT);

  if (a == NULL || b == NULL)
    return a == b;
  x = content_of (a);
  y = content_of (b);
  json_node_set_object (nx, x);
  json_node_set_object (ny, y);
  return json_node_equal (nx, ny);
}

gboolean
kith_care_plan_has_changes (KithCarePlan *self)
{
  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);
  return !content_equal (self->plan, self->base);
}

/* Changes to anything but the state and agreement themselves. */
static gboolean
substance_changed (JsonObject *before,
                   JsonObject *after)
{
  g_autoptr(JsonObject) x = copy_object (before);
  g_autoptr(JsonObject) y = copy_object (after);
  static const char * const ignore[] = { "plan-state", "agreement", "last-edited-by", "change-summary" };

  for (guint i = 0; i < G_N_ELEMENTS (ignore); i++)
    {
      g_autofree char *url = g_strconcat (KITH_FHIR_SD, ignore[i], NULL);

      kith_fhir_set_extension (x, url, "valueString", NULL);
      kith_fhir_set_extension (y, url, "valueString", NULL);
      remove_complex (x, ignore[i], NULL);
      remove_complex (y, ignore[i], NULL);
    }
  json_object_set_string_member (x, "status", "-");
  json_object_set_string_member (y, "status", "-");
  return !content_equal (x, y);
}

static char *
summarise_changes (JsonObject *before,
                   JsonObject *after)
{
  g_autoptr(KithCarePlan) older = NULL;
  g_autoptr(KithCarePlan) newer = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (before == NULL)
    return g_strdup (_("Plan started"));
  older = wrap (before);
  newer = wrap (after);
  changes = kith_care_plan_diff (older, newer);
  for (guint i = 0; i < changes->len; i++)
    {
      KithPlanChange *change = changes->pdata[i];

      g_string_append_printf (text, "%s%s: %s", text->len ? "; " : "", change->section, change->summary);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
write_plan (KithCarePlan  *self,
            KithStore     *store,
            JsonObject    *plan,
            const char    *if_match,
            GError       **error)
{
  if (!kith_store_save_resource (store, plan, if_match, error))
    return FALSE;
  g_clear_pointer (&self->plan, json_object_unref);
  g_clear_pointer (&self->base, json_object_unref);
  self->plan = copy_object (plan);
  self->base = copy_object (plan);
  return TRUE;
}

gboolean
kith_care_plan_save (KithCarePlan  *self,
                     KithStore     *store,
                     const char    *editor,
                     GError       **error)
{
  g_autoptr(JsonObject) plan = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *base_version = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (self), FALSE);
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!kith_care_plan_has_changes (self))
    return TRUE;
  if (self->base && state_of (self->base) == KITH_PLAN_ENDED)
    {
      g_set_error_literal (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_ENDED,
                           _("This plan has ended and is kept as it was; start a new one"));
      return FALSE;
    }

  /* An agreed plan is never changed silently: a change to what it says
   * makes it "under review" until it is agreed again. */
  if (self->base && state_of (self->base) == KITH_PLAN_AGREED &&
      kith_care_plan_get_state (self) == KITH_PLAN_AGREED && substance_changed (self->base, self->plan))
    set_state (self, KITH_PLAN_UNDER_REVIEW);

  summary = summarise_changes (self->base, self->plan);
  set_text_extension (self, "last-edited-by", editor);
  set_text_extension (self, "change-summary", summary);

  plan = copy_object (self->plan);
  base_version = g_strdup (self->base ? kith_fhir_get_version_id (self->base) : NULL);
  if (write_plan (self, store, plan, base_version, &local_error))
    return TRUE;

  if (!g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_VERSION_CONFLICT) || self->base == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Saved meanwhile elsewhere: merge both edits against the version they
   * started from. */
  {
    g_autoptr(JsonObject) remote = kith_store_read_resource (store, "CarePlan", kith_care_plan_get_id (self), error);
    g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_merge_conflict_free);
    g_autoptr(JsonObject) merged = NULL;
    g_autofree char *remote_version = NULL;

    g_autoptr(JsonObject) base_content = NULL;
    g_autoptr(JsonObject) local_content = NULL;
    g_autoptr(JsonObject) remote_content = NULL;

    if (remote == NULL)
      return FALSE;
    /* Who saved and what they changed is each version's own: not merged. */
    base_content = content_of (self->base);
    local_content = content_of (self->plan);
    remote_content = content_of (remote);
    merged = kith_merge_resources (base_content, local_content, remote_content, conflicts);
    if (conflicts->len > 0)
      {
        KithMergeConflict *first = conflicts->pdata[0];

        g_set_error (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_CONFLICT,
                     _("Someone else changed the same part of this plan (%s) while you were editing. "
                       "Your changes are kept on screen; look at both and save again."),
                     first->path);
        return FALSE;
      }
    {
      g_autofree char *merged_summary = summarise_changes (remote, merged);
      JsonNode *summary_node = string_node (merged_summary);

      kith_fhir_set_extension (merged, KITH_FHIR_SD "change-summary", "valueString", summary_node);
      kith_fhir_set_extension (merged, KITH_FHIR_SD "last-edited-by", "valueString",
                               editor ? string_node (editor) : NULL);
    }
    remote_version = g_strdup (kith_fhir_get_version_id (remote));
    return write_plan (self, store, merged, remote_version, error);
  }
}

GPtrArray *
kith_care_plan_list_versions (KithStore   *store,
                              const char  *plan_id,
                              GError     **error)
{
  g_autoptr(GPtrArray) history = NULL;
  GPtrArray *versions;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(history = kith_store_list_history (store, "CarePlan", plan_id, error)))
    return NULL;
  versions = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < history->len; i++)
    if (json_object_has_member (history->pdata[i], "subject"))   /* not a deletion */
      g_ptr_array_add (versions, wrap (history->pdata[i]));
  return versions;
}

/* --- differences ------------------------------------------------------------ */

static void
add_change (GPtrArray  *changes,
            const char *section,
            char       *summary)
{
  KithPlanChange *change = g_new0 (KithPlanChange, 1);

  change->section = g_strdup (section);
  change->summary = summary;
  g_ptr_array_add (changes, change);
}

static void
diff_text (GPtrArray  *changes,
           const char *section,
           const char *old,
           const char *new)
{
  if (g_strcmp0 (old, new) == 0)
    return;
  if (old == NULL)
    add_change (changes, section, g_strdup_printf (_("Added: %s"), new));
  else if (new == NULL)
    add_change (changes, section, g_strdup (_("Removed")));
  else
    add_change (changes, section, g_strdup_printf (_("Changed to: %s"), new));
}

static const char *
action_status_words (KithActionStatus status)
{
  switch (status)
    {
    case KITH_ACTION_NOT_STARTED: return _("not started");
    case KITH_ACTION_IN_PROGRESS: return _("under way");
    case KITH_ACTION_DONE: return _("done");
    case KITH_ACTION_CANCELLED: return _("cancelled");
    default: return "";
    }
}

GPtrArray *
kith_care_plan_diff (KithCarePlan *older,
                     KithCarePlan *newer)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_plan_change_free);
  g_autoptr(GPtrArray) old_goals = NULL, new_goals = NULL;
  g_autoptr(GPtrArray) old_actions = NULL, new_actions = NULL;
  g_autoptr(GPtrArray) old_team = NULL, new_team = NULL;
  g_autoptr(GPtrArray) old_contacts = NULL, new_contacts = NULL;
  g_autoptr(GPtrArray) old_decisions = NULL, new_decisions = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (older) && KITH_IS_CARE_PLAN (newer), changes);

  if (kith_care_plan_get_state (older) != kith_care_plan_get_state (newer))
    add_change (changes, _("State"),
                g_strdup_printf ("%s → %s", kith_care_plan_state_to_string (kith_care_plan_get_state (older)),
                                 kith_care_plan_state_to_string (kith_care_plan_get_state (newer))));
  diff_text (changes, _("About me"), kith_care_plan_get_about_me (older), kith_care_plan_get_about_me (newer));
  diff_text (changes, _("What matters to me"), kith_care_plan_get_what_matters (older), kith_care_plan_get_what_matters (newer));

  old_goals = kith_care_plan_list_goals (older);
  new_goals = kith_care_plan_list_goals (newer);
  for (guint i = 0; i < new_goals->len; i++)
    {
      KithGoal *goal = new_goals->pdata[i];
      KithGoal *was = NULL;

      for (guint j = 0; j < old_goals->len && was == NULL; j++)
        if (g_strcmp0 (((KithGoal *) old_goals->pdata[j])->id, goal->id) == 0)
          was = old_goals->pdata[j];
      if (was == NULL)
        add_change (changes, _("Goals"), g_strdup_printf (_("Added: %s"), goal->text));
      else if (g_strcmp0 (was->text, goal->text) != 0 || g_strcmp0 (was->measure, goal->measure) != 0 ||
               g_strcmp0 (was->expressed_by, goal->expressed_by) != 0)
        add_change (changes, _("Goals"), g_strdup_printf (_("Changed: %s"), goal->text));
      else if (was->achieved != goal->achieved)
        add_change (changes, _("Goals"), g_strdup_printf (goal->achieved ? _("Achieved: %s") : _("Reopened: %s"), goal->text));
    }
  for (guint j = 0; j < old_goals->len; j++)
    {
      gboolean kept = FALSE;

      for (guint i = 0; i < new_goals->len && !kept; i++)
        kept = g_strcmp0 (((KithGoal *) old_goals->pdata[j])->id, ((KithGoal *) new_goals->pdata[i])->id) == 0;
      if (!kept)
        add_change (changes, _("Goals"), g_strdup_printf (_("Removed: %s"), ((KithGoal *) old_goals->pdata[j])->text));
    }

  old_actions = kith_care_plan_list_actions (older);
  new_actions = kith_care_plan_list_actions (newer);
  for (guint i = 0; i < new_actions->len; i++)
    {
      KithAction *action = new_actions->pdata[i];
      KithAction *was = NULL;

      for (guint j = 0; j < old_actions->len && was == NULL; j++)
        if (g_strcmp0 (((KithAction *) old_actions->pdata[j])->id, action->id) == 0)
          was = old_actions->pdata[j];
      if (was == NULL)
        add_change (changes, _("Actions"), g_strdup_printf (_("Added: %s (%s)"), action->text, action->owner));
      else if (was->status != action->status)
        add_change (changes, _("Actions"), g_strdup_printf (_("%s: %s → %s"), action->text,
                                                            action_status_words (was->status),
                                                            action_status_words (action->status)));
      else if (g_strcmp0 (was->text, action->text) != 0 || g_strcmp0 (was->owner, action->owner) != 0 ||
               g_strcmp0 (was->due, action->due) != 0)
        add_change (changes, _("Actions"), g_strdup_printf (_("Changed: %s"), action->text));
    }
  for (guint j = 0; j < old_actions->len; j++)
    {
      gboolean kept = FALSE;

      for (guint i = 0; i < new_actions->len && !kept; i++)
        kept = g_strcmp0 (((KithAction *) old_actions->pdata[j])->id, ((KithAction *) new_actions->pdata[i])->id) == 0;
      if (!kept)
        add_change (changes, _("Actions"), g_strdup_printf (_("Removed: %s"), ((KithAction *) old_actions->pdata[j])->text));
    }

  old_team = kith_care_plan_list_team (older);
  new_team = kith_care_plan_list_team (newer);
  for (guint i = 0; i < new_team->len; i++)
    {
      KithTeamMember *member = new_team->pdata[i];
      gboolean known = FALSE;

      for (guint j = 0; j < old_team->len && !known; j++)
        known = g_strcmp0 (((KithTeamMember *) old_team->pdata[j])->id, member->id) == 0;
      if (!known)
        add_change (changes, _("Care team"), g_strdup_printf (_("Added: %s (%s)"), member->name, member->role_title));
    }
  for (guint j = 0; j < old_team->len; j++)
    {
      gboolean kept = FALSE;

      for (guint i = 0; i < new_team->len && !kept; i++)
        kept = g_strcmp0 (((KithTeamMember *) old_team->pdata[j])->id, ((KithTeamMember *) new_team->pdata[i])->id) == 0;
      if (!kept)
        add_change (changes, _("Care team"), g_strdup_printf (_("Removed: %s"), ((KithTeamMember *) old_team->pdata[j])->name));
    }

  diff_text (changes, _("Crisis plan"), kith_care_plan_get_warning_signs (older), kith_care_plan_get_warning_signs (newer));
  diff_text (changes, _("Crisis plan"), kith_care_plan_get_crisis_actions (older), kith_care_plan_get_crisis_actions (newer));
  old_contacts = kith_care_plan_list_crisis_contacts (older);
  new_contacts = kith_care_plan_list_crisis_contacts (newer);
  {
    g_autoptr(GString) a = g_string_new (NULL), b = g_string_new (NULL);

    for (guint i = 0; i < old_contacts->len; i++)
      g_string_append_printf (a, "%s %s;", ((KithContact *) old_contacts->pdata[i])->name ?: "",
                              ((KithContact *) old_contacts->pdata[i])->phone ?: "");
    for (guint i = 0; i < new_contacts->len; i++)
      g_string_append_printf (b, "%s %s;", ((KithContact *) new_contacts->pdata[i])->name ?: "",
                              ((KithContact *) new_contacts->pdata[i])->phone ?: "");
    if (!g_str_equal (a->str, b->str))
      add_change (changes, _("Crisis plan"), g_strdup (_("Who to call changed")));
  }

  old_decisions = kith_care_plan_list_decisions (older);
  new_decisions = kith_care_plan_list_decisions (newer);
  for (guint i = 0; i < new_decisions->len; i++)
    {
      KithDecision *decision = new_decisions->pdata[i];
      KithDecision *was = NULL;

      for (guint j = 0; j < old_decisions->len && was == NULL; j++)
        if (g_strcmp0 (((KithDecision *) old_decisions->pdata[j])->need_id, decision->need_id) == 0)
          was = old_decisions->pdata[j];
      if (decision->agreed && (was == NULL || g_strcmp0 (was->agreed, decision->agreed) != 0))
        add_change (changes, _("Shared decisions"),
                    g_strdup_printf (_("%s: agreed %s"), decision->need_title ? decision->need_title : decision->need_id,
                                     decision->agreed));
    }

  {
    g_autoptr(GPtrArray) a = kith_care_plan_list_support (older);
    g_autoptr(GPtrArray) b = kith_care_plan_list_support (newer);

    if (a->len != b->len)
      add_change (changes, _("Support and services"),
                  g_strdup_printf (_("%u services now"), b->len));
  }
  diff_text (changes, _("Medicines"), kith_care_plan_get_medicines_note (older), kith_care_plan_get_medicines_note (newer));
  diff_text (changes, _("Consent to share"), kith_care_plan_get_consent_to_share (older),
             kith_care_plan_get_consent_to_share (newer));
  diff_text (changes, _("Review date"), kith_care_plan_get_review_date (older), kith_care_plan_get_review_date (newer));
  {
    g_autoptr(GPtrArray) a = list_complex (older->plan, "crunch-point");
    g_autoptr(GPtrArray) b = list_complex (newer->plan, "crunch-point");

    if (b->len > a->len)
      add_change (changes, _("Review"), g_strdup (_("A crunch point made the review due now")));
  }
  return changes;
}
