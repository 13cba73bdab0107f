/* kith-experience-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"
#include "kith-outcomes.h"

G_BEGIN_DECLS

#define KITH_TYPE_EXPERIENCE_DIALOG (kith_experience_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithExperienceDialog, kith_experience_dialog, KITH, EXPERIENCE_DIALOG, AdwWindow)

/* The experience questionnaire and collaboRATE after a review.
 * KITH_EXPERIENCE_SHARED_SCREEN: handed to the person on the shared
 * screen, large and plain, one statement at a time with big answer
 * buttons and nothing else of the record in sight; "Hand Back" saves what
 * was answered and closes. KITH_EXPERIENCE_FROM_PAPER: every statement on
 * one form, with the day the paper was filled in. Saved with
 * kith_experience_record(); ::saved is emitted after. */
GtkWidget  *kith_experience_dialog_new      (GtkWindow            *parent,
                                             KithStore            *store,
                                             const char           *patient_id,
                                             const char           *plan_id,
                                             KithExperienceSource  source,
                                             const char           *recorded_by);

/* For the GUI tests. On the shared screen: the statement shown, an answer
 * button on screen by its words ("Agree"), and the Hand Back button. From
 * paper: a question's row (its model's item 0 is "Not answered"), the
 * date row and the Save button. Any error shown, or NULL. */
const char *kith_experience_dialog_get_statement   (KithExperienceDialog *self);
GtkButton  *kith_experience_dialog_find_answer     (KithExperienceDialog *self,
                                                    const char           *words);
GtkButton  *kith_experience_dialog_get_hand_back_button (KithExperienceDialog *self);
AdwComboRow *kith_experience_dialog_get_row        (KithExperienceDialog *self,
                                                    const char           *link_id);
AdwEntryRow *kith_experience_dialog_get_date_row   (KithExperienceDialog *self);
GtkButton  *kith_experience_dialog_get_save_button (KithExperienceDialog *self);
const char *kith_experience_dialog_get_error       (KithExperienceDialog *self);

G_END_DECLS
