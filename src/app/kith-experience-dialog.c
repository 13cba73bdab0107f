/* kith-experience-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The person's own view of their care, after a review: the five
 * experience statements and collaboRATE. On the shared screen it is the
 * person's window: large type, one statement at a time, answer buttons a
 * finger can hit, no name or record in view, and a way to hand the
 * screen back at any point. From paper it is one plain form. What is
 * saved, and how, is the core's (kith_experience_record()).
 */

#define G_LOG_DOMAIN "kith-experience-dialog"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "kith-experience-dialog.h"

struct _KithExperienceDialog
{
  AdwWindow             parent_instance;

  KithStore            *store;
  char                 *patient_id;
  char                 *plan_id;
  char                 *recorded_by;
  KithExperienceSource  source;
  KithAnswerSet        *experience;
  KithAnswerSet        *collaborate;
  GPtrArray            *questions;     /* Question */
  guint                 current;       /* on the shared screen */

  GtkStack             *pages;         /* the shared screen's, one per question, then "thanks" */
  GtkButton            *hand_back_button;
  GtkButton            *save_button;
  AdwEntryRow          *date_row;
  GHashTable           *rows;          /* paper: link id → AdwComboRow */
  GtkLabel             *error_label;
};

G_DEFINE_FINAL_TYPE (KithExperienceDialog, kith_experience_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  KithAnswerSet            *answers;   /* borrowed from the dialog */
  const KithInstrumentItem *item;
  const char               *intro;     /* the instrument's opening words, on its first question */
  GtkWidget                *page;      /* shared screen */
  GPtrArray                *buttons;   /* shared screen: GtkButton per option */
} Question;

static void
question_free (Question *question)
{
  g_clear_pointer (&question->buttons, g_ptr_array_unref);
  g_free (question);
}

/* Helpers */

static void
show_error (KithExperienceDialog *self,
            const char           *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
add_questions (KithExperienceDialog *self,
               KithAnswerSet        *answers)
{
  KithInstrument *instrument = kith_answer_set_get_instrument (answers);
  const char *intro = NULL;
  gboolean first = TRUE;

  for (guint i = 0; i < kith_instrument_get_n_items (instrument); i++)
    {
      const KithInstrumentItem *item = kith_instrument_get_item (instrument, i);
      Question *question;

      if (item->type == KITH_ITEM_DISPLAY && intro == NULL)
        intro = item->text;
      if (item->type != KITH_ITEM_CHOICE)
        continue;
      question = g_new0 (Question, 1);
      question->answers = answers;
      question->item = item;
      question->intro = first ? intro : NULL;
      first = FALSE;
      g_ptr_array_add (self->questions, question);
    }
}

static gboolean
anything_answered (KithExperienceDialog *self)
{
  for (guint i = 0; i < self->questions->len; i++)
    {
      Question *question = self->questions->pdata[i];

      if (kith_answer_set_lookup (question->answers, question->item->link_id))
        return TRUE;
    }
  return FALSE;
}

static gboolean
save (KithExperienceDialog *self,
      const char           *authored)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  KithExperienceRecord record = {
    self->patient_id, self->plan_id, self->experience, self->collaborate, self->source, self->recorded_by, authored
  };

  if (!(ids = kith_experience_record (self->store, &record, &error)))
    {
      show_error (self, error->message);
      return FALSE;
    }
  g_signal_emit (self, signals[SAVED], 0);
  return TRUE;
}

/* --- the shared screen --- */

static void
show_question (KithExperienceDialog *self,
               guint                 index)
{
  self->current = index;
  if (index >= self->questions->len)
    {
      gtk_stack_set_visible_child_name (self->pages, "thanks");
      gtk_widget_grab_focus (GTK_WIDGET (self->hand_back_button));
      return;
    }
  {
    Question *question = self->questions->pdata[index];
    const KithAnswer *answer = kith_answer_set_lookup (question->answers, question->item->link_id);
    GtkWidget *focus = NULL;

    gtk_stack_set_visible_child (self->pages, question->page);
    /* The answer given before, if they came back to it. */
    for (guint o = 0; o < question->buttons->len; o++)
      {
        GtkWidget *button = question->buttons->pdata[o];
        const KithAnswerOption *option = g_ptr_array_index (question->item->options, o);
        gboolean chosen = answer && answer->kind == KITH_ANSWER_CODE && g_strcmp0 (answer->code, option->code) == 0;

        if (chosen)
          gtk_widget_add_css_class (button, "suggested-action");
        else
          gtk_widget_remove_css_class (button, "suggested-action");
        if (focus == NULL || chosen)
          focus = button;
      }
    if (focus)
      gtk_widget_grab_focus (focus);
  }
}

