/* kith-caseload-filters.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_CASELOAD_FILTERS (kith_caseload_filters_get_type ())

G_DECLARE_FINAL_TYPE (KithCaseloadFilters, kith_caseload_filters, KITH, CASELOAD_FILTERS, GtkWidget)

/* The co-ordinator's filters over a caseload: "My caseload", "Risk tier"
 * (a choice of tiers), "Review overdue", "Actions overdue" and "Safety
 * alerts", each with how many people it would show. They combine; the
 * core does the filtering and the counting (kith_caseload_set_filter()). */
GtkWidget  *kith_caseload_filters_new            (void);
void        kith_caseload_filters_set_caseload   (KithCaseloadFilters *self,
                                                  KithStore           *store,
                                                  KithCaseload        *caseload);
/* Where "my-name" is kept; NULL keeps the name for this run only. */
void        kith_caseload_filters_set_settings   (KithCaseloadFilters *self,
                                                  GSettings           *settings);
/* Every filter off */
void        kith_caseload_filters_clear          (KithCaseloadFilters *self);

/* For the GUI tests: the toggle for @filter (not KITH_CASELOAD_FILTER_TIER),
 * a tier's check button in the risk tier menu, the menu button itself, the
 * count shown for @filter ("" when none is shown), the name entry, and
 * counting now instead of when the main loop is idle. */
GtkToggleButton *kith_caseload_filters_get_toggle     (KithCaseloadFilters *self,
                                                       KithCaseloadFilter   filter);
GtkCheckButton  *kith_caseload_filters_get_tier_check (KithCaseloadFilters *self,
                                                       KithFrailtyBand      band);
GtkMenuButton   *kith_caseload_filters_get_tier_button(KithCaseloadFilters *self);
const char      *kith_caseload_filters_get_count_text (KithCaseloadFilters *self,
                                                       KithCaseloadFilter   filter);
GtkEditable     *kith_caseload_filters_get_name_entry (KithCaseloadFilters *self);
GtkWidget       *kith_caseload_filters_get_name_save  (KithCaseloadFilters *self);
void             kith_caseload_filters_update_counts  (KithCaseloadFilters *self);

G_END_DECLS
