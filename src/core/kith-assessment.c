/* kith-assessment.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One holistic assessment with a person. In FHIR it is:
 *  - an envelope QuestionnaireResponse (KITH_HOLISTIC_ASSESSMENT_URL) with
 *    the "in their own words" notes per domain;
 *  - one QuestionnaireResponse per instrument, pointing to the envelope
 *    with the part-of-assessment extension;
 *  - Observations for scores and indications once complete;
 *  - Flags for safety alerts, raised the moment they fire;
 *  - Conditions (category "need") for the needs proposed and decided.
 * Every answer is saved as it is given. Ids of derived resources are made
 * from the assessment id, so saving again updates rather than duplicates.
 */

#define G_LOG_DOMAIN "kith-assessment"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-assessment.h"
#include "kith-fhir.h"
#include "kith-instrument-library.h"
#include "kith-store-private.h"

#define NEED_CATEGORY_SYSTEM  KITH_FHIR_BASE "/CodeSystem/condition-category"
#define NEED_RULE_SYSTEM      KITH_FHIR_BASE "/CodeSystem/need-rule"
#define FLAG_CATEGORY_SYSTEM  "http://terminology.hl7.org/CodeSystem/flag-category"
#define VERIFICATION_SYSTEM   "http://terminology.hl7.org/CodeSystem/condition-ver-status"
#define CLINICAL_SYSTEM       "http://terminology.hl7.org/CodeSystem/condition-clinical"
#define OBS_CATEGORY_SYSTEM   "http://terminology.hl7.org/CodeSystem/observation-category"
#define BAND_SYSTEM           KITH_FHIR_BASE "/CodeSystem/score-band"

struct _KithAssessment
{
  GObject                parent_instance;

  KithStore             *store;
  KithInstrumentLibrary *library;

  char                  *id;
  char                  *patient_id;     /* the person (cared for, for a carer's assessment) */
  char                  *subject_type;   /* "Patient" or "RelatedPerson" */
  char                  *subject_id;
  char                  *subject_kind;   /* "patient" or "carer" */
  char                  *author;
  char                  *status;
  char                  *started;
  char                  *previous_id;
  char                  *consent_id;

  JsonObject            *envelope;       /* as last saved */
  GHashTable            *notes;          /* domain → text */
  GPtrArray             *instruments;    /* included KithInstrument, in order */
  GHashTable            *answers;        /* instrument id → KithAnswerSet */
  GHashTable            *responses;      /* instrument id → JsonObject as last saved */
  GHashTable            *previous;       /* instrument id → KithAnswerSet */
  GHashTable            *needs;          /* need id → KithNeed (decided) */
  GHashTable            *raised;         /* "instrument/alert" → flag id */
};

G_DEFINE_FINAL_TYPE (KithAssessment, kith_assessment, G_TYPE_OBJECT)

G_DEFINE_QUARK (kith-assessment-error-quark, kith_assessment_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
kith_need_free (KithNeed *need)
{
  if (need == NULL)
    return;
  g_free (need->id);
  g_free (need->title);
  g_free (need->proposed_title);
  g_free (need->domain);
  g_free (need->why);
  g_free (need->dismiss_reason);
  g_free (need->condition_id);
  g_free (need);
}

void
kith_alert_free (KithAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->flag_id);
  g_free (alert->patient_id);
  g_free (alert->title);
  g_free (alert->advice);
  g_free (alert->why);
  g_free (alert->raised);
  g_free (alert);
}

static KithNeed *
need_copy (const KithNeed *need)
{
  KithNeed *copy = g_new0 (KithNeed, 1);

  copy->id = g_strdup (need->id);
  copy->title = g_strdup (need->title);
  copy->proposed_title = g_strdup (need->proposed_title);
  copy->domain = g_strdup (need->domain);
  copy->why = g_strdup (need->why);
  copy->state = need->state;
  copy->dismiss_reason = g_strdup (need->dismiss_reason);
  copy->condition_id = g_strdup (need->condition_id);
  return copy;
}

static void
kith_assessment_finalize (GObject *object)
{
  KithAssessment *self = (KithAssessment *) object;

  g_clear_object (&self->store);
  g_free (self->id);
  g_free (self->patient_id);
  g_free (self->subject_type);
  g_free (self->subject_id);
  g_free (self->subject_kind);
  g_free (self->author);
  g_free (self->status);
  g_free (self->started);
  g_free (self->previous_id);
  g_free (self->consent_id);
  g_clear_pointer (&self->envelope, json_object_unref);
  g_clear_pointer (&self->notes, g_hash_table_unref);
  g_clear_pointer (&self->instruments, g_ptr_array_unref);
  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_pointer (&self->responses, g_hash_table_unref);
  g_clear_pointer (&self->previous, g_hash_table_unref);
  g_clear_pointer (&self->needs, g_hash_table_unref);
  g_clear_pointer (&self->raised, g_hash_table_unref);

  G_OBJECT_CLASS (kith_assessment_parent_class)->finalize (object);
}

static void
kith_assessment_class_init (KithAssessmentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kith_assessment_finalize;

  /* Emitted after an answer, note or decision is saved; the detail-free
   * string is the instrument id, or NULL for the assessment as a whole. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kith_assessment_init (KithAssessment *self)
{
  self->library = kith_instrument_library_get_default ();
  self->notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->instruments = g_ptr_array_new_with_free_func (g_object_unref);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) kith_answer_set_free);
  self->responses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->previous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) kith_answer_set_free);
  self->needs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) kith_need_free);
  self->raised = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* --- helpers ------------------------------------------------------------ */

/* A stable id for something derived from this assessment: the same inputs
 * always give the same id, so re-saving updates it. Shaped as a UUID. */
static char *
derived_id (const char *assessment_id,
            const char *kind,
            const char *key)
{
  g_autofree char *input = g_strdup_printf ("%s|%s|%s", assessment_id, kind, key);
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, input, -1);

  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static JsonObject *
concept (const char *system,
         const char *code,
         const char *display,
         const char *text)
{
  JsonObject *object = json_object_new ();

  if (code)
    {
      JsonArray *codings = json_array_new ();
      JsonObject *coding = json_object_new ();

      if (system)
        json_object_set_string_member (coding, "system", system);
      json_object_set_string_member (coding, "code", code);
      if (display)
        json_object_set_string_member (coding, "display", display);
      json_array_add_object_element (codings, coding);
      json_object_set_array_member (object, "coding", codings);
    }
  if (text)
    json_object_set_string_member (object, "text", text);
  return object;
}

static JsonArray *
concept_list (JsonObject *first)
{
  JsonArray *array = json_array_new ();

  json_array_add_object_element (array, first);
  return array;
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

static JsonNode *
reference_node (const char *type,
                const char *id,
                const char *display)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, kith_fhir_new_reference (type, id, display));
  return node;
}

static void
mark_part_of (KithAssessment *self,
              JsonObject     *resource)
{
  kith_fhir_set_extension (resource, KITH_FHIR_SD "part-of-assessment", "valueReference",
                           reference_node ("QuestionnaireResponse", self->id, NULL));
  if (g_strcmp0 (self->subject_kind, "carer") == 0)
    kith_fhir_set_extension (resource, KITH_FHIR_SD "cared-for", "valueReference",
                             reference_node ("Patient", self->patient_id, NULL));
}

static void
set_subject (KithAssessment *self,
             JsonObject     *resource)
{
  json_object_set_object_member (resource, "subject",
                                 kith_fhir_new_reference (self->subject_type, self->subject_id, NULL));
}

static void
set_author (KithAssessment *self,
            JsonObject     *resource,
            const char     *member)
{
  JsonObject *who = json_object_new ();

  if (self->author == NULL)
    return;
  json_object_set_string_member (who, "display", self->author);
  json_object_set_object_member (resource, member, who);
}

static gboolean
refuse_if_completed (KithAssessment  *self,
                     GError         **error)
{
  if (g_strcmp0 (self->status, "completed") == 0)
    {
      g_set_error_literal (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_COMPLETED,
                           _("This assessment is complete and can no longer be changed; start a new one"));
      return TRUE;
    }
  return FALSE;
}

static KithInstrument *
included_instrument (KithAssessment  *self,
                     const char      *instrument_id,
                     GError         **error)
{
  for (guint i = 0; i < self->instruments->len; i++)
    if (g_strcmp0 (kith_instrument_get_id (self->instruments->pdata[i]), instrument_id) == 0)
      return self->instruments->pdata[i];
  g_set_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NOT_INCLUDED,
               _("“%s” is not part of this assessment"), instrument_id ? instrument_id : "");
  return NULL;
}

