/* kith-alert-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_ALERT_DIALOG (kith_alert_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithAlertDialog, kith_alert_dialog, KITH, ALERT_DIALOG, AdwWindow)

/* Asks who acted on @alert, what they did and when, and closes the alert
 * with that (kith_alert_record_action()). ::recorded follows success. */
GtkWidget   *kith_alert_dialog_new       (GtkWindow       *parent,
                                          KithStore       *store,
                                          const KithAlert *alert);
GtkEditable *kith_alert_dialog_get_who   (KithAlertDialog *self);
GtkEditable *kith_alert_dialog_get_when  (KithAlertDialog *self);
GtkTextBuffer *kith_alert_dialog_get_what (KithAlertDialog *self);
/* As the Save button: records, or shows why not and stays open. */
gboolean     kith_alert_dialog_save      (KithAlertDialog *self);
/* The refusal shown, or NULL */
const char  *kith_alert_dialog_get_error (KithAlertDialog *self);

G_END_DECLS
