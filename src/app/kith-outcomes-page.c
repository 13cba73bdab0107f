/* kith-outcomes-page.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The outcomes dashboard. The figures come from the core
 * (kith_outcomes_compute_async()) on a worker thread with a store
 * connection of its own: the first compute on a large store reads for
 * seconds, later ones take milliseconds. A filter or period change
 * cancels the compute in flight and asks again; the figures on screen
 * stay until the new ones come. Counts are shown as the exports show
 * them, small numbers hidden, because this page goes up on the screen in
 * MDT meetings.
 */

#define G_LOG_DOMAIN "kith-outcomes-page"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-outcomes.h"
#include "kith-outcomes-page.h"
#include "kith-outcomes-report.h"

#define SPARK_WIDTH  120
#define SPARK_HEIGHT 40

struct _KithOutcomesPage
{
  AdwBin                parent_instance;

  KithStore            *store;
  GCancellable         *cancellable;   /* the compute in flight */
  KithOutcomeResult    *result;        /* what is on screen, or NULL */
  GPtrArray            *baselines;     /* KithOutcomeBaseline */
  GHashTable           *rows;          /* indicator id → IndicatorRow */
  GDate                 from;
  GDate                 to;
  gboolean              updating;      /* filling the filters in: no recompute */
  GtkFileChooserNative *chooser;

  /* Template widgets */
  GtkLabel             *summary_label;
  GtkSpinner           *busy_spinner;
  GtkSpinner           *loading_spinner;
  GtkWidget            *freeze_button;
  GtkMenuButton        *from_button;
  GtkMenuButton        *to_button;
  GtkCalendar          *from_calendar;
  GtkCalendar          *to_calendar;
  GtkDropDown          *team_dropdown;
  GtkDropDown          *coordinator_dropdown;
  GtkMenuButton        *tier_button;
  GtkCheckButton       *fit_check;
  GtkCheckButton       *mild_check;
  GtkCheckButton       *moderate_check;
  GtkCheckButton       *severe_check;
  GtkDropDown          *baseline_dropdown;
  GtkStack             *stack;
  AdwStatusPage        *error_page;
  GtkListBox           *indicator_list;
};

G_DEFINE_FINAL_TYPE (KithOutcomesPage, kith_outcomes_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One indicator's row: what the figures update. */
typedef struct
{
  GtkLabel  *counts;
  GtkLabel  *rate;
  GtkLabel  *change;
  GtkWidget *spark;
  GArray    *rates;    /* double per month, NAN where hidden */
} IndicatorRow;

static void
indicator_row_free (IndicatorRow *row)
{
  g_clear_pointer (&row->rates, g_array_unref);
  g_free (row);
}

static void request_compute (KithOutcomesPage *self);

/* Helpers */

static void
show_toast (KithOutcomesPage *self,
            const char       *message)
{
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self))), adw_toast_new (message));
}

static char *
format_gdate (const GDate   *date,
              KithDateStyle  style)
{
  g_autofree char *iso = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                                          g_date_get_day (date));

  return kith_format_iso_date (iso, style);
}

static void
select_calendar_day (GtkCalendar *calendar,
                     const GDate *date)
{
  g_autoptr(GDateTime) day = g_date_time_new_local (g_date_get_year (date), g_date_get_month (date),
                                                    g_date_get_day (date), 12, 0, 0);

  gtk_calendar_select_day (calendar, day);
}

static void
update_period_buttons (KithOutcomesPage *self)
{
  g_autofree char *first = format_gdate (&self->from, KITH_DATE_STYLE_SHORT);
  g_autofree char *last = format_gdate (&self->to, KITH_DATE_STYLE_SHORT);
  /* Translators: the first day of the period shown, "From 1 Apr 2025" */
  g_autofree char *from_text = g_strdup_printf (_("From %s"), first);
  /* Translators: the last day of the period shown, "To 31 Mar 2026" */
  g_autofree char *to_text = g_strdup_printf (_("To %s"), last);

  gtk_menu_button_set_label (self->from_button, from_text);
  gtk_menu_button_set_label (self->to_button, to_text);
}

