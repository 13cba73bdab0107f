/* test-preferences.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences, and the practice's CA file in use: a KithWindow syncing
 * with a real kith-server over TLS on 127.0.0.1, with a certificate from
 * a throw-away test CA (tests/server/make-test-certs). The right CA syncs;
 * another CA, or the system's, is refused with a clear message; a file
 * that holds no CA stops sync rather than loosening the check.
 */

#define G_LOG_DOMAIN "test-preferences"

#include "config.h"

#include "gui-test-util.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <adwaita.h>

#include "kith-application.h"
#include "kith-preferences-window.h"
#include "kith-window-private.h"

#define DEMO_PEOPLE     10
#define TLS_USER        "tls.nurse"
#define TLS_PASSWORD    "tls test password"
#define WAIT_TIMEOUT_MS 30000
#define NOT_TRUSTED     "certificate is not trusted"

typedef struct
{
  char        *dir;
  char        *certs;
  char        *ca;
  char        *other_ca;
  GSubprocess *server;
  char        *url;
  char        *token;
  char        *store_path;
  KithStore   *store;
  GSettings   *settings;
  KithWindow  *window;
} Fixture;

static gboolean have_display;

static void
kill_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
make_certs (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { g_getenv ("KITH_MAKE_TEST_CERTS"), NULL, NULL };

  f->certs = g_build_filename (f->dir, "certs", NULL);
  argv[1] = f->certs;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  f->ca = g_build_filename (f->certs, "ca.pem", NULL);
  f->other_ca = g_build_filename (f->certs, "other-ca.pem", NULL);
}

static void
start_tls_server (Fixture *f)
{
  g_autofree char *data = g_build_filename (f->dir, "server", NULL);
  g_autofree char *cert = g_build_filename (f->certs, "server.pem", NULL);
  g_autofree char *key = g_build_filename (f->certs, "server.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *marker;

  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                         G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_autoptr(GSubprocess) adding = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KITH_SERVER"),
                                                                 "user", "add", "--data", data,
                                                                 "--role", "nurse", "--name", "TLS Nurse",
                                                                 "--team", "TLS team", TLS_USER, NULL);

    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (adding, TLS_PASSWORD "\n", NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (adding), ==, 0);
  }
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
    g_autoptr(GDataInputStream) out = NULL;

    g_subprocess_launcher_set_child_setup (launcher, kill_with_parent, NULL, NULL);
    f->server = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KITH_SERVER"),
                                             "--data", data, "--listen", "127.0.0.1:0",
                                             "--tls-cert", cert, "--tls-key", key,
                                             "--demo-people", G_STRINGIFY (DEMO_PEOPLE),
                                             "--demo-seed", "1", NULL);
    g_assert_no_error (error);
    out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
    line = g_data_input_stream_read_line (out, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (line);
  }
  marker = strstr (line, "https://");
  g_assert_nonnull (marker);
  f->url = g_strchomp (g_strdup (marker));

  {
    g_autoptr(KithSyncClient) signer = kith_sync_client_new (NULL, f->url);

    g_assert_true (kith_sync_client_set_ca_file (signer, f->ca, &error));
    g_assert_true (kith_sync_client_sign_in (signer, TLS_USER, TLS_PASSWORD, NULL, &error));
    g_assert_no_error (error);
    f->token = kith_sync_client_dup_token (signer);
  }
}

