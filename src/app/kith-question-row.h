/* kith-question-row.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_QUESTION_ROW (kith_question_row_get_type ())

G_DECLARE_FINAL_TYPE (KithQuestionRow, kith_question_row, KITH, QUESTION_ROW, GtkWidget)

/* One question of @instrument in @assessment. Every answer is saved as it
 * is given; typing is saved after a pause, when the focus leaves, and at
 * the latest when the row goes away. */
GtkWidget      *kith_question_row_new             (KithAssessment           *assessment,
                                                   KithInstrument           *instrument,
                                                   const KithInstrumentItem *item);
KithInstrument *kith_question_row_get_instrument  (KithQuestionRow          *self);
const char     *kith_question_row_get_link_id     (KithQuestionRow          *self);
/* The answer widget: a KithOptionGroup, a GtkEntry or a GtkTextView */
GtkWidget      *kith_question_row_get_input       (KithQuestionRow          *self);
/* Shows what is saved, including "from last time" and "was". */
void            kith_question_row_sync            (KithQuestionRow          *self);
/* Saves any typing not saved yet. */
void            kith_question_row_flush           (KithQuestionRow          *self);
/* Answered in this assessment: given, declined or not assessed, and not
 * waiting to be confirmed. */
gboolean        kith_question_row_is_settled      (KithQuestionRow          *self);
gboolean        kith_question_row_focus_input     (KithQuestionRow          *self);

G_END_DECLS
