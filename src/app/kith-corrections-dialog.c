/* kith-corrections-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Correct any mistakes": the person says what is wrong, the professional
 * writes it down in their words, makes the change in the usual place (the
 * plan, the assessment, the person's details) and records it here, or
 * records why it was refused. Three pages of one dialog: the list, a new
 * request, and a decision.
 */

#define G_LOG_DOMAIN "kith-corrections-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-corrections-dialog.h"
#include "kith-format.h"

struct _KithCorrectionsDialog
{
  AdwWindow            parent_instance;

  KithStore           *store;
  char                *patient_id;
  char                *my_name;
  GPtrArray           *targets;        /* KithCorrectionTarget */
  GPtrArray           *rows;           /* the rows in requests_group */
  char                *deciding_id;    /* on the "decide" page */
  KithCorrectionState  deciding_state;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkButton           *back_button;
  GtkButton           *record_button;
  GtkButton           *new_button;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  GtkStack            *stack;
  AdwPreferencesGroup *requests_group;
  AdwComboRow         *target_row;
  AdwEntryRow         *words_row;
  AdwEntryRow         *should_say_row;
  GtkLabel            *decide_label;
  AdwEntryRow         *outcome_row;
};

G_DEFINE_FINAL_TYPE (KithCorrectionsDialog, kith_corrections_dialog, ADW_TYPE_WINDOW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static void
show_error (KithCorrectionsDialog *self,
            const char            *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
show_page (KithCorrectionsDialog *self,
           const char            *page)
{
  gboolean list = g_strcmp0 (page, "list") == 0;

  show_error (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_visible (GTK_WIDGET (self->new_button), list);
  gtk_widget_set_visible (GTK_WIDGET (self->record_button), !list);
  gtk_button_set_label (self->back_button, list ? _("_Close") : _("_Back"));
}

static void on_decide_clicked_cb (GtkButton *button, KithCorrectionsDialog *self);

static GtkWidget *
new_decide_button (KithCorrectionsDialog *self,
                   const KithCorrection  *correction,
                   KithCorrectionState    state)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (state == KITH_CORRECTION_MADE ? _("_Corrected…")
                                                                                  : _("Re_fuse…"));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "correction-id", g_strdup (correction->id), g_free);
  g_object_set_data (G_OBJECT (button), "state", GINT_TO_POINTER (state));
  g_signal_connect (button, "clicked", G_CALLBACK (on_decide_clicked_cb), self);
  return button;
}

static char *
describe (const KithCorrection *correction)
{
  g_autofree char *asked = kith_format_instant (correction->requested);
  GString *text = g_string_new (NULL);

  /* Translators: the person's words in quotes, then when and who wrote them down */
  g_string_append_printf (text, _("“%s” Asked for %s"), correction->words, asked);
  if (correction->recorded_by)
    g_string_append_printf (text, _(", written down by %s"), correction->recorded_by);
  g_string_append (text, ".");
  if (correction->should_say)
    g_string_append_printf (text, _("\nShould say: “%s”"), correction->should_say);
  if (correction->state != KITH_CORRECTION_REQUESTED)
    {
      g_autofree char *decided = kith_format_instant (correction->decided);

      /* Translators: "Corrected 3 Dec 2026 by Nurse Rowe: changed son to daughter" */
      g_string_append_printf (text, _("\n%s %s by %s: %s"),
                              kith_correction_state_to_label (correction->state), decided,
                              correction->decided_by ? correction->decided_by : _("someone"),
                              correction->outcome ? correction->outcome : "");
    }
  return g_string_free (text, FALSE);
}

static void
reload (KithCorrectionsDialog *self)
{
  g_autoptr(GPtrArray) corrections = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->requests_group, self->rows->pdata[i]);
  g_ptr_array_set_size (self->rows, 0);

  if (!(corrections = kith_correction_list (self->store, self->patient_id, &error)))
    {
      show_error (self, error->message);
      return;
    }
  if (corrections->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No corrections asked for"));
      g_ptr_array_add (self->rows, row);
      adw_preferences_group_add (self->requests_group, row);
      return;
    }
  for (guint i = 0; i < corrections->len; i++)
    {
      const KithCorrection *correction = corrections->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf ("%s — %s", correction->target_label
                                                             ? correction->target_label : _("The record"),
                                                kith_correction_state_to_label (correction->state));
      g_autofree char *subtitle = describe (correction);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      if (correction->state == KITH_CORRECTION_REQUESTED)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), new_decide_button (self, correction,
                                                                             KITH_CORRECTION_MADE));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), new_decide_button (self, correction,
                                                                             KITH_CORRECTION_REFUSED));
        }
      g_ptr_array_add (self->rows, row);
      adw_preferences_group_add (self->requests_group, row);
    }
}

