/* kith-types.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _KithStore         KithStore;
typedef struct _KithPatient       KithPatient;
typedef struct _KithCaseload      KithCaseload;
typedef struct _KithCaseloadEntry KithCaseloadEntry;
typedef struct _KithAssessment    KithAssessment;

/* The NHS number identifier system (FHIR UK Core). */
#define KITH_FHIR_NHS_NUMBER_SYSTEM "https://fhir.nhs.uk/Id/nhs-number"

/* Base for Kith's own canonical URLs (Questionnaires, extensions, code
 * systems). ".example" is a reserved TLD, so these never resolve anywhere. */
#define KITH_FHIR_BASE "https://kith.example/fhir"
#define KITH_FHIR_SD KITH_FHIR_BASE "/StructureDefinition/"

/* The envelope of one holistic assessment: a QuestionnaireResponse holding
 * the "in their own words" notes; each instrument's response points to it
 * with the part-of-assessment extension. */
#define KITH_HOLISTIC_ASSESSMENT_URL KITH_FHIR_BASE "/Questionnaire/holistic-assessment"

G_END_DECLS
