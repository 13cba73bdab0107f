/* kith-risk.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-risk"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kith-fhir.h"
#include "kith-risk.h"
#include "kith-store.h"

#define METHOD_OVERRIDE  "clinician-override"
#define METHOD_WITHDRAWN "override-withdrawn"
#define METHOD_IMPORTED  "imported-score"
#define EXT_TOOL_VERSION KITH_FHIR_SD "risk-tool-version"
#define EXT_SCORE        KITH_FHIR_SD "risk-score"

G_DEFINE_QUARK (kith-risk-error-quark, kith_risk_error)

static const char * const tiers[] = { "fit", "mild", "moderate", "severe" };

void
kith_risk_entry_free (KithRiskEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->method);
  g_free (entry->tool);
  g_free (entry->tool_version);
  g_free (entry->tier);
  g_free (entry->score);
  g_free (entry->reason);
  g_free (entry->who);
  g_free (entry->when);
  g_free (entry);
}

gboolean
kith_risk_is_tier (const char *tier)
{
  return tier != NULL && g_strv_contains (tiers, tier);
}

static JsonObject *
first_object (JsonObject *object,
              const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  JsonNode *first;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return NULL;
  first = json_array_get_element (json_node_get_array (node), 0);
  return JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first) : NULL;
}

static const char *
first_code (JsonObject *concept)
{
  return kith_fhir_get_string (first_object (concept, "coding"), "code");
}

static const char *
method_of (JsonObject *risk)
{
  return first_code (kith_fhir_get_object (risk, "method"));
}

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

static JsonObject *
concept (const char *system,
         const char *code,
         const char *text)
{
  JsonObject *object = json_object_new ();
  JsonArray *codings = json_array_new ();
  JsonObject *coding = json_object_new ();

  json_object_set_string_member (coding, "system", system);
  json_object_set_string_member (coding, "code", code);
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (object, "coding", codings);
  if (text)
    json_object_set_string_member (object, "text", text);
  return object;
}

/* Each entry's moment is later than every earlier one, so that "the
 * newest" is never a tie, even for two clicks in one millisecond. */
static char *
next_moment (GPtrArray *existing)
{
  g_autofree char *now = kith_fhir_now_instant ();
  const char *latest = NULL;

  for (guint i = 0; existing && i < existing->len; i++)
    {
      const char *when = kith_fhir_get_string (existing->pdata[i], "occurrenceDateTime");

      if (when && (latest == NULL || strcmp (when, latest) > 0))
        latest = when;
    }
  if (latest && strcmp (now, latest) <= 0)
    {
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (latest, NULL);
      g_autoptr(GDateTime) later = parsed ? g_date_time_add (parsed, G_TIME_SPAN_MILLISECOND) : NULL;

      if (later)
        return kith_fhir_format_instant (later);
    }
  return g_steal_pointer (&now);
}

static gboolean
save_entry (KithStore   *store,
            const char  *patient_id,
            const char  *method,
            const char  *tool,
            const char  *tool_version,
            const char  *tier,
            const char  *score,
            const char  *reason,
            const char  *who,
            GError     **error)
{
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(JsonObject) risk = json_object_new ();
  g_autofree char *id = kith_fhir_new_id ();
  g_autofree char *when = NULL;

  if (patient_id == NULL || is_blank (who))
    {
      g_set_error_literal (error, KITH_RISK_ERROR, KITH_RISK_ERROR_INVALID,
                           _("Say who is recording this"));
      return FALSE;
    }
  if (!(existing = kith_store_list_for_patient (store, "RiskAssessment", patient_id, error)))
    return FALSE;
  when = next_moment (existing);

  json_object_set_string_member (risk, "resourceType", "RiskAssessment");
  json_object_set_string_member (risk, "id", id);
  json_object_set_string_member (risk, "status", "final");
  json_object_set_object_member (risk, "subject", kith_fhir_new_reference ("Patient", patient_id, NULL));
  json_object_set_string_member (risk, "occurrenceDateTime", when);
  json_object_set_object_member (risk, "method", concept (KITH_RISK_METHOD_SYSTEM, method, tool));
  {
    JsonObject *performer = json_object_new ();

    json_object_set_string_member (performer, "display", who);
    json_object_set_object_member (risk, "performer", performer);
  }
  if (tool_version)
    {
      g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), tool_version);
      kith_fhir_set_extension (risk, EXT_TOOL_VERSION, "valueString", g_steal_pointer (&value));
    }
  if (tier || score)
    {
      JsonArray *predictions = json_array_new ();
      JsonObject *prediction = json_object_new ();

      if (tier)
        json_object_set_object_member (prediction, "qualitativeRisk", concept (KITH_RISK_TIER_SYSTEM, tier, NULL));
      if (score)
        {
          g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), score);
          kith_fhir_set_extension (prediction, EXT_SCORE, "valueString", g_steal_pointer (&value));
        }
      json_array_add_object_element (predictions, prediction);
      json_object_set_array_member (risk, "prediction", predictions);
    }
  if (!is_blank (reason))
    {
      JsonArray *notes = json_array_new ();
      JsonObject *note = json_object_new ();

      json_object_set_string_member (note, "text", reason);
      json_array_add_object_element (notes, note);
      json_object_set_array_member (risk, "note", notes);
    }
  return kith_store_save_resource (store, risk, NULL, error);
}

