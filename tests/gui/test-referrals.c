/* test-referrals.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The referrals inbox for real: a KithReferralsPage in a window on a
 * display (Xvfb in CI) over a temporary store. Referrals are made through
 * the intake dialog (a new person, their NHS number checked as it is
 * typed, and someone already in Kith found by a search), then triaged
 * through the small dialogs: one accepted with the co-ordinator offered,
 * one sent back for information and then declined with a reason. What the
 * store holds afterwards is checked, and so is what is on screen.
 *
 * With KITH_REFERRALS_SCREENSHOT=DIR, /kith/referrals/screenshot also
 * writes pictures of the inbox and the dialogs there.
 */

#define G_LOG_DOMAIN "test-referrals"

#include "config.h"

#include "gui-test-util.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-referral-dialog.h"
#include "kith-referrals-page.h"

#define WAIT_TIMEOUT_MS 10000
#define MY_NAME         "Bethan Hughes (Community matron)"

typedef struct
{
  char              *dir;
  KithStore         *store;
  char              *smith_id;
  GtkWindow         *window;
  KithReferralsPage *page;
} Fixture;

static gboolean have_display;

/* Helpers */

/* The visible toplevel of @type, or NULL */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
window_is_gone (gpointer *weak)
{
  return *weak == NULL || !gtk_widget_get_visible (GTK_WIDGET (*weak));
}

static void
click (GtkButton *button)
{
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (button)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
  kith_test_flush_main_context ();
}

/* Clicks @button in @window, which then goes away */
static void
click_to_close (GtkButton *button,
                gpointer   window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  click (button);
  wait_until (window_is_gone (&weak));
  if (weak != NULL)
    g_object_remove_weak_pointer (G_OBJECT (weak), &weak);
}

/* Presses @accelerator through @widget's own shortcuts, as GTK does. */
static void
press_shortcut (GtkWidget  *widget,
                const char *accelerator)
{
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                           GTK_SHORTCUT_ACTION_EXCLUSIVE, widget, NULL));
              kith_test_flush_main_context ();
              return;
            }
        }
    }
  g_error ("No shortcut for %s", accelerator);
}

static KithReferralDialog *
open_intake (Fixture *f)
{
  KithReferralDialog *dialog;

  click (kith_referrals_page_get_new_button (f->page));
  wait_until ((dialog = (KithReferralDialog *) find_toplevel (KITH_TYPE_REFERRAL_DIALOG)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  kith_test_flush_main_context ();
  return dialog;
}

static KithTriageDialog *
open_triage (GtkButton *button)
{
  KithTriageDialog *dialog;

  click (button);
  wait_until ((dialog = (KithTriageDialog *) find_toplevel (KITH_TYPE_TRIAGE_DIALOG)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  kith_test_flush_main_context ();
  return dialog;
}

/* As a click on the response's button: respond, then close */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  wait_until (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL);
  kith_test_flush_main_context ();
}

static GtkListBoxRow *
row_at (Fixture *f,
        int      index)
{
  return gtk_list_box_get_row_at_index (kith_referrals_page_get_list (f->page), index);
}

static guint
n_rows (Fixture *f)
{
  guint n = 0;

  while (row_at (f, n) != NULL)
    n++;
  return n;
}

static void
select_row_for (Fixture    *f,
                const char *patient_id)
{
  for (guint i = 0; i < n_rows (f); i++)
    {
      const KithReferral *referral = kith_referrals_page_get_row_referral (f->page, row_at (f, i));

      if (g_strcmp0 (referral->patient_id, patient_id) == 0)
        {
          gtk_list_box_select_row (kith_referrals_page_get_list (f->page), row_at (f, i));
          kith_test_flush_main_context ();
          g_assert_cmpstr (kith_referrals_page_get_selected (f->page)->patient_id, ==, patient_id);
          return;
        }
    }
  g_error ("No row for %s", patient_id);
}

static KithReferralState
state_of (Fixture    *f,
          const char *patient_id);

static KithReferral *
only_referral_for (Fixture    *f,
                   const char *patient_id)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  KithReferral *found = NULL;

  all = kith_store_list_referrals (f->store, KITH_REFERRAL_STATE_ALL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      KithReferral *referral = all->pdata[i];

      if (g_strcmp0 (referral->patient_id, patient_id) == 0)
        {
          g_assert_null (found);
          found = referral;
        }
    }
  g_assert_nonnull (found);
  return kith_referral_copy (found);
}

static KithReferralState
state_of (Fixture    *f,
          const char *patient_id)
{
  g_autoptr(KithReferral) referral = only_referral_for (f, patient_id);

  return referral->state;
}

static char *
dup_caseload_coordinator (Fixture    *f,
                          const char *patient_id)
{
  g_autoptr(KithCaseload) caseload = kith_caseload_new (f->store);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (caseload)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (caseload), i);

      if (g_strcmp0 (kith_caseload_entry_get_id (entry), patient_id) == 0)
        return g_strdup (kith_caseload_entry_get_coordinator (entry));
    }
  return NULL;
}

