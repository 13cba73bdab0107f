/* kith-server-admin.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The administration commands of kith-server, which work on a server's
 * data directory, whether or not the server is running:
 *
 *   kith-server user add --data DIR --role ROLE --name NAME --team TEAM [--lead] USER
 *   kith-server user list --data DIR
 *   kith-server user disable|enable --data DIR USER
 *   kith-server user passwd --data DIR USER
 *   kith-server audit --data DIR (--person PATIENT-ID [--for-person] | --user USER |
 *                                 --break-glass) [--fhir]
 *
 * Passwords are read from standard input (a prompt without echo on a
 * terminal, otherwise the first line), never from the command line, where
 * other users and the shell's history would see them.
 */

#define G_LOG_DOMAIN "kith-server"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "kith-core.h"
#include "kith-server-admin.h"
#include "kith-server-audit.h"
#include "kith-server-auth.h"

#define EXIT_OK      0
#define EXIT_FAILED  1
#define EXIT_USAGE   2

#define DB_NAME "kith-server.db"

static int
usage_error (const char *command,
             const char *message)
{
  g_printerr ("kith-server: %s\n", message);
  g_printerr ("Try 'kith-server %s --help' for usage.\n", command);
  return EXIT_USAGE;
}

static int
failed (const char *message)
{
  g_printerr ("kith-server: %s\n", message);
  return EXIT_FAILED;
}

/* Opens the server's store in @data_dir, with the server's tables ready.
 * Only "user add" (@create) makes a new data directory. */
static KithStore *
open_store (const char  *data_dir,
            gboolean     create,
            GError     **error)
{
  g_autofree char *db_path = g_build_filename (data_dir, DB_NAME, NULL);
  g_autoptr(KithStore) store = NULL;

  if (!create && !g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "There is no kith-server data in '%s'", data_dir);
      return NULL;
    }
  if (create && g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create the data directory '%s': %s", data_dir,
                   g_strerror (saved_errno));
      return NULL;
    }
  if (!kith_server_auth_init ())
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libsodium cannot be initialised");
      return NULL;
    }
  if (!(store = kith_store_open (db_path, error)) || !kith_server_schema_prepare (store, error))
    return NULL;
  return g_steal_pointer (&store);
}

/* One line from @stream into @buffer, without its line end. FALSE at the
 * end of input or when the line does not fit. */
static gboolean
read_line (FILE  *stream,
           char  *buffer,
           gsize  size)
{
  gsize length;

  if (fgets (buffer, (int) size, stream) == NULL)
    return FALSE;
  length = strlen (buffer);
  if (length > 0 && buffer[length - 1] == '\n')
    buffer[--length] = '\0';
  else if (!feof (stream))
    return FALSE;   /* longer than any allowed password */
  if (length > 0 && buffer[length - 1] == '\r')
    buffer[--length] = '\0';
  return TRUE;
}

/* The new password for @username, from a prompt (twice, without echo) or
 * from the first line of standard input. Wipe and free it after use. */
static char *
read_new_password (const char  *username,
                   GError     **error)
{
  char first[KITH_SERVER_PASSWORD_MAX_BYTES + 2];
  char again[KITH_SERVER_PASSWORD_MAX_BYTES + 2];
  const char *weak;
  char *password = NULL;

  if (isatty (STDIN_FILENO))
    {
      struct termios saved, quiet;
      gboolean have_first, have_again = FALSE;

      if (tcgetattr (STDIN_FILENO, &saved) != 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "Cannot turn off echo on this terminal");
          return NULL;
        }
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
      fprintf (stderr, "New password for %s: ", username);
      have_first = read_line (stdin, first, sizeof first);
      fprintf (stderr, "\n");
      if (have_first)
        {
          fprintf (stderr, "The same again: ");
          have_again = read_line (stdin, again, sizeof again);
          fprintf (stderr, "\n");
        }
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);

      if (!have_first || !have_again || strcmp (first, again) != 0)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             "The two passwords were not the same");
    }
  else if (!read_line (stdin, first, sizeof first))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "Give the password as the first line of standard input "
                         "(at most 1024 bytes)");

  if (error == NULL || *error == NULL)
    {
      if ((weak = kith_server_describe_weak_password (first)) != NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, weak);
      else
        password = g_strdup (first);
    }

  sodium_memzero (first, sizeof first);
  sodium_memzero (again, sizeof again);
  return password;
}

