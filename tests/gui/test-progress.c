/* test-progress.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "A new user reads a person's PHQ-9 trend": the progress view on a real
 * store shows a PHQ-9 chart for a person with three scores; moving along
 * its points with the keyboard says each date and value in words; a
 * person with nothing recorded sees the empty state; rating a goal with
 * the dialog stores it and adds the goal's chart; the shared-screen
 * window holds the same charts, large.
 *
 * KITH_PROGRESS_SCREENSHOT=file.png saves the view as it is drawn.
 */

#define G_LOG_DOMAIN "test-progress"

#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "gui-test-util.h"
#include "kith-goal-rating-dialog.h"
#include "kith-progress-view.h"
#include "kith-trend-chart.h"

#define WAIT_TIMEOUT_MS 10000

static gboolean   have_display;
static char      *store_dir;
static KithStore *store;

static char *
new_person (const char *family)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();

  kith_patient_set_family (patient, family);
  kith_patient_set_given (patient, "Test");
  g_assert_true (kith_store_save_patient (store, patient, &error));
  g_assert_no_error (error);
  return g_strdup (kith_patient_get_id (patient));
}

static void
add_phq9 (const char *patient_id,
          const char *when,
          int         value)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = kith_fhir_new_id ();
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Observation\",\"id\":\"%s\",\"status\":\"final\","
    "\"code\":{\"coding\":[{\"system\":\"https://kith.example/fhir/CodeSystem/score\",\"code\":\"phq-9/total\"}]},"
    "\"subject\":{\"reference\":\"Patient/%s\"},\"effectiveDateTime\":\"%s\",\"valueInteger\":%d}",
    id, patient_id, when, value);
  g_autoptr(JsonObject) observation = kith_fhir_parse_resource (json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (kith_store_save_resource (store, observation, NULL, &error));
  g_assert_no_error (error);
}

static void
add_plan (const char *patient_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (store, patient_id, &error);
  KithGoal goal = { NULL, (char *) "To walk to the shop on my own", (char *) "the person",
                    (char *) "She tells us at review", NULL, FALSE };
  g_autofree char *goal_id = NULL;

  g_assert_no_error (error);
  goal_id = kith_care_plan_add_goal (plan, &goal, &error);
  g_assert_no_error (error);
  g_assert_true (kith_care_plan_save (plan, store, "Bethan Hughes", &error));
  g_assert_no_error (error);
}

/* Presses a key as the chart's own key controller sees it. */
static void
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  g_assert_true (handled);
}