static void
fill_targets (KithCorrectionsDialog *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->targets, g_ptr_array_unref);
  if (!(self->targets = kith_correction_list_targets (self->store, self->patient_id, &error)))
    {
      show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < self->targets->len; i++)
    gtk_string_list_append (labels, ((KithCorrectionTarget *) self->targets->pdata[i])->label);
  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->target_row, 0);
}

/* Callbacks */

static void
on_decide_clicked_cb (GtkButton             *button,
                      KithCorrectionsDialog *self)
{
  kith_corrections_dialog_start_decision (self, g_object_get_data (G_OBJECT (button), "correction-id"),
                                          GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "state")));
}

static void
corrections_back_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KithCorrectionsDialog *self = KITH_CORRECTIONS_DIALOG (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "list") == 0)
    gtk_window_destroy (GTK_WINDOW (self));
  else
    show_page (self, "list");
}

static void
corrections_new_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  kith_corrections_dialog_start_request (KITH_CORRECTIONS_DIALOG (widget));
}

static void
corrections_record_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  kith_corrections_dialog_record (KITH_CORRECTIONS_DIALOG (widget), NULL);
}

/* Overrides */

static void
kith_corrections_dialog_finalize (GObject *object)
{
  KithCorrectionsDialog *self = KITH_CORRECTIONS_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->patient_id, g_free);
  g_clear_pointer (&self->my_name, g_free);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->deciding_id, g_free);

  G_OBJECT_CLASS (kith_corrections_dialog_parent_class)->finalize (object);
}

static void
kith_corrections_dialog_class_init (KithCorrectionsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kith_corrections_dialog_finalize;

  /**
   * KithCorrectionsDialog::changed:
   *
   * A request, a correction or a refusal was recorded.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-corrections-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, record_button);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, new_button);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, requests_group);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, words_row);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, should_say_row);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, decide_label);
  gtk_widget_class_bind_template_child (widget_class, KithCorrectionsDialog, outcome_row);

  gtk_widget_class_install_action (widget_class, "corrections.back", NULL, corrections_back_action);
  gtk_widget_class_install_action (widget_class, "corrections.new", NULL, corrections_new_action);
  gtk_widget_class_install_action (widget_class, "corrections.record", NULL, corrections_record_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "corrections.back", NULL);
}

static void
kith_corrections_dialog_init (KithCorrectionsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

/* Public API */

GtkWidget *
kith_corrections_dialog_new (GtkWindow  *parent,
                             KithStore  *store,
                             const char *patient_id,
                             const char *my_name)
{
  KithCorrectionsDialog *self;
  g_autoptr(KithPatient) patient = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  self = g_object_new (KITH_TYPE_CORRECTIONS_DIALOG,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->patient_id = g_strdup (patient_id);
  self->my_name = g_strdup (my_name);
  if ((patient = kith_store_load_patient (store, patient_id, NULL)) != NULL)
    {
      g_autofree char *name = kith_patient_dup_spoken_name (patient);

      adw_window_title_set_subtitle (self->window_title, name);
    }
  reload (self);
  show_page (self, "list");
  return GTK_WIDGET (self);
}

const char *
kith_corrections_dialog_get_page (KithCorrectionsDialog *self)
{
  g_return_val_if_fail (KITH_IS_CORRECTIONS_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

guint
kith_corrections_dialog_get_n_rows (KithCorrectionsDialog *self)
{
  g_return_val_if_fail (KITH_IS_CORRECTIONS_DIALOG (self), 0);
  return self->rows->len;
}

void
kith_corrections_dialog_start_request (KithCorrectionsDialog *self)
{
  g_return_if_fail (KITH_IS_CORRECTIONS_DIALOG (self));

  fill_targets (self);
  gtk_editable_set_text (GTK_EDITABLE (self->words_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->should_say_row), "");
  show_page (self, "request");
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->target_row));
}

void
kith_corrections_dialog_start_decision (KithCorrectionsDialog *self,
                                        const char            *correction_id,
                                        KithCorrectionState    state)
{
  g_autoptr(KithCorrection) correction = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (KITH_IS_CORRECTIONS_DIALOG (self));
  g_return_if_fail (state == KITH_CORRECTION_MADE || state == KITH_CORRECTION_REFUSED);

  if (!(correction = kith_correction_load (self->store, correction_id, &error)))
    {
      show_error (self, error->message);
      return;
    }
  g_free (self->deciding_id);
  self->deciding_id = g_strdup (correction_id);
  self->deciding_state = state;
  if (state == KITH_CORRECTION_MADE)
    /* Translators: the part of the record, then the person's words */
    text = g_strdup_printf (_("%s: “%s”\n\nMake the correction where it belongs (the care plan, the assessment "
                              "or the person’s details), then say here what was changed."),
                            correction->target_label ? correction->target_label : _("The record"),
                            correction->words);
  else
    text = g_strdup_printf (_("%s: “%s”\n\nThe person has a right to know why their record was not changed. "
                              "Their words stay with the record."),
                            correction->target_label ? correction->target_label : _("The record"),
                            correction->words);
  gtk_label_set_text (self->decide_label, text);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->outcome_row),
                                 state == KITH_CORRECTION_MADE ? _("_What was changed")
                                                               : _("_Why it was refused"));
  gtk_editable_set_text (GTK_EDITABLE (self->outcome_row), "");
  show_page (self, "decide");
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->outcome_row));
}

