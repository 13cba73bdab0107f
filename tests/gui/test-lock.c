/* test-lock.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The idle lock and signing out, in the real application: a KithApplication
 * over a professional's store, syncing with a real kith-server on
 * 127.0.0.1 (KITH_SERVER), with the keyring of a private D-Bus session.
 *
 * These tests read and write the keyring, so they run only where
 * KITH_TEST_PRIVATE_KEYRING=1 says the session is a throw-away one
 * (tests/run-all), never against a person's own keyring.
 *
 * With KITH_LOCK_SCREENSHOTS=DIR, /kith/lock/half-typed-note writes
 * DIR/lock-screen.png.
 */

#define G_LOG_DOMAIN "test-lock"

#include "config.h"

#include "gui-test-util.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-application.h"
#include "kith-contact-dialog.h"
#include "kith-lock-screen.h"
#include "kith-secret.h"
#include "kith-sign-out-dialog.h"
#include "kith-window-private.h"

#define DEMO_PEOPLE     20
/* The professional signed in: a test fixture, not a secret */
#define LOCK_USER       "lock.nurse"
#define LOCK_PASSWORD   "lock test password"
#define LOCK_NAME       "Lock Test Nurse"
#define WAIT_TIMEOUT_MS 30000
#define HALF_TYPED_NOTE "Talked about the stairs; she would like to"

typedef struct
{
  char            *dir;
  GSubprocess     *server;
  char            *url;
  char            *store_path;
  char            *token;
  GSettings       *settings;
  KithApplication *app;
  KithWindow      *window;
} Fixture;

static gboolean have_display;

/* --- helpers --------------------------------------------------------------- */

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, kith_test_wait_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
kill_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_server (Fixture *f)
{
  g_autofree char *data = g_build_filename (f->dir, "server", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *marker;

  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                         G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_autoptr(GSubprocess) adding = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KITH_SERVER"),
                                                                 "user", "add", "--data", data,
                                                                 "--role", "nurse", "--name", LOCK_NAME,
                                                                 "--team", "Lock team", LOCK_USER, NULL);

    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (adding, LOCK_PASSWORD "\n", NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (adding), ==, 0);
  }
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
    g_autoptr(GDataInputStream) out = NULL;

    g_subprocess_launcher_set_child_setup (launcher, kill_with_parent, NULL, NULL);
    f->server = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KITH_SERVER"),
                                             "--data", data, "--listen", "127.0.0.1:0",
                                             "--demo-people", G_STRINGIFY (DEMO_PEOPLE),
                                             "--demo-seed", "1", NULL);
    g_assert_no_error (error);
    out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
    line = g_data_input_stream_read_line (out, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (line);
  }
  marker = strstr (line, "http://");
  g_assert_nonnull (marker);
  f->url = g_strchomp (g_strdup (marker));

  {
    g_autoptr(KithSyncClient) signer = kith_sync_client_new (NULL, f->url);

    g_assert_true (kith_sync_client_sign_in (signer, LOCK_USER, LOCK_PASSWORD, NULL, &error));
    g_assert_no_error (error);
    f->token = kith_sync_client_dup_token (signer);
  }
}

static char *
lookup_secret (Fixture            *f,
               const SecretSchema *schema)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (schema, NULL, &error,
                                              "server", f->url, "user", LOCK_USER, NULL);

  g_assert_no_error (error);
  return secret;
}

static gboolean
has_secret (Fixture            *f,
            const SecretSchema *schema)
{
  g_autofree char *secret = lookup_secret (f, schema);

  return secret != NULL;
}

static void
store_secret (Fixture            *f,
              const SecretSchema *schema,
              const char         *secret)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (secret_password_store_sync (schema, SECRET_COLLECTION_DEFAULT, "Kith test", secret,
                                             NULL, &error, "server", f->url, "user", LOCK_USER, NULL));
  g_assert_no_error (error);
}