static gboolean
can_run (gboolean need_server)
{
  if (!have_display)
    {
      g_test_skip ("No display: run under xvfb-run");
      return FALSE;
    }
  if (g_getenv ("KITH_MAKE_TEST_CERTS") == NULL || g_find_program_in_path ("openssl") == NULL)
    {
      g_test_skip ("No test certificates: needs openssl and KITH_MAKE_TEST_CERTS");
      return FALSE;
    }
  if (need_server && g_getenv ("KITH_SERVER") == NULL)
    {
      g_test_skip ("KITH_SERVER is not set");
      return FALSE;
    }
  return TRUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (!have_display || g_getenv ("KITH_MAKE_TEST_CERTS") == NULL || openssl == NULL)
    return;

  f->dir = g_dir_make_tmp ("kith-gui-prefs-XXXXXX", &error);
  g_assert_no_error (error);
  make_certs (f);

  f->settings = kith_settings_new ();
  g_assert_nonnull (f->settings);
  g_settings_set_string (f->settings, "ca-file", "");
  g_settings_set_string (f->settings, "last-server", "");
  g_settings_set_string (f->settings, "last-user", "");
  g_settings_set_boolean (f->settings, "work-offline", FALSE);
  g_settings_set_uint (f->settings, "idle-lock-minutes", 5);
  g_settings_set_string (f->settings, "my-name", "");
  g_settings_set_string (f->settings, "my-team", "");

  if (data == NULL || g_getenv ("KITH_SERVER") == NULL)
    return;

  start_tls_server (f);
  f->store_path = g_build_filename (f->dir, "kith.db", NULL);
  f->store = kith_store_open (f->store_path, &error);
  g_assert_no_error (error);
  g_assert_true (kith_store_set_sync_enabled (f->store, TRUE, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    {
      KithSyncScheduler *sync = kith_window_get_sync_scheduler (f->window);

      if (sync != NULL)
        wait_until (!kith_sync_client_get_syncing (kith_sync_scheduler_get_client (sync)));
      gtk_window_destroy (GTK_WINDOW (f->window));
      kith_test_flush_main_context ();
    }
  if (f->server != NULL)
    {
      g_subprocess_send_signal (f->server, SIGTERM);
      g_subprocess_wait (f->server, NULL, NULL);
    }
  g_clear_object (&f->server);
  g_clear_object (&f->store);
  if (f->settings != NULL)
    {
      g_settings_set_string (f->settings, "ca-file", "");
      g_settings_set_string (f->settings, "last-server", "");
    }
  g_clear_object (&f->settings);
  if (f->dir != NULL)
    {
      g_autofree char *command = g_strdup_printf ("rm -rf '%s'", f->dir);

      g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
    }
  g_free (f->dir);
  g_free (f->certs);
  g_free (f->ca);
  g_free (f->other_ca);
  g_free (f->url);
  g_free (f->token);
  g_free (f->store_path);
}

static KithSyncClient *
client (Fixture *f)
{
  KithSyncScheduler *sync = kith_window_get_sync_scheduler (f->window);

  g_assert_nonnull (sync);
  return kith_sync_scheduler_get_client (sync);
}

static gboolean
has_synced (Fixture *f)
{
  KithSyncScheduler *sync = kith_window_get_sync_scheduler (f->window);

  return sync != NULL && !kith_sync_client_get_syncing (client (f)) &&
         kith_sync_client_get_last_success (client (f)) != NULL &&
         kith_sync_client_get_last_error (client (f)) == NULL;
}

static gboolean
was_refused (Fixture *f)
{
  KithSyncScheduler *sync = kith_window_get_sync_scheduler (f->window);
  const char *error;

  if (sync == NULL || kith_sync_client_get_syncing (client (f)))
    return FALSE;
  error = kith_sync_client_get_last_error (client (f));
  return error != NULL && strstr (error, NOT_TRUSTED) != NULL;
}

/* Your name, team and the lock's minutes are settings; a CA file is kept
 * only when it holds a CA certificate, and shown by its path. */
static void
test_preferences_rows (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *kept = NULL;
  KithPreferencesWindow *window;

  if (!can_run (FALSE))
    return;

  window = kith_preferences_window_new (NULL, f->settings);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (window)));

  /* The lock's minutes, both ways */
  g_assert_cmpfloat (gtk_spin_button_get_value (kith_preferences_window_get_lock_spin (window)), ==, 5);
  gtk_spin_button_set_value (kith_preferences_window_get_lock_spin (window), 0);
  g_assert_cmpuint (g_settings_get_uint (f->settings, "idle-lock-minutes"), ==, 0);
  g_settings_set_uint (f->settings, "idle-lock-minutes", 12);
  g_assert_cmpfloat (gtk_spin_button_get_value (kith_preferences_window_get_lock_spin (window)), ==, 12);

  /* Name on apply (Enter), team on closing */
  gtk_editable_set_text (GTK_EDITABLE (kith_preferences_window_get_name_row (window)), " Ada Okafor (Care co-ordinator) ");
  g_signal_emit_by_name (kith_preferences_window_get_name_row (window), "apply");
  kept = g_settings_get_string (f->settings, "my-name");
  g_assert_cmpstr (kept, ==, "Ada Okafor (Care co-ordinator)");
  g_clear_pointer (&kept, g_free);
  gtk_editable_set_text (GTK_EDITABLE (kith_preferences_window_get_team_row (window)), "North locality team");

  /* No CA file: the system's, said so */
  g_assert_cmpstr (adw_action_row_get_subtitle (kith_preferences_window_get_ca_row (window)), ==,
                   "None: the system’s trusted certificates");
  /* A file with no certificate is refused, and nothing changes */
  empty = g_build_filename (f->dir, "empty.pem", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_false (kith_preferences_window_set_ca_file (window, empty, &error));
  g_assert_error (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, empty));
  g_clear_error (&error);
  kept = g_settings_get_string (f->settings, "ca-file");
  g_assert_cmpstr (kept, ==, "");
  g_clear_pointer (&kept, g_free);

  g_assert_true (kith_preferences_window_set_ca_file (window, f->ca, &error));
  g_assert_no_error (error);
  kept = g_settings_get_string (f->settings, "ca-file");
  g_assert_cmpstr (kept, ==, f->ca);
  g_clear_pointer (&kept, g_free);
  g_assert_cmpstr (adw_action_row_get_subtitle (kith_preferences_window_get_ca_row (window)), ==, f->ca);
  if (g_getenv ("KITH_LOCK_SCREENSHOTS") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("KITH_LOCK_SCREENSHOTS"), "preferences.png", NULL);
      g_autofree char *command = g_strdup_printf ("import -window root '%s'", path);

      /* The whole (virtual) screen: needs ImageMagick's import */
      kith_test_flush_main_context ();
      if (!g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL))
        g_test_message ("No screenshot: import (ImageMagick) is not installed");
    }

  g_assert_true (kith_preferences_window_set_ca_file (window, NULL, &error));
  kept = g_settings_get_string (f->settings, "ca-file");
  g_assert_cmpstr (kept, ==, "");
  g_clear_pointer (&kept, g_free);

  gtk_window_close (GTK_WINDOW (window));
  kith_test_flush_main_context ();
  kept = g_settings_get_string (f->settings, "my-team");
  g_assert_cmpstr (kept, ==, "North locality team");
}

