/* kith-assessment-page.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-core.h"
#include "kith-instrument-group.h"

G_BEGIN_DECLS

/* The seven domains of the holistic assessment, in order. */
typedef struct
{
  const char *id;           /* as in the instruments: "about-me", "health", … */
  const char *title;        /* translated */
  const char *description;  /* translated, addressed to the person */
} KithAssessmentDomain;

const KithAssessmentDomain *kith_assessment_domains          (guint       *n_domains);
const KithAssessmentDomain *kith_assessment_domain_lookup    (const char  *id);

#define KITH_TYPE_ASSESSMENT_PAGE (kith_assessment_page_get_type ())

G_DECLARE_FINAL_TYPE (KithAssessmentPage, kith_assessment_page, KITH, ASSESSMENT_PAGE, GtkWidget)

GtkWidget           *kith_assessment_page_new                 (KithAssessment     *assessment,
                                                               const char         *domain);
const char          *kith_assessment_page_get_domain          (KithAssessmentPage *self);
/* Adds questionnaires included since, and shows what is saved, the live
 * scores, and the offers and indications among @findings (KithFinding). */
void                 kith_assessment_page_refresh             (KithAssessmentPage *self,
                                                               GPtrArray          *findings);
/* Saves typing not saved yet. */
void                 kith_assessment_page_flush               (KithAssessmentPage *self);
/* The first question not answered yet (or the first question). */
gboolean             kith_assessment_page_focus_first         (KithAssessmentPage *self);
/* The first question of @instrument_id not answered yet. */
gboolean             kith_assessment_page_focus_instrument    (KithAssessmentPage *self,
                                                               const char         *instrument_id);
/* "Next: Health" at the foot of the page */
void                 kith_assessment_page_set_next_title      (KithAssessmentPage *self,
                                                               const char         *title);
KithInstrumentGroup *kith_assessment_page_get_group           (KithAssessmentPage *self,
                                                               const char         *instrument_id);
GtkWidget           *kith_assessment_page_get_note_view       (KithAssessmentPage *self);

G_END_DECLS
