/* kith-visit-summary.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "kith-care-plan.h"
#include "kith-contact.h"
#include "kith-patient.h"

G_BEGIN_DECLS

#define KITH_TYPE_VISIT_SUMMARY (kith_visit_summary_get_type ())

G_DECLARE_FINAL_TYPE (KithVisitSummary, kith_visit_summary, KITH, VISIT_SUMMARY, GObject)

/* The one page left in the home after a visit, in large clear type: the
 * person's name and the date, who visited and how to reach the
 * co-ordinator, what was talked about (the contact's notes), what happens
 * next (the open plan actions, with who and by when) and what to do if
 * things get worse (the plan's crisis section). It is always one page:
 * what does not fit is cut with "…" and a line says the full plan has the
 * rest. @plan may be NULL (no plan yet); @printed_on is an ISO date, NULL
 * for today. */
KithVisitSummary *kith_visit_summary_new            (KithPatient            *patient,
                                                     KithCarePlan           *plan,
                                                     const KithContactEntry *contact,
                                                     const char             *printed_on,
                                                     double                  page_width,
                                                     double                  page_height);
/* Something was cut to fit the page. */
gboolean          kith_visit_summary_get_truncated  (KithVisitSummary       *self);
/* Draws the page with its origin at the paper's top-left corner, in points. */
void              kith_visit_summary_draw           (KithVisitSummary       *self,
                                                     cairo_t                *cr);

/* Writes the summary as a one-page A4 PDF at @path, readable by its owner
 * only; @path is either the whole new PDF or as it was before. */
gboolean          kith_visit_summary_export_pdf     (KithPatient            *patient,
                                                     KithCarePlan           *plan,
                                                     const KithContactEntry *contact,
                                                     const char             *path,
                                                     GError                **error);
/* The same for the contact or planned visit @encounter_id, with the
 * person's current plan. */
gboolean          kith_visit_summary_export_contact (KithStore              *store,
                                                     const char             *encounter_id,
                                                     const char             *path,
                                                     GError                **error);

G_END_DECLS
