/* kith-question-row.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One question, its answer, and where that answer came from. Choices,
 * ratings and yes/no questions are a KithOptionGroup: Tab moves from
 * question to question, arrows between options, Enter or Space picks, and
 * then ::answered moves the focus on to the next question. Free text is
 * saved after a short pause, when the focus leaves, and when the row goes
 * away, so typing is never lost.
 */

#define G_LOG_DOMAIN "kith-question-row"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-format.h"
#include "kith-option-group.h"
#include "kith-question-row.h"

/* Long enough not to save at every keystroke, short enough that a
 * closed lid loses at most a word or two. */
#define SAVE_DELAY_MS 800

/* Integer questions with at most this many values are a row of buttons
 * (a 0–10 rating); wider ranges are a spin button. */
#define MAX_INTEGER_BUTTONS 11

struct _KithQuestionRow
{
  GtkWidget                 parent_instance;

  KithAssessment           *assessment;
  KithInstrument           *instrument;
  const KithInstrumentItem *item;          /* owned by the instrument */

  GtkWidget                *input;
  KithOptionGroup          *option_group;  /* choice, rating, yes/no */
  GtkEditable              *entry;         /* short text */
  GtkTextBuffer            *buffer;        /* long text */
  GtkSpinButton            *spin_button;   /* wide integer ranges */

  guint                     save_id;
  guint                     dirty : 1;     /* typing not saved yet */
  guint                     syncing : 1;

  /* Template widgets */
  GtkLabel                 *question_label;
  GtkMenuButton            *menu_button;
  GtkWidget                *status_box;
  GtkWidget                *carried_label;
  GtkWidget                *confirm_button;
  GtkLabel                 *state_label;
  GtkLabel                 *was_label;
  GtkBox                   *input_box;
};

G_DEFINE_FINAL_TYPE (KithQuestionRow, kith_question_row, GTK_TYPE_WIDGET)

enum {
  ANSWERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const KithAnswer *
lookup_answer (KithQuestionRow *self)
{
  KithAnswerSet *answers = kith_assessment_get_answers (self->assessment,
                                                        kith_instrument_get_id (self->instrument));

  return answers != NULL ? kith_answer_set_lookup (answers, self->item->link_id) : NULL;
}

static const KithAnswer *
lookup_previous_answer (KithQuestionRow *self)
{
  KithAnswerSet *previous = kith_assessment_get_previous_answers (self->assessment,
                                                                  kith_instrument_get_id (self->instrument));

  return previous != NULL ? kith_answer_set_lookup (previous, self->item->link_id) : NULL;
}

static void
report_error (KithQuestionRow *self,
              const char      *message)
{
  /* The assessment view shows it as a toast. */
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "assessment.show-error", "s", message))
    g_warning ("Could not save an answer: %s", message);
}

/* Saves @answer; on failure says why and shows what is saved instead. */
static gboolean
save_answer (KithQuestionRow  *self,
             const KithAnswer *answer)
{
  g_autoptr(GError) error = NULL;

  if (!kith_assessment_set_answer (self->assessment, kith_instrument_get_id (self->instrument),
                                   self->item->link_id, answer, &error))
    {
      report_error (self, error->message);
      kith_question_row_sync (self);
      return FALSE;
    }

  kith_question_row_sync (self);
  return TRUE;
}

static char *
dup_typed_text (KithQuestionRow *self)
{
  GtkTextIter start, end;

  if (self->entry != NULL)
    return g_strdup (gtk_editable_get_text (self->entry));

  if (self->buffer != NULL)
    {
      gtk_text_buffer_get_bounds (self->buffer, &start, &end);
      return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
    }

  return NULL;
}

static void
save_typed_text (KithQuestionRow *self)
{
  g_autofree char *text = dup_typed_text (self);
  g_autofree char *stripped = NULL;
  const KithAnswer *held = lookup_answer (self);
  KithAnswer answer = { KITH_ANSWER_NONE };

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (!self->dirty)
    return;
  self->dirty = FALSE;

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*stripped != '\0')
    {
      answer.kind = KITH_ANSWER_TEXT;
      answer.text = text;
    }

  /* Nothing new: typing that ends where it began saves nothing. */
  if (held == NULL && answer.kind == KITH_ANSWER_NONE)
    return;
  if (held != NULL && held->kind == KITH_ANSWER_TEXT && answer.kind == KITH_ANSWER_TEXT &&
      g_strcmp0 (held->text, answer.text) == 0)
    return;
  /* Emptying a declined or not-assessed question keeps what was recorded. */
  if (held != NULL && held->kind != KITH_ANSWER_TEXT && answer.kind == KITH_ANSWER_NONE)
    return;

  save_answer (self, &answer);
}

