/* kith-tasks-page.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "My tasks": the professional's open actions across everyone's plans,
 * one list, overdue first, as the core orders them. Rows are made only
 * for what is on screen (GtkListView), so a co-ordinator with thousands
 * of actions scrolls as smoothly as one with ten.
 */

#define G_LOG_DOMAIN "kith-tasks-page"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-tasks-page.h"

/* --- KithTaskItem ------------------------------------------------------------ */

struct _KithTaskItem
{
  GObject   parent_instance;

  KithTask *task;
  char     *details;
};

G_DEFINE_FINAL_TYPE (KithTaskItem, kith_task_item, G_TYPE_OBJECT)

static void
kith_task_item_finalize (GObject *object)
{
  KithTaskItem *self = (KithTaskItem *) object;

  g_clear_pointer (&self->task, kith_task_free);
  g_free (self->details);

  G_OBJECT_CLASS (kith_task_item_parent_class)->finalize (object);
}

static void
kith_task_item_class_init (KithTaskItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kith_task_item_finalize;
}

static void
kith_task_item_init (KithTaskItem *self)
{
}

const KithTask *
kith_task_item_get_task (KithTaskItem *self)
{
  g_return_val_if_fail (KITH_IS_TASK_ITEM (self), NULL);
  return self->task;
}

const char *
kith_task_item_get_title (KithTaskItem *self)
{
  g_return_val_if_fail (KITH_IS_TASK_ITEM (self), NULL);
  return self->task->text ? self->task->text : "";
}

const char *
kith_task_item_get_details (KithTaskItem *self)
{
  g_return_val_if_fail (KITH_IS_TASK_ITEM (self), NULL);
  return self->details;
}

/* --- KithTasksPage ----------------------------------------------------------- */

struct _KithTasksPage
{
  AdwBin           parent_instance;

  KithStore       *store;
  char            *my_name;
  GListStore      *tasks;      /* KithTaskItem */

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GtkLabel        *summary_label;
  GtkListView     *list_view;
};

G_DEFINE_FINAL_TYPE (KithTasksPage, kith_tasks_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_MY_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  OPEN_PERSON,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_toast (KithTasksPage *self,
            const char    *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* "3 Dec": the meeting is recent, the year goes without saying. */
static char *
dup_meeting_day (KithStore  *store,
                 const char *meeting_id)
{
  g_autoptr(KithMeeting) meeting = kith_meeting_load (store, meeting_id, NULL);
  g_autoptr(GDateTime) date = NULL;
  int year, month, day;

  if (meeting == NULL ||
      sscanf (kith_meeting_get_date (meeting), "%4d-%2d-%2d", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year) ||
      !(date = g_date_time_new_local (year, month, day, 12, 0, 0)))
    return NULL;
  /* xgettext:no-c-format */
  /* Translators: the day of an MDT meeting in a task, "3 Dec"; see g_date_time_format() */
  return g_date_time_format (date, _("%-d %b"));
}

static KithTaskItem *
task_item_new (KithTask   *task,
               GHashTable *meeting_days)
{
  KithTaskItem *item = g_object_new (KITH_TYPE_TASK_ITEM, NULL);
  g_autoptr(GString) details = g_string_new (task->person_name ? task->person_name : _("Unknown person"));
  const char *meeting_day = task->meeting_id ? g_hash_table_lookup (meeting_days, task->meeting_id) : NULL;

  g_string_append (details, " · ");
  if (task->due)
    {
      g_autofree char *due = kith_format_iso_date (task->due, KITH_DATE_STYLE_SHORT);

      /* Translators: when a task is due, "Due 3 Dec 2026" */
      g_string_append_printf (details, _("Due %s"), due);
    }
  else
    g_string_append (details, _("No date set"));
  if (task->status == KITH_ACTION_IN_PROGRESS)
    {
      g_string_append (details, " · ");
      g_string_append (details, _("Under way"));
    }
  if (meeting_day)
    {
      g_string_append (details, " · ");
      /* Translators: a task agreed at a multidisciplinary team meeting, "from the MDT of 3 Dec" */
      g_string_append_printf (details, _("from the MDT of %s"), meeting_day);
    }
  item->task = task;
  item->details = g_string_free (g_steal_pointer (&details), FALSE);
  return item;
}

static void
update_summary (KithTasksPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tasks));
  guint overdue = 0;
  g_autofree char *tasks = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KithTaskItem) item = g_list_model_get_item (G_LIST_MODEL (self->tasks), i);

      overdue += item->task->overdue;
    }
  tasks = g_strdup_printf (ngettext ("%u task", "%u tasks", n), n);
  if (overdue > 0)
    /* Translators: "12 tasks, 3 overdue" */
    text = g_strdup_printf (ngettext ("%s, %u overdue", "%s, %u overdue", overdue), tasks, overdue);
  else
    text = g_steal_pointer (&tasks);
  gtk_label_set_text (self->summary_label, text);

  if (self->my_name == NULL)
    gtk_stack_set_visible_child_name (self->stack, "no-name");
  else
    gtk_stack_set_visible_child_name (self->stack, n > 0 ? "tasks" : "empty");
}

