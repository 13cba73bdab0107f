/* kith-conflicts-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-conflict-card.h"
#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_CONFLICTS_DIALOG (kith_conflicts_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithConflictsDialog, kith_conflicts_dialog, KITH, CONFLICTS_DIALOG, AdwWindow)

/* The conflicts waiting in @store, each to decide. Emits ::resolved after
 * each decision is recorded. */
KithConflictsDialog *kith_conflicts_dialog_new          (GtkWindow           *parent,
                                                         KithStore           *store);
/* Reads the conflicts again, dropping choices not yet made */
void                 kith_conflicts_dialog_reload       (KithConflictsDialog *self);

/* For tests and screenshots */
guint                kith_conflicts_dialog_get_n_cards  (KithConflictsDialog *self);
KithConflictCard    *kith_conflicts_dialog_get_card     (KithConflictsDialog *self,
                                                         guint                index);

G_END_DECLS
