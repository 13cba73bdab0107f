/* kith-risk.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

/* A person's risk tier. Kith computes a frailty band from the record
 * (kith-frailty.h); a clinician can override it, with a reason, and a
 * score from another tool can be imported with the tool's name and
 * version. Each is a FHIR RiskAssessment, so every override and import
 * is kept, with who and when:
 *  - method.coding: KITH_RISK_METHOD_SYSTEM "clinician-override" or
 *    "imported-score"; method.text names the tool;
 *  - prediction[0].qualitativeRisk.coding: the tier (fit, mild, moderate,
 *    severe) for an override; prediction[0].probabilityDecimal or the
 *    score extension for an import;
 *  - performer.display, occurrenceDateTime, note[0].text (the reason). */

#define KITH_RISK_METHOD_SYSTEM KITH_FHIR_BASE "/CodeSystem/risk-method"
#define KITH_RISK_TIER_SYSTEM   KITH_FHIR_BASE "/CodeSystem/risk-tier"

#define KITH_RISK_ERROR (kith_risk_error_quark ())

typedef enum
{
  KITH_RISK_ERROR_INVALID,
} KithRiskError;

typedef struct
{
  char   *id;
  char   *method;       /* "clinician-override" or "imported-score" */
  char   *tool;         /* "Clinician's judgement", or the tool's name */
  char   *tool_version;
  char   *tier;         /* fit … severe, or NULL */
  char   *score;        /* an imported score as given, or NULL */
  char   *reason;
  char   *who;
  char   *when;         /* instant */
  gboolean withdrawn;   /* an override taken back */
} KithRiskEntry;

void kith_risk_entry_free (KithRiskEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithRiskEntry, kith_risk_entry_free)

GQuark      kith_risk_error_quark        (void);
gboolean    kith_risk_is_tier            (const char  *tier);

/* Overrides the person's tier. @reason and @who are required. */
gboolean    kith_risk_override_tier      (KithStore   *store,
                                          const char  *patient_id,
                                          const char  *tier,
                                          const char  *reason,
                                          const char  *who,
                                          GError     **error);
/* Takes the clinician's override back: the computed tier counts again.
 * The override stays in the history, marked withdrawn. */
gboolean    kith_risk_withdraw_override  (KithStore   *store,
                                          const char  *patient_id,
                                          const char  *reason,
                                          const char  *who,
                                          GError     **error);
/* Records a score computed elsewhere ("Tool name", "2.1", "0.34"). */
gboolean    kith_risk_import_score       (KithStore   *store,
                                          const char  *patient_id,
                                          const char  *tool,
                                          const char  *tool_version,
                                          const char  *score,
                                          const char  *who,
                                          GError     **error);
/* Overrides and imports, newest first (KithRiskEntry, transfer full). */
GPtrArray  *kith_risk_list               (KithStore   *store,
                                          const char  *patient_id,
                                          GError     **error);
/* The tier of the newest override still in force among @risk_assessments
 * (JsonObjects), or NULL. For the store's caseload index. */
const char *kith_risk_find_override_tier (GPtrArray   *risk_assessments);

G_END_DECLS
