/* kith-end-of-life.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Recording a death, and the preferred place of care at the end of life
 * that the person gave in an assessment. The FHIR is what the outcome
 * indicators read (data/indicators/indicators.json): deceasedDateTime on
 * the Patient, and Kith's died-in-preferred-place extension beside it.
 */

#define G_LOG_DOMAIN "kith-end-of-life"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-care-plan.h"
#include "kith-contact.h"
#include "kith-end-of-life.h"
#include "kith-fhir.h"
#include "kith-store.h"

#define CRISIS_QUESTIONNAIRE KITH_FHIR_BASE "/Questionnaire/crisis"
#define PREFERRED_PLACE_ITEM "preferred-place"

G_DEFINE_QUARK (kith-end-of-life-error-quark, kith_end_of_life_error)

void
kith_preferred_place_free (KithPreferredPlace *place)
{
  if (place == NULL)
    return;
  g_free (place->text);
  g_free (place->recorded);
  g_free (place);
}

void
kith_death_free (KithDeath *death)
{
  if (death == NULL)
    return;
  g_free (death->died);
  g_free (death);
}

/* Helpers */

static const char *
find_answer_text (JsonArray  *items,
                  const char *link_id)
{
  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonArray *answers = kith_fhir_get_array (item, "answer");
      const char *nested;

      if (item == NULL)
        continue;
      if (g_strcmp0 (kith_fhir_get_string (item, "linkId"), link_id) == 0)
        for (guint a = 0; answers && a < json_array_get_length (answers); a++)
          {
            JsonNode *answer = json_array_get_element (answers, a);
            const char *text = JSON_NODE_HOLDS_OBJECT (answer)
                               ? kith_fhir_get_string (json_node_get_object (answer), "valueString") : NULL;
            g_autofree char *stripped = text ? g_strstrip (g_strdup (text)) : NULL;

            if (stripped && *stripped)
              return text;
          }
      if ((nested = find_answer_text (kith_fhir_get_array (item, "item"), link_id)))
        return nested;
    }
  return NULL;
}

static gboolean
is_crisis_response (JsonObject *response)
{
  const char *questionnaire = kith_fhir_get_string (response, "questionnaire");
  gsize length = strlen (CRISIS_QUESTIONNAIRE);

  return questionnaire && strncmp (questionnaire, CRISIS_QUESTIONNAIRE, length) == 0 &&
         (questionnaire[length] == '\0' || questionnaire[length] == '|');
}

/* The calendar day of a FHIR date or dateTime; FALSE when it is neither. */
static gboolean
parse_day (const char *text,
           GDate      *day,
           GDateTime **instant)
{
  int y, m, d;
  char tail;

  g_date_clear (day, 1);
  *instant = NULL;
  if (text == NULL)
    return FALSE;
  if (strlen (text) == 10)
    {
      if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || !g_date_valid_dmy (d, m, y))
        return FALSE;
      g_date_set_dmy (day, d, m, y);
      return TRUE;
    }
  if (!(*instant = g_date_time_new_from_iso8601 (text, NULL)))
    return FALSE;
  g_date_set_dmy (day, g_date_time_get_day_of_month (*instant), g_date_time_get_month (*instant),
                  g_date_time_get_year (*instant));
  return TRUE;
}

static char *
format_day (const GDate *day)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (day), g_date_get_month (day), g_date_get_day (day));
}

/* The death must be a real day, not after now and not before birth. */
static char *
check_death_date (const char  *died,
                  const char  *birth_date,
                  GDateTime   *now,
                  GError     **error)
{
  g_autofree char *text = died ? g_strstrip (g_strdup (died)) : NULL;
  g_autoptr(GDateTime) instant = NULL;
  g_autoptr(GDateTime) local_now = now ? g_date_time_ref (now) : g_date_time_new_now_local ();
  g_autoptr(GDateTime) unused = NULL;
  GDate day, today, born;

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, KITH_END_OF_LIFE_ERROR, KITH_END_OF_LIFE_ERROR_INVALID,
                           _("Say when the person died"));
      return NULL;
    }
  if (!parse_day (text, &day, &instant))
    {
      g_set_error_literal (error, KITH_END_OF_LIFE_ERROR, KITH_END_OF_LIFE_ERROR_INVALID,
                           _("The date of death is not a real date (use the form 2026-03-01)"));
      return NULL;
    }
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (local_now), g_date_time_get_month (local_now),
                  g_date_time_get_year (local_now));
  if (g_date_compare (&day, &today) > 0 ||
      (instant != NULL && g_date_time_compare (instant, local_now) > 0))
    {
      g_set_error_literal (error, KITH_END_OF_LIFE_ERROR, KITH_END_OF_LIFE_ERROR_INVALID,
                           _("The date of death cannot be in the future"));
      return NULL;
    }
  if (birth_date && parse_day (birth_date, &born, &unused) && g_date_compare (&day, &born) < 0)
    {
      g_set_error_literal (error, KITH_END_OF_LIFE_ERROR, KITH_END_OF_LIFE_ERROR_INVALID,
                           _("The date of death cannot be before the date of birth"));
      return NULL;
    }
  /* As given: a date stays a date, a time keeps its zone. */
  return instant ? kith_fhir_format_instant (instant) : format_day (&day);
}

/* Nothing of theirs is left due: the plan ends, and so does a place on
 * the virtual ward. */