static guint
selected_tiers (KithOutcomesPage *self)
{
  GtkCheckButton *checks[] = { self->fit_check, self->mild_check, self->moderate_check, self->severe_check };
  guint tiers = 0;

  for (guint band = 0; band < G_N_ELEMENTS (checks); band++)
    if (gtk_check_button_get_active (checks[band]))
      tiers |= KITH_CASELOAD_TIER (band);
  return tiers;
}

static void
update_tier_button (KithOutcomesPage *self)
{
  GtkCheckButton *checks[] = { self->fit_check, self->mild_check, self->moderate_check, self->severe_check };
  guint tiers = selected_tiers (self);
  guint n = 0;
  const char *one = NULL;

  for (guint band = 0; band < G_N_ELEMENTS (checks); band++)
    if (tiers & KITH_CASELOAD_TIER (band))
      {
        n++;
        one = kith_format_risk_tier (kith_frailty_band_id (band));
      }
  if (n == 0 || n == G_N_ELEMENTS (checks))
    gtk_menu_button_set_label (self->tier_button, _("Every risk tier"));
  else if (n == 1)
    gtk_menu_button_set_label (self->tier_button, one);
  else
    {
      /* Translators: how many risk tiers the figures are for, "2 risk tiers" */
      g_autofree char *text = g_strdup_printf (ngettext ("%u risk tier", "%u risk tiers", n), n);

      gtk_menu_button_set_label (self->tier_button, text);
    }
}

/* The chosen name, or NULL for item 0 ("every team"). */
static const char *
dropdown_choice (GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  return selected == 0 || selected == GTK_INVALID_LIST_POSITION || item == NULL
         ? NULL : gtk_string_object_get_string (item);
}

/* Puts @everyone and @names in @dropdown, keeping what was chosen. */
static void
fill_dropdown (GtkDropDown        *dropdown,
               const char         *everyone,
               const char * const *names)
{
  g_autofree char *chosen = g_strdup (dropdown_choice (dropdown));
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  guint keep = 0;

  gtk_string_list_append (list, everyone);
  for (guint i = 0; names && names[i]; i++)
    {
      gtk_string_list_append (list, names[i]);
      if (g_strcmp0 (names[i], chosen) == 0)
        keep = i + 1;
    }
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (dropdown, keep);
}

static void
update_summary (KithOutcomesPage *self)
{
  g_autofree char *first = format_gdate (&self->from, KITH_DATE_STYLE_LONG);
  g_autofree char *last = format_gdate (&self->to, KITH_DATE_STYLE_LONG);
  const char *team = dropdown_choice (self->team_dropdown);
  const char *coordinator = dropdown_choice (self->coordinator_dropdown);
  g_autoptr(GString) text = g_string_new (NULL);

  /* Translators: the period the figures are for, "1 April 2025 to 31 March 2026" */
  g_string_append_printf (text, _("%s to %s"), first, last);
  if (team)
    g_string_append_printf (text, " · %s", team);
  if (coordinator)
    /* Translators: the figures are for one co-ordinator's people */
    g_string_append_printf (text, _(" · co-ordinated by %s"), coordinator);
  if (team == NULL && coordinator == NULL && selected_tiers (self) == 0)
    g_string_append_printf (text, " · %s", _("everyone on the caseload"));
  gtk_label_set_text (self->summary_label, text->str);
}

static const KithOutcomeBaseline *
chosen_baseline (KithOutcomesPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->baseline_dropdown);

  if (self->baselines == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > self->baselines->len)
    return NULL;
  return self->baselines->pdata[selected - 1];
}

