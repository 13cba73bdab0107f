/* kith-plan-history.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every saved version of a care plan, newest first: when, who, the state
 * and what changed. Choosing a version shows, in words, what changed from
 * the version before it, or from any earlier version chosen.
 */

#define G_LOG_DOMAIN "kith-plan-history"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-plan-document.h"
#include "kith-plan-editor-private.h"
#include "kith-plan-history.h"

struct _KithPlanHistory
{
  AdwWindow    parent_instance;

  GPtrArray   *versions;     /* KithCarePlan, oldest first */
  guint        selected;     /* index into versions */
  gboolean     filling;

  /* Template widgets */
  GtkStack    *stack;
  GtkListBox  *versions_list;
  GtkLabel    *changes_title;
  AdwComboRow *compare_row;
  GtkListBox  *changes_list;
};

G_DEFINE_FINAL_TYPE (KithPlanHistory, kith_plan_history, ADW_TYPE_WINDOW)

static char *
format_when (const char *instant)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (instant == NULL || !(utc = g_date_time_new_from_iso8601 (instant, NULL)))
    return g_strdup (_("Date not known"));
  local = g_date_time_to_local (utc);
  /* Translators: when a version was saved; see g_date_time_format() */
  return g_date_time_format (local, _("%-d %B %Y at %H:%M"));
}

static const char *
get_change_summary (KithCarePlan *version)
{
  JsonNode *node = kith_fhir_get_extension (kith_care_plan_get_json (version),
                                            KITH_FHIR_SD "change-summary", "valueString");

  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static char *
dup_version_title (KithCarePlan *version)
{
  /* Translators: a version's number and the plan's state then, "Version 3 · Agreed" */
  return g_strdup_printf (_("Version %s · %s"),
                          kith_care_plan_get_version (version) != NULL ? kith_care_plan_get_version (version) : "?",
                          kith_care_plan_state_to_string (kith_care_plan_get_state (version)));
}

static GtkWidget *
make_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
make_version_row (KithCarePlan *version,
                  guint         index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *title = dup_version_title (version);
  g_autofree char *when = format_when (kith_care_plan_get_last_updated (version));
  g_autofree char *byline = NULL;
  const char *who = kith_care_plan_get_last_edited_by (version);
  const char *summary = get_change_summary (version);
  GtkWidget *summary_label;

  /* Translators: when a version was saved and by whom */
  byline = who != NULL ? g_strdup_printf (_("%s · %s"), when, who) : g_strdup (when);
  gtk_box_append (GTK_BOX (box), make_label (title, "heading"));
  gtk_box_append (GTK_BOX (box), make_label (byline, "dim-label"));
  summary_label = make_label (summary != NULL ? summary : _("No summary of changes"), NULL);
  gtk_label_set_lines (GTK_LABEL (summary_label), 3);
  gtk_label_set_ellipsize (GTK_LABEL (summary_label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), summary_label);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "kith-version-index", GUINT_TO_POINTER (index));
  return row;
}

static void
show_changes (KithPlanHistory *self)
{
  KithCarePlan *newer = self->versions->pdata[self->selected];
  guint compare = adw_combo_row_get_selected (self->compare_row);
  g_autofree char *title = dup_version_title (newer);
  GtkWidget *child;

  gtk_label_set_text (self->changes_title, title);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->changes_list))) != NULL)
    gtk_list_box_remove (self->changes_list, child);

  if (self->selected == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Plan started"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The first saved version: nothing earlier to compare with."));
      gtk_list_box_append (self->changes_list, row);
      return;
    }

  /* The compare row lists the earlier versions, newest first. */
  if (compare == GTK_INVALID_LIST_POSITION || compare >= self->selected)
    compare = 0;
  {
    KithCarePlan *older = self->versions->pdata[self->selected - 1 - compare];
    g_autoptr(GPtrArray) changes = kith_care_plan_diff (older, newer);

    for (guint i = 0; i < changes->len; i++)
      {
        KithPlanChange *change = changes->pdata[i];
        GtkWidget *row = adw_action_row_new ();

        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), change->section);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), change->summary);
        adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
        gtk_list_box_append (self->changes_list, row);
      }
    if (changes->len == 0)
      {
        GtkWidget *row = adw_action_row_new ();

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No changes to what the plan says"));
        gtk_list_box_append (self->changes_list, row);
      }
  }
}