static gboolean
complete_item (KithTasksPage *self,
               KithTaskItem  *item)
{
  g_autoptr(GError) error = NULL;
  guint position;

  if (self->store == NULL)
    return FALSE;
  if (!kith_task_complete (self->store, item->task, self->my_name, &error))
    {
      show_toast (self, error->message);
      return FALSE;
    }
  {
    /* Translators: after a task is marked done, "Done: Ring the GP (SMITH, Peggy)" */
    g_autofree char *text = g_strdup_printf (_("Done: %s (%s)"), kith_task_item_get_title (item),
                                             item->task->person_name ? item->task->person_name : "");

    show_toast (self, text);
  }
  if (g_list_store_find (self->tasks, item, &position))
    g_list_store_remove (self->tasks, position);
  update_summary (self);
  return TRUE;
}

typedef struct
{
  GWeakRef      page;
  KithTaskItem *item;
  GtkWidget    *check;
} Completion;

static gboolean
complete_in_idle_cb (gpointer data)
{
  Completion *completion = data;
  g_autoptr(KithTasksPage) self = g_weak_ref_get (&completion->page);

  /* Off the check button's own signal: its row goes with the task. */
  if (self != NULL && !complete_item (self, completion->item))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (completion->check), FALSE);
  g_weak_ref_clear (&completion->page);
  g_object_unref (completion->item);
  g_object_unref (completion->check);
  g_free (completion);
  return G_SOURCE_REMOVE;
}

static void
on_done_check_toggled_cb (GtkCheckButton *check,
                          KithTasksPage  *self)
{
  KithTaskItem *item = g_object_get_data (G_OBJECT (check), "kith-task-item");
  Completion *completion;

  if (!gtk_check_button_get_active (check) || item == NULL)
    return;
  completion = g_new0 (Completion, 1);
  g_weak_ref_init (&completion->page, self);
  completion->item = g_object_ref (item);
  completion->check = g_object_ref (GTK_WIDGET (check));
  g_idle_add (complete_in_idle_cb, completion);
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     KithTasksPage            *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *details = gtk_label_new (NULL);
  GtkWidget *overdue = gtk_label_new (_("Overdue"));

  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (check, _("Mark as done"));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_wrap (GTK_LABEL (details), TRUE);
  gtk_widget_add_css_class (details, "dim-label");
  gtk_widget_set_valign (overdue, GTK_ALIGN_CENTER);
  /* Said in words, never by colour alone */
  gtk_widget_add_css_class (overdue, "error");
  gtk_widget_add_css_class (overdue, "heading");
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), details);
  gtk_box_append (GTK_BOX (row), check);
  gtk_box_append (GTK_BOX (row), text);
  gtk_box_append (GTK_BOX (row), overdue);
  g_object_set_data (G_OBJECT (row), "kith-check", check);
  g_object_set_data (G_OBJECT (row), "kith-title", title);
  g_object_set_data (G_OBJECT (row), "kith-details", details);
  g_object_set_data (G_OBJECT (row), "kith-overdue", overdue);
  g_signal_connect (check, "toggled", G_CALLBACK (on_done_check_toggled_cb), self);
  gtk_list_item_set_child (list_item, row);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    KithTasksPage            *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  KithTaskItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *check = g_object_get_data (G_OBJECT (row), "kith-check");
  g_autofree char *check_label = NULL;

  /* Bound again for another task: no ticks carried over. */
  g_object_set_data (G_OBJECT (check), "kith-task-item", NULL);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
  g_object_set_data (G_OBJECT (check), "kith-task-item", item);
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "kith-title"), kith_task_item_get_title (item));
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "kith-details"), item->details);
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (row), "kith-overdue"), item->task->overdue);
  /* Translators: the check button of a task, for screen readers */
  check_label = g_strdup_printf (_("Mark as done: %s"), kith_task_item_get_title (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, check_label, -1);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      KithTasksPage            *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);

  g_object_set_data (g_object_get_data (G_OBJECT (row), "kith-check"), "kith-task-item", NULL);
}

