/* kith-conflict-card.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_CONFLICT_CARD (kith_conflict_card_get_type ())

G_DECLARE_FINAL_TYPE (KithConflictCard, kith_conflict_card, KITH, CONFLICT_CARD, GtkWidget)

/* One record two people changed: each difference with both versions, and
 * the choices. Emits ::decided with the version to keep; the card itself
 * records nothing. Takes @conflict. */
KithConflictCard       *kith_conflict_card_new          (KithSyncConflict *conflict,
                                                         const char       *person_name);
const KithSyncConflict *kith_conflict_card_get_conflict (KithConflictCard *self);
/* Why the decision could not be recorded; the card stays */
void                    kith_conflict_card_show_problem (KithConflictCard *self,
                                                         const char       *message);

/* For tests and screenshots */
guint                   kith_conflict_card_get_n_fields (KithConflictCard *self);
/* Picks your version (@mine) or the server's of difference @field */
void                    kith_conflict_card_choose       (KithConflictCard *self,
                                                         guint             field,
                                                         gboolean          mine);
GtkButton              *kith_conflict_card_get_keep_mine_button   (KithConflictCard *self);
GtkButton              *kith_conflict_card_get_keep_theirs_button (KithConflictCard *self);
GtkButton              *kith_conflict_card_get_use_choices_button (KithConflictCard *self);

G_END_DECLS
