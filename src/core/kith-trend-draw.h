/* kith-trend-draw.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "kith-progress.h"

G_BEGIN_DECLS

/* Draws one KithSeries as a chart with cairo and pango: shaded bands,
 * labelled in words, readable axes (values up the side, dates along the
 * bottom) and the points joined. The same code draws the chart on screen
 * (KithTrendChart) and in the plan the person keeps at home. */

typedef struct
{
  double      foreground[4];  /* text and axes, RGBA */
  double      accent[4];      /* the line and its points */
  double      background[4];  /* behind the chart: the inside of the points */
  const char *font_family;    /* NULL: sans-serif */
  double      font_size;      /* in user units (pixels on screen, points on paper) */
  gboolean    dark;           /* a dark background: stronger band tints */
  int         selected;       /* the point to ring, or -1 */
} KithTrendStyle;

typedef struct
{
  double x;
  double y;
} KithTrendPosition;

/* Draws @series in the rectangle (0, 0, @width, @height) of @cr. When
 * @positions is not NULL, it is filled with where each point was drawn
 * (KithTrendPosition, one per point), for hit testing. */
void kith_trend_draw (cairo_t              *cr,
                      const KithSeries     *series,
                      double                width,
                      double                height,
                      const KithTrendStyle *style,
                      GArray               *positions);

G_END_DECLS
