/* kith-outcomes-report.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "kith-outcomes.h"

G_BEGIN_DECLS

#define KITH_TYPE_OUTCOMES_REPORT (kith_outcomes_report_get_type ())

G_DECLARE_FINAL_TYPE (KithOutcomesReport, kith_outcomes_report, KITH, OUTCOMES_REPORT, GObject)

/* The outcomes report for an MDT or a commissioner: the period and the
 * filters, then each indicator with what it counts, its numerator and
 * denominator, the rate, the change since the baseline (when @result has
 * one) and a table of the months. Counts only, with every count under 5
 * shown as "<5" (kith_outcomes_format_count()). Laid out once on pages of
 * @page_width × @page_height points; @printed_on: ISO date for the footer,
 * NULL for today. */
KithOutcomesReport *kith_outcomes_report_new         (const KithOutcomeResult *result,
                                                      const char              *printed_on,
                                                      double                   page_width,
                                                      double                   page_height);
guint               kith_outcomes_report_get_n_pages (KithOutcomesReport      *self);
void                kith_outcomes_report_draw_page   (KithOutcomesReport      *self,
                                                      cairo_t                 *cr,
                                                      guint                    page_nr);

/* Writes the report as an A4 PDF at @path, readable by its owner only
 * (0600); @path is either the whole new PDF or as it was before. */
gboolean            kith_outcomes_report_write_pdf   (const KithOutcomeResult *result,
                                                      const char              *path,
                                                      GError                 **error);

G_END_DECLS
