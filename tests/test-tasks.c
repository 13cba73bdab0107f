/* test-tasks.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "My tasks": every open action a professional owns across all their
 * people, checked against the plans themselves; the order (overdue first);
 * completing a task in its plan; and the index following plan changes.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kith-core.h"

#define PEOPLE 300

typedef struct
{
  char      *dir;
  KithStore *store;
  GDate      today;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("kith-tasks-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kith_demo_caseload_fill (f->store, PEOPLE, 3, &error));
  /* The demo's actions fall due around 1 January 2026. */
  g_date_clear (&f->today, 1);
  g_date_set_dmy (&f->today, 1, G_DATE_JANUARY, 2026);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_clear_object (&f->store);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
}

/* A professional who owns open actions, as a plan names them. */
static char *
some_owner (Fixture *f)
{
  g_autoptr(KithCaseload) everyone = kith_caseload_new (f->store);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (everyone)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);
      g_autoptr(KithCarePlan) plan = kith_care_plan_load_current (f->store, kith_caseload_entry_get_id (entry), NULL);
      g_autoptr(GPtrArray) actions = plan ? kith_care_plan_list_actions (plan) : NULL;

      for (guint a = 0; actions && a < actions->len; a++)
        {
          KithAction *action = actions->pdata[a];

          if (action->owner_kind == KITH_OWNER_PROFESSIONAL && action->status <= KITH_ACTION_IN_PROGRESS)
            return g_strdup (action->owner);
        }
    }
  g_assert_not_reached ();
}

/* The same list worked out from every person's plans, as "plan#action". */
static GPtrArray *
tasks_slowly (Fixture    *f,
              const char *owner)
{
  g_autoptr(KithCaseload) everyone = kith_caseload_new (f->store);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (everyone)); i++)
    {
      g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (everyone), i);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) plans = kith_store_list_for_patient (f->store, "CarePlan", kith_caseload_entry_get_id (entry), &error);

      g_assert_no_error (error);
      for (guint p = 0; p < plans->len; p++)
        {
          g_autoptr(KithCarePlan) plan = kith_care_plan_new_from_json (plans->pdata[p], &error);
          g_autoptr(GPtrArray) actions = NULL;

          g_assert_no_error (error);
          if (kith_care_plan_get_state (plan) == KITH_PLAN_ENDED)
            continue;
          actions = kith_care_plan_list_actions (plan);
          for (guint a = 0; a < actions->len; a++)
            {
              KithAction *action = actions->pdata[a];

              if (action->owner_kind == KITH_OWNER_PROFESSIONAL && action->status <= KITH_ACTION_IN_PROGRESS &&
                  g_strcmp0 (action->owner, owner) == 0)
                g_ptr_array_add (found, g_strdup_printf ("%s#%s", kith_care_plan_get_id (plan), action->id));
            }
        }
    }
  return found;
}

static gboolean
contains (GPtrArray  *keys,
          const char *key)
{
  for (guint i = 0; i < keys->len; i++)
    if (strcmp (keys->pdata[i], key) == 0)
      return TRUE;
  return FALSE;
}

static void
test_list_matches_plans (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owner = some_owner (f);
  g_autoptr(GPtrArray) truth = tasks_slowly (f, owner);
  g_autoptr(GPtrArray) tasks = kith_store_list_tasks (f->store, owner, &f->today, &error);
  char today[11];
  gboolean seen_not_overdue = FALSE, seen_undated = FALSE;

  g_assert_no_error (error);
  g_date_strftime (today, sizeof today, "%Y-%m-%d", &f->today);
  g_test_message ("%u tasks for one co-ordinator", tasks->len);
  g_assert_cmpuint (tasks->len, >, 1);
  g_assert_cmpuint (tasks->len, ==, truth->len);
  for (guint i = 0; i < tasks->len; i++)
    {
      KithTask *task = tasks->pdata[i];
      g_autofree char *key = g_strdup_printf ("%s#%s", task->plan_id, task->action_id);

      g_assert_true (contains (truth, key));
      g_assert_cmpstr (task->owner, ==, owner);
      g_assert_nonnull (task->person_name);
      g_assert_nonnull (task->text);
      g_assert_cmpint (task->overdue, ==, task->due != NULL && strcmp (task->due, today) < 0);
      /* Overdue first, then by due date, undated last. */
      if (task->overdue)
        g_assert_false (seen_not_overdue);
      else
        seen_not_overdue = TRUE;
      if (task->due == NULL)
        seen_undated = TRUE;
      else
        g_assert_false (seen_undated);
      if (i > 0 && task->due && ((KithTask *) tasks->pdata[i - 1])->due)
        g_assert_cmpint (strcmp (((KithTask *) tasks->pdata[i - 1])->due, task->due), <=, 0);
    }
}

/* "Tunde Afolabi", "TUNDE AFOLABI" and "Tunde Afolabi (Care co-ordinator)"
 * are one owner; a first name alone is nobody. */
