/* kith-plan-print.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"
#include "kith-plan-document.h"

G_BEGIN_DECLS

/* Asks "Large print?" and "Crisis section first?" before printing or
 * exporting; responses "cancel" and "go". Read the choices with
 * kith_plan_print_options_dialog_get() in ::response. */
AdwMessageDialog *kith_plan_print_options_dialog_new (GtkWindow        *parent,
                                                      gboolean          for_pdf,
                                                      gboolean          crisis_first);
/* Whether "How I am doing" (the trends pages) was chosen */
gboolean          kith_plan_print_options_dialog_get_trends (AdwMessageDialog *dialog);
void              kith_plan_print_options_dialog_get (AdwMessageDialog *dialog,
                                                      gboolean         *large_print,
                                                      gboolean         *crisis_first);

/* Prints with GtkPrintOperation and KithPlanDocument: the print dialog
 * when @export_path is NULL, else straight to a PDF at @export_path
 * through the same pages (for tests). */
gboolean          kith_plan_print_run                (GtkWindow                     *parent,
                                                      KithCarePlan                  *plan,
                                                      KithPatient                   *patient,
                                                      const KithPlanDocumentOptions *options,
                                                      const char                    *export_path,
                                                      GError                       **error);

G_END_DECLS
