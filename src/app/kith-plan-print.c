/* kith-plan-print.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Printing the plan the person keeps at home: a few choices first (large
 * print, crisis section first), then GtkPrintOperation drawing the pages
 * of a KithPlanDocument laid out for the chosen paper.
 */

#define G_LOG_DOMAIN "kith-plan-print"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-plan-print.h"

typedef struct
{
  KithCarePlan            *plan;
  KithPatient             *patient;
  KithPlanDocumentOptions  options;
  KithPlanDocument        *document;
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_clear_object (&job->plan);
  g_clear_object (&job->patient);
  g_clear_object (&job->document);
  g_clear_pointer (&job->options.trends, g_ptr_array_unref);
  g_free (job);
}

static GtkWidget *
make_switch_row (const char *title,
                 const char *subtitle,
                 gboolean    active,
                 GtkSwitch **out_switch)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_switch_set_active (GTK_SWITCH (toggle), active);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  *out_switch = GTK_SWITCH (toggle);
  return row;
}

AdwMessageDialog *
kith_plan_print_options_dialog_new (GtkWindow *parent,
                                    gboolean   for_pdf,
                                    gboolean   crisis_first)
{
  AdwMessageDialog *dialog;
  GtkWidget *list = gtk_list_box_new ();
  GtkSwitch *large_switch, *crisis_switch, *trends_switch;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent,
                                                       for_pdf ? _("Export the Plan as a PDF")
                                                               : _("Print the Plan"),
                                                       _("The person’s own copy, in plain words, with the "
                                                         "names and numbers to call.")));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list),
                       make_switch_row (_("Large print"), _("Bigger text and more space"), FALSE,
                                        &large_switch));
  gtk_list_box_append (GTK_LIST_BOX (list),
                       make_switch_row (_("Crisis section first"),
                                        _("“If things go wrong” straight after the heading"),
                                        crisis_first, &crisis_switch));
  /* Off unless the person wants it: their scores are theirs to share. */
  gtk_list_box_append (GTK_LIST_BOX (list),
                       make_switch_row (_("How I am doing"),
                                        _("Charts of their scores and goals over time, at the end"),
                                        FALSE, &trends_switch));
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "go", for_pdf ? _("_Choose Where…") : _("_Print…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "go", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "go");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "kith-large-print", large_switch);
  g_object_set_data (G_OBJECT (dialog), "kith-crisis-first", crisis_switch);
  g_object_set_data (G_OBJECT (dialog), "kith-trends", trends_switch);
  return dialog;
}

gboolean
kith_plan_print_options_dialog_get_trends (AdwMessageDialog *dialog)
{
  GtkSwitch *trends_switch = g_object_get_data (G_OBJECT (dialog), "kith-trends");

  g_return_val_if_fail (trends_switch != NULL, FALSE);

  return gtk_switch_get_active (trends_switch);
}

void
kith_plan_print_options_dialog_get (AdwMessageDialog *dialog,
                                    gboolean         *large_print,
                                    gboolean         *crisis_first)
{
  GtkSwitch *large_switch = g_object_get_data (G_OBJECT (dialog), "kith-large-print");
  GtkSwitch *crisis_switch = g_object_get_data (G_OBJECT (dialog), "kith-crisis-first");

  g_return_if_fail (large_switch != NULL && crisis_switch != NULL);

  if (large_print != NULL)
    *large_print = gtk_switch_get_active (large_switch);
  if (crisis_first != NULL)
    *crisis_first = gtk_switch_get_active (crisis_switch);
}

/* The document is laid out once, for the paper chosen. With the full page
 * used and points as the unit, the print context is the paper itself, so
 * KithPlanDocument's own margins are the only ones. */
static void
on_begin_print_cb (GtkPrintOperation *operation,
                   GtkPrintContext   *context,
                   PrintJob          *job)
{
  g_clear_object (&job->document);
  job->document = kith_plan_document_new (job->plan, job->patient, &job->options,
                                          gtk_print_context_get_width (context),
                                          gtk_print_context_get_height (context));
  gtk_print_operation_set_n_pages (operation, kith_plan_document_get_n_pages (job->document));
}

static void
on_draw_page_cb (GtkPrintOperation *operation,
                 GtkPrintContext   *context,
                 int                page_nr,
                 PrintJob          *job)
{
  g_return_if_fail (job->document != NULL);

  kith_plan_document_draw_page (job->document, gtk_print_context_get_cairo_context (context), page_nr);
}

static void
on_done_cb (GtkPrintOperation       *operation,
            GtkPrintOperationResult  result,
            GtkWindow               *parent)
{
  g_autoptr(GError) error = NULL;

  if (result != GTK_PRINT_OPERATION_RESULT_ERROR)
    return;

  gtk_print_operation_get_error (operation, &error);
  if (error != NULL)
    {
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("The Plan Was Not Printed"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

gboolean
kith_plan_print_run (GtkWindow                     *parent,
                     KithCarePlan                  *plan,
                     KithPatient                   *patient,
                     const KithPlanDocumentOptions *options,
                     const char                    *export_path,
                     GError                       **error)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autofree char *job_name = NULL;
  PrintJob *job = g_new0 (PrintJob, 1);
  GtkPrintOperationResult result;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (plan), FALSE);

  job->plan = g_object_ref (plan);
  job->patient = patient != NULL ? g_object_ref (patient) : NULL;
  if (options != NULL)
    job->options = *options;
  job->options.printed_on = NULL;
  /* Printing finishes later: the job keeps the charts' data */
  if (job->options.trends != NULL)
    g_ptr_array_ref (job->options.trends);
  g_object_set_data_full (G_OBJECT (operation), "kith-print-job", job, (GDestroyNotify) print_job_free);

  if (patient != NULL)
    {
      g_autofree char *name = kith_patient_dup_spoken_name (patient);
      /* Translators: the print job's name */
      job_name = g_strdup_printf (_("Care plan for %s"), name);
    }
  gtk_print_operation_set_job_name (operation, job_name != NULL ? job_name : _("Care plan"));
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print_cb), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page_cb), job);

  if (export_path != NULL)
    {
      gtk_print_operation_set_export_filename (operation, export_path);
      result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error);
    }
  else
    {
      gtk_print_operation_set_allow_async (operation, TRUE);
      if (parent != NULL)
        g_signal_connect_object (operation, "done", G_CALLBACK (on_done_cb), parent, 0);
      result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, error);
    }

  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}
