/* kith-screenshot-helper.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real Kith application (any kith options, such as --profile),
 * then puts the window into a state worth a screenshot:
 *
 *   KITH_SCREENSHOT_SIZE=1366x768   window size
 *   KITH_SCREENSHOT_SEARCH=text     typed into the search box
 *   KITH_SCREENSHOT_SELECT=N        row N activated (as by Enter): its record open;
 *                                   "assessed" for the first person with a completed
 *                                   assessment and a carer
 *   KITH_SCREENSHOT_ASSESSMENT=page the assessment started (or resumed), some
 *                                   answers given, and this page shown: a domain
 *                                   ("emotional") or "summary"
 *   KITH_SCREENSHOT_ALERT=1         with PHQ-9 question 9 answered above 0
 *   KITH_SCREENSHOT_ALERT_DIALOG=1  and "Record action…" open on that alert
 *   KITH_SCREENSHOT_TEXT_SCALE=2    text twice as large (as the accessibility setting)
 *   KITH_SCREENSHOT_MY_NAME=name    the professional's name ("my-name")
 *   KITH_SCREENSHOT_FILTERS=list    caseload filters on, comma-separated: mine, review,
 *                                   actions, alerts, team, discharged, ward, and tiers
 *                                   (fit, mild, moderate, severe)
 *   KITH_SCREENSHOT_MY_TEAM=team    the professional's team ("my-team")
 *   KITH_SCREENSHOT_PAGE=page       a co-ordinator's page shown instead of "people":
 *                                   today, referrals, tasks, meetings or ward
 *   KITH_SCREENSHOT_MEETING=1       (with PAGE=meetings) a meeting of my team today,
 *                                   with attendees and its agenda built, shown
 *   KITH_SCREENSHOT_SELECT=frail    (as SELECT) the first person with a moderate frailty
 *                                   index, with a clinician's tier and an imported score
 *                                   recorded; their "Frailty and risk" on screen
 *
 * and prints "ready" once that has been drawn. See take-screenshots.sh.
 */

#define G_LOG_DOMAIN "kith-screenshot-helper"

#include "config.h"

#include <stdio.h>

#include "kith-application.h"
#include "kith-meetings-page.h"
#include "kith-window-private.h"

static gboolean
on_ready_timeout_cb (gpointer user_data)
{
  g_print ("ready\n");
  fflush (stdout);
  return G_SOURCE_REMOVE;
}

static void
answer_code (KithAssessment *assessment,
             const char     *instrument_id,
             const char     *link_id,
             const char     *code)
{
  g_autoptr(GError) error = NULL;
  KithAnswer answer = { KITH_ANSWER_CODE };

  answer.code = (char *) code;
  if (!kith_assessment_set_answer (assessment, instrument_id, link_id, &answer, &error))
    g_warning ("%s:%s: %s", instrument_id, link_id, error->message);
}

static void
answer_integer (KithAssessment *assessment,
                const char     *instrument_id,
                const char     *link_id,
                KithAnswerKind  kind,
                int             value)
{
  g_autoptr(GError) error = NULL;
  KithAnswer answer = { kind };

  answer.integer = value;
  if (!kith_assessment_set_answer (assessment, instrument_id, link_id, &answer, &error))
    g_warning ("%s:%s: %s", instrument_id, link_id, error->message);
}

/* Some answers, as partway through a visit: a positive PHQ-2 taken on to
 * a moderate PHQ-9, pain, a few daily-living outcomes. */