static void
on_versions_list_row_selected_cb (KithPlanHistory *self,
                                  GtkListBoxRow   *row)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  if (row == NULL)
    return;

  self->selected = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "kith-version-index"));
  for (guint i = self->selected; i > 0; i--)
    {
      KithCarePlan *older = self->versions->pdata[i - 1];
      g_autofree char *when = format_when (kith_care_plan_get_last_updated (older));
      g_autofree char *text = NULL;

      if (i == self->selected)
        /* Translators: the version just before the one shown */
        text = g_strdup_printf (_("The version before (version %s)"), kith_care_plan_get_version (older));
      else
        text = g_strdup_printf (_("Version %s, %s"), kith_care_plan_get_version (older), when);
      gtk_string_list_append (model, text);
    }
  if (self->selected == 0)
    gtk_string_list_append (model, _("Nothing: this is the first version"));

  self->filling = TRUE;
  adw_combo_row_set_model (self->compare_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->compare_row, 0);
  self->filling = FALSE;
  show_changes (self);
}

static void
on_compare_row_notify_selected_cb (KithPlanHistory *self)
{
  if (!self->filling && self->versions != NULL && self->versions->len > 0)
    show_changes (self);
}

static void
kith_plan_history_dispose (GObject *object)
{
  KithPlanHistory *self = KITH_PLAN_HISTORY (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_PLAN_HISTORY);
  g_clear_pointer (&self->versions, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_plan_history_parent_class)->dispose (object);
}

static void
kith_plan_history_class_init (KithPlanHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_plan_history_dispose;

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-plan-history.ui");
  gtk_widget_class_bind_template_child (widget_class, KithPlanHistory, stack);
  gtk_widget_class_bind_template_child (widget_class, KithPlanHistory, versions_list);
  gtk_widget_class_bind_template_child (widget_class, KithPlanHistory, changes_title);
  gtk_widget_class_bind_template_child (widget_class, KithPlanHistory, compare_row);
  gtk_widget_class_bind_template_child (widget_class, KithPlanHistory, changes_list);
  gtk_widget_class_bind_template_callback (widget_class, on_versions_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_row_notify_selected_cb);
}

static void
kith_plan_history_init (KithPlanHistory *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

KithPlanHistory *
kith_plan_history_new (GtkWindow  *parent,
                       KithStore  *store,
                       const char *plan_id)
{
  g_autoptr(GError) error = NULL;
  KithPlanHistory *self;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (plan_id != NULL, NULL);

  self = g_object_new (KITH_TYPE_PLAN_HISTORY,
                       "transient-for", parent,
                       NULL);

  if (!(self->versions = kith_care_plan_list_versions (store, plan_id, &error)))
    {
      g_warning ("Could not list the plan’s versions: %s", error->message);
      self->versions = g_ptr_array_new_with_free_func (g_object_unref);
    }

  if (self->versions->len == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return self;
    }

  for (guint i = self->versions->len; i > 0; i--)
    gtk_list_box_append (self->versions_list, make_version_row (self->versions->pdata[i - 1], i - 1));
  gtk_stack_set_visible_child_name (self->stack, "versions");
  gtk_list_box_select_row (self->versions_list, gtk_list_box_get_row_at_index (self->versions_list, 0));
  return self;
}

/* For the GUI tests */

GtkListBox *
kith_plan_history_get_versions_list (KithPlanHistory *self)
{
  return self->versions_list;
}

GtkListBox *
kith_plan_history_get_changes_list (KithPlanHistory *self)
{
  return self->changes_list;
}
