/* test-store-crash.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kills a writing process at random points, many times, and checks after
 * each kill that the store is intact and holds every write the writer
 * reported as committed, with no half of a transaction.
 */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "kith-core.h"

#define KILLS 60

static void
read_lines (int        fd,
            GString   *pending,
            GPtrArray *committed,
            int        timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      int wait_ms = timeout_ms < 0 ? -1 : (int) MAX (0, (deadline - g_get_monotonic_time ()) / 1000);
      char buffer[4096];
      gssize n;
      char *newline;

      if (timeout_ms >= 0 && wait_ms == 0)
        return;
      if (poll (&pfd, 1, wait_ms) <= 0)
        {
          if (errno == EINTR)
            continue;
          return;
        }
      n = read (fd, buffer, sizeof buffer);
      if (n <= 0)
        return;
      g_string_append_len (pending, buffer, n);
      while ((newline = strchr (pending->str, '\n')) != NULL)
        {
          g_ptr_array_add (committed, g_strndup (pending->str, newline - pending->str));
          g_string_erase (pending, 0, newline - pending->str + 1);
        }
    }
}

static void
test_kill_while_writing (void)
{
  const char *writer = g_getenv ("KITH_STORE_WRITER");
  g_autofree char *dir = g_dir_make_tmp ("kith-crash-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  guint total = 0;

  g_assert_nonnull (writer);

  for (int kill_n = 0; kill_n < KILLS; kill_n++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *tag = g_strdup_printf ("k%d", kill_n);
      const char *args[] = { writer, path, tag, NULL };
      g_autoptr(GPtrArray) committed = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GString) pending = g_string_new (NULL);
      g_autoptr(KithStore) store = NULL;
      GPid pid;
      int out_fd, status;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) args, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                               NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
      g_assert_no_error (error);

      /* Let it write for a random while: sometimes before the first commit. */
      read_lines (out_fd, pending, committed, g_rand_int_range (rand, 5, 150));
      kill (pid, SIGKILL);
      /* Lines written before the kill are still in the pipe: they count. */
      read_lines (out_fd, pending, committed, -1);
      close (out_fd);
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

      store = kith_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (kith_store_check_integrity (store, &error));
      g_assert_no_error (error);

      for (guint i = 0; i < committed->len; i++)
        {
          g_autoptr(JsonObject) patient = kith_store_read_resource (store, "Patient", committed->pdata[i], &error);

          g_assert_no_error (error);
          g_assert_nonnull (patient);
        }

      /* Every transaction is whole, reported or not: a patient numbered
       * 0, 3, 6… has its condition, and every other one has version 2. */
      for (guint i = 0;; i++)
        {
          g_autofree char *id = g_strdup_printf ("%s-%u", tag, i);
          g_autofree char *condition_id = g_strdup_printf ("%s-c", id);
          g_autoptr(JsonObject) patient = kith_store_read_resource (store, "Patient", id, NULL);
          g_autoptr(JsonObject) condition = NULL;

          if (patient == NULL)
            {
              /* Nothing past the first gap: writes are in order. */
              g_autoptr(JsonObject) next = NULL;
              g_autofree char *next_id = g_strdup_printf ("%s-%u", tag, i + 1);

              next = kith_store_read_resource (store, "Patient", next_id, NULL);
              g_assert_null (next);
              g_assert_cmpuint (i, >=, committed->len);
              break;
            }
          condition = kith_store_read_resource (store, "Condition", condition_id, NULL);
          if (i % 3 == 0)
            g_assert_nonnull (condition);
          else
            g_assert_null (condition);
        }
      total += committed->len;
    }

  g_test_message ("%d kills, %u reported commits, all present", KILLS, total);
  g_assert_cmpint (system (cmd), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/kill-while-writing", test_kill_while_writing);

  return g_test_run ();
}
