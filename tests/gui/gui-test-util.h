/* gui-test-util.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every GUI test needs: waiting for the window to catch up, and
 * finding the words a person would see.
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Sets the gboolean at @user_data; for wait_until() */
gboolean   kith_test_wait_timeout_cb     (gpointer    user_data);
/* Runs the main loop for 50 ms: whatever was queued has happened. */
void       kith_test_flush_main_context  (void);
/* A mapped GtkLabel under @widget showing exactly @text, or NULL */
GtkWidget *kith_test_find_mapped_label   (GtkWidget  *widget,
                                          const char *text);

/* The default log writer, but quiet about the one warning a test session
 * without a session bus always gives: set it with g_log_set_writer_func(). */
GLogWriterOutput kith_test_log_writer    (GLogLevelFlags   log_level,
                                          const GLogField *fields,
                                          gsize            n_fields,
                                          gpointer         user_data);

/* When $KITH_TEST_SCREENSHOTS names a folder, saves the screen as
 * NAME.png there once @widget is drawn (ImageMagick's import), so that a
 * person can look at what a test saw. */
void       kith_test_save_screenshot     (GtkWidget  *widget,
                                          const char *name);

/* Runs the main loop until @condition holds, or fails the test after
 * WAIT_TIMEOUT_MS (each test file defines it). */
#define wait_until(condition)                                                  \
  G_STMT_START {                                                               \
    gboolean timed_out_ = FALSE;                                               \
    guint timeout_id_ = g_timeout_add (WAIT_TIMEOUT_MS,                        \
                                       kith_test_wait_timeout_cb,              \
                                       &timed_out_);                           \
    while (!(condition) && !timed_out_)                                        \
      g_main_context_iteration (NULL, TRUE);                                   \
    if (!timed_out_)                                                           \
      g_source_remove (timeout_id_);                                           \
    if (!(condition))                                                          \
      g_error ("Timed out waiting for: %s", #condition);                       \
  } G_STMT_END

G_END_DECLS