static KithSyncClient *
client (Fixture *f)
{
  KithSyncScheduler *sync = kith_window_get_sync_scheduler (f->window);

  g_assert_nonnull (sync);
  return kith_sync_scheduler_get_client (sync);
}

static KithLockScreen *
lock_screen (Fixture *f)
{
  return kith_window_get_lock_screen (f->window);
}

static gboolean
is_checking (Fixture *f)
{
  return kith_lock_screen_get_busy (lock_screen (f));
}

/* Types @password at the lock screen and presses Enter, as a person would,
 * and waits for the answer. */
static void
try_password (Fixture    *f,
              const char *password)
{
  GtkEditable *entry = kith_lock_screen_get_password_entry (lock_screen (f));

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (entry)));
  gtk_editable_set_text (entry, password);
  g_signal_emit_by_name (entry, "activate");
  wait_until (!is_checking (f));
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

static char *
first_person_name (KithWindow *window)
{
  GListModel *caseload = G_LIST_MODEL (kith_window_get_caseload (window));
  g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (caseload, 0);

  return g_strdup (kith_caseload_entry_get_list_name (entry));
}

static void
open_first_person (Fixture *f)
{
  GtkSelectionModel *selection = gtk_column_view_get_model (kith_window_get_column_view (f->window));
  KithRecordPage *record_page = kith_window_get_record_page (f->window);

  gtk_selection_model_select_item (selection, 0, TRUE);
  wait_until (kith_record_page_get_patient (record_page) != NULL);
}

/* The whole (virtual) screen, dialogs and all: needs ImageMagick's import */
static void
save_screen_png (const char *path)
{
  g_autofree char *command = g_strdup_printf ("import -window root '%s'", path);

  kith_test_flush_main_context ();
  if (!g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL))
    g_test_message ("No screenshot: import (ImageMagick) is not installed");
}

static void
save_widget_png (GtkWidget  *widget,
                 const char *path)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Wrote %s", path);
}

/* --- fixture ---------------------------------------------------------------- */

