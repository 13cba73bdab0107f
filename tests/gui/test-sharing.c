/* test-sharing.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The person's sharing choices, made through the dialog on a real store
 * under a display: a choice needs its parts of the record ticked; saving
 * without the person's words is refused with the choices kept; saved, the
 * Consent withholds what it says; opened again, the dialog shows them.
 */

#define G_LOG_DOMAIN "test-sharing"

#include "config.h"

#include "gui-test-util.h"

#include <string.h>
#include <adwaita.h>

#include "kith-sharing-dialog.h"

#define MY_NAME         "Bethan Hughes"
#define WAIT_TIMEOUT_MS 10000

typedef struct
{
  char      *dir;
  KithStore *store;
  char      *patient_id;
  GtkWindow *window;
} Fixture;

static gboolean have_display;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autofree char *path = NULL;

  if (!have_display)
    return;
  f->dir = g_dir_make_tmp ("kith-test-sharing-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  kith_patient_set_given (patient, "Margaret");
  kith_patient_set_family (patient, "Smith");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (kith_patient_get_id (patient));
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = NULL;

  if (!have_display)
    return;
  g_clear_pointer (&f->window, gtk_window_destroy);
  kith_test_flush_main_context ();
  g_clear_object (&f->store);
  cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->patient_id);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_sharing (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithConsent) consent = NULL;
  KithSharingDialog *dialog;
  guint saved = 0;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  dialog = KITH_SHARING_DIALOG (kith_sharing_dialog_new (f->window, f->store, f->patient_id, MY_NAME));
  g_signal_connect_swapped (dialog, "saved", G_CALLBACK (count_cb), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "No choices yet: Kith’s usual rule applies"));

  /* A choice about nothing is not added. */
  kith_sharing_dialog_set_new_rule (dialog, FALSE, "social-worker", NULL, 0);
  kith_sharing_dialog_add_rule (dialog);
  g_assert_cmpuint (kith_sharing_dialog_get_n_rules (dialog), ==, 0);

  kith_sharing_dialog_set_new_rule (dialog, FALSE, "social-worker", NULL,
                                    KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_MENTAL_HEALTH));
  kith_sharing_dialog_add_rule (dialog);
  kith_sharing_dialog_set_new_rule (dialog, TRUE, "nurse", "Hospice at home", 0x1e);
  kith_sharing_dialog_add_rule (dialog);
  kith_sharing_dialog_set_new_rule (dialog, TRUE, "volunteer", NULL,
                                    KITH_RECORD_SECTION_BIT (KITH_RECORD_SECTION_GENERAL));
  kith_sharing_dialog_add_rule (dialog);
  g_assert_cmpuint (kith_sharing_dialog_get_n_rules (dialog), ==, 3);
  kith_sharing_dialog_remove_rule (dialog, 2);
  g_assert_cmpuint (kith_sharing_dialog_get_n_rules (dialog), ==, 2);
  wait_until (kith_test_find_mapped_label (GTK_WIDGET (dialog),
                                           "Withhold mental health from: Social worker in any team") != NULL);

  /* Without their words: refused, the choices kept. */
  g_assert_false (kith_sharing_dialog_save (dialog, &error));
  g_assert_error (error, KITH_CONSENT_ERROR, KITH_CONSENT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (kith_sharing_dialog_get_n_rules (dialog), ==, 2);
  g_assert_cmpint (kith_store_count_resources (f->store, "Consent"), ==, 0);

  gtk_editable_set_text (kith_sharing_dialog_get_words (dialog), "Not the social workers, about my depression");
  kith_test_save_screenshot (GTK_WIDGET (dialog), "sharing-choices");
  g_assert_true (kith_sharing_dialog_save (dialog, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (saved, ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));

  consent = kith_sharing_load (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (consent);
  g_assert_cmpstr (consent->own_words, ==, "Not the social workers, about my depression");
  g_assert_cmpstr (consent->recorded_by, ==, MY_NAME);
  g_assert_cmpuint (consent->rules->len, ==, 2);
  g_assert_cmpint (kith_consent_decide (consent, "social-worker", "North", "Sam Bell", "North", NULL,
                                        KITH_RECORD_SECTION_MENTAL_HEALTH), ==,
                   KITH_ACCESS_DENY_WITHHELD_BY_PERSON);
  g_assert_cmpint (kith_consent_decide (consent, "nurse", "Hospice at home", "Jo Reid", "North", NULL,
                                        KITH_RECORD_SECTION_SAFEGUARDING), ==, KITH_ACCESS_PERMIT);

  /* Opened again: their choices and words are there to change. */
  dialog = KITH_SHARING_DIALOG (kith_sharing_dialog_new (f->window, f->store, f->patient_id, MY_NAME));
  gtk_window_present (GTK_WINDOW (dialog));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_cmpuint (kith_sharing_dialog_get_n_rules (dialog), ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (kith_sharing_dialog_get_words (dialog)), ==,
                   "Not the social workers, about my depression");
  gtk_window_destroy (GTK_WINDOW (dialog));
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

  g_test_add ("/kith/sharing/choices", Fixture, NULL, fixture_set_up, test_sharing, fixture_tear_down);

  return g_test_run ();
}