static char *
nhs_number_from (const char *nine)
{
  return g_strdup_printf ("%s%d", nine, kith_nhs_number_check_digit (nine));
}

/* Fixture */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) smith = kith_patient_new ();
  g_autofree char *path = NULL;

  if (!have_display)
    return;

  f->dir = g_dir_make_tmp ("kith-test-referrals-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);

  kith_patient_set_family (smith, "Smith");
  kith_patient_set_given (smith, "Margaret");
  kith_patient_set_birth_date (smith, "1941-05-12", NULL);
  g_assert_true (kith_store_save_patient (f->store, smith, &error));
  g_assert_no_error (error);
  f->smith_id = g_strdup (kith_patient_get_id (smith));

  f->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (f->window, 1100, 760);
  f->page = KITH_REFERRALS_PAGE (kith_referrals_page_new ());
  g_object_set (f->page, "store", f->store, "my-name", MY_NAME, NULL);
  adw_window_set_content (ADW_WINDOW (f->window), GTK_WIDGET (f->page));
  gtk_window_present (f->window);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (f->page)));
  kith_test_flush_main_context ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GtkWindow *other;
  g_autofree char *cmd = NULL;

  while ((other = find_toplevel (GTK_TYPE_WINDOW)) != NULL)
    gtk_window_destroy (other);
  f->window = NULL;
  f->page = NULL;
  if (have_display)
    kith_test_flush_main_context ();
  g_clear_object (&f->store);
  if (f->dir != NULL)
    {
      cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
      g_assert_cmpint (system (cmd), ==, 0);
    }
  g_free (f->dir);
  g_free (f->smith_id);
}

#define SKIP_WITHOUT_DISPLAY()                                \
  G_STMT_START {                                              \
    if (!have_display)                                        \
      {                                                       \
        g_test_skip ("No display: run under xvfb-run");       \
        return;                                               \
      }                                                       \
  } G_STMT_END

/* Steps */

/* A new person, from a hospital ward, urgent: the NHS number is checked
 * as it is typed, and "Add Referral" waits for everything it needs. */
