/* kith-server.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kith-server: the practice server. Parses the command line, opens the
 * store, optionally fills it with the demo caseload, and serves FHIR R4
 * through a KithFhirServer until SIGTERM or SIGINT.
 *
 * Exit status: 0 after a clean shutdown, 1 when the store or the listening
 * socket fails, 2 for bad arguments (including a non-loopback address).
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <glib-unix.h>

#include "kith-core.h"
#include "kith-fhir-server.h"

#define KITH_SERVER_EXIT_FAILURE 1
#define KITH_SERVER_EXIT_USAGE   2

#define KITH_SERVER_DB_NAME           "kith-server.db"
#define KITH_SERVER_DEFAULT_DEMO_SEED 1

typedef struct
{
  char *data_dir;
  char *listen;
  int   demo_people;
  char *demo_seed;
} KithServerOptions;

static void
kith_server_options_clear (KithServerOptions *options)
{
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->listen, g_free);
  g_clear_pointer (&options->demo_seed, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KithServerOptions, kith_server_options_clear)

static int
fail_usage (const char *message)
{
  g_printerr ("kith-server: %s\n", message);
  g_printerr ("Try 'kith-server --help' for usage.\n");

  return KITH_SERVER_EXIT_USAGE;
}

static gboolean
on_quit_signal_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_message ("Shutting down");
  g_main_loop_quit (loop);

  return G_SOURCE_CONTINUE;
}

/* Creates @dir (0700) when missing; the store holds health records. */
static gboolean
prepare_data_dir (const char  *dir,
                  GError     **error)
{
  GStatBuf st;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create the data directory '%s': %s",
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (g_stat (dir, &st) == 0 && (st.st_mode & 0077) != 0)
    g_message ("The data directory '%s' is open to other users; consider chmod 700", dir);

  return TRUE;
}

static gboolean
fill_demo_caseload (KithStore  *store,
                    guint       people,
                    guint64     seed,
                    GError    **error)
{
  gint64 patients = kith_store_count_resources (store, "Patient");

  if (patients > 0)
    {
      g_message ("The store already holds patients; not adding the demo caseload");
      return TRUE;
    }

  if (!kith_demo_caseload_fill (store, people, seed, error))
    return FALSE;

  g_message ("Added a synthetic demo caseload of %u people (seed %" G_GUINT64_FORMAT ")",
             people, seed);

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_auto(KithServerOptions) options = { NULL, NULL, 0, NULL };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(KithFhirServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  guint64 demo_seed = KITH_SERVER_DEFAULT_DEMO_SEED;
  guint sigterm_id;
  guint sigint_id;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &options.data_dir,
      "Directory for the server's database (created 0700 if missing)", "DIR" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &options.listen,
      "Loopback address and port to serve on; port 0 picks a free one",
      "127.0.0.1:PORT" },
    { "demo-people", 0, 0, G_OPTION_ARG_INT, &options.demo_people,
      "Fill an empty store with a synthetic caseload of N people", "N" },
    { "demo-seed", 0, 0, G_OPTION_ARG_STRING, &options.demo_seed,
      "Seed for the synthetic caseload (default 1)", "S" },
    { NULL }
  };

  g_set_prgname ("kith-server");
  /* stdout carries only the "listening on" line that scripts parse. */
  g_log_writer_default_set_use_stderr (TRUE);

  context = g_option_context_new ("- serve FHIR R4 for one practice");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Plain HTTP is only served on loopback (127.0.0.0/8 or [::1]).\n"
    "Example: kith-server --data /var/lib/kith --listen 127.0.0.1:8080\n");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail_usage (error->message);
  if (argc > 1)
    return fail_usage ("Unexpected argument; every option needs its --name");
  if (options.data_dir == NULL || options.data_dir[0] == '\0')
    return fail_usage ("--data DIR is required");
  if (options.listen == NULL)
    return fail_usage ("--listen ADDRESS:PORT is required, for example 127.0.0.1:8080");
  if (options.demo_people < 0)
    return fail_usage ("--demo-people must be zero or more");
  if (options.demo_seed != NULL)
    {
      if (options.demo_people == 0)
        return fail_usage ("--demo-seed only makes sense with --demo-people");
      if (!g_ascii_string_to_unsigned (options.demo_seed, 10, 0, G_MAXUINT64,
                                       &demo_seed, NULL))
        return fail_usage ("--demo-seed must be a whole number, zero or more");
    }

  address = kith_fhir_server_parse_listen_address (options.listen, &error);
  if (address == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Bad --listen: %s", error->message);

      return fail_usage (message);
    }
  if (!kith_fhir_server_address_is_loopback (address))
    {
      g_autofree char *message =
        g_strdup_printf ("Refusing to serve plain HTTP on %s: only loopback addresses "
                         "(127.0.0.0/8 or [::1]) are allowed until TLS is configured",
                         options.listen);

      return fail_usage (message);
    }

  /* From here on SIGTERM and SIGINT end the main loop, even when they
   * arrive while the store is still being opened or filled. */
  loop = g_main_loop_new (NULL, FALSE);
  sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal_cb, loop);
  sigint_id = g_unix_signal_add (SIGINT, on_quit_signal_cb, loop);

  if (!prepare_data_dir (options.data_dir, &error))
    {
      g_printerr ("kith-server: %s\n", error->message);
      return KITH_SERVER_EXIT_FAILURE;
    }

  db_path = g_build_filename (options.data_dir, KITH_SERVER_DB_NAME, NULL);
  store = kith_store_open (db_path, &error);
  if (store == NULL)
    {
      g_printerr ("kith-server: Cannot open the store '%s': %s\n", db_path, error->message);
      return KITH_SERVER_EXIT_FAILURE;
    }

  if (options.demo_people > 0 &&
      !fill_demo_caseload (store, (guint) options.demo_people, demo_seed, &error))
    {
      g_printerr ("kith-server: Cannot add the demo caseload: %s\n", error->message);
      return KITH_SERVER_EXIT_FAILURE;
    }

  server = kith_fhir_server_new (store);
  if (!kith_fhir_server_listen (server, address, &error))
    {
      g_printerr ("kith-server: Cannot listen on %s: %s\n", options.listen, error->message);
      return KITH_SERVER_EXIT_FAILURE;
    }

  g_print ("kith-server: listening on %s\n", kith_fhir_server_get_base_url (server));
  fflush (stdout);

  g_main_loop_run (loop);

  /* Stop accepting, drop connections, then close sqlite cleanly. */
  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  kith_fhir_server_disconnect (server);
  g_clear_object (&server);
  g_clear_object (&store);

  g_message ("Stopped");

  return EXIT_SUCCESS;
}
