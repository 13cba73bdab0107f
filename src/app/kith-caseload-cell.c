/* kith-caseload-cell.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One line of text in a caseload cell, made to be cheap in bulk. GTK 4.8's
 * list views keep about 200 rows alive whatever their height, so the
 * caseload holds a thousand cells before its first frame. A GtkLabel or a
 * GtkInscription each builds its own PangoContext (and, for inscriptions,
 * its own font metrics) and a label shapes its text to be measured. These
 * cells instead:
 *  - share the column view's PangoContext, and font metrics cached on it;
 *  - are one line high and nat-chars wide, so measuring shapes no text;
 *  - make their PangoLayout only when first drawn, so only rows on screen
 *    pay for shaping.
 *  - show their whole text as a tooltip only when it is cut short;
 *  - tell assistive technologies their text once mapped: rows kept off
 *    screen would otherwise each build an accessibility context.
 * Colour comes from CSS as usual ("dim-label", "error"); tabular figures
 * are a Pango attribute (kith_caseload_cell_set_numeric()).
 */

#define G_LOG_DOMAIN "kith-caseload-cell"

#include "config.h"

#include "kith-caseload-cell.h"

struct _KithCaseloadCell
{
  GtkWidget    parent_instance;

  char        *text;
  PangoLayout *layout;      /* NULL until drawn */
  guint        nat_chars;
  guint        numeric : 1;
};

typedef struct
{
  guint serial;             /* of the PangoContext they were measured with */
  int   line_height;        /* pixels */
  int   ascent;             /* pixels */
  int   char_width;         /* pixels */
} CellMetrics;

G_DEFINE_FINAL_TYPE (KithCaseloadCell, kith_caseload_cell, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static GQuark cell_metrics_quark;

static PangoContext *
get_shared_context (KithCaseloadCell *self)
{
  GtkWidget *column_view = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_COLUMN_VIEW);

  return gtk_widget_get_pango_context (column_view != NULL ? column_view : GTK_WIDGET (self));
}

static const CellMetrics *
get_metrics (KithCaseloadCell *self)
{
  PangoContext *context = get_shared_context (self);
  CellMetrics *metrics = g_object_get_qdata (G_OBJECT (context), cell_metrics_quark);

  if (metrics == NULL || metrics->serial != pango_context_get_serial (context))
    {
      PangoFontMetrics *font_metrics = pango_context_get_metrics (context, NULL, NULL);
      int ascent = pango_font_metrics_get_ascent (font_metrics);
      int descent = pango_font_metrics_get_descent (font_metrics);

      metrics = g_new0 (CellMetrics, 1);
      metrics->serial = pango_context_get_serial (context);
      metrics->ascent = PANGO_PIXELS_CEIL (ascent);
      metrics->line_height = PANGO_PIXELS_CEIL (ascent + descent);
      metrics->char_width = PANGO_PIXELS_CEIL (MAX (pango_font_metrics_get_approximate_char_width (font_metrics),
                                                    pango_font_metrics_get_approximate_digit_width (font_metrics)));
      pango_font_metrics_unref (font_metrics);
      g_object_set_qdata_full (G_OBJECT (context), cell_metrics_quark, metrics, g_free);
    }

  return metrics;
}

static void
update_layout_attributes (KithCaseloadCell *self)
{
  g_autoptr(PangoAttrList) attributes = NULL;

  if (self->layout == NULL)
    return;

  if (self->numeric)
    {
      attributes = pango_attr_list_new ();
      pango_attr_list_insert (attributes, pango_attr_font_features_new ("tnum=1"));
    }

  pango_layout_set_attributes (self->layout, attributes);
}

static PangoLayout *
ensure_layout (KithCaseloadCell *self)
{
  if (self->layout == NULL)
    {
      self->layout = pango_layout_new (get_shared_context (self));
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_text (self->layout, self->text != NULL ? self->text : "", -1);
      update_layout_attributes (self);
    }

  return self->layout;
}

static void
kith_caseload_cell_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  KithCaseloadCell *self = KITH_CASELOAD_CELL (widget);
  const CellMetrics *metrics = get_metrics (self);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 0;
      *natural = metrics->char_width * self->nat_chars;
    }
  else
    {
      *minimum = *natural = metrics->line_height;
      *minimum_baseline = *natural_baseline = metrics->ascent;
    }
}

