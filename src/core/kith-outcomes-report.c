/* kith-outcomes-report.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The outcomes report as a PDF, for an MDT or a commissioner, drawn with
 * cairo and pango as the meeting's record is: blocks of text laid out
 * once, split across pages between lines, a heading kept with what
 * follows it. A month table is one layout with tab stops, never split.
 * Everything shown is aggregate, with small numbers suppressed.
 */

#define G_LOG_DOMAIN "kith-outcomes"

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "kith-caseload.h"
#include "kith-frailty.h"
#include "kith-outcomes-report.h"
#include "kith-pdf.h"
#include "kith-plan-document.h"

#define FONT_FAMILY      "Cantarell, DejaVu Sans, sans-serif"
#define A4_WIDTH         595.28
#define A4_HEIGHT        841.89
#define MARGIN           54.0
#define BODY_SIZE        10.5
#define TABLE_SIZE       8.5
#define FOOTER_SIZE      9.0
#define MONTHS_PER_TABLE 6
#define LABEL_WIDTH      92.0

typedef enum
{
  STYLE_TITLE,
  STYLE_SUBTITLE,
  STYLE_HEADING,
  STYLE_BODY,
  STYLE_NOTE,
  STYLE_TABLE,
  STYLE_FOOTER,
} Style;

typedef struct
{
  PangoLayout *layout;
  Style        style;
  double       space_before;
  gboolean     keep_with_next;
  gboolean     keep_whole;
  guint        n_lines;
  double      *line_top;        /* n_lines + 1 */
  double      *baseline;
} Block;

typedef struct
{
  guint  block;
  guint  first_line;
  guint  n_lines;
  double y;
} Placement;

struct _KithOutcomesReport
{
  GObject       parent_instance;

  PangoContext *context;
  double        page_width;
  double        page_height;
  double        content_width;
  double        content_bottom;
  GPtrArray    *blocks;         /* Block */
  GPtrArray    *pages;          /* GArray of Placement */
  char         *footer;
};

G_DEFINE_FINAL_TYPE (KithOutcomesReport, kith_outcomes_report, G_TYPE_OBJECT)

static void
block_free (gpointer data)
{
  Block *block = data;

  g_clear_object (&block->layout);
  g_free (block->line_top);
  g_free (block->baseline);
  g_free (block);
}

static char *
date_words (const GDate *date)
{
  g_autofree char *iso = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                                          g_date_get_day (date));
  char *words = kith_plan_document_format_date (iso);

  return words ? words : g_steal_pointer (&iso);
}

/* Building */

static PangoLayout *
create_layout (KithOutcomesReport *self,
               Style               style)
{
  PangoLayout *layout = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);
  double size;

  switch (style)
    {
    case STYLE_TITLE:    size = 22; break;
    case STYLE_SUBTITLE: size = 12; break;
    case STYLE_HEADING:  size = 13.5; break;
    case STYLE_NOTE:     size = 9; break;
    case STYLE_TABLE:    size = TABLE_SIZE; break;
    case STYLE_FOOTER:   size = FOOTER_SIZE; break;
    case STYLE_BODY:
    default:             size = BODY_SIZE; break;
    }
  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  if (style == STYLE_TITLE || style == STYLE_HEADING)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (self->content_width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_line_spacing (layout, 1.2);
  return layout;
}