static KithAnswerSet *
answers_for (KithAssessment *self,
             KithInstrument *instrument)
{
  KithAnswerSet *answers = g_hash_table_lookup (self->answers, kith_instrument_get_id (instrument));

  if (answers == NULL)
    {
      answers = kith_answer_set_new (instrument);
      g_hash_table_insert (self->answers, g_strdup (kith_instrument_get_id (instrument)), answers);
    }
  return answers;
}

static void
include_instrument (KithAssessment *self,
                    KithInstrument *instrument)
{
  g_ptr_array_add (self->instruments, g_object_ref (instrument));
  answers_for (self, instrument);
}

/* The instruments every assessment of this kind holds from the start. */
static void
include_defaults (KithAssessment *self)
{
  g_autoptr(GPtrArray) all = kith_instrument_library_list (self->library);

  for (guint i = 0; i < all->len; i++)
    {
      KithInstrument *instrument = all->pdata[i];

      if (g_strcmp0 (kith_instrument_get_subject (instrument), self->subject_kind) == 0 &&
          !kith_instrument_get_optional (instrument))
        include_instrument (self, instrument);
    }
}

static void
sort_instruments (KithAssessment *self)
{
  g_autoptr(GPtrArray) ordered = kith_instrument_library_list (self->library);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < ordered->len; i++)
    for (guint j = 0; j < self->instruments->len; j++)
      if (self->instruments->pdata[j] == ordered->pdata[i])
        g_ptr_array_add (sorted, g_object_ref (ordered->pdata[i]));
  g_ptr_array_unref (self->instruments);
  self->instruments = g_steal_pointer (&sorted);
}

/* --- saving ------------------------------------------------------------- */

static gboolean
save (KithAssessment  *self,
      JsonObject      *resource,
      GError         **error)
{
  const char *version = kith_fhir_get_version_id (resource);
  g_autofree char *base = g_strdup (version);

  /* Based on the version we hold: a change made meanwhile in another
   * window is reported, never overwritten. */
  return kith_store_save_resource (self->store, resource, base, error);
}

static JsonObject *
build_envelope (KithAssessment *self)
{
  JsonObject *envelope = self->envelope ? json_object_ref (self->envelope) : json_object_new ();
  JsonArray *items = json_array_new ();
  static const char * const domains[] = {
    "about-me", "health", "daily-living", "emotional", "practical", "carer", "risk",
  };

  json_object_set_string_member (envelope, "resourceType", "QuestionnaireResponse");
  json_object_set_string_member (envelope, "id", self->id);
  json_object_set_string_member (envelope, "questionnaire", KITH_HOLISTIC_ASSESSMENT_URL);
  json_object_set_string_member (envelope, "status", self->status);
  set_subject (self, envelope);
  if (self->started)
    json_object_set_string_member (envelope, "authored", self->started);
  set_author (self, envelope, "author");
  if (self->previous_id)
    kith_fhir_set_extension (envelope, KITH_FHIR_SD "previous-assessment", "valueReference",
                             reference_node ("QuestionnaireResponse", self->previous_id, NULL));
  if (g_strcmp0 (self->subject_kind, "carer") == 0)
    kith_fhir_set_extension (envelope, KITH_FHIR_SD "cared-for", "valueReference",
                             reference_node ("Patient", self->patient_id, NULL));
  if (self->consent_id)
    kith_fhir_set_extension (envelope, KITH_FHIR_SD "consent", "valueReference",
                             reference_node ("Consent", self->consent_id, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
    {
      const char *note = g_hash_table_lookup (self->notes, domains[i]);
      g_autofree char *link_id = g_strdup_printf ("note-%s", domains[i]);
      JsonObject *item;
      JsonArray *answers;
      JsonObject *answer;

      if (note == NULL || *note == '\0')
        continue;
      item = json_object_new ();
      answers = json_array_new ();
      answer = json_object_new ();
      json_object_set_string_member (item, "linkId", link_id);
      json_object_set_string_member (item, "text", _("In their own words"));
      json_object_set_string_member (answer, "valueString", note);
      json_array_add_object_element (answers, answer);
      json_object_set_array_member (item, "answer", answers);
      json_array_add_object_element (items, item);
    }
  json_object_set_array_member (envelope, "item", items);
  return envelope;
}

static gboolean
save_envelope (KithAssessment  *self,
               GError         **error)
{
  g_autoptr(JsonObject) envelope = build_envelope (self);

  if (!save (self, envelope, error))
    return FALSE;
  g_clear_pointer (&self->envelope, json_object_unref);
  self->envelope = g_steal_pointer (&envelope);
  return TRUE;
}

static gboolean
save_response (KithAssessment  *self,
               KithInstrument  *instrument,
               const char      *status,
               GError         **error)
{
  const char *instrument_id = kith_instrument_get_id (instrument);
  JsonObject *held = g_hash_table_lookup (self->responses, instrument_id);
  g_autoptr(JsonObject) response = held ? json_object_ref (held) : json_object_new ();
  g_autofree char *id = derived_id (self->id, "response", instrument_id);
  g_autofree char *canonical = g_strdup_printf ("%s|%s", kith_instrument_get_url (instrument),
                                                kith_instrument_get_version (instrument));
  g_autofree char *now = kith_fhir_now_instant ();

  json_object_set_string_member (response, "resourceType", "QuestionnaireResponse");
  json_object_set_string_member (response, "id", id);
  json_object_set_string_member (response, "questionnaire", canonical);
  json_object_set_string_member (response, "status", status);
  set_subject (self, response);
  json_object_set_string_member (response, "authored", now);
  set_author (self, response, "author");
  mark_part_of (self, response);
  json_object_set_array_member (response, "item",
                                kith_answer_set_to_items (answers_for (self, instrument)));

  if (!save (self, response, error))
    return FALSE;
  g_hash_table_replace (self->responses, g_strdup (instrument_id), g_steal_pointer (&response));
  return TRUE;
}

static GPtrArray *
answer_set_list (KithAssessment *self)
{
  GPtrArray *sets = g_ptr_array_new ();

  for (guint i = 0; i < self->instruments->len; i++)
    g_ptr_array_add (sets, answers_for (self, self->instruments->pdata[i]));
  return sets;
}

/* Raises a Flag for each alert that fires and has none yet. A raised alert
 * stays until someone records what they did, even if the answer changes. */
static gboolean
raise_alerts (KithAssessment  *self,
              GError         **error)
{
  g_autoptr(GPtrArray) sets = answer_set_list (self);
  g_autoptr(GPtrArray) findings = kith_instrument_library_evaluate (self->library, sets);

  for (guint i = 0; i < findings->len; i++)
    {
      KithFinding *finding = findings->pdata[i];
      g_autofree char *key = NULL;
      g_autofree char *flag_id = NULL;
      g_autofree char *now = NULL;
      g_autoptr(JsonObject) flag = NULL;
      JsonObject *period;

      if (finding->kind != KITH_FINDING_ALERT)
        continue;
      key = g_strdup_printf ("%s/%s", finding->instrument_id, finding->name);
      if (g_hash_table_contains (self->raised, key))
        continue;

      flag_id = derived_id (self->id, "alert", key);
      now = kith_fhir_now_instant ();
      flag = json_object_new ();
      json_object_set_string_member (flag, "resourceType", "Flag");
      json_object_set_string_member (flag, "id", flag_id);
      json_object_set_string_member (flag, "status", "active");
      json_object_set_array_member (flag, "category",
                                    concept_list (concept (FLAG_CATEGORY_SYSTEM, "safety", "Safety", NULL)));
      json_object_set_object_member (flag, "code", concept (NULL, NULL, NULL, finding->title));
      json_object_set_object_member (flag, "subject", kith_fhir_new_reference ("Patient", self->patient_id, NULL));
      period = json_object_new ();
      json_object_set_string_member (period, "start", now);
      json_object_set_object_member (flag, "period", period);
      set_author (self, flag, "author");
      mark_part_of (self, flag);
      kith_fhir_set_extension (flag, KITH_FHIR_SD "alert-rule", "valueString", string_node (key));
      kith_fhir_set_extension (flag, KITH_FHIR_SD "alert-why", "valueString", string_node (finding->why));
      if (finding->advice)
        kith_fhir_set_extension (flag, KITH_FHIR_SD "alert-advice", "valueString", string_node (finding->advice));
      kith_fhir_set_extension (flag, KITH_FHIR_SD "requires-action", "valueBoolean",
                               boolean_node (finding->requires_action));

      if (!kith_store_save_resource (self->store, flag, NULL, error))
        return FALSE;
      g_hash_table_insert (self->raised, g_steal_pointer (&key), g_steal_pointer (&flag_id));
    }
  return TRUE;
}

/* Saves one instrument's answers and raises any new alert, as one unit. */
static gboolean
save_answers (KithAssessment  *self,
              KithInstrument  *instrument,
              GError         **error)
{
  if (!kith_store_begin (self->store, error))
    return FALSE;
  if (!save_response (self, instrument, "in-progress", error) || !raise_alerts (self, error))
    {
      kith_store_rollback (self->store);
      return FALSE;
    }
  if (!kith_store_commit (self->store, error))
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0, kith_instrument_get_id (instrument));
  return TRUE;
}

/* --- loading ------------------------------------------------------------ */

static GPtrArray *
list_ids (KithStore   *store,
          const char  *sql,
          const char  *first,
          const char  *second,
          GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = kith_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, first, -1, SQLITE_TRANSIENT);
  if (second)
    sqlite3_bind_text (stmt, 2, second, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      if (sqlite3_column_count (stmt) > 1)
        g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/* The instrument responses of an assessment, by instrument id. */
static GHashTable *
load_responses (KithAssessment  *self,
                const char      *assessment_id,
                GError         **error)
{
  g_autoptr(GHashTable) responses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) ids = list_ids (self->store,
                                       "SELECT id FROM resource WHERE assessment_id = ?1"
                                       " AND type = 'QuestionnaireResponse' AND deleted = 0",
                                       assessment_id, NULL, error);

  if (ids == NULL)
    return NULL;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) response = kith_store_read_resource (self->store, "QuestionnaireResponse",
                                                                 ids->pdata[i], error);
      KithInstrument *instrument;

      if (response == NULL)
        return NULL;
      instrument = kith_instrument_library_lookup_url (self->library,
                                                       kith_fhir_get_string (response, "questionnaire"));
      if (instrument != NULL)
        g_hash_table_insert (responses, g_strdup (kith_instrument_get_id (instrument)), g_steal_pointer (&response));
    }
  return g_steal_pointer (&responses);
}

