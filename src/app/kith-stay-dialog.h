/* kith-stay-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_STAY_DIALOG (kith_stay_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithStayDialog, kith_stay_dialog, KITH, STAY_DIALOG, AdwWindow)

typedef enum
{
  KITH_STAY_DIALOG_AUTO,        /* a discharge when the person is in hospital, else an admission */
  KITH_STAY_DIALOG_ADMISSION,   /* date, hospital, reason */
  KITH_STAY_DIALOG_DISCHARGE,   /* date, note */
} KithStayDialogKind;

/* Records a hospital admission or a discharge for the person. A discharge
 * also makes their plan's review due and puts them on the follow-up list
 * (kith_contact_record_discharge(), the plan saved as @my_name). The
 * core's refusal is shown in the dialog, with what was typed kept;
 * ::saved once recorded, and the dialog closes. */
GtkWidget   *kith_stay_dialog_new      (GtkWindow          *parent,
                                        KithStore          *store,
                                        const char         *patient_id,
                                        KithStayDialogKind  kind,
                                        const char         *my_name);
KithStayDialogKind kith_stay_dialog_get_kind (KithStayDialog *self);
gboolean     kith_stay_dialog_save     (KithStayDialog     *self,
                                        GError            **error);
/* For the GUI tests */
GtkEditable *kith_stay_dialog_get_date     (KithStayDialog *self);
GtkEditable *kith_stay_dialog_get_hospital (KithStayDialog *self);
GtkEditable *kith_stay_dialog_get_reason   (KithStayDialog *self);
GtkEditable *kith_stay_dialog_get_note     (KithStayDialog *self);

G_END_DECLS