static void
on_answer_clicked_cb (GtkButton            *button,
                      KithExperienceDialog *self)
{
  Question *question = self->questions->pdata[self->current];
  const char *code = g_object_get_data (G_OBJECT (button), "code");
  KithAnswer answer = { KITH_ANSWER_CODE };

  if (code == NULL)
    answer.kind = KITH_ANSWER_DECLINED;
  else
    answer.code = (char *) code;
  kith_answer_set_put (question->answers, question->item->link_id, &answer);
  show_question (self, self->current + 1);
}

static void
on_back_clicked_cb (GtkButton            *button,
                    KithExperienceDialog *self)
{
  if (self->current > 0)
    show_question (self, self->current - 1);
}

static void
on_hand_back_clicked_cb (KithExperienceDialog *self)
{
  /* Nothing answered: nothing to keep, but the screen goes back. */
  if (!anything_answered (self) || save (self, NULL))
    gtk_window_destroy (GTK_WINDOW (self));
}

static GtkWidget *
big_button (const char *label)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_size_request (button, -1, 64);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "title-3");
  gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
  return button;
}

static GtkWidget *
new_question_page (KithExperienceDialog *self,
                   Question             *question,
                   guint                 index)
{
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *answers = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  /* Translators: where the person is in the questions, "Question 2 of 8" */
  g_autofree char *where = g_strdup_printf (_("Question %u of %u"), index + 1, self->questions->len);
  GtkWidget *progress = gtk_label_new (where);
  GtkWidget *statement = gtk_label_new (question->item->text);
  GtkWidget *skip, *back;

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 720);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);

  gtk_widget_add_css_class (progress, "dim-label");
  gtk_box_append (GTK_BOX (box), progress);
  if (question->intro)
    {
      GtkWidget *intro = gtk_label_new (question->intro);

      gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
      gtk_label_set_justify (GTK_LABEL (intro), GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (intro, "title-4");
      gtk_box_append (GTK_BOX (box), intro);
    }
  gtk_label_set_wrap (GTK_LABEL (statement), TRUE);
  gtk_label_set_justify (GTK_LABEL (statement), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (statement, "title-1");
  g_object_set_data (G_OBJECT (box), "statement", statement);
  gtk_box_append (GTK_BOX (box), statement);

  question->buttons = g_ptr_array_new ();
  for (guint o = 0; o < question->item->options->len; o++)
    {
      const KithAnswerOption *option = g_ptr_array_index (question->item->options, o);
      GtkWidget *button = big_button (option->display);

      g_object_set_data_full (G_OBJECT (button), "code", g_strdup (option->code), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_answer_clicked_cb), self);
      g_ptr_array_add (question->buttons, button);
      gtk_box_append (GTK_BOX (answers), button);
    }
  gtk_widget_set_margin_top (answers, 12);
  gtk_box_append (GTK_BOX (box), answers);

  back = gtk_button_new_with_mnemonic (_("_Back"));
  gtk_widget_add_css_class (back, "flat");
  gtk_widget_set_sensitive (back, index > 0);
  g_signal_connect (back, "clicked", G_CALLBACK (on_back_clicked_cb), self);
  skip = gtk_button_new_with_mnemonic (_("I’d _rather not say"));
  gtk_widget_add_css_class (skip, "flat");
  gtk_widget_set_hexpand (skip, TRUE);
  gtk_widget_set_halign (skip, GTK_ALIGN_END);
  g_signal_connect (skip, "clicked", G_CALLBACK (on_answer_clicked_cb), self);
  gtk_box_append (GTK_BOX (footer), back);
  gtk_box_append (GTK_BOX (footer), skip);
  gtk_box_append (GTK_BOX (box), footer);

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  return clamp;
}

static GtkWidget *
build_shared_screen (KithExperienceDialog *self,
                     GtkWidget            *header)
{
  GtkWidget *thanks = adw_status_page_new ();
  GtkWidget *done = big_button (_("Hand Back"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->pages = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->pages, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT_RIGHT);
  for (guint i = 0; i < self->questions->len; i++)
    {
      Question *question = self->questions->pdata[i];

      question->page = new_question_page (self, question, i);
      gtk_stack_add_child (self->pages, question->page);
    }

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (thanks), "emblem-ok-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (thanks), _("Thank You"));
  adw_status_page_set_description (ADW_STATUS_PAGE (thanks),
                                   _("Your answers help us make care better. Please hand the screen back."));
  gtk_widget_set_halign (done, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (done, "suggested-action");
  g_signal_connect_swapped (done, "clicked", G_CALLBACK (on_hand_back_clicked_cb), self);
  adw_status_page_set_child (ADW_STATUS_PAGE (thanks), done);
  gtk_stack_add_named (self->pages, thanks, "thanks");

  /* Handing back early keeps what was answered. */
  self->hand_back_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Hand Back")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->hand_back_button), _("Finish and give the screen back"));
  g_signal_connect_swapped (self->hand_back_button, "clicked", G_CALLBACK (on_hand_back_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->hand_back_button));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (_("About Your Care"), NULL));
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->pages));
  gtk_widget_set_vexpand (scrolled, TRUE);
  return scrolled;
}

