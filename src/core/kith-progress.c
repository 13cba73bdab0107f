/* kith-progress.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-progress"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "kith-care-plan.h"
#include "kith-fhir.h"
#include "kith-frailty.h"
#include "kith-instrument-library.h"
#include "kith-plan-document.h"
#include "kith-progress.h"
#include "kith-risk.h"
#include "kith-store.h"

#define EXT_SCORE          KITH_FHIR_SD "score"
#define EXT_AGREED_WITH    KITH_FHIR_SD "agreed-with"
#define OBS_CATEGORY       "http://terminology.hl7.org/CodeSystem/observation-category"

G_DEFINE_QUARK (kith-progress-error-quark, kith_progress_error)

/* The scores charted, in the order shown. Titles say what each measures,
 * for a reader who does not know the instrument. */
typedef struct
{
  const char *key;          /* the score's code: "<instrument>/<score name>" */
  const char *title;
  const char *short_title;
  const char *about;
} ScoreChart;

static const ScoreChart score_charts[] = {
  { "phq-9/total", N_("PHQ-9 (depression)"), N_("PHQ-9"),
    N_("How low your mood has been over two weeks. Lower is better.") },
  { "gad-7/total", N_("GAD-7 (anxiety)"), N_("GAD-7"),
    N_("How anxious you have felt over two weeks. Lower is better.") },
  { "distress/total", N_("Distress (0 to 10)"), N_("Distress"),
    N_("How much distress you felt, from 0 (none) to 10 (extreme). Lower is better.") },
  { "care-act-outcomes/not-achieved", N_("Care Act outcomes not achieved"), N_("Outcomes not achieved"),
    N_("Everyday things, like washing or getting out, that you cannot do without help. "
       "Fewer is better.") },
};

static const char * const tier_ids[] = { "fit", "mild", "moderate", "severe", NULL };

void
kith_series_free (KithSeries *series)
{
  if (series == NULL)
    return;
  g_free (series->id);
  g_free (series->title);
  g_free (series->short_title);
  g_free (series->about);
  g_strfreev (series->value_labels);
  g_clear_pointer (&series->bands, g_ptr_array_unref);
  g_clear_pointer (&series->points, g_ptr_array_unref);
  g_free (series);
}

static void
band_free (KithSeriesBand *band)
{
  g_free (band->label);
  g_free (band);
}

static void
point_free (KithSeriesPoint *point)
{
  g_free (point->date);
  g_free (point->label);
  g_free (point);
}

/* Helpers */

static KithSeries *
series_new (const char *id,
            const char *title,
            const char *short_title,
            const char *about,
            double      min,
            double      max)
{
  KithSeries *series = g_new0 (KithSeries, 1);

  series->id = g_strdup (id);
  series->title = g_strdup (title);
  series->short_title = g_strdup (short_title);
  series->about = g_strdup (about);
  series->min = min;
  series->max = max;
  series->bands = g_ptr_array_new_with_free_func ((GDestroyNotify) band_free);
  series->points = g_ptr_array_new_with_free_func ((GDestroyNotify) point_free);
  return series;
}

static void
series_add_band (KithSeries *series,
                 double      from,
                 double      to,
                 const char *label)
{
  KithSeriesBand *band = g_new0 (KithSeriesBand, 1);

  band->from = from;
  band->to = to;
  band->label = g_strdup (label);
  g_ptr_array_add (series->bands, band);
}

static void
series_add_point (KithSeries *series,
                  const char *date,
                  double      value,
                  const char *label)
{
  KithSeriesPoint *point = g_new0 (KithSeriesPoint, 1);

  point->date = g_strdup (date);
  point->value = value;
  point->label = g_strdup (label);
  g_ptr_array_add (series->points, point);
}

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  const KithSeriesPoint *pa = *(KithSeriesPoint * const *) a;
  const KithSeriesPoint *pb = *(KithSeriesPoint * const *) b;
  gint64 ta = kith_series_parse_date (pa->date), tb = kith_series_parse_date (pb->date);

  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

