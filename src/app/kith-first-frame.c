/* kith-first-frame.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How "since process start" is measured: the kernel's start time of this
 * process, field 22 of /proc/self/stat (clock ticks since boot), against
 * CLOCK_BOOTTIME now. That includes exec, the dynamic linker loading GTK and
 * constructors, which is what a person waiting for the window sees. The
 * field has clock-tick resolution (10 ms at USER_HZ 100) and is rounded
 * down, so single runs read up to one tick long; compare medians of several
 * runs, run side by side. Where /proc is unreadable, the time captured by
 * kith_first_frame_mark_main() at the top of main() is used instead.
 */

#define G_LOG_DOMAIN "kith-first-frame"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kith-first-frame.h"

typedef struct
{
  KithFirstFrameReadyFunc  is_ready;
  gpointer                 user_data;
  GdkFrameClock           *frame_clock;
  gulong                   after_paint_id;
} FirstFrameWatch;

static gint64 main_boottime_usec = -1;

static gint64
get_boottime_usec (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_BOOTTIME, &ts) != 0)
    return -1;

  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint64
read_process_start_boottime_usec (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  long ticks_per_second;
  guint64 start_ticks;

  if (!g_file_get_contents ("/proc/self/stat", &contents, NULL, NULL))
    return -1;

  /* The command name is in parentheses and may itself hold spaces. */
  if (!(after_comm = strrchr (contents, ')')))
    return -1;

  /* After the name come field 3 (state) onwards; starttime is field 22. */
  fields = g_strsplit (after_comm + 2, " ", 0);
  if (g_strv_length (fields) < 20)
    return -1;

  ticks_per_second = sysconf (_SC_CLK_TCK);
  if (ticks_per_second <= 0)
    return -1;

  start_ticks = g_ascii_strtoull (fields[19], NULL, 10);
  return (gint64) (start_ticks * G_USEC_PER_SEC / (guint64) ticks_per_second);
}

static void
first_frame_watch_free (FirstFrameWatch *watch)
{
  g_clear_signal_handler (&watch->after_paint_id, watch->frame_clock);
  g_clear_object (&watch->frame_clock);
  g_free (watch);
}

static void
on_frame_clock_after_paint_cb (GdkFrameClock   *frame_clock,
                               FirstFrameWatch *watch)
{
  GApplication *application;

  if (watch->is_ready != NULL && !watch->is_ready (watch->user_data))
    return;

  g_clear_signal_handler (&watch->after_paint_id, watch->frame_clock);

  g_print ("kith: first-frame %" G_GINT64_FORMAT "\n", kith_first_frame_elapsed_usec ());
  fflush (stdout);

  if ((application = g_application_get_default ()) != NULL)
    g_application_quit (application);
}

static void
on_widget_map_cb (GtkWidget       *widget,
                  FirstFrameWatch *watch)
{
  GdkFrameClock *frame_clock;

  if (watch->frame_clock != NULL)
    return;

  frame_clock = gtk_widget_get_frame_clock (widget);
  g_return_if_fail (frame_clock != NULL);

  watch->frame_clock = g_object_ref (frame_clock);
  watch->after_paint_id = g_signal_connect (frame_clock, "after-paint",
                                            G_CALLBACK (on_frame_clock_after_paint_cb),
                                            watch);
}

gboolean
kith_first_frame_is_requested (void)
{
  return g_strcmp0 (g_getenv ("KITH_BENCH_FIRST_FRAME"), "1") == 0;
}

/* Call first thing in main(): the fallback origin when /proc is missing. */
void
kith_first_frame_mark_main (void)
{
  if (main_boottime_usec < 0)
    main_boottime_usec = get_boottime_usec ();
}

gint64
kith_first_frame_elapsed_usec (void)
{
  gint64 now = get_boottime_usec ();
  gint64 start = read_process_start_boottime_usec ();

  if (start < 0 || start > now)
    start = main_boottime_usec;

  return now - start;
}

/* Watches @widget's frame clock from when it is mapped, and reports the
 * first painted frame for which @is_ready (may be NULL) returns TRUE. Does
 * nothing unless KITH_BENCH_FIRST_FRAME=1. */
void
kith_first_frame_watch (GtkWidget               *widget,
                        KithFirstFrameReadyFunc  is_ready,
                        gpointer                 user_data)
{
  FirstFrameWatch *watch;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (!kith_first_frame_is_requested ())
    return;

  watch = g_new0 (FirstFrameWatch, 1);
  watch->is_ready = is_ready;
  watch->user_data = user_data;

  g_signal_connect_data (widget, "map", G_CALLBACK (on_widget_map_cb), watch,
                         (GClosureNotify) first_frame_watch_free, 0);
}
