/* kith-demo-caseload.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

/* A deterministic, wholly synthetic caseload: the same @people and @seed
 * always give the same resources. NHS numbers are in the 999 test range. */
typedef void (*KithDemoResourceFunc) (JsonObject *resource,
                                      gpointer    user_data);

void     kith_demo_caseload_generate (guint                 people,
                                      guint64               seed,
                                      KithDemoResourceFunc  func,
                                      gpointer              user_data);
/* Writes the caseload into @store in a few large transactions. */
gboolean kith_demo_caseload_fill     (KithStore            *store,
                                      guint                 people,
                                      guint64               seed,
                                      GError              **error);

/* As above, with the co-ordinator's day's work around @work_day: visits
 * planned that day, referrals waiting, recent discharges, the virtual
 * ward. The plain functions use the demo's reference day, 1 January 2026,
 * so that a seed always makes the same caseload. */
void     kith_demo_caseload_generate_for_day (guint                 people,
                                              guint64               seed,
                                              const GDate          *work_day,
                                              KithDemoResourceFunc  func,
                                              gpointer              user_data);
gboolean kith_demo_caseload_fill_for_day     (KithStore            *store,
                                              guint                 people,
                                              guint64               seed,
                                              const GDate          *work_day,
                                              GError              **error);

G_END_DECLS
