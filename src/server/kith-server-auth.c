/* kith-server-auth.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Who may use the practice server: users with a role, their passwords
 * (Argon2id through libsodium) and the bearer tokens they sign in for.
 *
 * The users, tokens and the audit trail live in the server's store file,
 * in tables of their own, and are written on the store's own connection.
 * That is what lets an audit record commit in the same transaction as the
 * write it records (see kith-fhir-server.c), and lets `kith-server user
 * disable` take effect on a running server at its next request.
 *
 * A token is 32 random bytes, handed out once as unpadded base64url; the
 * server keeps only a BLAKE2b hash of that text, so a copy of the database
 * holds no usable token.
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <string.h>

#include <sodium.h>

#include "kith-fhir.h"
#include "kith-server-auth.h"
#include "kith-store-private.h"

#define KITH_SERVER_SCHEMA_VERSION 2
#define TOKEN_HASH_BYTES           32
#define DISPLAY_TEXT_MAX_CHARS     200
/* Expired and revoked tokens are kept this long (for a look after an
 * incident), then dropped when new ones are issued. */
#define TOKEN_KEEP_MS              (24 * 60 * 60 * 1000LL)

/* Numbered migrations of the server's own tables: entry N takes them from
 * version N to N + 1. The store's tables have their own numbering. */
static const char * const server_migrations[KITH_SERVER_SCHEMA_VERSION] = {
  /* 1: users, tokens and the append-only audit trail */
  "CREATE TABLE server_user ("
  "  id               INTEGER PRIMARY KEY,"
  "  username         TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  display_name     TEXT NOT NULL,"
  "  role             TEXT NOT NULL,"
  "  team             TEXT NOT NULL,"
  "  password_hash    TEXT NOT NULL,"
  "  disabled         INTEGER NOT NULL DEFAULT 0,"
  "  created          TEXT NOT NULL,"
  "  password_changed TEXT NOT NULL);"
  "CREATE TABLE server_token ("
  "  hash       BLOB PRIMARY KEY,"
  "  user_id    INTEGER NOT NULL REFERENCES server_user (id),"
  "  issued_at  INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  revoked    INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE INDEX server_token_by_user ON server_token (user_id);"
  /* One row per AuditEvent; see kith-server-audit.c for the fields. */
  "CREATE TABLE audit_event ("
  "  id        INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  recorded  TEXT NOT NULL,"
  "  type      TEXT NOT NULL,"
  "  subtype   TEXT NOT NULL,"
  "  action    TEXT NOT NULL,"
  "  outcome   TEXT NOT NULL,"
  "  status    INTEGER NOT NULL,"
  "  user_id   INTEGER,"
  "  user_name TEXT,"
  "  role      TEXT,"
  "  address   TEXT,"
  "  what      TEXT NOT NULL,"
  "  entities  TEXT,"
  "  detail    TEXT);"
  "CREATE INDEX audit_event_by_user ON audit_event (user_id);"
  /* The people each event touched, for a person's audit trail. */
  "CREATE TABLE audit_patient ("
  "  patient_id TEXT NOT NULL,"
  "  event_id   INTEGER NOT NULL REFERENCES audit_event (id),"
  "  PRIMARY KEY (patient_id, event_id)) WITHOUT ROWID;"
  /* Append-only: what was recorded stays as it was. */
  "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_patient_no_update BEFORE UPDATE ON audit_patient"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;"
  "CREATE TRIGGER audit_patient_no_delete BEFORE DELETE ON audit_patient"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only'); END;",

  /* 2: governance (src/core/GOVERNANCE.md). Team leads, who review
   * break-glass; why an event happened and whether it waits for review;
   * and the break-glass grants themselves, kept like the audit trail. */
  "ALTER TABLE server_user ADD COLUMN lead INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE audit_event ADD COLUMN reason TEXT;"
  "ALTER TABLE audit_event ADD COLUMN for_review INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX audit_event_by_subtype ON audit_event (subtype, id);"
  "CREATE TABLE break_glass ("
  "  id         INTEGER PRIMARY KEY,"
  "  user_id    INTEGER NOT NULL REFERENCES server_user (id),"
  "  patient_id TEXT NOT NULL,"
  "  granted_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  reason     TEXT NOT NULL);"
  "CREATE INDEX break_glass_by_user ON break_glass (user_id, patient_id, expires_at);"
  "CREATE TRIGGER break_glass_no_update BEFORE UPDATE ON break_glass"
  "  BEGIN SELECT RAISE (ABORT, 'break-glass grants are append-only'); END;"
  "CREATE TRIGGER break_glass_no_delete BEFORE DELETE ON break_glass"
  "  BEGIN SELECT RAISE (ABORT, 'break-glass grants are append-only'); END;",
};