static char *
refer_new_person (Fixture *f)
{
  KithReferralDialog *dialog = open_intake (f);
  g_autofree char *nhs = nhs_number_from ("401023213");
  g_autofree char *wrong = g_strdup (nhs);
  GtkLabel *message = kith_referral_dialog_get_nhs_message (dialog);
  GtkButton *add = kith_referral_dialog_get_add_button (dialog);
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GError) error = NULL;
  KithReferral *referral;
  char *patient_id;

  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (add)));
  gtk_check_button_set_active (kith_referral_dialog_get_new_check (dialog), TRUE);
  kith_test_flush_main_context ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (kith_referral_dialog_get_given_row (dialog))));
  gtk_editable_set_text (kith_referral_dialog_get_given_row (dialog), "Siobhán");
  gtk_editable_set_text (kith_referral_dialog_get_family_row (dialog), "O'Brien");
  gtk_editable_set_text (kith_referral_dialog_get_birth_row (dialog), "30/06/1941");

  /* One digit wrong: said at once, under the field */
  wrong[3] = wrong[3] == '9' ? '0' : wrong[3] + 1;
  gtk_editable_set_text (kith_referral_dialog_get_nhs_row (dialog), wrong);
  kith_test_flush_main_context ();
  g_test_message ("NHS number message: %s", gtk_label_get_text (message));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (message)));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "check digit"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), gtk_label_get_text (message)));

  adw_combo_row_set_selected (kith_referral_dialog_get_source_row (dialog), KITH_REFERRAL_SOURCE_HOSPITAL);
  gtk_editable_set_text (kith_referral_dialog_get_referrer_row (dialog), "Dr Okafor, Ward 7");
  adw_combo_row_set_selected (kith_referral_dialog_get_urgency_row (dialog), KITH_REFERRAL_URGENT);
  gtk_text_buffer_set_text (kith_referral_dialog_get_reason_buffer (dialog),
                            "Going home tomorrow after a fall; lives alone, no package of care", -1);
  kith_test_flush_main_context ();
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (add)));    /* the NHS number */

  gtk_editable_set_text (kith_referral_dialog_get_nhs_row (dialog), "401 023 2137");
  gtk_editable_set_text (kith_referral_dialog_get_nhs_row (dialog), nhs);
  kith_test_flush_main_context ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (add)));

  click_to_close (add, dialog);

  waiting = kith_store_list_referrals (f->store, KITH_REFERRAL_WAITING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (waiting->len, ==, 1);
  referral = waiting->pdata[0];
  g_assert_cmpint (referral->source, ==, KITH_REFERRAL_SOURCE_HOSPITAL);
  g_assert_cmpint (referral->urgency, ==, KITH_REFERRAL_URGENT);
  g_assert_cmpstr (referral->referrer, ==, "Dr Okafor, Ward 7");
  g_assert_cmpstr (referral->reason, ==, "Going home tomorrow after a fall; lives alone, no package of care");
  g_assert_cmpstr (referral->person_name, ==, "O'BRIEN, Siobhán");
  g_assert_nonnull (referral->received);
  patient = kith_store_load_patient (f->store, referral->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kith_patient_get_nhs_number (patient), ==, nhs);
  g_assert_cmpstr (kith_patient_get_birth_date (patient), ==, "1941-06-30");
  patient_id = g_strdup (referral->patient_id);

  /* In the inbox, urgent in words */
  wait_until (n_rows (f) == 1);
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (row_at (f, 0)), "Urgent"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (row_at (f, 0)), "Just now"));
  g_assert_cmpstr (kith_referrals_page_get_tab_label (f->page, KITH_REFERRALS_SHOW_WAITING), ==, "_Waiting (1)");
  return patient_id;
}

/* Someone already in Kith, found by a search, referred yesterday by
 * their family */
static void
refer_existing_person (Fixture *f)
{
  KithReferralDialog *dialog = open_intake (f);
  GtkListBox *results = kith_referral_dialog_get_results_list (dialog);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autofree char *date = g_date_time_format (yesterday, "%d/%m/%Y");
  g_autoptr(KithReferral) referral = NULL;
  GtkListBoxRow *first;

  g_assert_true (gtk_check_button_get_active (kith_referral_dialog_get_existing_check (dialog)));
  gtk_editable_set_text (kith_referral_dialog_get_search_entry (dialog), "smi");
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (results)) && gtk_list_box_get_row_at_index (results, 0) != NULL);
  first = gtk_list_box_get_row_at_index (results, 0);
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (first), "SMITH, Margaret"));
  g_signal_emit_by_name (results, "row-activated", first);
  kith_test_flush_main_context ();
  g_assert_cmpstr (kith_referral_dialog_get_patient_id (dialog), ==, f->smith_id);
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "Chosen: SMITH, Margaret"));

  adw_combo_row_set_selected (kith_referral_dialog_get_source_row (dialog), KITH_REFERRAL_SOURCE_FAMILY);
  gtk_editable_set_text (kith_referral_dialog_get_referrer_row (dialog), "Daniel Smith (son)");
  gtk_editable_set_text (kith_referral_dialog_get_date_row (dialog), date);
  gtk_editable_set_text (kith_referral_dialog_get_time_row (dialog), "10:15");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (kith_referral_dialog_get_add_button (dialog))));
  gtk_text_buffer_set_text (kith_referral_dialog_get_reason_buffer (dialog),
                            "Mum is forgetting her tablets and not eating", -1);
  kith_test_flush_main_context ();
  click_to_close (kith_referral_dialog_get_add_button (dialog), dialog);

  referral = only_referral_for (f, f->smith_id);
  g_assert_cmpint (referral->source, ==, KITH_REFERRAL_SOURCE_FAMILY);
  g_assert_cmpint (referral->urgency, ==, KITH_REFERRAL_ROUTINE);
  g_assert_cmpint (referral->state, ==, KITH_REFERRAL_WAITING);
  g_assert_cmpstr (referral->referrer, ==, "Daniel Smith (son)");
  {
    g_autoptr(GDateTime) received = g_date_time_new_from_iso8601 (referral->received, NULL);
    g_autoptr(GDateTime) local = g_date_time_to_local (received);

    g_assert_cmpint (g_date_time_get_day_of_year (local), ==, g_date_time_get_day_of_year (yesterday));
    g_assert_cmpint (g_date_time_get_hour (local), ==, 10);
    g_assert_cmpint (g_date_time_get_minute (local), ==, 15);
  }
  wait_until (n_rows (f) == 2);
}