static void
kith_caseload_cell_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  KithCaseloadCell *self = KITH_CASELOAD_CELL (widget);
  const CellMetrics *metrics;
  PangoLayout *layout;
  GdkRGBA color;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (self->text == NULL || *self->text == '\0' || width <= 0)
    return;

  metrics = get_metrics (self);
  layout = ensure_layout (self);
  pango_layout_set_width (layout, width * PANGO_SCALE);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, (height - metrics->line_height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

static void
update_accessible_label (KithCaseloadCell *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->text != NULL ? self->text : "",
                                  -1);
}

static void
kith_caseload_cell_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kith_caseload_cell_parent_class)->map (widget);

  update_accessible_label (KITH_CASELOAD_CELL (widget));
}

static gboolean
kith_caseload_cell_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard_tooltip,
                                  GtkTooltip *tooltip)
{
  KithCaseloadCell *self = KITH_CASELOAD_CELL (widget);

  if (self->layout == NULL || !pango_layout_is_ellipsized (self->layout))
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->text);
  return TRUE;
}

static void
kith_caseload_cell_system_setting_changed (GtkWidget        *widget,
                                           GtkSystemSetting  setting)
{
  KithCaseloadCell *self = KITH_CASELOAD_CELL (widget);

  /* Fonts, hinting or scale changed: measure and shape again. */
  g_clear_object (&self->layout);
  gtk_widget_queue_resize (widget);

  GTK_WIDGET_CLASS (kith_caseload_cell_parent_class)->system_setting_changed (widget, setting);
}

static void
kith_caseload_cell_unroot (GtkWidget *widget)
{
  KithCaseloadCell *self = KITH_CASELOAD_CELL (widget);

  /* The layout belongs to the column view's context. */
  g_clear_object (&self->layout);

  GTK_WIDGET_CLASS (kith_caseload_cell_parent_class)->unroot (widget);
}

static void
kith_caseload_cell_finalize (GObject *object)
{
  KithCaseloadCell *self = KITH_CASELOAD_CELL (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_object (&self->layout);

  G_OBJECT_CLASS (kith_caseload_cell_parent_class)->finalize (object);
}

static void
kith_caseload_cell_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KithCaseloadCell *self = KITH_CASELOAD_CELL (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_caseload_cell_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KithCaseloadCell *self = KITH_CASELOAD_CELL (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      kith_caseload_cell_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_caseload_cell_class_init (KithCaseloadCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kith_caseload_cell_finalize;
  object_class->get_property = kith_caseload_cell_get_property;
  object_class->set_property = kith_caseload_cell_set_property;

  widget_class->measure = kith_caseload_cell_measure;
  widget_class->snapshot = kith_caseload_cell_snapshot;
  widget_class->system_setting_changed = kith_caseload_cell_system_setting_changed;
  widget_class->unroot = kith_caseload_cell_unroot;
  widget_class->map = kith_caseload_cell_map;
  widget_class->query_tooltip = kith_caseload_cell_query_tooltip;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "kith-caseload-cell");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);

  cell_metrics_quark = g_quark_from_static_string ("kith-caseload-cell-metrics");
}

static void
kith_caseload_cell_init (KithCaseloadCell *self)
{
  self->nat_chars = 12;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
kith_caseload_cell_new (void)
{
  return g_object_new (KITH_TYPE_CASELOAD_CELL, NULL);
}

const char *
kith_caseload_cell_get_text (KithCaseloadCell *self)
{
  g_return_val_if_fail (KITH_IS_CASELOAD_CELL (self), NULL);

  return self->text;
}

void
kith_caseload_cell_set_text (KithCaseloadCell *self,
                             const char       *text)
{
  g_return_if_fail (KITH_IS_CASELOAD_CELL (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);

  if (self->layout != NULL)
    pango_layout_set_text (self->layout, text != NULL ? text : "", -1);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    update_accessible_label (self);

  /* One line of a fixed width: new text never changes the size. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

void
kith_caseload_cell_set_numeric (KithCaseloadCell *self,
                                gboolean          numeric)
{
  g_return_if_fail (KITH_IS_CASELOAD_CELL (self));

  self->numeric = !!numeric;
  update_layout_attributes (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
kith_caseload_cell_set_nat_chars (KithCaseloadCell *self,
                                  guint             nat_chars)
{
  g_return_if_fail (KITH_IS_CASELOAD_CELL (self));

  self->nat_chars = nat_chars;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