static gboolean
on_save_timeout_cb (gpointer user_data)
{
  KithQuestionRow *self = user_data;

  self->save_id = 0;
  save_typed_text (self);
  return G_SOURCE_REMOVE;
}

static void
on_text_changed_cb (KithQuestionRow *self)
{
  if (self->syncing)
    return;

  self->dirty = TRUE;
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, on_save_timeout_cb, self);
}

static void
on_input_focus_leave_cb (GtkEventControllerFocus *controller,
                         KithQuestionRow         *self)
{
  save_typed_text (self);
}

static void
on_option_group_picked_cb (KithOptionGroup *group,
                           guint            index,
                           KithQuestionRow *self)
{
  KithAnswer answer = { KITH_ANSWER_NONE };
  const KithAnswerOption *option;

  switch (self->item->type)
    {
    case KITH_ITEM_CHOICE:
      option = g_ptr_array_index (self->item->options, index);
      answer.kind = KITH_ANSWER_CODE;
      answer.code = option->code;
      break;

    case KITH_ITEM_INTEGER:
      answer.kind = KITH_ANSWER_INTEGER;
      answer.integer = self->item->min_value + (int) index;
      break;

    case KITH_ITEM_BOOLEAN:
      /* "Yes" comes first */
      answer.kind = KITH_ANSWER_BOOLEAN;
      answer.integer = index == 0;
      break;

    case KITH_ITEM_GROUP:
    case KITH_ITEM_DISPLAY:
    case KITH_ITEM_STRING:
    case KITH_ITEM_TEXT:
    case KITH_ITEM_DATE:
    default:
      g_assert_not_reached ();
    }

  if (save_answer (self, &answer))
    g_signal_emit (self, signals[ANSWERED], 0);
}

static void
on_spin_button_value_changed_cb (GtkSpinButton   *spin_button,
                                 KithQuestionRow *self)
{
  KithAnswer answer = { KITH_ANSWER_INTEGER };

  if (self->syncing)
    return;

  answer.integer = gtk_spin_button_get_value_as_int (spin_button);
  save_answer (self, &answer);
}

static void
on_confirm_button_clicked_cb (KithQuestionRow *self)
{
  g_autoptr(GError) error = NULL;

  save_typed_text (self);
  if (!kith_assessment_confirm_answer (self->assessment, kith_instrument_get_id (self->instrument),
                                       self->item->link_id, &error))
    report_error (self, error->message);

  kith_question_row_sync (self);
  if (error == NULL)
    g_signal_emit (self, signals[ANSWERED], 0);
}

static int
find_option_index (KithQuestionRow  *self,
                   const KithAnswer *answer)
{
  if (answer == NULL)
    return -1;

  switch (answer->kind)
    {
    case KITH_ANSWER_CODE:
      for (guint i = 0; self->item->options != NULL && i < self->item->options->len; i++)
        if (g_strcmp0 (((KithAnswerOption *) self->item->options->pdata[i])->code, answer->code) == 0)
          return (int) i;
      return -1;

    case KITH_ANSWER_INTEGER:
      return answer->integer - self->item->min_value;

    case KITH_ANSWER_BOOLEAN:
      return answer->integer ? 0 : 1;

    case KITH_ANSWER_NONE:
    case KITH_ANSWER_TEXT:
    case KITH_ANSWER_DECLINED:
    case KITH_ANSWER_NOT_ASSESSED:
    default:
      return -1;
    }
}

