/* kith-alert-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Closing a safety alert means saying what was done about it: who acted
 * (the professional's own name to start with), what they did, and when
 * (now, unless changed). The core refuses without who and what; its words
 * are shown in the dialog, which stays open. Cancel leaves the alert open.
 */

#define G_LOG_DOMAIN "kith-alert-dialog"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "kith-alert-dialog.h"
#include "kith-application.h"

struct _KithAlertDialog
{
  AdwWindow    parent_instance;

  KithStore   *store;
  char        *flag_id;

  /* Template widgets */
  GtkLabel    *title_label;
  GtkLabel    *advice_label;
  AdwEntryRow *who_row;
  AdwEntryRow *when_row;
  GtkTextView *what_view;
  GtkLabel    *error_label;
};

G_DEFINE_FINAL_TYPE (KithAlertDialog, kith_alert_dialog, ADW_TYPE_WINDOW)

enum {
  RECORDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (KithAlertDialog *self,
            const char      *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* "21/03/2026 14:05", local time, as an ISO 8601 instant; NULL if it is
 * not a date and time. */
static char *
parse_when (const char *text)
{
  g_autoptr(GDateTime) when = NULL;
  int day, month, year, hour, minute;
  char end;

  if (sscanf (text, " %d/%d/%d %d:%d %c", &day, &month, &year, &hour, &minute, &end) != 5 ||
      !g_date_valid_dmy (day, month, year) || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return NULL;

  if (!(when = g_date_time_new_local (year, month, day, hour, minute, 0)))
    return NULL;

  return g_date_time_format_iso8601 (when);
}

static void
on_save_button_clicked_cb (KithAlertDialog *self)
{
  kith_alert_dialog_save (self);
}

static void
kith_alert_dialog_finalize (GObject *object)
{
  KithAlertDialog *self = KITH_ALERT_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->flag_id, g_free);

  G_OBJECT_CLASS (kith_alert_dialog_parent_class)->finalize (object);
}

static void
kith_alert_dialog_class_init (KithAlertDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kith_alert_dialog_finalize;

  /**
   * KithAlertDialog::recorded:
   *
   * The action is saved and the alert closed.
   */
  signals[RECORDED] = g_signal_new ("recorded",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-alert-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithAlertDialog, title_label);
  gtk_widget_class_bind_template_child (widget_class, KithAlertDialog, advice_label);
  gtk_widget_class_bind_template_child (widget_class, KithAlertDialog, who_row);
  gtk_widget_class_bind_template_child (widget_class, KithAlertDialog, when_row);
  gtk_widget_class_bind_template_child (widget_class, KithAlertDialog, what_view);
  gtk_widget_class_bind_template_child (widget_class, KithAlertDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_save_button_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kith_alert_dialog_init (KithAlertDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kith_alert_dialog_new (GtkWindow       *parent,
                       KithStore       *store,
                       const KithAlert *alert)
{
  KithAlertDialog *self;
  g_autofree char *who = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (alert != NULL, NULL);

  self = g_object_new (KITH_TYPE_ALERT_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->flag_id = g_strdup (alert->flag_id);

  gtk_label_set_text (self->title_label, alert->title != NULL ? alert->title : _("Safety alert"));
  gtk_label_set_text (self->advice_label, alert->advice != NULL ? alert->advice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->advice_label), alert->advice != NULL);

  who = kith_dup_professional_name ();
  gtk_editable_set_text (GTK_EDITABLE (self->who_row), who);
  when = g_date_time_format (now, "%d/%m/%Y %H:%M");
  gtk_editable_set_text (GTK_EDITABLE (self->when_row), when);

  /* Straight to what was done: the rest is filled in already. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->what_view));

  return GTK_WIDGET (self);
}

GtkEditable *
kith_alert_dialog_get_who (KithAlertDialog *self)
{
  g_return_val_if_fail (KITH_IS_ALERT_DIALOG (self), NULL);

  return GTK_EDITABLE (self->who_row);
}

GtkEditable *
kith_alert_dialog_get_when (KithAlertDialog *self)
{
  g_return_val_if_fail (KITH_IS_ALERT_DIALOG (self), NULL);

  return GTK_EDITABLE (self->when_row);
}

GtkTextBuffer *
kith_alert_dialog_get_what (KithAlertDialog *self)
{
  g_return_val_if_fail (KITH_IS_ALERT_DIALOG (self), NULL);

  return gtk_text_view_get_buffer (self->what_view);
}

gboolean
kith_alert_dialog_save (KithAlertDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  g_autofree char *when = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (KITH_IS_ALERT_DIALOG (self), FALSE);

  if (!(when = parse_when (gtk_editable_get_text (GTK_EDITABLE (self->when_row)))))
    {
      show_error (self, _("Give the date and time as day/month/year and hours:minutes, "
                          "for example 21/03/2026 14:05."));
      gtk_widget_grab_focus (GTK_WIDGET (self->when_row));
      return FALSE;
    }

  buffer = gtk_text_view_get_buffer (self->what_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  what = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  /* Who and what are the core's to require: its refusal is shown as is. */
  if (!kith_alert_record_action (self->store, self->flag_id,
                                 gtk_editable_get_text (GTK_EDITABLE (self->who_row)),
                                 what, when, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }

  show_error (self, NULL);
  g_signal_emit (self, signals[RECORDED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

const char *
kith_alert_dialog_get_error (KithAlertDialog *self)
{
  g_return_val_if_fail (KITH_IS_ALERT_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}