static const char *
extension_string (JsonObject *extension,
                  const char *url)
{
  JsonArray *parts = kith_fhir_get_array (extension, "extension");

  for (guint i = 0; parts && i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);

      if (part && g_strcmp0 (kith_fhir_get_string (part, "url"), url) == 0)
        {
          static const char *members[] = { "valueId", "valueString", "valueCode" };

          for (guint m = 0; m < G_N_ELEMENTS (members); m++)
            if (kith_fhir_get_string (part, members[m]))
              return kith_fhir_get_string (part, members[m]);
        }
    }
  return NULL;
}

static gboolean
extension_number (JsonObject *extension,
                  const char *url,
                  double     *value)
{
  JsonArray *parts = kith_fhir_get_array (extension, "extension");

  for (guint i = 0; parts && i < json_array_get_length (parts); i++)
    {
      JsonObject *part = json_array_get_object_element (parts, i);
      JsonNode *node;

      if (!part || g_strcmp0 (kith_fhir_get_string (part, "url"), url) != 0)
        continue;
      node = json_object_get_member (part, "valueInteger");
      if (!node)
        node = json_object_get_member (part, "valueDecimal");
      if (node && JSON_NODE_HOLDS_VALUE (node) &&
          (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
        {
          *value = json_node_get_double (node);
          return TRUE;
        }
    }
  return FALSE;
}

/* The range and bands of a score come from the instrument's own file, so
 * that a changed cut-off changes the chart too. */
static KithSeries *
score_series_new (const ScoreChart *chart)
{
  g_auto(GStrv) parts = g_strsplit (chart->key, "/", 2);
  KithInstrument *instrument = kith_instrument_library_lookup (kith_instrument_library_get_default (), parts[0]);
  KithSeries *series = series_new (chart->key, _(chart->title), _(chart->short_title), _(chart->about), 0, 0);
  JsonArray *extensions;

  if (instrument == NULL)
    return series;
  extensions = kith_fhir_get_array (kith_instrument_get_questionnaire (instrument), "extension");
  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = json_array_get_object_element (extensions, i);
      JsonArray *members;
      double max;

      if (!extension || g_strcmp0 (kith_fhir_get_string (extension, "url"), EXT_SCORE) != 0 ||
          g_strcmp0 (extension_string (extension, "name"), parts[1]) != 0)
        continue;
      if (extension_number (extension, "max", &max))
        series->max = max;
      members = kith_fhir_get_array (extension, "extension");
      for (guint b = 0; members && b < json_array_get_length (members); b++)
        {
          JsonObject *band = json_array_get_object_element (members, b);
          double from, to;

          if (band && g_strcmp0 (kith_fhir_get_string (band, "url"), "band") == 0 &&
              extension_number (band, "from", &from) && extension_number (band, "to", &to))
            series_add_band (series, from, to, extension_string (band, "title"));
        }
    }
  return series;
}

static gboolean
observation_value (JsonObject *observation,
                   double     *value)
{
  JsonNode *node = json_object_get_member (observation, "valueInteger");

  if (node == NULL)
    node = kith_fhir_get_object (observation, "valueQuantity")
           ? json_object_get_member (kith_fhir_get_object (observation, "valueQuantity"), "value") : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value);
}

/* Kith's own score code (the first coding of an Observation's code is the
 * one the store indexes, but look at them all). */
static const char *
score_code (JsonObject *observation)
{
  JsonArray *codings = kith_fhir_get_array (kith_fhir_get_object (observation, "code"), "coding");

  for (guint i = 0; codings && i < json_array_get_length (codings); i++)
    {
      JsonObject *coding = json_array_get_object_element (codings, i);

      if (coding && g_strcmp0 (kith_fhir_get_string (coding, "system"), KITH_PROGRESS_SCORE_SYSTEM) == 0)
        return kith_fhir_get_string (coding, "code");
    }
  return NULL;
}

static const char *
band_label (KithSeries *series,
            double      value)
{
  for (guint i = 0; i < series->bands->len; i++)
    {
      KithSeriesBand *band = series->bands->pdata[i];

      if (value >= band->from && value <= band->to)
        return band->label;
    }
  return NULL;
}

