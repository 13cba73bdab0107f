/* kith-sign-in-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which practice server, as whom, and the password or token. The dialog
 * only asks; the window keeps the secret in the keyring and hands it to
 * the sync client.
 */

#define G_LOG_DOMAIN "kith-sign-in-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-sign-in-dialog.h"

struct _KithSignInDialog
{
  AdwMessageDialog  parent_instance;

  /* Template widgets */
  AdwEntryRow      *server_row;
  AdwEntryRow      *user_row;
  AdwEntryRow      *token_row;
  GtkLabel         *problem_label;
};

G_DEFINE_FINAL_TYPE (KithSignInDialog, kith_sign_in_dialog, ADW_TYPE_MESSAGE_DIALOG)

static char *
dup_row_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static gboolean
is_loopback (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0 ||
         g_strcmp0 (host, "[::1]") == 0 || g_strcmp0 (host, "localhost") == 0;
}

/* NULL when @address will do; otherwise why not, in words */
static const char *
describe_server_problem (const char *address)
{
  g_autoptr(GUri) uri = NULL;

  if (address == NULL)
    return NULL;   /* nothing typed yet is not a mistake */
  if (!kith_is_server_address_valid (address) ||
      !(uri = g_uri_parse (address, G_URI_FLAGS_NONE, NULL)))
    return _("Give the whole address, such as https://kith.practice.example/fhir");
  /* A password must not cross a network in the clear. */
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 && !is_loopback (g_uri_get_host (uri)))
    return _("Use an https:// address: a password must never be sent unencrypted");
  return NULL;
}

static void
update_response (KithSignInDialog *self)
{
  g_autofree char *server = dup_row_text (self->server_row);
  g_autofree char *user = dup_row_text (self->user_row);
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  const char *problem = describe_server_problem (server);

  gtk_label_set_text (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "sign-in",
                                           server != NULL && problem == NULL &&
                                           user != NULL && token != NULL && *token != '\0');
}

static void
kith_sign_in_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KITH_TYPE_SIGN_IN_DIALOG);

  G_OBJECT_CLASS (kith_sign_in_dialog_parent_class)->dispose (object);
}

static void
kith_sign_in_dialog_class_init (KithSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_sign_in_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithSignInDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, KithSignInDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, KithSignInDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, KithSignInDialog, problem_label);
}

static void
kith_sign_in_dialog_init (KithSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->server_row, "changed", G_CALLBACK (update_response), self);
  g_signal_connect_swapped (self->user_row, "changed", G_CALLBACK (update_response), self);
  g_signal_connect_swapped (self->token_row, "changed", G_CALLBACK (update_response), self);
  update_response (self);
}

KithSignInDialog *
kith_sign_in_dialog_new (GtkWindow  *parent,
                         const char *server,
                         const char *user,
                         const char *reason)
{
  KithSignInDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (KITH_TYPE_SIGN_IN_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  if (reason != NULL)
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), reason);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server != NULL ? server : "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user != NULL ? user : "");

  /* Start at the first row still empty: usually the password. */
  if (server == NULL || *server == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
  else if (user == NULL || *user == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->user_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->token_row));

  update_response (self);
  return self;
}

char *
kith_sign_in_dialog_dup_server (KithSignInDialog *self)
{
  g_autofree char *server = NULL;

  g_return_val_if_fail (KITH_IS_SIGN_IN_DIALOG (self), NULL);

  server = dup_row_text (self->server_row);
  if (server == NULL || describe_server_problem (server) != NULL)
    return NULL;
  return g_steal_pointer (&server);
}

char *
kith_sign_in_dialog_dup_user (KithSignInDialog *self)
{
  g_return_val_if_fail (KITH_IS_SIGN_IN_DIALOG (self), NULL);

  return dup_row_text (self->user_row);
}

char *
kith_sign_in_dialog_dup_token (KithSignInDialog *self)
{
  const char *token;

  g_return_val_if_fail (KITH_IS_SIGN_IN_DIALOG (self), NULL);

  token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  return token != NULL && *token != '\0' ? g_strdup (token) : NULL;
}

AdwEntryRow *
kith_sign_in_dialog_get_server_row (KithSignInDialog *self)
{
  return self->server_row;
}

AdwEntryRow *
kith_sign_in_dialog_get_user_row (KithSignInDialog *self)
{
  return self->user_row;
}

AdwEntryRow *
kith_sign_in_dialog_get_token_row (KithSignInDialog *self)
{
  return self->token_row;
}

gboolean
kith_is_server_address_valid (const char *address)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (address == NULL || !(uri = g_uri_parse (address, G_URI_FLAGS_NONE, NULL)))
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  return (g_strcmp0 (scheme, "https") == 0 || g_strcmp0 (scheme, "http") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}
