/* kith-sign-in-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KITH_TYPE_SIGN_IN_DIALOG (kith_sign_in_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithSignInDialog, kith_sign_in_dialog, KITH, SIGN_IN_DIALOG, AdwMessageDialog)

/* Server address, user name and password, with the responses "cancel"
 * and "sign-in". @server and @user fill the rows when known; @reason, when
 * not NULL, replaces the body ("The server asks you to sign in again").
 * Sign In first signs in to the server with the password, in the dialog;
 * "sign-in" is only emitted once the server has given a token. */
KithSignInDialog *kith_sign_in_dialog_new        (GtkWindow        *parent,
                                                  const char       *server,
                                                  const char       *user,
                                                  const char       *reason);
/* The address, trimmed: NULL unless it is a usable http(s) URL. After
 * signing in, the server that gave the token. */
char             *kith_sign_in_dialog_dup_server (KithSignInDialog *self);
char             *kith_sign_in_dialog_dup_user   (KithSignInDialog *self);
/* The bearer token the server gave (never the password): hand it to
 * libsecret and the sync client, and nowhere else. NULL before. */
char             *kith_sign_in_dialog_dup_token  (KithSignInDialog *self);
/* An Argon2id hash of the password (kith_lock_hash_password()), for the
 * keyring and the lock screen's offline check; NULL before signing in. */
char             *kith_sign_in_dialog_dup_verifier (KithSignInDialog *self);

/* Why the last sign-in failed, in words, or NULL */
const char       *kith_sign_in_dialog_get_failure    (KithSignInDialog *self);
gboolean          kith_sign_in_dialog_get_signing_in (KithSignInDialog *self);

/* For the GUI tests */
AdwEntryRow      *kith_sign_in_dialog_get_server_row   (KithSignInDialog *self);
AdwEntryRow      *kith_sign_in_dialog_get_user_row     (KithSignInDialog *self);
AdwEntryRow      *kith_sign_in_dialog_get_password_row (KithSignInDialog *self);

/* TRUE for an http or https URL with a host, the only addresses Kith syncs with */
gboolean          kith_is_server_address_valid   (const char       *address);

G_END_DECLS
