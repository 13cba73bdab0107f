/* kith-correction.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-correction"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kith-care-plan.h"
#include "kith-correction.h"
#include "kith-fhir.h"
#include "kith-instrument-library.h"
#include "kith-instrument.h"
#include "kith-referral.h"
#include "kith-store.h"

G_DEFINE_QUARK (kith-correction-error-quark, kith_correction_error)

#define SHOULD_SAY_CODE        "should-say"
#define CORRECTED_VERSION_CODE "corrected-version"

void
kith_correction_target_free (KithCorrectionTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->type);
  g_free (target->id);
  g_free (target->label);
  g_free (target);
}

void
kith_correction_free (KithCorrection *correction)
{
  if (correction == NULL)
    return;
  g_free (correction->id);
  g_free (correction->patient_id);
  g_free (correction->target_type);
  g_free (correction->target_id);
  g_free (correction->target_label);
  g_free (correction->seen_version);
  g_free (correction->words);
  g_free (correction->should_say);
  g_free (correction->requested);
  g_free (correction->recorded_by);
  g_free (correction->outcome);
  g_free (correction->decided);
  g_free (correction->decided_by);
  g_free (correction->corrected_version);
  g_free (correction);
}

const char *
kith_correction_state_to_label (KithCorrectionState state)
{
  switch (state)
    {
    case KITH_CORRECTION_REQUESTED:
      return _("Asked for");
    case KITH_CORRECTION_MADE:
      return _("Corrected");
    case KITH_CORRECTION_REFUSED:
      return _("Refused");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* --- helpers ---------------------------------------------------------------- */

static char *
dup_stripped (const char *text)
{
  char *copy;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}


/* A Kith code, with what it means in words for people. */
static JsonObject *
new_concept_with_text (const char *system,
                       const char *code,
                       const char *text)
{
  JsonObject *concept = kith_fhir_new_concept (system, code, NULL);

  json_object_set_string_member (concept, "text", text);
  return concept;
}

/* What the part of the record says, without its meta: a new version
 * after a sync renames the version but says the same. */
static char *
dup_content_checksum (JsonObject *resource)
{
  g_autoptr(JsonObject) copy = kith_fhir_copy_resource (resource);
  g_autofree char *text = NULL;

  json_object_remove_member (copy, "meta");
  text = kith_fhir_to_string (copy, FALSE);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}



/* The value of the first input or output of @type_code in @member. */
static JsonNode *
find_parameter (JsonObject *task,
                const char *member,
                const char *type_code,
                const char *value_member)
{
  JsonArray *items = kith_fhir_get_array (task, member);

  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonArray *codings = kith_fhir_get_array (kith_fhir_get_object (item, "type"), "coding");

      for (guint j = 0; codings && j < json_array_get_length (codings); j++)
        {
          JsonObject *coding = json_array_get_object_element (codings, j);

          if (g_strcmp0 (kith_fhir_get_string (coding, "code"), type_code) == 0 &&
              json_object_has_member (item, value_member))
            return json_object_get_member (item, value_member);
        }
    }
  return NULL;
}

static void
add_parameter (JsonObject *task,
               const char *member,
               const char *type_code,
               const char *value_member,
               JsonNode   *value)
{
  JsonArray *items = kith_fhir_get_array (task, member);
  JsonObject *item = json_object_new ();

  if (items == NULL)
    {
      items = json_array_new ();
      json_object_set_array_member (task, member, items);
    }
  json_object_set_object_member (item, "type", kith_fhir_new_concept (KITH_REFERRAL_TASK_SYSTEM, type_code, NULL));
  json_object_set_member (item, value_member, value);
  json_array_add_object_element (items, item);
}

static void
add_note (JsonObject *task,
          const char *text,
          const char *author,
          const char *time)
{
  JsonArray *notes = kith_fhir_get_array (task, "note");
  JsonObject *note = json_object_new ();

  if (notes == NULL)
    {
      notes = json_array_new ();
      json_object_set_array_member (task, "note", notes);
    }
  if (author)
    json_object_set_string_member (note, "authorString", author);
  json_object_set_string_member (note, "time", time);
  json_object_set_string_member (note, "text", text);
  json_array_add_object_element (notes, note);
}

static gboolean
is_correction_task (JsonObject *task)
{
  return g_strcmp0 (kith_fhir_resource_code (task), KITH_CORRECTION_TASK_CODE) == 0;
}

static KithCorrectionState
state_from_status (const char *status)
{
  if (g_strcmp0 (status, "completed") == 0)
    return KITH_CORRECTION_MADE;
  if (g_strcmp0 (status, "rejected") == 0)
    return KITH_CORRECTION_REFUSED;
  return KITH_CORRECTION_REQUESTED;
}