/* --- from paper --- */

static char *
today_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

static void
on_save_clicked_cb (KithExperienceDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->date_row));
  g_autoptr(GDateTime) noon = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *authored = NULL;
  int y, m, d;

  /* The day on the form; noon, so the day is the same in every zone nearby. */
  if (sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y) ||
      !(noon = g_date_time_new_local (y, m, d, 12, 0, 0)))
    {
      show_error (self, _("The day the form was filled in is not a real date (use the form 2026-03-01)"));
      return;
    }
  if (g_date_time_compare (noon, now) > 0 && g_date_time_get_day_of_year (noon) != g_date_time_get_day_of_year (now))
    {
      show_error (self, _("The day the form was filled in cannot be in the future"));
      return;
    }
  if (g_date_time_compare (noon, now) > 0)
    g_clear_pointer (&noon, g_date_time_unref);
  authored = noon ? g_date_time_format_iso8601 (noon) : NULL;

  for (guint i = 0; i < self->questions->len; i++)
    {
      Question *question = self->questions->pdata[i];
      AdwComboRow *row = g_hash_table_lookup (self->rows, question->item->link_id);
      guint selected = adw_combo_row_get_selected (row);
      KithAnswer answer = { KITH_ANSWER_NONE };

      /* 0: not answered; then the options; last: declined. */
      if (selected > 0 && selected <= question->item->options->len)
        {
          const KithAnswerOption *option = g_ptr_array_index (question->item->options, selected - 1);

          answer.kind = KITH_ANSWER_CODE;
          answer.code = option->code;
        }
      else if (selected == question->item->options->len + 1)
        answer.kind = KITH_ANSWER_DECLINED;
      kith_answer_set_put (question->answers, question->item->link_id, &answer);
    }
  if (save (self, authored))
    gtk_window_destroy (GTK_WINDOW (self));
}

static GtkWidget *
build_paper_form (KithExperienceDialog *self,
                  GtkWidget            *header)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *when = adw_preferences_group_new ();
  GtkWidget *group = NULL;
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_autofree char *today = today_iso ();
  KithAnswerSet *group_of = NULL;

  self->rows = g_hash_table_new (g_str_hash, g_str_equal);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (when),
                                         _("Type in the person’s answers from their paper form, as they gave them."));
  self->date_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->date_row), _("Day the form was filled in"));
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (when), GTK_WIDGET (self->date_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (when));

  for (guint i = 0; i < self->questions->len; i++)
    {
      Question *question = self->questions->pdata[i];
      g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
      GtkWidget *row = adw_combo_row_new ();

      if (question->answers != group_of)
        {
          KithInstrument *instrument = kith_answer_set_get_instrument (question->answers);

          group_of = question->answers;
          group = adw_preferences_group_new ();
          adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), kith_instrument_get_title (instrument));
          if (question->intro)
            adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), question->intro);
          adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
        }
      gtk_string_list_append (choices, _("Not answered"));
      for (guint o = 0; o < question->item->options->len; o++)
        gtk_string_list_append (choices, ((KithAnswerOption *) g_ptr_array_index (question->item->options, o))->display);
      gtk_string_list_append (choices, _("Declined to answer"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), question->item->text);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (choices));
      g_hash_table_insert (self->rows, (gpointer) question->item->link_id, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  self->save_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Save")));
  gtk_widget_add_css_class (GTK_WIDGET (self->save_button), "suggested-action");
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (on_save_clicked_cb), self);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->save_button));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Experience from Paper"), NULL));
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_widget_set_vexpand (page, TRUE);
  return page;
}

/* Overrides */

static void
kith_experience_dialog_dispose (GObject *object)
{
  KithExperienceDialog *self = KITH_EXPERIENCE_DIALOG (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->questions, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_experience_dialog_parent_class)->dispose (object);
}

static void
kith_experience_dialog_finalize (GObject *object)
{
  KithExperienceDialog *self = KITH_EXPERIENCE_DIALOG (object);

  g_clear_object (&self->store);
  g_free (self->patient_id);
  g_free (self->plan_id);
  g_free (self->recorded_by);
  g_clear_pointer (&self->experience, kith_answer_set_free);
  g_clear_pointer (&self->collaborate, kith_answer_set_free);

  G_OBJECT_CLASS (kith_experience_dialog_parent_class)->finalize (object);
}

