/* kith-trend-chart.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chart of one measure over time. The drawing is the core's (shared with
 * the printed plan); this widget adds the style's colours, the keyboard,
 * hover, and the chosen point in words for sighted and screen-reader users.
 */

#define G_LOG_DOMAIN "kith-trend-chart"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kith-trend-chart.h"
#include "kith-trend-draw.h"

#define NATURAL_WIDTH  480
#define MINIMUM_WIDTH  280
#define PLOT_HEIGHT    200
#define LARGE_HEIGHT   300
/* How near the pointer must be to a point to pick it */
#define HOVER_DISTANCE 24.0

struct _KithTrendChart
{
  GtkWidget   parent_instance;

  KithSeries *series;
  gboolean    large;
  int         selected;
  GArray     *positions;   /* KithTrendPosition, where the last draw put the points */
  GtkWidget  *value_label;
};

G_DEFINE_FINAL_TYPE (KithTrendChart, kith_trend_chart, GTK_TYPE_WIDGET)

static double
plot_height (KithTrendChart *self)
{
  return self->large ? LARGE_HEIGHT : PLOT_HEIGHT;
}

static void
update_value_text (KithTrendChart *self)
{
  g_autofree char *text = NULL;

  if (self->selected >= 0)
    text = kith_series_describe_point (self->series, (guint) self->selected);
  else
    {
      g_autofree char *newest = kith_series_describe_point (self->series, self->series->points->len - 1);

      /* TRANSLATORS: under a chart before a point is chosen: "Latest: PHQ-9 12 on 3 March 2026" */
      text = g_strdup_printf (_("Latest: %s"), newest);
    }
  gtk_label_set_text (GTK_LABEL (self->value_label), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

static void
set_selected (KithTrendChart *self,
              int             index)
{
  int n = (int) self->series->points->len;

  index = CLAMP (index, -1, n - 1);
  if (index == self->selected)
    return;
  self->selected = index;
  update_value_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
style_colours (KithTrendChart *self,
               KithTrendStyle *style)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA fg, accent, bg;

  gtk_style_context_get_color (context, &fg);
  if (!gtk_style_context_lookup_color (context, "accent_color", &accent))
    accent = (GdkRGBA) { 0.21, 0.52, 0.89, 1 };
  if (!gtk_style_context_lookup_color (context, "view_bg_color", &bg))
    bg = (GdkRGBA) { 1, 1, 1, 1 };
  G_GNUC_END_IGNORE_DEPRECATIONS

  style->foreground[0] = fg.red, style->foreground[1] = fg.green;
  style->foreground[2] = fg.blue, style->foreground[3] = fg.alpha;
  style->accent[0] = accent.red, style->accent[1] = accent.green;
  style->accent[2] = accent.blue, style->accent[3] = accent.alpha;
  style->background[0] = bg.red, style->background[1] = bg.green;
  style->background[2] = bg.blue, style->background[3] = bg.alpha;
  /* A dark style is one whose text is lighter than its background. */
  style->dark = (fg.red + fg.green + fg.blue) > (bg.red + bg.green + bg.blue);
}

static char *
dup_font_family (KithTrendChart *self,
                 double         *size)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double pixels = 14;

  if (font && pango_font_description_get_size (font) > 0)
    {
      pixels = (double) pango_font_description_get_size (font) / PANGO_SCALE;
      if (!pango_font_description_get_size_is_absolute (font))
        pixels = pixels * 96.0 / 72.0;
    }
  *size = self->large ? pixels * 1.5 : pixels;
  return g_strdup (font && pango_font_description_get_family (font)
                   ? pango_font_description_get_family (font) : "sans-serif");
}

/* Callbacks */

static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   KithTrendChart        *self)
{
  int n = (int) self->series->points->len;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      set_selected (self, self->selected < 0 ? n - 1 : MAX (self->selected - 1, 0));
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      set_selected (self, self->selected < 0 ? n - 1 : MIN (self->selected + 1, n - 1));
      return TRUE;
    case GDK_KEY_Home:
      set_selected (self, 0);
      return TRUE;
    case GDK_KEY_End:
      set_selected (self, n - 1);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_motion_cb (GtkEventControllerMotion *controller,
              double                    x,
              double                    y,
              KithTrendChart           *self)
{
  int nearest = -1;
  double best = HOVER_DISTANCE;

  for (guint i = 0; i < self->positions->len; i++)
    {
      const KithTrendPosition *p = &g_array_index (self->positions, KithTrendPosition, i);
      /* Mostly by date: a point is easy to reach anywhere above or below it. */
      double distance = ABS (p->x - x) + ABS (p->y - y) / 4;

      if (distance < best)
        {
          best = distance;
          nearest = (int) i;
        }
    }
  if (nearest >= 0)
    set_selected (self, nearest);
}

/* Overrides */

static void
kith_trend_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  KithTrendChart *self = KITH_TREND_CHART (widget);
  int label_min, label_nat;

  gtk_widget_measure (self->value_label, orientation, for_size, &label_min, &label_nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (MINIMUM_WIDTH, label_min);
      *natural = MAX (self->large ? NATURAL_WIDTH * 3 / 2 : NATURAL_WIDTH, label_min);
    }
  else
    {
      *minimum = (int) plot_height (self) + label_min;
      *natural = (int) plot_height (self) + label_nat;
    }
}

