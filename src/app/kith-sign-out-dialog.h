/* kith-sign-out-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KITH_TYPE_SIGN_OUT_DIALOG (kith_sign_out_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithSignOutDialog, kith_sign_out_dialog, KITH, SIGN_OUT_DIALOG, AdwMessageDialog)

/* Responses "cancel", "sign-out" and "remove" (sign out and remove the
 * records from this computer). @unsynced: local changes not yet on the
 * practice server, which removing would lose; the dialog says so. */
KithSignOutDialog *kith_sign_out_dialog_new          (GtkWindow         *parent,
                                                      gint64             unsynced);
/* The warning about unsynced changes, or NULL when there are none */
const char        *kith_sign_out_dialog_get_warning  (KithSignOutDialog *self);

G_END_DECLS
