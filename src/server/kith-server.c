/* kith-server.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kith-server: the practice server. Parses the command line, opens the
 * store, optionally fills it with the demo caseload, and serves FHIR R4
 * through a KithFhirServer until SIGTERM or SIGINT. HTTPS with
 * --tls-cert and --tls-key; plain HTTP only on loopback.
 *
 * "kith-server user …" and "kith-server audit …" manage users and print
 * the audit trail instead (kith-server-admin.c).
 *
 * Exit status: 0 after a clean shutdown, 1 when the store, the certificate
 * or the listening socket fails, 2 for bad arguments (including plain HTTP
 * on a non-loopback address).
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
#include "kith-server-access.h"
#include "kith-server-admin.h"

#define KITH_SERVER_EXIT_FAILURE 1
#define KITH_SERVER_EXIT_USAGE   2

#define KITH_SERVER_DB_NAME           "kith-server.db"
#define KITH_SERVER_DEFAULT_DEMO_SEED 1

typedef struct
{
  char     *data_dir;
  char     *listen;
  int       demo_people;
  char     *demo_seed;
  char     *demo_work_day;
  char     *tls_cert;
  char     *tls_key;
  char     *base_url;
  char     *token_lifetime;
  char     *break_glass_duration;
  gboolean  no_audit;
  gboolean  no_access_checks;
} KithServerOptions;

static void
kith_server_options_clear (KithServerOptions *options)
{
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->listen, g_free);
  g_clear_pointer (&options->demo_seed, g_free);
  g_clear_pointer (&options->demo_work_day, g_free);
  g_clear_pointer (&options->tls_cert, g_free);
  g_clear_pointer (&options->tls_key, g_free);
  g_clear_pointer (&options->base_url, g_free);
  g_clear_pointer (&options->token_lifetime, g_free);
  g_clear_pointer (&options->break_glass_duration, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KithServerOptions, kith_server_options_clear)

static int
fail_usage (const char *message)
{
  g_printerr ("kith-server: %s\n", message);
  g_printerr ("Try 'kith-server --help' for usage.\n");

  return KITH_SERVER_EXIT_USAGE;
}

/* "8h", "30m", "90s" or a number of seconds; 0 when it is none of those. */
static gint64
parse_duration (const char *text)
{
  g_autofree char *number = g_strdup (text);
  gint64 unit = 1;
  guint64 value;
  gsize length = strlen (number);

  if (length > 1 && g_ascii_isalpha (number[length - 1]))
    {
      switch (number[length - 1])
        {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 60 * 60; break;
        case 'd': unit = 24 * 60 * 60; break;
        default: return 0;
        }
      number[length - 1] = '\0';
    }
  if (!g_ascii_string_to_unsigned (number, 10, 1, G_MAXINT32, &value, NULL))
    return 0;
  return (gint64) value * unit;
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
fill_demo_caseload (KithStore    *store,
                    guint         people,
                    guint64       seed,
                    const GDate  *work_day,
                    GError      **error)
{
  gint64 patients = kith_store_count_resources (store, "Patient");

  if (patients > 0)
    {
      g_message ("The store already holds patients; not adding the demo caseload");
      return TRUE;
    }

  if (!kith_demo_caseload_fill_for_day (store, people, seed, work_day, error))
    return FALSE;

  g_message ("Added a synthetic demo caseload of %u people (seed %" G_GUINT64_FORMAT ")",
             people, seed);

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_auto(KithServerOptions) options = { NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                        FALSE, FALSE };
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(KithFhirServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  guint64 demo_seed = KITH_SERVER_DEFAULT_DEMO_SEED;
  GDate demo_work_day;
  gint64 token_lifetime = KITH_FHIR_SERVER_DEFAULT_TOKEN_LIFETIME;
  gint64 break_glass_lifetime = KITH_SERVER_DEFAULT_BREAK_GLASS_LIFETIME;
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
    { "demo-work-day", 0, 0, G_OPTION_ARG_STRING, &options.demo_work_day,
      "The day its dates are around, YYYY-MM-DD, as kith-demo --work-day (default 2026-01-01)", "DATE" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_cert,
      "Serve HTTPS with this certificate (PEM; the chain may follow it)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options.tls_key,
      "The certificate's private key (PEM)", "FILE" },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &options.base_url,
      "The address clients use, as https://kith.practice.example:8443/fhir "
      "(needed when listening on 0.0.0.0 or [::])", "URL" },
    { "token-lifetime", 0, 0, G_OPTION_ARG_STRING, &options.token_lifetime,
      "How long a sign-in lasts: 8h (the default), 30m, 90s…", "DURATION" },
    { "break-glass-duration", 0, 0, G_OPTION_ARG_STRING, &options.break_glass_duration,
      "How long emergency (break-glass) access lasts: 4h (the default), 30m…", "DURATION" },
    /* Benchmarks only (the audit trail's cost): development builds. */
    { "no-audit", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &options.no_audit, NULL, NULL },
    /* Benchmarks only (the access checks' cost): development builds. */
    { "no-access-checks", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &options.no_access_checks,
      NULL, NULL },
    { NULL }
  };

  g_set_prgname ("kith-server");
  /* stdout carries only the "listening on" line that scripts parse. */
  g_log_writer_default_set_use_stderr (TRUE);

  if (kith_server_admin_is_command (argc, argv))
    return kith_server_admin_main (argc, argv);

  context = g_option_context_new ("- serve FHIR R4 for one practice");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Plain HTTP is only served on loopback (127.0.0.0/8 or [::1]); elsewhere give\n"
    "--tls-cert and --tls-key. Clients sign in at POST /auth/token.\n"
    "Example: kith-server --data /var/lib/kith --listen 127.0.0.1:8080\n"
    "\n"
    "Users and the audit trail (see each command's --help):\n"
    "  kith-server user add|list|disable|enable|passwd --data DIR …\n"
    "  kith-server audit --data DIR --person PATIENT-ID [--for-person]\n"
    "  kith-server audit --data DIR --break-glass\n");

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
  g_date_clear (&demo_work_day, 1);
  g_date_set_dmy (&demo_work_day, 1, G_DATE_JANUARY, 2026);
  if (options.demo_work_day != NULL)
    {
      int y, m, d;
      char end;

      if (options.demo_people == 0)
        return fail_usage ("--demo-work-day only makes sense with --demo-people");
      if (sscanf (options.demo_work_day, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || !g_date_valid_dmy (d, m, y))
        return fail_usage ("--demo-work-day must be a date, YYYY-MM-DD");
      g_date_set_dmy (&demo_work_day, d, m, y);
    }

  if ((options.tls_cert == NULL) != (options.tls_key == NULL))
    return fail_usage ("--tls-cert and --tls-key go together");
  if (options.token_lifetime != NULL &&
      (token_lifetime = parse_duration (options.token_lifetime)) == 0)
    return fail_usage ("--token-lifetime must be a duration such as 8h, 30m or 90s");
  if (options.break_glass_duration != NULL &&
      (break_glass_lifetime = parse_duration (options.break_glass_duration)) == 0)
    return fail_usage ("--break-glass-duration must be a duration such as 4h, 30m or 90s");
  if (options.base_url != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (options.base_url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL ||
          (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
           g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
        return fail_usage ("--base-url must be an address such as https://kith.example/fhir");
    }
  if (options.no_audit && !DEVELOPMENT_BUILD)
    return fail_usage ("--no-audit is only for benchmarks, in development builds");
  if (options.no_access_checks && !DEVELOPMENT_BUILD)
    return fail_usage ("--no-access-checks is only for benchmarks, in development builds");

  address = kith_fhir_server_parse_listen_address (options.listen, &error);
  if (address == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Bad --listen: %s", error->message);

      return fail_usage (message);
    }
  if (options.tls_cert == NULL && !kith_fhir_server_address_is_loopback (address))
    {
      g_autofree char *message =
        g_strdup_printf ("Refusing to serve plain HTTP on %s: passwords and records would "
                         "cross the network unencrypted. Only loopback addresses (127.0.0.0/8 "
                         "or [::1]) may use plain HTTP; give --tls-cert and --tls-key to "
                         "serve others", options.listen);

      return fail_usage (message);
    }
  if (options.base_url == NULL &&
      g_inet_address_get_is_any (g_inet_socket_address_get_address (address)))
    return fail_usage ("Listening on every address: give --base-url, the address clients use");

  if (options.tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (options.tls_cert, options.tls_key, &error);
      if (certificate == NULL)
        {
          g_printerr ("kith-server: Cannot use the TLS certificate and key: %s\n",
                      error->message);
          return KITH_SERVER_EXIT_FAILURE;
        }
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
      !fill_demo_caseload (store, (guint) options.demo_people, demo_seed, &demo_work_day, &error))
    {
      g_printerr ("kith-server: Cannot add the demo caseload: %s\n", error->message);
      return KITH_SERVER_EXIT_FAILURE;
    }

  server = kith_fhir_server_new (store);
  kith_fhir_server_set_token_lifetime (server, token_lifetime);
  kith_fhir_server_set_break_glass_lifetime (server, break_glass_lifetime);
  if (certificate != NULL)
    kith_fhir_server_set_tls_certificate (server, certificate);
  if (options.base_url != NULL)
    kith_fhir_server_set_public_base_url (server, options.base_url);
  if (options.no_audit)
    {
      g_message ("The audit trail is OFF (--no-audit): for benchmarks only");
      kith_fhir_server_set_audit (server, FALSE);
    }
  if (options.no_access_checks)
    {
      g_message ("Access checks are OFF (--no-access-checks): for benchmarks only");
      kith_fhir_server_set_access_checks (server, FALSE);
    }
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