static void
kith_trend_chart_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  KithTrendChart *self = KITH_TREND_CHART (widget);
  int label_height;

  gtk_widget_measure (self->value_label, GTK_ORIENTATION_VERTICAL, width, &label_height, NULL, NULL, NULL);
  gtk_widget_size_allocate (self->value_label,
                            &(GtkAllocation) { 0, height - label_height, width, label_height }, -1);
}

static void
kith_trend_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  KithTrendChart *self = KITH_TREND_CHART (widget);
  KithTrendStyle style = { { 0, }, };
  g_autofree char *family = NULL;
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget) - gtk_widget_get_height (self->value_label) - 4;
  cairo_t *cr;

  if (width > 0 && height > 0)
    {
      style_colours (self, &style);
      family = dup_font_family (self, &style.font_size);
      style.font_family = family;
      style.selected = self->selected;
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      kith_trend_draw (cr, self->series, width, height, &style, self->positions);
      /* The keyboard is on the chart: say so around it. */
      if (gtk_widget_has_visible_focus (widget))
        {
          cairo_set_source_rgba (cr, style.accent[0], style.accent[1], style.accent[2], 0.6);
          cairo_set_line_width (cr, 2);
          cairo_rectangle (cr, 1, 1, width - 2, height - 2);
          cairo_stroke (cr);
        }
      cairo_destroy (cr);
    }
  gtk_widget_snapshot_child (widget, self->value_label, snapshot);
}

static void
kith_trend_chart_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (kith_trend_chart_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
kith_trend_chart_dispose (GObject *object)
{
  KithTrendChart *self = KITH_TREND_CHART (object);

  g_clear_pointer (&self->value_label, gtk_widget_unparent);

  G_OBJECT_CLASS (kith_trend_chart_parent_class)->dispose (object);
}

static void
kith_trend_chart_finalize (GObject *object)
{
  KithTrendChart *self = KITH_TREND_CHART (object);

  g_clear_pointer (&self->series, kith_series_free);
  g_clear_pointer (&self->positions, g_array_unref);

  G_OBJECT_CLASS (kith_trend_chart_parent_class)->finalize (object);
}

static void
kith_trend_chart_class_init (KithTrendChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_trend_chart_dispose;
  object_class->finalize = kith_trend_chart_finalize;
  widget_class->measure = kith_trend_chart_measure;
  widget_class->size_allocate = kith_trend_chart_size_allocate;
  widget_class->snapshot = kith_trend_chart_snapshot;
  widget_class->css_changed = kith_trend_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "trendchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kith_trend_chart_init (KithTrendChart *self)
{
  GtkEventController *controller;

  self->selected = -1;
  self->positions = g_array_new (FALSE, FALSE, sizeof (KithTrendPosition));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);

  self->value_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->value_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->value_label), 0);
  gtk_widget_add_css_class (self->value_label, "dim-label");
  gtk_widget_set_parent (self->value_label, GTK_WIDGET (self));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* Public API */

GtkWidget *
kith_trend_chart_new (const KithSeries *series,
                      gboolean          large)
{
  KithTrendChart *self;

  g_return_val_if_fail (series != NULL, NULL);
  g_return_val_if_fail (series->points->len > 0, NULL);

  self = g_object_new (KITH_TYPE_TREND_CHART, NULL);
  self->series = kith_series_copy (series);
  self->large = large;
  if (large)
    gtk_widget_add_css_class (self->value_label, "title-3");
  else
    gtk_widget_add_css_class (self->value_label, "caption");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, series->title,
                                  -1);
  update_value_text (self);
  return GTK_WIDGET (self);
}

int
kith_trend_chart_get_selected (KithTrendChart *self)
{
  g_return_val_if_fail (KITH_IS_TREND_CHART (self), -1);

  return self->selected;
}

void
kith_trend_chart_select (KithTrendChart *self,
                         int             index)
{
  g_return_if_fail (KITH_IS_TREND_CHART (self));

  set_selected (self, index);
}

const char *
kith_trend_chart_get_value_text (KithTrendChart *self)
{
  g_return_val_if_fail (KITH_IS_TREND_CHART (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->value_label));
}