static const char * const roles[] = {
  "gp", "nurse", "social-worker", "co-ordinator", "volunteer", "admin", NULL
};

typedef struct
{
  GArray *failures;   /* gint64 monotonic times, oldest first */
  guint   pending;    /* attempts being checked now */
} Attempts;

struct _KithSignInLimiter
{
  GHashTable *by_key;       /* "u:name" or "a:address" → Attempts */
  gint64      last_sweep;
};

G_DEFINE_QUARK (kith-server-auth-error-quark, kith_server_auth_error)

void
kith_server_user_free (KithServerUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->display_name);
  g_free (user->role);
  g_free (user->team);
  g_free (user->created);
  g_free (user);
}

gboolean
kith_server_auth_init (void)
{
  return sodium_init () >= 0;
}

const char * const *
kith_server_roles (void)
{
  return roles;
}

gboolean
kith_server_is_role (const char *role)
{
  return role != NULL && g_strv_contains (roles, role);
}

gboolean
kith_server_is_valid_username (const char *username)
{
  gsize length;

  if (username == NULL)
    return FALSE;
  length = strlen (username);
  if (length == 0 || length > KITH_SERVER_USERNAME_MAX)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = username[i];

      if (!g_ascii_isalnum (c) && c != '.' && c != '_' && c != '-' && c != '@')
        return FALSE;
    }
  return TRUE;
}

const char *
kith_server_describe_weak_password (const char *password)
{
  if (password == NULL || !g_utf8_validate (password, -1, NULL))
    return "The password must be UTF-8 text";
  if (strlen (password) > KITH_SERVER_PASSWORD_MAX_BYTES)
    return "The password is too long (at most 1024 bytes)";
  if (g_utf8_strlen (password, -1) < KITH_SERVER_PASSWORD_MIN_CHARS)
    return "The password is too short: use at least 10 characters, "
           "for example three or four unrelated words";
  return NULL;
}

/* --- sqlite helpers ------------------------------------------------------- */

