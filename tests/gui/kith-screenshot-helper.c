/* kith-screenshot-helper.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real Kith application (any kith options, such as --profile),
 * then puts the window into a state worth a screenshot:
 *
 *   KITH_SCREENSHOT_SIZE=1366x768   window size
 *   KITH_SCREENSHOT_SEARCH=text     typed into the search box
 *   KITH_SCREENSHOT_SELECT=N        row N activated (as by Enter): its record open
 *
 * and prints "ready" once that has been drawn. See take-screenshots.sh.
 */

#define G_LOG_DOMAIN "kith-screenshot-helper"

#include "config.h"

#include <stdio.h>

#include "kith-application.h"
#include "kith-window-private.h"

static gboolean
on_ready_timeout_cb (gpointer user_data)
{
  g_print ("ready\n");
  fflush (stdout);
  return G_SOURCE_REMOVE;
}

static gboolean
on_select_timeout_cb (gpointer user_data)
{
  KithWindow *window = user_data;
  const char *select = g_getenv ("KITH_SCREENSHOT_SELECT");
  const char *search = g_getenv ("KITH_SCREENSHOT_SEARCH");

  if (search != NULL)
    gtk_editable_set_text (GTK_EDITABLE (kith_window_get_search_entry (window)), search);

  if (select != NULL && *select != '\0')
    {
      GtkColumnView *column_view = kith_window_get_column_view (window);

      gtk_widget_grab_focus (GTK_WIDGET (column_view));
      g_signal_emit_by_name (column_view, "activate", (guint) g_ascii_strtoull (select, NULL, 10));
    }

  /* Let the search delay, layout and any transition finish. */
  g_timeout_add (1500, on_ready_timeout_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_application_activate_cb (GtkApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (application);

  if (KITH_IS_WINDOW (window))
    g_timeout_add (500, on_select_timeout_cb, window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KithApplication) application = NULL;
  g_autoptr(GSettings) settings = NULL;
  const char *size = g_getenv ("KITH_SCREENSHOT_SIZE");
  int width, height;

  if (size != NULL && sscanf (size, "%dx%d", &width, &height) == 2 &&
      (settings = kith_settings_new ()) != NULL)
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }

  application = kith_application_new ();
  g_signal_connect_after (application, "activate", G_CALLBACK (on_application_activate_cb), NULL);

  return g_application_run (G_APPLICATION (application), argc, argv);
}