static gboolean
close_open_care (KithStore   *store,
                 const char  *patient_id,
                 const char  *death_day,
                 const char  *recorded_by,
                 GError     **error)
{
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(KithWardStay) stay = NULL;

  if (!(plan = kith_care_plan_load_current (store, patient_id, error)) && error && *error)
    return FALSE;
  if (plan != NULL &&
      (!kith_care_plan_end (plan, _("The person died"), error) ||
       !kith_care_plan_save (plan, store, recorded_by ? recorded_by : _("Kith"), error)))
    return FALSE;

  if (!(stay = kith_virtual_ward_get_stay (store, patient_id, error)) && error && *error)
    return FALSE;
  if (stay != NULL)
    {
      /* Not before the admission, which a death recorded late may be. */
      const char *until = stay->admitted && strncmp (stay->admitted, death_day, 10) > 0 ? stay->admitted
                                                                                      : death_day;
      g_autofree char *day = g_strndup (until, 10);

      if (!kith_virtual_ward_discharge (store, patient_id, day, error))
        return FALSE;
    }
  return TRUE;
}

/* Public API */

KithPreferredPlace *
kith_end_of_life_get_preferred_place (KithStore   *store,
                                      const char  *patient_id,
                                      GError     **error)
{
  g_autoptr(GPtrArray) responses = NULL;
  KithPreferredPlace *newest = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  if (!(responses = kith_store_list_for_patient (store, "QuestionnaireResponse", patient_id, error)))
    return NULL;
  for (guint i = 0; i < responses->len; i++)
    {
      JsonObject *response = responses->pdata[i];
      const char *authored = kith_fhir_get_string (response, "authored");
      const char *status = kith_fhir_get_string (response, "status");
      const char *text;

      if (!is_crisis_response (response) || g_strcmp0 (status, "entered-in-error") == 0 ||
          !(text = find_answer_text (kith_fhir_get_array (response, "item"), PREFERRED_PLACE_ITEM)))
        continue;
      if (newest == NULL || g_strcmp0 (authored, newest->recorded) > 0)
        {
          g_clear_pointer (&newest, kith_preferred_place_free);
          newest = g_new0 (KithPreferredPlace, 1);
          newest->text = g_strstrip (g_strdup (text));
          newest->recorded = g_strdup (authored);
        }
    }
  return newest;
}

KithDeath *
kith_end_of_life_get_death (JsonObject *patient)
{
  const char *died;
  JsonNode *place;
  KithDeath *death;

  g_return_val_if_fail (patient != NULL, NULL);

  if (!(died = kith_fhir_get_string (patient, "deceasedDateTime")))
    return NULL;
  death = g_new0 (KithDeath, 1);
  death->died = g_strdup (died);
  place = kith_fhir_get_extension (patient, KITH_DIED_IN_PREFERRED_PLACE_URL, "valueBoolean");
  if (place && JSON_NODE_HOLDS_VALUE (place) && json_node_get_value_type (place) == G_TYPE_BOOLEAN)
    death->place = json_node_get_boolean (place) ? KITH_PLACE_MET : KITH_PLACE_NOT_MET;
  return death;
}

gboolean
kith_end_of_life_record_death (KithStore     *store,
                               const char    *patient_id,
                               const char    *died,
                               KithPlaceMet   place,
                               gboolean       correction,
                               const char    *recorded_by,
                               GDateTime     *now,
                               GError       **error)
{
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *when = NULL;
  g_autofree char *version = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!kith_fhir_is_valid_id (patient_id) ||
      !(patient = kith_store_read_resource (store, "Patient", patient_id, &local_error)))
    {
      g_set_error_literal (error, KITH_END_OF_LIFE_ERROR, KITH_END_OF_LIFE_ERROR_NOT_FOUND,
                           _("This person’s record cannot be found"));
      return FALSE;
    }
  if (!correction && (json_object_has_member (patient, "deceasedDateTime") ||
                      json_object_has_member (patient, "deceasedBoolean")))
    {
      g_set_error_literal (error, KITH_END_OF_LIFE_ERROR, KITH_END_OF_LIFE_ERROR_RECORDED,
                           _("A death is recorded for this person already: correct it instead"));
      return FALSE;
    }
  if (!(when = check_death_date (died, kith_fhir_get_string (patient, "birthDate"), now, error)))
    return FALSE;

  if (json_object_has_member (patient, "deceasedBoolean"))
    json_object_remove_member (patient, "deceasedBoolean");
  json_object_set_string_member (patient, "deceasedDateTime", when);
  /* Not known is no extension at all: the indicator counts it as not met. */
  kith_fhir_set_extension (patient, KITH_DIED_IN_PREFERRED_PLACE_URL, "valueBoolean",
                           place == KITH_PLACE_NOT_RECORDED
                           ? NULL : json_node_init_boolean (json_node_alloc (), place == KITH_PLACE_MET));
  version = g_strdup (kith_fhir_get_string (kith_fhir_get_object (patient, "meta"), "versionId"));

  if (!kith_store_begin (store, error))
    return FALSE;
  if (!kith_store_save_resource (store, patient, version, error) ||
      !close_open_care (store, patient_id, when, recorded_by, error))
    {
      kith_store_rollback (store);
      return FALSE;
    }
  return kith_store_commit (store, error);
}