static char *
hash_new_password (const char  *username,
                   GError     **error)
{
  char *password = read_new_password (username, error);
  char *hash;

  if (password == NULL)
    return NULL;
  hash = kith_server_password_hash (password, error);
  sodium_memzero (password, strlen (password));
  g_free (password);
  return hash;
}

/* --- user ------------------------------------------------------------------ */

typedef struct
{
  char     *data_dir;
  char     *role;
  char     *name;
  char     *team;
  gboolean  lead;
} UserOptions;

static void
user_options_clear (UserOptions *options)
{
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->role, g_free);
  g_clear_pointer (&options->name, g_free);
  g_clear_pointer (&options->team, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UserOptions, user_options_clear)

static int
user_add (UserOptions *options,
          const char  *username)
{
  g_autoptr(KithStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  if (!kith_server_is_valid_username (username))
    return usage_error ("user", "A user name is 1 to 64 letters, digits and . _ - @");
  if (!kith_server_is_role (options->role))
    {
      g_autofree char *roles = g_strjoinv (", ", (char **) kith_server_roles ());
      g_autofree char *message = g_strdup_printf ("--role must be one of %s", roles);

      return usage_error ("user", message);
    }
  if (options->name == NULL || options->team == NULL)
    return usage_error ("user", "--name and --team are required");

  if (!(store = open_store (options->data_dir, TRUE, &error)))
    return failed (error->message);
  /* Taken names are refused before the password is asked for. */
  {
    g_autoptr(KithServerUser) existing = kith_server_user_lookup (store, username, NULL, &error);

    if (error != NULL)
      return failed (error->message);
    if (existing != NULL)
      {
        g_autofree char *message = g_strdup_printf ("There is already a user called '%s'",
                                                    username);
        return failed (message);
      }
  }
  if (!(hash = hash_new_password (username, &error)) ||
      !kith_server_user_add (store, username, options->name, options->role, options->team,
                             options->lead, hash, &error))
    return failed (error->message);

  g_print ("Added %s (%s, %s%s)\n", username, options->role, options->team,
           options->lead ? ", team lead" : "");
  return EXIT_OK;
}

static int
user_list (UserOptions *options)
{
  g_autoptr(KithStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;

  if (!(store = open_store (options->data_dir, FALSE, &error)) ||
      !(users = kith_server_user_list (store, &error)))
    return failed (error->message);

  if (users->len == 0)
    {
      g_printerr ("No users yet: add one with kith-server user add\n");
      return EXIT_OK;
    }
  g_print ("%-24s %-14s %-9s %-24s %-5s %s\n", "USER", "ROLE", "STATUS", "TEAM", "LEAD", "NAME");
  for (guint i = 0; i < users->len; i++)
    {
      KithServerUser *user = g_ptr_array_index (users, i);

      g_print ("%-24s %-14s %-9s %-24s %-5s %s\n", user->username, user->role,
               user->disabled ? "disabled" : "active", user->team, user->lead ? "yes" : "-",
               user->display_name);
    }
  return EXIT_OK;
}

static int
user_change (UserOptions *options,
             const char  *action,
             const char  *username)
{
  g_autoptr(KithStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (!(store = open_store (options->data_dir, FALSE, &error)))
    return failed (error->message);

  if (g_str_equal (action, "passwd"))
    {
      g_autofree char *hash = NULL;
      g_autoptr(KithServerUser) user = kith_server_user_lookup (store, username, NULL, &error);

      if (user == NULL)
        {
          g_autofree char *message = error != NULL ? g_strdup (error->message)
                                     : g_strdup_printf ("There is no user called '%s'", username);
          return failed (message);
        }
      if (!(hash = hash_new_password (username, &error)) ||
          !kith_server_user_set_password (store, username, hash, &error))
        return failed (error->message);
      g_print ("Changed the password of %s; their sign-ins so far are ended\n", username);
      return EXIT_OK;
    }

  if (!kith_server_user_set_disabled (store, username, g_str_equal (action, "disable"), &error))
    return failed (error->message);
  if (g_str_equal (action, "disable"))
    g_print ("Disabled %s; their sign-ins so far are ended\n", username);
  else
    g_print ("Enabled %s\n", username);
  return EXIT_OK;
}

static int
run_user (int    argc,
          char **argv)
{
  g_auto(UserOptions) options = { NULL, NULL, NULL, NULL, FALSE };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *roles = g_strjoinv (", ", (char **) kith_server_roles ());
  g_autofree char *role_help = g_strdup_printf ("The user's role: %s", roles);
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &options.data_dir,
      "The server's data directory", "DIR" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &options.role, role_help, "ROLE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &options.name,
      "The user's name as people know them (add)", "NAME" },
    { "team", 0, 0, G_OPTION_ARG_STRING, &options.team, "The user's team (add)", "TEAM" },
    { "lead", 0, 0, G_OPTION_ARG_NONE, &options.lead,
      "A team lead, who reviews the team's break-glass events (add)", NULL },
    { NULL }
  };
  const char *action;

  context = g_option_context_new ("add|list|disable|enable|passwd [USER] - manage users");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Passwords are read from standard input: a prompt on a terminal, otherwise the first line.\n"
    "Disabling a user or changing their password ends their sign-ins at once.\n"
    "Example: kith-server user add --data /var/lib/kith --role nurse --name 'Alex Smith' \\\n"
    "           --team 'North team' alex.smith\n");

  /* argv[0] "kith-server", argv[1] "user" */
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("user", error->message);
  if (argc < 3)
    return usage_error ("user", "Say what to do: add, list, disable, enable or passwd");
  if (options.data_dir == NULL || options.data_dir[0] == '\0')
    return usage_error ("user", "--data DIR is required");

  action = argv[2];
  if (g_str_equal (action, "list"))
    {
      if (argc != 3)
        return usage_error ("user", "user list takes no user name");
      return user_list (&options);
    }
  if (!g_str_equal (action, "add") && !g_str_equal (action, "disable") &&
      !g_str_equal (action, "enable") && !g_str_equal (action, "passwd"))
    return usage_error ("user", "The user commands are add, list, disable, enable and passwd");
  if (argc != 4)
    return usage_error ("user", "Give one user name");
  if (!g_str_equal (action, "add") && (options.role || options.name || options.team || options.lead))
    return usage_error ("user", "--role, --name, --team and --lead are only for user add");

  if (g_str_equal (action, "add"))
    return user_add (&options, argv[3]);
  return user_change (&options, action, argv[3]);
}

