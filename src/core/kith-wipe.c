/* kith-wipe.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing out with "Remove Records From This Computer".
 *
 * The files are unlinked, not overwritten first. On an SSD (every laptop
 * Kith runs on) a write goes to a fresh flash block and the old one stays
 * until the drive's firmware erases it, so overwriting in place gives no
 * assurance and only wears the drive. What protects the records at rest is
 * full-disk encryption, which practices must turn on; unlinking makes them
 * unreachable to the account and to Kith.
 */

#define G_LOG_DOMAIN "kith-wipe"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kith-wipe.h"

/* sqlite's own files beside the database, and the database last: a crash
 * half way leaves no journal that could bring rows back into a new store. */
static const char * const suffixes[] = { "-wal", "-shm", "-journal", "" };

/* So that the unlinks survive a power cut straight after. */
static void
sync_directory (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("Could not sync the store's folder: %s", g_strerror (errno));
  close (fd);
}

gboolean
kith_store_wipe_files (const char  *path,
                       GError     **error)
{
  g_autoptr(GError) first_error = NULL;

  g_return_val_if_fail (path != NULL && *path != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      int saved_errno;

      if (g_unlink (file) == 0)
        continue;
      saved_errno = errno;
      if (saved_errno == ENOENT)
        continue;
      if (first_error == NULL)
        g_set_error (&first_error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("The records in “%s” could not be removed: %s"),
                     file, g_strerror (saved_errno));
    }

  sync_directory (path);

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}
