/* kith-plan-editor-private.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the GUI tests reach into, to drive the editor as a person would.
 */

#pragma once

#include <adwaita.h>

#include "kith-plan-agree-dialog.h"
#include "kith-plan-decision-dialog.h"
#include "kith-plan-editor.h"
#include "kith-plan-history.h"

G_BEGIN_DECLS

GtkListBox   *kith_plan_editor_get_needs_list       (KithPlanEditor *self);
GtkListBox   *kith_plan_editor_get_goals_list       (KithPlanEditor *self);
GtkListBox   *kith_plan_editor_get_actions_list     (KithPlanEditor *self);
AdwEntryRow  *kith_plan_editor_get_new_goal_row     (KithPlanEditor *self);
AdwEntryRow  *kith_plan_editor_get_new_action_row   (KithPlanEditor *self);
AdwEntryRow  *kith_plan_editor_get_coordinator_row  (KithPlanEditor *self,
                                                     const char     *field);   /* "name", "phone", "hours" */
GtkWidget    *kith_plan_editor_get_add_contact_row  (KithPlanEditor *self);
GtkListBox   *kith_plan_editor_get_contacts_list    (KithPlanEditor *self);
GtkTextView  *kith_plan_editor_get_crisis_actions_view (KithPlanEditor *self);
GtkTextView  *kith_plan_editor_get_what_matters_view (KithPlanEditor *self);

GtkTextView     *kith_plan_decision_dialog_get_what_matters_view (KithPlanDecisionDialog *self);
/* "preferred", "certainty" or "agreed" */
AdwComboRow     *kith_plan_decision_dialog_get_choice_row   (KithPlanDecisionDialog *self,
                                                             const char             *which);
AdwEntryRow     *kith_plan_decision_dialog_get_carer_row    (KithPlanDecisionDialog *self);
GtkToggleButton *kith_plan_decision_dialog_get_score_button (KithPlanDecisionDialog *self,
                                                             guint                   item,
                                                             guint                   score);
GtkWidget       *kith_plan_decision_dialog_get_options_group (KithPlanDecisionDialog *self);
GtkWidget       *kith_plan_decision_dialog_get_record_button (KithPlanDecisionDialog *self);

GtkCheckButton  *kith_plan_agree_dialog_get_representative_check (KithPlanAgreeDialog *self);
AdwEntryRow     *kith_plan_agree_dialog_get_name_row        (KithPlanAgreeDialog *self);
AdwEntryRow     *kith_plan_agree_dialog_get_relationship_row (KithPlanAgreeDialog *self);
AdwComboRow     *kith_plan_agree_dialog_get_how_row         (KithPlanAgreeDialog *self);

GtkListBox      *kith_plan_history_get_versions_list        (KithPlanHistory *self);
GtkListBox      *kith_plan_history_get_changes_list         (KithPlanHistory *self);

G_END_DECLS