static gboolean
can_run (void)
{
  if (!have_display)
    {
      g_test_skip ("No display: run under xvfb-run");
      return FALSE;
    }
  if (g_getenv ("KITH_SERVER") == NULL)
    {
      g_test_skip ("KITH_SERVER is not set");
      return FALSE;
    }
  if (g_strcmp0 (g_getenv ("KITH_TEST_PRIVATE_KEYRING"), "1") != 0)
    {
      g_test_skip ("Needs a throw-away keyring: run under tests/run-all "
                   "(KITH_TEST_PRIVATE_KEYRING=1)");
      return FALSE;
    }
  return TRUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_build_filename (g_get_user_data_dir (), "kith", NULL);
  g_autofree char *verifier = NULL;

  if (!have_display || g_getenv ("KITH_SERVER") == NULL ||
      g_strcmp0 (g_getenv ("KITH_TEST_PRIVATE_KEYRING"), "1") != 0)
    return;

  f->dir = g_dir_make_tmp ("kith-gui-lock-XXXXXX", &error);
  g_assert_no_error (error);
  start_server (f);

  /* The professional's store where the application looks for it, level
   * with the server */
  g_assert_cmpint (g_mkdir_with_parents (profile, 0700), ==, 0);
  f->store_path = g_build_filename (profile, "kith.db", NULL);
  {
    g_autoptr(KithStore) store = kith_store_open (f->store_path, &error);
    g_autoptr(KithSyncClient) syncer = kith_sync_client_new (f->store_path, f->url);
    g_autoptr(KithSyncReport) report = NULL;

    g_assert_no_error (error);
    g_assert_true (kith_demo_caseload_fill (store, DEMO_PEOPLE, 1, &error));
    g_assert_true (kith_store_set_sync_enabled (store, TRUE, &error));
    g_assert_no_error (error);
    kith_sync_client_set_token (syncer, f->token);
    report = kith_sync_client_sync (syncer, NULL, &error);
    g_assert_no_error (error);
  }

  /* Signed in before, as the Sign In dialog leaves it */
  store_secret (f, kith_secret_get_token_schema (), f->token);
  verifier = kith_lock_hash_password (LOCK_PASSWORD, &error);
  g_assert_no_error (error);
  store_secret (f, kith_secret_get_verifier_schema (), verifier);

  f->settings = kith_settings_new ();
  g_assert_nonnull (f->settings);
  g_settings_set_string (f->settings, "last-server", f->url);
  g_settings_set_string (f->settings, "last-user", LOCK_USER);
  g_settings_set_string (f->settings, "my-name", LOCK_NAME);
  g_settings_set_boolean (f->settings, "work-offline", FALSE);
  g_settings_set_uint (f->settings, "idle-lock-minutes", 5);
  g_settings_set_string (f->settings, "ca-file", "");

  f->app = kith_application_new ();
  g_application_set_flags (G_APPLICATION (f->app), G_APPLICATION_NON_UNIQUE);
  /* One per test: an application never run is only unexported when it
   * is finalized, which its windows' last references may put off. */
  {
    static guint n_apps;
    g_autofree char *id = g_strdup_printf ("%s.Test%u", APPLICATION_ID, ++n_apps);

    g_application_set_application_id (G_APPLICATION (f->app), id);
  }
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (f->app));
  f->window = KITH_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  g_assert_nonnull (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1366, 768);
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  /* Synced once, so the server counts as reachable */
  wait_until (kith_sync_client_get_last_success (client (f)) != NULL && !kith_sync_client_get_syncing (client (f)));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->app != NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (f->app));

      for (GList *l = windows; l != NULL; l = l->next)
        {
          KithSyncScheduler *sync = KITH_IS_WINDOW (l->data) ? kith_window_get_sync_scheduler (l->data) : NULL;

          if (sync != NULL)
            wait_until (!kith_sync_client_get_syncing (kith_sync_scheduler_get_client (sync)));
        }
      g_action_group_activate_action (G_ACTION_GROUP (f->app), "quit", NULL);
      run_for (100);
      g_clear_object (&f->app);
    }
  if (f->server != NULL)
    {
      g_subprocess_send_signal (f->server, SIGTERM);
      g_subprocess_wait (f->server, NULL, NULL);
    }
  if (f->url != NULL)
    {
      secret_password_clear_sync (kith_secret_get_token_schema (), NULL, NULL,
                                  "server", f->url, "user", LOCK_USER, NULL);
      secret_password_clear_sync (kith_secret_get_verifier_schema (), NULL, NULL,
                                  "server", f->url, "user", LOCK_USER, NULL);
    }
  g_clear_object (&f->server);
  g_clear_object (&f->settings);
  if (f->store_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (f->store_path);
      g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);

      g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
    }
  if (f->dir != NULL)
    {
      g_autofree char *command = g_strdup_printf ("rm -rf '%s'", f->dir);

      g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
    }
  g_free (f->dir);
  g_free (f->url);
  g_free (f->store_path);
  g_free (f->token);
}

/* --- tests ------------------------------------------------------------------ */

/* Ctrl+Alt+L locks: the records are hidden (unmapped, so no name can be
 * read or reached by a screen reader), a dialog with a half-typed note
 * too; only "Locked" and who is signed in show. A wrong password is
 * refused in words; the right one, checked by the server, which gives a
 * fresh token, brings everything back as it was, the note included. */