gboolean
kith_risk_override_tier (KithStore   *store,
                         const char  *patient_id,
                         const char  *tier,
                         const char  *reason,
                         const char  *who,
                         GError     **error)
{
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!kith_risk_is_tier (tier))
    {
      g_set_error_literal (error, KITH_RISK_ERROR, KITH_RISK_ERROR_INVALID,
                           _("Choose a tier: fit, mild, moderate or severe"));
      return FALSE;
    }
  if (is_blank (reason))
    {
      g_set_error_literal (error, KITH_RISK_ERROR, KITH_RISK_ERROR_INVALID,
                           _("Give a reason for changing the tier"));
      return FALSE;
    }
  return save_entry (store, patient_id, METHOD_OVERRIDE, _("Clinician’s judgement"), NULL, tier, NULL,
                     reason, who, error);
}

gboolean
kith_risk_withdraw_override (KithStore   *store,
                             const char  *patient_id,
                             const char  *reason,
                             const char  *who,
                             GError     **error)
{
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (is_blank (reason))
    {
      g_set_error_literal (error, KITH_RISK_ERROR, KITH_RISK_ERROR_INVALID,
                           _("Give a reason for going back to the computed tier"));
      return FALSE;
    }
  return save_entry (store, patient_id, METHOD_WITHDRAWN, _("Clinician’s judgement withdrawn"), NULL, NULL, NULL,
                     reason, who, error);
}

gboolean
kith_risk_import_score (KithStore   *store,
                        const char  *patient_id,
                        const char  *tool,
                        const char  *tool_version,
                        const char  *score,
                        const char  *who,
                        GError     **error)
{
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (is_blank (tool) || is_blank (tool_version))
    {
      g_set_error_literal (error, KITH_RISK_ERROR, KITH_RISK_ERROR_INVALID,
                           _("Name the tool that gave the score, and its version"));
      return FALSE;
    }
  if (is_blank (score))
    {
      g_set_error_literal (error, KITH_RISK_ERROR, KITH_RISK_ERROR_INVALID,
                           _("Give the score as the tool reported it"));
      return FALSE;
    }
  return save_entry (store, patient_id, METHOD_IMPORTED, tool, tool_version, NULL, score, NULL, who, error);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const char *x = kith_fhir_get_string (*(JsonObject **) a, "occurrenceDateTime");
  const char *y = kith_fhir_get_string (*(JsonObject **) b, "occurrenceDateTime");

  return -g_strcmp0 (x, y);
}

static const char *
string_extension (JsonObject *element,
                  const char *url)
{
  JsonNode *node = kith_fhir_get_extension (element, url, "valueString");

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

GPtrArray *
kith_risk_list (KithStore   *store,
                const char  *patient_id,
                GError     **error)
{
  g_autoptr(GPtrArray) risks = NULL;
  GPtrArray *entries;
  gboolean override_in_force = TRUE;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(risks = kith_store_list_for_patient (store, "RiskAssessment", patient_id, error)))
    return NULL;
  g_ptr_array_sort (risks, compare_newest_first);
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_risk_entry_free);
  for (guint i = 0; i < risks->len; i++)
    {
      JsonObject *risk = risks->pdata[i];
      JsonObject *prediction = first_object (risk, "prediction");
      KithRiskEntry *entry = g_new0 (KithRiskEntry, 1);
      const char *method = method_of (risk);

      entry->id = g_strdup (kith_fhir_get_string (risk, "id"));
      entry->method = g_strdup (method);
      entry->tool = g_strdup (kith_fhir_get_string (kith_fhir_get_object (risk, "method"), "text"));
      entry->tool_version = g_strdup (string_extension (risk, EXT_TOOL_VERSION));
      entry->tier = g_strdup (first_code (kith_fhir_get_object (prediction, "qualitativeRisk")));
      entry->score = g_strdup (string_extension (prediction, EXT_SCORE));
      entry->reason = g_strdup (kith_fhir_get_string (first_object (risk, "note"), "text"));
      entry->who = g_strdup (kith_fhir_get_string (kith_fhir_get_object (risk, "performer"), "display"));
      entry->when = g_strdup (kith_fhir_get_string (risk, "occurrenceDateTime"));
      /* Newest first: an override is withdrawn when a newer withdrawal or
       * override came after it. */
      if (g_strcmp0 (method, METHOD_OVERRIDE) == 0)
        {
          entry->withdrawn = !override_in_force;
          override_in_force = FALSE;
        }
      else if (g_strcmp0 (method, METHOD_WITHDRAWN) == 0)
        override_in_force = FALSE;
      g_ptr_array_add (entries, entry);
    }
  return entries;
}

const char *
kith_risk_find_override_tier (GPtrArray *risk_assessments)
{
  JsonObject *newest = NULL;
  const char *newest_when = NULL;

  for (guint i = 0; risk_assessments && i < risk_assessments->len; i++)
    {
      JsonObject *risk = risk_assessments->pdata[i];
      const char *method = method_of (risk);
      const char *when = kith_fhir_get_string (risk, "occurrenceDateTime");

      if (g_strcmp0 (kith_fhir_get_string (risk, "status"), "entered-in-error") == 0 ||
          (g_strcmp0 (method, METHOD_OVERRIDE) != 0 && g_strcmp0 (method, METHOD_WITHDRAWN) != 0))
        continue;
      if (newest == NULL || g_strcmp0 (when, newest_when) > 0)
        {
          newest = risk;
          newest_when = when;
        }
    }
  if (newest == NULL || g_strcmp0 (method_of (newest), METHOD_OVERRIDE) != 0)
    return NULL;
  {
    const char *tier = first_code (kith_fhir_get_object (first_object (newest, "prediction"), "qualitativeRisk"));

    return kith_risk_is_tier (tier) ? tier : NULL;
  }
}
