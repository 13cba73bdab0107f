/* kith-sign-out-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sign Out…: forget the sign-in, and perhaps the records too. Removing
 * them loses whatever has not reached the practice server, so the dialog
 * counts it and says it in words before anyone chooses.
 */

#define G_LOG_DOMAIN "kith-sign-out-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-sign-out-dialog.h"

struct _KithSignOutDialog
{
  AdwMessageDialog  parent_instance;

  /* Template widgets */
  GtkLabel         *warning_label;

  char             *warning;
};

G_DEFINE_FINAL_TYPE (KithSignOutDialog, kith_sign_out_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
kith_sign_out_dialog_finalize (GObject *object)
{
  KithSignOutDialog *self = KITH_SIGN_OUT_DIALOG (object);

  g_free (self->warning);

  G_OBJECT_CLASS (kith_sign_out_dialog_parent_class)->finalize (object);
}

static void
kith_sign_out_dialog_class_init (KithSignOutDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kith_sign_out_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-sign-out-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithSignOutDialog, warning_label);
}

static void
kith_sign_out_dialog_init (KithSignOutDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

KithSignOutDialog *
kith_sign_out_dialog_new (GtkWindow *parent,
                          gint64     unsynced)
{
  KithSignOutDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (KITH_TYPE_SIGN_OUT_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);

  if (unsynced > 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, unsynced);

      /* Translators: %s is a number of local edits that removing the
       * records from this computer would lose */
      self->warning = g_strdup_printf (ngettext ("%s change has not reached the practice server "
                                                 "and will be lost if you remove the records",
                                                 "%s changes have not reached the practice server "
                                                 "and will be lost if you remove the records",
                                                 (gulong) MIN (unsynced, G_MAXLONG)),
                                       count);
      gtk_label_set_text (self->warning_label, self->warning);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), self->warning != NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  return self;
}

const char *
kith_sign_out_dialog_get_warning (KithSignOutDialog *self)
{
  g_return_val_if_fail (KITH_IS_SIGN_OUT_DIALOG (self), NULL);

  return self->warning;
}