static void
build_option_group (KithQuestionRow *self)
{
  self->option_group = KITH_OPTION_GROUP (kith_option_group_new ());

  switch (self->item->type)
    {
    case KITH_ITEM_CHOICE:
      for (guint i = 0; self->item->options != NULL && i < self->item->options->len; i++)
        {
          KithAnswerOption *option = self->item->options->pdata[i];

          kith_option_group_append (self->option_group,
                                    option->display != NULL ? option->display : option->code);
        }
      break;

    case KITH_ITEM_INTEGER:
      for (int value = self->item->min_value; value <= self->item->max_value; value++)
        {
          char text[16];

          g_snprintf (text, sizeof text, "%d", value);
          kith_option_group_append (self->option_group, text);
        }
      gtk_widget_add_css_class (GTK_WIDGET (self->option_group), "rating");
      break;

    case KITH_ITEM_BOOLEAN:
      kith_option_group_append (self->option_group, _("Yes"));
      kith_option_group_append (self->option_group, _("No"));
      break;

    case KITH_ITEM_GROUP:
    case KITH_ITEM_DISPLAY:
    case KITH_ITEM_STRING:
    case KITH_ITEM_TEXT:
    case KITH_ITEM_DATE:
    default:
      g_assert_not_reached ();
    }

  g_signal_connect (self->option_group, "picked", G_CALLBACK (on_option_group_picked_cb), self);
  self->input = GTK_WIDGET (self->option_group);
}

static void
build_input (KithQuestionRow *self)
{
  GtkEventController *focus_controller;

  switch (self->item->type)
    {
    case KITH_ITEM_CHOICE:
    case KITH_ITEM_BOOLEAN:
      build_option_group (self);
      break;

    case KITH_ITEM_INTEGER:
      if (self->item->max_value >= self->item->min_value &&
          self->item->max_value - self->item->min_value < MAX_INTEGER_BUTTONS)
        {
          build_option_group (self);
        }
      else
        {
          self->spin_button = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (self->item->min_value,
                                                                               self->item->max_value, 1));
          gtk_widget_set_halign (GTK_WIDGET (self->spin_button), GTK_ALIGN_START);
          g_signal_connect (self->spin_button, "value-changed",
                            G_CALLBACK (on_spin_button_value_changed_cb), self);
          self->input = GTK_WIDGET (self->spin_button);
        }
      break;

    case KITH_ITEM_TEXT:
      {
        GtkWidget *text_view = g_object_new (GTK_TYPE_TEXT_VIEW,
                                             "wrap-mode", GTK_WRAP_WORD_CHAR,
                                             "accepts-tab", FALSE,
                                             "top-margin", 8,
                                             "bottom-margin", 8,
                                             "left-margin", 8,
                                             "right-margin", 8,
                                             "height-request", 72,
                                             NULL);

        gtk_widget_add_css_class (text_view, "answer-text");
        self->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
        g_signal_connect_swapped (self->buffer, "changed", G_CALLBACK (on_text_changed_cb), self);
        self->input = text_view;
      }
      break;

    case KITH_ITEM_STRING:
    case KITH_ITEM_DATE:
      {
        GtkWidget *entry = gtk_entry_new ();

        if (self->item->type == KITH_ITEM_DATE)
          /* Translators: how to type a date in a free-text date question */
          gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("For example 21 March 2026"));
        self->entry = GTK_EDITABLE (entry);
        g_signal_connect_swapped (entry, "changed", G_CALLBACK (on_text_changed_cb), self);
        self->input = entry;
      }
      break;

    case KITH_ITEM_GROUP:
    case KITH_ITEM_DISPLAY:
    default:
      g_assert_not_reached ();
    }

  focus_controller = gtk_event_controller_focus_new ();
  g_signal_connect (focus_controller, "leave", G_CALLBACK (on_input_focus_leave_cb), self);
  gtk_widget_add_controller (self->input, focus_controller);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->input),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->question_label, NULL,
                                  -1);
  gtk_box_append (self->input_box, self->input);
}

static void
set_answer_kind (KithQuestionRow *self,
                 KithAnswerKind   kind)
{
  KithAnswer answer = { kind };

  /* Whatever was being typed gives way to what was chosen. */
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->dirty = FALSE;

  if (save_answer (self, &answer) && kind != KITH_ANSWER_NONE)
    g_signal_emit (self, signals[ANSWERED], 0);
}

static void
question_declined_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  set_answer_kind (KITH_QUESTION_ROW (widget), KITH_ANSWER_DECLINED);
}

static void
question_not_assessed_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  set_answer_kind (KITH_QUESTION_ROW (widget), KITH_ANSWER_NOT_ASSESSED);
}

static void
question_clear_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  set_answer_kind (KITH_QUESTION_ROW (widget), KITH_ANSWER_NONE);
}

static gboolean
popup_menu_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  gtk_menu_button_popup (KITH_QUESTION_ROW (widget)->menu_button);
  return TRUE;
}

