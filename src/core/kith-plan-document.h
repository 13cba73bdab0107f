/* kith-plan-document.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "kith-care-plan.h"
#include "kith-patient.h"
#include "kith-progress.h"

G_BEGIN_DECLS

/* A4 in points */
#define KITH_PLAN_DOCUMENT_A4_WIDTH  595.28
#define KITH_PLAN_DOCUMENT_A4_HEIGHT 841.89

typedef struct
{
  gboolean    large_print;   /* body text 16 pt or more, more space */
  gboolean    crisis_first;  /* "If things go wrong" straight after the heading */
  const char *printed_on;    /* ISO date for the footer; NULL: today */
  gboolean    include_trends; /* "How I am doing": a chart per measure on pages at the end */
  GPtrArray  *trends;        /* KithSeries (kith_progress_list_series()), borrowed */
} KithPlanDocumentOptions;

#define KITH_TYPE_PLAN_DOCUMENT (kith_plan_document_get_type ())

G_DECLARE_FINAL_TYPE (KithPlanDocument, kith_plan_document, KITH, PLAN_DOCUMENT, GObject)

/* The care plan the person keeps at home, in plain words, laid out once on
 * pages of @page_width × @page_height points. @patient may be NULL (no
 * name on the plan); @options may be NULL (normal print, the person's own
 * crisis-first choice, printed today).
 *
 * With GtkPrintOperation: set the unit to GTK_UNIT_POINTS and use the full
 * page, make the document in begin-print from the paper size, set n-pages
 * from kith_plan_document_get_n_pages(), and in draw-page call
 * kith_plan_document_draw_page() with the print context's cairo_t. */
KithPlanDocument *kith_plan_document_new           (KithCarePlan                  *plan,
                                                    KithPatient                   *patient,
                                                    const KithPlanDocumentOptions *options,
                                                    double                         page_width,
                                                    double                         page_height);
guint             kith_plan_document_get_n_pages   (KithPlanDocument              *self);
/* Draws page @page_nr (from 0) with its origin at the top-left corner of
 * the paper, in points. */
void              kith_plan_document_draw_page     (KithPlanDocument              *self,
                                                    cairo_t                       *cr,
                                                    guint                          page_nr);

/* Writes the plan as an A4 PDF at @path, readable by its owner only (0600).
 * It is written to a temporary file next to @path and renamed, so @path is
 * either the whole new PDF or as it was before. */
gboolean          kith_plan_document_export_pdf    (KithCarePlan                  *plan,
                                                    KithPatient                   *patient,
                                                    const KithPlanDocumentOptions *options,
                                                    const char                    *path,
                                                    GError                       **error);

/* "2027-03-03" (or an instant) -> "3 March 2027"; NULL when not a date. */
char             *kith_plan_document_format_date   (const char                    *iso_date);

G_END_DECLS
