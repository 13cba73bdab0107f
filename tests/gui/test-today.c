/* test-today.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The co-ordinator's day, on a real store under a display: a visit planned
 * for today shows as a card with the person and their address; logged
 * through the contact dialog (a refusal first, with the notes kept), the
 * same Encounter is finished and the card goes. And the virtual ward
 * shows its places and who is on it.
 */

#define G_LOG_DOMAIN "test-today"

#include "config.h"

#include "gui-test-util.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-contact-dialog.h"
#include "kith-today-page.h"
#include "kith-ward-page.h"

#define MY_NAME         "Bethan Hughes"
#define ADDRESS         "12 Mill Lane\nLeeds\nLS6 2AB"
#define WAIT_TIMEOUT_MS 10000

typedef struct
{
  char      *dir;
  KithStore *store;
  char      *patient_id;
  GtkWindow *window;
} Fixture;

static gboolean have_display;

/* Helpers */

/* A label on screen under @widget showing exactly @text */
static GtkWidget *
find_mapped_label (GtkWidget  *widget,
                   const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_mapped_label (child, text);

      if (found)
        return found;
    }
  return NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autofree char *path = NULL;

  if (!have_display)
    return;
  f->dir = g_dir_make_tmp ("kith-test-today-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  kith_patient_set_given (patient, "Margaret");
  kith_patient_set_family (patient, "Smith");
  kith_patient_set_address (patient, ADDRESS);
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (kith_patient_get_id (patient));

  /* A plan with a crisis section and an action, for the card */
  {
    g_autoptr(KithCarePlan) plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
    KithAction action = { NULL, (char *) "Fit a grab rail by the back door", KITH_OWNER_PROFESSIONAL,
                          (char *) MY_NAME, NULL, KITH_ACTION_NOT_STARTED, NULL };
    g_autofree char *action_id = NULL;

    g_assert_no_error (error);
    action_id = kith_care_plan_add_action (plan, &action, &error);
    g_assert_no_error (error);
    kith_care_plan_set_warning_signs (plan, "Not eating, more confused than usual");
    g_assert_true (kith_care_plan_save (plan, f->store, MY_NAME, &error));
    g_assert_no_error (error);
  }

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 900, 700);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GList) toplevels = NULL;
  g_autofree char *cmd = NULL;

  if (!have_display)
    return;
  /* The page's own message windows ("Visit logged") go too. */
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  kith_test_flush_main_context ();
  g_clear_object (&f->store);
  cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->patient_id);
}

static char *
iso_today_at (int hour,
              int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) at = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                   g_date_time_get_day_of_month (now), hour, minute, 0);

  return g_date_time_format_iso8601 (at);
}

static char *
notes_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

#define SKIP_WITHOUT_DISPLAY()                                \
  G_STMT_START {                                              \
    if (!have_display)                                        \
      {                                                       \
        g_test_skip ("No display: run under xvfb-run");       \
        return;                                               \
      }                                                       \
  } G_STMT_END

/* Tests */