static void
measure_block (Block *block)
{
  PangoLayoutIter *iter = pango_layout_get_iter (block->layout);
  PangoRectangle logical;
  guint i = 0;

  block->n_lines = pango_layout_get_line_count (block->layout);
  block->line_top = g_new0 (double, block->n_lines + 1);
  block->baseline = g_new0 (double, block->n_lines);
  do
    {
      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      block->line_top[i] = (double) logical.y / PANGO_SCALE;
      block->baseline[i] = (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      i++;
    }
  while (i < block->n_lines && pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);

  pango_layout_get_extents (block->layout, NULL, &logical);
  block->line_top[block->n_lines] = MAX ((double) (logical.y + logical.height) / PANGO_SCALE,
                                         block->line_top[block->n_lines - 1]);
}

static double
block_height (const Block *block,
              guint        first_line,
              guint        n_lines)
{
  return block->line_top[first_line + n_lines] - block->line_top[first_line];
}

/* @markup is Pango markup; every value in it is escaped by the caller. */
static Block *
add_markup (KithOutcomesReport *self,
            Style               style,
            const char         *markup)
{
  Block *block = g_new0 (Block, 1);

  block->style = style;
  block->layout = create_layout (self, style);
  pango_layout_set_markup (block->layout, markup, -1);
  switch (style)
    {
    case STYLE_HEADING:
      block->space_before = 18;
      block->keep_with_next = TRUE;
      break;
    case STYLE_TABLE:
      block->space_before = 6;
      block->keep_whole = TRUE;
      break;
    case STYLE_TITLE:
    case STYLE_SUBTITLE:
    case STYLE_BODY:
    case STYLE_NOTE:
    case STYLE_FOOTER:
    default:
      block->space_before = 3;
      break;
    }
  measure_block (block);
  g_ptr_array_add (self->blocks, block);
  return block;
}

static Block *
add_text (KithOutcomesReport *self,
          Style               style,
          const char         *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  return add_markup (self, style, markup);
}

/* "Label: value", the label in bold */
static void
add_labelled (KithOutcomesReport *self,
              Style               style,
              const char         *label,
              const char         *value)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b> %s", label, value);

  add_markup (self, style, markup);
}

static char *
describe_filters (const KithOutcomeResult *result)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (result->team)
    g_ptr_array_add (parts, g_strdup_printf (_("team: %s"), result->team));
  if (result->coordinator)
    g_ptr_array_add (parts, g_strdup_printf (_("co-ordinator: %s"), result->coordinator));
  if (result->tiers)
    {
      g_autoptr(GPtrArray) tiers = g_ptr_array_new ();
      g_autofree char *list = NULL;

      for (KithFrailtyBand band = KITH_FRAILTY_FIT; band <= KITH_FRAILTY_SEVERE; band++)
        if (result->tiers & KITH_CASELOAD_TIER (band))
          g_ptr_array_add (tiers, (gpointer) kith_frailty_band_id (band));
      g_ptr_array_add (tiers, NULL);
      list = g_strjoinv (", ", (char **) tiers->pdata);
      g_ptr_array_add (parts, g_strdup_printf (_("risk tier: %s"), list));
    }
  if (parts->len == 0)
    return g_strdup (_("everyone on the caseload"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (char **) parts->pdata);
}

static char *
format_days (double days)
{
  return g_strdup_printf ("%.1f", days);
}

/* "12 of 40 (30.0%)", small counts as "<5" and then no rate. */
static char *
describe_figure (guint numerator,
                 guint denominator)
{
  g_autofree char *n = kith_outcomes_format_count (numerator);
  g_autofree char *d = kith_outcomes_format_count (denominator);
  g_autofree char *rate = kith_outcomes_format_rate (numerator, denominator);

  if (g_str_equal (rate, "–"))
    /* TRANSLATORS: an indicator's figure: numerator of denominator */
    return g_strdup_printf (_("%s of %s"), n, d);
  /* TRANSLATORS: an indicator's figure: numerator of denominator (rate) */
  return g_strdup_printf (_("%s of %s (%s)"), n, d, rate);
}