static gboolean
counts (JsonObject *observation)
{
  const char *status = kith_fhir_get_string (observation, "status");

  return g_strcmp0 (status, "entered-in-error") != 0 && g_strcmp0 (status, "cancelled") != 0;
}

static void
add_score_series (GPtrArray *out,
                  GPtrArray *observations)
{
  for (guint c = 0; c < G_N_ELEMENTS (score_charts); c++)
    {
      g_autoptr(KithSeries) series = score_series_new (&score_charts[c]);

      for (guint i = 0; i < observations->len; i++)
        {
          JsonObject *observation = observations->pdata[i];
          const char *date = kith_fhir_get_string (observation, "effectiveDateTime");
          double value;

          if (g_strcmp0 (score_code (observation), score_charts[c].key) != 0 || !counts (observation) ||
              kith_series_parse_date (date) == G_MININT64 || !observation_value (observation, &value))
            continue;
          series_add_point (series, date, value, band_label (series, value));
          series->max = MAX (series->max, value);
        }
      if (series->points->len == 0)
        continue;
      g_ptr_array_sort (series->points, compare_points);
      g_ptr_array_add (out, g_steal_pointer (&series));
    }
}

static int
tier_index (const char *tier)
{
  for (int i = 0; tier_ids[i]; i++)
    if (g_strcmp0 (tier_ids[i], tier) == 0)
      return i;
  return -1;
}

/* Frailty over time: each clinician's override as it was made, then the
 * band computed from the record now. */
static gboolean
add_frailty_series (GPtrArray   *out,
                    KithStore   *store,
                    const char  *patient_id,
                    GError     **error)
{
  g_autoptr(GPtrArray) risks = NULL;
  g_autoptr(KithFrailtyIndex) frailty = NULL;
  g_autoptr(KithSeries) series = NULL;
  g_autofree char *now = NULL;

  if (!(risks = kith_risk_list (store, patient_id, error)))
    return FALSE;
  if (!(frailty = kith_frailty_compute (store, patient_id, error)))
    return FALSE;

  series = series_new ("frailty", _("Frailty"), _("Frailty"),
                       _("How frail the record shows you to be, from fit to severe. Lower is better."),
                       0, 3);
  /* Short words for the axis; each point says the band in full. */
  series->value_labels = g_strdupv ((char **) (const char *[]) {
    _("Fit"), C_("frailty", "Mild"), C_("frailty", "Moderate"), C_("frailty", "Severe"), NULL });

  for (guint i = 0; i < risks->len; i++)
    {
      KithRiskEntry *entry = risks->pdata[i];
      int tier = tier_index (entry->tier);
      g_autofree char *label = NULL;

      if (tier < 0 || g_strcmp0 (entry->method, "clinician-override") != 0 ||
          kith_series_parse_date (entry->when) == G_MININT64)
        continue;
      /* TRANSLATORS: a frailty tier set by a clinician, as in "Moderate frailty (clinician's judgement)" */
      label = g_strdup_printf (_("%s (clinician’s judgement)"), kith_frailty_band_label ((KithFrailtyBand) tier));
      series_add_point (series, entry->when, tier, label);
    }
  /* The computed index alone says nothing when the record holds nothing. */
  if (series->points->len == 0 && frailty->n_deficits == 0)
    return TRUE;
  now = kith_fhir_now_instant ();
  {
    g_autofree char *label = NULL;

    /* TRANSLATORS: the frailty band computed from the record now, with the index, as in
     * "Mild frailty (index 0.19, from the record)" */
    label = g_strdup_printf (_("%s (index %.2f, from the record)"),
                             kith_frailty_band_label (frailty->band), frailty->index);
    series_add_point (series, now, frailty->band, label);
  }
  g_ptr_array_sort (series->points, compare_points);
  g_ptr_array_add (out, g_steal_pointer (&series));
  return TRUE;
}