/* "CarePlan/abc" into its type and id */
static gboolean
split_reference (const char  *reference,
                 char       **type,
                 char       **id)
{
  g_auto(GStrv) parts = NULL;

  if (reference == NULL)
    return FALSE;
  parts = g_strsplit (reference, "/", 3);
  if (g_strv_length (parts) < 2 || *parts[0] == '\0' || *parts[1] == '\0')
    return FALSE;
  *type = g_strdup (parts[0]);
  *id = g_strdup (parts[1]);
  return TRUE;
}

static KithCorrection *
correction_from_task (JsonObject *task)
{
  KithCorrection *correction = g_new0 (KithCorrection, 1);
  JsonObject *focus = kith_fhir_get_object (task, "focus");
  JsonNode *should_say = find_parameter (task, "input", SHOULD_SAY_CODE, "valueString");
  JsonNode *corrected = find_parameter (task, "output", CORRECTED_VERSION_CODE, "valueReference");
  JsonObject *owner = kith_fhir_get_object (task, "owner");
  JsonArray *notes = kith_fhir_get_array (task, "note");

  correction->id = g_strdup (kith_fhir_get_string (task, "id"));
  correction->patient_id = g_strdup (kith_fhir_resource_patient (task));
  split_reference (kith_fhir_get_string (focus, "reference"), &correction->target_type, &correction->target_id);
  correction->target_label = g_strdup (kith_fhir_get_string (focus, "display"));
  correction->seen_version = g_strdup (kith_fhir_get_extension_string (task, KITH_CORRECTION_SEEN_URL,
                                                                       "valueString"));
  correction->words = g_strdup (kith_fhir_get_string (task, "description"));
  if (should_say && JSON_NODE_HOLDS_VALUE (should_say))
    correction->should_say = g_strdup (json_node_get_string (should_say));
  correction->requested = g_strdup (kith_fhir_get_string (task, "authoredOn"));
  correction->recorded_by = g_strdup (kith_fhir_get_string (owner, "display"));
  correction->state = state_from_status (kith_fhir_get_string (task, "status"));
  if (correction->state != KITH_CORRECTION_REQUESTED)
    {
      JsonObject *last = notes && json_array_get_length (notes) > 0
        ? json_array_get_object_element (notes, json_array_get_length (notes) - 1) : NULL;

      correction->outcome = g_strdup (kith_fhir_get_string (last, "text"));
      correction->decided = g_strdup (kith_fhir_get_string (task, "lastModified"));
      correction->decided_by = g_strdup (kith_fhir_get_string (last, "authorString"));
    }
  if (corrected && JSON_NODE_HOLDS_OBJECT (corrected))
    correction->corrected_version = g_strdup (kith_fhir_get_string (json_node_get_object (corrected), "reference"));
  return correction;
}

static JsonObject *
read_task (KithStore   *store,
           const char  *id,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) task = kith_store_read_resource (store, "Task", id, &local_error);

  if (task == NULL || !is_correction_task (task))
    {
      g_set_error_literal (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_NOT_FOUND,
                           _("This correction request is not in the record."));
      return NULL;
    }
  return g_steal_pointer (&task);
}

/* The part of the record as it is now, or a NOT_FOUND error in words. */
static JsonObject *
read_target (KithStore   *store,
             const char  *type,
             const char  *id,
             const char  *patient_id,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) target = NULL;

  if (type && id)
    target = kith_store_read_resource (store, type, id, &local_error);
  if (target == NULL || g_strcmp0 (kith_fhir_resource_patient (target), patient_id) != 0)
    {
      g_set_error_literal (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_NOT_FOUND,
                           _("That part of the record could not be found."));
      return NULL;
    }
  return g_steal_pointer (&target);
}

