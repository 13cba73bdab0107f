/* kith-first-frame.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A hidden start-up benchmark. With KITH_BENCH_FIRST_FRAME=1 in the
 * environment, the first frame painted after @is_ready returns TRUE prints
 *
 *   kith: first-frame <microseconds since process start>
 *
 * to stdout, flushes it and quits the default GApplication. */
typedef gboolean (*KithFirstFrameReadyFunc) (gpointer user_data);

gboolean kith_first_frame_is_requested  (void);
void     kith_first_frame_mark_main     (void);
gint64   kith_first_frame_elapsed_usec  (void);
void     kith_first_frame_watch         (GtkWidget               *widget,
                                         KithFirstFrameReadyFunc  is_ready,
                                         gpointer                 user_data);

G_END_DECLS