gboolean
kith_corrections_dialog_record (KithCorrectionsDialog  *self,
                                GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *page;
  gboolean saved = FALSE;

  g_return_val_if_fail (KITH_IS_CORRECTIONS_DIALOG (self), FALSE);

  page = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (page, "request") == 0)
    {
      guint selected = adw_combo_row_get_selected (self->target_row);
      const KithCorrectionTarget *target = self->targets && selected < self->targets->len
                                             ? self->targets->pdata[selected] : NULL;
      g_autoptr(KithCorrection) correction = NULL;

      if (target == NULL)
        g_set_error_literal (&local_error, KITH_CORRECTION_ERROR, KITH_CORRECTION_ERROR_INVALID,
                             _("Choose the part of the record the person is asking about."));
      else
        correction = kith_correction_request (self->store, self->patient_id, target->type, target->id,
                                              target->label,
                                              gtk_editable_get_text (GTK_EDITABLE (self->words_row)),
                                              gtk_editable_get_text (GTK_EDITABLE (self->should_say_row)),
                                              self->my_name, &local_error);
      saved = correction != NULL;
    }
  else if (g_strcmp0 (page, "decide") == 0 && self->deciding_id != NULL)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->outcome_row));

      if (self->deciding_state == KITH_CORRECTION_MADE)
        saved = kith_correction_record_made (self->store, self->deciding_id, text, self->my_name, &local_error);
      else
        saved = kith_correction_refuse (self->store, self->deciding_id, text, self->my_name, &local_error);
    }
  else
    return FALSE;

  if (!saved)
    {
      /* What was typed stays, with the reason beside it. */
      show_error (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  reload (self);
  show_page (self, "list");
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

const char *
kith_corrections_dialog_get_error (KithCorrectionsDialog *self)
{
  g_return_val_if_fail (KITH_IS_CORRECTIONS_DIALOG (self), NULL);
  return gtk_revealer_get_reveal_child (self->error_revealer) ? gtk_label_get_text (self->error_label) : NULL;
}

GtkEditable *
kith_corrections_dialog_get_words (KithCorrectionsDialog *self)
{
  g_return_val_if_fail (KITH_IS_CORRECTIONS_DIALOG (self), NULL);
  return GTK_EDITABLE (self->words_row);
}

GtkEditable *
kith_corrections_dialog_get_should_say (KithCorrectionsDialog *self)
{
  g_return_val_if_fail (KITH_IS_CORRECTIONS_DIALOG (self), NULL);
  return GTK_EDITABLE (self->should_say_row);
}

GtkEditable *
kith_corrections_dialog_get_outcome (KithCorrectionsDialog *self)
{
  g_return_val_if_fail (KITH_IS_CORRECTIONS_DIALOG (self), NULL);
  return GTK_EDITABLE (self->outcome_row);
}

AdwComboRow *
kith_corrections_dialog_get_target (KithCorrectionsDialog *self)
{
  g_return_val_if_fail (KITH_IS_CORRECTIONS_DIALOG (self), NULL);
  return self->target_row;
}
