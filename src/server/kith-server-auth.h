/* kith-server-auth.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-store.h"

G_BEGIN_DECLS

#define KITH_SERVER_AUTH_ERROR (kith_server_auth_error_quark ())

typedef enum
{
  KITH_SERVER_AUTH_ERROR_INVALID,   /* a bad user name, role, name, team or password */
  KITH_SERVER_AUTH_ERROR_EXISTS,    /* the user name is taken */
  KITH_SERVER_AUTH_ERROR_NO_USER,   /* no user has that name */
  KITH_SERVER_AUTH_ERROR_FAILED,    /* libsodium could not hash (out of memory) */
} KithServerAuthError;

/* Passwords: at least this many characters, at most this many bytes. */
#define KITH_SERVER_PASSWORD_MIN_CHARS 10
#define KITH_SERVER_PASSWORD_MAX_BYTES 1024
/* User names: ASCII letters, digits and . _ - @, this long at most. */
#define KITH_SERVER_USERNAME_MAX       64
/* The random part of a bearer token, and its text (unpadded base64url). */
#define KITH_SERVER_TOKEN_BYTES        32
#define KITH_SERVER_TOKEN_CHARS        43
/* Sign-in failures allowed per user name and per address in the window. */
#define KITH_SERVER_SIGN_IN_MAX_FAILURES 5
#define KITH_SERVER_SIGN_IN_WINDOW       (15 * G_TIME_SPAN_MINUTE)

/* One practice server user. */
typedef struct
{
  gint64    id;
  char     *username;
  char     *display_name;
  char     *role;
  char     *team;
  gboolean  disabled;
  char     *created;    /* instant */
  gboolean  lead;       /* a team lead: reviews the team's break-glass events */
} KithServerUser;

void                kith_server_user_free            (KithServerUser  *user);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithServerUser, kith_server_user_free)

GQuark              kith_server_auth_error_quark     (void);

/* Initialises libsodium; FALSE if it cannot be used. */
gboolean            kith_server_auth_init            (void);

/* gp, nurse, social-worker, co-ordinator, volunteer, admin; NULL-terminated. */
const char * const *kith_server_roles                (void);
gboolean            kith_server_is_role              (const char      *role);
gboolean            kith_server_is_valid_username    (const char      *username);
/* NULL when @password will do, otherwise why not. */
const char         *kith_server_describe_weak_password (const char    *password);

/* Creates or updates the server's own tables (users, tokens and the audit
 * trail) in @store's file. Numbered migrations, like the store's. */
gboolean            kith_server_schema_prepare       (KithStore       *store,
                                                      GError         **error);

/* Argon2id (libsodium's crypto_pwhash_str), "interactive" limits. */
char               *kith_server_password_hash        (const char      *password,
                                                      GError         **error);
gboolean            kith_server_password_verify      (const char      *hash,
                                                      const char      *password);

gboolean            kith_server_user_add             (KithStore       *store,
                                                      const char      *username,
                                                      const char      *display_name,
                                                      const char      *role,
                                                      const char      *team,
                                                      gboolean         lead,
                                                      const char      *password_hash,
                                                      GError         **error);
/* Every user (KithServerUser), by user name. */
GPtrArray          *kith_server_user_list            (KithStore       *store,
                                                      GError         **error);
/* The user called @username (in any case), or NULL without an error when
 * there is none. @password_hash (optional) gets their hash. */
KithServerUser     *kith_server_user_lookup          (KithStore       *store,
                                                      const char      *username,
                                                      char           **password_hash,
                                                      GError         **error);
/* Disabling revokes every token the user holds. */
gboolean            kith_server_user_set_disabled    (KithStore       *store,
                                                      const char      *username,
                                                      gboolean         disabled,
                                                      GError         **error);
/* A new password revokes every token the user holds. */
gboolean            kith_server_user_set_password    (KithStore       *store,
                                                      const char      *username,
                                                      const char      *password_hash,
                                                      GError         **error);

/* Issues a bearer token for @user_id that expires after @lifetime_s. The
 * token is returned once (transfer full; wipe it after use); only its
 * hash (BLAKE2b, crypto_generichash) is stored. */
char               *kith_server_token_issue          (KithStore       *store,
                                                      gint64           user_id,
                                                      gint64           lifetime_s,
                                                      GError         **error);
/* The user a token belongs to, or NULL without an error when the token is
 * malformed, unknown, expired or revoked, or the user is disabled. */
KithServerUser     *kith_server_token_check          (KithStore       *store,
                                                      const char      *token,
                                                      GError         **error);

/* Failed sign-ins, per user name and per address, in memory. */
typedef struct _KithSignInLimiter KithSignInLimiter;

KithSignInLimiter  *kith_sign_in_limiter_new         (void);
void                kith_sign_in_limiter_free        (KithSignInLimiter *limiter);
/* 0 when a sign-in for @username from @address may be tried now;
 * otherwise how many seconds to wait. Attempts under way count as
 * failures until they end. @now is monotonic time. */
guint               kith_sign_in_limiter_check       (KithSignInLimiter *limiter,
                                                      const char        *username,
                                                      const char        *address,
                                                      gint64             now);
void                kith_sign_in_limiter_begin       (KithSignInLimiter *limiter,
                                                      const char        *username,
                                                      const char        *address);
void                kith_sign_in_limiter_end         (KithSignInLimiter *limiter,
                                                      const char        *username,
                                                      const char        *address,
                                                      gboolean           succeeded,
                                                      gint64             now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithSignInLimiter, kith_sign_in_limiter_free)

G_END_DECLS