static void
add_month_tables (KithOutcomesReport        *self,
                  const KithIndicatorResult *one)
{
  g_autofree guint8 *numerator_hidden = g_new0 (guint8, one->months->len);
  g_autofree guint8 *denominator_hidden = g_new0 (guint8, one->months->len);
  const char *count_label = one->spec->kind == KITH_INDICATOR_SNAPSHOT ? _("On the last day") : _("In the month");

  kith_outcomes_suppress_months (one, numerator_hidden, denominator_hidden);
  for (guint start = 0; start < one->months->len; start += MONTHS_PER_TABLE)
    {
      guint end = MIN (start + MONTHS_PER_TABLE, one->months->len);
      g_autoptr(GString) markup = g_string_new (NULL);
      double column = (self->content_width - LABEL_WIDTH) / MONTHS_PER_TABLE;
      PangoTabArray *tabs = pango_tab_array_new (MONTHS_PER_TABLE, TRUE);
      Block *block;

      for (guint c = 0; c < MONTHS_PER_TABLE; c++)
        pango_tab_array_set_tab (tabs, c, PANGO_TAB_LEFT, (int) (LABEL_WIDTH + c * column));

      g_string_append_printf (markup, "<b>%s</b>", count_label);
      for (guint m = start; m < end; m++)
        {
          const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);
          char label[32];

          g_date_strftime (label, sizeof label, "%b %Y", &month->first);
          g_string_append_printf (markup, "\t<b>%s</b>", label);
        }
      g_string_append_printf (markup, "\n%s", _("Counted"));
      for (guint m = start; m < end; m++)
        {
          const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);
          g_autofree char *text = kith_outcomes_format_month_count (month->numerator, numerator_hidden[m]);
          g_autofree char *escaped = g_markup_escape_text (text, -1);

          g_string_append_printf (markup, "\t%s", escaped);
        }
      g_string_append_printf (markup, "\n%s", _("Out of"));
      for (guint m = start; m < end; m++)
        {
          const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);
          g_autofree char *text = kith_outcomes_format_month_count (month->denominator, denominator_hidden[m]);
          g_autofree char *escaped = g_markup_escape_text (text, -1);

          g_string_append_printf (markup, "\t%s", escaped);
        }
      g_string_append_printf (markup, "\n%s", _("Rate"));
      for (guint m = start; m < end; m++)
        {
          const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);
          g_autofree char *text = numerator_hidden[m] || denominator_hidden[m]
                                  ? g_strdup ("–")
                                  : kith_outcomes_format_rate (month->numerator, month->denominator);

          g_string_append_printf (markup, "\t%s", text);
        }
      if (one->spec->has_median)
        {
          g_string_append_printf (markup, "\n%s", _("Median days"));
          for (guint m = start; m < end; m++)
            {
              const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);
              /* A median of fewer than 5 would stand for small counts. */
              g_autofree char *text = month->has_median && !numerator_hidden[m] && !denominator_hidden[m] &&
                                      month->denominator >= KITH_OUTCOMES_SMALL_NUMBER
                                      ? format_days (month->median_days) : g_strdup ("–");

              g_string_append_printf (markup, "\t%s", text);
            }
        }

      block = g_new0 (Block, 1);
      block->style = STYLE_TABLE;
      block->space_before = 6;
      block->keep_whole = TRUE;
      block->layout = create_layout (self, STYLE_TABLE);
      pango_layout_set_tabs (block->layout, tabs);
      pango_tab_array_free (tabs);
      pango_layout_set_wrap (block->layout, PANGO_WRAP_WORD);
      pango_layout_set_width (block->layout, -1);
      pango_layout_set_markup (block->layout, markup->str, -1);
      measure_block (block);
      g_ptr_array_add (self->blocks, block);
    }
}

static void
build (KithOutcomesReport      *self,
       const KithOutcomeResult *result)
{
  g_autofree char *from = date_words (&result->from);
  g_autofree char *to = date_words (&result->to);
  g_autofree char *period = g_strdup_printf (_("%s to %s"), from, to);
  g_autofree char *filters = describe_filters (result);

  add_text (self, STYLE_TITLE, _("Outcomes and experience"));
  add_labelled (self, STYLE_SUBTITLE, _("Period:"), period);
  add_labelled (self, STYLE_SUBTITLE, _("Who:"), filters);
  if (result->baseline)
    {
      g_autofree char *base_from = date_words (&result->baseline->from);
      g_autofree char *base_to = date_words (&result->baseline->to);
      /* TRANSLATORS: the baseline's name and its period */
      g_autofree char *text = g_strdup_printf (_("“%s”, %s to %s"), result->baseline->name, base_from, base_to);

      add_labelled (self, STYLE_SUBTITLE, _("Compared with the baseline:"), text);
    }
  add_text (self, STYLE_NOTE,
            _("Counts only, from the records of everyday work: no names, NHS numbers or record ids. "
              "Any count under 5 is shown as “<5”, and then no rate is given; “*” hides a month "
              "from which a small one could be worked out. "
              "Filters choose people by their team, co-ordinator and risk tier as they are now."));

  for (guint i = 0; i < result->indicators->len; i++)
    {
      const KithIndicatorResult *one = result->indicators->pdata[i];
      g_autofree char *figure = describe_figure (one->numerator, one->denominator);
      double change;

      add_text (self, STYLE_HEADING, one->spec->title);
      add_labelled (self, STYLE_BODY, _("Counts:"), one->spec->numerator);
      add_labelled (self, STYLE_BODY, _("Out of:"), one->spec->denominator);
      add_labelled (self, STYLE_NOTE, _("When:"), one->spec->period);
      add_labelled (self, STYLE_NOTE, _("Not counted:"), one->spec->exclusions);
      add_labelled (self, STYLE_BODY,
                    one->spec->kind == KITH_INDICATOR_SNAPSHOT ? _("On the last day:") : _("In the period:"),
                    figure);
      if (one->has_median && one->denominator >= KITH_OUTCOMES_SMALL_NUMBER)
        {
          g_autofree char *days = format_days (one->median_days);

          add_labelled (self, STYLE_BODY, _("Median days:"), days);
        }
      if (result->baseline)
        {
          const KithBaselineValue *value = kith_outcome_baseline_lookup (result->baseline, one->spec->id);
          g_autofree char *then = value ? describe_figure (value->numerator, value->denominator)
                                        : g_strdup (_("not in the baseline"));
          g_autofree char *rate = kith_outcomes_format_rate (one->numerator, one->denominator);
          g_autofree char *base_rate = value ? kith_outcomes_format_rate (value->numerator, value->denominator) : NULL;
          g_autofree char *text = NULL;

          /* A change only between rates both shown: else it could give a
           * small count away. */
          if (value && !g_str_equal (rate, "–") && !g_str_equal (base_rate, "–") &&
              kith_outcomes_compare (one, result->baseline, &change))
            /* TRANSLATORS: the baseline's figure, then the change in percentage points */
            text = g_strdup_printf (_("%s; a change of %+.1f points"), then, change);
          else
            text = g_strdup (then);
          add_labelled (self, STYLE_BODY, _("Baseline:"), text);
        }
      add_month_tables (self, one);
    }
}