static void
reload_baselines (KithOutcomesPage *self,
                  const char       *select)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  GPtrArray *baselines;

  if (self->store == NULL)
    return;
  if (!(baselines = kith_outcomes_list_baselines (self->store, &error)))
    {
      show_toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->baselines, g_ptr_array_unref);
  self->baselines = baselines;
  for (guint i = 0; i < baselines->len; i++)
    g_strv_builder_add (names, ((KithOutcomeBaseline *) baselines->pdata[i])->name);
  list = g_strv_builder_end (names);

  self->updating = TRUE;
  fill_dropdown (self->baseline_dropdown, _("No baseline"), (const char * const *) list);
  for (guint i = 0; select && i < baselines->len; i++)
    if (g_strcmp0 (((KithOutcomeBaseline *) baselines->pdata[i])->name, select) == 0)
      gtk_drop_down_set_selected (self->baseline_dropdown, i + 1);
  self->updating = FALSE;
}

/* A small monthly trend of the rate: months with a count under 5 are
 * gaps, as they are hidden in the exports. */
static void
draw_spark (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  IndicatorRow *row = user_data;
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (area));
  GdkRGBA colour;
  double step;
  gboolean drawing = FALSE;

  if (row->rates == NULL || row->rates->len == 0)
    return;
  gtk_style_context_get_color (style, &colour);
  cairo_set_source_rgba (cr, colour.red, colour.green, colour.blue, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, height - 0.5);
  cairo_line_to (cr, width, height - 0.5);
  cairo_stroke (cr);

  step = row->rates->len > 1 ? (width - 6.0) / (row->rates->len - 1) : 0;
  cairo_set_source_rgba (cr, colour.red, colour.green, colour.blue, 0.9);
  cairo_set_line_width (cr, 2);
  for (guint m = 0; m < row->rates->len; m++)
    {
      double rate = g_array_index (row->rates, double, m);
      double x = 3 + step * m, y = 3 + (height - 6) * (1 - rate / 100.0);

      if (isnan (rate))
        {
          if (drawing)
            cairo_stroke (cr);
          drawing = FALSE;
          continue;
        }
      if (drawing)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      drawing = TRUE;
      cairo_arc (cr, x, y, 1.5, 0, 2 * G_PI);
      cairo_move_to (cr, x, y);
    }
  if (drawing)
    cairo_stroke (cr);
}

static GtkWidget *
new_indicator_row (KithOutcomesPage        *self,
                   const KithIndicatorSpec *spec)
{
  IndicatorRow *row = g_new0 (IndicatorRow, 1);
  GtkWidget *list_row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *words = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *figures = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (spec->title);
  GtkWidget *counts_what = gtk_label_new (spec->numerator);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (list_row), FALSE);

  gtk_widget_set_hexpand (words, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (counts_what), 0);
  gtk_label_set_wrap (GTK_LABEL (counts_what), TRUE);
  gtk_label_set_lines (GTK_LABEL (counts_what), 3);
  gtk_label_set_ellipsize (GTK_LABEL (counts_what), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (counts_what, spec->denominator);
  gtk_widget_add_css_class (counts_what, "dim-label");
  gtk_widget_add_css_class (counts_what, "caption");
  row->counts = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->counts, 0);
  gtk_label_set_wrap (row->counts, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (row->counts), "numeric");
  gtk_box_append (GTK_BOX (words), title);
  gtk_box_append (GTK_BOX (words), counts_what);
  gtk_box_append (GTK_BOX (words), GTK_WIDGET (row->counts));

  row->spark = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (row->spark), SPARK_WIDTH);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (row->spark), SPARK_HEIGHT);
  gtk_widget_set_valign (row->spark, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->spark), draw_spark, row, NULL);

  gtk_widget_set_size_request (figures, 150, -1);
  gtk_widget_set_valign (figures, GTK_ALIGN_CENTER);
  row->rate = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->rate, 1);
  gtk_widget_add_css_class (GTK_WIDGET (row->rate), "title-2");
  gtk_widget_add_css_class (GTK_WIDGET (row->rate), "numeric");
  row->change = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->change, 1);
  gtk_label_set_wrap (row->change, TRUE);
  gtk_label_set_justify (row->change, GTK_JUSTIFY_RIGHT);
  gtk_label_set_max_width_chars (row->change, 20);
  gtk_widget_add_css_class (GTK_WIDGET (row->change), "caption");
  gtk_box_append (GTK_BOX (figures), GTK_WIDGET (row->rate));
  gtk_box_append (GTK_BOX (figures), GTK_WIDGET (row->change));

  gtk_box_append (GTK_BOX (box), words);
  gtk_box_append (GTK_BOX (box), row->spark);
  gtk_box_append (GTK_BOX (box), figures);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (list_row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_row), GTK_ACCESSIBLE_PROPERTY_LABEL, spec->title, -1);

  g_hash_table_insert (self->rows, g_strdup (spec->id), row);
  return list_row;
}

