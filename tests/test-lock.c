/* test-lock.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The idle lock's timer, the offline password check and the wait after
 * wrong passwords (src/core/kith-lock.c).
 */

#include "config.h"

#include <string.h>

#include "kith-lock.h"

#define WAIT_TIMEOUT_MS 10000

static gboolean
on_timeout_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_locked_cb (KithIdleLock *lock,
              GParamSpec   *pspec,
              guint        *notified)
{
  (*notified)++;
}

/* It locks once the time has gone by without input, not before; input
 * puts it off; 0 never locks; it stays locked until unlocked. */
static void
test_lock_idle_timer (void)
{
  g_autoptr(KithIdleLock) lock = kith_idle_lock_new ();
  guint notified = 0;
  gint64 start;

  g_signal_connect (lock, "notify::locked", G_CALLBACK (on_locked_cb), &notified);
  g_assert_false (kith_idle_lock_get_locked (lock));

  /* No timeout: never by itself */
  run_for (300);
  g_assert_false (kith_idle_lock_get_locked (lock));

  kith_idle_lock_set_timeout (lock, 1);
  g_assert_cmpuint (kith_idle_lock_get_timeout (lock), ==, 1);
  /* Input every 300 ms for 1.5 s keeps it open */
  for (guint i = 0; i < 5; i++)
    {
      run_for (300);
      kith_idle_lock_note_activity (lock);
    }
  g_assert_false (kith_idle_lock_get_locked (lock));

  start = g_get_monotonic_time ();
  while (!kith_idle_lock_get_locked (lock) && g_get_monotonic_time () - start < WAIT_TIMEOUT_MS * 1000)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (kith_idle_lock_get_locked (lock));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
  g_assert_cmpuint (notified, ==, 1);

  /* Input at the lock screen does not unlock, and nothing else does */
  kith_idle_lock_note_activity (lock);
  run_for (200);
  g_assert_true (kith_idle_lock_get_locked (lock));

  /* Unlocked, the time starts again */
  kith_idle_lock_unlock (lock);
  g_assert_false (kith_idle_lock_get_locked (lock));
  g_assert_cmpuint (notified, ==, 2);
  run_for (500);
  g_assert_false (kith_idle_lock_get_locked (lock));

  /* 0: never */
  kith_idle_lock_set_timeout (lock, 0);
  run_for (1300);
  g_assert_false (kith_idle_lock_get_locked (lock));

  /* Locking by hand needs no timeout */
  kith_idle_lock_lock (lock);
  g_assert_true (kith_idle_lock_get_locked (lock));
  g_assert_cmpuint (notified, ==, 3);
}

/* The verifier is Argon2id, salted, and checks only the right password */
static void
test_lock_verifier (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *verifier = kith_lock_hash_password ("correct horse battery", &error);
  g_autofree char *again = kith_lock_hash_password ("correct horse battery", &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (verifier, "$argon2id$"));
  g_assert_null (strstr (verifier, "correct horse"));
  /* Salted: the same password never hashes the same */
  g_assert_cmpstr (verifier, !=, again);

  g_assert_true (kith_lock_check_password (verifier, "correct horse battery", &error));
  g_assert_no_error (error);
  g_assert_false (kith_lock_check_password (verifier, "correct horse batter", &error));
  g_assert_error (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_assert_false (kith_lock_check_password (verifier, "", &error));
  g_assert_error (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  /* Nothing but an Argon2id hash is taken */
  g_assert_false (kith_lock_check_password (NULL, "correct horse battery", &error));
  g_assert_error (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_NO_VERIFIER);
  g_clear_error (&error);
  g_assert_false (kith_lock_check_password ("correct horse battery", "correct horse battery", &error));
  g_assert_error (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_NO_VERIFIER);
  g_clear_error (&error);
  g_assert_false (kith_lock_check_password ("$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA",
                                            "correct horse battery", &error));
  g_assert_error (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_NO_VERIFIER);
  g_clear_error (&error);
}

static void
on_async_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_lock_verifier_async (void)
{
  g_autoptr(GAsyncResult) hashed = NULL;
  g_autoptr(GAsyncResult) right = NULL;
  g_autoptr(GAsyncResult) wrong = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *verifier = NULL;

  kith_lock_hash_password_async ("a long pass phrase", NULL, on_async_cb, &hashed);
  while (hashed == NULL)
    g_main_context_iteration (NULL, TRUE);
  verifier = kith_lock_hash_password_finish (hashed, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verifier);

  kith_lock_check_password_async (verifier, "a long pass phrase", NULL, on_async_cb, &right);
  kith_lock_check_password_async (verifier, "a wrong pass phrase", NULL, on_async_cb, &wrong);
  while (right == NULL || wrong == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (kith_lock_check_password_finish (right, &error));
  g_assert_no_error (error);
  g_assert_false (kith_lock_check_password_finish (wrong, &error));
  g_assert_error (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_WRONG_PASSWORD);
}

/* Four wrong tries cost nothing; the fifth means a 30 s wait, each one
 * after doubles it up to 15 minutes; the right password clears it. */
static void
test_lock_limiter (void)
{
  g_autoptr(KithUnlockLimiter) limiter = kith_unlock_limiter_new ();
  gint64 now = 1000 * G_USEC_PER_SEC;

  for (guint i = 1; i < KITH_UNLOCK_FREE_TRIES; i++)
    {
      kith_unlock_limiter_note_failure (limiter, now);
      g_assert_cmpuint (kith_unlock_limiter_get_wait (limiter, now), ==, 0);
    }
  kith_unlock_limiter_note_failure (limiter, now);
  g_assert_cmpuint (kith_unlock_limiter_get_failures (limiter), ==, KITH_UNLOCK_FREE_TRIES);
  g_assert_cmpuint (kith_unlock_limiter_get_wait (limiter, now), ==, 30);
  g_assert_cmpuint (kith_unlock_limiter_get_wait (limiter, now + 29 * G_USEC_PER_SEC + 1), ==, 1);
  g_assert_cmpuint (kith_unlock_limiter_get_wait (limiter, now + 30 * G_USEC_PER_SEC), ==, 0);

  now += 30 * G_USEC_PER_SEC;
  kith_unlock_limiter_note_failure (limiter, now);
  g_assert_cmpuint (kith_unlock_limiter_get_wait (limiter, now), ==, 60);
  for (guint i = 0; i < 10; i++)
    kith_unlock_limiter_note_failure (limiter, now);
  g_assert_cmpuint (kith_unlock_limiter_get_wait (limiter, now), ==, KITH_UNLOCK_MAX_WAIT_S);

  kith_unlock_limiter_note_success (limiter);
  g_assert_cmpuint (kith_unlock_limiter_get_failures (limiter), ==, 0);
  g_assert_cmpuint (kith_unlock_limiter_get_wait (limiter, now), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/lock/idle-timer", test_lock_idle_timer);
  g_test_add_func ("/lock/verifier", test_lock_verifier);
  g_test_add_func ("/lock/verifier-async", test_lock_verifier_async);
  g_test_add_func ("/lock/limiter", test_lock_limiter);

  return g_test_run ();
}