static gboolean
load_previous (KithAssessment  *self,
               GError         **error)
{
  g_autoptr(GHashTable) responses = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (self->previous_id == NULL)
    return TRUE;
  if (!(responses = load_responses (self, self->previous_id, error)))
    return FALSE;

  g_hash_table_iter_init (&iter, responses);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KithInstrument *instrument = kith_instrument_library_lookup (self->library, key);
      g_autoptr(GError) local_error = NULL;
      KithAnswerSet *answers = kith_answer_set_new_from_response (instrument, value, &local_error);

      /* An old answer that no longer fits the instrument is left behind,
       * not carried into the new assessment. */
      if (answers == NULL)
        g_warning ("Earlier answers to %s cannot be read: %s", (char *) key, local_error->message);
      else
        g_hash_table_insert (self->previous, g_strdup (key), answers);
    }
  return TRUE;
}

/* The newest assessment of the person themselves (a carer's own
 * assessment is filed with the person, but is the carer's). */
static char *
find_last_assessment (KithStore   *store,
                      const char  *patient_id,
                      const char  *status,
                      GError     **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *subject = g_strdup_printf ("Patient/%s", patient_id);

  ids = list_ids (store,
                  status
                  ? "SELECT id FROM resource WHERE patient_id = ?1 AND type = 'QuestionnaireResponse'"
                    " AND code = '" KITH_HOLISTIC_ASSESSMENT_URL "' AND status = ?2 AND deleted = 0"
                    " ORDER BY last_updated DESC"
                  : "SELECT id FROM resource WHERE patient_id = ?1 AND type = 'QuestionnaireResponse'"
                    " AND code = '" KITH_HOLISTIC_ASSESSMENT_URL "' AND deleted = 0"
                    " ORDER BY last_updated DESC",
                  patient_id, status, error);
  if (ids == NULL)
    return NULL;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) envelope = kith_store_read_resource (store, "QuestionnaireResponse", ids->pdata[i], NULL);
      JsonNode *ref = envelope ? json_object_get_member (envelope, "subject") : NULL;

      if (ref && JSON_NODE_HOLDS_OBJECT (ref) &&
          g_strcmp0 (kith_fhir_get_string (json_node_get_object (ref), "reference"), subject) == 0)
        return g_strdup (ids->pdata[i]);
    }
  return g_strdup ("");
}

static gboolean
answers_equal (const KithAnswer *a,
               const KithAnswer *b)
{
  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind)
    {
    case KITH_ANSWER_CODE: return g_strcmp0 (a->code, b->code) == 0;
    case KITH_ANSWER_TEXT: return g_strcmp0 (a->text, b->text) == 0;
    case KITH_ANSWER_INTEGER:
    case KITH_ANSWER_BOOLEAN: return a->integer == b->integer;
    default: return TRUE;
    }
}

/* Tell it once: answers to instruments that allow it are carried over from
 * the last assessment, marked for the professional to confirm. */
static void
prefill (KithAssessment *self)
{
  for (guint i = 0; i < self->instruments->len; i++)
    {
      KithInstrument *instrument = self->instruments->pdata[i];
      KithAnswerSet *previous = g_hash_table_lookup (self->previous, kith_instrument_get_id (instrument));
      KithAnswerSet *answers = answers_for (self, instrument);

      if (previous == NULL || !kith_instrument_get_prefill (instrument))
        continue;
      for (guint n = 0; n < kith_instrument_get_n_items (instrument); n++)
        {
          const KithInstrumentItem *item = kith_instrument_get_item (instrument, n);
          const KithAnswer *old = kith_answer_set_lookup (previous, item->link_id);
          KithAnswer carried;

          /* A question declined last time is asked afresh. */
          if (old == NULL || old->kind == KITH_ANSWER_DECLINED || old->kind == KITH_ANSWER_NOT_ASSESSED)
            continue;
          carried = *old;
          carried.carried_over = TRUE;
          kith_answer_set_put (answers, item->link_id, &carried);
        }
    }
}

static KithAssessment *
new_assessment (KithStore  *store,
                const char *author)
{
  KithAssessment *self = g_object_new (KITH_TYPE_ASSESSMENT, NULL);

  self->store = g_object_ref (store);
  self->author = g_strdup (author);
  return self;
}

static gboolean
save_prefilled (KithAssessment  *self,
                GError         **error)
{
  for (guint i = 0; i < self->instruments->len; i++)
    {
      KithInstrument *instrument = self->instruments->pdata[i];
      g_auto(GStrv) missing = NULL;
      KithAnswerSet *answers = answers_for (self, instrument);
      gboolean any = FALSE;

      for (guint n = 0; n < kith_instrument_get_n_items (instrument) && !any; n++)
        any = kith_answer_set_lookup (answers, kith_instrument_get_item (instrument, n)->link_id) != NULL;
      if (any && !save_response (self, instrument, "in-progress", error))
        return FALSE;
    }
  return TRUE;
}

KithAssessment *
kith_assessment_start (KithStore   *store,
                       const char  *patient_id,
                       const char  *author,
                       GError     **error)
{
  g_autoptr(KithAssessment) self = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autofree char *last = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if (!(patient = kith_store_read_resource (store, "Patient", patient_id, error)))
    return NULL;

  self = new_assessment (store, author);
  self->id = kith_fhir_new_id ();
  self->patient_id = g_strdup (patient_id);
  self->subject_type = g_strdup ("Patient");
  self->subject_id = g_strdup (patient_id);
  self->subject_kind = g_strdup ("patient");
  self->status = g_strdup ("in-progress");
  self->started = kith_fhir_now_instant ();

  if (!(last = find_last_assessment (store, patient_id, "completed", error)))
    return NULL;
  if (*last)
    self->previous_id = g_steal_pointer (&last);

  include_defaults (self);
  if (!load_previous (self, error))
    return NULL;
  prefill (self);

  if (!kith_store_begin (store, error))
    return NULL;
  if (!save_envelope (self, error) || !save_prefilled (self, error))
    {
      kith_store_rollback (store);
      return NULL;
    }
  if (!kith_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&self);
}