static void
test_lock_half_typed_note (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(GStrv) accels = NULL;
  g_autofree char *name = NULL;
  g_autofree char *old_token = NULL;
  g_autofree char *new_token = NULL;
  g_autofree char *note = NULL;
  GtkWidget *records;
  GtkWindow *dialog;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  const char *shots = g_getenv ("KITH_LOCK_SCREENSHOTS");

  if (!can_run ())
    return;

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), "app.lock");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control><Alt>l"));
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), "app.preferences");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>comma"));

  open_first_person (f);
  name = first_person_name (f->window);
  records = kith_window_get_records (f->window);
  g_assert_nonnull (kith_test_find_mapped_label (records, name));
  gtk_editable_set_text (GTK_EDITABLE (kith_window_get_search_entry (f->window)), "half typ");

  /* A note half typed in Log Contact */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (kith_window_get_record_page (f->window)),
                                             "patient.log-contact", NULL));
  wait_until ((dialog = find_toplevel (KITH_TYPE_CONTACT_DIALOG)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  buffer = gtk_text_view_get_buffer (kith_contact_dialog_get_notes (KITH_CONTACT_DIALOG (dialog)));
  gtk_text_buffer_set_text (buffer, HALF_TYPED_NOTE, -1);

  old_token = kith_sync_client_dup_token (client (f));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "lock", NULL);
  wait_until (kith_window_get_locked (f->window));
  kith_test_flush_main_context ();

  g_assert_false (gtk_widget_get_visible (records));
  g_assert_false (gtk_widget_get_mapped (records));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (kith_test_find_mapped_label (GTK_WIDGET (f->window), name));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (f->window), "Locked"));
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (f->window), LOCK_NAME));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (kith_lock_screen_get_password_entry (lock_screen (f)))) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         GTK_WIDGET (kith_lock_screen_get_password_entry (lock_screen (f)))));
  if (shots != NULL)
    {
      g_autofree char *path = g_build_filename (shots, "lock-screen.png", NULL);

      save_widget_png (GTK_WIDGET (f->window), path);
    }

  /* Wrong: said, and still locked */
  try_password (f, "not my password");
  g_assert_true (kith_window_get_locked (f->window));
  g_assert_cmpstr (kith_lock_screen_get_problem (lock_screen (f)), ==, "That is not your password. Try again.");
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (f->window), "That is not your password. Try again."));
  g_assert_cmpstr (gtk_editable_get_text (kith_lock_screen_get_password_entry (lock_screen (f))), ==, "");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  /* Right: checked by the server, and everything is back as it was */
  try_password (f, LOCK_PASSWORD);
  wait_until (!kith_window_get_locked (f->window));
  g_assert_true (gtk_widget_get_mapped (records));
  g_assert_nonnull (kith_test_find_mapped_label (records, name));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  note = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (note, ==, HALF_TYPED_NOTE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kith_window_get_search_entry (f->window))), ==, "half typ");

  /* With a fresh token from the server, kept in the keyring */
  new_token = kith_sync_client_dup_token (client (f));
  g_assert_cmpstr (new_token, !=, old_token);
  wait_until (({ g_autofree char *kept = lookup_secret (f, kith_secret_get_token_schema ());
                 g_strcmp0 (kept, new_token) == 0; }));

  gtk_window_destroy (dialog);
}

/* Off the network (Work Offline here), the password is checked against
 * the Argon2id hash in the keyring; without one, it says why it cannot
 * unlock rather than calling the password wrong. */
static void
test_lock_offline (Fixture       *f,
                   gconstpointer  data)
{
  if (!can_run ())
    return;

  g_settings_set_boolean (f->settings, "work-offline", TRUE);
  wait_until (kith_sync_client_get_work_offline (client (f)));
  kith_idle_lock_lock (kith_application_get_idle_lock (f->app));
  wait_until (kith_window_get_locked (f->window));

  try_password (f, "not my password");
  g_assert_true (kith_window_get_locked (f->window));
  g_assert_cmpstr (kith_lock_screen_get_problem (lock_screen (f)), ==, "That is not your password. Try again.");
  try_password (f, LOCK_PASSWORD);
  wait_until (!kith_window_get_locked (f->window));

  /* No hash in the keyring: nothing to check against offline */
  secret_password_clear_sync (kith_secret_get_verifier_schema (), NULL, NULL,
                              "server", f->url, "user", LOCK_USER, NULL);
  kith_idle_lock_lock (kith_application_get_idle_lock (f->app));
  wait_until (kith_window_get_locked (f->window));
  try_password (f, LOCK_PASSWORD);
  g_assert_true (kith_window_get_locked (f->window));
  g_assert_nonnull (strstr (kith_lock_screen_get_problem (lock_screen (f)),
                            "no way to check your password without it"));
}