static void
give_some_answers (KithAssessment *assessment)
{
  static const char * const phq9[] = { "LA6569-3", "LA6570-1", "LA6569-3", "LA6570-1", "LA6569-3", "LA6568-5" };
  g_autoptr(GError) error = NULL;

  answer_code (assessment, "phq-2", "phq2-1", "LA6570-1");
  answer_code (assessment, "phq-2", "phq2-2", "LA6570-1");
  if (!kith_assessment_include (assessment, "phq-9", &error))
    g_warning ("PHQ-9: %s", error->message);
  for (guint i = 0; i < G_N_ELEMENTS (phq9); i++)
    {
      g_autofree char *link_id = g_strdup_printf ("phq9-%u", i + 3);

      answer_code (assessment, "phq-9", link_id, phq9[i]);
    }
  answer_code (assessment, "phq-9", "phq9-9",
               g_strcmp0 (g_getenv ("KITH_SCREENSHOT_ALERT"), "1") == 0 ? "LA6569-3" : "LA6568-5");
  answer_code (assessment, "gad-2", "gad2-1", "LA6569-3");
  answer_integer (assessment, "concerns", "sleep", KITH_ANSWER_BOOLEAN, 1);
  answer_integer (assessment, "concerns", "worry", KITH_ANSWER_BOOLEAN, 1);

  answer_integer (assessment, "pain", "pain-now", KITH_ANSWER_INTEGER, 4);
  answer_integer (assessment, "health", "sleep", KITH_ANSWER_BOOLEAN, 1);

  answer_code (assessment, "care-act-outcomes", "nutrition", "achieves");
  answer_code (assessment, "care-act-outcomes", "hygiene", "needs-help");
  answer_code (assessment, "care-act-outcomes", "toilet", "achieves");
  answer_integer (assessment, "practical", "adaptations-needed", KITH_ANSWER_BOOLEAN, 1);
  answer_integer (assessment, "carer", "has-carer", KITH_ANSWER_BOOLEAN, 1);
}

static gboolean
on_show_assessment_timeout_cb (gpointer user_data)
{
  KithWindow *window = user_data;
  KithAssessmentView *view = kith_window_get_assessment_view (window);
  const char *page = g_getenv ("KITH_SCREENSHOT_ASSESSMENT");
  KithAssessment *assessment = kith_assessment_view_get_assessment (view);

  if (assessment == NULL)
    g_warning ("No assessment opened");
  else
    {
      give_some_answers (assessment);
      kith_assessment_view_show_page (view, page);
      if (g_strcmp0 (g_getenv ("KITH_SCREENSHOT_ALERT_DIALOG"), "1") == 0 &&
          kith_alert_box_get_n_alerts (kith_assessment_view_get_alert_box (view)) > 0)
        kith_alert_box_record_action (kith_assessment_view_get_alert_box (view), 0);
    }

  g_timeout_add (1500, on_ready_timeout_cb, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_open_assessment_timeout_cb (gpointer user_data)
{
  KithWindow *window = user_data;
  GtkWidget *button = kith_record_page_get_assessment_button (kith_window_get_record_page (window));

  gtk_widget_activate (button);
  g_timeout_add (500, on_show_assessment_timeout_cb, window);
  return G_SOURCE_REMOVE;
}

/* The first person with a completed assessment and a carer: the record
 * and the assessment then show "tell it once" at work. */
static guint
find_assessed_position (KithWindow *window)
{
  GListModel *caseload = G_LIST_MODEL (kith_window_get_caseload (window));
  KithStore *store = kith_application_get_store (KITH_APPLICATION (g_application_get_default ()));

  for (guint i = 0; i < g_list_model_get_n_items (caseload) && i < 500; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (caseload, i);
      const char *id = kith_caseload_entry_get_id (entry);
      g_autoptr(GPtrArray) responses = kith_store_list_for_patient (store, "QuestionnaireResponse", id, NULL);
      g_autoptr(GPtrArray) carers = kith_store_list_for_patient (store, "RelatedPerson", id, NULL);
      gboolean completed = FALSE;

      for (guint r = 0; responses != NULL && r < responses->len; r++)
        completed |= g_strcmp0 (kith_fhir_get_string (responses->pdata[r], "questionnaire"),
                                KITH_HOLISTIC_ASSESSMENT_URL) == 0 &&
                     g_strcmp0 (kith_fhir_get_string (responses->pdata[r], "status"), "completed") == 0;
      if (completed && carers != NULL && carers->len > 0)
        return i;
    }

  return 0;
}

static void
apply_filters (KithWindow *window,
               const char *list)
{
  KithCaseloadFilters *filters = kith_window_get_caseload_filters (window);
  g_auto(GStrv) names = g_strsplit (list, ",", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "mine"))
        gtk_toggle_button_set_active (kith_caseload_filters_get_toggle (filters, KITH_CASELOAD_FILTER_MINE), TRUE);
      else if (g_str_equal (names[i], "review"))
        gtk_toggle_button_set_active (kith_caseload_filters_get_toggle (filters, KITH_CASELOAD_FILTER_REVIEW_OVERDUE), TRUE);
      else if (g_str_equal (names[i], "actions"))
        gtk_toggle_button_set_active (kith_caseload_filters_get_toggle (filters, KITH_CASELOAD_FILTER_ACTION_OVERDUE), TRUE);
      else if (g_str_equal (names[i], "alerts"))
        gtk_toggle_button_set_active (kith_caseload_filters_get_toggle (filters, KITH_CASELOAD_FILTER_ALERT_OPEN), TRUE);
      else if (g_str_equal (names[i], "team"))
        gtk_toggle_button_set_active (kith_caseload_filters_get_toggle (filters, KITH_CASELOAD_FILTER_TEAM), TRUE);
      else if (g_str_equal (names[i], "discharged"))
        gtk_toggle_button_set_active (kith_caseload_filters_get_toggle (filters, KITH_CASELOAD_FILTER_DISCHARGED), TRUE);
      else if (g_str_equal (names[i], "ward"))
        gtk_toggle_button_set_active (kith_caseload_filters_get_toggle (filters, KITH_CASELOAD_FILTER_VIRTUAL_WARD), TRUE);
      else
        for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
          if (g_str_equal (names[i], kith_frailty_band_id (band)))
            gtk_check_button_set_active (kith_caseload_filters_get_tier_check (filters, band), TRUE);
    }
}

