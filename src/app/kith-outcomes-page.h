/* kith-outcomes-page.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_OUTCOMES_PAGE (kith_outcomes_page_get_type ())

G_DECLARE_FINAL_TYPE (KithOutcomesPage, kith_outcomes_page, KITH, OUTCOMES_PAGE, AdwBin)

/* The outcomes dashboard: every indicator with its numerator and
 * denominator, rate, monthly trend and the change since a frozen
 * baseline, for a period and filtered by team, co-ordinator and risk
 * tier; Freeze Baseline…, Export CSV… and Export PDF…. Figures are worked
 * out on a worker thread (kith_outcomes_compute_async()); the page says so
 * while the first compute reads the store. Counts under 5 show as "<5",
 * as in the exports. Property "store". */
GtkWidget  *kith_outcomes_page_new          (KithStore        *store);
KithStore  *kith_outcomes_page_get_store    (KithOutcomesPage *self);
void        kith_outcomes_page_set_store    (KithOutcomesPage *self,
                                             KithStore        *store);
/* Works the figures out again (the store may have changed). */
void        kith_outcomes_page_reload       (KithOutcomesPage *self);
/* The period shown (inclusive). */
void        kith_outcomes_page_set_period   (KithOutcomesPage *self,
                                             const GDate      *from,
                                             const GDate      *to);

/* What the Export and Freeze buttons do once a place or name is chosen;
 * FALSE with the error shown as a toast. */
gboolean    kith_outcomes_page_export_csv   (KithOutcomesPage *self,
                                             GFile            *folder);
gboolean    kith_outcomes_page_export_pdf   (KithOutcomesPage *self,
                                             GFile            *file);
void        kith_outcomes_page_freeze_baseline (KithOutcomesPage *self,
                                                const char       *name);

/* For the GUI tests: "loading", "figures" or "error"; whether a compute
 * is running; an indicator's counts ("12 of 20"), rate ("60%") and
 * change since the baseline as shown; the filters' drop-downs (item 0 is
 * "everyone") and tier check buttons (fit, mild, moderate, severe); the
 * baseline drop-down (item 0: none). */
const char  *kith_outcomes_page_get_state        (KithOutcomesPage *self);
gboolean     kith_outcomes_page_is_busy          (KithOutcomesPage *self);
const char  *kith_outcomes_page_get_counts_text  (KithOutcomesPage *self,
                                                  const char       *indicator_id);
const char  *kith_outcomes_page_get_rate_text    (KithOutcomesPage *self,
                                                  const char       *indicator_id);
const char  *kith_outcomes_page_get_change_text  (KithOutcomesPage *self,
                                                  const char       *indicator_id);
GtkDropDown *kith_outcomes_page_get_team_dropdown        (KithOutcomesPage *self);
GtkDropDown *kith_outcomes_page_get_coordinator_dropdown (KithOutcomesPage *self);
GtkDropDown *kith_outcomes_page_get_baseline_dropdown    (KithOutcomesPage *self);
GtkCheckButton *kith_outcomes_page_get_tier_check        (KithOutcomesPage *self,
                                                          guint             band);

G_END_DECLS