static gboolean
counts_shown (guint numerator,
              guint denominator)
{
  return numerator >= KITH_OUTCOMES_SMALL_NUMBER && denominator >= KITH_OUTCOMES_SMALL_NUMBER;
}

static void
update_row (KithOutcomesPage          *self,
            IndicatorRow              *row,
            const KithIndicatorResult *one,
            const KithOutcomeBaseline *baseline)
{
  g_autofree char *numerator = kith_outcomes_format_count (one->numerator);
  g_autofree char *denominator = kith_outcomes_format_count (one->denominator);
  g_autofree char *rate = kith_outcomes_format_rate (one->numerator, one->denominator);
  g_autoptr(GString) counts = g_string_new (NULL);
  g_autoptr(GString) trend = g_string_new (NULL);

  /* Translators: an indicator's numerator and denominator, "12 of 20" */
  g_string_printf (counts, _("%s of %s"), numerator, denominator);
  if (one->has_median && counts_shown (one->numerator, one->denominator))
    /* Translators: the median time, in days, "median 2 days" */
    g_string_append_printf (counts, ngettext (" · median %g day", " · median %g days",
                                              (gulong) ceil (one->median_days)),
                            one->median_days);
  gtk_label_set_text (row->counts, counts->str);
  gtk_label_set_text (row->rate, rate);

  if (baseline == NULL)
    gtk_label_set_text (row->change, "");
  else
    {
      const KithBaselineValue *then = kith_outcome_baseline_lookup (baseline, one->spec->id);
      double change;

      if (then == NULL || !counts_shown (one->numerator, one->denominator) ||
          !counts_shown (then->numerator, then->denominator) || !kith_outcomes_compare (one, baseline, &change))
        gtk_label_set_text (row->change, _("Too few to compare with the baseline"));
      else
        {
          /* Translators: the change in a rate since the baseline, "+5.2 points since the baseline" */
          g_autofree char *text = fabs (change) < 0.05 ? g_strdup (_("No change since the baseline"))
                                                       : g_strdup_printf (_("%+.1f points since the baseline"), change);

          gtk_label_set_text (row->change, text);
        }
    }

  g_clear_pointer (&row->rates, g_array_unref);
  row->rates = g_array_sized_new (FALSE, FALSE, sizeof (double), one->months->len);
  for (guint m = 0; m < one->months->len; m++)
    {
      const KithOutcomeMonth *month = &g_array_index (one->months, KithOutcomeMonth, m);
      double value = counts_shown (month->numerator, month->denominator)
                     ? kith_outcomes_rate (month->numerator, month->denominator) : NAN;

      g_array_append_val (row->rates, value);
      if (!isnan (value))
        {
          g_autofree char *day = format_gdate (&month->first, KITH_DATE_STYLE_SHORT);

          g_string_append_printf (trend, "%s%s %.0f%%", trend->len ? ", " : "", day, value);
        }
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->spark), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  trend->len ? trend->str : _("Too few each month to show a trend"), -1);
  gtk_widget_queue_draw (row->spark);
}