static void
kith_experience_dialog_class_init (KithExperienceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kith_experience_dialog_dispose;
  object_class->finalize = kith_experience_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
}

static void
kith_experience_dialog_init (KithExperienceDialog *self)
{
  self->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) question_free);
}

/* Public API */

GtkWidget *
kith_experience_dialog_new (GtkWindow            *parent,
                            KithStore            *store,
                            const char           *patient_id,
                            const char           *plan_id,
                            KithExperienceSource  source,
                            const char           *recorded_by)
{
  KithInstrumentLibrary *library = kith_instrument_library_get_default ();
  KithInstrument *experience = kith_instrument_library_lookup (library, KITH_EXPERIENCE_INSTRUMENT);
  KithInstrument *collaborate = kith_instrument_library_lookup (library, KITH_COLLABORATE_INSTRUMENT);
  KithExperienceDialog *self;
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *body;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);
  g_return_val_if_fail (experience != NULL && collaborate != NULL, NULL);

  self = g_object_new (KITH_TYPE_EXPERIENCE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->patient_id = g_strdup (patient_id);
  self->plan_id = g_strdup (plan_id);
  self->recorded_by = g_strdup (recorded_by);
  self->source = source;
  self->experience = kith_answer_set_new (experience);
  self->collaborate = kith_answer_set_new (collaborate);
  add_questions (self, self->experience);
  add_questions (self, self->collaborate);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "kith-error");
  gtk_widget_set_margin_start (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  if (source == KITH_EXPERIENCE_SHARED_SCREEN)
    {
      body = build_shared_screen (self, header);
      gtk_window_set_default_size (GTK_WINDOW (self), 960, 720);
      gtk_window_set_title (GTK_WINDOW (self), _("About Your Care"));
    }
  else
    {
      body = build_paper_form (self, header);
      gtk_window_set_default_size (GTK_WINDOW (self), 640, 720);
      gtk_window_set_title (GTK_WINDOW (self), _("Experience from Paper"));
    }
  gtk_box_append (GTK_BOX (content), header);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->error_label));
  gtk_box_append (GTK_BOX (content), body);
  adw_window_set_content (ADW_WINDOW (self), content);
  if (source == KITH_EXPERIENCE_SHARED_SCREEN)
    show_question (self, 0);
  return GTK_WIDGET (self);
}

const char *
kith_experience_dialog_get_statement (KithExperienceDialog *self)
{
  Question *question;
  GtkWidget *box;

  g_return_val_if_fail (KITH_IS_EXPERIENCE_DIALOG (self), NULL);

  if (self->pages == NULL || self->current >= self->questions->len)
    return NULL;
  question = self->questions->pdata[self->current];
  box = adw_clamp_get_child (ADW_CLAMP (question->page));
  return gtk_label_get_text (g_object_get_data (G_OBJECT (box), "statement"));
}

GtkButton *
kith_experience_dialog_find_answer (KithExperienceDialog *self,
                                    const char           *words)
{
  Question *question;

  g_return_val_if_fail (KITH_IS_EXPERIENCE_DIALOG (self), NULL);

  if (self->pages == NULL || self->current >= self->questions->len)
    return NULL;
  question = self->questions->pdata[self->current];
  for (guint o = 0; o < question->buttons->len; o++)
    if (g_strcmp0 (gtk_button_get_label (question->buttons->pdata[o]), words) == 0)
      return question->buttons->pdata[o];
  return NULL;
}

GtkButton *
kith_experience_dialog_get_hand_back_button (KithExperienceDialog *self)
{
  g_return_val_if_fail (KITH_IS_EXPERIENCE_DIALOG (self), NULL);
  return self->hand_back_button;
}

AdwComboRow *
kith_experience_dialog_get_row (KithExperienceDialog *self,
                                const char           *link_id)
{
  g_return_val_if_fail (KITH_IS_EXPERIENCE_DIALOG (self), NULL);
  return self->rows ? g_hash_table_lookup (self->rows, link_id) : NULL;
}

AdwEntryRow *
kith_experience_dialog_get_date_row (KithExperienceDialog *self)
{
  g_return_val_if_fail (KITH_IS_EXPERIENCE_DIALOG (self), NULL);
  return self->date_row;
}

GtkButton *
kith_experience_dialog_get_save_button (KithExperienceDialog *self)
{
  g_return_val_if_fail (KITH_IS_EXPERIENCE_DIALOG (self), NULL);
  return self->save_button;
}

const char *
kith_experience_dialog_get_error (KithExperienceDialog *self)
{
  g_return_val_if_fail (KITH_IS_EXPERIENCE_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_text (self->error_label) : NULL;
}
