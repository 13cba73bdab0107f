/* test-progress.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kith-core.h"
#include "kith-trend-draw.h"

typedef struct
{
  char      *dir;
  KithStore *store;
  char      *patient_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("kith-progress-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  kith_patient_set_family (patient, "Smith");
  kith_patient_set_given (patient, "Margaret");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (kith_patient_get_id (patient));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->patient_id);
}

/* A score Observation as an assessment writes it. */
static void
add_score (Fixture    *f,
           const char *key,
           const char *when,
           int         value,
           const char *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Observation\",\"id\":\"%s\",\"status\":\"%s\","
    "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
    "\"code\":\"survey\"}]}],"
    "\"code\":{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/score\",\"code\":\"%s\"}]},"
    "\"subject\":{\"reference\":\"Patient/%s\"},\"effectiveDateTime\":\"%s\",\"valueInteger\":%d}",
    id, status, key, f->patient_id, when, value);
  g_autoptr(JsonObject) observation = NULL;

  observation = kith_fhir_parse_resource (json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (kith_store_save_resource (f->store, observation, NULL, &error));
  g_assert_no_error (error);
}

static KithSeries *
find_series (GPtrArray  *series,
             const char *id)
{
  for (guint i = 0; i < series->len; i++)
    if (g_strcmp0 (((KithSeries *) series->pdata[i])->id, id) == 0)
      return series->pdata[i];
  return NULL;
}

