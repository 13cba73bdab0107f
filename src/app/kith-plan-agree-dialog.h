/* kith-plan-agree-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KITH_TYPE_PLAN_AGREE_DIALOG (kith_plan_agree_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithPlanAgreeDialog, kith_plan_agree_dialog, KITH, PLAN_AGREE_DIALOG, AdwMessageDialog)

/* "Who agreed?" and "How?", with the responses "cancel" and "agree". */
KithPlanAgreeDialog *kith_plan_agree_dialog_new              (GtkWindow           *parent,
                                                              const char          *person_name);
/* "Margaret Smith", or "Daniel Smith (son)" for a representative */
char                *kith_plan_agree_dialog_dup_agreed_by    (KithPlanAgreeDialog *self);
gboolean             kith_plan_agree_dialog_get_by_representative (KithPlanAgreeDialog *self);
/* "in person", "by phone", "by video" or "in writing" */
const char          *kith_plan_agree_dialog_get_how          (KithPlanAgreeDialog *self);

G_END_DECLS
