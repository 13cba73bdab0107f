/* kith-assessment-view.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-alert-box.h"
#include "kith-assessment-page.h"
#include "kith-assessment-summary.h"
#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_ASSESSMENT_VIEW_SUMMARY "summary"

#define KITH_TYPE_ASSESSMENT_VIEW (kith_assessment_view_get_type ())

G_DECLARE_FINAL_TYPE (KithAssessmentView, kith_assessment_view, KITH, ASSESSMENT_VIEW, GtkWidget)

GtkWidget             *kith_assessment_view_new            (void);
/* Shows @assessment of @person_name (as they like to be called), over
 * @store; NULL for @assessment empties the view. */
void                   kith_assessment_view_set_assessment (KithAssessmentView *self,
                                                            KithStore          *store,
                                                            KithAssessment     *assessment,
                                                            const char         *person_name);
KithAssessment        *kith_assessment_view_get_assessment (KithAssessmentView *self);
/* A domain id ("emotional"), or KITH_ASSESSMENT_VIEW_SUMMARY */
void                   kith_assessment_view_show_page      (KithAssessmentView *self,
                                                            const char         *name);
const char            *kith_assessment_view_get_page_name  (KithAssessmentView *self);
/* Saves any typing, marks the assessment paused, and emits ::closed. */
void                   kith_assessment_view_close          (KithAssessmentView *self);
/* Saves typing not saved yet, on every page. */
void                   kith_assessment_view_flush          (KithAssessmentView *self);

/* For tests and screenshots */
KithAssessmentPage    *kith_assessment_view_get_page       (KithAssessmentView *self,
                                                            const char         *domain);
KithAssessmentSummary *kith_assessment_view_get_summary    (KithAssessmentView *self);
KithAlertBox          *kith_assessment_view_get_alert_box  (KithAssessmentView *self);
const char            *kith_assessment_view_get_progress_text (KithAssessmentView *self);
/* The sidebar's words for a domain: "Done", "3 questions left"… */
const char            *kith_assessment_view_get_domain_status (KithAssessmentView *self,
                                                               const char         *domain);

G_END_DECLS