static KithSeriesPoint *
point_at (KithSeries *series,
          guint       index)
{
  g_assert_cmpuint (index, <, series->points->len);
  return series->points->pdata[index];
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = kith_progress_list_series (f->store, f->patient_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (series);
  /* Nothing recorded: no chart at all, not even an empty frailty one. */
  g_assert_cmpuint (series->len, ==, 0);
}

static void
test_scores (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autofree char *text = NULL;
  KithSeries *phq9, *gad7;

  /* Out of order, to check the order; one entered in error, ignored. */
  add_score (f, "phq-9/total", "2026-03-03T10:00:00Z", 12, "final");
  add_score (f, "phq-9/total", "2026-01-10T09:30:00Z", 18, "final");
  add_score (f, "phq-9/total", "2026-05-20T14:00:00+01:00", 6, "final");
  add_score (f, "phq-9/total", "2026-04-01T10:00:00Z", 27, "entered-in-error");
  add_score (f, "gad-7/total", "2026-02-01T10:00:00Z", 9, "final");
  /* Another person's score is not theirs. */
  {
    g_autofree char *mine = g_strdup (f->patient_id);

    g_free (f->patient_id);
    f->patient_id = g_strdup ("someone-else");
    add_score (f, "phq-9/total", "2026-02-01T10:00:00Z", 3, "final");
    g_free (f->patient_id);
    f->patient_id = g_steal_pointer (&mine);
  }

  series = kith_progress_list_series (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, ==, 2);
  /* PHQ-9 before GAD-7, whatever order they were saved in. */
  g_assert_cmpstr (((KithSeries *) series->pdata[0])->id, ==, "phq-9/total");
  g_assert_cmpstr (((KithSeries *) series->pdata[1])->id, ==, "gad-7/total");

  phq9 = find_series (series, "phq-9/total");
  g_assert_cmpstr (phq9->title, ==, "PHQ-9 (depression)");
  g_assert_cmpfloat (phq9->min, ==, 0);
  g_assert_cmpfloat (phq9->max, ==, 27);
  g_assert_cmpuint (phq9->points->len, ==, 3);
  g_assert_cmpstr (point_at (phq9, 0)->date, ==, "2026-01-10T09:30:00Z");
  g_assert_cmpfloat (point_at (phq9, 0)->value, ==, 18);
  g_assert_cmpstr (point_at (phq9, 0)->label, ==, "Moderately severe");
  g_assert_cmpfloat (point_at (phq9, 1)->value, ==, 12);
  g_assert_cmpstr (point_at (phq9, 1)->label, ==, "Moderate");
  g_assert_cmpfloat (point_at (phq9, 2)->value, ==, 6);
  g_assert_cmpstr (point_at (phq9, 2)->label, ==, "Mild");

  /* The bands come from the instrument file. */
  g_assert_cmpuint (phq9->bands->len, ==, 5);
  {
    static const struct { double from, to; const char *label; } expected[] = {
      { 0, 4, "Minimal" }, { 5, 9, "Mild" }, { 10, 14, "Moderate" },
      { 15, 19, "Moderately severe" }, { 20, 27, "Severe" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        KithSeriesBand *band = phq9->bands->pdata[i];

        g_assert_cmpfloat (band->from, ==, expected[i].from);
        g_assert_cmpfloat (band->to, ==, expected[i].to);
        g_assert_cmpstr (band->label, ==, expected[i].label);
      }
  }

  gad7 = find_series (series, "gad-7/total");
  g_assert_cmpfloat (gad7->max, ==, 21);
  g_assert_cmpuint (gad7->bands->len, ==, 4);
  g_assert_cmpuint (gad7->points->len, ==, 1);
  g_assert_cmpstr (point_at (gad7, 0)->label, ==, "Mild");

  /* What a reader (and a screen reader) is told about one point. */
  text = kith_series_describe_point (phq9, 1);
  g_assert_cmpstr (text, ==, "PHQ-9 12 on 3 March 2026 (Moderate)");
}

static void
test_frailty (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autofree char *text = NULL;
  KithSeries *frailty;

  g_assert_true (kith_risk_override_tier (f->store, f->patient_id, "moderate", "Two falls this month",
                                          "Dr Patel", &error));
  g_assert_no_error (error);
  g_usleep (1100 * 1000);   /* instants have whole seconds */
  g_assert_true (kith_risk_override_tier (f->store, f->patient_id, "severe", "In hospital",
                                          "Dr Patel", &error));
  g_assert_no_error (error);
  g_assert_true (kith_risk_import_score (f->store, f->patient_id, "Other tool", "1", "0.4", "Dr Patel", &error));
  g_assert_no_error (error);

  series = kith_progress_list_series (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  frailty = find_series (series, "frailty");
  g_assert_nonnull (frailty);
  g_assert_cmpfloat (frailty->min, ==, 0);
  g_assert_cmpfloat (frailty->max, ==, 3);
  g_assert_nonnull (frailty->value_labels);
  g_assert_cmpuint (g_strv_length (frailty->value_labels), ==, 4);
  /* The two overrides oldest first (not the imported score), then the
   * index computed now: fit, with nothing in the record. */
  g_assert_cmpuint (frailty->points->len, ==, 3);
  g_assert_cmpfloat (point_at (frailty, 0)->value, ==, 2);
  g_assert_cmpfloat (point_at (frailty, 1)->value, ==, 3);
  g_assert_cmpfloat (point_at (frailty, 2)->value, ==, 0);
  g_assert_nonnull (strstr (point_at (frailty, 0)->label, "Moderate frailty"));
  g_assert_nonnull (strstr (point_at (frailty, 2)->label, "from the record"));
  text = kith_series_format_value (frailty, 3);
  g_assert_cmpstr (text, ==, "Severe");
}

static char *
make_plan (Fixture *f,
           char   **goal_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  KithGoal goal = { NULL, (char *) "To walk to the shop on my own", (char *) "the person",
                    (char *) "She tells us at review", NULL, FALSE };

  g_assert_no_error (error);
  *goal_id = kith_care_plan_add_goal (plan, &goal, &error);
  g_assert_no_error (error);
  g_assert_true (kith_care_plan_save (plan, f->store, "Bethan Hughes", &error));
  g_assert_no_error (error);
  return g_strdup (kith_care_plan_get_id (plan));
}

static void
test_goal_rating (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GPtrArray) observations = NULL;
  g_autofree char *goal_id = NULL;
  g_autofree char *plan_id = make_plan (f, &goal_id);
  g_autofree char *series_id = g_strdup_printf ("goal/%s", goal_id);
  g_autofree char *focus = g_strdup_printf ("CarePlan/%s#%s", plan_id, goal_id);
  KithSeries *goal;
  JsonObject *observation;

  g_assert_true (kith_progress_rate_goal (f->store, f->patient_id, plan_id, goal_id, -1,
                                          "Margaret Smith (the person)", "Bethan Hughes", &error));
  g_assert_no_error (error);
  g_usleep (1100 * 1000);
  g_assert_true (kith_progress_rate_goal (f->store, f->patient_id, plan_id, goal_id, 2,
                                          "Margaret Smith (the person)", "Bethan Hughes", &error));
  g_assert_no_error (error);

  /* Stored as FHIR: an Observation with the goal as its focus. */
  observations = kith_store_list_for_patient (f->store, "Observation", f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (observations->len, ==, 2);
  observation = observations->pdata[0];
  g_assert_cmpstr (kith_fhir_resource_code (observation), ==, "goal-attainment");
  g_assert_cmpstr (kith_fhir_get_string (json_array_get_object_element (kith_fhir_get_array (observation, "focus"), 0),
                                         "reference"), ==, focus);
  g_assert_nonnull (kith_fhir_get_string (observation, "effectiveDateTime"));

  series = kith_progress_list_series (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  goal = find_series (series, series_id);
  g_assert_nonnull (goal);
  g_assert_cmpstr (goal->title, ==, "Goal: To walk to the shop on my own");
  g_assert_cmpfloat (goal->min, ==, -2);
  g_assert_cmpfloat (goal->max, ==, 2);
  g_assert_cmpuint (goal->points->len, ==, 2);
  g_assert_cmpfloat (point_at (goal, 0)->value, ==, -1);
  g_assert_cmpstr (point_at (goal, 0)->label, ==, "Somewhat less than expected");
  g_assert_cmpfloat (point_at (goal, 1)->value, ==, 2);
  g_assert_cmpstr (point_at (goal, 1)->label, ==, "Much more than expected");
  g_assert_cmpstr (kith_progress_rating_to_string (0), ==, "As expected");
  g_assert_null (kith_progress_rating_to_string (3));
}

static void
test_goal_rating_refused (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) observations = NULL;
  g_autofree char *goal_id = NULL;
  g_autofree char *plan_id = make_plan (f, &goal_id);

  g_assert_false (kith_progress_rate_goal (f->store, f->patient_id, plan_id, goal_id, 3, "Margaret",
                                           "Bethan Hughes", &error));
  g_assert_error (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "much more than expected"));
  g_clear_error (&error);

  g_assert_false (kith_progress_rate_goal (f->store, f->patient_id, plan_id, goal_id, -3, "Margaret",
                                           "Bethan Hughes", &error));
  g_assert_error (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (kith_progress_rate_goal (f->store, f->patient_id, plan_id, "no-such-goal", 0, "Margaret",
                                           "Bethan Hughes", &error));
  g_assert_error (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "goal"));
  g_clear_error (&error);

  g_assert_false (kith_progress_rate_goal (f->store, f->patient_id, "no-such-plan", goal_id, 0, "Margaret",
                                           "Bethan Hughes", &error));
  g_assert_error (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (kith_progress_rate_goal (f->store, "someone-else", plan_id, goal_id, 0, "Margaret",
                                           "Bethan Hughes", &error));
  g_assert_error (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (kith_progress_rate_goal (f->store, f->patient_id, plan_id, goal_id, 0, "  ",
                                           "Bethan Hughes", &error));
  g_assert_error (error, KITH_PROGRESS_ERROR, KITH_PROGRESS_ERROR_INVALID);
  g_clear_error (&error);

  /* Nothing was stored by any of them. */
  observations = kith_store_list_for_patient (f->store, "Observation", f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (observations->len, ==, 0);
}

/* The shared drawing puts the points where the values are: higher values
 * higher up, later dates further right. */
static void
test_draw_positions (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (KithTrendPosition));
  KithTrendStyle style = { { 0, 0, 0, 1 }, { 0.2, 0.4, 0.8, 1 }, { 1, 1, 1, 1 }, NULL, 12, FALSE, 1 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 200);
  cairo_t *cr = cairo_create (surface);
  KithTrendPosition *p;

  add_score (f, "phq-9/total", "2026-01-10T09:30:00Z", 18, "final");
  add_score (f, "phq-9/total", "2026-03-03T10:00:00Z", 12, "final");
  add_score (f, "phq-9/total", "2026-05-20T10:00:00Z", 20, "final");
  series = kith_progress_list_series (f->store, f->patient_id, &error);
  g_assert_no_error (error);

  kith_trend_draw (cr, series->pdata[0], 300, 200, &style, positions);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpuint (positions->len, ==, 3);
  p = (KithTrendPosition *) positions->data;
  g_assert_cmpfloat (p[0].x, <, p[1].x);
  g_assert_cmpfloat (p[1].x, <, p[2].x);
  g_assert_cmpfloat (p[1].y, >, p[0].y);   /* 12 is lower down than 18 */
  g_assert_cmpfloat (p[2].y, <, p[0].y);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpfloat (p[i].x, >, 0);
      g_assert_cmpfloat (p[i].x, <, 300);
      g_assert_cmpfloat (p[i].y, >, 0);
      g_assert_cmpfloat (p[i].y, <, 200);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/progress/empty", Fixture, NULL, fixture_set_up, test_empty, fixture_tear_down);
  g_test_add ("/progress/scores", Fixture, NULL, fixture_set_up, test_scores, fixture_tear_down);
  g_test_add ("/progress/frailty", Fixture, NULL, fixture_set_up, test_frailty, fixture_tear_down);
  g_test_add ("/progress/goal-rating", Fixture, NULL, fixture_set_up, test_goal_rating, fixture_tear_down);
  g_test_add ("/progress/goal-rating-refused", Fixture, NULL, fixture_set_up, test_goal_rating_refused,
              fixture_tear_down);
  g_test_add ("/progress/draw-positions", Fixture, NULL, fixture_set_up, test_draw_positions, fixture_tear_down);

  return g_test_run ();
}