static void
on_list_view_activate_cb (KithTasksPage *self,
                          guint          position)
{
  g_autoptr(KithTaskItem) item = g_list_model_get_item (G_LIST_MODEL (self->tasks), position);

  if (item != NULL && item->task->patient_id != NULL)
    g_signal_emit (self, signals[OPEN_PERSON], 0, item->task->patient_id);
}

static void
kith_tasks_page_dispose (GObject *object)
{
  KithTasksPage *self = (KithTasksPage *) object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (kith_tasks_page_parent_class)->dispose (object);
}

static void
kith_tasks_page_finalize (GObject *object)
{
  KithTasksPage *self = (KithTasksPage *) object;

  g_clear_object (&self->tasks);
  g_free (self->my_name);

  G_OBJECT_CLASS (kith_tasks_page_parent_class)->finalize (object);
}

static void
kith_tasks_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KithTasksPage *self = KITH_TASKS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:   g_value_set_object (value, self->store); break;
    case PROP_MY_NAME: g_value_set_string (value, self->my_name); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_tasks_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KithTasksPage *self = KITH_TASKS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      if (g_set_object (&self->store, g_value_get_object (value)))
        {
          kith_tasks_page_reload (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_MY_NAME:
      {
        g_autofree char *name = g_strstrip (g_strdup (g_value_get_string (value) ? g_value_get_string (value) : ""));

        if (*name == '\0')
          g_clear_pointer (&name, g_free);
        if (g_strcmp0 (name, self->my_name) == 0)
          return;
        g_free (self->my_name);
        self->my_name = g_steal_pointer (&name);
        kith_tasks_page_reload (self);
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_tasks_page_class_init (KithTasksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_tasks_page_dispose;
  object_class->finalize = kith_tasks_page_finalize;
  object_class->get_property = kith_tasks_page_get_property;
  object_class->set_property = kith_tasks_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, KITH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MY_NAME] =
    g_param_spec_string ("my-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OPEN_PERSON] =
    g_signal_new ("open-person", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-tasks-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KithTasksPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KithTasksPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KithTasksPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, KithTasksPage, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
}

static void
kith_tasks_page_init (KithTasksPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->tasks = g_list_store_new (KITH_TYPE_TASK_ITEM);
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->tasks)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  update_summary (self);
}

GtkWidget *
kith_tasks_page_new (void)
{
  return g_object_new (KITH_TYPE_TASKS_PAGE, NULL);
}

void
kith_tasks_page_reload (KithTasksPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GHashTable) meeting_days = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_return_if_fail (KITH_IS_TASKS_PAGE (self));

  if (self->store == NULL || self->my_name == NULL)
    {
      g_list_store_remove_all (self->tasks);
      update_summary (self);
      return;
    }
  if (!(tasks = kith_store_list_tasks (self->store, self->my_name, NULL, &error)))
    {
      show_toast (self, error->message);
      return;
    }
  /* Each meeting read once, however many of its actions are listed. */
  meeting_days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  items = g_ptr_array_new_full (tasks->len, g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    {
      KithTask *task = tasks->pdata[i];

      if (task->meeting_id && !g_hash_table_contains (meeting_days, task->meeting_id))
        g_hash_table_insert (meeting_days, g_strdup (task->meeting_id), dup_meeting_day (self->store, task->meeting_id));
      g_ptr_array_add (items, task_item_new (g_steal_pointer (&tasks->pdata[i]), meeting_days));
    }
  g_list_store_splice (self->tasks, 0, g_list_model_get_n_items (G_LIST_MODEL (self->tasks)),
                       items->pdata, items->len);
  update_summary (self);
}

GListModel *
kith_tasks_page_get_model (KithTasksPage *self)
{
  g_return_val_if_fail (KITH_IS_TASKS_PAGE (self), NULL);
  return G_LIST_MODEL (self->tasks);
}

const char *
kith_tasks_page_get_state (KithTasksPage *self)
{
  g_return_val_if_fail (KITH_IS_TASKS_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
kith_tasks_page_get_list_view (KithTasksPage *self)
{
  g_return_val_if_fail (KITH_IS_TASKS_PAGE (self), NULL);
  return GTK_WIDGET (self->list_view);
}

gboolean
kith_tasks_page_complete (KithTasksPage *self,
                          guint          index)
{
  g_autoptr(KithTaskItem) item = NULL;

  g_return_val_if_fail (KITH_IS_TASKS_PAGE (self), FALSE);

  if (!(item = g_list_model_get_item (G_LIST_MODEL (self->tasks), index)))
    return FALSE;
  return complete_item (self, item);
}
