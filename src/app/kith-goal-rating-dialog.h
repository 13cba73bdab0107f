/* kith-goal-rating-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_GOAL_RATING_DIALOG (kith_goal_rating_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithGoalRatingDialog, kith_goal_rating_dialog, KITH, GOAL_RATING_DIALOG, AdwMessageDialog)

/* Rates each goal of @plan with the person, in plain words ("Much less
 * than expected" … "Much more than expected", or "Not rated this time"),
 * with who it was agreed with and who records it. On "save" it records
 * the ratings (kith_progress_rate_goal(), all or none) and emits ::saved,
 * or shows the core's refusal as a toast on @parent. */
GtkWidget   *kith_goal_rating_dialog_new          (GtkWindow            *parent,
                                                   KithStore            *store,
                                                   KithCarePlan         *plan);
/* For the GUI tests: the row of goal @index (selected 0 is "not rated",
 * 1 … 5 are -2 … +2), the names, and saving as "save" does. */
AdwComboRow *kith_goal_rating_dialog_get_goal_row  (KithGoalRatingDialog *self,
                                                    guint                 index);
GtkEditable *kith_goal_rating_dialog_get_agreed_with (KithGoalRatingDialog *self);
GtkEditable *kith_goal_rating_dialog_get_who       (KithGoalRatingDialog *self);
gboolean     kith_goal_rating_dialog_save          (KithGoalRatingDialog *self,
                                                    GError              **error);

G_END_DECLS