/* The window's sync uses the CA file in Preferences, and follows it when
 * it changes: the test CA syncs; another CA, and the system's CAs, are
 * refused with "not trusted"; a file with no CA stops sync. */
static void
test_preferences_ca_file_sync (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *empty = NULL;

  if (!can_run (TRUE))
    return;

  g_settings_set_string (f->settings, "ca-file", f->ca);
  g_settings_set_string (f->settings, "last-server", f->url);
  f->window = kith_window_new (NULL, f->settings);
  kith_window_set_store (f->window, f->store, NULL);
  kith_sync_scheduler_set_token (kith_window_get_sync_scheduler (f->window), f->token);
  gtk_window_present (GTK_WINDOW (f->window));

  wait_until (has_synced (f));
  g_assert_cmpint (kith_store_count_resources (f->store, "Patient"), ==, DEMO_PEOPLE);

  /* Another CA: refused, saying why */
  g_settings_set_string (f->settings, "ca-file", f->other_ca);
  wait_until (was_refused (f));

  /* The system's CAs know nothing of the practice's: refused too */
  g_settings_set_string (f->settings, "ca-file", "");
  g_assert_nonnull (kith_window_get_sync_scheduler (f->window));
  kith_sync_scheduler_sync_now (kith_window_get_sync_scheduler (f->window));
  wait_until (was_refused (f));

  /* Back to the practice's CA: syncing again */
  g_settings_set_string (f->settings, "ca-file", f->ca);
  wait_until (has_synced (f));

  /* A file that holds no CA stops sync, rather than trusting anything else */
  empty = g_build_filename (f->dir, "empty.pem", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  wait_until (!kith_sync_client_get_syncing (client (f)));
  g_settings_set_string (f->settings, "ca-file", empty);
  g_assert_null (kith_window_get_sync_scheduler (f->window));
}

static void
on_destroyed_cb (gboolean *destroyed)
{
  *destroyed = TRUE;
}

/* Signing in trusts the practice's CA from Preferences, and nothing else */
static void
test_preferences_ca_file_sign_in (Fixture       *f,
                                  gconstpointer  data)
{
  KithSignInDialog *dialog;
  gboolean destroyed = FALSE;

  if (!can_run (TRUE))
    return;

  g_settings_set_string (f->settings, "ca-file", f->other_ca);
  dialog = kith_sign_in_dialog_new (NULL, f->url, TLS_USER, NULL);
  g_signal_connect_swapped (dialog, "destroy", G_CALLBACK (on_destroyed_cb), &destroyed);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_editable_set_text (GTK_EDITABLE (kith_sign_in_dialog_get_password_row (dialog)), TLS_PASSWORD);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "sign-in");
  wait_until (!kith_sign_in_dialog_get_signing_in (dialog));
  g_assert_nonnull (kith_sign_in_dialog_get_failure (dialog));
  g_assert_nonnull (strstr (kith_sign_in_dialog_get_failure (dialog), NOT_TRUSTED));
  g_assert_null (kith_sign_in_dialog_dup_token (dialog));

  g_settings_set_string (f->settings, "ca-file", f->ca);
  gtk_editable_set_text (GTK_EDITABLE (kith_sign_in_dialog_get_password_row (dialog)), TLS_PASSWORD);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "sign-in");
  wait_until (destroyed);
}

int
main (int   argc,
      char *argv[])
{
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if ((have_display = gtk_init_check ()))
    adw_init ();

  g_test_add ("/kith/preferences/rows", Fixture, NULL, fixture_set_up, test_preferences_rows,
              fixture_tear_down);
  g_test_add ("/kith/preferences/ca-file-sync", Fixture, "server", fixture_set_up,
              test_preferences_ca_file_sync, fixture_tear_down);
  g_test_add ("/kith/preferences/ca-file-sign-in", Fixture, "server", fixture_set_up,
              test_preferences_ca_file_sign_in, fixture_tear_down);

  return g_test_run ();
}