/* --- audit ----------------------------------------------------------------- */

/* "2 March 2026, 09:14", in local time. */
static char *
format_when (const char *instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (instant, NULL);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return g_strdup (instant);
  return g_date_time_format (local, "%-d %B %Y, %H:%M");
}

/* The answer to the person's own question, "who has looked at my
 * record?": each event in plain words, oldest first. */
static void
print_for_person (KithStore  *store,
                  const char *person,
                  GPtrArray  *events)
{
  g_autoptr(KithPatient) patient = kith_store_load_patient (store, person, NULL);
  g_autofree char *name = patient != NULL ? kith_patient_dup_list_name (patient) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%-d %B %Y, %H:%M");
  guint shown = 0;

  g_print ("Who has looked at the record of %s\n", name != NULL ? name : person);
  g_print ("Printed %s. Every time someone opens, searches, changes, exports or prints the\n"
           "record, the practice server writes it down, and nobody can change what it wrote.\n\n",
           today);
  for (guint i = 0; i < events->len; i++)
    {
      KithAuditEvent *event = g_ptr_array_index (events, i);
      g_autofree char *when = NULL;
      g_autofree char *words = NULL;

      if (g_strcmp0 (event->type, "login") == 0)
        continue;
      when = format_when (event->recorded);
      words = kith_consent_describe_access (event->display_name != NULL ? event->display_name
                                                                        : event->user_name,
                                            event->role, event->subtype,
                                            event->status >= 400 && event->status < 500,
                                            event->reason);
      g_print ("%-24s %s\n", when, words);
      shown++;
    }
  if (shown == 0)
    g_print ("Nobody has looked at the record yet.\n");
}

