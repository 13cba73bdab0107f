/* kith-assessment-summary.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-core.h"
#include "kith-need-row.h"

G_BEGIN_DECLS

#define KITH_TYPE_ASSESSMENT_SUMMARY (kith_assessment_summary_get_type ())

G_DECLARE_FINAL_TYPE (KithAssessmentSummary, kith_assessment_summary, KITH, ASSESSMENT_SUMMARY, GtkWidget)

GtkWidget   *kith_assessment_summary_new          (KithAssessment        *assessment);
/* Scores, indications among @findings (KithFinding), and the needs. */
void         kith_assessment_summary_refresh      (KithAssessmentSummary *self,
                                                   GPtrArray             *findings);
/* Completes the assessment, or shows why not (and stays). ::completed
 * follows success. */
gboolean     kith_assessment_summary_complete     (KithAssessmentSummary *self);
/* Why completing was refused, as shown; NULL when nothing is shown */
const char  *kith_assessment_summary_get_error    (KithAssessmentSummary *self);
KithNeedRow *kith_assessment_summary_get_need_row (KithAssessmentSummary *self,
                                                   const char            *need_id);
gboolean     kith_assessment_summary_add_need     (KithAssessmentSummary *self,
                                                   const char            *title);
void         kith_assessment_summary_focus_first  (KithAssessmentSummary *self);

G_END_DECLS
