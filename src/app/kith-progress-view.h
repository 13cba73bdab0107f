/* kith-progress-view.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_PROGRESS_VIEW (kith_progress_view_get_type ())

G_DECLARE_FINAL_TYPE (KithProgressView, kith_progress_view, KITH, PROGRESS_VIEW, AdwBin)

/* The person's own progress: a chart per measure with data
 * (kith_progress_list_series()), or "No scores recorded yet"; "Rate
 * Goals…" to record how each goal of the current plan is going, agreed
 * with the person; "Show to the Person" for a large, plain window on the
 * shared screen. Properties: "store" (KithStore), "patient-id". */
GtkWidget  *kith_progress_view_new         (KithStore        *store,
                                            const char       *patient_id);
/* Reads the series again (after an assessment or a plan changed). */
void        kith_progress_view_reload      (KithProgressView *self);

/* For the GUI tests: the stack's page ("empty" or "charts"), the charts
 * (KithTrendChart) in order, and the buttons' actions. */
const char *kith_progress_view_get_state   (KithProgressView *self);
GPtrArray  *kith_progress_view_list_charts (KithProgressView *self);
GtkWidget  *kith_progress_view_rate_goals  (KithProgressView *self);
GtkWidget  *kith_progress_view_show_to_person (KithProgressView *self);

G_END_DECLS