static void
test_referrals_intake_and_triage (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *obrien_id = NULL;
  g_autofree char *coordinator = NULL;
  g_autoptr(KithReferral) accepted = NULL;
  g_autoptr(KithReferral) declined = NULL;
  g_autoptr(JsonObject) request = NULL;
  KithTriageDialog *dialog;
  GtkEditable *text;

  SKIP_WITHOUT_DISPLAY ();

  g_assert_cmpstr (gtk_label_get_text (kith_referrals_page_get_times_label (f->page)), ==,
                   "No referrals received this month");
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (f->page), "No Referrals Waiting"));

  obrien_id = refer_new_person (f);
  refer_existing_person (f);

  /* Urgent first, though it came later */
  g_assert_cmpstr (kith_referrals_page_get_row_referral (f->page, row_at (f, 0))->patient_id, ==, obrien_id);
  g_assert_cmpstr (kith_referrals_page_get_row_referral (f->page, row_at (f, 1))->patient_id, ==, f->smith_id);
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (row_at (f, 1)), "Routine"));

  /* Accept the urgent one: the co-ordinator offered is the professional */
  select_row_for (f, obrien_id);
  dialog = open_triage (kith_referrals_page_get_accept_button (f->page));
  g_assert_cmpint (kith_triage_dialog_get_kind (dialog), ==, KITH_TRIAGE_ACCEPT);
  text = kith_triage_dialog_get_text_row (dialog);
  g_assert_cmpstr (gtk_editable_get_text (text), ==, MY_NAME);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "accept"));
  gtk_editable_set_text (text, "");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "accept"));
  gtk_editable_set_text (text, MY_NAME);
  respond (ADW_MESSAGE_DIALOG (dialog), "accept");

  accepted = only_referral_for (f, obrien_id);
  g_assert_cmpint (accepted->state, ==, KITH_REFERRAL_ACCEPTED);
  g_assert_cmpstr (accepted->coordinator, ==, MY_NAME);
  g_assert_nonnull (accepted->triaged);
  coordinator = dup_caseload_coordinator (f, obrien_id);
  g_assert_cmpstr (coordinator, ==, MY_NAME);
  wait_until (n_rows (f) == 1);
  g_assert_cmpstr (kith_referrals_page_get_tab_label (f->page, KITH_REFERRALS_SHOW_ACCEPTED), ==, "A_ccepted (1)");

  /* Ask the family for more, then (it came) decline with a reason */
  select_row_for (f, f->smith_id);
  dialog = open_triage (kith_referrals_page_get_request_button (f->page));
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "request"));
  gtk_editable_set_text (kith_triage_dialog_get_text_row (dialog), "Her GP's name and consent to share");
  respond (ADW_MESSAGE_DIALOG (dialog), "request");
  g_assert_cmpint (state_of (f, f->smith_id), ==, KITH_REFERRAL_INFO_REQUESTED);
  wait_until (n_rows (f) == 0);
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (f->page), "No Referrals Waiting"));

  kith_referrals_page_set_showing (f->page, KITH_REFERRALS_SHOW_INFO_REQUESTED);
  wait_until (n_rows (f) == 1);
  select_row_for (f, f->smith_id);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kith_referrals_page_get_request_button (f->page))));
  click (kith_referrals_page_get_received_button (f->page));
  g_assert_cmpint (state_of (f, f->smith_id), ==, KITH_REFERRAL_WAITING);

  kith_referrals_page_set_showing (f->page, KITH_REFERRALS_SHOW_WAITING);
  wait_until (n_rows (f) == 1);
  select_row_for (f, f->smith_id);
  dialog = open_triage (kith_referrals_page_get_decline_button (f->page));
  g_assert_cmpint (kith_triage_dialog_get_kind (dialog), ==, KITH_TRIAGE_DECLINE);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "decline"));
  gtk_editable_set_text (kith_triage_dialog_get_text_row (dialog), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "decline"));
  gtk_editable_set_text (kith_triage_dialog_get_text_row (dialog),
                         "Already under the memory clinic, who will call this week");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "decline"));
  respond (ADW_MESSAGE_DIALOG (dialog), "decline");

  declined = only_referral_for (f, f->smith_id);
  g_assert_cmpint (declined->state, ==, KITH_REFERRAL_DECLINED);
  g_assert_cmpstr (declined->state_reason, ==, "Already under the memory clinic, who will call this week");
  g_assert_nonnull (declined->triaged);
  request = kith_store_read_resource (f->store, "ServiceRequest", declined->id, NULL);
  g_assert_cmpstr (kith_fhir_get_string (request, "status"), ==, "revoked");

  wait_until (n_rows (f) == 0);
  kith_referrals_page_set_showing (f->page, KITH_REFERRALS_SHOW_DECLINED);
  wait_until (n_rows (f) == 1);
  g_assert_cmpstr (kith_referrals_page_get_tab_label (f->page, KITH_REFERRALS_SHOW_DECLINED), ==, "Dec_lined (1)");

  /* Both triaged this month, within minutes; no one contacted yet */
  g_test_message ("Times: %s", gtk_label_get_text (kith_referrals_page_get_times_label (f->page)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (kith_referrals_page_get_times_label (f->page)), "Median "));
  g_assert_nonnull (strstr (gtk_label_get_text (kith_referrals_page_get_times_label (f->page)),
                            "no first contacts yet"));
}

