/* kith-wipe.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Removes the store at @path from this computer: the database and the
 * sqlite files beside it (-wal, -shm, -journal). Every KithStore on it
 * must be closed first. Files that are not there are not an error. All
 * are tried; the first failure is reported, naming the file. */
gboolean kith_store_wipe_files (const char  *path,
                                GError     **error);

G_END_DECLS
