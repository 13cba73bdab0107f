/* kith-death-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"
#include "kith-end-of-life.h"

G_BEGIN_DECLS

#define KITH_TYPE_DEATH_DIALOG (kith_death_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithDeathDialog, kith_death_dialog, KITH, DEATH_DIALOG, AdwMessageDialog)

/* Records a death (kith-end-of-life.h): the day, and, when the person's
 * preferred place of care at the end of life was recorded, which is
 * shown in their words, whether they died there. With a death recorded
 * already it corrects it, starting from what is recorded. "record" is
 * enabled once the day is a real day, not in the future; the core's
 * refusal shows as a toast. Emits ::saved. */
GtkWidget      *kith_death_dialog_new          (GtkWindow       *parent,
                                                KithStore       *store,
                                                const char      *patient_id,
                                                const char      *recorded_by);
/* For the GUI tests: the day entry, the preferred place as shown (NULL
 * when none was recorded) and the answers to "did they die there". */
GtkEditable    *kith_death_dialog_get_date     (KithDeathDialog *self);
const char     *kith_death_dialog_get_place_text (KithDeathDialog *self);
GtkCheckButton *kith_death_dialog_get_place_check (KithDeathDialog *self,
                                                   KithPlaceMet     place);
/* Records it now; FALSE with @error when the core refuses. */
gboolean        kith_death_dialog_save         (KithDeathDialog *self,
                                                GError         **error);

G_END_DECLS
