/* kith-goal-rating-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * At a review, the professional and the person agree how each goal is
 * going, on the five-point goal-attainment scale said in plain words. The
 * person hears the words, never the numbers.
 */

#define G_LOG_DOMAIN "kith-goal-rating-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-application.h"
#include "kith-goal-rating-dialog.h"

struct _KithGoalRatingDialog
{
  AdwMessageDialog  parent_instance;

  KithStore        *store;
  KithCarePlan     *plan;
  GPtrArray        *goals;      /* KithGoal */
  GPtrArray        *rows;       /* AdwComboRow, one per goal (borrowed) */
  AdwEntryRow      *agreed_row;
  AdwEntryRow      *who_row;
};

G_DEFINE_FINAL_TYPE (KithGoalRatingDialog, kith_goal_rating_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
dup_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
update_save_enabled (KithGoalRatingDialog *self)
{
  g_autofree char *agreed = dup_text (self->agreed_row);
  g_autofree char *who = dup_text (self->who_row);
  gboolean any = FALSE;

  for (guint i = 0; i < self->rows->len; i++)
    any |= adw_combo_row_get_selected (self->rows->pdata[i]) > 0;
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save",
                                           any && *agreed != '\0' && *who != '\0');
}

static void
on_response_cb (KithGoalRatingDialog *self,
                const char           *response)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *parent;

  if (g_strcmp0 (response, "save") != 0)
    return;
  if (kith_goal_rating_dialog_save (self, &error))
    return;

  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (parent == NULL ||
      !gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-toast", "s", error->message))
    g_warning ("%s", error->message);
}

static void
kith_goal_rating_dialog_finalize (GObject *object)
{
  KithGoalRatingDialog *self = KITH_GOAL_RATING_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->goals, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_goal_rating_dialog_parent_class)->finalize (object);
}

static void
kith_goal_rating_dialog_class_init (KithGoalRatingDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kith_goal_rating_dialog_finalize;

  /**
   * KithGoalRatingDialog::saved:
   *
   * The ratings are recorded.
   */
  signals[SAVED] = g_signal_new ("saved",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
}

static void
kith_goal_rating_dialog_init (KithGoalRatingDialog *self)
{
  self->rows = g_ptr_array_new ();
  g_signal_connect (self, "response", G_CALLBACK (on_response_cb), NULL);
}

GtkWidget *
kith_goal_rating_dialog_new (GtkWindow    *parent,
                             KithStore    *store,
                             KithCarePlan *plan)
{
  KithGoalRatingDialog *self;
  AdwMessageDialog *dialog;
  GtkListBox *list;
  g_autofree char *who = kith_dup_professional_name ();

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (KITH_IS_CARE_PLAN (plan), NULL);

  self = g_object_new (KITH_TYPE_GOAL_RATING_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       "heading", _("How Are the Goals Going?"),
                       "body", _("Agree each one with the person, in their words: compared with what "
                                 "you both expected at the last review, how has it gone?"),
                       NULL);
  dialog = ADW_MESSAGE_DIALOG (self);
  self->store = g_object_ref (store);
  self->plan = g_object_ref (plan);
  self->goals = kith_care_plan_list_goals (plan);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save Ratings"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (list), "boxed-list");

  for (guint i = 0; i < self->goals->len; i++)
    {
      KithGoal *goal = self->goals->pdata[i];
      g_autoptr(GtkStringList) words = gtk_string_list_new (NULL);
      AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());

      gtk_string_list_append (words, _("Not rated this time"));
      for (int rating = -2; rating <= 2; rating++)
        gtk_string_list_append (words, kith_progress_rating_to_string (rating));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), goal->text);
      /* The person's own words, never markup */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (goal->measure)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), goal->measure);
      adw_combo_row_set_model (row, G_LIST_MODEL (words));
      adw_combo_row_set_selected (row, 0);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (update_save_enabled), self,
                               G_CONNECT_SWAPPED);
      gtk_list_box_append (list, GTK_WIDGET (row));
      g_ptr_array_add (self->rows, row);
    }

  self->agreed_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->agreed_row), _("_Agreed with"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->agreed_row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->agreed_row), _("The person"));
  g_signal_connect_object (self->agreed_row, "changed", G_CALLBACK (update_save_enabled), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_append (list, GTK_WIDGET (self->agreed_row));

  self->who_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->who_row), _("Recorded _by"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->who_row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->who_row), who ? who : "");
  g_signal_connect_object (self->who_row, "changed", G_CALLBACK (update_save_enabled), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_append (list, GTK_WIDGET (self->who_row));

  adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (list));
  update_save_enabled (self);
  if (self->rows->len > 0)
    gtk_window_set_focus (GTK_WINDOW (self), self->rows->pdata[0]);

  return GTK_WIDGET (self);
}

AdwComboRow *
kith_goal_rating_dialog_get_goal_row (KithGoalRatingDialog *self,
                                      guint                 index)
{
  g_return_val_if_fail (KITH_IS_GOAL_RATING_DIALOG (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);

  return self->rows->pdata[index];
}

GtkEditable *
kith_goal_rating_dialog_get_agreed_with (KithGoalRatingDialog *self)
{
  g_return_val_if_fail (KITH_IS_GOAL_RATING_DIALOG (self), NULL);

  return GTK_EDITABLE (self->agreed_row);
}

GtkEditable *
kith_goal_rating_dialog_get_who (KithGoalRatingDialog *self)
{
  g_return_val_if_fail (KITH_IS_GOAL_RATING_DIALOG (self), NULL);

  return GTK_EDITABLE (self->who_row);
}

gboolean
kith_goal_rating_dialog_save (KithGoalRatingDialog  *self,
                              GError               **error)
{
  g_autofree char *agreed = NULL;
  g_autofree char *who = NULL;

  g_return_val_if_fail (KITH_IS_GOAL_RATING_DIALOG (self), FALSE);

  agreed = dup_text (self->agreed_row);
  who = dup_text (self->who_row);

  /* All the ratings of one review, or none of them. */
  if (!kith_store_begin (self->store, error))
    return FALSE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      guint selected = adw_combo_row_get_selected (self->rows->pdata[i]);
      KithGoal *goal = self->goals->pdata[i];

      if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
        continue;
      if (!kith_progress_rate_goal (self->store, kith_care_plan_get_patient_id (self->plan),
                                    kith_care_plan_get_id (self->plan), goal->id, (int) selected - 3,
                                    agreed, who, error))
        {
          kith_store_rollback (self->store);
          return FALSE;
        }
    }
  if (!kith_store_commit (self->store, error))   /* rolls back by itself */
    return FALSE;
  g_signal_emit (self, signals[SAVED], 0);
  return TRUE;
}
