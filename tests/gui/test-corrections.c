/* test-corrections.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A person asks for a correction, on a real store under a display: the
 * request is written down in their words; "Corrected" is refused while
 * the plan is unchanged, with what was typed kept; once the plan is
 * edited it is recorded; and a second request is refused with a reason.
 */

#define G_LOG_DOMAIN "test-corrections"

#include "config.h"

#include "gui-test-util.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-corrections-dialog.h"

#define MY_NAME         "Bethan Hughes"
#define WAIT_TIMEOUT_MS 10000

typedef struct
{
  char      *dir;
  KithStore *store;
  char      *patient_id;
  char      *plan_id;
  GtkWindow *window;
} Fixture;

static gboolean have_display;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithPatient) patient = kith_patient_new ();
  g_autoptr(KithCarePlan) plan = NULL;
  g_autofree char *path = NULL;

  if (!have_display)
    return;
  f->dir = g_dir_make_tmp ("kith-test-corrections-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  kith_patient_set_given (patient, "Margaret");
  kith_patient_set_family (patient, "Smith");
  g_assert_true (kith_store_save_patient (f->store, patient, &error));
  g_assert_no_error (error);
  f->patient_id = g_strdup (kith_patient_get_id (patient));

  plan = kith_care_plan_new_for_patient (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  kith_care_plan_set_what_matters (plan, "Seeing my son on Sundays");
  g_assert_true (kith_care_plan_save (plan, f->store, MY_NAME, &error));
  g_assert_no_error (error);
  f->plan_id = g_strdup (kith_care_plan_get_id (plan));

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 800, 600);
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
  g_free (f->plan_id);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static guint
find_target (KithCorrectionsDialog *dialog,
             const char            *label)
{
  GListModel *model = adw_combo_row_get_model (kith_corrections_dialog_get_target (dialog));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), label) == 0)
      return i;
  g_assert_not_reached ();
}

static void
ask (KithCorrectionsDialog *dialog,
     const char            *words)
{
  g_autoptr(GError) error = NULL;

  kith_corrections_dialog_start_request (dialog);
  g_assert_cmpstr (kith_corrections_dialog_get_page (dialog), ==, "request");
  adw_combo_row_set_selected (kith_corrections_dialog_get_target (dialog), find_target (dialog, "Care plan"));
  gtk_editable_set_text (kith_corrections_dialog_get_words (dialog), words);
  g_assert_true (kith_corrections_dialog_record (dialog, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kith_corrections_dialog_get_page (dialog), ==, "list");
}

static void
test_corrections (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  KithCorrectionsDialog *dialog;
  const KithCorrection *first;
  guint changed = 0;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }

  dialog = KITH_CORRECTIONS_DIALOG (kith_corrections_dialog_new (f->window, f->store, f->patient_id, MY_NAME));
  g_signal_connect_swapped (dialog, "changed", G_CALLBACK (count_cb), &changed);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), "No corrections asked for"));

  /* Their words are required. */
  kith_corrections_dialog_start_request (dialog);
  g_assert_false (kith_corrections_dialog_record (dialog, &error));
  g_assert_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_nonnull (kith_corrections_dialog_get_error (dialog));
  g_assert_cmpstr (kith_corrections_dialog_get_page (dialog), ==, "request");

  ask (dialog, "It is my daughter I see on Sundays, not my son");
  list = kith_correction_list (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  first = list->pdata[0];
  g_assert_cmpstr (first->words, ==, "It is my daughter I see on Sundays, not my son");
  g_assert_cmpstr (first->target_id, ==, f->plan_id);
  g_assert_cmpstr (first->recorded_by, ==, MY_NAME);
  g_assert_cmpuint (kith_corrections_dialog_get_n_rows (dialog), ==, 1);
  wait_until (kith_test_find_mapped_label (GTK_WIDGET (dialog), "Care plan — Asked for") != NULL);

  /* "Corrected" before the plan changed: refused, what was typed kept. */
  kith_corrections_dialog_start_decision (dialog, first->id, KITH_CORRECTION_MADE);
  g_assert_cmpstr (kith_corrections_dialog_get_page (dialog), ==, "decide");
  gtk_editable_set_text (kith_corrections_dialog_get_outcome (dialog), "Changed son to daughter");
  g_assert_false (kith_corrections_dialog_record (dialog, &error));
  g_assert_error (error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_UNCHANGED);
  g_clear_error (&error);
  g_assert_nonnull (strstr (kith_corrections_dialog_get_error (dialog), "has not changed"));
  g_assert_cmpstr (gtk_editable_get_text (kith_corrections_dialog_get_outcome (dialog)), ==,
                   "Changed son to daughter");
  g_assert_cmpstr (kith_corrections_dialog_get_page (dialog), ==, "decide");
  kith_test_flush_main_context ();
  kith_test_save_screenshot (GTK_WIDGET (dialog), "corrections-unchanged");

  /* The change is made in the plan; now it records. */
  plan = kith_care_plan_load (f->store, f->plan_id, &error);
  g_assert_no_error (error);
  kith_care_plan_set_what_matters (plan, "Seeing my daughter on Sundays");
  g_assert_true (kith_care_plan_save (plan, f->store, MY_NAME, &error));
  g_assert_no_error (error);
  g_assert_true (kith_corrections_dialog_record (dialog, &error));
  g_assert_no_error (error);
  wait_until (kith_test_find_mapped_label (GTK_WIDGET (dialog), "Care plan — Corrected") != NULL);

  /* A second request, refused with a reason. */
  ask (dialog, "Take out the fall last year");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = kith_correction_list (f->store, f->patient_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  first = list->pdata[0];   /* the open one comes first */
  g_assert_cmpint (first->state, ==, KITH_CORRECTION_REQUESTED);
  kith_corrections_dialog_start_decision (dialog, first->id, KITH_CORRECTION_REFUSED);
  gtk_editable_set_text (kith_corrections_dialog_get_outcome (dialog),
                         "The fall is part of the clinical history the team needs");
  g_assert_true (kith_corrections_dialog_record (dialog, &error));
  g_assert_no_error (error);
  wait_until (kith_test_find_mapped_label (GTK_WIDGET (dialog), "Care plan — Refused") != NULL);
  kith_test_save_screenshot (GTK_WIDGET (dialog), "corrections-list");
  g_assert_cmpuint (kith_corrections_dialog_get_n_rows (dialog), ==, 2);
  /* A request, a correction, a request, a refusal */
  g_assert_cmpuint (changed, ==, 4);

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

  g_test_add ("/kith/corrections/request-correct-refuse", Fixture, NULL,
              fixture_set_up, test_corrections, fixture_tear_down);

  return g_test_run ();
}
