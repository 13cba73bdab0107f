/* test-governance.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Emergency access and the audit read back, through the dialogs, against a
 * real kith-server on 127.0.0.1: a nurse outside the person's care team
 * gives a reason too short, then a real one, and is let in; the team lead
 * finds it in the list to review; an administrator sees it in the person's
 * audit and prints it for them; a GP who is not an administrator is told
 * the audit is not theirs to see.
 */

#define G_LOG_DOMAIN "test-governance"

#include "config.h"

#include "gui-test-util.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "kith-access-log-dialog.h"
#include "kith-access-log.h"
#include "kith-break-glass-dialog.h"
#include "server-fixture.h"

#define WAIT_TIMEOUT_MS 30000
#define PASSWORD        "governance test password"
#define SOUTH           "South locality team"
#define REASON          "Found unconscious at home, need medicines and allergies"

typedef struct
{
  ServerFixture  server;
  char          *dir;
  char          *patient_id;
  GtkWindow     *window;
} Fixture;

static gboolean have_display;

static KithSyncClient *
client_for (Fixture    *f,
            const char *username,
            const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_build_filename (f->dir, username, NULL);
  g_autofree char *path = g_build_filename (profile, "kith.db", NULL);
  KithSyncClient *client;

  g_assert_cmpint (g_mkdir_with_parents (profile, 0700), ==, 0);
  client = kith_sync_client_new (path, f->server.base_url);
  g_assert_true (kith_sync_client_sign_in (client, username, password, NULL, &error));
  g_assert_no_error (error);
  return client;
}

static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_display)
    return;
  fixture_set_up (&f->server, data);
  add_user_full (&f->server, "nurse.south", "nurse", SOUTH, "Sam South", FALSE, PASSWORD);
  add_user_full (&f->server, "lead.north", "gp", TEST_USER_TEAM, "Lee North", TRUE, PASSWORD);
  add_user_full (&f->server, "admin", "admin", TEST_USER_TEAM, "Ada Admin", FALSE, PASSWORD);
  start_server_with (&f->server, DEMO_PEOPLE);

  /* Someone of the North team's: outside the South nurse's care team. */
  ids = demo_patient_ids (DEMO_PEOPLE);
  for (guint i = 0; i < ids->len && f->patient_id == NULL; i++)
    {
      g_autofree char *team = demo_patient_team (DEMO_PEOPLE, ids->pdata[i]);

      if (g_strcmp0 (team, TEST_USER_TEAM) == 0)
        f->patient_id = g_strdup (ids->pdata[i]);
    }
  g_assert_nonnull (f->patient_id);

  f->dir = g_dir_make_tmp ("kith-test-governance-XXXXXX", &error);
  g_assert_no_error (error);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (f->window);
}

static void
tear_down (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *cmd = NULL;

  if (!have_display)
    return;
  g_clear_pointer (&f->window, gtk_window_destroy);
  kith_test_flush_main_context ();
  stop_server (&f->server, SIGTERM);
  fixture_tear_down (&f->server, data);
  cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->patient_id);
}