/* The first person whose frailty index is moderate, given a clinician's
 * tier and an imported score, as a co-ordinator would have */
static guint
find_frail_position (KithWindow *window)
{
  GListModel *caseload = G_LIST_MODEL (kith_window_get_caseload (window));
  KithStore *store = kith_application_get_store (KITH_APPLICATION (g_application_get_default ()));

  for (guint i = 0; i < g_list_model_get_n_items (caseload) && i < 500; i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (caseload, i);
      const char *id = kith_caseload_entry_get_id (entry);
      g_autoptr(GError) error = NULL;

      if (g_strcmp0 (kith_caseload_entry_get_risk_tier (entry), "moderate") != 0)
        continue;
      if (!kith_risk_import_score (store, id, "Practice risk stratification", "3.2", "0.41",
                                   "Tunde Afolabi (Care co-ordinator)", &error) ||
          !kith_risk_override_tier (store, id, "severe", "Two falls this month, and now lives alone",
                                    "Dr Priya Shah (GP)", &error))
        g_warning ("%s", error->message);
      kith_caseload_reload (KITH_CASELOAD (caseload));
      return i;
    }
  return 0;
}

/* The group at the top of the record, as after scrolling down to it */
static gboolean
on_scroll_to_frailty_timeout_cb (gpointer user_data)
{
  KithWindow *window = user_data;
  GtkWidget *group = GTK_WIDGET (kith_record_page_get_frailty_group (kith_window_get_record_page (window)));
  GtkWidget *scrolled = gtk_widget_get_ancestor (group, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t point;

  if (gtk_widget_compute_point (group, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                &GRAPHENE_POINT_INIT (0, 0), &point))
    gtk_adjustment_set_value (adjustment, point.y - 12);

  g_timeout_add (1500, on_ready_timeout_cb, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_show_frailty_timeout_cb (gpointer user_data)
{
  KithWindow *window = user_data;
  KithRecordPage *record_page = kith_window_get_record_page (window);
  AdwExpanderRow *deficits = kith_record_page_get_deficits_row (record_page);

  adw_expander_row_set_expanded (deficits, TRUE);
  adw_expander_row_set_expanded (kith_record_page_get_risk_history_row (record_page), TRUE);
  /* As after Tab: the focus ring shows, and the group scrolls into view */
  gtk_window_set_focus_visible (GTK_WINDOW (window), TRUE);
  gtk_widget_child_focus (GTK_WIDGET (deficits), GTK_DIR_TAB_FORWARD);

  g_timeout_add (500, on_scroll_to_frailty_timeout_cb, window);
  return G_SOURCE_REMOVE;
}

/* A meeting of the professional's team today, its agenda built */
static void
make_meeting (KithWindow *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(KithMeeting) meeting = NULL;
  KithStore *store = NULL;
  GtkWidget *page = kith_window_get_work_page (window, "meetings");
  KithAgendaRules rules;
  static const char * const attendees[] = {
    "Adaeze Okonjo 2 (Community matron)", "Dr Asha Rao (GP)", "Ciaran Brennan (Social worker)",
    "Nadia Rahman (Care co-ordinator)",
  };

  g_object_get (page, "store", &store, NULL);
  meeting = kith_meeting_new (today, g_getenv ("KITH_SCREENSHOT_MY_TEAM"), &error);
  for (guint i = 0; meeting && i < G_N_ELEMENTS (attendees); i++)
    {
      kith_meeting_add_attendee (meeting, attendees[i], NULL);
      kith_meeting_set_attended (meeting, attendees[i], i != 2, NULL);
    }
  kith_agenda_rules_init (&rules);
  rules.max_per_reason = 5;
  if (meeting == NULL || !kith_meeting_build_agenda (meeting, store, &rules, &error) ||
      !kith_meeting_save (meeting, store, &error))
    g_warning ("No meeting for the screenshot: %s", error->message);
  else
    {
      kith_meetings_page_reload (KITH_MEETINGS_PAGE (page));
      kith_meetings_page_show_meeting (KITH_MEETINGS_PAGE (page), kith_meeting_get_id (meeting));
    }
  g_object_unref (store);
}

static gboolean
on_select_timeout_cb (gpointer user_data)
{
  KithWindow *window = user_data;
  const char *select = g_getenv ("KITH_SCREENSHOT_SELECT");
  const char *search = g_getenv ("KITH_SCREENSHOT_SEARCH");
  const char *assessment = g_getenv ("KITH_SCREENSHOT_ASSESSMENT");
  const char *filters = g_getenv ("KITH_SCREENSHOT_FILTERS");
  const char *page = g_getenv ("KITH_SCREENSHOT_PAGE");

  if (filters != NULL && *filters != '\0')
    apply_filters (window, filters);
  if (page != NULL && *page != '\0')
    kith_window_show_work_page (window, page);
  if (g_strcmp0 (g_getenv ("KITH_SCREENSHOT_MEETING"), "1") == 0)
    make_meeting (window);

  if (search != NULL)
    gtk_editable_set_text (GTK_EDITABLE (kith_window_get_search_entry (window)), search);

  if (select != NULL && *select != '\0')
    {
      GtkColumnView *column_view = kith_window_get_column_view (window);
      guint position = g_strcmp0 (select, "assessed") == 0 ? find_assessed_position (window)
                       : g_strcmp0 (select, "frail") == 0 ? find_frail_position (window)
                       : (guint) g_ascii_strtoull (select, NULL, 10);

      gtk_widget_grab_focus (GTK_WIDGET (column_view));
      g_signal_emit_by_name (column_view, "activate", position);
    }

  if (assessment != NULL && *assessment != '\0')
    {
      g_timeout_add (500, on_open_assessment_timeout_cb, window);
      return G_SOURCE_REMOVE;
    }
  if (g_strcmp0 (select, "frail") == 0)
    {
      g_timeout_add (500, on_show_frailty_timeout_cb, window);
      return G_SOURCE_REMOVE;
    }

  /* Let the search delay, layout and any transition finish. */
  g_timeout_add (1500, on_ready_timeout_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_application_activate_cb (GtkApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (application);

  if (KITH_IS_WINDOW (window))
    g_timeout_add (500, on_select_timeout_cb, window);
}

static void
on_application_startup_cb (GtkApplication *application)
{
  const char *scale = g_getenv ("KITH_SCREENSHOT_TEXT_SCALE");
  double factor;

  /* As the "Large text" accessibility setting does, but any factor */
  if (scale != NULL && (factor = g_ascii_strtod (scale, NULL)) > 0)
    g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", (int) (96 * 1024 * factor), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KithApplication) application = NULL;
  g_autoptr(GSettings) settings = NULL;
  const char *size = g_getenv ("KITH_SCREENSHOT_SIZE");
  const char *my_name = g_getenv ("KITH_SCREENSHOT_MY_NAME");
  const char *my_team = g_getenv ("KITH_SCREENSHOT_MY_TEAM");
  int width, height;

  if (size != NULL && sscanf (size, "%dx%d", &width, &height) == 2 &&
      (settings = kith_settings_new ()) != NULL)
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
  if (my_name != NULL && (settings != NULL || (settings = kith_settings_new ()) != NULL))
    g_settings_set_string (settings, "my-name", my_name);
  if (my_team != NULL && (settings != NULL || (settings = kith_settings_new ()) != NULL))
    g_settings_set_string (settings, "my-team", my_team);

  application = kith_application_new ();
  g_signal_connect_after (application, "startup", G_CALLBACK (on_application_startup_cb), NULL);
  g_signal_connect_after (application, "activate", G_CALLBACK (on_application_activate_cb), NULL);

  return g_application_run (G_APPLICATION (application), argc, argv);
}