/* "CarePlan/<plan>#<goal>" -> the goal id, or NULL. */
static const char *
focus_goal (JsonObject *observation,
            const char *plan_id)
{
  JsonArray *focus = kith_fhir_get_array (observation, "focus");

  for (guint i = 0; focus && i < json_array_get_length (focus); i++)
    {
      const char *reference = kith_fhir_get_string (json_array_get_object_element (focus, i), "reference");
      const char *hash;

      if (reference == NULL || !g_str_has_prefix (reference, "CarePlan/") || !(hash = strchr (reference, '#')))
        continue;
      if (plan_id && (size_t) (hash - reference - strlen ("CarePlan/")) == strlen (plan_id) &&
          strncmp (reference + strlen ("CarePlan/"), plan_id, strlen (plan_id)) == 0)
        return hash + 1;
    }
  return NULL;
}

static KithSeries *
goal_series_new (const KithGoal *goal)
{
  g_autofree char *id = g_strdup_printf ("goal/%s", goal->id);
  /* TRANSLATORS: the title of a chart of one goal's progress; the goal is in the person's words */
  g_autofree char *title = g_strdup_printf (_("Goal: %s"), goal->text);
  KithSeries *series = series_new (id, title, _("Goal progress"),
                                   _("How each review went for this goal, as agreed with you."), -2, 2);

  /* Short words for the axis; each point says the rating in full. */
  series->value_labels = g_strdupv ((char **) (const char *[]) {
    C_("goal rating", "Much less"), C_("goal rating", "Less"), C_("goal rating", "As expected"),
    C_("goal rating", "More"), C_("goal rating", "Much more"), NULL });
  return series;
}

static gboolean
add_goal_series (GPtrArray   *out,
                 KithStore   *store,
                 const char  *patient_id,
                 GPtrArray   *observations,
                 GError     **error)
{
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) goals = NULL;
  g_autoptr(GError) local_error = NULL;

  plan = kith_care_plan_load_current (store, patient_id, &local_error);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (plan == NULL)
    return TRUE;
  goals = kith_care_plan_list_goals (plan);
  for (guint g = 0; g < goals->len; g++)
    {
      KithGoal *goal = goals->pdata[g];
      g_autoptr(KithSeries) series = goal_series_new (goal);

      for (guint i = 0; i < observations->len; i++)
        {
          JsonObject *observation = observations->pdata[i];
          const char *date = kith_fhir_get_string (observation, "effectiveDateTime");
          double value;

          if (g_strcmp0 (score_code (observation), KITH_PROGRESS_GOAL_ATTAINMENT) != 0 || !counts (observation) ||
              g_strcmp0 (focus_goal (observation, kith_care_plan_get_id (plan)), goal->id) != 0 ||
              kith_series_parse_date (date) == G_MININT64 || !observation_value (observation, &value) ||
              value < -2 || value > 2 || value != floor (value))
            continue;
          series_add_point (series, date, value, kith_progress_rating_to_string ((int) value));
        }
      if (series->points->len == 0)
        continue;
      g_ptr_array_sort (series->points, compare_points);
      g_ptr_array_add (out, g_steal_pointer (&series));
    }
  return TRUE;
}

static gboolean
non_empty (const char *text)
{
  if (text == NULL)
    return FALSE;
  while (g_ascii_isspace (*text))
    text++;
  return *text != '\0';
}

/* Public API */

KithSeries *
kith_series_copy (const KithSeries *series)
{
  KithSeries *copy;

  g_return_val_if_fail (series != NULL, NULL);

  copy = series_new (series->id, series->title, series->short_title, series->about, series->min, series->max);
  copy->value_labels = g_strdupv (series->value_labels);
  for (guint i = 0; i < series->bands->len; i++)
    {
      const KithSeriesBand *band = series->bands->pdata[i];

      series_add_band (copy, band->from, band->to, band->label);
    }
  for (guint i = 0; i < series->points->len; i++)
    {
      const KithSeriesPoint *point = series->points->pdata[i];

      series_add_point (copy, point->date, point->value, point->label);
    }
  return copy;
}