static void
test_today_log_visit (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithContactEntry) planned = g_new0 (KithContactEntry, 1);
  g_autoptr(KithContactEntry) logged = NULL;
  g_autofree char *visit_id = NULL;
  KithTodayPage *page;
  KithContactDialog *dialog;
  GtkWidget *log_button;

  SKIP_WITHOUT_DISPLAY ();

  planned->patient_id = g_strdup (f->patient_id);
  planned->kind = KITH_CONTACT_HOME_VISIT;
  planned->when = iso_today_at (0, 5);
  planned->participants = kith_contact_split_participants (MY_NAME " (Care co-ordinator)");
  visit_id = kith_contact_plan_visit (f->store, planned, &error);
  g_assert_no_error (error);

  page = KITH_TODAY_PAGE (kith_today_page_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (page));
  g_object_set (page, "store", f->store, "my-name", MY_NAME, NULL);
  gtk_window_present (f->window);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (page)));
  kith_test_flush_main_context ();

  /* The card: the time, the person, the address, the crisis plan, what is to do */
  g_assert_cmpuint (kith_today_page_get_n_visits (page), ==, 1);
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (page), "00:05"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (page), "SMITH, Margaret"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (page), ADDRESS));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (page), "Not eating, more confused than usual"));
  g_assert_nonnull (find_mapped_label (GTK_WIDGET (page), "• Fit a grab rail by the back door — " MY_NAME));

  /* Log Visit opens the contact dialog, prefilled as the home visit */
  log_button = kith_today_page_get_log_button (page, visit_id);
  g_assert_nonnull (log_button);
  g_assert_true (gtk_widget_get_mapped (log_button));
  gtk_widget_activate (log_button);
  wait_until (kith_today_page_get_dialog (page) != NULL &&
              gtk_widget_get_mapped (kith_today_page_get_dialog (page)));
  dialog = KITH_CONTACT_DIALOG (kith_today_page_get_dialog (page));
  g_assert_cmpuint (adw_combo_row_get_selected (kith_contact_dialog_get_kind_row (dialog)), ==,
                    KITH_CONTACT_HOME_VISIT);
  g_assert_cmpstr (gtk_editable_get_text (kith_contact_dialog_get_who (dialog)), ==,
                   MY_NAME " (Care co-ordinator)");
  g_assert_cmpstr (gtk_editable_get_text (kith_contact_dialog_get_time (dialog)), ==, "00:05");
  g_assert_true (gtk_widget_get_sensitive (kith_contact_dialog_get_save_button (dialog)));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (kith_contact_dialog_get_notes (dialog)),
                            "Walked to the gate with the frame. Daniel was there.", -1);
  gtk_editable_set_text (kith_contact_dialog_get_who (dialog), MY_NAME ", Daniel Smith (son)");

  /* A time that cannot be read: no Save */
  gtk_editable_set_text (kith_contact_dialog_get_time (dialog), "25:70");
  g_assert_false (gtk_widget_get_sensitive (kith_contact_dialog_get_save_button (dialog)));
  /* A visit logged in the future: refused in the dialog, the notes kept */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) later = g_date_time_add_days (now, 2);
    g_autofree char *date = g_date_time_format (later, "%Y-%m-%d");

    gtk_editable_set_text (kith_contact_dialog_get_time (dialog), "10:00");
    gtk_editable_set_text (kith_contact_dialog_get_date (dialog), date);
    g_assert_true (gtk_widget_get_sensitive (kith_contact_dialog_get_save_button (dialog)));
    gtk_widget_activate (kith_contact_dialog_get_save_button (dialog));
    wait_until (kith_contact_dialog_get_error (dialog) != NULL);
    g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
    g_assert_nonnull (strstr (kith_contact_dialog_get_error (dialog), "future"));
    {
      g_autofree char *kept = notes_text (kith_contact_dialog_get_notes (dialog));

      g_assert_cmpstr (kept, ==, "Walked to the gate with the frame. Daniel was there.");
    }
    g_assert_nonnull (kith_today_page_get_log_button (page, visit_id));
  }

  /* Back to today, saved: the dialog goes, the Encounter is finished */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

    gtk_editable_set_text (kith_contact_dialog_get_date (dialog), today);
    gtk_editable_set_text (kith_contact_dialog_get_time (dialog), "00:06");
  }
  gtk_widget_activate (kith_contact_dialog_get_save_button (dialog));
  wait_until (kith_today_page_get_dialog (page) == NULL);

  logged = kith_contact_load (f->store, visit_id, &error);
  g_assert_no_error (error);
  g_assert_false (logged->planned);
  g_assert_cmpint (logged->kind, ==, KITH_CONTACT_HOME_VISIT);
  g_assert_cmpstr (logged->notes, ==, "Walked to the gate with the frame. Daniel was there.");
  g_assert_cmpuint (g_strv_length (logged->participants), ==, 2);
  g_assert_cmpstr (logged->participants[1], ==, "Daniel Smith (son)");

  /* The card is gone: nothing left planned today */
  wait_until (kith_today_page_get_n_visits (page) == 0);
  g_assert_null (kith_today_page_get_log_button (page, visit_id));
  wait_until (find_mapped_label (GTK_WIDGET (page), "No visits planned for today") != NULL);
}

