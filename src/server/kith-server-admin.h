/* kith-server-admin.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when argv[1] names an administration command ("user", "audit"). */
gboolean kith_server_admin_is_command (int    argc,
                                       char **argv);
/* Runs it; returns the exit status (0, 1 on failure, 2 for bad usage). */
int      kith_server_admin_main       (int    argc,
                                       char **argv);

G_END_DECLS
