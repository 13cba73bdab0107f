/* main.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith"

#include "config.h"

#include <glib/gi18n.h>

#include "kith-application.h"
#include "kith-first-frame.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KithApplication) application = NULL;

  kith_first_frame_mark_main ();

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = kith_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
