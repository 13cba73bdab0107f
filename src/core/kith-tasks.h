/* kith-tasks.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-care-plan.h"
#include "kith-types.h"

G_BEGIN_DECLS

/* One open plan action, as "My tasks" shows it. */
typedef struct
{
  char             *patient_id;
  char             *person_name;  /* as the caseload lists it: "SMITH, Peggy" */
  char             *plan_id;
  char             *action_id;
  char             *text;
  char             *owner;
  char             *due;          /* ISO date, or NULL */
  KithActionStatus  status;       /* not started or in progress */
  gboolean          overdue;      /* due before today */
  char             *meeting_id;   /* the MDT meeting it came from, or NULL */
} KithTask;

void kith_task_free (KithTask *task);

/* How an owner's name is matched: "Tunde Afolabi (Care co-ordinator)" and
 * "tunde afolabi" are the same owner. NULL for an empty name. */
char *kith_task_owner_key (const char *owner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithTask, kith_task_free)

/* Every open action owned by @owner (matched as "My caseload" matches a
 * co-ordinator: with or without the role in brackets, in any case) across
 * all of the people in the store: overdue first, then by due date (undated
 * last), then by person. @today NULL: today. (KithTask, transfer full) */
GPtrArray *kith_store_list_tasks (KithStore    *store,
                                  const char   *owner,
                                  const GDate  *today,
                                  GError      **error);

/* Marks the action done in its plan and saves the plan as @editor. The
 * plan may have changed since the list was read: only this action's
 * status changes. */
gboolean   kith_task_complete    (KithStore      *store,
                                  const KithTask *task,
                                  const char     *editor,
                                  GError        **error);

G_END_DECLS
