/* kith-lock.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KITH_LOCK_ERROR (kith_lock_error_quark ())

typedef enum
{
  KITH_LOCK_ERROR_WRONG_PASSWORD,  /* the password does not match */
  KITH_LOCK_ERROR_NO_VERIFIER,     /* nothing on this computer to check it against */
  KITH_LOCK_ERROR_FAILED,          /* libsodium could not hash (out of memory) */
} KithLockError;

GQuark        kith_lock_error_quark          (void);

/* --- when to lock ----------------------------------------------------------- */

#define KITH_TYPE_IDLE_LOCK (kith_idle_lock_get_type ())

G_DECLARE_FINAL_TYPE (KithIdleLock, kith_idle_lock, KITH, IDLE_LOCK, GObject)

/* Locks after a time without input. Property "locked" (read-only). The
 * idle time counts a laptop's suspend too: a lid shut for an hour wakes
 * up locked. Until a timeout is set it never locks by itself. */
KithIdleLock *kith_idle_lock_new             (void);
/* Seconds without input before locking; 0 never locks by itself. */
void          kith_idle_lock_set_timeout     (KithIdleLock *self,
                                              guint         seconds);
guint         kith_idle_lock_get_timeout     (KithIdleLock *self);
/* Someone typed, clicked or moved the pointer: cheap, call it per event. */
void          kith_idle_lock_note_activity   (KithIdleLock *self);
gboolean      kith_idle_lock_get_locked      (KithIdleLock *self);
/* Locks now (Ctrl+Alt+L, or signing out). */
void          kith_idle_lock_lock            (KithIdleLock *self);
/* Only once the password has been checked. The idle time starts again. */
void          kith_idle_lock_unlock          (KithIdleLock *self);

/* --- the offline password check -------------------------------------------- */

/* An Argon2id hash of @password (libsodium's crypto_pwhash_str, with its
 * interactive limits) to keep in the keyring: it lets the lock screen
 * check the password with no network, and is never written to a file.
 * Slow on purpose (about a quarter of a second): call it off the main
 * thread, or use the _async form. */
char         *kith_lock_hash_password        (const char   *password,
                                              GError      **error);
/* FALSE with KITH_LOCK_ERROR_WRONG_PASSWORD when @password does not match
 * @verifier, or NO_VERIFIER when @verifier is not an Argon2id hash. */
gboolean      kith_lock_check_password       (const char   *verifier,
                                              const char   *password,
                                              GError      **error);
void          kith_lock_hash_password_async  (const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char         *kith_lock_hash_password_finish (GAsyncResult        *result,
                                              GError             **error);
void          kith_lock_check_password_async (const char          *verifier,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean      kith_lock_check_password_finish (GAsyncResult       *result,
                                               GError            **error);

/* --- wrong passwords -------------------------------------------------------- */

/* Tries without a wait; from then on each wrong password doubles it. */
#define KITH_UNLOCK_FREE_TRIES   5
#define KITH_UNLOCK_FIRST_WAIT_S 30
#define KITH_UNLOCK_MAX_WAIT_S   (15 * 60)

typedef struct _KithUnlockLimiter KithUnlockLimiter;

/* Counts wrong passwords at the lock screen. @now is g_get_monotonic_time(),
 * passed in so that tests need not wait. */
KithUnlockLimiter *kith_unlock_limiter_new          (void);
void               kith_unlock_limiter_free         (KithUnlockLimiter *self);
/* Seconds until the next try may be checked (rounded up); 0 for now. */
guint              kith_unlock_limiter_get_wait     (KithUnlockLimiter *self,
                                                     gint64             now);
void               kith_unlock_limiter_note_failure (KithUnlockLimiter *self,
                                                     gint64             now);
void               kith_unlock_limiter_note_success (KithUnlockLimiter *self);
guint              kith_unlock_limiter_get_failures (KithUnlockLimiter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithUnlockLimiter, kith_unlock_limiter_free)

G_END_DECLS
