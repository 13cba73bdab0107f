/* kith-corrections-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_CORRECTIONS_DIALOG (kith_corrections_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithCorrectionsDialog, kith_corrections_dialog, KITH, CORRECTIONS_DIALOG, AdwWindow)

/* The person's requests to correct their record (kith-correction.h): the
 * list, recording a new request in their words, and recording the change
 * made or the reason it was refused. The core's refusals are shown in the
 * dialog with what was typed kept; ::changed after each save. */
GtkWidget *kith_corrections_dialog_new          (GtkWindow             *parent,
                                                 KithStore             *store,
                                                 const char            *patient_id,
                                                 const char            *my_name);

/* For the GUI tests: the page shown ("list", "request", "decide"), and
 * the steps a person takes with the buttons. */
const char *kith_corrections_dialog_get_page    (KithCorrectionsDialog *self);
guint      kith_corrections_dialog_get_n_rows   (KithCorrectionsDialog *self);
void       kith_corrections_dialog_start_request (KithCorrectionsDialog *self);
void       kith_corrections_dialog_start_decision (KithCorrectionsDialog *self,
                                                  const char            *correction_id,
                                                  KithCorrectionState    state);
GtkEditable *kith_corrections_dialog_get_words  (KithCorrectionsDialog *self);
GtkEditable *kith_corrections_dialog_get_should_say (KithCorrectionsDialog *self);
GtkEditable *kith_corrections_dialog_get_outcome (KithCorrectionsDialog *self);
AdwComboRow *kith_corrections_dialog_get_target (KithCorrectionsDialog *self);
/* What the Record button does; FALSE with the refusal shown. */
gboolean   kith_corrections_dialog_record       (KithCorrectionsDialog *self,
                                                 GError               **error);
const char *kith_corrections_dialog_get_error   (KithCorrectionsDialog *self);

G_END_DECLS
