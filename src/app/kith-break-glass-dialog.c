/* kith-break-glass-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Emergency access asks for a reason in words before anything is shown,
 * and says plainly that it is time-limited and reviewed: a professional
 * should know what they are doing when they break the glass.
 */

#define G_LOG_DOMAIN "kith-break-glass-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-break-glass-dialog.h"

/* As the server asks: a reason a reviewer can understand. */
#define MIN_REASON_CHARS 10

struct _KithBreakGlassDialog
{
  AdwWindow       parent_instance;

  KithSyncClient *client;
  char           *patient_id;
  GCancellable   *cancellable;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkButton      *open_button;
  GtkSpinner     *spinner;
  GtkRevealer    *error_revealer;
  GtkLabel       *error_label;
  GtkLabel       *explanation_label;
  AdwEntryRow    *reason_row;
  GtkLabel       *hint_label;
};

G_DEFINE_FINAL_TYPE (KithBreakGlassDialog, kith_break_glass_dialog, ADW_TYPE_WINDOW)

enum {
  GRANTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static void
show_error (KithBreakGlassDialog *self,
            const char           *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static glong
reason_length (KithBreakGlassDialog *self)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_row))));

  return g_utf8_strlen (reason, -1);
}

static void
set_busy (KithBreakGlassDialog *self,
          gboolean              busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reason_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "break-glass.open",
                                 !busy && reason_length (self) >= MIN_REASON_CHARS);
}

/* Callbacks */

static void
on_reason_changed_cb (KithBreakGlassDialog *self)
{
  glong length = reason_length (self);
  g_autofree char *hint = NULL;

  if (length < MIN_REASON_CHARS)
    hint = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "At least %d more character, so a reviewer can understand it.",
                                         "At least %d more characters, so a reviewer can understand it.",
                                         MIN_REASON_CHARS - length),
                            (int) (MIN_REASON_CHARS - length));
  else
    {
      hint = g_strdup (_("Your reason is kept with your name in the record’s audit."));
      show_error (self, NULL);
    }
  gtk_label_set_text (self->hint_label, hint);
  set_busy (self, gtk_spinner_get_spinning (self->spinner));
}

static void
on_break_glass_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KithBreakGlassDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *expires = NULL;

  if (!kith_sync_client_break_glass_finish (KITH_SYNC_CLIENT (source), result, &expires, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      show_error (self, error->message);
      return;
    }
  set_busy (self, FALSE);
  g_signal_emit (self, signals[GRANTED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
break_glass_open_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  kith_break_glass_dialog_request (KITH_BREAK_GLASS_DIALOG (widget));
}

/* Overrides */

static void
kith_break_glass_dialog_dispose (GObject *object)
{
  KithBreakGlassDialog *self = KITH_BREAK_GLASS_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kith_break_glass_dialog_parent_class)->dispose (object);
}

static void
kith_break_glass_dialog_finalize (GObject *object)
{
  KithBreakGlassDialog *self = KITH_BREAK_GLASS_DIALOG (object);

  g_clear_object (&self->client);
  g_clear_pointer (&self->patient_id, g_free);

  G_OBJECT_CLASS (kith_break_glass_dialog_parent_class)->finalize (object);
}

static void
kith_break_glass_dialog_class_init (KithBreakGlassDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_break_glass_dialog_dispose;
  object_class->finalize = kith_break_glass_dialog_finalize;

  /**
   * KithBreakGlassDialog::granted:
   *
   * The server granted emergency access; the record comes with the next sync.
   */
  signals[GRANTED] = g_signal_new ("granted",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/care/kith/Kith/kith-break-glass-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithBreakGlassDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KithBreakGlassDialog, open_button);
  gtk_widget_class_bind_template_child (widget_class, KithBreakGlassDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KithBreakGlassDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KithBreakGlassDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KithBreakGlassDialog, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, KithBreakGlassDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, KithBreakGlassDialog, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_changed_cb);

  gtk_widget_class_install_action (widget_class, "break-glass.open", NULL, break_glass_open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kith_break_glass_dialog_init (KithBreakGlassDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* Public API */

GtkWidget *
kith_break_glass_dialog_new (GtkWindow      *parent,
                             KithSyncClient *client,
                             const char     *patient_id,
                             const char     *person_name)
{
  KithBreakGlassDialog *self;
  g_autofree char *text = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (client), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  self = g_object_new (KITH_TYPE_BREAK_GLASS_DIALOG,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->client = g_object_ref (client);
  self->patient_id = g_strdup (patient_id);
  if (person_name)
    adw_window_title_set_subtitle (self->window_title, person_name);
  text = g_strdup_printf (_("You are not in %s’s care team. In an emergency you can open their whole record "
                            "for the next few hours. Your name, the time and your reason are recorded, and "
                            "your team lead reviews every emergency access."),
                          person_name ? person_name : _("this person"));
  gtk_label_set_text (self->explanation_label, text);
  on_reason_changed_cb (self);
  set_busy (self, FALSE);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->reason_row));
  return GTK_WIDGET (self);
}

void
kith_break_glass_dialog_request (KithBreakGlassDialog *self)
{
  g_autofree char *reason = NULL;

  g_return_if_fail (KITH_IS_BREAK_GLASS_DIALOG (self));

  reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_row))));
  if (g_utf8_strlen (reason, -1) < MIN_REASON_CHARS)
    {
      show_error (self, _("Say why you need the record, in a few words a reviewer can understand."));
      return;
    }
  show_error (self, NULL);
  set_busy (self, TRUE);
  kith_sync_client_break_glass_async (self->client, self->patient_id, reason, self->cancellable,
                                      on_break_glass_cb, g_object_ref (self));
}

GtkEditable *
kith_break_glass_dialog_get_reason (KithBreakGlassDialog *self)
{
  g_return_val_if_fail (KITH_IS_BREAK_GLASS_DIALOG (self), NULL);
  return GTK_EDITABLE (self->reason_row);
}

const char *
kith_break_glass_dialog_get_error (KithBreakGlassDialog *self)
{
  g_return_val_if_fail (KITH_IS_BREAK_GLASS_DIALOG (self), NULL);
  return gtk_revealer_get_reveal_child (self->error_revealer) ? gtk_label_get_text (self->error_label) : NULL;
}
