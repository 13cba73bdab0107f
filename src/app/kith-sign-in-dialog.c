/* kith-sign-in-dialog.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which practice server, as whom, and the password. Sign In sends the user
 * name and password to the server (kith_sync_client_sign_in_async) while
 * the dialog stays open: a refusal is said in the dialog, and only once
 * the server has given a token does the dialog answer "sign-in", with
 * the token (never the password) for the window to keep in the keyring
 * and hand to the sync client, with an Argon2id hash of the password for
 * the lock screen to check it when there is no network.
 *
 * AdwMessageDialog closes itself before it emits a response; this dialog
 * keeps itself open across a response button (see close_request) and
 * closes after its response has been handled.
 */

#define G_LOG_DOMAIN "kith-sign-in-dialog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kith-application.h"
#include "kith-lock.h"
#include "kith-sign-in-dialog.h"
#include "kith-sync.h"

struct _KithSignInDialog
{
  AdwMessageDialog  parent_instance;

  /* Template widgets */
  AdwEntryRow      *server_row;
  AdwEntryRow      *user_row;
  AdwEntryRow      *password_row;
  GtkLabel         *problem_label;

  /* The sign-in under way, and what came of it */
  GCancellable     *cancellable;
  char             *token;
  char             *verifier;   /* the password's hash, for the lock screen offline */
  char             *failure;
  char             *signed_in_server;
  char             *signed_in_user;

  guint             n_responses;
  gboolean          in_close_request;
};

G_DEFINE_FINAL_TYPE (KithSignInDialog, kith_sign_in_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
wipe_free (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
  g_free (text);
}

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

static gboolean
is_signing_in (KithSignInDialog *self)
{
  return self->cancellable != NULL;
}

static void
update_response (KithSignInDialog *self)
{
  g_autofree char *server = dup_row_text (self->server_row);
  g_autofree char *user = dup_row_text (self->user_row);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *problem = describe_server_problem (server);
  const char *shown = problem;
  gboolean busy = is_signing_in (self);

  if (shown == NULL && busy)
    shown = _("Signing in…");
  else if (shown == NULL)
    shown = self->failure;

  gtk_label_set_text (self->problem_label, shown != NULL ? shown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), shown != NULL);
  if (busy && problem == NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");

  /* The rows stay as they are (a focused entry made insensitive upsets
   * GTK 4.8); what was sent is kept apart, see start_sign_in(). */
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "sign-in",
                                           !busy && server != NULL && problem == NULL &&
                                           user != NULL && password != NULL && *password != '\0');
}

static void
on_row_changed_cb (KithSignInDialog *self)
{
  /* A new try: the last refusal no longer applies. */
  g_clear_pointer (&self->failure, g_free);
  update_response (self);
}

static void
on_verifier_hashed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(KithSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  char *verifier = kith_lock_hash_password_finish (result, &error);

  /* Closed meanwhile (the task checks the cancellable) */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
    {
      g_free (verifier);
      return;
    }
  /* Signed in all the same: only the offline unlock is missing. */
  if (verifier == NULL)
    g_warning ("No offline password check: %s", error->message);

  g_clear_object (&self->cancellable);
  g_free (self->verifier);
  self->verifier = verifier;
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");

  /* Now the window hears "sign-in", and takes the token. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "sign-in");
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KithSignInDialog) self = user_data;
  KithSyncClient *client = KITH_SYNC_CLIENT (source);
  g_autoptr(GError) error = NULL;

  if (!kith_sync_client_sign_in_finish (client, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->cancellable);
      g_free (self->failure);
      self->failure = g_strdup (error->message);
      update_response (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  wipe_free (self->token);
  self->token = kith_sync_client_dup_token (client);

  /* Still "Signing in…" while the password is hashed, on a thread */
  kith_lock_hash_password_async (gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                 self->cancellable, on_verifier_hashed_cb, g_object_ref (self));
}

