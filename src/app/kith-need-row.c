/* kith-need-row.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A need the answers point to, and why, for the professional and the
 * person to decide on together: accept it (in words the person agrees
 * with) or dismiss it, saying why. The core refuses a dismissal without a
 * reason; its words are shown right under the reason box.
 */

#define G_LOG_DOMAIN "kith-need-row"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-need-row.h"

struct _KithNeedRow
{
  GtkWidget       parent_instance;

  KithAssessment *assessment;
  char           *need_id;

  /* Template widgets */
  GtkEditable    *title_entry;
  GtkLabel       *state_label;
  GtkLabel       *why_label;
  GtkLabel       *reason_label;
  GtkRevealer    *dismiss_revealer;
  GtkEditable    *reason_entry;
  GtkLabel       *error_label;
};

G_DEFINE_FINAL_TYPE (KithNeedRow, kith_need_row, GTK_TYPE_WIDGET)

enum {
  DECIDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (KithNeedRow *self,
            const char  *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_accept_button_clicked_cb (KithNeedRow *self)
{
  g_autoptr(GError) error = NULL;

  if (!kith_assessment_accept_need (self->assessment, self->need_id,
                                    gtk_editable_get_text (self->title_entry), &error))
    {
      gtk_revealer_set_reveal_child (self->dismiss_revealer, TRUE);
      show_error (self, error->message);
      return;
    }

  g_signal_emit (self, signals[DECIDED], 0);
}

static void
on_dismiss_button_clicked_cb (KithNeedRow *self)
{
  show_error (self, NULL);
  gtk_revealer_set_reveal_child (self->dismiss_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
}

static void
on_confirm_dismiss_button_clicked_cb (KithNeedRow *self)
{
  g_autoptr(GError) error = NULL;

  /* The reason is the core's to require: its refusal is shown as it is. */
  if (!kith_assessment_dismiss_need (self->assessment, self->need_id,
                                     gtk_editable_get_text (self->reason_entry), &error))
    {
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
      return;
    }

  show_error (self, NULL);
  g_signal_emit (self, signals[DECIDED], 0);
}

static void
on_cancel_dismiss_button_clicked_cb (KithNeedRow *self)
{
  show_error (self, NULL);
  gtk_revealer_set_reveal_child (self->dismiss_revealer, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
}

static void
kith_need_row_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), KITH_TYPE_NEED_ROW);
  /* The template's outer box has no id, so the template does not know it */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_need_row_parent_class)->dispose (object);
}

static void
kith_need_row_finalize (GObject *object)
{
  KithNeedRow *self = KITH_NEED_ROW (object);

  g_clear_object (&self->assessment);
  g_clear_pointer (&self->need_id, g_free);

  G_OBJECT_CLASS (kith_need_row_parent_class)->finalize (object);
}

static void
kith_need_row_class_init (KithNeedRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_need_row_dispose;
  object_class->finalize = kith_need_row_finalize;

  /**
   * KithNeedRow::decided:
   *
   * The need was accepted or dismissed, and that is saved.
   */
  signals[DECIDED] = g_signal_new ("decided",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-need-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KithNeedRow, title_entry);
  gtk_widget_class_bind_template_child (widget_class, KithNeedRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, KithNeedRow, why_label);
  gtk_widget_class_bind_template_child (widget_class, KithNeedRow, reason_label);
  gtk_widget_class_bind_template_child (widget_class, KithNeedRow, dismiss_revealer);
  gtk_widget_class_bind_template_child (widget_class, KithNeedRow, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, KithNeedRow, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dismiss_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_dismiss_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_dismiss_button_clicked_cb);
}

static void
kith_need_row_init (KithNeedRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kith_need_row_new (KithAssessment *assessment,
                   const KithNeed *need)
{
  KithNeedRow *self;
  g_autofree char *why = NULL;
  const char *state;

  g_return_val_if_fail (KITH_IS_ASSESSMENT (assessment), NULL);
  g_return_val_if_fail (need != NULL, NULL);

  self = g_object_new (KITH_TYPE_NEED_ROW, NULL);
  self->assessment = g_object_ref (assessment);
  self->need_id = g_strdup (need->id);

  gtk_editable_set_text (self->title_entry, need->title != NULL ? need->title : "");

  /* Translators: what made a need come up, "Why: PHQ-9 score is 12" */
  why = g_strdup_printf (_("Why: %s"), need->why != NULL ? need->why : _("not recorded"));
  gtk_label_set_text (self->why_label, why);

  switch (need->state)
    {
    case KITH_NEED_ACCEPTED:
      state = _("Accepted");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "accepted");
      break;

    case KITH_NEED_DISMISSED:
      state = _("Dismissed");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "dismissed");
      break;

    case KITH_NEED_PROPOSED:
    default:
      state = _("To decide");
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "proposed");
      break;
    }
  gtk_label_set_text (self->state_label, state);

  if (need->state == KITH_NEED_DISMISSED && need->dismiss_reason != NULL)
    {
      /* Translators: why a need was dismissed */
      g_autofree char *reason = g_strdup_printf (_("Not taken forward: %s"), need->dismiss_reason);

      gtk_label_set_text (self->reason_label, reason);
      gtk_widget_set_visible (GTK_WIDGET (self->reason_label), TRUE);
      gtk_editable_set_text (self->reason_entry, need->dismiss_reason);
    }

  return GTK_WIDGET (self);
}

const char *
kith_need_row_get_need_id (KithNeedRow *self)
{
  g_return_val_if_fail (KITH_IS_NEED_ROW (self), NULL);

  return self->need_id;
}

void
kith_need_row_accept (KithNeedRow *self)
{
  g_return_if_fail (KITH_IS_NEED_ROW (self));

  on_accept_button_clicked_cb (self);
}

void
kith_need_row_dismiss (KithNeedRow *self)
{
  g_return_if_fail (KITH_IS_NEED_ROW (self));

  if (!gtk_revealer_get_reveal_child (self->dismiss_revealer))
    on_dismiss_button_clicked_cb (self);
  else
    on_confirm_dismiss_button_clicked_cb (self);
}

GtkEditable *
kith_need_row_get_title_entry (KithNeedRow *self)
{
  g_return_val_if_fail (KITH_IS_NEED_ROW (self), NULL);

  return self->title_entry;
}

GtkEditable *
kith_need_row_get_reason_entry (KithNeedRow *self)
{
  g_return_val_if_fail (KITH_IS_NEED_ROW (self), NULL);

  return self->reason_entry;
}

const char *
kith_need_row_get_error (KithNeedRow *self)
{
  g_return_val_if_fail (KITH_IS_NEED_ROW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}
