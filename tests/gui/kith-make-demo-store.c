/* kith-make-demo-store.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kith-make-demo-store PATH [PEOPLE [SEED]]: writes a synthetic caseload
 * into the store at PATH (made if missing), for screenshots and for the
 * start-up benchmark. Not installed.
 */

#define G_LOG_DOMAIN "kith-make-demo-store"

#include "config.h"

#include <stdlib.h>

#include "kith-core.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KithStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint64 people = 2000;
  guint64 seed = 1;

  if (argc < 2 || argc > 4 ||
      (argc > 2 && !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXUINT, &people, NULL)) ||
      (argc > 3 && !g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXUINT64, &seed, NULL)))
    {
      g_printerr ("Usage: %s PATH [PEOPLE [SEED]]\n", argv[0]);
      return EXIT_FAILURE;
    }

  if (!(store = kith_store_open (argv[1], &error)) ||
      !kith_demo_caseload_fill (store, (guint) people, seed, &error))
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return EXIT_FAILURE;
    }

  g_print ("%s: %" G_GINT64_FORMAT " people\n", argv[1],
           kith_store_count_resources (store, "Patient"));
  return EXIT_SUCCESS;
}
