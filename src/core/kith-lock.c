/* kith-lock.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The idle lock without GTK: when to lock, how to check a password with no
 * network, and how long to wait after wrong ones. The window supplies the
 * input events and the lock screen.
 */

#define G_LOG_DOMAIN "kith-lock"

#include "config.h"

#include <string.h>
#include <time.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "kith-lock.h"

/* How often an idle window looks at the clock: a resume from suspend is
 * noticed within this, whatever GLib's monotonic timeouts think. */
#define CHECK_INTERVAL_S 10

G_DEFINE_QUARK (kith-lock-error-quark, kith_lock_error)

struct _KithIdleLock
{
  GObject   parent_instance;

  guint     timeout_s;
  gint64    last_activity;   /* boot-time µs */
  guint     check_source;
  gboolean  locked;
};

G_DEFINE_FINAL_TYPE (KithIdleLock, kith_idle_lock, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_check (KithIdleLock *self);

/* Microseconds since boot, suspend included (CLOCK_BOOTTIME); GLib's
 * monotonic clock stops while a laptop sleeps. */
static gint64
get_boot_time (void)
{
#ifdef CLOCK_BOOTTIME
  struct timespec ts;

  if (clock_gettime (CLOCK_BOOTTIME, &ts) == 0)
    return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
#endif
  return g_get_monotonic_time ();
}

static void
set_locked (KithIdleLock *self,
            gboolean      locked)
{
  if (self->locked == locked)
    return;
  self->locked = locked;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
}

static gboolean
on_check_timeout_cb (gpointer user_data)
{
  KithIdleLock *self = user_data;

  self->check_source = 0;
  if (self->locked || self->timeout_s == 0)
    return G_SOURCE_REMOVE;

  if (get_boot_time () - self->last_activity >= (gint64) self->timeout_s * G_USEC_PER_SEC)
    set_locked (self, TRUE);
  else
    schedule_check (self);
  return G_SOURCE_REMOVE;
}

/* One timeout at a time, at the moment the lock would fall due or
 * CHECK_INTERVAL_S, whichever comes first. Input only moves
 * last_activity: a timer is not rescheduled for every pointer motion. */
static void
schedule_check (KithIdleLock *self)
{
  gint64 left_us;
  guint delay_ms;

  g_clear_handle_id (&self->check_source, g_source_remove);
  if (self->locked || self->timeout_s == 0)
    return;

  left_us = (gint64) self->timeout_s * G_USEC_PER_SEC - (get_boot_time () - self->last_activity);
  left_us = CLAMP (left_us, 0, (gint64) CHECK_INTERVAL_S * G_USEC_PER_SEC);
  /* Rounded up, so that the check does not come a moment too soon */
  delay_ms = (guint) ((left_us + 999) / 1000);
  self->check_source = g_timeout_add (delay_ms, on_check_timeout_cb, self);
}

static void
kith_idle_lock_dispose (GObject *object)
{
  KithIdleLock *self = KITH_IDLE_LOCK (object);

  g_clear_handle_id (&self->check_source, g_source_remove);

  G_OBJECT_CLASS (kith_idle_lock_parent_class)->dispose (object);
}

static void
kith_idle_lock_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KithIdleLock *self = KITH_IDLE_LOCK (object);

  switch (prop_id)
    {
    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kith_idle_lock_class_init (KithIdleLockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kith_idle_lock_dispose;
  object_class->get_property = kith_idle_lock_get_property;

  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kith_idle_lock_init (KithIdleLock *self)
{
  self->last_activity = get_boot_time ();
}

KithIdleLock *
kith_idle_lock_new (void)
{
  return g_object_new (KITH_TYPE_IDLE_LOCK, NULL);
}

void
kith_idle_lock_set_timeout (KithIdleLock *self,
                            guint         seconds)
{
  g_return_if_fail (KITH_IS_IDLE_LOCK (self));

  self->timeout_s = seconds;
  schedule_check (self);
}

guint
kith_idle_lock_get_timeout (KithIdleLock *self)
{
  g_return_val_if_fail (KITH_IS_IDLE_LOCK (self), 0);

  return self->timeout_s;
}

void
kith_idle_lock_note_activity (KithIdleLock *self)
{
  g_return_if_fail (KITH_IS_IDLE_LOCK (self));

  /* Typing at the lock screen does not unlock it. */
  if (self->locked)
    return;
  self->last_activity = get_boot_time ();
  if (self->check_source == 0 && self->timeout_s > 0)
    schedule_check (self);
}

gboolean
kith_idle_lock_get_locked (KithIdleLock *self)
{
  g_return_val_if_fail (KITH_IS_IDLE_LOCK (self), FALSE);

  return self->locked;
}

void
kith_idle_lock_lock (KithIdleLock *self)
{
  g_return_if_fail (KITH_IS_IDLE_LOCK (self));

  g_clear_handle_id (&self->check_source, g_source_remove);
  set_locked (self, TRUE);
}

void
kith_idle_lock_unlock (KithIdleLock *self)
{
  g_return_if_fail (KITH_IS_IDLE_LOCK (self));

  self->last_activity = get_boot_time ();
  set_locked (self, FALSE);
  schedule_check (self);
}

/* --- the offline password check -------------------------------------------- */

static gboolean
ensure_sodium (GError **error)
{
  static gsize initialized = 0;
  static gboolean usable = FALSE;

  if (g_once_init_enter (&initialized))
    {
      usable = sodium_init () >= 0;
      g_once_init_leave (&initialized, 1);
    }
  if (!usable)
    g_set_error_literal (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_FAILED,
                         _("The password check could not be set up (libsodium)"));
  return usable;
}

char *
kith_lock_hash_password (const char  *password,
                         GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (!ensure_sodium (error))
    return NULL;
  if (crypto_pwhash_str_alg (hash, password, strlen (password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_FAILED,
                           _("There is not enough memory to protect the password"));
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
kith_lock_check_password (const char  *verifier,
                          const char  *password,
                          GError     **error)
{
  g_return_val_if_fail (password != NULL, FALSE);

  if (!ensure_sodium (error))
    return FALSE;
  /* Only what kith_lock_hash_password() makes: nothing weaker is taken
   * from the keyring. */
  if (verifier == NULL || !g_str_has_prefix (verifier, "$argon2id$") ||
      strnlen (verifier, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
    {
      g_set_error_literal (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_NO_VERIFIER,
                           _("This computer has no way to check your password offline"));
      return FALSE;
    }
  if (crypto_pwhash_str_verify (verifier, password, strlen (password)) != 0)
    {
      g_set_error_literal (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_WRONG_PASSWORD,
                           _("That is not your password"));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char *verifier;
  char *password;   /* wiped when freed */
} PasswordCheck;

static void
password_check_free (PasswordCheck *check)
{
  g_free (check->verifier);
  if (check->password != NULL)
    sodium_memzero (check->password, strlen (check->password));
  g_free (check->password);
  g_free (check);
}

static void
hash_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PasswordCheck *check = task_data;
  GError *error = NULL;
  char *hash = kith_lock_hash_password (check->password, &error);

  if (hash == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, hash, g_free);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  PasswordCheck *check = task_data;
  GError *error = NULL;

  if (kith_lock_check_password (check->verifier, check->password, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static GTask *
password_task_new (const char          *verifier,
                   const char          *password,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data,
                   gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  PasswordCheck *check = g_new0 (PasswordCheck, 1);

  check->verifier = g_strdup (verifier);
  check->password = g_strdup (password);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, check, (GDestroyNotify) password_check_free);
  return task;
}

void
kith_lock_hash_password_async (const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (password != NULL);

  task = password_task_new (NULL, password, cancellable, callback, user_data,
                            kith_lock_hash_password_async);
  g_task_run_in_thread (task, hash_thread);
}

char *
kith_lock_hash_password_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kith_lock_check_password_async (const char          *verifier,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (password != NULL);

  task = password_task_new (verifier, password, cancellable, callback, user_data,
                            kith_lock_check_password_async);
  g_task_run_in_thread (task, check_thread);
}

gboolean
kith_lock_check_password_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- wrong passwords -------------------------------------------------------- */

struct _KithUnlockLimiter
{
  guint  failures;
  gint64 not_before;   /* monotonic µs */
};

KithUnlockLimiter *
kith_unlock_limiter_new (void)
{
  return g_new0 (KithUnlockLimiter, 1);
}

void
kith_unlock_limiter_free (KithUnlockLimiter *self)
{
  g_free (self);
}

guint
kith_unlock_limiter_get_wait (KithUnlockLimiter *self,
                              gint64             now)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->not_before <= now)
    return 0;
  return (guint) ((self->not_before - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

void
kith_unlock_limiter_note_failure (KithUnlockLimiter *self,
                                  gint64             now)
{
  guint wait_s = KITH_UNLOCK_FIRST_WAIT_S;

  g_return_if_fail (self != NULL);

  self->failures++;
  if (self->failures < KITH_UNLOCK_FREE_TRIES)
    return;

  /* 30 s after the fifth, then 60, 120… up to 15 minutes */
  for (guint i = KITH_UNLOCK_FREE_TRIES; i < self->failures && wait_s < KITH_UNLOCK_MAX_WAIT_S; i++)
    wait_s *= 2;
  wait_s = MIN (wait_s, KITH_UNLOCK_MAX_WAIT_S);
  self->not_before = now + (gint64) wait_s * G_USEC_PER_SEC;
}

void
kith_unlock_limiter_note_success (KithUnlockLimiter *self)
{
  g_return_if_fail (self != NULL);

  self->failures = 0;
  self->not_before = 0;
}

guint
kith_unlock_limiter_get_failures (KithUnlockLimiter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->failures;
}
