/* kith-plan-editor.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_PLAN_EDITOR (kith_plan_editor_get_type ())

G_DECLARE_FINAL_TYPE (KithPlanEditor, kith_plan_editor, KITH, PLAN_EDITOR, GtkWidget)

/* The person's current care plan, or a new draft ("New plan — not saved
 * yet") when they have none. @editor_name is recorded on every version
 * this editor saves.
 *
 * Actions (install buttons or menu items for them anywhere inside the
 * editor's toplevel): plan.save (Ctrl+S), plan.add-goal (Ctrl+G),
 * plan.add-action (Ctrl+Shift+A), plan.agree, plan.history (Ctrl+H),
 * plan.crunch-point, plan.reload, plan.print (Ctrl+P) and
 * plan.export-pdf (Ctrl+Shift+E).
 *
 * Changes are saved by plan.save, after a shared decision or an
 * agreement is recorded, and when the editor is hidden or destroyed. */
KithPlanEditor *kith_plan_editor_new             (KithStore       *store,
                                                  const char      *patient_id,
                                                  const char      *editor_name);
KithCarePlan   *kith_plan_editor_get_plan        (KithPlanEditor  *self);
gboolean        kith_plan_editor_get_has_changes (KithPlanEditor  *self);
/* Saves as a new version if anything changed. On a conflict with another
 * window's save, KITH_CARE_PLAN_ERROR_CONFLICT: the edits stay on screen. */
gboolean        kith_plan_editor_save            (KithPlanEditor  *self,
                                                  GError         **error);
/* The PDF the person keeps at home, without asking where. */
gboolean        kith_plan_editor_export_pdf      (KithPlanEditor  *self,
                                                  const char      *path,
                                                  gboolean         large_print,
                                                  gboolean         crisis_first,
                                                  GError         **error);

G_END_DECLS