/* After five wrong passwords there is a wait, and during it even the
 * right one is not checked. */
static void
test_lock_rate_limited (Fixture       *f,
                        gconstpointer  data)
{
  if (!can_run ())
    return;

  g_settings_set_boolean (f->settings, "work-offline", TRUE);
  wait_until (kith_sync_client_get_work_offline (client (f)));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "lock", NULL);
  wait_until (kith_window_get_locked (f->window));

  for (guint i = 0; i < 5; i++)
    try_password (f, "guessing");
  g_assert_cmpstr (kith_lock_screen_get_problem (lock_screen (f)), ==,
                   "Too many wrong passwords. Try again in 30 seconds.");
  try_password (f, LOCK_PASSWORD);
  g_assert_true (kith_window_get_locked (f->window));
  g_assert_nonnull (g_strrstr (kith_lock_screen_get_problem (lock_screen (f)), "Too many wrong passwords"));
}

/* Left alone, it locks by itself after the setting's minutes; 0 never. */
static void
test_lock_idle (Fixture       *f,
                gconstpointer  data)
{
  KithIdleLock *idle;

  if (!can_run ())
    return;

  idle = kith_application_get_idle_lock (f->app);
  g_assert_cmpuint (kith_idle_lock_get_timeout (idle), ==, 5 * 60);
  g_settings_set_uint (f->settings, "idle-lock-minutes", 0);
  g_assert_cmpuint (kith_idle_lock_get_timeout (idle), ==, 0);
  g_settings_set_uint (f->settings, "idle-lock-minutes", 1);
  g_assert_cmpuint (kith_idle_lock_get_timeout (idle), ==, 60);

  /* A second, for the test */
  kith_idle_lock_set_timeout (idle, 1);
  wait_until (kith_window_get_locked (f->window));
  g_assert_false (gtk_widget_get_visible (kith_window_get_records (f->window)));
}

/* Sign Out and Remove Records: warned of the change that would be lost,
 * the token and password hash leave the keyring, the store's files are
 * removed, and a new, empty store waits for a sign-in, which brings the
 * records back from the server. */
