/* kith-trend-chart.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_TREND_CHART (kith_trend_chart_get_type ())

G_DECLARE_FINAL_TYPE (KithTrendChart, kith_trend_chart, KITH, TREND_CHART, GtkWidget)

/* One KithSeries as a chart (kith-trend-draw.h), with the chosen point's
 * date and value in words underneath. The chart takes the keyboard focus:
 * Left and Right (Home, End) move along the points; hovering picks the
 * nearest point. Screen readers are told the chosen point too.
 * @large: bigger text and a taller chart, for the screen shared with the
 * person. */
GtkWidget  *kith_trend_chart_new          (const KithSeries *series,
                                           gboolean          large);
/* The chosen point (-1 before any) and choosing one, as the keys do. */
int         kith_trend_chart_get_selected (KithTrendChart   *self);
void        kith_trend_chart_select       (KithTrendChart   *self,
                                           int               index);
/* What the label under the chart says now. */
const char *kith_trend_chart_get_value_text (KithTrendChart *self);

G_END_DECLS
