/* kith-tasks.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "My tasks": every open plan action owned by one professional, across
 * everyone they care for. The actions stay in the plans; the store keeps
 * an index of them (plan_action, rebuilt with each person's caseload
 * columns), so the list is one indexed query.
 */

#define G_LOG_DOMAIN "kith-tasks"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-care-plan.h"
#include "kith-fhir.h"
#include "kith-store-private.h"
#include "kith-tasks.h"

void
kith_task_free (KithTask *task)
{
  if (task == NULL)
    return;
  g_free (task->patient_id);
  g_free (task->person_name);
  g_free (task->plan_id);
  g_free (task->action_id);
  g_free (task->text);
  g_free (task->owner);
  g_free (task->due);
  g_free (task->meeting_id);
  g_free (task);
}

char *
kith_task_owner_key (const char *owner)
{
  g_autofree char *name = NULL;
  char *bracket;

  if (owner == NULL)
    return NULL;
  name = g_strdup (owner);
  /* The role the care team gives someone is not part of who they are. */
  if ((bracket = strchr (name, '(')) != NULL && bracket != name)
    *bracket = '\0';
  g_strstrip (name);
  if (*name == '\0')
    return NULL;
  return g_utf8_casefold (name, -1);
}

static char *
iso_of (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GPtrArray *
kith_store_list_tasks (KithStore    *store,
                       const char   *owner,
                       const GDate  *today,
                       GError      **error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_task_free);
  g_autofree char *key = kith_task_owner_key (owner);
  g_autofree char *today_iso = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (key == NULL)
    return g_steal_pointer (&tasks);
  if (today && g_date_valid (today))
    today_iso = iso_of (today);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      today_iso = g_date_time_format (now, "%Y-%m-%d");
    }

  /* Overdue first, then the soonest due, undated last; ties by person. */
  stmt = kith_store_prepare (store,
                             "SELECT a.patient_id, p.list_name, a.plan_id, a.action_id, a.text, a.owner, a.due,"
                             "       a.status, a.meeting_id, a.due < ?2"
                             " FROM plan_action a LEFT JOIN patient_index p ON p.id = a.patient_id"
                             " WHERE a.owner_key = ?1"
                             " ORDER BY (a.due IS NOT NULL AND a.due < ?2) DESC, a.due IS NULL, a.due,"
                             "          p.sort_name, a.action_id",
                             error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, today_iso, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KithTask *task = g_new0 (KithTask, 1);

      task->patient_id = dup_column (stmt, 0);
      task->person_name = dup_column (stmt, 1);
      task->plan_id = dup_column (stmt, 2);
      task->action_id = dup_column (stmt, 3);
      task->text = dup_column (stmt, 4);
      task->owner = dup_column (stmt, 5);
      task->due = dup_column (stmt, 6);
      task->status = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 7), "in-progress") == 0
                     ? KITH_ACTION_IN_PROGRESS : KITH_ACTION_NOT_STARTED;
      task->meeting_id = dup_column (stmt, 8);
      if (task->meeting_id)
        {
          /* Stored as a reference, "Encounter/<id>". */
          const char *id = kith_fhir_reference_id (task->meeting_id, "Encounter");
          char *bare = g_strdup (id ? id : task->meeting_id);

          g_free (task->meeting_id);
          task->meeting_id = bare;
        }
      task->overdue = sqlite3_column_int (stmt, 9) != 0;
      g_ptr_array_add (tasks, task);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&tasks);
}

gboolean
kith_task_complete (KithStore      *store,
                    const KithTask *task,
                    const char     *editor,
                    GError        **error)
{
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  KithAction *action = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (task != NULL && task->plan_id != NULL && task->action_id != NULL, FALSE);

  if (!(plan = kith_care_plan_load (store, task->plan_id, error)))
    return FALSE;
  actions = kith_care_plan_list_actions (plan);
  for (guint i = 0; i < actions->len && action == NULL; i++)
    if (g_strcmp0 (((KithAction *) actions->pdata[i])->id, task->action_id) == 0)
      action = actions->pdata[i];
  if (action == NULL)
    {
      g_set_error (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_NOT_FOUND,
                   _("This action is no longer in the plan: “%s”"), task->text ? task->text : "");
      return FALSE;
    }
  if (action->status == KITH_ACTION_DONE)
    return TRUE;
  action->status = KITH_ACTION_DONE;
  return kith_care_plan_update_action (plan, action, error) &&
         kith_care_plan_save (plan, store, editor, error);
}