gint64
kith_series_parse_date (const char *date)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = NULL;

  if (date == NULL)
    return G_MININT64;
  if (strlen (date) == 10)
    {
      g_autofree char *midnight = g_strconcat (date, "T00:00:00", NULL);

      when = g_date_time_new_from_iso8601 (midnight, utc);
    }
  else
    when = g_date_time_new_from_iso8601 (date, utc);
  return when ? g_date_time_to_unix (when) : G_MININT64;
}

const char *
kith_progress_rating_to_string (int rating)
{
  switch (rating)
    {
    case -2: return _("Much less than expected");
    case -1: return _("Somewhat less than expected");
    case 0:  return _("As expected");
    case 1:  return _("Somewhat more than expected");
    case 2:  return _("Much more than expected");
    default: return NULL;
    }
}

char *
kith_series_format_value (const KithSeries *series,
                          double            value)
{
  g_return_val_if_fail (series != NULL, NULL);

  if (series->value_labels && value == floor (value) && value >= series->min && value <= series->max &&
      (guint) (value - series->min) < g_strv_length (series->value_labels))
    return g_strdup (series->value_labels[(guint) (value - series->min)]);
  if (value == floor (value))
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.2f", value);
}

char *
kith_series_format_date (const char *date)
{
  return kith_plan_document_format_date (date);
}

char *
kith_series_describe_point (const KithSeries *series,
                            guint             index)
{
  const KithSeriesPoint *point;
  g_autofree char *value = NULL;
  g_autofree char *date = NULL;

  g_return_val_if_fail (series != NULL, NULL);
  g_return_val_if_fail (index < series->points->len, NULL);

  point = series->points->pdata[index];
  value = kith_series_format_value (series, point->value);
  date = kith_series_format_date (point->date);
  if (date == NULL)
    date = g_strdup (point->date);
  if (series->value_labels)
    /* TRANSLATORS: a point on a chart of words: "Frailty: Mild frailty (index 0.19) on 3 March 2026" */
    return g_strdup_printf (_("%s: %s on %s"), series->short_title,
                            point->label ? point->label : value, date);
  if (point->label)
    /* TRANSLATORS: a score on a chart: "PHQ-9 12 on 3 March 2026 (Moderate)" */
    return g_strdup_printf (_("%s %s on %s (%s)"), series->short_title, value, date, point->label);
  /* TRANSLATORS: a score on a chart: "PHQ-9 12 on 3 March 2026" */
  return g_strdup_printf (_("%s %s on %s"), series->short_title, value, date);
}

GPtrArray *
kith_progress_list_series (KithStore   *store,
                           const char  *patient_id,
                           GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_series_free);
  g_autoptr(GPtrArray) observations = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(observations = kith_store_list_for_patient (store, "Observation", patient_id, error)))
    return NULL;
  add_score_series (out, observations);
  if (!add_frailty_series (out, store, patient_id, error) ||
      !add_goal_series (out, store, patient_id, observations, error))
    return NULL;
  return g_steal_pointer (&out);
}

