/* kith-empty-window.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kith-bench-empty-window: the baseline for Kith's start-up benchmark. It
 * starts an AdwApplication the way kith does (same flags, same translation
 * set-up) and opens an empty AdwApplicationWindow of the same size. With
 * KITH_BENCH_FIRST_FRAME=1 it prints "kith: first-frame <µs>" on its first
 * painted frame and quits; compare with `kith` over a large store.
 */

#define G_LOG_DOMAIN "kith-bench"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "kith-first-frame.h"

static void
on_application_activate_cb (GtkApplication *application)
{
  GtkWidget *window;

  window = adw_application_window_new (application);
  gtk_window_set_title (GTK_WINDOW (window), "Kith");
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 720);

  kith_first_frame_watch (window, NULL, NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) application = NULL;

  kith_first_frame_mark_main ();

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = adw_application_new (APPLICATION_ID ".BenchEmptyWindow",
                                     G_APPLICATION_NON_UNIQUE);
  g_signal_connect (application, "activate", G_CALLBACK (on_application_activate_cb), NULL);

  return g_application_run (G_APPLICATION (application), argc, argv);
}