KithAssessment *
kith_assessment_start_for_carer (KithStore   *store,
                                 const char  *related_person_id,
                                 const char  *author,
                                 gboolean     consent_given,
                                 gboolean     share_with_care_team,
                                 GError     **error)
{
  g_autoptr(KithAssessment) self = NULL;
  g_autoptr(JsonObject) carer = NULL;
  g_autoptr(JsonObject) consent = NULL;
  g_autofree char *now = NULL;
  JsonObject *provision;
  JsonObject *patient_ref;
  const char *patient_id;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (related_person_id != NULL, NULL);

  if (!(carer = kith_store_read_resource (store, "RelatedPerson", related_person_id, error)))
    return NULL;
  patient_ref = json_object_has_member (carer, "patient") ? json_object_get_object_member (carer, "patient") : NULL;
  patient_id = kith_fhir_reference_id (kith_fhir_get_string (patient_ref, "reference"), "Patient");
  if (patient_id == NULL)
    {
      g_set_error_literal (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NOT_FOUND,
                           _("This carer is not linked to the person they care for"));
      return NULL;
    }
  /* The carer's assessment is theirs: it needs their own agreement. */
  if (!consent_given)
    {
      g_set_error_literal (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NO_CONSENT,
                           _("The carer has not agreed to an assessment of their own needs"));
      return NULL;
    }

  self = new_assessment (store, author);
  self->id = kith_fhir_new_id ();
  self->patient_id = g_strdup (patient_id);
  self->subject_type = g_strdup ("RelatedPerson");
  self->subject_id = g_strdup (related_person_id);
  self->subject_kind = g_strdup ("carer");
  self->status = g_strdup ("in-progress");
  self->started = now = kith_fhir_now_instant ();
  now = NULL;
  self->consent_id = derived_id (self->id, "consent", related_person_id);

  /* FHIR R4 Consent.patient must be a Patient, and the carer is not one:
   * the carer is the performer, and Kith's consent-subject says whose. */
  consent = json_object_new ();
  json_object_set_string_member (consent, "resourceType", "Consent");
  json_object_set_string_member (consent, "id", self->consent_id);
  json_object_set_string_member (consent, "status", "active");
  json_object_set_object_member (consent, "scope",
                                 concept ("http://terminology.hl7.org/CodeSystem/consentscope",
                                          "patient-privacy", "Privacy Consent", NULL));
  json_object_set_array_member (consent, "category",
                                concept_list (concept ("http://loinc.org", "59284-0", "Patient Consent",
                                                       _("Carer's assessment of their own needs"))));
  json_object_set_string_member (consent, "dateTime", self->started);
  {
    JsonArray *performers = json_array_new ();

    json_array_add_object_element (performers, kith_fhir_new_reference ("RelatedPerson", related_person_id, NULL));
    json_object_set_array_member (consent, "performer", performers);
  }
  {
    JsonObject *rule = json_object_new ();

    json_object_set_string_member (rule, "text",
                                   _("Carer's assessment under the Care Act 2014: it belongs to the carer"));
    json_object_set_object_member (consent, "policyRule", rule);
  }
  provision = json_object_new ();
  json_object_set_string_member (provision, "type", share_with_care_team ? "permit" : "deny");
  {
    JsonArray *actors = json_array_new ();
    JsonObject *actor = json_object_new ();

    json_object_set_object_member (actor, "role",
                                   concept ("http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                            "IRCP", "information recipient",
                                            _("The care team of the person cared for")));
    json_object_set_object_member (actor, "reference", kith_fhir_new_reference ("Patient", patient_id,
                                                                                _("Care team of the person cared for")));
    json_array_add_object_element (actors, actor);
    json_object_set_array_member (provision, "actor", actors);
  }
  json_object_set_object_member (consent, "provision", provision);
  kith_fhir_set_extension (consent, KITH_FHIR_SD "consent-subject", "valueReference",
                           reference_node ("RelatedPerson", related_person_id, NULL));
  kith_fhir_set_extension (consent, KITH_FHIR_SD "cared-for", "valueReference",
                           reference_node ("Patient", patient_id, NULL));

  include_defaults (self);

  if (!kith_store_begin (store, error))
    return NULL;
  if (!kith_store_save_resource (store, consent, NULL, error) || !save_envelope (self, error))
    {
      kith_store_rollback (store);
      return NULL;
    }
  if (!kith_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&self);
}

static const char *
reference_extension (JsonObject *resource,
                     const char *url,
                     const char *type)
{
  JsonNode *node = kith_fhir_get_extension (resource, url, "valueReference");

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return kith_fhir_reference_id (kith_fhir_get_string (json_node_get_object (node), "reference"), type);
}

static const char *
coding_code (JsonObject *object,
             const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  JsonArray *codings;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  node = json_object_get_member (json_node_get_object (node), "coding");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  codings = json_node_get_array (node);
  if (json_array_get_length (codings) == 0 || !JSON_NODE_HOLDS_OBJECT (json_array_get_element (codings, 0)))
    return NULL;
  return kith_fhir_get_string (json_array_get_object_element (codings, 0), "code");
}

static KithNeed *
need_from_condition (JsonObject *condition)
{
  KithNeed *need = g_new0 (KithNeed, 1);
  const char *verification = coding_code (condition, "verificationStatus");
  JsonNode *why = kith_fhir_get_extension (condition, KITH_FHIR_SD "need-why", "valueString");
  JsonNode *proposed = kith_fhir_get_extension (condition, KITH_FHIR_SD "need-proposed-title", "valueString");
  JsonNode *domain = kith_fhir_get_extension (condition, KITH_FHIR_SD "need-domain", "valueString");
  JsonNode *reason = kith_fhir_get_extension (condition, KITH_FHIR_SD "need-dismiss-reason", "valueString");
  JsonNode *code = json_object_get_member (condition, "code");

  need->id = g_strdup (coding_code (condition, "code"));
  need->title = g_strdup (code && JSON_NODE_HOLDS_OBJECT (code)
                          ? kith_fhir_get_string (json_node_get_object (code), "text") : NULL);
  need->proposed_title = g_strdup (proposed ? json_node_get_string (proposed) : need->title);
  need->domain = g_strdup (domain ? json_node_get_string (domain) : NULL);
  need->why = g_strdup (why ? json_node_get_string (why) : NULL);
  need->dismiss_reason = g_strdup (reason ? json_node_get_string (reason) : NULL);
  need->condition_id = g_strdup (kith_fhir_get_string (condition, "id"));
  if (g_strcmp0 (verification, "confirmed") == 0)
    need->state = KITH_NEED_ACCEPTED;
  else if (g_strcmp0 (verification, "refuted") == 0)
    need->state = KITH_NEED_DISMISSED;
  else
    need->state = KITH_NEED_PROPOSED;
  return need;
}

static gboolean
load_decisions (KithAssessment  *self,
                GError         **error)
{
  g_autoptr(GPtrArray) rows = list_ids (self->store,
                                        "SELECT type, id FROM resource WHERE assessment_id = ?1"
                                        " AND type IN ('Condition', 'Flag') AND deleted = 0",
                                        self->id, NULL, error);

  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < rows->len; i += 2)
    {
      g_autoptr(JsonObject) resource = kith_store_read_resource (self->store, rows->pdata[i], rows->pdata[i + 1], error);

      if (resource == NULL)
        return FALSE;
      if (g_str_equal (rows->pdata[i], "Condition"))
        {
          KithNeed *need = need_from_condition (resource);

          if (need->id)
            g_hash_table_replace (self->needs, g_strdup (need->id), need);
          else
            kith_need_free (need);
        }
      else
        {
          JsonNode *rule = kith_fhir_get_extension (resource, KITH_FHIR_SD "alert-rule", "valueString");

          if (rule)
            g_hash_table_replace (self->raised, g_strdup (json_node_get_string (rule)),
                                  g_strdup (kith_fhir_get_string (resource, "id")));
        }
    }
  return TRUE;
}

