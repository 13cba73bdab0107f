/* kith-trend-draw.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-trend-draw"

#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "kith-trend-draw.h"

#define POINT_RADIUS 4.0
#define RING_RADIUS  7.5

/* Band tints from low to high: green, yellow, orange, red, deep red. Light
 * enough that text stays readable on top, on light and dark backgrounds. */
static const double band_colours[][3] = {
  { 0.20, 0.70, 0.35 },
  { 0.85, 0.75, 0.10 },
  { 0.95, 0.55, 0.10 },
  { 0.90, 0.30, 0.20 },
  { 0.75, 0.15, 0.30 },
};

typedef struct
{
  const KithSeries     *series;
  const KithTrendStyle *style;
  cairo_t              *cr;
  PangoFontDescription *font;
  double                x0, y0, x1, y1;  /* the plot area */
  double                line_height;
} Chart;

static PangoLayout *
create_text (Chart      *chart,
             const char *text,
             double      scale)
{
  PangoLayout *layout = pango_cairo_create_layout (chart->cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_copy (chart->font);

  pango_font_description_set_absolute_size (font, chart->style->font_size * scale * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
text_size (PangoLayout *layout,
           double      *width,
           double      *height)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  *width = (double) logical.width / PANGO_SCALE;
  *height = (double) logical.height / PANGO_SCALE;
}

static void
set_colour (cairo_t      *cr,
            const double *rgba,
            double        alpha)
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3] * alpha);
}

static double
value_to_y (Chart  *chart,
            double  value)
{
  double span = chart->series->max - chart->series->min;

  if (span <= 0)
    return (chart->y0 + chart->y1) / 2;
  value = CLAMP (value, chart->series->min, chart->series->max);
  return chart->y1 - (value - chart->series->min) / span * (chart->y1 - chart->y0);
}

/* A step of 1, 2 or 5 times a power of ten that gives at most @max_ticks. */
static double
tick_step (double span,
           int    max_ticks)
{
  double step = 1;

  if (max_ticks < 1)
    max_ticks = 1;
  while (span / step > max_ticks)
    {
      if (span / (step * 2) <= max_ticks)
        return step * 2;
      if (span / (step * 5) <= max_ticks)
        return step * 5;
      step *= 10;
    }
  return step;
}

static char *
tick_text (const KithSeries *series,
           double            value)
{
  return kith_series_format_value (series, value);
}

static char *
short_date (const char *date)
{
  gint64 seconds = kith_series_parse_date (date);
  g_autoptr(GDateTime) when = NULL;

  if (seconds == G_MININT64 || !(when = g_date_time_new_from_unix_utc (seconds)))
    return g_strdup ("");
  return g_date_time_format (when, "%-d %b %Y");
}

static void
draw_bands (Chart *chart)
{
  const KithSeries *series = chart->series;
  cairo_t *cr = chart->cr;
  guint n = series->bands->len;

  for (guint i = 0; i < n; i++)
    {
      const KithSeriesBand *band = series->bands->pdata[i];
      /* Spread the colours over the bands: the lowest green, the highest red. */
      guint colour = n <= 1 ? 0 : (guint) round ((double) i * (G_N_ELEMENTS (band_colours) - 1) / (n - 1));
      /* Whole-number bands (0–4, 5–9) meet half-way between. */
      double top = value_to_y (chart, MIN (band->to + 0.5, series->max));
      double bottom = value_to_y (chart, MAX (band->from - 0.5, series->min));
      double w, h;

      cairo_set_source_rgba (cr, band_colours[colour][0], band_colours[colour][1], band_colours[colour][2],
                             chart->style->dark ? 0.28 : 0.18);
      cairo_rectangle (cr, chart->x0, top, chart->x1 - chart->x0, bottom - top);
      cairo_fill (cr);

      if (band->label)
        {
          g_autoptr(PangoLayout) label = create_text (chart, band->label, 0.85);

          text_size (label, &w, &h);
          /* Only where it fits: a thin band keeps its colour without words. */
          if (h <= bottom - top + 1 && w + 8 < chart->x1 - chart->x0)
            {
              set_colour (cr, chart->style->foreground, 0.75);
              cairo_move_to (cr, chart->x1 - w - 4, (top + bottom - h) / 2);
              pango_cairo_show_layout (cr, label);
            }
        }
    }
}