static void
show_result (KithOutcomesPage *self)
{
  const KithOutcomeBaseline *baseline = chosen_baseline (self);

  if (self->result == NULL)
    return;
  if (g_hash_table_size (self->rows) == 0)
    for (guint i = 0; i < self->result->indicators->len; i++)
      {
        const KithIndicatorResult *one = self->result->indicators->pdata[i];

        gtk_list_box_append (self->indicator_list, new_indicator_row (self, one->spec));
      }
  for (guint i = 0; i < self->result->indicators->len; i++)
    {
      const KithIndicatorResult *one = self->result->indicators->pdata[i];
      IndicatorRow *row = g_hash_table_lookup (self->rows, one->spec->id);

      if (row)
        update_row (self, row, one, baseline);
    }
  if (baseline)
    kith_outcome_result_set_baseline (self->result, baseline);
  else
    g_clear_pointer (&self->result->baseline, kith_outcome_baseline_free);
  gtk_stack_set_visible_child_name (self->stack, "figures");
}

static void
set_busy (KithOutcomesPage *self,
          gboolean          busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), busy && self->result != NULL);
  gtk_spinner_set_spinning (self->busy_spinner, busy && self->result != NULL);
  gtk_spinner_set_spinning (self->loading_spinner, busy && self->result == NULL);
  if (busy && self->result == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
}

static void
on_computed_cb (GObject      *source,
                GAsyncResult *async_result,
                gpointer      user_data)
{
  g_autoptr(KithOutcomesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  KithOutcomeResult *result = kith_outcomes_compute_finish (KITH_STORE (source), async_result, &error);

  /* A newer compute replaced this one; or the page is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  if (result == NULL)
    {
      g_clear_pointer (&self->result, kith_outcome_result_free);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.export-csv", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.export-pdf", FALSE);
      gtk_widget_set_sensitive (self->freeze_button, FALSE);
      return;
    }
  g_clear_pointer (&self->result, kith_outcome_result_free);
  self->result = result;

  self->updating = TRUE;
  fill_dropdown (self->team_dropdown, _("Every team"), (const char * const *) result->teams);
  fill_dropdown (self->coordinator_dropdown, _("Every co-ordinator"), (const char * const *) result->coordinators);
  self->updating = FALSE;

  show_result (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.export-csv", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.export-pdf", TRUE);
  gtk_widget_set_sensitive (self->freeze_button, TRUE);
}

static void
current_filter (KithOutcomesPage  *self,
                KithOutcomeFilter *filter)
{
  filter->team = dropdown_choice (self->team_dropdown);
  filter->coordinator = dropdown_choice (self->coordinator_dropdown);
  filter->tiers = selected_tiers (self);
  filter->now = NULL;
}

static void
request_compute (KithOutcomesPage *self)
{
  KithOutcomeFilter filter;

  update_summary (self);
  update_tier_button (self);
  if (self->store == NULL)
    return;
  /* Only the newest question is answered. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  current_filter (self, &filter);
  set_busy (self, TRUE);
  kith_outcomes_compute_async (self->store, &filter, &self->from, &self->to, self->cancellable,
                               on_computed_cb, g_object_ref (self));
}

/* Callbacks */

static void
on_filter_changed_cb (KithOutcomesPage *self)
{
  if (!self->updating)
    request_compute (self);
}

static void
on_baseline_changed_cb (KithOutcomesPage *self)
{
  if (!self->updating)
    show_result (self);
}

static void
on_period_day_selected_cb (KithOutcomesPage *self,
                           GtkCalendar      *calendar)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (calendar);
  GDate date;

  if (self->updating)
    return;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (day), g_date_time_get_month (day),
                  g_date_time_get_year (day));
  if (calendar == self->from_calendar)
    {
      self->from = date;
      if (g_date_compare (&self->from, &self->to) > 0)
        self->to = date;
    }
  else
    {
      self->to = date;
      if (g_date_compare (&self->from, &self->to) > 0)
        self->from = date;
    }
  gtk_menu_button_popdown (calendar == self->from_calendar ? self->from_button : self->to_button);
  kith_outcomes_page_set_period (self, &self->from, &self->to);
}