static void
load_notes (KithAssessment *self)
{
  JsonNode *items = json_object_get_member (self->envelope, "item");

  for (guint i = 0; items && JSON_NODE_HOLDS_ARRAY (items) && i < json_array_get_length (json_node_get_array (items)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (items), i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *link_id = kith_fhir_get_string (item, "linkId");
      JsonNode *answers = item ? json_object_get_member (item, "answer") : NULL;

      if (link_id && g_str_has_prefix (link_id, "note-") && answers && JSON_NODE_HOLDS_ARRAY (answers) &&
          json_array_get_length (json_node_get_array (answers)) > 0)
        {
          JsonNode *answer = json_array_get_element (json_node_get_array (answers), 0);
          const char *text = JSON_NODE_HOLDS_OBJECT (answer)
                             ? kith_fhir_get_string (json_node_get_object (answer), "valueString") : NULL;

          if (text)
            g_hash_table_replace (self->notes, g_strdup (link_id + 5), g_strdup (text));
        }
    }
}

KithAssessment *
kith_assessment_open (KithStore   *store,
                      const char  *assessment_id,
                      GError     **error)
{
  g_autoptr(KithAssessment) self = NULL;
  g_autoptr(JsonObject) envelope = NULL;
  g_autoptr(GHashTable) responses = NULL;
  JsonNode *subject;
  const char *reference;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (assessment_id != NULL, NULL);

  if (!(envelope = kith_store_read_resource (store, "QuestionnaireResponse", assessment_id, error)))
    return NULL;
  if (g_strcmp0 (kith_fhir_get_string (envelope, "questionnaire"), KITH_HOLISTIC_ASSESSMENT_URL) != 0)
    {
      g_set_error_literal (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NOT_FOUND,
                           _("That record is not a holistic assessment"));
      return NULL;
    }

  self = new_assessment (store, NULL);
  self->id = g_strdup (assessment_id);
  self->status = g_strdup (kith_fhir_get_string (envelope, "status"));
  self->started = g_strdup (kith_fhir_get_string (envelope, "authored"));
  {
    JsonNode *author = json_object_get_member (envelope, "author");

    if (author && JSON_NODE_HOLDS_OBJECT (author))
      self->author = g_strdup (kith_fhir_get_string (json_node_get_object (author), "display"));
  }
  subject = json_object_get_member (envelope, "subject");
  reference = subject && JSON_NODE_HOLDS_OBJECT (subject)
              ? kith_fhir_get_string (json_node_get_object (subject), "reference") : NULL;
  if (kith_fhir_reference_id (reference, "Patient"))
    {
      self->subject_type = g_strdup ("Patient");
      self->subject_id = g_strdup (kith_fhir_reference_id (reference, "Patient"));
      self->patient_id = g_strdup (self->subject_id);
      self->subject_kind = g_strdup ("patient");
    }
  else if (kith_fhir_reference_id (reference, "RelatedPerson"))
    {
      self->subject_type = g_strdup ("RelatedPerson");
      self->subject_id = g_strdup (kith_fhir_reference_id (reference, "RelatedPerson"));
      self->patient_id = g_strdup (reference_extension (envelope, KITH_FHIR_SD "cared-for", "Patient"));
      self->subject_kind = g_strdup ("carer");
      self->consent_id = g_strdup (reference_extension (envelope, KITH_FHIR_SD "consent", "Consent"));
    }
  if (self->patient_id == NULL)
    {
      g_set_error_literal (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NOT_FOUND,
                           _("The assessment does not say whose it is"));
      return NULL;
    }
  self->previous_id = g_strdup (reference_extension (envelope, KITH_FHIR_SD "previous-assessment",
                                                     "QuestionnaireResponse"));
  self->envelope = g_steal_pointer (&envelope);
  load_notes (self);

  include_defaults (self);
  if (!(responses = load_responses (self, self->id, error)))
    return NULL;
  g_hash_table_iter_init (&iter, responses);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KithInstrument *instrument = kith_instrument_library_lookup (self->library, key);
      KithAnswerSet *answers = kith_answer_set_new_from_response (instrument, value, error);

      if (answers == NULL)
        return NULL;
      if (!g_hash_table_contains (self->answers, key))
        {
          /* An optional instrument that was included. */
          g_ptr_array_add (self->instruments, g_object_ref (instrument));
        }
      g_hash_table_replace (self->answers, g_strdup (key), answers);
      g_hash_table_replace (self->responses, g_strdup (key), json_object_ref (value));
    }
  sort_instruments (self);

  if (!load_previous (self, error) || !load_decisions (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

char *
kith_assessment_find_in_progress (KithStore   *store,
                                  const char  *patient_id,
                                  GError     **error)
{
  g_autofree char *id = find_last_assessment (store, patient_id, "in-progress", error);

  if (id == NULL || *id == '\0')
    return NULL;
  return g_steal_pointer (&id);
}

/* --- accessors ---------------------------------------------------------- */

const char *
kith_assessment_get_id (KithAssessment *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);
  return self->id;
}

const char *
kith_assessment_get_patient_id (KithAssessment *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);
  return self->patient_id;
}

const char *
kith_assessment_get_subject_kind (KithAssessment *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);
  return self->subject_kind;
}

const char *
kith_assessment_get_status (KithAssessment *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);
  return self->status;
}

const char *
kith_assessment_get_started (KithAssessment *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);
  return self->started;
}

const char *
kith_assessment_get_previous_id (KithAssessment *self)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);
  return self->previous_id;
}

GPtrArray *
kith_assessment_list_instruments (KithAssessment *self)
{
  GPtrArray *list;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);

  list = g_ptr_array_new ();
  for (guint i = 0; i < self->instruments->len; i++)
    g_ptr_array_add (list, self->instruments->pdata[i]);
  return list;
}

gboolean
kith_assessment_includes (KithAssessment *self,
                          const char     *instrument_id)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);
  return included_instrument (self, instrument_id, NULL) != NULL;
}

gboolean
kith_assessment_include (KithAssessment  *self,
                         const char      *instrument_id,
                         GError         **error)
{
  KithInstrument *instrument;
  KithAnswerSet *answers;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);

  if (refuse_if_completed (self, error))
    return FALSE;
  if (kith_assessment_includes (self, instrument_id))
    return TRUE;
  instrument = kith_instrument_library_lookup (self->library, instrument_id);
  if (instrument == NULL || g_strcmp0 (kith_instrument_get_subject (instrument), self->subject_kind) != 0)
    {
      g_set_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NOT_INCLUDED,
                   _("“%s” cannot be part of this assessment"), instrument_id);
      return FALSE;
    }

  include_instrument (self, instrument);
  sort_instruments (self);

  /* Nothing asked twice: copy answers to the same questions. */
  answers = answers_for (self, instrument);
  for (guint n = 0; n < kith_instrument_get_n_items (instrument); n++)
    {
      const KithInstrumentItem *item = kith_instrument_get_item (instrument, n);
      const char *same_as = kith_instrument_get_same_as (instrument, item->link_id);
      g_auto(GStrv) parts = same_as ? g_strsplit (same_as, ":", 2) : NULL;
      KithAnswerSet *source;
      const KithAnswer *given;

      if (parts == NULL || parts[1] == NULL ||
          (source = g_hash_table_lookup (self->answers, parts[0])) == NULL ||
          (given = kith_answer_set_lookup (source, parts[1])) == NULL)
        continue;
      if (kith_instrument_check_answer (instrument, item->link_id, given, NULL))
        kith_answer_set_put (answers, item->link_id, given);
    }
  return save_answers (self, instrument, error);
}

KithAnswerSet *
kith_assessment_get_answers (KithAssessment *self,
                             const char     *instrument_id)
{
  KithInstrument *instrument;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);
  instrument = included_instrument (self, instrument_id, NULL);
  return instrument ? answers_for (self, instrument) : NULL;
}

KithAnswerSet *
kith_assessment_get_previous_answers (KithAssessment *self,
                                      const char     *instrument_id)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);
  return instrument_id ? g_hash_table_lookup (self->previous, instrument_id) : NULL;
}

/* --- answering ---------------------------------------------------------- */

gboolean
kith_assessment_set_answer (KithAssessment    *self,
                            const char        *instrument_id,
                            const char        *link_id,
                            const KithAnswer  *answer,
                            GError           **error)
{
  KithInstrument *instrument;
  KithAnswerSet *answers;
  const KithAnswer *held;
  KithAnswer given;
  KithAnswer *undo = NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  if (refuse_if_completed (self, error) ||
      !(instrument = included_instrument (self, instrument_id, error)) ||
      !kith_instrument_check_answer (instrument, link_id, answer, error))
    return FALSE;

  answers = answers_for (self, instrument);
  held = kith_answer_set_lookup (answers, link_id);
  if (held)
    {
      undo = g_new0 (KithAnswer, 1);
      *undo = *held;
      undo->code = g_strdup (held->code);
      undo->text = g_strdup (held->text);
    }

  given = *answer;
  given.carried_over = FALSE;   /* whoever answers has confirmed it */
  kith_answer_set_put (answers, link_id, &given);

  if (!save_answers (self, instrument, error))
    {
      /* Not saved: the screen must not show it as if it were. */
      KithAnswer none = { KITH_ANSWER_NONE };

      kith_answer_set_put (answers, link_id, undo ? undo : &none);
      if (undo)
        {
          g_free (undo->code);
          g_free (undo->text);
          g_free (undo);
        }
      return FALSE;
    }
  if (undo)
    {
      g_free (undo->code);
      g_free (undo->text);
      g_free (undo);
    }
  return TRUE;
}

gboolean
kith_assessment_confirm_answer (KithAssessment  *self,
                                const char      *instrument_id,
                                const char      *link_id,
                                GError         **error)
{
  KithInstrument *instrument;
  const KithAnswer *held;
  KithAnswer confirmed;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);

  if (refuse_if_completed (self, error) || !(instrument = included_instrument (self, instrument_id, error)))
    return FALSE;
  held = kith_answer_set_lookup (answers_for (self, instrument), link_id);
  if (held == NULL || !held->carried_over)
    return TRUE;
  confirmed = *held;
  return kith_assessment_set_answer (self, instrument_id, link_id, &confirmed, error);
}

