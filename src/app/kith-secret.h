/* kith-secret.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsecret/secret.h>

G_BEGIN_DECLS

/* The keyring entry for a practice server's bearer token: one per server
 * address and user name. The token comes from signing in with a password
 * (the Sign In dialog, or src/tools/run-demo); the password itself is never
 * kept. kith-tool looks tokens up under the same schema, so a professional
 * signs in once for both. The token expires (8 hours by default); then the
 * server answers 401 and the app asks to sign in again. */
const SecretSchema *kith_secret_get_token_schema (void);

/* The keyring entry for the lock screen's offline check of the password:
 * an Argon2id hash (kith_lock_hash_password()), never the password, made
 * when signing in and kept only in the keyring. Forgotten on sign-out. */
const SecretSchema *kith_secret_get_verifier_schema (void);

G_END_DECLS