typedef struct
{
  KithOutcomesPage *page;
  char             *name;
} Freezing;

static void
on_baseline_frozen_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Freezing *freezing = user_data;
  KithOutcomesPage *self = freezing->page;
  g_autoptr(GError) error = NULL;

  if (!kith_outcomes_freeze_baseline_finish (KITH_STORE (source), result, &error))
    show_toast (self, error->message);
  else
    {
      /* Translators: %s is the name given to a frozen baseline */
      g_autofree char *text = g_strdup_printf (_("Baseline “%s” frozen"), freezing->name);

      reload_baselines (self, freezing->name);
      show_result (self);
      show_toast (self, text);
    }
  g_object_unref (freezing->page);
  g_free (freezing->name);
  g_free (freezing);
}

static void
on_freeze_entry_changed_cb (GtkEditable      *entry,
                            AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "freeze", *name != '\0');
}

static void
on_freeze_dialog_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              KithOutcomesPage *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "name-entry");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (g_strcmp0 (response, "freeze") == 0 && *name)
    kith_outcomes_page_freeze_baseline (self, name);
}

static void
on_freeze_clicked_cb (KithOutcomesPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *first = format_gdate (&self->from, KITH_DATE_STYLE_LONG);
  g_autofree char *last = format_gdate (&self->to, KITH_DATE_STYLE_LONG);
  /* Translators: the period a baseline is frozen for */
  g_autofree char *body = g_strdup_printf (_("The figures for %s to %s, with these filters, are kept under a name "
                                             "and never change. Later periods can be compared with them."),
                                           first, last);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Freeze a Baseline"), body);
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("For example “Before the pilot”"));
  gtk_entry_set_max_length (GTK_ENTRY (entry), 80);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "freeze", _("_Freeze"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "freeze", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "freeze", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "freeze");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "name-entry", entry);
  g_signal_connect (entry, "changed", G_CALLBACK (on_freeze_entry_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_freeze_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_chooser_response_cb (GtkNativeDialog  *chooser,
                        int               response,
                        KithOutcomesPage *self)
{
  g_autoptr(GFile) file = NULL;
  gboolean pdf = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "pdf"));

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))))
    {
      if (pdf)
        kith_outcomes_page_export_pdf (self, file);
      else
        kith_outcomes_page_export_csv (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
open_chooser (KithOutcomesPage *self,
              gboolean          pdf)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->result == NULL)
    return;
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (pdf ? _("Export the Outcomes Report") : _("Export the Figures as CSV"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               pdf ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                   : GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               pdf ? _("_Export") : _("_Choose Folder"), _("_Cancel"));
  if (pdf)
    {
      g_autofree char *name = g_strdup_printf ("outcomes-%04d-%02d-%02d-to-%04d-%02d-%02d.pdf",
                                               g_date_get_year (&self->from), g_date_get_month (&self->from),
                                               g_date_get_day (&self->from), g_date_get_year (&self->to),
                                               g_date_get_month (&self->to), g_date_get_day (&self->to));

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data (G_OBJECT (self->chooser), "pdf", GINT_TO_POINTER (pdf));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
outcomes_export_csv_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  open_chooser (KITH_OUTCOMES_PAGE (widget), FALSE);
}

static void
outcomes_export_pdf_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  open_chooser (KITH_OUTCOMES_PAGE (widget), TRUE);
}

static void
on_map_cb (KithOutcomesPage *self)
{
  /* Each time it comes on screen: the store may have changed. */
  kith_outcomes_page_reload (self);
}

/* Overrides */

static void
kith_outcomes_page_dispose (GObject *object)
{
  KithOutcomesPage *self = KITH_OUTCOMES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_OUTCOMES_PAGE);
  g_clear_object (&self->store);
  g_clear_pointer (&self->result, kith_outcome_result_free);
  g_clear_pointer (&self->baselines, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (kith_outcomes_page_parent_class)->dispose (object);
}

static void
kith_outcomes_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KithOutcomesPage *self = KITH_OUTCOMES_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_outcomes_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KithOutcomesPage *self = KITH_OUTCOMES_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      kith_outcomes_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_outcomes_page_class_init (KithOutcomesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_outcomes_page_dispose;
  object_class->get_property = kith_outcomes_page_get_property;
  object_class->set_property = kith_outcomes_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, KITH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-outcomes-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, freeze_button);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, from_button);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, to_button);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, to_calendar);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, team_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, coordinator_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, tier_button);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, fit_check);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, mild_check);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, moderate_check);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, severe_check);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, baseline_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KithOutcomesPage, indicator_list);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_baseline_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_period_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_freeze_clicked_cb);

  gtk_widget_class_install_action (widget_class, "outcomes.export-csv", NULL, outcomes_export_csv_action);
  gtk_widget_class_install_action (widget_class, "outcomes.export-pdf", NULL, outcomes_export_pdf_action);
}