static int
run_audit (int    argc,
           char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *person = NULL;
  g_autofree char *username = NULL;
  gboolean fhir = FALSE;
  gboolean for_person = FALSE;
  gboolean break_glass = FALSE;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, "The server's data directory", "DIR" },
    { "person", 0, 0, G_OPTION_ARG_STRING, &person,
      "Everything done with this person's record (their Patient id)", "ID" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &username, "Everything this user did", "USER" },
    { "break-glass", 0, 0, G_OPTION_ARG_NONE, &break_glass,
      "Every break-glass event, newest first, with its reason, for review", NULL },
    { "for-person", 0, 0, G_OPTION_ARG_NONE, &for_person,
      "With --person: who has looked at the record, in plain words, to give to the person", NULL },
    { "fhir", 0, 0, G_OPTION_ARG_NONE, &fhir, "Print a FHIR Bundle of AuditEvents", NULL },
    { NULL }
  };

  context = g_option_context_new ("- print an audit trail");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Each line: when, what kind (read, search-type, update, login, …), the action (C R U D E),\n"
    "the HTTP status and outcome, who (user and role), from where, and the request.\n");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("audit", error->message);
  if (argc != 2)
    return usage_error ("audit", "Unexpected argument; every option needs its --name");
  if (data_dir == NULL || data_dir[0] == '\0')
    return usage_error ("audit", "--data DIR is required");
  if ((person != NULL) + (username != NULL) + (break_glass ? 1 : 0) != 1)
    return usage_error ("audit", "Give one of --person ID, --user USER or --break-glass");
  if (person != NULL && !kith_fhir_is_valid_id (person))
    return usage_error ("audit", "--person takes a Patient id");
  if (for_person && (person == NULL || fhir))
    return usage_error ("audit", "--for-person goes with --person ID, and not with --fhir");

  if (!(store = open_store (data_dir, FALSE, &error)))
    return failed (error->message);
  if (break_glass)
    events = kith_server_audit_list_break_glass (store, NULL, &error);
  else
    events = kith_server_audit_list (store, person, username, &error);
  if (events == NULL)
    return failed (error->message);

  if (for_person)
    {
      print_for_person (store, person, events);
      return EXIT_OK;
    }

  if (fhir)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "resourceType");
      json_builder_add_string_value (builder, "Bundle");
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "collection");
      json_builder_set_member_name (builder, "entry");
      json_builder_begin_array (builder);
      for (guint i = 0; i < events->len; i++)
        {
          g_autoptr(JsonObject) event = kith_audit_event_to_fhir (g_ptr_array_index (events, i),
                                                                  person);
          JsonNode *node = json_node_alloc ();

          json_node_init_object (node, event);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "resource");
          json_builder_add_value (builder, node);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return EXIT_OK;
    }

  if (events->len == 0)
    g_printerr ("No audit events %s\n", person != NULL ? "for that person"
                                        : username != NULL ? "for that user" : "of break-glass");
  for (guint i = 0; i < events->len; i++)
    {
      g_autofree char *line = kith_audit_event_to_text (g_ptr_array_index (events, i));

      g_print ("%s\n", line);
    }
  return EXIT_OK;
}

gboolean
kith_server_admin_is_command (int    argc,
                              char **argv)
{
  return argc > 1 && (g_str_equal (argv[1], "user") || g_str_equal (argv[1], "audit"));
}

int
kith_server_admin_main (int    argc,
                        char **argv)
{
  g_return_val_if_fail (kith_server_admin_is_command (argc, argv), EXIT_USAGE);

  if (g_str_equal (argv[1], "user"))
    return run_user (argc, argv);
  return run_audit (argc, argv);
}