static double
y_label_width (Chart *chart,
               double step)
{
  const KithSeries *series = chart->series;
  double widest = 0;

  for (double v = series->min; v <= series->max + 1e-9; v += step)
    {
      g_autofree char *text = tick_text (series, v);
      g_autoptr(PangoLayout) layout = create_text (chart, text, 1);
      double w, h;

      text_size (layout, &w, &h);
      widest = MAX (widest, w);
    }
  return widest;
}

static void
draw_y_axis (Chart  *chart,
             double  step)
{
  const KithSeries *series = chart->series;
  cairo_t *cr = chart->cr;

  cairo_set_line_width (cr, 1);
  for (double v = series->min; v <= series->max + 1e-9; v += step)
    {
      g_autofree char *text = tick_text (series, v);
      g_autoptr(PangoLayout) layout = create_text (chart, text, 1);
      double y = round (value_to_y (chart, v)) + 0.5;
      double w, h;

      set_colour (cr, chart->style->foreground, 0.15);
      cairo_move_to (cr, chart->x0, y);
      cairo_line_to (cr, chart->x1, y);
      cairo_stroke (cr);

      text_size (layout, &w, &h);
      set_colour (cr, chart->style->foreground, 1);
      cairo_move_to (cr, chart->x0 - 6 - w, y - h / 2);
      pango_cairo_show_layout (cr, layout);
    }

  set_colour (cr, chart->style->foreground, 0.6);
  cairo_move_to (cr, chart->x0 + 0.5, chart->y0);
  cairo_line_to (cr, chart->x0 + 0.5, chart->y1);
  cairo_line_to (cr, chart->x1, chart->y1);
  cairo_stroke (cr);
}

static void
place_points (Chart  *chart,
              GArray *positions)
{
  const KithSeries *series = chart->series;
  gint64 first = G_MAXINT64, last = G_MININT64;
  double pad = RING_RADIUS + 2;

  for (guint i = 0; i < series->points->len; i++)
    {
      gint64 t = kith_series_parse_date (((KithSeriesPoint *) series->points->pdata[i])->date);

      first = MIN (first, t);
      last = MAX (last, t);
    }
  for (guint i = 0; i < series->points->len; i++)
    {
      const KithSeriesPoint *point = series->points->pdata[i];
      gint64 t = kith_series_parse_date (point->date);
      KithTrendPosition p;

      if (last > first)
        p.x = chart->x0 + pad + (double) (t - first) / (double) (last - first) * (chart->x1 - chart->x0 - 2 * pad);
      else
        p.x = (chart->x0 + chart->x1) / 2;
      p.y = value_to_y (chart, point->value);
      g_array_append_val (positions, p);
    }
}

static void
draw_dates (Chart  *chart,
            GArray *positions,
            double  width)
{
  const KithSeries *series = chart->series;
  cairo_t *cr = chart->cr;
  double right_of_last = -G_MAXDOUBLE;
  guint n = series->points->len;

  set_colour (cr, chart->style->foreground, 1);
  for (guint i = 0; i < n; i++)
    {
      /* The newest date matters most: make room for it first. */
      const KithSeriesPoint *point = series->points->pdata[i];
      const KithTrendPosition *p = &g_array_index (positions, KithTrendPosition, i);
      g_autofree char *text = short_date (point->date);
      g_autoptr(PangoLayout) layout = create_text (chart, text, 1);
      double w, h, x;

      text_size (layout, &w, &h);
      x = CLAMP (p->x - w / 2, 0, width - w);
      if (x < right_of_last + 8)
        continue;
      if (i + 1 < n)
        {
          const KithTrendPosition *end = &g_array_index (positions, KithTrendPosition, n - 1);
          g_autofree char *last_text = short_date (((KithSeriesPoint *) series->points->pdata[n - 1])->date);
          g_autoptr(PangoLayout) last = create_text (chart, last_text, 1);
          double lw, lh;

          text_size (last, &lw, &lh);
          if (x + w + 8 > CLAMP (end->x - lw / 2, 0, width - lw))
            continue;
        }
      cairo_move_to (cr, x, chart->y1 + 4);
      pango_cairo_show_layout (cr, layout);
      right_of_last = x + w;
    }
}