static gboolean
contains_focus (GtkWidget *widget,
                GtkWidget *focus)
{
  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Tab visits the answer, then "Confirm" when there is one to confirm; the
 * "⋮" menu is left out (Shift+F10 opens it), so Tab goes from question to
 * question. Arrows work as usual. */
static gboolean
kith_question_row_focus (GtkWidget        *widget,
                         GtkDirectionType  direction)
{
  KithQuestionRow *self = KITH_QUESTION_ROW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *stops[2];
  int n_stops = 0, current = -1, step;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return GTK_WIDGET_CLASS (kith_question_row_parent_class)->focus (widget, direction);

  stops[n_stops++] = self->input;
  if (gtk_widget_get_visible (self->confirm_button) && gtk_widget_get_visible (self->status_box))
    stops[n_stops++] = self->confirm_button;

  for (int i = 0; i < n_stops; i++)
    if (contains_focus (stops[i], focus))
      current = i;

  if (current < 0 && contains_focus (widget, focus))
    /* In the menu button: Tab goes on to the next question. */
    return FALSE;

  step = direction == GTK_DIR_TAB_FORWARD ? 1 : -1;
  if (current >= 0)
    {
      if (gtk_widget_child_focus (stops[current], direction))
        return TRUE;
      current += step;
    }
  else
    {
      current = direction == GTK_DIR_TAB_FORWARD ? 0 : n_stops - 1;
    }

  for (; current >= 0 && current < n_stops; current += step)
    if (gtk_widget_child_focus (stops[current], direction))
      return TRUE;

  return FALSE;
}

static void
kith_question_row_dispose (GObject *object)
{
  KithQuestionRow *self = KITH_QUESTION_ROW (object);
  GtkWidget *child;

  /* Never lose typing: save it now if the pause has not come yet. */
  if (self->assessment != NULL)
    save_typed_text (self);
  g_clear_handle_id (&self->save_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), KITH_TYPE_QUESTION_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_question_row_parent_class)->dispose (object);
}

static void
kith_question_row_finalize (GObject *object)
{
  KithQuestionRow *self = KITH_QUESTION_ROW (object);

  g_clear_object (&self->assessment);
  g_clear_object (&self->instrument);

  G_OBJECT_CLASS (kith_question_row_parent_class)->finalize (object);
}

static void
kith_question_row_class_init (KithQuestionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_question_row_dispose;
  object_class->finalize = kith_question_row_finalize;

  widget_class->focus = kith_question_row_focus;

  /**
   * KithQuestionRow::answered:
   *
   * An answer was picked (or confirmed) and saved: time for the next
   * question.
   */
  signals[ANSWERED] = g_signal_new ("answered",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "questionrow");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-question-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KithQuestionRow, question_label);
  gtk_widget_class_bind_template_child (widget_class, KithQuestionRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, KithQuestionRow, status_box);
  gtk_widget_class_bind_template_child (widget_class, KithQuestionRow, carried_label);
  gtk_widget_class_bind_template_child (widget_class, KithQuestionRow, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, KithQuestionRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, KithQuestionRow, was_label);
  gtk_widget_class_bind_template_child (widget_class, KithQuestionRow, input_box);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_button_clicked_cb);

  gtk_widget_class_install_action (widget_class, "question.declined", NULL, question_declined_action);
  gtk_widget_class_install_action (widget_class, "question.not-assessed", NULL,
                                   question_not_assessed_action);
  gtk_widget_class_install_action (widget_class, "question.clear", NULL, question_clear_action);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, popup_menu_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Menu, 0, popup_menu_cb, NULL);
}

static void
kith_question_row_init (KithQuestionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kith_question_row_new (KithAssessment           *assessment,
                       KithInstrument           *instrument,
                       const KithInstrumentItem *item)
{
  KithQuestionRow *self;
  g_autofree char *question = NULL;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (assessment), NULL);
  g_return_val_if_fail (KITH_IS_INSTRUMENT (instrument), NULL);
  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (item->type != KITH_ITEM_GROUP && item->type != KITH_ITEM_DISPLAY, NULL);

  self = g_object_new (KITH_TYPE_QUESTION_ROW, NULL);
  self->assessment = g_object_ref (assessment);
  self->instrument = g_object_ref (instrument);
  self->item = item;

  /* A validated instrument's wording stays exactly as published. */
  if (item->prefix != NULL && *item->prefix != '\0')
    question = g_strdup_printf ("%s %s", item->prefix, item->text);
  else
    question = g_strdup (item->text);
  gtk_label_set_text (self->question_label, question);

  build_input (self);
  kith_question_row_sync (self);

  return GTK_WIDGET (self);
}