static void
test_owner_names (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *owner = some_owner (f);
  g_autofree char *bare = g_strndup (owner, strcspn (owner, "("));
  g_autofree char *shouted = NULL;
  g_autoptr(GPtrArray) full = kith_store_list_tasks (f->store, owner, &f->today, NULL);
  g_autoptr(GPtrArray) by_name = NULL;
  g_autoptr(GPtrArray) first_only = NULL;
  g_autoptr(GPtrArray) nobody = kith_store_list_tasks (f->store, "  ", &f->today, NULL);

  g_strstrip (bare);
  g_assert_cmpstr (bare, !=, owner);
  shouted = g_utf8_strup (bare, -1);
  by_name = kith_store_list_tasks (f->store, shouted, &f->today, NULL);
  g_assert_cmpuint (by_name->len, ==, full->len);
  bare[strcspn (bare, " ")] = '\0';
  first_only = kith_store_list_tasks (f->store, bare, &f->today, NULL);
  g_assert_cmpuint (first_only->len, ==, 0);
  g_assert_cmpuint (nobody->len, ==, 0);
  /* Actions the person or their carer own are never a professional's. */
  {
    g_autoptr(GPtrArray) person = kith_store_list_tasks (f->store, "the person", &f->today, NULL);

    g_assert_cmpuint (person->len, ==, 0);
  }
}

/* Completing a task marks it done in the plan, and it leaves the list. */
static void
test_complete (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owner = some_owner (f);
  g_autoptr(GPtrArray) before = kith_store_list_tasks (f->store, owner, &f->today, &error);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  KithTask *task;
  gboolean done = FALSE;

  g_assert_no_error (error);
  g_assert_cmpuint (before->len, >, 0);
  task = before->pdata[0];
  g_assert_true (kith_task_complete (f->store, task, "Nurse Test", &error));
  g_assert_no_error (error);

  plan = kith_care_plan_load (f->store, task->plan_id, &error);
  g_assert_no_error (error);
  actions = kith_care_plan_list_actions (plan);
  for (guint i = 0; i < actions->len; i++)
    if (g_strcmp0 (((KithAction *) actions->pdata[i])->id, task->action_id) == 0)
      done = ((KithAction *) actions->pdata[i])->status == KITH_ACTION_DONE;
  g_assert_true (done);
  g_assert_cmpstr (kith_care_plan_get_last_edited_by (plan), ==, "Nurse Test");

  after = kith_store_list_tasks (f->store, owner, &f->today, &error);
  g_assert_cmpuint (after->len, ==, before->len - 1);
  for (guint i = 0; i < after->len; i++)
    g_assert_false (g_strcmp0 (((KithTask *) after->pdata[i])->action_id, task->action_id) == 0 &&
                    g_strcmp0 (((KithTask *) after->pdata[i])->plan_id, task->plan_id) == 0);

  /* Twice is harmless; an action taken out of the plan is a clear error. */
  g_assert_true (kith_task_complete (f->store, task, "Nurse Test", &error));
  g_assert_true (kith_care_plan_remove_action (plan, task->action_id));
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse Test", &error));
  g_assert_no_error (error);
  g_assert_false (kith_task_complete (f->store, task, "Nurse Test", &error));
  g_assert_error (error, KITH_CARE_PLAN_ERROR, KITH_CARE_PLAN_ERROR_NOT_FOUND);
}

/* A new action for the owner appears at once; a deleted plan takes its
 * actions with it. */
static void
test_index_follows_plans (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owner = some_owner (f);
  g_autoptr(GPtrArray) before = kith_store_list_tasks (f->store, owner, &f->today, &error);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  KithTask *first = before->pdata[0];
  KithAction action = { 0 };
  g_autofree char *id = NULL;
  guint of_plan = 0;

  plan = kith_care_plan_load (f->store, first->plan_id, &error);
  g_assert_no_error (error);
  action.text = (char *) "Ring the district nurses about the dressing";
  action.owner_kind = KITH_OWNER_PROFESSIONAL;
  action.owner = owner;
  action.due = (char *) "2025-12-01";
  action.status = KITH_ACTION_NOT_STARTED;
  id = kith_care_plan_add_action (plan, &action, &error);
  g_assert_no_error (error);
  g_assert_true (kith_care_plan_save (plan, f->store, "Nurse Test", &error));
  after = kith_store_list_tasks (f->store, owner, &f->today, &error);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  /* Long overdue: first. */
  g_assert_cmpstr (((KithTask *) after->pdata[0])->action_id, ==, id);
  g_assert_true (((KithTask *) after->pdata[0])->overdue);

  for (guint i = 0; i < after->len; i++)
    of_plan += g_strcmp0 (((KithTask *) after->pdata[i])->plan_id, first->plan_id) == 0;
  g_assert_true (kith_store_delete_resource (f->store, "CarePlan", first->plan_id, &error));
  g_clear_pointer (&after, g_ptr_array_unref);
  after = kith_store_list_tasks (f->store, owner, &f->today, &error);
  g_assert_cmpuint (after->len, ==, before->len + 1 - of_plan);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/tasks/list-matches-plans", Fixture, NULL, fixture_set_up, test_list_matches_plans, fixture_tear_down);
  g_test_add ("/tasks/owner-names", Fixture, NULL, fixture_set_up, test_owner_names, fixture_tear_down);
  g_test_add ("/tasks/complete", Fixture, NULL, fixture_set_up, test_complete, fixture_tear_down);
  g_test_add ("/tasks/index-follows-plans", Fixture, NULL, fixture_set_up, test_index_follows_plans, fixture_tear_down);

  return g_test_run ();
}