gboolean
kith_progress_rate_goal (KithStore   *store,
                         const char  *patient_id,
                         const char  *plan_id,
                         const char  *goal_id,
                         int          rating,
                         const char  *agreed_with,
                         const char  *editor,
                         GError     **error)
{
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) goals = NULL;
  g_autoptr(JsonObject) observation = NULL;
  g_autofree char *id = NULL;
  g_autofree char *now = NULL;
  g_autofree char *focus = NULL;
  const KithGoal *goal = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rating < -2 || rating > 2)
    {
      g_set_error (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_INVALID,
                   _("A goal rating is from −2 (much less than expected) to +2 (much more than "
                     "expected), not %d."), rating);
      return FALSE;
    }
  if (!non_empty (agreed_with))
    {
      g_set_error_literal (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_INVALID,
                           _("Say who the rating was agreed with: the person, or who spoke for them."));
      return FALSE;
    }
  if (!non_empty (editor))
    {
      g_set_error_literal (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_INVALID,
                           _("The rating needs the name of the professional who recorded it."));
      return FALSE;
    }
  if (patient_id == NULL || plan_id == NULL || goal_id == NULL)
    {
      g_set_error_literal (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_NOT_FOUND,
                           _("The rating needs a person, their plan and one of its goals."));
      return FALSE;
    }
  {
    g_autoptr(GError) local_error = NULL;

    if (!(plan = kith_care_plan_load (store, plan_id, &local_error)))
      {
        if (g_error_matches (local_error, KITH_STORE_ERROR, KITH_STORE_ERROR_NOT_FOUND))
          g_set_error_literal (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_NOT_FOUND,
                               _("That care plan is not in this record."));
        else
          g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
  }
  if (g_strcmp0 (kith_care_plan_get_patient_id (plan), patient_id) != 0)
    {
      g_set_error_literal (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_NOT_FOUND,
                           _("This care plan belongs to someone else."));
      return FALSE;
    }
  goals = kith_care_plan_list_goals (plan);
  for (guint i = 0; i < goals->len && goal == NULL; i++)
    if (g_strcmp0 (((KithGoal *) goals->pdata[i])->id, goal_id) == 0)
      goal = goals->pdata[i];
  if (goal == NULL)
    {
      g_set_error_literal (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_NOT_FOUND,
                           _("That goal is not in the person’s care plan any more. Open the plan again "
                             "and rate the goals it holds now."));
      return FALSE;
    }

  id = kith_fhir_new_id ();
  now = kith_fhir_now_instant ();
  focus = g_strdup_printf ("CarePlan/%s#%s", plan_id, goal_id);
  observation = json_object_new ();
  json_object_set_string_member (observation, "resourceType", "Observation");
  json_object_set_string_member (observation, "id", id);
  json_object_set_string_member (observation, "status", "final");
  {
    JsonArray *categories = json_array_new ();
    JsonObject *category = json_object_new ();
    JsonArray *codings = json_array_new ();
    JsonObject *coding = json_object_new ();

    json_object_set_string_member (coding, "system", OBS_CATEGORY);
    json_object_set_string_member (coding, "code", "survey");
    json_object_set_string_member (coding, "display", "Survey");
    json_array_add_object_element (codings, coding);
    json_object_set_array_member (category, "coding", codings);
    json_array_add_object_element (categories, category);
    json_object_set_array_member (observation, "category", categories);
  }
  {
    JsonObject *code = json_object_new ();
    JsonArray *codings = json_array_new ();
    JsonObject *coding = json_object_new ();

    json_object_set_string_member (coding, "system", KITH_PROGRESS_SCORE_SYSTEM);
    json_object_set_string_member (coding, "code", KITH_PROGRESS_GOAL_ATTAINMENT);
    json_object_set_string_member (coding, "display", "Goal attainment");
    json_array_add_object_element (codings, coding);
    json_object_set_array_member (code, "coding", codings);
    json_object_set_string_member (code, "text", "Goal attainment");
    json_object_set_object_member (observation, "code", code);
  }
  json_object_set_object_member (observation, "subject", kith_fhir_new_reference ("Patient", patient_id, NULL));
  {
    JsonArray *focus_list = json_array_new ();
    JsonObject *reference = json_object_new ();

    json_object_set_string_member (reference, "reference", focus);
    json_object_set_string_member (reference, "display", goal->text);
    json_array_add_object_element (focus_list, reference);
    json_object_set_array_member (observation, "focus", focus_list);
  }
  json_object_set_string_member (observation, "effectiveDateTime", now);
  json_object_set_int_member (observation, "valueInteger", rating);
  {
    JsonArray *performers = json_array_new ();
    JsonObject *performer = json_object_new ();

    json_object_set_string_member (performer, "display", editor);
    json_array_add_object_element (performers, performer);
    json_object_set_array_member (observation, "performer", performers);
  }
  {
    JsonNode *value = json_node_new (JSON_NODE_VALUE);

    json_node_set_string (value, agreed_with);
    kith_fhir_set_extension (observation, EXT_AGREED_WITH, "valueString", value);
  }
  return kith_store_save_resource (store, observation, NULL, error);
}