static void
draw_line (Chart  *chart,
           GArray *positions)
{
  cairo_t *cr = chart->cr;

  set_colour (cr, chart->style->accent, 1);
  cairo_set_line_width (cr, 2.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < positions->len; i++)
    {
      const KithTrendPosition *p = &g_array_index (positions, KithTrendPosition, i);

      if (i == 0)
        cairo_move_to (cr, p->x, p->y);
      else
        cairo_line_to (cr, p->x, p->y);
    }
  cairo_stroke (cr);

  for (guint i = 0; i < positions->len; i++)
    {
      const KithTrendPosition *p = &g_array_index (positions, KithTrendPosition, i);

      cairo_new_sub_path (cr);
      cairo_arc (cr, p->x, p->y, POINT_RADIUS, 0, 2 * G_PI);
      set_colour (cr, chart->style->accent, 1);
      cairo_fill_preserve (cr);
      set_colour (cr, chart->style->background, 1);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }

  if (chart->style->selected >= 0 && (guint) chart->style->selected < positions->len)
    {
      const KithTrendPosition *p = &g_array_index (positions, KithTrendPosition, chart->style->selected);

      set_colour (cr, chart->style->foreground, 1);
      cairo_set_line_width (cr, 2);
      cairo_new_sub_path (cr);
      cairo_arc (cr, p->x, p->y, RING_RADIUS, 0, 2 * G_PI);
      cairo_stroke (cr);
    }
}

void
kith_trend_draw (cairo_t              *cr,
                 const KithSeries     *series,
                 double                width,
                 double                height,
                 const KithTrendStyle *style,
                 GArray               *positions)
{
  g_autoptr(GArray) own_positions = NULL;
  g_autoptr(PangoFontDescription) font = NULL;
  g_autoptr(PangoLayout) probe = NULL;
  Chart chart = { 0, };
  double w, step;
  int max_ticks;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (series != NULL);
  g_return_if_fail (style != NULL);

  if (positions == NULL)
    positions = own_positions = g_array_new (FALSE, FALSE, sizeof (KithTrendPosition));
  g_array_set_size (positions, 0);
  if (width < 40 || height < 40 || series->points->len == 0)
    return;

  font = pango_font_description_from_string (style->font_family ? style->font_family : "sans-serif");
  chart.series = series;
  chart.style = style;
  chart.cr = cr;
  chart.font = font;

  cairo_save (cr);
  probe = create_text (&chart, "0", 1);
  text_size (probe, &w, &chart.line_height);

  chart.y0 = ceil (chart.line_height / 2) + 2;
  chart.y1 = floor (height - chart.line_height - 6);
  max_ticks = (int) ((chart.y1 - chart.y0) / (chart.line_height * 1.4));
  step = series->value_labels ? 1 : tick_step (series->max - series->min, max_ticks);
  if (series->value_labels && (series->max - series->min) > max_ticks)
    step = ceil ((series->max - series->min) / MAX (max_ticks, 1));
  chart.x0 = ceil (y_label_width (&chart, step) + 10);
  chart.x1 = floor (width - 4);
  if (chart.x1 - chart.x0 < 40 || chart.y1 - chart.y0 < 20)
    {
      cairo_restore (cr);
      return;
    }

  draw_bands (&chart);
  draw_y_axis (&chart, step);
  place_points (&chart, positions);
  draw_dates (&chart, positions, width);
  draw_line (&chart, positions);
  cairo_restore (cr);
}