/* Escape cancels the intake, and nothing is saved */
static void
test_referrals_escape_cancels (Fixture       *f,
                               gconstpointer  data)
{
  KithReferralDialog *dialog;

  SKIP_WITHOUT_DISPLAY ();

  dialog = open_intake (f);
  gtk_check_button_set_active (kith_referral_dialog_get_new_check (dialog), TRUE);
  gtk_editable_set_text (kith_referral_dialog_get_family_row (dialog), "Jones");
  gtk_text_buffer_set_text (kith_referral_dialog_get_reason_buffer (dialog), "Lonely", -1);
  kith_test_flush_main_context ();
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (kith_referral_dialog_get_add_button (dialog))));
  {
    gpointer weak = dialog;

    g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
    press_shortcut (GTK_WIDGET (dialog), "Escape");
    wait_until (window_is_gone (&weak));
    if (weak != NULL)
      g_object_remove_weak_pointer (G_OBJECT (weak), &weak);
  }
  g_assert_cmpint (kith_store_count_resources (f->store, "ServiceRequest"), ==, 0);
  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, 1);
}

/* The core's refusal is shown in the dialog, which stays open */
static void
test_referrals_duplicate_shown (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(KithPatient) known = kith_patient_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *nhs = nhs_number_from ("943476591");
  KithReferralDialog *dialog;
  GtkLabel *error_label;

  SKIP_WITHOUT_DISPLAY ();

  kith_patient_set_family (known, "Taylor");
  kith_patient_set_given (known, "Joan");
  g_assert_true (kith_patient_set_nhs_number (known, nhs, &error));
  g_assert_true (kith_store_save_patient (f->store, known, &error));
  g_assert_no_error (error);

  dialog = open_intake (f);
  error_label = kith_referral_dialog_get_error_label (dialog);
  gtk_check_button_set_active (kith_referral_dialog_get_new_check (dialog), TRUE);
  gtk_editable_set_text (kith_referral_dialog_get_family_row (dialog), "Taylor");
  gtk_editable_set_text (kith_referral_dialog_get_nhs_row (dialog), nhs);
  gtk_text_buffer_set_text (kith_referral_dialog_get_reason_buffer (dialog), "Frailty review", -1);
  kith_test_flush_main_context ();
  click (kith_referral_dialog_get_add_button (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  /* Not logged: the message names the person and their NHS number. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "TAYLOR, Joan"));
  g_assert_cmpint (kith_store_count_resources (f->store, "ServiceRequest"), ==, 0);
  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, 2);
  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (find_toplevel (KITH_TYPE_REFERRAL_DIALOG) == NULL);
}

static void
save_widget_png (GtkWidget  *widget,
                 const char *dir,
                 const char *name)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.98, 0.98, 0.98, 1.0 },
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Wrote %s (%d×%d)", path, width, height);
}

static void
add_demo_referral (Fixture             *f,
                   const char          *family,
                   const char          *given,
                   KithReferralSource   source,
                   const char          *referrer,
                   KithReferralUrgency  urgency,
                   const char          *reason,
                   int                  hours_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) received = g_date_time_add_hours (now, -hours_ago);
  g_autoptr(KithReferral) referral = NULL;
  g_autoptr(GError) error = NULL;
  KithReferralIntake intake = {
    .family = family, .given = given, .source = source, .referrer = referrer,
    .reason = reason, .urgency = urgency, .received = received,
  };

  referral = kith_referral_receive (f->store, &intake, &error);
  g_assert_no_error (error);
}

static void
test_referrals_screenshot (Fixture       *f,
                           gconstpointer  data)
{
  const char *dir = g_getenv ("KITH_REFERRALS_SCREENSHOT");
  GtkWidget *box, *header, *page;
  KithReferralDialog *intake;
  KithTriageDialog *triage;

  SKIP_WITHOUT_DISPLAY ();
  if (dir == NULL)
    {
      g_test_skip ("Set KITH_REFERRALS_SCREENSHOT=DIR to take the screenshots");
      return;
    }

  add_demo_referral (f, "O'Brien", "Siobhán", KITH_REFERRAL_SOURCE_HOSPITAL, "Dr Okafor, Ward 7",
                     KITH_REFERRAL_URGENT, "Going home tomorrow after a fall; lives alone, no package of care", 2);
  add_demo_referral (f, "Patel", "Ravi", KITH_REFERRAL_SOURCE_GP, "Dr Asha Patel, Riverside Surgery",
                     KITH_REFERRAL_ROUTINE, "Five long-term conditions, 12 medicines, two falls this year", 30);
  add_demo_referral (f, "Hughes", "Gareth", KITH_REFERRAL_SOURCE_SOCIAL_CARE, "Adult social care duty desk",
                     KITH_REFERRAL_ASAP, "Wife and carer admitted to hospital today; he has dementia", 1);
  add_demo_referral (f, "Williams", "Joan", KITH_REFERRAL_SOURCE_SELF, NULL,
                     KITH_REFERRAL_ROUTINE, "Lonely since moving to be near her daughter", 80);
  add_demo_referral (f, "Evans", "Tom", KITH_REFERRAL_SOURCE_VOLUNTARY, "Age UK, Mary Lewis",
                     KITH_REFERRAL_ROUTINE, "Struggling with bills and not heating the house", 170);

  gtk_window_destroy (f->window);
  f->window = GTK_WINDOW (adw_window_new ());
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new ("Kith", "Referrals"));
  gtk_box_append (GTK_BOX (box), header);
  page = kith_referrals_page_new ();
  g_object_set (page, "store", f->store, "my-name", MY_NAME, NULL);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  gtk_widget_set_size_request (box, 1366, 768);
  adw_window_set_content (ADW_WINDOW (f->window), box);
  f->page = KITH_REFERRALS_PAGE (page);
  gtk_window_present (f->window);
  wait_until (gtk_widget_get_mapped (page));
  gtk_list_box_select_row (kith_referrals_page_get_list (f->page), row_at (f, 1));
  for (guint i = 0; i < 20; i++)
    kith_test_flush_main_context ();
  save_widget_png (box, dir, "referrals-inbox.png");

  triage = open_triage (kith_referrals_page_get_accept_button (f->page));
  for (guint i = 0; i < 10; i++)
    kith_test_flush_main_context ();
  save_widget_png (GTK_WIDGET (triage), dir, "referrals-accept.png");
  respond (ADW_MESSAGE_DIALOG (triage), "cancel");

  intake = open_intake (f);
  gtk_check_button_set_active (kith_referral_dialog_get_new_check (intake), TRUE);
  gtk_editable_set_text (kith_referral_dialog_get_given_row (intake), "Megan");
  gtk_editable_set_text (kith_referral_dialog_get_family_row (intake), "Price");
  gtk_editable_set_text (kith_referral_dialog_get_birth_row (intake), "02/11/1936");
  gtk_editable_set_text (kith_referral_dialog_get_nhs_row (intake), "943 476 5918");
  for (guint i = 0; i < 10; i++)
    kith_test_flush_main_context ();
  save_widget_png (GTK_WIDGET (intake), dir, "referrals-intake.png");
  gtk_window_close (GTK_WINDOW (intake));
  wait_until (find_toplevel (KITH_TYPE_REFERRAL_DIALOG) == NULL);
}

static void
test_referrals_format (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 3, 10, 15, 30, 0);
  struct {
    int         day, hour, minute;
    const char *expected;
  } cases[] = {
    { 10, 15, 30, "Just now" },
    { 10, 15, 29, "1 minute ago" },
    { 10, 15, 5, "25 minutes ago" },
    { 10, 13, 20, "2 hours ago" },
    { 9, 16, 0, "23 hours ago" },
    { 9, 9, 5, "Yesterday at 09:05" },
    { 3, 9, 5, "3 Mar at 09:05" },
  };
  KithReferralTimes times = { 0 };
  g_autoptr(GDateTime) last_year = g_date_time_new_local (2025, 12, 30, 9, 0, 0);
  g_autofree char *last_year_instant = kith_fhir_format_instant (last_year);
  g_autofree char *last_year_text = kith_referrals_page_format_received (last_year_instant, now);
  g_autofree char *none = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *triage_only = NULL;
  g_autofree char *both = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) when = g_date_time_new_local (2026, 3, cases[i].day, cases[i].hour, cases[i].minute, 0);
      g_autofree char *instant = kith_fhir_format_instant (when);
      g_autofree char *text = kith_referrals_page_format_received (instant, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  g_assert_cmpstr (last_year_text, ==, "30 Dec 2025");

  none = kith_referrals_page_format_times (&times);
  g_assert_cmpstr (none, ==, "No referrals received this month");
  times.received = 4;
  waiting = kith_referrals_page_format_times (&times);
  g_assert_cmpstr (waiting, ==, "4 referrals received this month; none triaged yet");
  times.triaged = 3;
  times.median_hours_to_triage = 3.2;
  triage_only = kith_referrals_page_format_times (&times);
  g_assert_cmpstr (triage_only, ==, "Median 3 h to triage this month; no first contacts yet");
  times.contacted = 2;
  times.median_hours_to_contact = 50;
  both = kith_referrals_page_format_times (&times);
  g_assert_cmpstr (both, ==, "Median 3 h to triage, 2 days to first contact this month");
}

/* GTK warns about the session bus it has no use for here: that is the
 * environment, not the page. */
int
main (int   argc,
      char *argv[])
{
  /* Dates and words as the tests expect them */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("TZ", "Europe/London", TRUE);
  /* Keep the system MIME database: without it the SVG icons don't load. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (kith_test_log_writer, NULL, NULL);

  if ((have_display = gtk_init_check ()))
    adw_init ();

#define ADD_TEST(path, func) \
  g_test_add ("/kith/referrals/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_TEST ("intake-and-triage", test_referrals_intake_and_triage);
  ADD_TEST ("escape-cancels", test_referrals_escape_cancels);
  ADD_TEST ("duplicate-shown", test_referrals_duplicate_shown);
  ADD_TEST ("screenshot", test_referrals_screenshot);
  g_test_add_func ("/kith/referrals/format", test_referrals_format);

  return g_test_run ();
}