static void
on_drawn_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
test_phq9_trend (void)
{
  g_autofree char *patient_id = NULL;
  g_autoptr(GPtrArray) charts = NULL;
  GtkWidget *window, *view_widget, *scrolled;
  KithProgressView *view;
  GtkWidget *chart;
  const char *shot;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  patient_id = new_person ("Trend");
  add_phq9 (patient_id, "2026-03-03T10:00:00Z", 12);
  add_phq9 (patient_id, "2026-01-10T09:30:00Z", 18);
  add_phq9 (patient_id, "2026-05-20T11:00:00Z", 6);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 600);
  view_widget = kith_progress_view_new (store, patient_id);
  view = KITH_PROGRESS_VIEW (view_widget);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view_widget);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_cmpstr (kith_progress_view_get_state (view), ==, "charts");
  charts = kith_progress_view_list_charts (view);
  g_assert_cmpuint (charts->len, ==, 1);
  chart = charts->pdata[0];
  wait_until (gtk_widget_get_mapped (chart) && gtk_widget_get_width (chart) > 0);

  /* Before anything is chosen, the newest score is said. */
  g_assert_cmpstr (kith_trend_chart_get_value_text (KITH_TREND_CHART (chart)), ==,
                   "Latest: PHQ-9 6 on 20 May 2026 (Mild)");

  /* The keyboard walks the points, oldest to newest. */
  g_assert_true (gtk_widget_get_focusable (chart));
  gtk_widget_grab_focus (chart);
  g_assert_true (gtk_widget_has_focus (chart));
  press_key (chart, GDK_KEY_Left);
  g_assert_cmpint (kith_trend_chart_get_selected (KITH_TREND_CHART (chart)), ==, 2);
  press_key (chart, GDK_KEY_Left);
  g_assert_cmpstr (kith_trend_chart_get_value_text (KITH_TREND_CHART (chart)), ==,
                   "PHQ-9 12 on 3 March 2026 (Moderate)");
  press_key (chart, GDK_KEY_Left);
  g_assert_cmpstr (kith_trend_chart_get_value_text (KITH_TREND_CHART (chart)), ==,
                   "PHQ-9 18 on 10 January 2026 (Moderately severe)");
  /* Not past the first */
  press_key (chart, GDK_KEY_Left);
  g_assert_cmpint (kith_trend_chart_get_selected (KITH_TREND_CHART (chart)), ==, 0);
  press_key (chart, GDK_KEY_Right);
  g_assert_cmpint (kith_trend_chart_get_selected (KITH_TREND_CHART (chart)), ==, 1);
  press_key (chart, GDK_KEY_End);
  g_assert_cmpstr (kith_trend_chart_get_value_text (KITH_TREND_CHART (chart)), ==,
                   "PHQ-9 6 on 20 May 2026 (Mild)");

  /* It shrinks to 300 pixels wide. */
  {
    int minimum = 0;

    gtk_widget_measure (chart, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
    g_assert_cmpint (minimum, <=, 300);
  }

  /* No rated goals, no plan: nothing to rate. */
  g_assert_null (kith_progress_view_rate_goals (view));

  /* The shared screen: the same charts, large. */
  {
    GtkWidget *person_window = kith_progress_view_show_to_person (view);

    g_assert_nonnull (person_window);
    g_assert_true (GTK_IS_WINDOW (person_window));
    gtk_window_destroy (GTK_WINDOW (person_window));
  }

  wait_until (gtk_widget_get_width (chart) > 0);
  shot = g_getenv ("KITH_PROGRESS_SCREENSHOT");
  if (shot)
    {
      gboolean drawn = FALSE;

      g_timeout_add_once (500, on_drawn_cb, &drawn);
      wait_until (drawn);
      save_screenshot (view_widget, shot);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_empty (void)
{
  g_autofree char *patient_id = NULL;
  GtkWidget *view;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  patient_id = new_person ("Empty");
  view = g_object_ref_sink (kith_progress_view_new (store, patient_id));
  g_assert_cmpstr (kith_progress_view_get_state (KITH_PROGRESS_VIEW (view)), ==, "empty");
  g_assert_null (kith_progress_view_show_to_person (KITH_PROGRESS_VIEW (view)));
  g_object_unref (view);
}

static void
test_rate_goal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *patient_id = NULL;
  g_autoptr(GPtrArray) charts = NULL;
  g_autoptr(GPtrArray) observations = NULL;
  GtkWidget *window, *view_widget, *dialog;
  KithGoalRatingDialog *rating;
  KithProgressView *view;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  patient_id = new_person ("Goals");
  add_plan (patient_id);

  window = gtk_window_new ();
  view_widget = kith_progress_view_new (store, patient_id);
  view = KITH_PROGRESS_VIEW (view_widget);
  gtk_window_set_child (GTK_WINDOW (window), view_widget);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (kith_progress_view_get_state (view), ==, "empty");

  dialog = kith_progress_view_rate_goals (view);
  g_assert_nonnull (dialog);
  rating = KITH_GOAL_RATING_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  /* Nothing rated yet: nothing to save. */
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save"));
  gtk_editable_set_text (kith_goal_rating_dialog_get_who (rating), "Bethan Hughes");
  gtk_editable_set_text (kith_goal_rating_dialog_get_agreed_with (rating), "Test Goals (the person)");
  /* "Somewhat more than expected": +1 */
  adw_combo_row_set_selected (kith_goal_rating_dialog_get_goal_row (rating, 0), 4);
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (
                     kith_goal_rating_dialog_get_goal_row (rating, 0))), ==, "Somewhat more than expected");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "save");

  observations = kith_store_list_for_patient (store, "Observation", patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (observations->len, ==, 1);
  g_assert_cmpint (json_object_get_int_member (observations->pdata[0], "valueInteger"), ==, 1);

  /* The view read the rating back: the goal now has its chart. */
  g_assert_cmpstr (kith_progress_view_get_state (view), ==, "charts");
  charts = kith_progress_view_list_charts (view);
  g_assert_cmpuint (charts->len, ==, 1);
  g_assert_nonnull (strstr (kith_trend_chart_get_value_text (charts->pdata[0]), "Somewhat more than expected"));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (kith_test_log_writer, NULL, NULL);

  if ((have_display = gtk_init_check ()))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;

      adw_init ();
      store_dir = g_dir_make_tmp ("kith-gui-progress-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (store_dir, "kith.db", NULL);
      store = kith_store_open (path, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/kith/progress/phq9-trend", test_phq9_trend);
  g_test_add_func ("/kith/progress/empty", test_empty);
  g_test_add_func ("/kith/progress/rate-goal", test_rate_goal);

  ret = g_test_run ();
  if (have_display)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", store_dir);

      g_clear_object (&store);
      if (system (cmd) != 0)
        g_warning ("Could not remove the test store");
      g_free (store_dir);
    }
  return ret;
}