static void
kith_outcomes_page_init (KithOutcomesPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) indicator_row_free);

  /* The last 12 months, today included. */
  g_date_clear (&self->to, 1);
  g_date_set_dmy (&self->to, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  g_date_clear (&self->from, 1);
  g_date_set_dmy (&self->from, 1, g_date_get_month (&self->to), g_date_get_year (&self->to));
  g_date_subtract_months (&self->from, 11);
  select_calendar_day (self->from_calendar, &self->from);
  select_calendar_day (self->to_calendar, &self->to);
  update_period_buttons (self);
  fill_dropdown (self->team_dropdown, _("Every team"), NULL);
  fill_dropdown (self->coordinator_dropdown, _("Every co-ordinator"), NULL);
  fill_dropdown (self->baseline_dropdown, _("No baseline"), NULL);
  update_tier_button (self);
  update_summary (self);
  self->updating = FALSE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.export-csv", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.export-pdf", FALSE);
  gtk_widget_set_sensitive (self->freeze_button, FALSE);
  g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);
}

/* Public API */

GtkWidget *
kith_outcomes_page_new (KithStore *store)
{
  g_return_val_if_fail (store == NULL || KITH_IS_STORE (store), NULL);

  return g_object_new (KITH_TYPE_OUTCOMES_PAGE, "store", store, NULL);
}

KithStore *
kith_outcomes_page_get_store (KithOutcomesPage *self)
{
  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), NULL);

  return self->store;
}