gboolean
kith_assessment_confirm_domain (KithAssessment  *self,
                                const char      *domain,
                                GError         **error)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);

  if (refuse_if_completed (self, error))
    return FALSE;
  for (guint i = 0; i < self->instruments->len; i++)
    {
      KithInstrument *instrument = self->instruments->pdata[i];
      KithAnswerSet *answers = answers_for (self, instrument);
      gboolean changed = FALSE;

      if (g_strcmp0 (kith_instrument_get_domain (instrument), domain) != 0)
        continue;
      for (guint n = 0; n < kith_instrument_get_n_items (instrument); n++)
        {
          const char *link_id = kith_instrument_get_item (instrument, n)->link_id;
          const KithAnswer *held = kith_answer_set_lookup (answers, link_id);
          KithAnswer confirmed;

          if (held == NULL || !held->carried_over)
            continue;
          confirmed = *held;
          confirmed.carried_over = FALSE;
          kith_answer_set_put (answers, link_id, &confirmed);
          changed = TRUE;
        }
      if (changed && !save_answers (self, instrument, error))
        return FALSE;
    }
  return TRUE;
}

KithAnswerChange
kith_assessment_get_answer_change (KithAssessment *self,
                                   const char     *instrument_id,
                                   const char     *link_id)
{
  KithAnswerSet *previous, *answers;
  const KithAnswer *old, *now;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), KITH_ANSWER_CHANGE_NONE);

  previous = g_hash_table_lookup (self->previous, instrument_id);
  answers = kith_assessment_get_answers (self, instrument_id);
  old = previous ? kith_answer_set_lookup (previous, link_id) : NULL;
  now = answers ? kith_answer_set_lookup (answers, link_id) : NULL;
  if (old == NULL || now == NULL)
    return KITH_ANSWER_CHANGE_NONE;
  return answers_equal (old, now) ? KITH_ANSWER_CHANGE_SAME : KITH_ANSWER_CHANGE_CHANGED;
}

const char *
kith_assessment_get_note (KithAssessment *self,
                          const char     *domain)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);
  return domain ? g_hash_table_lookup (self->notes, domain) : NULL;
}

gboolean
kith_assessment_set_note (KithAssessment  *self,
                          const char      *domain,
                          const char      *note,
                          GError         **error)
{
  g_autofree char *old = NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);
  g_return_val_if_fail (domain != NULL, FALSE);

  if (refuse_if_completed (self, error))
    return FALSE;
  old = g_strdup (g_hash_table_lookup (self->notes, domain));
  if (g_strcmp0 (old, note) == 0)
    return TRUE;
  if (note && *note)
    g_hash_table_replace (self->notes, g_strdup (domain), g_strdup (note));
  else
    g_hash_table_remove (self->notes, domain);

  if (!save_envelope (self, error))
    {
      if (old)
        g_hash_table_replace (self->notes, g_strdup (domain), g_steal_pointer (&old));
      else
        g_hash_table_remove (self->notes, domain);
      return FALSE;
    }
  g_signal_emit (self, signals[CHANGED], 0, NULL);
  return TRUE;
}

/* --- progress and results ------------------------------------------------- */

static gboolean
is_answerable (const KithInstrumentItem *item)
{
  return item->type != KITH_ITEM_GROUP && item->type != KITH_ITEM_DISPLAY;
}

void
kith_assessment_get_progress (KithAssessment *self,
                              guint          *done,
                              guint          *total)
{
  guint d = 0, t = 0;

  g_return_if_fail (KITH_IS_ASSESSMENT (self));

  for (guint i = 0; i < self->instruments->len; i++)
    {
      KithInstrument *instrument = self->instruments->pdata[i];
      KithAnswerSet *answers = answers_for (self, instrument);

      for (guint n = 0; n < kith_instrument_get_n_items (instrument); n++)
        {
          const KithInstrumentItem *item = kith_instrument_get_item (instrument, n);
          const KithAnswer *answer;

          if (!item->required || !is_answerable (item))
            continue;
          t++;
          answer = kith_answer_set_lookup (answers, item->link_id);
          if (answer && !answer->carried_over)
            d++;
        }
    }
  if (done)
    *done = d;
  if (total)
    *total = t;
}

void
kith_assessment_get_domain_progress (KithAssessment *self,
                                     const char     *domain,
                                     guint          *left,
                                     guint          *to_confirm)
{
  guint l = 0, c = 0;

  g_return_if_fail (KITH_IS_ASSESSMENT (self));

  for (guint i = 0; i < self->instruments->len; i++)
    {
      KithInstrument *instrument = self->instruments->pdata[i];
      KithAnswerSet *answers = answers_for (self, instrument);

      if (g_strcmp0 (kith_instrument_get_domain (instrument), domain) != 0)
        continue;
      for (guint n = 0; n < kith_instrument_get_n_items (instrument); n++)
        {
          const KithInstrumentItem *item = kith_instrument_get_item (instrument, n);
          const KithAnswer *answer = kith_answer_set_lookup (answers, item->link_id);

          if (!is_answerable (item))
            continue;
          if (answer && answer->carried_over)
            c++;
          else if (item->required && answer == NULL)
            l++;
        }
    }
  if (left)
    *left = l;
  if (to_confirm)
    *to_confirm = c;
}

GPtrArray *
kith_assessment_score (KithAssessment *self,
                       const char     *instrument_id)
{
  KithAnswerSet *answers;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);

  answers = kith_assessment_get_answers (self, instrument_id);
  if (answers == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) kith_score_free);
  return kith_answer_set_score (answers);
}

GPtrArray *
kith_assessment_evaluate (KithAssessment *self)
{
  g_autoptr(GPtrArray) sets = NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);

  sets = answer_set_list (self);
  return kith_instrument_library_evaluate (self->library, sets);
}

/* --- needs ---------------------------------------------------------------- */

static int
compare_needs (gconstpointer a,
               gconstpointer b)
{
  const KithNeed *x = *(KithNeed **) a, *y = *(KithNeed **) b;

  return g_strcmp0 (x->id, y->id);
}

GPtrArray *
kith_assessment_list_needs (KithAssessment *self)
{
  GPtrArray *needs = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_need_free);
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) own = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), needs);

  /* Proposals in rule order, each with its decision if one was made. */
  findings = kith_assessment_evaluate (self);
  for (guint i = 0; i < findings->len; i++)
    {
      KithFinding *finding = findings->pdata[i];
      const KithNeed *decided;
      KithNeed *need;

      if (finding->kind != KITH_FINDING_NEED)
        continue;
      decided = g_hash_table_lookup (self->needs, finding->name);
      if (decided)
        need = need_copy (decided);
      else
        {
          need = g_new0 (KithNeed, 1);
          need->id = g_strdup (finding->name);
          need->title = g_strdup (finding->title);
          need->proposed_title = g_strdup (finding->title);
          need->domain = g_strdup (finding->advice);
          need->state = KITH_NEED_PROPOSED;
        }
      g_free (need->why);
      need->why = g_strdup (finding->why);
      g_hash_table_add (seen, need->id);
      g_ptr_array_add (needs, need);
    }

  /* Decisions whose rule no longer fires, and needs the professional added,
   * are kept: a decision is never silently dropped. */
  g_hash_table_iter_init (&iter, self->needs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!g_hash_table_contains (seen, ((KithNeed *) value)->id))
      g_ptr_array_add (own, value);
  g_ptr_array_sort (own, compare_needs);
  for (guint i = 0; i < own->len; i++)
    g_ptr_array_add (needs, need_copy (own->pdata[i]));
  return needs;
}

static KithNeed *
find_need (KithAssessment  *self,
           const char      *need_id,
           GError         **error)
{
  g_autoptr(GPtrArray) needs = kith_assessment_list_needs (self);

  for (guint i = 0; i < needs->len; i++)
    if (g_strcmp0 (((KithNeed *) needs->pdata[i])->id, need_id) == 0)
      return need_copy (needs->pdata[i]);
  g_set_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NOT_FOUND,
               _("No need “%s” in this assessment"), need_id ? need_id : "");
  return NULL;
}

