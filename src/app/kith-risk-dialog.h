/* kith-risk-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_RISK_DIALOG (kith_risk_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithRiskDialog, kith_risk_dialog, KITH, RISK_DIALOG, AdwMessageDialog)

typedef enum
{
  KITH_RISK_DIALOG_CHANGE_TIER,    /* a clinician's tier, with a reason */
  KITH_RISK_DIALOG_USE_COMPUTED,   /* the override taken back, with a reason */
  KITH_RISK_DIALOG_IMPORT_SCORE,   /* a score from another tool */
} KithRiskDialogKind;

/* Asks what the change is, and who makes it (the professional's name to
 * start with); its "save" response is enabled only once everything the core
 * requires is given. On "save" it records the change (kith-risk.h) and
 * emits ::saved, or shows the core's refusal as a toast. @tier preselects
 * the tier for KITH_RISK_DIALOG_CHANGE_TIER ("moderate"), may be NULL. */
GtkWidget   *kith_risk_dialog_new            (GtkWindow          *parent,
                                              KithStore          *store,
                                              const char         *patient_id,
                                              KithRiskDialogKind  kind,
                                              const char         *tier);
/* For the GUI tests: the fields (NULL when this kind has none) */
AdwComboRow *kith_risk_dialog_get_tier_row   (KithRiskDialog     *self);
GtkEditable *kith_risk_dialog_get_reason     (KithRiskDialog     *self);
GtkEditable *kith_risk_dialog_get_who        (KithRiskDialog     *self);
GtkEditable *kith_risk_dialog_get_tool       (KithRiskDialog     *self);
GtkEditable *kith_risk_dialog_get_version    (KithRiskDialog     *self);
GtkEditable *kith_risk_dialog_get_score      (KithRiskDialog     *self);
/* Records the change now; FALSE with @error when the core refuses. */
gboolean     kith_risk_dialog_save           (KithRiskDialog     *self,
                                              GError            **error);

G_END_DECLS