void
kith_outcomes_page_set_store (KithOutcomesPage *self,
                              KithStore        *store)
{
  g_return_if_fail (KITH_IS_OUTCOMES_PAGE (self));
  g_return_if_fail (store == NULL || KITH_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  g_clear_pointer (&self->result, kith_outcome_result_free);
  reload_baselines (self, NULL);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    request_compute (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
kith_outcomes_page_reload (KithOutcomesPage *self)
{
  g_return_if_fail (KITH_IS_OUTCOMES_PAGE (self));

  reload_baselines (self, NULL);
  request_compute (self);
}

void
kith_outcomes_page_set_period (KithOutcomesPage *self,
                               const GDate      *from,
                               const GDate      *to)
{
  g_return_if_fail (KITH_IS_OUTCOMES_PAGE (self));
  g_return_if_fail (from != NULL && g_date_valid (from) && to != NULL && g_date_valid (to));

  self->from = *from;
  self->to = *to;
  self->updating = TRUE;
  select_calendar_day (self->from_calendar, &self->from);
  select_calendar_day (self->to_calendar, &self->to);
  self->updating = FALSE;
  update_period_buttons (self);
  request_compute (self);
}

gboolean
kith_outcomes_page_export_csv (KithOutcomesPage *self,
                               GFile            *folder)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  if (self->result == NULL || !(path = g_file_get_path (folder)))
    {
      show_toast (self, _("Nothing to export yet"));
      return FALSE;
    }
  if (!kith_outcomes_write_csv (self->result, path, &error))
    {
      show_toast (self, error->message);
      return FALSE;
    }
  show_toast (self, _("The figures were exported as CSV files"));
  return TRUE;
}

gboolean
kith_outcomes_page_export_pdf (KithOutcomesPage *self,
                               GFile            *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->result == NULL || !(path = g_file_get_path (file)))
    {
      show_toast (self, _("Nothing to export yet"));
      return FALSE;
    }
  if (!kith_outcomes_report_write_pdf (self->result, path, &error))
    {
      show_toast (self, error->message);
      return FALSE;
    }
  show_toast (self, _("The outcomes report was exported"));
  return TRUE;
}

void
kith_outcomes_page_freeze_baseline (KithOutcomesPage *self,
                                    const char       *name)
{
  KithOutcomeFilter filter;
  Freezing *freezing;

  g_return_if_fail (KITH_IS_OUTCOMES_PAGE (self));
  g_return_if_fail (name != NULL);

  if (self->store == NULL)
    return;
  current_filter (self, &filter);
  freezing = g_new0 (Freezing, 1);
  freezing->page = g_object_ref (self);
  freezing->name = g_strdup (name);
  kith_outcomes_freeze_baseline_async (self->store, name, &filter, &self->from, &self->to, NULL,
                                       on_baseline_frozen_cb, freezing);
}

const char *
kith_outcomes_page_get_state (KithOutcomesPage *self)
{
  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
kith_outcomes_page_is_busy (KithOutcomesPage *self)
{
  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

static IndicatorRow *
lookup_row (KithOutcomesPage *self,
            const char       *indicator_id)
{
  return indicator_id ? g_hash_table_lookup (self->rows, indicator_id) : NULL;
}

const char *
kith_outcomes_page_get_counts_text (KithOutcomesPage *self,
                                    const char       *indicator_id)
{
  IndicatorRow *row;

  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), NULL);

  row = lookup_row (self, indicator_id);
  return row ? gtk_label_get_text (row->counts) : NULL;
}

const char *
kith_outcomes_page_get_rate_text (KithOutcomesPage *self,
                                  const char       *indicator_id)
{
  IndicatorRow *row;

  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), NULL);

  row = lookup_row (self, indicator_id);
  return row ? gtk_label_get_text (row->rate) : NULL;
}

const char *
kith_outcomes_page_get_change_text (KithOutcomesPage *self,
                                    const char       *indicator_id)
{
  IndicatorRow *row;

  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), NULL);

  row = lookup_row (self, indicator_id);
  return row ? gtk_label_get_text (row->change) : NULL;
}

GtkDropDown *
kith_outcomes_page_get_team_dropdown (KithOutcomesPage *self)
{
  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), NULL);
  return self->team_dropdown;
}

GtkDropDown *
kith_outcomes_page_get_coordinator_dropdown (KithOutcomesPage *self)
{
  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), NULL);
  return self->coordinator_dropdown;
}

GtkDropDown *
kith_outcomes_page_get_baseline_dropdown (KithOutcomesPage *self)
{
  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), NULL);
  return self->baseline_dropdown;
}

GtkCheckButton *
kith_outcomes_page_get_tier_check (KithOutcomesPage *self,
                                   guint             band)
{
  GtkCheckButton *checks[4];

  g_return_val_if_fail (KITH_IS_OUTCOMES_PAGE (self), NULL);
  g_return_val_if_fail (band < G_N_ELEMENTS (checks), NULL);

  checks[0] = self->fit_check;
  checks[1] = self->mild_check;
  checks[2] = self->moderate_check;
  checks[3] = self->severe_check;
  return checks[band];
}