/* Pagination */

static double
block_need (KithOutcomesReport *self,
            guint               index)
{
  Block *block = self->blocks->pdata[index];
  double need = block->keep_whole ? block_height (block, 0, block->n_lines)
                                  : block_height (block, 0, MIN (block->n_lines, 2));

  if (block->keep_with_next && index + 1 < self->blocks->len)
    need = block_height (block, 0, block->n_lines) + block_need (self, index + 1) +
           ((Block *) self->blocks->pdata[index + 1])->space_before;
  return need;
}

static void
paginate (KithOutcomesReport *self)
{
  GArray *page = NULL;
  double y = 0;
  gboolean fresh = TRUE;

#define NEW_PAGE() G_STMT_START { \
    page = g_array_new (FALSE, FALSE, sizeof (Placement)); \
    g_ptr_array_add (self->pages, page); \
    y = MARGIN; \
    fresh = TRUE; \
  } G_STMT_END

  NEW_PAGE ();
  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = self->blocks->pdata[i];
      double space = fresh ? 0 : block->space_before;
      guint first = 0;

      if (!fresh && y + space + block_need (self, i) > self->content_bottom)
        {
          NEW_PAGE ();
          space = 0;
        }
      y += space;
      while (first < block->n_lines)
        {
          Placement placement = { i, first, 0, y };
          guint last = first;

          while (last < block->n_lines && y + block_height (block, first, last - first + 1) <= self->content_bottom)
            last++;
          if (last == first && fresh)
            last++;   /* taller than a page: a fresh page takes a line */
          if (last == first)
            {
              NEW_PAGE ();
              continue;
            }
          placement.n_lines = last - first;
          placement.y = y;
          g_array_append_val (page, placement);
          y += block_height (block, first, last - first);
          fresh = FALSE;
          first = last;
          if (first < block->n_lines)
            NEW_PAGE ();
        }
    }
#undef NEW_PAGE
}

/* Drawing */

static void
draw_footer (KithOutcomesReport *self,
             cairo_t            *cr,
             guint               page_nr)
{
  g_autoptr(PangoLayout) layout = create_layout (self, STYLE_FOOTER);
  /* TRANSLATORS: the footer of every page of the outcomes report */
  g_autofree char *text = g_strdup_printf (_("%s  ·  Page %u of %u"), self->footer, page_nr + 1, self->pages->len);

  pango_layout_set_text (layout, text, -1);
  cairo_set_line_width (cr, 0.75);
  cairo_move_to (cr, MARGIN, self->content_bottom + FOOTER_SIZE * 1.2);
  cairo_rel_line_to (cr, self->content_width, 0);
  cairo_stroke (cr);
  cairo_move_to (cr, MARGIN, self->content_bottom + FOOTER_SIZE * 1.6);
  pango_cairo_show_layout (cr, layout);
}