static void
test_lock_sign_out_remove (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KithSignOutDialog *dialog;
  KithSignInDialog *sign_in;
  KithWindow *after;

  if (!can_run ())
    return;

  /* An edit that has not reached the server */
  g_settings_set_boolean (f->settings, "work-offline", TRUE);
  wait_until (kith_sync_client_get_work_offline (client (f)));
  {
    KithStore *store = kith_application_get_store (f->app);
    g_autoptr(KithCaseloadEntry) entry = g_list_model_get_item (G_LIST_MODEL (kith_window_get_caseload (f->window)), 0);
    g_autoptr(KithPatient) patient = kith_store_load_patient (store, kith_caseload_entry_get_id (entry), &error);

    g_assert_no_error (error);
    kith_patient_set_phone (patient, "01632 960000");
    g_assert_true (kith_store_save_patient (store, patient, &error));
    g_assert_no_error (error);
    g_assert_cmpint (kith_store_count_unsynced (store), ==, 1);
  }

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sign-out", NULL);
  wait_until ((dialog = (KithSignOutDialog *) find_toplevel (KITH_TYPE_SIGN_OUT_DIALOG)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_cmpstr (kith_sign_out_dialog_get_warning (dialog), ==,
                   "1 change has not reached the practice server and will be lost if you remove the records");
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (dialog), kith_sign_out_dialog_get_warning (dialog)));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  if (g_getenv ("KITH_LOCK_SCREENSHOTS") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("KITH_LOCK_SCREENSHOTS"), "sign-out.png", NULL);

      save_screen_png (path);
    }

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");

  /* A new window, over a new store, asking for a sign-in */
  wait_until ((after = KITH_WINDOW (find_toplevel (KITH_TYPE_WINDOW))) != NULL && after != f->window &&
              gtk_widget_get_mapped (GTK_WIDGET (after)));
  f->window = after;
  g_assert_true (kith_window_get_locked (after));
  g_assert_cmpint (kith_lock_screen_get_mode (kith_window_get_lock_screen (after)), ==, KITH_LOCK_SCREEN_SIGNED_OUT);
  g_assert_nonnull (kith_test_find_mapped_label (GTK_WIDGET (after), "Signed Out"));
  g_assert_cmpint (kith_store_count_resources (kith_application_get_store (f->app), "Patient"), ==, 0);
  g_assert_cmpint (kith_store_count_unsynced (kith_application_get_store (f->app)), ==, 0);
  /* Forgotten by the keyring (which answers in its own time) */
  wait_until (!has_secret (f, kith_secret_get_token_schema ()));
  wait_until (!has_secret (f, kith_secret_get_verifier_schema ()));
  {
    g_autofree char *user = g_settings_get_string (f->settings, "last-user");

    g_assert_cmpstr (user, ==, "");
  }

  /* Signing in brings the records back */
  wait_until ((sign_in = kith_window_get_sign_in_dialog (after)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (sign_in)));
  g_settings_set_boolean (f->settings, "work-offline", FALSE);
  gtk_editable_set_text (GTK_EDITABLE (kith_sign_in_dialog_get_user_row (sign_in)), LOCK_USER);
  gtk_editable_set_text (GTK_EDITABLE (kith_sign_in_dialog_get_password_row (sign_in)), LOCK_PASSWORD);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (sign_in), "sign-in");
  wait_until (!kith_window_get_locked (after));
  wait_until (kith_store_count_resources (kith_application_get_store (f->app), "Patient") == DEMO_PEOPLE);
  /* The new sign-in's hash is kept for offline unlocking */
  wait_until (({ g_autofree char *kept = lookup_secret (f, kith_secret_get_verifier_schema ());
                 kept != NULL && g_str_has_prefix (kept, "$argon2id$"); }));
}

/* Sign Out alone: the records stay on the computer, hidden until someone
 * signs in; the keyring forgets the sign-in. */
static void
test_lock_sign_out (Fixture       *f,
                    gconstpointer  data)
{
  KithSignOutDialog *dialog;

  if (!can_run ())
    return;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sign-out", NULL);
  wait_until ((dialog = (KithSignOutDialog *) find_toplevel (KITH_TYPE_SIGN_OUT_DIALOG)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  /* Nothing waiting to be sent: no warning */
  g_assert_null (kith_sign_out_dialog_get_warning (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "sign-out");

  wait_until (kith_window_get_locked (f->window));
  g_assert_cmpint (kith_lock_screen_get_mode (lock_screen (f)), ==, KITH_LOCK_SCREEN_SIGNED_OUT);
  g_assert_null (kith_window_get_sync_scheduler (f->window));
  g_assert_true (g_file_test (f->store_path, G_FILE_TEST_EXISTS));
  wait_until (!has_secret (f, kith_secret_get_token_schema ()));
}

int
main (int   argc,
      char *argv[])
{
  /* Keep the system MIME database: without it the SVG icons don't load. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (kith_test_log_writer, NULL, NULL);

  if ((have_display = gtk_init_check ()))
    adw_init ();

#define ADD_LOCK_TEST(path, func) \
  g_test_add ("/kith/lock/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD_LOCK_TEST ("half-typed-note", test_lock_half_typed_note);
  ADD_LOCK_TEST ("offline", test_lock_offline);
  ADD_LOCK_TEST ("rate-limited", test_lock_rate_limited);
  ADD_LOCK_TEST ("idle", test_lock_idle);
  ADD_LOCK_TEST ("sign-out-remove", test_lock_sign_out_remove);
  ADD_LOCK_TEST ("sign-out", test_lock_sign_out);

  return g_test_run ();
}
