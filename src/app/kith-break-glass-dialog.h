/* kith-break-glass-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_BREAK_GLASS_DIALOG (kith_break_glass_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithBreakGlassDialog, kith_break_glass_dialog, KITH, BREAK_GLASS_DIALOG, AdwWindow)

/* Emergency ("break-glass") access to a person's record outside the
 * professional's care team: a typed reason, sent to the practice server,
 * which grants access for a few hours and flags it for the team lead's
 * review (GOVERNANCE.md). ::granted once the server agrees; the record
 * comes with the next sync. */
GtkWidget   *kith_break_glass_dialog_new        (GtkWindow            *parent,
                                                 KithSyncClient       *client,
                                                 const char           *patient_id,
                                                 const char           *person_name);
/* What the Open button does. */
void         kith_break_glass_dialog_request    (KithBreakGlassDialog *self);
/* For the GUI tests */
GtkEditable *kith_break_glass_dialog_get_reason (KithBreakGlassDialog *self);
const char  *kith_break_glass_dialog_get_error  (KithBreakGlassDialog *self);

G_END_DECLS