static gboolean
exec_sql (KithStore   *store,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (kith_store_get_db (store), sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      kith_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Steps @stmt to its end and resets it. */
static gboolean
step_done (KithStore     *store,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* --- schema ---------------------------------------------------------------- */

gboolean
kith_server_schema_prepare (KithStore  *store,
                            GError    **error)
{
  sqlite3_stmt *stmt;
  gint64 version = 0;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!kith_store_begin (store, error))
    return FALSE;
  if (!exec_sql (store, "CREATE TABLE IF NOT EXISTS server_schema (version INTEGER NOT NULL)",
                 error))
    goto fail;
  if (!(stmt = kith_store_prepare (store, "SELECT max(version) FROM server_schema", error)))
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (version > KITH_SERVER_SCHEMA_VERSION)
    {
      g_set_error (error, KITH_STORE_ERROR, KITH_STORE_ERROR_NEWER_SCHEMA,
                   "The server's tables were written by a newer kith-server "
                   "(version %" G_GINT64_FORMAT "; this one knows up to %d)",
                   version, KITH_SERVER_SCHEMA_VERSION);
      goto fail;
    }
  if (version == KITH_SERVER_SCHEMA_VERSION)
    {
      kith_store_rollback (store);
      return TRUE;
    }

  for (gint64 v = version; v < KITH_SERVER_SCHEMA_VERSION; v++)
    if (!exec_sql (store, server_migrations[v], error))
      goto fail;

  if (!exec_sql (store, "DELETE FROM server_schema", error) ||
      !(stmt = kith_store_prepare (store, "INSERT INTO server_schema (version) VALUES (?1)", error)))
    goto fail;
  sqlite3_bind_int (stmt, 1, KITH_SERVER_SCHEMA_VERSION);
  if (!step_done (store, stmt, error))
    goto fail;

  return kith_store_commit (store, error);

fail:
  kith_store_rollback (store);
  return FALSE;
}

/* --- passwords ------------------------------------------------------------- */

char *
kith_server_password_hash (const char  *password,
                           GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];
  const char *weak;

  g_return_val_if_fail (password != NULL, NULL);

  if ((weak = kith_server_describe_weak_password (password)) != NULL)
    {
      g_set_error_literal (error, KITH_SERVER_AUTH_ERROR, KITH_SERVER_AUTH_ERROR_INVALID, weak);
      return NULL;
    }

  /* The "interactive" limits (64 MiB, 2 passes) take about 0.15 s here:
   * slow for guessing, quick enough for a person signing in. */
  if (crypto_pwhash_str_alg (hash, password, strlen (password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, KITH_SERVER_AUTH_ERROR, KITH_SERVER_AUTH_ERROR_FAILED,
                           "Not enough memory to hash the password");
      return NULL;
    }

  return g_strdup (hash);
}

gboolean
kith_server_password_verify (const char *hash,
                             const char *password)
{
  g_return_val_if_fail (hash != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (strlen (hash) >= crypto_pwhash_STRBYTES)
    return FALSE;

  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

/* --- users ----------------------------------------------------------------- */

/* A display name or team: printable text, not too long. */
static gboolean
is_display_text (const char *text,
                 gboolean    allow_empty)
{
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  if (!allow_empty && *text == '\0')
    return FALSE;
  if (g_utf8_strlen (text, -1) > DISPLAY_TEXT_MAX_CHARS)
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

gboolean
kith_server_user_add (KithStore   *store,
                      const char  *username,
                      const char  *display_name,
                      const char  *role,
                      const char  *team,
                      gboolean     lead,
                      const char  *password_hash,
                      GError     **error)
{
  g_autofree char *now = kith_fhir_now_instant ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  if (!kith_server_is_valid_username (username))
    {
      g_set_error_literal (error, KITH_SERVER_AUTH_ERROR, KITH_SERVER_AUTH_ERROR_INVALID,
                           "A user name is 1 to 64 letters, digits and . _ - @");
      return FALSE;
    }
  if (!kith_server_is_role (role))
    {
      g_autofree char *names = g_strjoinv (", ", (char **) roles);

      g_set_error (error, KITH_SERVER_AUTH_ERROR, KITH_SERVER_AUTH_ERROR_INVALID,
                   "The role must be one of %s", names);
      return FALSE;
    }
  if (!is_display_text (display_name, FALSE) || !is_display_text (team, FALSE))
    {
      g_set_error_literal (error, KITH_SERVER_AUTH_ERROR, KITH_SERVER_AUTH_ERROR_INVALID,
                           "The name and the team must be given, as at most 200 characters "
                           "of text on one line");
      return FALSE;
    }

  if (!(stmt = kith_store_prepare (store,
                                   "INSERT INTO server_user (username, display_name, role, team,"
                                   "  password_hash, created, password_changed, lead)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, display_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, role, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, team, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, password_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, lead ? 1 : 0);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, KITH_SERVER_AUTH_ERROR, KITH_SERVER_AUTH_ERROR_EXISTS,
                   "There is already a user called '%s'", username);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

static KithServerUser *
read_user (sqlite3_stmt *stmt)
{
  KithServerUser *user = g_new0 (KithServerUser, 1);

  user->id = sqlite3_column_int64 (stmt, 0);
  user->username = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  user->display_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  user->role = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  user->team = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  user->disabled = sqlite3_column_int (stmt, 5) != 0;
  user->created = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  user->lead = sqlite3_column_int (stmt, 7) != 0;
  return user;
}

#define USER_COLUMNS "id, username, display_name, role, team, disabled, created, lead"

GPtrArray *
kith_server_user_list (KithStore  *store,
                       GError    **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_server_user_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!(stmt = kith_store_prepare (store, "SELECT " USER_COLUMNS " FROM server_user"
                                          " ORDER BY username COLLATE NOCASE", error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (users, read_user (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kith_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&users);
}

KithServerUser *
kith_server_user_lookup (KithStore   *store,
                         const char  *username,
                         char       **password_hash,
                         GError     **error)
{
  KithServerUser *user = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (username != NULL, NULL);

  if (password_hash != NULL)
    *password_hash = NULL;
  if (!kith_server_is_valid_username (username))
    return NULL;

  if (!(stmt = kith_store_prepare (store, "SELECT " USER_COLUMNS ", password_hash"
                                          " FROM server_user WHERE username = ?1", error)))
    return NULL;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      user = read_user (stmt);
      if (password_hash != NULL)
        *password_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    kith_store_set_error (store, rc, error);
  return user;
}

static gboolean
revoke_tokens (KithStore  *store,
               gint64      user_id,
               GError    **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = kith_store_prepare (store, "UPDATE server_token SET revoked = 1"
                                          " WHERE user_id = ?1 AND revoked = 0", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  return step_done (store, stmt, error);
}

/* Runs @sql (with ?1 the user's id and ?2 @text) on @username's row and
 * revokes their tokens, in one transaction. */
static gboolean
change_user (KithStore   *store,
             const char  *username,
             const char  *sql,
             const char  *text,
             gint64       number,
             GError     **error)
{
  g_autoptr(KithServerUser) user = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  if (!kith_store_begin (store, error))
    return FALSE;

  user = kith_server_user_lookup (store, username, NULL, &local_error);
  if (user == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, KITH_SERVER_AUTH_ERROR, KITH_SERVER_AUTH_ERROR_NO_USER,
                     "There is no user called '%s'", username);
      goto fail;
    }

  if (!(stmt = kith_store_prepare (store, sql, error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, user->id);
  if (text != NULL)
    sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 2, number);
  if (!step_done (store, stmt, error))
    goto fail;
  sqlite3_clear_bindings (stmt);
  if (!revoke_tokens (store, user->id, error))
    goto fail;

  return kith_store_commit (store, error);

fail:
  kith_store_rollback (store);
  return FALSE;
}

gboolean
kith_server_user_set_disabled (KithStore   *store,
                               const char  *username,
                               gboolean     disabled,
                               GError     **error)
{
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  return change_user (store, username, "UPDATE server_user SET disabled = ?2 WHERE id = ?1",
                      NULL, disabled ? 1 : 0, error);
}

gboolean
kith_server_user_set_password (KithStore   *store,
                               const char  *username,
                               const char  *password_hash,
                               GError     **error)
{
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  return change_user (store, username,
                      "UPDATE server_user SET password_hash = ?2,"
                      "  password_changed = strftime ('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                      password_hash, 0, error);
}

/* --- tokens ---------------------------------------------------------------- */

static gboolean
is_token_text (const char *token)
{
  if (token == NULL || strlen (token) != KITH_SERVER_TOKEN_CHARS)
    return FALSE;
  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static void
hash_token (const char *token,
            guint8      hash[TOKEN_HASH_BYTES])
{
  crypto_generichash (hash, TOKEN_HASH_BYTES, (const guint8 *) token, strlen (token), NULL, 0);
}

char *
kith_server_token_issue (KithStore   *store,
                         gint64       user_id,
                         gint64       lifetime_s,
                         GError     **error)
{
  guint8 secret[KITH_SERVER_TOKEN_BYTES];
  guint8 hash[TOKEN_HASH_BYTES];
  char text[sodium_base64_ENCODED_LEN (KITH_SERVER_TOKEN_BYTES,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  gint64 now = now_ms ();
  sqlite3_stmt *stmt;
  char *token;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (lifetime_s > 0, NULL);

  randombytes_buf (secret, sizeof secret);
  sodium_bin2base64 (text, sizeof text, secret, sizeof secret,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (secret, sizeof secret);
  g_assert (strlen (text) == KITH_SERVER_TOKEN_CHARS);
  hash_token (text, hash);

  if (!kith_store_begin (store, error))
    goto fail_wiped;
  /* Long-dead tokens go, so the table stays small. */
  if (!(stmt = kith_store_prepare (store, "DELETE FROM server_token WHERE expires_at < ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, now - TOKEN_KEEP_MS);
  if (!step_done (store, stmt, error))
    goto fail;

  if (!(stmt = kith_store_prepare (store, "INSERT INTO server_token (hash, user_id, issued_at,"
                                          "  expires_at) VALUES (?1, ?2, ?3, ?4)", error)))
    goto fail;
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, now + lifetime_s * 1000);
  if (!step_done (store, stmt, error))
    goto fail;
  sqlite3_clear_bindings (stmt);
  if (!kith_store_commit (store, error))
    goto fail_wiped;

  token = g_strdup (text);
  sodium_memzero (text, sizeof text);
  return token;

fail:
  kith_store_rollback (store);
fail_wiped:
  sodium_memzero (text, sizeof text);
  return NULL;
}

KithServerUser *
kith_server_token_check (KithStore   *store,
                         const char  *token,
                         GError     **error)
{
  guint8 hash[TOKEN_HASH_BYTES];
  KithServerUser *user = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KITH_IS_STORE (store), NULL);

  if (!is_token_text (token))
    return NULL;
  hash_token (token, hash);

  if (!(stmt = kith_store_prepare (store,
                                   "SELECT u.id, u.username, u.display_name, u.role, u.team,"
                                   "  u.disabled, u.created, u.lead"
                                   " FROM server_token t JOIN server_user u ON u.id = t.user_id"
                                   " WHERE t.hash = ?1 AND t.revoked = 0 AND t.expires_at > ?2"
                                   "  AND u.disabled = 0", error)))
    return NULL;
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now_ms ());
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    user = read_user (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    kith_store_set_error (store, rc, error);
  return user;
}

/* --- sign-in limits -------------------------------------------------------- */

static void
attempts_free (Attempts *attempts)
{
  g_array_unref (attempts->failures);
  g_free (attempts);
}

static char *
limiter_key (char        kind,
             const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text != NULL ? text : "", -1);

  return g_strdup_printf ("%c:%s", kind, lower);
}

static Attempts *
limiter_get (KithSignInLimiter *limiter,
             char               kind,
             const char        *text,
             gboolean           create)
{
  g_autofree char *key = limiter_key (kind, text);
  Attempts *attempts = g_hash_table_lookup (limiter->by_key, key);

  if (attempts == NULL && create)
    {
      attempts = g_new0 (Attempts, 1);
      attempts->failures = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (limiter->by_key, g_steal_pointer (&key), attempts);
    }
  return attempts;
}

static void
attempts_forget_old (Attempts *attempts,
                     gint64    now)
{
  guint old = 0;

  while (old < attempts->failures->len &&
         g_array_index (attempts->failures, gint64, old) <= now - KITH_SERVER_SIGN_IN_WINDOW)
    old++;
  if (old > 0)
    g_array_remove_range (attempts->failures, 0, old);
}

/* Seconds until @attempts allows another try; 0 when it does now. */
static guint
attempts_wait (Attempts *attempts,
               gint64    now)
{
  guint over;
  gint64 until;

  if (attempts == NULL)
    return 0;
  attempts_forget_old (attempts, now);
  if (attempts->failures->len + attempts->pending < KITH_SERVER_SIGN_IN_MAX_FAILURES)
    return 0;
  if (attempts->failures->len < KITH_SERVER_SIGN_IN_MAX_FAILURES)
    return 1;   /* only attempts under way stand in the way */

  /* The failure that has to age out for the count to drop below the limit. */
  over = attempts->failures->len - KITH_SERVER_SIGN_IN_MAX_FAILURES;
  until = g_array_index (attempts->failures, gint64, over) + KITH_SERVER_SIGN_IN_WINDOW;
  return (guint) MAX (1, (until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

static gboolean
attempts_idle (gpointer key,
               gpointer value,
               gpointer user_data)
{
  Attempts *attempts = value;
  gint64 now = *(gint64 *) user_data;

  attempts_forget_old (attempts, now);
  return attempts->failures->len == 0 && attempts->pending == 0;
}

KithSignInLimiter *
kith_sign_in_limiter_new (void)
{
  KithSignInLimiter *limiter = g_new0 (KithSignInLimiter, 1);

  limiter->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) attempts_free);
  return limiter;
}

void
kith_sign_in_limiter_free (KithSignInLimiter *limiter)
{
  if (limiter == NULL)
    return;
  g_hash_table_unref (limiter->by_key);
  g_free (limiter);
}

guint
kith_sign_in_limiter_check (KithSignInLimiter *limiter,
                            const char        *username,
                            const char        *address,
                            gint64             now)
{
  g_return_val_if_fail (limiter != NULL, 0);

  /* Guessing costs an Argon2 hash each, so the table grows slowly; still,
   * what has aged out is swept now and then. */
  if (g_hash_table_size (limiter->by_key) > 1024 && now - limiter->last_sweep > G_USEC_PER_SEC * 60)
    {
      g_hash_table_foreach_remove (limiter->by_key, attempts_idle, &now);
      limiter->last_sweep = now;
    }

  return MAX (attempts_wait (limiter_get (limiter, 'u', username, FALSE), now),
              attempts_wait (limiter_get (limiter, 'a', address, FALSE), now));
}

void
kith_sign_in_limiter_begin (KithSignInLimiter *limiter,
                            const char        *username,
                            const char        *address)
{
  g_return_if_fail (limiter != NULL);

  limiter_get (limiter, 'u', username, TRUE)->pending++;
  limiter_get (limiter, 'a', address, TRUE)->pending++;
}

void
kith_sign_in_limiter_end (KithSignInLimiter *limiter,
                          const char        *username,
                          const char        *address,
                          gboolean           succeeded,
                          gint64             now)
{
  Attempts *by_user, *by_address;

  g_return_if_fail (limiter != NULL);

  by_user = limiter_get (limiter, 'u', username, TRUE);
  by_address = limiter_get (limiter, 'a', address, TRUE);
  g_return_if_fail (by_user->pending > 0 && by_address->pending > 0);
  by_user->pending--;
  by_address->pending--;

  /* A success clears the name's count; the address keeps its count, so
   * one good account does not cover guessing at others. */
  if (succeeded)
    g_array_set_size (by_user->failures, 0);
  else
    {
      g_array_append_val (by_user->failures, now);
      g_array_append_val (by_address->failures, now);
    }
}
