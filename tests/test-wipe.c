/* test-wipe.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Removing the store from the computer on sign-out (src/core/kith-wipe.c).
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kith-core.h"
#include "kith-wipe.h"

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("kith-wipe-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* A store with a caseload, its WAL still beside it, is gone after; a
 * store opened there again is a new, empty one. */
static void
test_wipe_store (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(KithStore) store = kith_store_open (path, &error);

    g_assert_no_error (error);
    g_assert_true (kith_demo_caseload_fill (store, 5, 1, &error));
    g_assert_no_error (error);
    g_assert_cmpint (kith_store_count_resources (store, "Patient"), ==, 5);
  }
  /* As a crash would leave them */
  g_assert_true (g_file_set_contents (wal, "wal", -1, NULL));
  g_assert_true (g_file_set_contents (shm, "shm", -1, NULL));
  g_assert_true (g_file_set_contents (journal, "journal", -1, NULL));

  g_assert_true (kith_store_wipe_files (path, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  /* Nothing there is not a failure */
  g_assert_true (kith_store_wipe_files (path, &error));
  g_assert_no_error (error);

  {
    g_autoptr(KithStore) store = kith_store_open (path, &error);

    g_assert_no_error (error);
    g_assert_cmpint (kith_store_count_resources (store, "Patient"), ==, 0);
  }
  g_assert_true (kith_store_wipe_files (path, &error));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* What cannot be removed is said, naming the file; the rest still goes. */
static void
test_wipe_failure (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "kith.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;

  /* A folder where the database should be cannot be unlinked */
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_true (g_file_set_contents (wal, "wal", -1, NULL));

  g_assert_false (kith_store_wipe_files (path, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/wipe/store", test_wipe_store);
  g_test_add_func ("/wipe/failure", test_wipe_failure);

  return g_test_run ();
}