static gboolean
save_need (KithAssessment  *self,
           KithNeed        *need,
           GError         **error)
{
  g_autofree char *condition_id = need->condition_id ? g_strdup (need->condition_id)
                                                     : derived_id (self->id, "need", need->id);
  g_autoptr(JsonObject) condition = kith_store_read_resource (self->store, "Condition", condition_id, NULL);
  g_autofree char *now = kith_fhir_now_instant ();
  const char *verification;

  if (condition == NULL)
    {
      condition = json_object_new ();
      json_object_set_string_member (condition, "resourceType", "Condition");
      json_object_set_string_member (condition, "id", condition_id);
      json_object_set_string_member (condition, "recordedDate", now);
    }

  switch (need->state)
    {
    case KITH_NEED_ACCEPTED: verification = "confirmed"; break;
    case KITH_NEED_DISMISSED: verification = "refuted"; break;
    case KITH_NEED_PROPOSED:
    default: verification = "provisional"; break;
    }
  json_object_set_object_member (condition, "clinicalStatus",
                                 concept (CLINICAL_SYSTEM, need->state == KITH_NEED_DISMISSED ? "inactive" : "active",
                                          NULL, NULL));
  json_object_set_object_member (condition, "verificationStatus",
                                 concept (VERIFICATION_SYSTEM, verification, NULL, NULL));
  json_object_set_array_member (condition, "category",
                                concept_list (concept (NEED_CATEGORY_SYSTEM, "need", "Identified need", NULL)));
  json_object_set_object_member (condition, "code", concept (NEED_RULE_SYSTEM, need->id, NULL, need->title));
  json_object_set_object_member (condition, "subject", kith_fhir_new_reference ("Patient", self->patient_id, NULL));
  set_author (self, condition, "recorder");
  mark_part_of (self, condition);
  {
    JsonArray *evidence = json_array_new ();
    JsonObject *entry = json_object_new ();
    JsonArray *details = json_array_new ();

    json_array_add_object_element (details, kith_fhir_new_reference ("QuestionnaireResponse", self->id, NULL));
    json_object_set_array_member (entry, "detail", details);
    json_array_add_object_element (evidence, entry);
    json_object_set_array_member (condition, "evidence", evidence);
  }
  kith_fhir_set_extension (condition, KITH_FHIR_SD "need-why", "valueString",
                           need->why ? string_node (need->why) : NULL);
  kith_fhir_set_extension (condition, KITH_FHIR_SD "need-proposed-title", "valueString",
                           need->proposed_title ? string_node (need->proposed_title) : NULL);
  kith_fhir_set_extension (condition, KITH_FHIR_SD "need-domain", "valueString",
                           need->domain ? string_node (need->domain) : NULL);
  kith_fhir_set_extension (condition, KITH_FHIR_SD "need-dismiss-reason", "valueString",
                           need->dismiss_reason ? string_node (need->dismiss_reason) : NULL);

  if (!kith_store_save_resource (self->store, condition, kith_fhir_get_version_id (condition), error))
    return FALSE;
  g_free (need->condition_id);
  need->condition_id = g_steal_pointer (&condition_id);
  g_hash_table_replace (self->needs, g_strdup (need->id), need_copy (need));
  return TRUE;
}

gboolean
kith_assessment_accept_need (KithAssessment  *self,
                             const char      *need_id,
                             const char      *title,
                             GError         **error)
{
  g_autoptr(KithNeed) need = NULL;
  g_autofree char *edited = title ? g_strstrip (g_strdup (title)) : NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);

  if (!(need = find_need (self, need_id, error)))
    return FALSE;
  need->state = KITH_NEED_ACCEPTED;
  g_clear_pointer (&need->dismiss_reason, g_free);
  if (edited && *edited)
    {
      g_free (need->title);
      need->title = g_steal_pointer (&edited);
    }
  if (!save_need (self, need, error))
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0, NULL);
  return TRUE;
}

gboolean
kith_assessment_dismiss_need (KithAssessment  *self,
                              const char      *need_id,
                              const char      *reason,
                              GError         **error)
{
  g_autoptr(KithNeed) need = NULL;
  g_autofree char *why = reason ? g_strstrip (g_strdup (reason)) : NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);

  if (why == NULL || *why == '\0')
    {
      g_set_error_literal (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NEEDS_REASON,
                           _("Say why this need is not being taken forward"));
      return FALSE;
    }
  if (!(need = find_need (self, need_id, error)))
    return FALSE;
  need->state = KITH_NEED_DISMISSED;
  g_free (need->dismiss_reason);
  need->dismiss_reason = g_steal_pointer (&why);
  if (!save_need (self, need, error))
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0, NULL);
  return TRUE;
}

char *
kith_assessment_add_need (KithAssessment  *self,
                          const char      *title,
                          const char      *domain,
                          GError         **error)
{
  g_autoptr(KithNeed) need = g_new0 (KithNeed, 1);
  g_autofree char *uuid = kith_fhir_new_id ();
  g_autofree char *trimmed = title ? g_strstrip (g_strdup (title)) : NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), NULL);

  if (trimmed == NULL || *trimmed == '\0')
    {
      g_set_error_literal (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NEEDS_REASON,
                           _("Give the need a name"));
      return NULL;
    }
  need->id = g_strdup_printf ("own-%.8s", uuid);
  need->title = g_steal_pointer (&trimmed);
  need->proposed_title = g_strdup (need->title);
  need->domain = g_strdup (domain);
  need->why = g_strdup (_("Added by the professional"));
  need->state = KITH_NEED_ACCEPTED;
  if (!save_need (self, need, error))
    return NULL;
  g_signal_emit (self, signals[CHANGED], 0, NULL);
  return g_strdup (need->id);
}

/* --- pausing and completing ---------------------------------------------- */

gboolean
kith_assessment_pause (KithAssessment  *self,
                       GError         **error)
{
  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);

  if (g_strcmp0 (self->status, "completed") == 0)
    return TRUE;
  /* Everything is saved as it is given; saving the envelope marks when it
   * was last worked on. */
  return save_envelope (self, error);
}

static JsonObject *
score_observation (KithAssessment *self,
                   KithInstrument *instrument,
                   KithScore      *score,
                   const char     *when)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", kith_instrument_get_id (instrument), score->name);
  g_autofree char *id = derived_id (self->id, "score", key);
  JsonObject *observation = json_object_new ();
  JsonArray *derived = json_array_new ();
  const char *response_id;

  json_object_set_string_member (observation, "resourceType", "Observation");
  json_object_set_string_member (observation, "id", id);
  json_object_set_string_member (observation, "status", "final");
  json_object_set_array_member (observation, "category",
                                concept_list (concept (OBS_CATEGORY_SYSTEM, "survey", "Survey", NULL)));
  /* Kith's own code always, the published one (LOINC) too where it exists. */
  {
    JsonObject *code = concept (KITH_FHIR_BASE "/CodeSystem/score", key, score->title, score->title);

    if (score->observation_code)
      {
        JsonObject *coding = json_object_new ();

        json_object_set_string_member (coding, "system", score->observation_system);
        json_object_set_string_member (coding, "code", score->observation_code);
        if (score->observation_display)
          json_object_set_string_member (coding, "display", score->observation_display);
        json_array_add_object_element (json_object_get_array_member (code, "coding"), coding);
      }
    json_object_set_object_member (observation, "code", code);
  }
  set_subject (self, observation);
  json_object_set_string_member (observation, "effectiveDateTime", when);
  if (score->value == (gint64) score->value)
    json_object_set_int_member (observation, "valueInteger", (gint64) score->value);
  else
    {
      JsonObject *quantity = json_object_new ();

      json_object_set_double_member (quantity, "value", score->value);
      json_object_set_object_member (observation, "valueQuantity", quantity);
    }
  if (score->band_code)
    json_object_set_array_member (observation, "interpretation",
                                  concept_list (concept (BAND_SYSTEM, score->band_code, score->band_title,
                                                         score->band_title)));
  response_id = kith_fhir_get_string (g_hash_table_lookup (self->responses, kith_instrument_get_id (instrument)), "id");
  if (response_id)
    json_array_add_object_element (derived, kith_fhir_new_reference ("QuestionnaireResponse", response_id, NULL));
  json_object_set_array_member (observation, "derivedFrom", derived);
  mark_part_of (self, observation);
  return observation;
}

static JsonObject *
indication_observation (KithAssessment *self,
                        KithFinding    *finding,
                        const char     *when)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", finding->instrument_id, finding->name);
  g_autofree char *id = derived_id (self->id, "indication", key);
  JsonObject *observation = json_object_new ();

  json_object_set_string_member (observation, "resourceType", "Observation");
  json_object_set_string_member (observation, "id", id);
  json_object_set_string_member (observation, "status", "final");
  json_object_set_array_member (observation, "category",
                                concept_list (concept (OBS_CATEGORY_SYSTEM, "survey", "Survey", NULL)));
  json_object_set_object_member (observation, "code",
                                 concept (KITH_FHIR_BASE "/CodeSystem/indication", key, finding->title, finding->title));
  set_subject (self, observation);
  json_object_set_string_member (observation, "effectiveDateTime", when);
  json_object_set_string_member (observation, "valueString", finding->title);
  {
    JsonArray *notes = json_array_new ();
    JsonObject *note = json_object_new ();

    json_object_set_string_member (note, "text", finding->why);
    json_array_add_object_element (notes, note);
    json_object_set_array_member (observation, "note", notes);
  }
  mark_part_of (self, observation);
  return observation;
}