static void
test_today_other_days (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithContactEntry) planned = g_new0 (KithContactEntry, 1);
  g_autofree char *visit_id = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) at = g_date_time_new_local (g_date_time_get_year (tomorrow), g_date_time_get_month (tomorrow),
                                                   g_date_time_get_day_of_month (tomorrow), 14, 30, 0);
  KithTodayPage *page;

  SKIP_WITHOUT_DISPLAY ();

  planned->patient_id = g_strdup (f->patient_id);
  planned->kind = KITH_CONTACT_HOME_VISIT;
  planned->when = g_date_time_format_iso8601 (at);
  planned->participants = kith_contact_split_participants (MY_NAME);
  visit_id = kith_contact_plan_visit (f->store, planned, &error);
  g_assert_no_error (error);

  page = KITH_TODAY_PAGE (kith_today_page_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (page));
  kith_today_page_set_store (page, f->store);
  gtk_window_present (f->window);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (page)));

  /* No name yet: asked for, not an empty diary */
  wait_until (find_mapped_label (GTK_WIDGET (page), "Give Your Name First") != NULL);
  kith_today_page_set_my_name (page, MY_NAME);
  wait_until (find_mapped_label (GTK_WIDGET (page), "No visits planned for today") != NULL);

  /* Next day: the visit; someone else's name: none */
  gtk_widget_activate_action (GTK_WIDGET (page), "today.next-day", NULL);
  kith_test_flush_main_context ();
  g_assert_cmpuint (kith_today_page_get_n_visits (page), ==, 1);
  g_assert_nonnull (kith_today_page_get_log_button (page, visit_id));
  wait_until (find_mapped_label (GTK_WIDGET (page), "14:30") != NULL);
  kith_today_page_set_my_name (page, "Tunde Afolabi");
  g_assert_cmpuint (kith_today_page_get_n_visits (page), ==, 0);
  wait_until (find_mapped_label (GTK_WIDGET (page), "No visits planned for tomorrow") != NULL);
  kith_today_page_set_my_name (page, "bethan hughes");
  g_assert_cmpuint (kith_today_page_get_n_visits (page), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (page), "today.go-today", NULL);
  g_assert_cmpuint (kith_today_page_get_n_visits (page), ==, 0);

  /* Plan a Visit: the person found by name, today late in the evening */
  {
    KithContactDialog *dialog;
    GtkListBox *found;
    g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

    gtk_widget_activate_action (GTK_WIDGET (page), "today.plan-visit", NULL);
    wait_until (kith_today_page_get_dialog (page) != NULL &&
                gtk_widget_get_mapped (kith_today_page_get_dialog (page)));
    dialog = KITH_CONTACT_DIALOG (kith_today_page_get_dialog (page));
    /* No one chosen yet: nothing to save */
    g_assert_false (gtk_widget_get_sensitive (kith_contact_dialog_get_save_button (dialog)));
    gtk_editable_set_text (kith_contact_dialog_get_person_search (dialog), "smi");
    found = kith_contact_dialog_get_person_list (dialog);
    wait_until (gtk_widget_get_mapped (GTK_WIDGET (found)) && gtk_list_box_get_row_at_index (found, 0) != NULL);
    g_assert_null (gtk_list_box_get_row_at_index (found, 1));
    gtk_list_box_select_row (found, gtk_list_box_get_row_at_index (found, 0));
    gtk_editable_set_text (kith_contact_dialog_get_date (dialog), today);
    gtk_editable_set_text (kith_contact_dialog_get_time (dialog), "23:59");
    g_assert_true (gtk_widget_get_sensitive (kith_contact_dialog_get_save_button (dialog)));
    gtk_widget_activate (kith_contact_dialog_get_save_button (dialog));
    wait_until (kith_today_page_get_dialog (page) == NULL);
  }
  wait_until (kith_today_page_get_n_visits (page) == 1);
  wait_until (find_mapped_label (GTK_WIDGET (page), "23:59") != NULL);
}

static void
test_ward_page (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  KithWardPage *page;

  SKIP_WITHOUT_DISPLAY ();

  page = KITH_WARD_PAGE (kith_ward_page_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (page));
  g_object_set (page, "store", f->store, "my-name", MY_NAME, NULL);
  gtk_window_present (f->window);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (page)));

  /* One person in the store: 0.5% rounded up is one place */
  g_assert_cmpstr (kith_ward_page_get_places_text (page), ==, "0 of 1 place");
  wait_until (find_mapped_label (GTK_WIDGET (page), "No One on the Virtual Ward") != NULL);

  id = kith_virtual_ward_admit (f->store, f->patient_id, NULL, "Dr Amir Khan", FALSE, &error);
  g_assert_no_error (error);
  kith_ward_page_reload (page);
  g_assert_cmpstr (kith_ward_page_get_places_text (page), ==, "1 of 1 place");
  wait_until (find_mapped_label (GTK_WIDGET (page), "SMITH, Margaret") != NULL);

  g_assert_true (kith_store_set_virtual_ward_capacity (f->store, 25, &error));
  kith_ward_page_reload (page);
  g_assert_cmpstr (kith_ward_page_get_places_text (page), ==, "1 of 25 places");

  /* Through the page's Places popover: a size, then back to 0.5% */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "ward.places-default", NULL));
  g_assert_cmpuint (kith_store_get_virtual_ward_capacity (f->store), ==, 1);
  g_assert_cmpstr (kith_ward_page_get_places_text (page), ==, "1 of 1 place");
  {
    GtkSpinButton *spin = kith_ward_page_get_places_spin (page);

    g_assert_nonnull (spin);
    gtk_spin_button_set_value (spin, 30);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "ward.places-save", NULL));
    g_assert_cmpuint (kith_store_get_virtual_ward_capacity (f->store), ==, 30);
    g_assert_cmpstr (kith_ward_page_get_places_text (page), ==, "1 of 30 places");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (kith_test_log_writer, NULL, NULL);

  if ((have_display = gtk_init_check ()))
    adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/kith/today/log-visit", test_today_log_visit);
  ADD ("/kith/today/other-days", test_today_other_days);
  ADD ("/kith/today/ward", test_ward_page);

  return g_test_run ();
}
