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

/* The NHS number identifier system (FHIR UK Core). */
#define KITH_FHIR_NHS_NUMBER_SYSTEM "https://fhir.nhs.uk/Id/nhs-number"

/* Base for Kith's own canonical URLs (Questionnaires, extensions, code
 * systems). ".example" is a reserved TLD, so these never resolve anywhere. */
#define KITH_FHIR_BASE "https://kith.example/fhir"

G_END_DECLS