/* Everything that stops completion, in words a professional can act on. */
static char *
describe_unfinished (KithAssessment *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->instruments->len; i++)
    {
      KithInstrument *instrument = self->instruments->pdata[i];
      KithAnswerSet *answers = answers_for (self, instrument);
      g_auto(GStrv) missing = kith_answer_set_list_missing (answers);
      guint n_missing = g_strv_length (missing), n_carried = 0;

      for (guint n = 0; n < kith_instrument_get_n_items (instrument); n++)
        {
          const KithAnswer *answer = kith_answer_set_lookup (answers, kith_instrument_get_item (instrument, n)->link_id);

          if (answer && answer->carried_over)
            n_carried++;
        }
      if (n_missing)
        g_string_append_printf (text, "%s%s: ", text->len ? "; " : "", kith_instrument_get_title (instrument)),
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u question to answer",
                                                   "%u questions to answer", n_missing), n_missing);
      if (n_carried)
        {
          g_string_append_printf (text, "%s%s: ", text->len ? "; " : "", kith_instrument_get_title (instrument));
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u answer from last time to confirm",
                                                     "%u answers from last time to confirm", n_carried), n_carried);
        }
    }
  return text->len ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

gboolean
kith_assessment_complete (KithAssessment  *self,
                          GError         **error)
{
  g_autofree char *unfinished = NULL;
  g_autofree char *now = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) needs = NULL;
  g_autofree char *old_status = NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (self), FALSE);

  if (g_strcmp0 (self->status, "completed") == 0)
    return TRUE;
  if ((unfinished = describe_unfinished (self)) != NULL)
    {
      g_set_error (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_INCOMPLETE,
                   _("Not finished yet. %s. A question the person would rather not answer can be "
                     "marked “declined”, and one not asked “not assessed”."), unfinished);
      return FALSE;
    }

  now = kith_fhir_now_instant ();
  findings = kith_assessment_evaluate (self);
  needs = kith_assessment_list_needs (self);

  if (!kith_store_begin (self->store, error))
    return FALSE;

  for (guint i = 0; i < self->instruments->len; i++)
    {
      KithInstrument *instrument = self->instruments->pdata[i];
      g_autoptr(GPtrArray) scores = NULL;

      if (!save_response (self, instrument, "completed", error))
        goto fail;
      scores = kith_answer_set_score (answers_for (self, instrument));
      for (guint s = 0; s < scores->len; s++)
        {
          KithScore *score = scores->pdata[s];
          g_autoptr(JsonObject) observation = NULL;
          g_autoptr(JsonObject) held = NULL;

          if (!score->has_value)
            continue;
          observation = score_observation (self, instrument, score, now);
          held = kith_store_read_resource (self->store, "Observation",
                                           kith_fhir_get_string (observation, "id"), NULL);
          if (!kith_store_save_resource (self->store, observation,
                                         held ? kith_fhir_get_version_id (held) : NULL, error))
            goto fail;
        }
    }

  for (guint i = 0; i < findings->len; i++)
    {
      KithFinding *finding = findings->pdata[i];
      g_autoptr(JsonObject) observation = NULL;

      if (finding->kind != KITH_FINDING_INDICATION)
        continue;
      observation = indication_observation (self, finding, now);
      if (!kith_store_save_resource (self->store, observation, NULL, error))
        goto fail;
    }

  /* Proposed needs nobody has decided on yet are kept as provisional. */
  for (guint i = 0; i < needs->len; i++)
    {
      KithNeed *need = needs->pdata[i];

      if (need->state == KITH_NEED_PROPOSED && need->condition_id == NULL &&
          !save_need (self, need, error))
        goto fail;
    }

  old_status = g_steal_pointer (&self->status);
  self->status = g_strdup ("completed");
  if (!save_envelope (self, error))
    {
      g_free (self->status);
      self->status = g_steal_pointer (&old_status);
      goto fail;
    }
  if (!kith_store_commit (self->store, error))
    {
      g_free (self->status);
      self->status = g_steal_pointer (&old_status);
      return FALSE;
    }
  g_signal_emit (self, signals[CHANGED], 0, NULL);
  return TRUE;

fail:
  kith_store_rollback (self->store);
  return FALSE;
}

/* --- alerts ----------------------------------------------------------------- */

GPtrArray *
kith_alerts_list_open (KithStore   *store,
                       const char  *patient_id,
                       GError     **error)
{
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_alert_free);
  g_autoptr(GPtrArray) ids = list_ids (store,
                                       "SELECT id FROM resource WHERE patient_id = ?1 AND type = 'Flag'"
                                       " AND code = 'safety' AND status = 'active' AND deleted = 0"
                                       " ORDER BY last_updated",
                                       patient_id, NULL, error);

  if (ids == NULL)
    return NULL;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) flag = kith_store_read_resource (store, "Flag", ids->pdata[i], error);
      KithAlert *alert;
      JsonNode *node;

      if (flag == NULL)
        return NULL;
      alert = g_new0 (KithAlert, 1);
      alert->flag_id = g_strdup (ids->pdata[i]);
      alert->patient_id = g_strdup (patient_id);
      node = json_object_get_member (flag, "code");
      alert->title = g_strdup (node && JSON_NODE_HOLDS_OBJECT (node)
                               ? kith_fhir_get_string (json_node_get_object (node), "text") : NULL);
      node = kith_fhir_get_extension (flag, KITH_FHIR_SD "alert-advice", "valueString");
      alert->advice = g_strdup (node ? json_node_get_string (node) : NULL);
      node = kith_fhir_get_extension (flag, KITH_FHIR_SD "alert-why", "valueString");
      alert->why = g_strdup (node ? json_node_get_string (node) : NULL);
      node = json_object_get_member (flag, "period");
      alert->raised = g_strdup (node && JSON_NODE_HOLDS_OBJECT (node)
                                ? kith_fhir_get_string (json_node_get_object (node), "start") : NULL);
      node = kith_fhir_get_extension (flag, KITH_FHIR_SD "requires-action", "valueBoolean");
      alert->requires_action = node ? json_node_get_boolean (node) : TRUE;
      g_ptr_array_add (alerts, alert);
    }
  return g_steal_pointer (&alerts);
}

gboolean
kith_alert_record_action (KithStore   *store,
                          const char  *flag_id,
                          const char  *who,
                          const char  *what,
                          const char  *when,
                          GError     **error)
{
  g_autoptr(JsonObject) flag = NULL;
  g_autofree char *who_text = who ? g_strstrip (g_strdup (who)) : NULL;
  g_autofree char *what_text = what ? g_strstrip (g_strdup (what)) : NULL;
  g_autofree char *when_text = NULL;
  JsonNode *period_node;
  JsonObject *period;
  JsonNode *action;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (flag_id != NULL, FALSE);

  if (who_text == NULL || *who_text == '\0' || what_text == NULL || *what_text == '\0')
    {
      g_set_error_literal (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NEEDS_REASON,
                           _("To close a safety alert, record who acted and what was done"));
      return FALSE;
    }
  if (when == NULL)
    when_text = kith_fhir_now_instant ();
  else
    {
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (when, NULL);
      g_autoptr(GDateTime) soon = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      soon = g_date_time_add_minutes (now, 5);
      if (parsed == NULL || g_date_time_compare (parsed, soon) > 0)
        {
          g_set_error_literal (error, KITH_ASSESSMENT_ERROR, KITH_ASSESSMENT_ERROR_NEEDS_REASON,
                               _("When the action was taken: give a date and time that is not in the future"));
          return FALSE;
        }
      when_text = kith_fhir_format_instant (parsed);
    }

  if (!(flag = kith_store_read_resource (store, "Flag", flag_id, error)))
    return FALSE;
  if (g_strcmp0 (kith_fhir_get_string (flag, "status"), "active") != 0)
    return TRUE;  /* closed already */

  json_object_set_string_member (flag, "status", "inactive");
  period_node = json_object_get_member (flag, "period");
  if (period_node == NULL || !JSON_NODE_HOLDS_OBJECT (period_node))
    {
      json_object_set_object_member (flag, "period", json_object_new ());
      period_node = json_object_get_member (flag, "period");
    }
  period = json_node_get_object (period_node);
  json_object_set_string_member (period, "end", when_text);

  /* The action as a complex extension: who, what, when. */
  {
    JsonObject *value = json_object_new ();
    JsonArray *parts = json_array_new ();
    const char *names[] = { "who", "what", "when" };
    const char *values[] = { who_text, what_text, when_text };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        JsonObject *part = json_object_new ();

        json_object_set_string_member (part, "url", names[i]);
        json_object_set_string_member (part, i == 2 ? "valueDateTime" : "valueString", values[i]);
        json_array_add_object_element (parts, part);
      }
    json_object_set_string_member (value, "url", KITH_FHIR_SD "alert-action");
    json_object_set_array_member (value, "extension", parts);
    action = json_node_new (JSON_NODE_OBJECT);
    json_node_take_object (action, value);
  }
  {
    JsonNode *list = json_object_get_member (flag, "extension");

    if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
      {
        json_object_set_array_member (flag, "extension", json_array_new ());
        list = json_object_get_member (flag, "extension");
      }
    json_array_add_element (json_node_get_array (list), action);
  }

  return kith_store_save_resource (store, flag, kith_fhir_get_version_id (flag), error);
}