static gboolean
decide (KithStore            *store,
        const char           *id,
        KithCorrectionState   state,
        const char           *text,
        const char           *decided_by,
        GError              **error)
{
  g_autoptr(JsonObject) task = NULL;
  g_autoptr(KithCorrection) correction = NULL;
  g_autofree char *words = dup_stripped (text);
  g_autofree char *now = kith_fhir_now_instant ();

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (words == NULL)
    {
      g_set_error_literal (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_INVALID,
                           state == KITH_CORRECTION_MADE
                             ? _("Say what was changed, so the person can see it.")
                             : _("Give the reason the correction was refused: the person has a right to know it."));
      return FALSE;
    }
  if (!(task = read_task (store, id, error)))
    return FALSE;
  correction = correction_from_task (task);
  if (correction->state != KITH_CORRECTION_REQUESTED)
    {
      g_set_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_STATE,
                   _("This request was already decided: %s."),
                   kith_correction_state_to_label (correction->state));
      return FALSE;
    }

  if (state == KITH_CORRECTION_MADE)
    {
      g_autoptr(JsonObject) target = read_target (store, correction->target_type, correction->target_id,
                                                  correction->patient_id, error);
      g_autofree char *checksum = NULL;
      g_autofree char *reference = NULL;
      JsonNode *value;

      if (target == NULL)
        return FALSE;
      checksum = dup_content_checksum (target);
      if (g_strcmp0 (checksum, kith_fhir_get_extension_string (task, KITH_CORRECTION_CONTENT_URL, "valueString")) == 0)
        {
          g_set_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_UNCHANGED,
                       _("“%s” has not changed since the person asked. Make the correction first, then record it."),
                       correction->target_label ? correction->target_label : _("This part of the record"));
          return FALSE;
        }
      reference = g_strdup_printf ("%s/%s/_history/%s", correction->target_type, correction->target_id,
                                   kith_fhir_get_version_id (target));
      value = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (value, json_object_new ());
      json_object_set_string_member (json_node_get_object (value), "reference", reference);
      add_parameter (task, "output", CORRECTED_VERSION_CODE, "valueReference", value);
      json_object_set_string_member (task, "status", "completed");
    }
  else
    {
      json_object_set_string_member (task, "status", "rejected");
      json_object_set_object_member (task, "statusReason", new_concept_with_text (KITH_REFERRAL_TASK_SYSTEM, "refused", words));
    }
  add_note (task, words, decided_by, now);
  json_object_set_string_member (task, "lastModified", now);
  return kith_store_save_resource (store, task, NULL, error);
}

/* --- public ----------------------------------------------------------------- */

static char *
dup_response_label (JsonObject *response)
{
  KithInstrument *instrument =
    kith_instrument_library_lookup_url (kith_instrument_library_get_default (),
                                        kith_fhir_get_string (response, "questionnaire"));
  const char *authored = kith_fhir_get_string (response, "authored");
  g_autoptr(GDateTime) when = authored ? g_date_time_new_from_iso8601 (authored, NULL) : NULL;
  g_autofree char *date = when ? g_date_time_format (when, "%-d %B %Y") : NULL;
  const char *title = instrument ? kith_instrument_get_title (instrument) : _("Questionnaire");

  /* TRANSLATORS: a questionnaire and the day it was answered: "PHQ-9, 3 March 2026" */
  return date ? g_strdup_printf (_("%s, %s"), title, date) : g_strdup (title);
}

static int
compare_authored_newest_first (gconstpointer a,
                               gconstpointer b)
{
  JsonObject *ra = *(JsonObject **) a;
  JsonObject *rb = *(JsonObject **) b;

  return -g_strcmp0 (kith_fhir_get_string (ra, "authored"), kith_fhir_get_string (rb, "authored"));
}

GPtrArray *
kith_correction_list_targets (KithStore   *store,
                              const char  *patient_id,
                              GError     **error)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_correction_target_free);
  g_autoptr(GPtrArray) responses = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GError) plan_error = NULL;
  KithCorrectionTarget *target;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  target = g_new0 (KithCorrectionTarget, 1);
  target->type = g_strdup ("Patient");
  target->id = g_strdup (patient_id);
  target->label = g_strdup (_("Personal details"));
  g_ptr_array_add (targets, target);

  if ((plan = kith_care_plan_load_current (store, patient_id, &plan_error)))
    {
      target = g_new0 (KithCorrectionTarget, 1);
      target->type = g_strdup ("CarePlan");
      target->id = g_strdup (kith_care_plan_get_id (plan));
      target->label = g_strdup (_("Care plan"));
      g_ptr_array_add (targets, target);
    }

  if (!(responses = kith_store_list_for_patient (store, "QuestionnaireResponse", patient_id, error)))
    return NULL;
  g_ptr_array_sort (responses, compare_authored_newest_first);
  for (guint i = 0; i < responses->len; i++)
    {
      JsonObject *response = responses->pdata[i];

      /* The envelope of a holistic assessment holds no answers of its own. */
      if (g_strcmp0 (kith_fhir_get_string (response, "questionnaire"), KITH_HOLISTIC_ASSESSMENT_URL) == 0)
        continue;
      target = g_new0 (KithCorrectionTarget, 1);
      target->type = g_strdup ("QuestionnaireResponse");
      target->id = g_strdup (kith_fhir_get_string (response, "id"));
      target->label = dup_response_label (response);
      g_ptr_array_add (targets, target);
    }
  return g_steal_pointer (&targets);
}