KithInstrument *
kith_question_row_get_instrument (KithQuestionRow *self)
{
  g_return_val_if_fail (KITH_IS_QUESTION_ROW (self), NULL);

  return self->instrument;
}

const char *
kith_question_row_get_link_id (KithQuestionRow *self)
{
  g_return_val_if_fail (KITH_IS_QUESTION_ROW (self), NULL);

  return self->item->link_id;
}

GtkWidget *
kith_question_row_get_input (KithQuestionRow *self)
{
  g_return_val_if_fail (KITH_IS_QUESTION_ROW (self), NULL);

  return self->input;
}

void
kith_question_row_sync (KithQuestionRow *self)
{
  const KithAnswer *answer;
  const char *state = NULL;
  g_autofree char *was = NULL;
  g_autofree char *description = NULL;
  gboolean carried;

  g_return_if_fail (KITH_IS_QUESTION_ROW (self));

  answer = lookup_answer (self);
  carried = answer != NULL && answer->carried_over;

  self->syncing = TRUE;

  if (self->option_group != NULL)
    kith_option_group_set_active (self->option_group, find_option_index (self, answer));

  if (self->spin_button != NULL && answer != NULL && answer->kind == KITH_ANSWER_INTEGER)
    gtk_spin_button_set_value (self->spin_button, answer->integer);

  /* Typing not saved yet wins over what is saved. */
  if ((self->entry != NULL || self->buffer != NULL) && !self->dirty)
    {
      const char *saved = answer != NULL && answer->kind == KITH_ANSWER_TEXT ? answer->text : "";
      g_autofree char *shown = dup_typed_text (self);

      if (g_strcmp0 (shown, saved) != 0)
        {
          if (self->entry != NULL)
            gtk_editable_set_text (self->entry, saved);
          else
            gtk_text_buffer_set_text (self->buffer, saved, -1);
        }
    }

  self->syncing = FALSE;

  if (answer != NULL && answer->kind == KITH_ANSWER_DECLINED)
    state = _("Declined to answer");
  else if (answer != NULL && answer->kind == KITH_ANSWER_NOT_ASSESSED)
    state = _("Not assessed");
  gtk_label_set_text (self->state_label, state != NULL ? state : "");
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), state != NULL);

  gtk_widget_set_visible (self->carried_label, carried);
  gtk_widget_set_visible (self->confirm_button, carried);

  if (kith_assessment_get_answer_change (self->assessment, kith_instrument_get_id (self->instrument),
                                         self->item->link_id) == KITH_ANSWER_CHANGE_CHANGED)
    {
      g_autofree char *previous = kith_format_answer (self->item, lookup_previous_answer (self));

      if (previous != NULL)
        /* Translators: the answer given at the last assessment, shown when it changed */
        was = g_strdup_printf (_("Was: %s"), previous);
    }
  gtk_label_set_text (self->was_label, was != NULL ? was : "");
  gtk_widget_set_visible (GTK_WIDGET (self->was_label), was != NULL);

  gtk_widget_set_visible (self->status_box, state != NULL || carried || was != NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "question.clear", answer != NULL);

  /* What the tags say, for a screen reader on the answer itself */
  description = g_strjoin (" ",
                           carried ? gtk_label_get_text (GTK_LABEL (self->carried_label)) : "",
                           state != NULL ? state : "",
                           was != NULL ? was : "",
                           NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, g_strstrip (description),
                                  -1);
}

void
kith_question_row_flush (KithQuestionRow *self)
{
  g_return_if_fail (KITH_IS_QUESTION_ROW (self));

  save_typed_text (self);
}

gboolean
kith_question_row_is_settled (KithQuestionRow *self)
{
  const KithAnswer *answer;

  g_return_val_if_fail (KITH_IS_QUESTION_ROW (self), FALSE);

  answer = lookup_answer (self);
  return answer != NULL && !answer->carried_over;
}

gboolean
kith_question_row_focus_input (KithQuestionRow *self)
{
  g_return_val_if_fail (KITH_IS_QUESTION_ROW (self), FALSE);

  if (self->option_group != NULL)
    {
      int active = kith_option_group_get_active (self->option_group);

      return gtk_widget_grab_focus (kith_option_group_get_option (self->option_group,
                                                                  active >= 0 ? (guint) active : 0));
    }

  return gtk_widget_grab_focus (self->input);
}