static void
set_flag_cb (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
has_break_glass (GPtrArray  *entries,
                 const char *who)
{
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const KithAccessEntry *entry = entries->pdata[i];

      if (g_strcmp0 (entry->subtype, "break-glass") == 0 && g_strcmp0 (entry->who, who) == 0 &&
          entry->for_review && g_strcmp0 (entry->reason, REASON) == 0 && strstr (entry->words, REASON) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_break_glass_and_audit (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(KithSyncClient) nurse = NULL;
  g_autoptr(KithSyncClient) lead = NULL;
  g_autoptr(KithSyncClient) admin = NULL;
  g_autoptr(KithSyncClient) gp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = NULL;
  KithBreakGlassDialog *glass;
  KithAccessLogDialog *log;
  gboolean granted = FALSE;
  GStatBuf st;

  if (!have_display)
    {
      g_test_skip ("No display");
      return;
    }
  nurse = client_for (f, "nurse.south", PASSWORD);
  lead = client_for (f, "lead.north", PASSWORD);
  admin = client_for (f, "admin", PASSWORD);
  gp = client_for (f, TEST_USER, TEST_PASSWORD);

  /* The nurse: a reason too short is not sent; a real one is. */
  glass = KITH_BREAK_GLASS_DIALOG (kith_break_glass_dialog_new (f->window, nurse, f->patient_id, "Demo Person"));
  g_signal_connect_swapped (glass, "granted", G_CALLBACK (set_flag_cb), &granted);
  gtk_window_present (GTK_WINDOW (glass));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (glass)));
  gtk_editable_set_text (kith_break_glass_dialog_get_reason (glass), "urgent");
  kith_break_glass_dialog_request (glass);
  g_assert_nonnull (kith_break_glass_dialog_get_error (glass));
  g_assert_false (granted);
  gtk_editable_set_text (kith_break_glass_dialog_get_reason (glass), REASON);
  kith_test_save_screenshot (GTK_WIDGET (glass), "break-glass");
  kith_break_glass_dialog_request (glass);
  wait_until (granted);   /* and the dialog closes itself */

  /* The team lead's list to review has it. */
  log = KITH_ACCESS_LOG_DIALOG (kith_access_log_dialog_new_for_review (f->window, lead));
  gtk_window_present (GTK_WINDOW (log));
  wait_until (g_strcmp0 (kith_access_log_dialog_get_state (log), "loading") != 0);
  g_assert_cmpstr (kith_access_log_dialog_get_state (log), ==, "entries");
  g_assert_true (has_break_glass (kith_access_log_dialog_get_entries (log), "Sam South"));
  gtk_window_destroy (GTK_WINDOW (log));

  /* The nurse, not a lead, may not see that list. */
  log = KITH_ACCESS_LOG_DIALOG (kith_access_log_dialog_new_for_review (f->window, nurse));
  gtk_window_present (GTK_WINDOW (log));
  wait_until (g_strcmp0 (kith_access_log_dialog_get_state (log), "loading") != 0);
  g_assert_cmpstr (kith_access_log_dialog_get_state (log), ==, "error");
  gtk_window_destroy (GTK_WINDOW (log));

  /* The administrator reads the person's audit, and prints it for them. */
  log = KITH_ACCESS_LOG_DIALOG (kith_access_log_dialog_new (f->window, admin, f->patient_id, "Demo Person"));
  gtk_window_present (GTK_WINDOW (log));
  wait_until (g_strcmp0 (kith_access_log_dialog_get_state (log), "loading") != 0);
  g_assert_cmpstr (kith_access_log_dialog_get_state (log), ==, "entries");
  g_assert_true (has_break_glass (kith_access_log_dialog_get_entries (log), "Sam South"));
  kith_test_save_screenshot (GTK_WIDGET (log), "access-log");
  pdf = g_build_filename (f->dir, "who-has-looked.pdf", NULL);
  g_assert_true (kith_access_log_dialog_print_to (log, pdf, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (pdf, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  gtk_window_destroy (GTK_WINDOW (log));

  /* A GP who is not an administrator is told, not shown an empty list. */
  log = KITH_ACCESS_LOG_DIALOG (kith_access_log_dialog_new (f->window, gp, f->patient_id, "Demo Person"));
  gtk_window_present (GTK_WINDOW (log));
  wait_until (g_strcmp0 (kith_access_log_dialog_get_state (log), "loading") != 0);
  g_assert_cmpstr (kith_access_log_dialog_get_state (log), ==, "error");
  gtk_window_destroy (GTK_WINDOW (log));
}

/* A dialog that closes itself while its entry has focus, on an X server
 * with no window manager to send the focus-out, makes GTK warn. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if ((log_level & G_LOG_LEVEL_WARNING) != 0 && g_strcmp0 (fields[i].key, "MESSAGE") == 0 &&
        g_str_has_prefix (fields[i].value, "GtkText - did not receive a focus-out event"))
      return G_LOG_WRITER_HANDLED;

  return kith_test_log_writer (log_level, fields, n_fields, user_data);
}

int
main (int   argc,
      char *argv[])
{
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

  if ((have_display = gtk_init_check ()))
    adw_init ();

  g_test_add ("/kith/governance/break-glass-and-audit", Fixture, NULL, set_up, test_break_glass_and_audit,
              tear_down);

  return g_test_run ();
}
