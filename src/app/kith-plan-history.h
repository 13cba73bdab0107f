/* kith-plan-history.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_PLAN_HISTORY (kith_plan_history_get_type ())

G_DECLARE_FINAL_TYPE (KithPlanHistory, kith_plan_history, KITH, PLAN_HISTORY, AdwWindow)

/* Every saved version of a plan, newest first, with who saved it, its
 * state and what changed; choosing one shows what changed from the
 * version before it, or from any earlier version. */
KithPlanHistory *kith_plan_history_new (GtkWindow  *parent,
                                        KithStore  *store,
                                        const char *plan_id);

G_END_DECLS