static void
kith_outcomes_report_finalize (GObject *object)
{
  KithOutcomesReport *self = (KithOutcomesReport *) object;

  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_object (&self->context);
  g_clear_pointer (&self->footer, g_free);

  G_OBJECT_CLASS (kith_outcomes_report_parent_class)->finalize (object);
}

static void
kith_outcomes_report_class_init (KithOutcomesReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kith_outcomes_report_finalize;
}

static void
kith_outcomes_report_init (KithOutcomesReport *self)
{
  self->blocks = g_ptr_array_new_with_free_func (block_free);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
}

/* Public API */

KithOutcomesReport *
kith_outcomes_report_new (const KithOutcomeResult *result,
                          const char              *printed_on,
                          double                   page_width,
                          double                   page_height)
{
  KithOutcomesReport *self;
  cairo_font_options_t *font_options;
  g_autofree char *printed = NULL;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (page_width > 2 * MARGIN + LABEL_WIDTH + 100 && page_height > 2 * MARGIN + 100, NULL);

  self = g_object_new (KITH_TYPE_OUTCOMES_REPORT, NULL);
  self->page_width = page_width;
  self->page_height = page_height;
  self->content_width = page_width - 2 * MARGIN;
  self->content_bottom = page_height - MARGIN - FOOTER_SIZE * 3;

  self->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_resolution (self->context, 72);
  pango_context_set_round_glyph_positions (self->context, FALSE);
  font_options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->context, font_options);
  cairo_font_options_destroy (font_options);

  if (printed_on == NULL || !(printed = kith_plan_document_format_date (printed_on)))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

      printed = kith_plan_document_format_date (today);
    }
  /* TRANSLATORS: in the footer of the outcomes report */
  self->footer = g_strdup_printf (_("Outcomes and experience  ·  Printed on %s"), printed ? printed : "");

  build (self, result);
  paginate (self);
  return self;
}

guint
kith_outcomes_report_get_n_pages (KithOutcomesReport *self)
{
  g_return_val_if_fail (KITH_IS_OUTCOMES_REPORT (self), 0);
  return self->pages->len;
}

void
kith_outcomes_report_draw_page (KithOutcomesReport *self,
                                cairo_t            *cr,
                                guint               page_nr)
{
  GArray *page;

  g_return_if_fail (KITH_IS_OUTCOMES_REPORT (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page_nr < self->pages->len);

  page = self->pages->pdata[page_nr];
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, self->page_width, self->page_height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  for (guint i = 0; i < page->len; i++)
    {
      Placement *placement = &g_array_index (page, Placement, i);
      Block *block = self->blocks->pdata[placement->block];

      for (guint l = placement->first_line; l < placement->first_line + placement->n_lines; l++)
        {
          cairo_move_to (cr, MARGIN, placement->y + block->baseline[l] - block->line_top[placement->first_line]);
          pango_cairo_show_layout_line (cr, pango_layout_get_line_readonly (block->layout, l));
        }
      if (block->style == STYLE_HEADING && placement->first_line + placement->n_lines == block->n_lines)
        {
          double y = placement->y + block_height (block, placement->first_line, placement->n_lines) + 1.5;

          cairo_set_line_width (cr, 0.75);
          cairo_move_to (cr, MARGIN, y);
          cairo_line_to (cr, MARGIN + self->content_width, y);
          cairo_stroke (cr);
        }
    }
  draw_footer (self, cr, page_nr);
  cairo_restore (cr);
}

static void
draw_page_cb (gpointer  document,
              cairo_t  *cr,
              guint     page)
{
  kith_outcomes_report_draw_page (document, cr, page);
}

gboolean
kith_outcomes_report_write_pdf (const KithOutcomeResult  *result,
                                const char               *path,
                                GError                  **error)
{
  g_autoptr(KithOutcomesReport) report = NULL;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  report = kith_outcomes_report_new (result, NULL, A4_WIDTH, A4_HEIGHT);
  return kith_pdf_write (path, A4_WIDTH, A4_HEIGHT, _("Outcomes and experience"),
                         kith_outcomes_report_get_n_pages (report), draw_page_cb, report, error);
}
