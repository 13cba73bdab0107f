/* kith-instrument-group.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_INSTRUMENT_GROUP (kith_instrument_group_get_type ())

G_DECLARE_FINAL_TYPE (KithInstrumentGroup, kith_instrument_group, KITH, INSTRUMENT_GROUP, GtkWidget)

GtkWidget      *kith_instrument_group_new            (KithAssessment      *assessment,
                                                      KithInstrument      *instrument);
KithInstrument *kith_instrument_group_get_instrument (KithInstrumentGroup *self);
/* Shows what is saved, the live score, and the offers and indications
 * among @findings (KithFinding) that belong to this instrument. */
void            kith_instrument_group_refresh        (KithInstrumentGroup *self,
                                                      GPtrArray           *findings);
/* Where the keyboard goes next, in order: the questions (KithQuestionRow)
 * and the offer buttons on screen. */
void            kith_instrument_group_collect_stops  (KithInstrumentGroup *self,
                                                      GPtrArray           *stops);
void            kith_instrument_group_flush          (KithInstrumentGroup *self);
/* The score as shown, "PHQ-9: 12 · Moderate", or NULL without a score */
const char     *kith_instrument_group_get_score_text (KithInstrumentGroup *self);

G_END_DECLS
