/* kith-plan-decision-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_PLAN_DECISION_DIALOG (kith_plan_decision_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithPlanDecisionDialog, kith_plan_decision_dialog, KITH, PLAN_DECISION_DIALOG, AdwWindow)

/* A shared decision about one need: its options from the option library
 * (by @need_rule_id), what matters most, the preference, how sure the
 * person feels, who took part, the agreed choice and collaboRATE. The
 * decision is recorded on @plan (keyed by @need_id, the need's Condition)
 * and ::decided is emitted; the plan is not saved. */
KithPlanDecisionDialog *kith_plan_decision_dialog_new (KithCarePlan *plan,
                                                       const char   *need_id,
                                                       const char   *need_rule_id,
                                                       const char   *need_title,
                                                       const char   *person_name,
                                                       const char   *editor_name);

G_END_DECLS
