/* test-mdt.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Running an MDT meeting through the widgets, on a real store with known
 * people: a new meeting for the team, the agenda built (a new referral, a
 * safety alert, a person at severe risk, a review due, in that order),
 * one person moved with the button and one with Alt+Up, attendance, a
 * note and an action for one person, the meeting finished; then the
 * store: the meeting finished with its attendance, the action in the
 * person's plan and in its owner's tasks, and "My tasks" showing it and
 * marking it done.
 */

#define G_LOG_DOMAIN "test-mdt"

#include "config.h"

#include "gui-test-util.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-meetings-page.h"
#include "kith-tasks-page.h"

#define TEAM            "Test locality team"
#define ME              "Bethan Hughes"
#define WAIT_TIMEOUT_MS 10000

static gboolean   have_display;
static char      *store_dir;
static KithStore *store;
static char      *ann, *dot, *fay, *gus, *hal;

/* Helpers */

static void
save_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) resource = kith_fhir_parse_resource (json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (kith_store_save_resource (store, resource, NULL, &error));
  g_assert_no_error (error);
}

static char *
known_person (const char *family,
              const char *given)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autofree char *team_id = kith_fhir_new_id ();
  g_autofree char *json = NULL;

  kith_patient_set_family (patient, family);
  kith_patient_set_given (patient, given);
  g_assert_true (kith_store_save_patient (store, patient, &error));
  g_assert_no_error (error);
  json = g_strdup_printf ("{\"resourceType\":\"CareTeam\",\"id\":\"%s\",\"status\":\"active\","
                          "\"subject\":{\"reference\":\"Patient/%s\"},\"managingOrganization\":[{\"display\":\"" TEAM "\"}]}",
                          team_id, kith_patient_get_id (patient));
  save_json (json);
  return g_strdup (kith_patient_get_id (patient));
}

static void
create_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *referral = NULL;
  g_autofree char *flag = NULL;

  store_dir = g_dir_make_tmp ("kith-test-mdt-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (store_dir, "kith.db", NULL);
  store = kith_store_open (path, &error);
  g_assert_no_error (error);

  ann = known_person ("Quill", "Ann");
  dot = known_person ("Qadir", "Dot");
  fay = known_person ("Quayle", "Fay");
  gus = known_person ("Quartz", "Gus");
  hal = known_person ("Quentin", "Hal");

  /* Ann: a referral waiting for triage */
  referral = g_strdup_printf ("{\"resourceType\":\"Task\",\"id\":\"triage-ann\",\"status\":\"requested\",\"intent\":\"order\","
                              "\"code\":{\"coding\":[{\"system\":\"" KITH_FHIR_BASE "/CodeSystem/task-type\","
                              "\"code\":\"referral-triage\"}]},\"for\":{\"reference\":\"Patient/%s\"},"
                              "\"authoredOn\":\"2026-01-20T09:00:00.000Z\"}", ann);
  save_json (referral);
  /* Dot: an open safety alert */
  flag = g_strdup_printf ("{\"resourceType\":\"Flag\",\"id\":\"alert-dot\",\"status\":\"active\","
                          "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/flag-category\","
                          "\"code\":\"safety\"}]}],\"code\":{\"text\":\"Safety alert\"},"
                          "\"subject\":{\"reference\":\"Patient/%s\"}}", dot);
  save_json (flag);
  /* Fay severe, Gus mild, by a clinician's judgement */
  g_assert_true (kith_risk_override_tier (store, fay, "severe", "Three falls this month", "Dr Test", &error));
  g_assert_true (kith_risk_override_tier (store, gus, "mild", "Managing well", "Dr Test", &error));
  g_assert_no_error (error);
  /* Hal: plan review due on the meeting day */
  {
    g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (store, hal, &error);

    g_assert_true (kith_care_plan_set_review_date (plan, "2026-02-03", &error));
    g_assert_true (kith_care_plan_save (plan, store, "Tester", &error));
    g_assert_no_error (error);
  }
}

static void
remove_store (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&store);
  if ((dir = g_dir_open (store_dir, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (store_dir, name, NULL);

        g_unlink (path);
      }
  g_rmdir (store_dir);
  g_clear_pointer (&store_dir, g_free);
  g_free (ann);
  g_free (dot);
  g_free (fay);
  g_free (gus);
  g_free (hal);
}

static guint
n_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, (int) n) != NULL)
    n++;
  return n;
}

