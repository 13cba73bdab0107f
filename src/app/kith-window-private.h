/* kith-window-private.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the GUI tests: the widgets a person would look at and type into.
 */

#pragma once

#include "kith-assessment-view.h"
#include "kith-caseload-filters.h"
#include "kith-conflicts-dialog.h"
#include "kith-record-page.h"
#include "kith-sign-in-dialog.h"
#include "kith-sync-indicator.h"
#include "kith-sync-scheduler.h"
#include "kith-window.h"

G_BEGIN_DECLS

GtkWidget      *kith_window_get_search_entry   (KithWindow *self);
GtkColumnView  *kith_window_get_column_view    (KithWindow *self);
GtkWidget      *kith_window_get_caseload_stack (KithWindow *self);
KithRecordPage *kith_window_get_record_page    (KithWindow *self);
KithCaseloadFilters *kith_window_get_caseload_filters (KithWindow *self);
/* "300 people", above the list */
GtkLabel       *kith_window_get_count_label    (KithWindow *self);
/* On the "no one matches" page while filters are on */
GtkWidget      *kith_window_get_clear_filters_button (KithWindow *self);
AdwLeaflet     *kith_window_get_leaflet        (KithWindow *self);
KithAssessmentView *kith_window_get_assessment_view (KithWindow *self);
/* "records", "assessment" or "store-error" */
const char     *kith_window_get_visible_page   (KithWindow *self);
KithSyncIndicator   *kith_window_get_sync_indicator   (KithWindow *self);
/* NULL while no practice server is set up */
KithSyncScheduler   *kith_window_get_sync_scheduler   (KithWindow *self);
/* NULL unless open */
KithConflictsDialog *kith_window_get_conflicts_dialog (KithWindow *self);
KithSignInDialog    *kith_window_get_sign_in_dialog   (KithWindow *self);
/* "people", "today", "referrals", "tasks", "meetings" or "ward" */
GtkWidget           *kith_window_get_work_page        (KithWindow *self,
                                                       const char *name);
void                 kith_window_show_work_page       (KithWindow *self,
                                                       const char *name);
/* Everything but the lock screen: hidden while locked */
GtkWidget           *kith_window_get_records          (KithWindow *self);

G_END_DECLS