KithCorrection *
kith_correction_request (KithStore   *store,
                         const char  *patient_id,
                         const char  *target_type,
                         const char  *target_id,
                         const char  *target_label,
                         const char  *words,
                         const char  *should_say,
                         const char  *recorded_by,
                         GError     **error)
{
  g_autofree char *person_words = dup_stripped (words);
  g_autofree char *should = dup_stripped (should_say);
  g_autofree char *id = kith_fhir_new_id ();
  g_autofree char *now = kith_fhir_now_instant ();
  g_autofree char *checksum = NULL;
  g_autofree char *reference = NULL;
  g_autoptr(JsonObject) target = NULL;
  g_autoptr(JsonObject) task = NULL;
  JsonObject *focus;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if (person_words == NULL)
    {
      g_set_error_literal (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_INVALID,
                           _("Write down what the person says is wrong, in their words."));
      return NULL;
    }
  if (!(target = read_target (store, target_type, target_id, patient_id, error)))
    return NULL;
  checksum = dup_content_checksum (target);

  task = json_object_new ();
  json_object_set_string_member (task, "resourceType", "Task");
  json_object_set_string_member (task, "id", id);
  json_object_set_string_member (task, "status", "requested");
  json_object_set_string_member (task, "intent", "order");
  json_object_set_object_member (task, "code",
                                 new_concept_with_text (KITH_REFERRAL_TASK_SYSTEM, KITH_CORRECTION_TASK_CODE,
                                              "Correction requested by the person"));
  json_object_set_string_member (task, "description", person_words);
  reference = g_strdup_printf ("%s/%s", target_type, target_id);
  focus = json_object_new ();
  json_object_set_string_member (focus, "reference", reference);
  if (target_label)
    json_object_set_string_member (focus, "display", target_label);
  json_object_set_object_member (task, "focus", focus);
  json_object_set_object_member (task, "for", kith_fhir_new_reference ("Patient", patient_id, NULL));
  /* The person asked; the professional wrote it down and owns the answer. */
  json_object_set_object_member (task, "requester", kith_fhir_new_reference ("Patient", patient_id, NULL));
  if (recorded_by)
    {
      JsonObject *owner = json_object_new ();

      json_object_set_string_member (owner, "display", recorded_by);
      json_object_set_object_member (task, "owner", owner);
    }
  json_object_set_string_member (task, "authoredOn", now);
  json_object_set_string_member (task, "lastModified", now);
  if (should)
    {
      JsonNode *value = json_node_new (JSON_NODE_VALUE);

      json_node_set_string (value, should);
      add_parameter (task, "input", SHOULD_SAY_CODE, "valueString", value);
    }
  kith_fhir_set_extension_string (task, KITH_CORRECTION_SEEN_URL, "valueString", kith_fhir_get_version_id (target));
  kith_fhir_set_extension_string (task, KITH_CORRECTION_CONTENT_URL, "valueString", checksum);

  if (!kith_store_save_resource (store, task, NULL, error))
    return NULL;
  return correction_from_task (task);
}

gboolean
kith_correction_record_made (KithStore   *store,
                             const char  *id,
                             const char  *what_changed,
                             const char  *decided_by,
                             GError     **error)
{
  return decide (store, id, KITH_CORRECTION_MADE, what_changed, decided_by, error);
}

gboolean
kith_correction_refuse (KithStore   *store,
                        const char  *id,
                        const char  *reason,
                        const char  *decided_by,
                        GError     **error)
{
  return decide (store, id, KITH_CORRECTION_REFUSED, reason, decided_by, error);
}

static int
compare_corrections (gconstpointer a,
                     gconstpointer b)
{
  const KithCorrection *ca = *(KithCorrection **) a;
  const KithCorrection *cb = *(KithCorrection **) b;
  gboolean open_a = ca->state == KITH_CORRECTION_REQUESTED;
  gboolean open_b = cb->state == KITH_CORRECTION_REQUESTED;

  if (open_a != open_b)
    return open_a ? -1 : 1;
  return -g_strcmp0 (ca->requested, cb->requested);
}

GPtrArray *
kith_correction_list (KithStore   *store,
                      const char  *patient_id,
                      GError     **error)
{
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_correction_free);

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if (!(tasks = kith_store_list_for_patient (store, "Task", patient_id, error)))
    return NULL;
  for (guint i = 0; i < tasks->len; i++)
    if (is_correction_task (tasks->pdata[i]))
      g_ptr_array_add (out, correction_from_task (tasks->pdata[i]));
  g_ptr_array_sort (out, compare_corrections);
  return g_steal_pointer (&out);
}

KithCorrection *
kith_correction_load (KithStore   *store,
                      const char  *id,
                      GError     **error)
{
  g_autoptr(JsonObject) task = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!(task = read_task (store, id, error)))
    return NULL;
  return correction_from_task (task);
}