static const char *
row_title (GtkListBox *list,
           int         index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);

  g_assert_true (ADW_IS_PREFERENCES_ROW (row));
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
}

static const char *
row_subtitle (GtkListBox *list,
              int         index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);

  g_assert_true (ADW_IS_ACTION_ROW (row));
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* The button in @widget with this icon, e.g. a row's "Move Down" */
static GtkWidget *
find_icon_button (GtkWidget  *widget,
                  const char *icon_name)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_icon_button (child, icon_name);

      if (found)
        return found;
    }
  return NULL;
}

static GtkCheckButton *
find_check (GtkWidget *widget)
{
  if (GTK_IS_CHECK_BUTTON (widget))
    return GTK_CHECK_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkCheckButton *found = find_check (child);

      if (found)
        return found;
    }
  return NULL;
}

/* As a click does it: at once (gtk_widget_activate() waits a moment). */
static void
click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_mapped (button));
  g_signal_emit_by_name (button, "clicked");
}

static GtkWidget *
find_button_labelled (GtkWidget  *widget,
                      const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_labelled (child, label);

      if (found)
        return found;
    }
  return NULL;
}

static void
on_open_person_cb (GtkWidget   *page,
                   const char  *patient_id,
                   char       **opened)
{
  g_free (*opened);
  *opened = g_strdup (patient_id);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static int
agenda_index_of (GtkListBox *agenda,
                 const char *title)
{
  for (guint i = 0; i < n_rows (agenda); i++)
    if (g_strcmp0 (row_title (agenda, (int) i), title) == 0)
      return (int) i;
  return -1;
}

/* The test */

static void
test_run_meeting (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) meeting_day = g_date_time_new_local (2026, 2, 3, 12, 0, 0);
  g_autoptr(GDateTime) due_day = g_date_time_new_local (2026, 2, 17, 12, 0, 0);
  g_autoptr(KithMeeting) saved = NULL;
  g_autoptr(GPtrArray) attendees = NULL;
  g_autoptr(GPtrArray) agenda = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autofree char *meeting_id = NULL;
  g_autofree char *action_id = NULL;
  GtkWidget *window, *page_widget, *tasks_widget;
  KithMeetingsPage *page;
  KithTasksPage *tasks_page;
  GtkListBox *agenda_list, *attendance_list;
  AdwMessageDialog *dialog;
  char *opened = NULL;
  GDate today;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
  page_widget = kith_meetings_page_new ();
  page = KITH_MEETINGS_PAGE (page_widget);
  g_object_set (page, "store", store, "my-name", ME, "my-team", TEAM, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page_widget);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (gtk_widget_get_mapped (page_widget));
  g_assert_null (kith_meetings_page_get_meeting (page));
  g_assert_cmpuint (n_rows (kith_meetings_page_get_meetings_list (page)), ==, 0);

  /* A new meeting of my team on 3 February */
  gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_ancestor (GTK_WIDGET (kith_meetings_page_get_new_calendar (page)),
                                                             GTK_TYPE_MENU_BUTTON)));
  kith_test_flush_main_context ();
  g_assert_cmpstr (gtk_editable_get_text (kith_meetings_page_get_new_team_entry (page)), ==, TEAM);
  gtk_calendar_select_day (kith_meetings_page_get_new_calendar (page), meeting_day);
  click (kith_meetings_page_get_create_button (page));
  wait_until (kith_meetings_page_get_meeting (page) != NULL);
  meeting_id = g_strdup (kith_meeting_get_id (kith_meetings_page_get_meeting (page)));
  g_assert_cmpstr (kith_meeting_get_date (kith_meetings_page_get_meeting (page)), ==, "2026-02-03");
  g_assert_cmpstr (kith_meeting_get_team (kith_meetings_page_get_meeting (page)), ==, TEAM);
  g_assert_cmpstr (kith_meeting_get_chair (kith_meetings_page_get_meeting (page)), ==, ME);
  g_assert_cmpuint (n_rows (kith_meetings_page_get_meetings_list (page)), ==, 1);

  /* The agenda: referral, alert, severe risk, review due; not the mild one */
  agenda_list = kith_meetings_page_get_agenda_list (page);
  g_assert_cmpuint (n_rows (agenda_list), ==, 0);
  click (kith_meetings_page_get_build_button (page));
  kith_test_flush_main_context ();
  g_assert_cmpuint (n_rows (agenda_list), ==, 4);
  g_assert_cmpstr (row_title (agenda_list, 0), ==, "QUILL, Ann");
  g_assert_cmpstr (row_subtitle (agenda_list, 0), ==, "New referral waiting for triage");
  g_assert_cmpstr (row_title (agenda_list, 1), ==, "QADIR, Dot");
  g_assert_cmpstr (row_subtitle (agenda_list, 1), ==, "Safety alert waiting for an action");
  g_assert_cmpstr (row_title (agenda_list, 2), ==, "QUAYLE, Fay");
  g_assert_cmpstr (row_subtitle (agenda_list, 2), ==, "High risk");
  g_assert_cmpstr (row_title (agenda_list, 3), ==, "QUENTIN, Hal");
  g_assert_cmpstr (row_subtitle (agenda_list, 3), ==, "Plan review due");
  g_assert_cmpint (agenda_index_of (agenda_list, "QUARTZ, Gus"), ==, -1);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kith_meetings_page_get_left_off_label (page))));
  /* Built again: no one twice */
  click (kith_meetings_page_get_build_button (page));
  kith_test_flush_main_context ();
  g_assert_cmpuint (n_rows (agenda_list), ==, 4);

  /* Ann down one with her button; Hal up one with Alt+Up */
  click (find_icon_button (GTK_WIDGET (gtk_list_box_get_row_at_index (agenda_list, 0)), "go-down-symbolic"));
  kith_test_flush_main_context ();
  g_assert_cmpstr (row_title (agenda_list, 0), ==, "QADIR, Dot");
  g_assert_cmpstr (row_title (agenda_list, 1), ==, "QUILL, Ann");
  g_assert_false (gtk_widget_get_sensitive (find_icon_button (GTK_WIDGET (gtk_list_box_get_row_at_index (agenda_list, 0)),
                                                              "go-up-symbolic")));
  gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (agenda_list, 3)));
  kith_test_flush_main_context ();
  g_assert_true (gtk_widget_activate_action (page_widget, "meeting.move-up", NULL));
  kith_test_flush_main_context ();
  g_assert_cmpstr (row_title (agenda_list, 2), ==, "QUENTIN, Hal");
  g_assert_cmpstr (row_title (agenda_list, 3), ==, "QUAYLE, Fay");
  /* The order is saved as it changes. */
  {
    g_autoptr(KithMeeting) stored = kith_meeting_load (store, meeting_id, &error);
    g_autoptr(KithAgendaItem) first = kith_meeting_get_item (stored, 0);

    g_assert_no_error (error);
    g_assert_cmpstr (first->patient_id, ==, dot);
  }

  /* Attendance: I chair; Sam comes; Ama sends apologies */
  attendance_list = kith_meetings_page_get_attendance_list (page);
  g_assert_cmpstr (row_title (attendance_list, 0), ==, ME);
  gtk_editable_set_text (kith_meetings_page_get_attendee_entry (page), "Sam Reid (Social worker)");
  g_signal_emit_by_name (kith_meetings_page_get_attendee_entry (page), "apply");
  gtk_editable_set_text (kith_meetings_page_get_attendee_entry (page), "Ama Owusu (District nurse)");
  g_signal_emit_by_name (kith_meetings_page_get_attendee_entry (page), "apply");
  kith_test_flush_main_context ();
  g_assert_cmpstr (gtk_editable_get_text (kith_meetings_page_get_attendee_entry (page)), ==, "");
  g_assert_cmpstr (row_title (attendance_list, 1), ==, "Sam Reid (Social worker)");
  g_assert_cmpstr (row_title (attendance_list, 2), ==, "Ama Owusu (District nurse)");
  g_assert_true (gtk_check_button_get_active (find_check (GTK_WIDGET (gtk_list_box_get_row_at_index (attendance_list, 0)))));
  g_assert_false (gtk_check_button_get_active (find_check (GTK_WIDGET (gtk_list_box_get_row_at_index (attendance_list, 1)))));
  gtk_check_button_set_active (find_check (GTK_WIDGET (gtk_list_box_get_row_at_index (attendance_list, 1))), TRUE);
  kith_test_flush_main_context ();

  /* Dot: a note and an action, through the widgets */
  g_assert_true (gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (agenda_list, 0))));
  kith_test_flush_main_context ();
  g_assert_cmpstr (gtk_editable_get_text (kith_meetings_page_get_action_owner_entry (page)), ==, ME);
  g_signal_connect (page, "open-person", G_CALLBACK (on_open_person_cb), &opened);
  click (find_button_labelled (page_widget, "_Open Record"));
  g_assert_cmpstr (opened, ==, dot);
  g_clear_pointer (&opened, g_free);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (kith_meetings_page_get_note_view (page)),
                            "Family worried about falls at night; alert raised by the district nurse.", -1);
  gtk_editable_set_text (kith_meetings_page_get_action_text_entry (page), "Ask the falls team to visit this week");
  gtk_calendar_select_day (kith_meetings_page_get_due_calendar (page), due_day);
  click (kith_meetings_page_get_add_action_button (page));
  kith_test_flush_main_context ();
  g_assert_cmpstr (gtk_editable_get_text (kith_meetings_page_get_action_text_entry (page)), ==, "");
  g_assert_cmpstr (row_title (kith_meetings_page_get_actions_list (page), 0), ==, "Ask the falls team to visit this week");
  g_assert_cmpstr (row_subtitle (kith_meetings_page_get_actions_list (page), 0), ==,
                   "Who: " ME " · By 17 February 2026");
  g_assert_nonnull (strstr (row_subtitle (agenda_list, 0), "Discussed"));
  g_assert_nonnull (strstr (row_subtitle (agenda_list, 0), "1 action agreed"));
  /* An action with no one to do it: said, not saved */
  gtk_editable_set_text (kith_meetings_page_get_action_owner_entry (page), "");
  gtk_editable_set_text (kith_meetings_page_get_action_text_entry (page), "Something");
  click (kith_meetings_page_get_add_action_button (page));
  kith_test_flush_main_context ();
  g_assert_nonnull (strstr (row_subtitle (agenda_list, 0), "1 action agreed"));

  /* Finish, after saying yes */
  click (kith_meetings_page_get_finish_button (page));
  wait_until ((dialog = find_message_dialog ()) != NULL);
  adw_message_dialog_response (dialog, "finish");
  wait_until (kith_meeting_get_status (kith_meetings_page_get_meeting (page)) == KITH_MEETING_FINISHED);
  kith_test_flush_main_context ();
  g_assert_false (gtk_widget_get_sensitive (kith_meetings_page_get_build_button (page)));
  g_assert_false (gtk_widget_get_sensitive (kith_meetings_page_get_finish_button (page)));
  g_assert_true (gtk_widget_get_sensitive (kith_meetings_page_get_export_button (page)));
  g_assert_null (find_icon_button (GTK_WIDGET (agenda_list), "go-down-symbolic"));
  /* Its record, as "Export PDF…" writes it once a file is chosen */
  {
    g_autofree char *pdf = g_build_filename (store_dir, "meeting.pdf", NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (kith_meetings_page_export_pdf (page, pdf, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf, &contents, &length, &error));
    g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  }

  /* The store: the meeting finished, with who came and what was said */
  saved = kith_meeting_load (store, meeting_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kith_meeting_get_status (saved), ==, KITH_MEETING_FINISHED);
  attendees = kith_meeting_list_attendees (saved);
  g_assert_cmpuint (attendees->len, ==, 3);
  g_assert_true (((KithAttendee *) attendees->pdata[0])->chair);
  g_assert_true (((KithAttendee *) attendees->pdata[0])->attended);
  g_assert_true (((KithAttendee *) attendees->pdata[1])->attended);
  g_assert_false (((KithAttendee *) attendees->pdata[2])->attended);
  agenda = kith_meeting_list_agenda (saved);
  g_assert_cmpuint (agenda->len, ==, 4);
  {
    KithAgendaItem *first = agenda->pdata[0];
    static const char *order[4];

    order[0] = dot, order[1] = ann, order[2] = hal, order[3] = fay;
    for (guint i = 0; i < 4; i++)
      g_assert_cmpstr (((KithAgendaItem *) agenda->pdata[i])->patient_id, ==, order[i]);
    g_assert_cmpstr (first->note, ==, "Family worried about falls at night; alert raised by the district nurse.");
    g_assert_true (first->discussed);
    g_assert_cmpuint (g_strv_length (first->actions), ==, 1);
    action_id = g_strdup (strchr (first->actions[0], '#') + 1);
  }

  /* The action in Dot's plan (a new draft: she had none) … */
  plan = kith_care_plan_load_current (store, dot, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  actions = kith_care_plan_list_actions (plan);
  g_assert_cmpuint (actions->len, ==, 1);
  g_assert_cmpstr (((KithAction *) actions->pdata[0])->id, ==, action_id);
  g_assert_cmpstr (((KithAction *) actions->pdata[0])->owner, ==, ME);
  g_assert_cmpstr (((KithAction *) actions->pdata[0])->due, ==, "2026-02-17");
  /* … and in my tasks */
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 10, G_DATE_FEBRUARY, 2026);
  tasks = kith_store_list_tasks (store, ME, &today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpstr (((KithTask *) tasks->pdata[0])->action_id, ==, action_id);
  g_assert_cmpstr (((KithTask *) tasks->pdata[0])->meeting_id, ==, meeting_id);

  /* "My tasks" shows it and marks it done in the plan */
  tasks_widget = kith_tasks_page_new ();
  tasks_page = KITH_TASKS_PAGE (tasks_widget);
  gtk_window_set_child (GTK_WINDOW (window), tasks_widget);
  g_assert_cmpstr (kith_tasks_page_get_state (tasks_page), ==, "no-name");
  g_object_set (tasks_page, "store", store, "my-name", ME, NULL);
  kith_test_flush_main_context ();
  g_assert_cmpstr (kith_tasks_page_get_state (tasks_page), ==, "tasks");
  g_assert_cmpuint (g_list_model_get_n_items (kith_tasks_page_get_model (tasks_page)), ==, 1);
  {
    g_autoptr(KithTaskItem) item = g_list_model_get_item (kith_tasks_page_get_model (tasks_page), 0);

    g_assert_cmpstr (kith_task_item_get_title (item), ==, "Ask the falls team to visit this week");
    g_assert_nonnull (strstr (kith_task_item_get_details (item), "QADIR, Dot"));
    g_assert_nonnull (strstr (kith_task_item_get_details (item), "Due 17 Feb 2026"));
    g_assert_nonnull (strstr (kith_task_item_get_details (item), "from the MDT of 3 Feb"));
  }
  g_signal_connect (tasks_page, "open-person", G_CALLBACK (on_open_person_cb), &opened);
  gtk_widget_activate_action (kith_tasks_page_get_list_view (tasks_page), "list.activate-item", "u", 0);
  kith_test_flush_main_context ();
  g_assert_cmpstr (opened, ==, dot);
  /* Ticked in the list */
  {
    GtkCheckButton *check;

    wait_until ((check = find_check (kith_tasks_page_get_list_view (tasks_page))) != NULL);
    gtk_check_button_set_active (check, TRUE);
  }
  wait_until (g_list_model_get_n_items (kith_tasks_page_get_model (tasks_page)) == 0);
  g_assert_cmpstr (kith_tasks_page_get_state (tasks_page), ==, "empty");
  g_clear_object (&plan);
  g_clear_pointer (&actions, g_ptr_array_unref);
  plan = kith_care_plan_load_current (store, dot, &error);
  actions = kith_care_plan_list_actions (plan);
  g_assert_cmpint (((KithAction *) actions->pdata[0])->status, ==, KITH_ACTION_DONE);
  g_assert_cmpstr (kith_care_plan_get_last_edited_by (plan), ==, ME);

  gtk_window_destroy (GTK_WINDOW (window));
  kith_test_flush_main_context ();
  g_free (opened);
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
      adw_init ();
      create_store ();
    }

  g_test_add_func ("/kith/mdt/run-meeting", test_run_meeting);

  ret = g_test_run ();
  if (have_display)
    remove_store ();
  return ret;
}