static void
start_sign_in (KithSignInDialog *self)
{
  g_autofree char *server = dup_row_text (self->server_row);
  g_autofree char *user = dup_row_text (self->user_row);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr(KithSyncClient) client = NULL;
  g_autoptr(GError) ca_error = NULL;

  if (is_signing_in (self) || server == NULL || user == NULL || password == NULL ||
      *password == '\0' || describe_server_problem (server) != NULL)
    return;

  /* A client of its own: the window's may be for another server. It
   * trusts the practice's CA file too, when Preferences has one. */
  client = kith_sync_client_new (NULL, server);
  if (!kith_apply_ca_file_setting (client, NULL, &ca_error))
    {
      g_free (self->failure);
      self->failure = g_strdup (ca_error->message);
      update_response (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  g_free (self->signed_in_server);
  self->signed_in_server = g_steal_pointer (&server);
  g_free (self->signed_in_user);
  self->signed_in_user = g_steal_pointer (&user);
  g_clear_pointer (&self->failure, g_free);
  kith_sync_client_sign_in_async (client, self->signed_in_user, password, self->cancellable,
                                  on_signed_in_cb, g_object_ref (self));
  update_response (self);
}

/* Runs first: "sign-in" without a token yet starts signing in instead of
 * reaching anyone else; any other response stops a sign-in under way. */
static void
on_response_cb (KithSignInDialog *self,
                const char       *response)
{
  self->n_responses++;

  if (g_strcmp0 (response, "sign-in") == 0 && self->token == NULL)
    {
      g_signal_stop_emission_by_name (self, "response::sign-in");
      start_sign_in (self);
      return;
    }
  g_cancellable_cancel (self->cancellable);
}

/* Runs last: the response has been handled, so the dialog goes (unless it
 * came from closing, which closes it anyway). */
static void
on_response_after_cb (KithSignInDialog *self,
                      const char       *response)
{
  if (!self->in_close_request)
    gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
kith_sign_in_dialog_close_request (GtkWindow *window)
{
  KithSignInDialog *self = KITH_SIGN_IN_DIALOG (window);
  guint before = self->n_responses;
  gboolean keep_open;

  /* Closing by Escape or the window's close emits the close response in
   * here; a response button closes first and emits its response after.
   * That one decides for itself, so the dialog stays until then. */
  self->in_close_request = TRUE;
  keep_open = GTK_WINDOW_CLASS (kith_sign_in_dialog_parent_class)->close_request (window);
  self->in_close_request = FALSE;

  if (self->n_responses == before)
    return TRUE;
  return keep_open;
}

static void
kith_sign_in_dialog_dispose (GObject *object)
{
  KithSignInDialog *self = KITH_SIGN_IN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* Focus leaves the rows while they live: libadwaita 1.2's entry rows
   * hear of losing it after they are gone otherwise. */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), KITH_TYPE_SIGN_IN_DIALOG);

  G_OBJECT_CLASS (kith_sign_in_dialog_parent_class)->dispose (object);
}

static void
kith_sign_in_dialog_finalize (GObject *object)
{
  KithSignInDialog *self = KITH_SIGN_IN_DIALOG (object);

  wipe_free (self->token);
  g_free (self->verifier);
  g_free (self->failure);
  g_free (self->signed_in_server);
  g_free (self->signed_in_user);

  G_OBJECT_CLASS (kith_sign_in_dialog_parent_class)->finalize (object);
}

static void
kith_sign_in_dialog_class_init (KithSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kith_sign_in_dialog_dispose;
  object_class->finalize = kith_sign_in_dialog_finalize;
  window_class->close_request = kith_sign_in_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/care/kith/Kith/kith-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KithSignInDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, KithSignInDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, KithSignInDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, KithSignInDialog, problem_label);
}

static void
kith_sign_in_dialog_init (KithSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Connected before anyone else can be. */
  g_signal_connect (self, "response", G_CALLBACK (on_response_cb), NULL);
  g_signal_connect_after (self, "response", G_CALLBACK (on_response_after_cb), NULL);

  g_signal_connect_swapped (self->server_row, "changed", G_CALLBACK (on_row_changed_cb), self);
  g_signal_connect_swapped (self->user_row, "changed", G_CALLBACK (on_row_changed_cb), self);
  g_signal_connect_swapped (self->password_row, "changed", G_CALLBACK (on_row_changed_cb), self);
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
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));

  update_response (self);
  return self;
}

char *
kith_sign_in_dialog_dup_server (KithSignInDialog *self)
{
  g_autofree char *server = NULL;

  g_return_val_if_fail (KITH_IS_SIGN_IN_DIALOG (self), NULL);

  /* Once signed in, the server that gave the token. */
  if (self->token != NULL)
    return g_strdup (self->signed_in_server);
  server = dup_row_text (self->server_row);
  if (server == NULL || describe_server_problem (server) != NULL)
    return NULL;
  return g_steal_pointer (&server);
}

char *
kith_sign_in_dialog_dup_user (KithSignInDialog *self)
{
  g_return_val_if_fail (KITH_IS_SIGN_IN_DIALOG (self), NULL);

  if (self->token != NULL)
    return g_strdup (self->signed_in_user);
  return dup_row_text (self->user_row);
}

char *
kith_sign_in_dialog_dup_token (KithSignInDialog *self)
{
  g_return_val_if_fail (KITH_IS_SIGN_IN_DIALOG (self), NULL);

  return g_strdup (self->token);
}

char *
kith_sign_in_dialog_dup_verifier (KithSignInDialog *self)
{
  g_return_val_if_fail (KITH_IS_SIGN_IN_DIALOG (self), NULL);

  return g_strdup (self->verifier);
}

const char *
kith_sign_in_dialog_get_failure (KithSignInDialog *self)
{
  g_return_val_if_fail (KITH_IS_SIGN_IN_DIALOG (self), NULL);

  return self->failure;
}

gboolean
kith_sign_in_dialog_get_signing_in (KithSignInDialog *self)
{
  g_return_val_if_fail (KITH_IS_SIGN_IN_DIALOG (self), FALSE);

  return is_signing_in (self);
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
kith_sign_in_dialog_get_password_row (KithSignInDialog *self)
{
  return self->password_row;
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
