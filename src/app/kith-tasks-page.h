/* kith-tasks-page.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_TASKS_PAGE (kith_tasks_page_get_type ())

G_DECLARE_FINAL_TYPE (KithTasksPage, kith_tasks_page, KITH, TASKS_PAGE, AdwBin)

/* "My tasks": every open plan action owned by the professional, across
 * all their people, overdue first (kith_store_list_tasks()). Each says
 * when it is due, whose it is and, for an action agreed at an MDT
 * meeting, which one; ticking it marks it done in the person's plan.
 * Properties: "store" (KithStore), "my-name" (whose tasks). Signal
 * "open-person" (patient id), when a task is activated. */
GtkWidget  *kith_tasks_page_new           (void);
/* Reads the tasks again (after a plan changed elsewhere). */
void        kith_tasks_page_reload        (KithTasksPage *self);

/* For the GUI tests: the list's model (of KithTaskItem, see below), the
 * stack's page ("no-name", "empty" or "tasks"), and ticking task @index
 * as its check button does. */
GListModel *kith_tasks_page_get_model     (KithTasksPage *self);
const char *kith_tasks_page_get_state     (KithTasksPage *self);
GtkWidget  *kith_tasks_page_get_list_view (KithTasksPage *self);
gboolean    kith_tasks_page_complete      (KithTasksPage *self,
                                           guint          index);

#define KITH_TYPE_TASK_ITEM (kith_task_item_get_type ())

G_DECLARE_FINAL_TYPE (KithTaskItem, kith_task_item, KITH, TASK_ITEM, GObject)

/* One task as the list shows it: the task, and the words for its row. */
const KithTask *kith_task_item_get_task    (KithTaskItem *self);
const char     *kith_task_item_get_title   (KithTaskItem *self);   /* the action */
const char     *kith_task_item_get_details (KithTaskItem *self);   /* person · due · from the MDT of … */

G_END_DECLS
