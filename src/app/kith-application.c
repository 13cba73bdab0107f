/* kith-application.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-application"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>

#include "kith-application.h"
#include "kith-lock.h"
#include "kith-lock-screen.h"
#include "kith-preferences-window.h"
#include "kith-secret.h"
#include "kith-sign-in-dialog.h"
#include "kith-sign-out-dialog.h"
#include "kith-sync-scheduler.h"
#include "kith-window.h"
#include "kith-window-private.h"
#include "kith-wipe.h"

#define KITH_STORE_FILE_NAME "kith.db"
/* Unlocking asks the server first; off the network it should not wait long. */
#define UNLOCK_SERVER_TIMEOUT_S 10
/* How long signing out waits for the last sync cycle and store to close */
#define WIPE_WAIT_MS (30 * 1000)

/* The store is opened, and the caseload's row ids read, on a thread while
 * GTK and libadwaita start up on the main thread: the one O(n) step of
 * start-up then costs the first frame nothing. */
typedef struct
{
  char         *profile_dir;
  KithStore    *store;
  KithCaseload *caseload;
  GError       *error;
} StoreLoad;

struct _KithApplication
{
  AdwApplication  parent_instance;

  char           *profile_dir;   /* NULL: the default, under the user data dir */
  GSettings      *settings;      /* NULL when the schema is not installed */
  GThread        *store_loader;  /* until activate joins it */
  KithStore      *store;
  KithCaseload   *caseload;      /* handed to the first window */
  GError         *store_error;   /* why the store could not be opened */

  /* The idle lock: one for every window (see "The lock" below) */
  KithIdleLock      *idle_lock;
  KithUnlockLimiter *limiter;
  GListModel        *toplevels;       /* every GtkWindow in the process */
  GQuark             watch_quark;     /* marks the windows watched for input */
  GPtrArray         *hidden_windows;  /* dialogs hidden while locked */
  GCancellable      *unlock_cancellable;   /* a password check under way */
  guint              wait_source;     /* says the wait after wrong passwords */
  gboolean           signed_out;      /* until someone signs in again */
  GtkWindow         *preferences;

  /* Removing the records: waiting for the store to close */
  GPtrArray         *wipe_clients;    /* sync clients whose cycles must end */
  char              *wipe_path;
  gboolean           wipe_store_closed;
  gint64             wipe_deadline;
  guint              wipe_source;
};

G_DEFINE_FINAL_TYPE (KithApplication, kith_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_options[] = {
  { "profile", 'p', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("The folder holding this professional’s records (default: ~/.local/share/kith)"),
    N_("DIR") },
  { "server", 's', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("The practice server’s address, remembered for next time"),
    N_("URL") },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and quit"), NULL },
  { NULL }
};

static char *
dup_default_profile_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "kith", NULL);
}

static void
store_load_free (StoreLoad *load)
{
  g_free (load->profile_dir);
  g_clear_object (&load->caseload);
  g_clear_object (&load->store);
  g_clear_error (&load->error);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreLoad, store_load_free)

/* Opens DIR/kith.db, making DIR (owner-only) when it does not exist yet,
 * and reads the caseload's row ids. Runs on its own thread; nothing else
 * touches these objects until activate joins it. A file that cannot be
 * opened is left exactly as it is: the core never migrates, repairs or
 * replaces a newer, foreign or damaged store. */
static gpointer
load_store_thread (gpointer data)
{
  StoreLoad *load = data;
  g_autofree char *path = NULL;

  if (g_mkdir_with_parents (load->profile_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (&load->error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s"),
                   load->profile_dir, g_strerror (saved_errno));
      return load;
    }

  path = g_build_filename (load->profile_dir, KITH_STORE_FILE_NAME, NULL);
  if ((load->store = kith_store_open (path, &load->error)))
    load->caseload = kith_caseload_new (load->store);

  return load;
}

static void
start_loading_store (KithApplication *self)
{
  StoreLoad *load = g_new0 (StoreLoad, 1);

  load->profile_dir = g_strdup (kith_application_get_profile_dir (self));
  self->store_loader = g_thread_new ("kith-open-store", load_store_thread, load);
}

static void
finish_loading_store (KithApplication *self)
{
  g_autoptr(StoreLoad) load = NULL;

  if (self->store_loader == NULL)
    return;

  load = g_thread_join (g_steal_pointer (&self->store_loader));
  self->store = g_steal_pointer (&load->store);
  self->caseload = g_steal_pointer (&load->caseload);
  self->store_error = g_steal_pointer (&load->error);
}

/* --- the lock ---------------------------------------------------------------- */

/* One lock for the whole application: input on any window puts it off, and
 * it hides every window's records at once. Kith windows show their lock
 * screen in place of the records; other windows (dialogs, half filled in)
 * are hidden as they are and come back after. Nothing is destroyed. */

typedef struct
{
  KithApplication *self;
  GCancellable    *cancellable;
  char            *server;
  char            *user;
  char            *password;   /* wiped when freed */
} UnlockAttempt;

static void
unlock_attempt_free (UnlockAttempt *attempt)
{
  g_object_unref (attempt->self);
  g_clear_object (&attempt->cancellable);
  g_free (attempt->server);
  g_free (attempt->user);
  if (attempt->password != NULL)
    explicit_bzero (attempt->password, strlen (attempt->password));
  g_free (attempt->password);
  g_free (attempt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UnlockAttempt, unlock_attempt_free)

static UnlockAttempt *
unlock_attempt_copy (UnlockAttempt *attempt)
{
  UnlockAttempt *copy = g_new0 (UnlockAttempt, 1);

  copy->self = g_object_ref (attempt->self);
  copy->cancellable = attempt->cancellable != NULL ? g_object_ref (attempt->cancellable) : NULL;
  copy->server = g_strdup (attempt->server);
  copy->user = g_strdup (attempt->user);
  copy->password = g_strdup (attempt->password);
  return copy;
}

static char *
dup_setting (KithApplication *self,
             const char      *key)
{
  g_autofree char *value = self->settings != NULL ? g_settings_get_string (self->settings, key) : NULL;

  return value != NULL && *value != '\0' ? g_steal_pointer (&value) : NULL;
}

/* Only with a practice server is there a password to unlock with. */
static gboolean
can_lock (KithApplication *self)
{
  g_autofree char *server = dup_setting (self, "last-server");

  return server != NULL;
}

static void
update_idle_timeout (KithApplication *self)
{
  guint minutes = self->settings != NULL ? g_settings_get_uint (self->settings, "idle-lock-minutes") : 5;
  GAction *lock = g_action_map_lookup_action (G_ACTION_MAP (self), "lock");

  kith_idle_lock_set_timeout (self->idle_lock, can_lock (self) ? minutes * 60 : 0);
  if (lock != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (lock), can_lock (self));
}

/* This application's window, or a dialog over one of them */
static gboolean
is_own_window (KithApplication *self,
               GtkWindow       *window)
{
  for (GtkWindow *w = window; w != NULL; w = gtk_window_get_transient_for (w))
    if (gtk_window_get_application (w) == GTK_APPLICATION (self))
      return TRUE;
  return FALSE;
}

static GPtrArray *
list_kith_windows (KithApplication *self)
{
  GPtrArray *windows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; self->toplevels != NULL && i < g_list_model_get_n_items (self->toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (self->toplevels, i);

      if (KITH_IS_WINDOW (window) && is_own_window (self, window))
        g_ptr_array_add (windows, g_steal_pointer (&window));
    }
  return windows;
}

static void
update_lock_screen (KithApplication *self,
                    KithLockScreen  *screen)
{
  g_autofree char *user = dup_setting (self, "last-user");
  g_autofree char *my_name = kith_dup_my_name ();

  if (self->signed_out || user == NULL)
    {
      kith_lock_screen_set_mode (screen, KITH_LOCK_SCREEN_SIGNED_OUT);
      return;
    }
  kith_lock_screen_set_mode (screen, KITH_LOCK_SCREEN_LOCKED);
  /* The name they gave Kith, else the name they sign in with */
  kith_lock_screen_set_user (screen, my_name != NULL ? my_name : user);
}

static void
for_each_lock_screen (KithApplication *self,
                      void           (*func) (KithLockScreen *screen, gpointer data),
                      gpointer         data)
{
  g_autoptr(GPtrArray) windows = list_kith_windows (self);

  for (guint i = 0; i < windows->len; i++)
    func (kith_window_get_lock_screen (windows->pdata[i]), data);
}

static void
set_busy_cb (KithLockScreen *screen,
             gpointer        data)
{
  kith_lock_screen_set_busy (screen, GPOINTER_TO_INT (data));
}

static void
set_problem_cb (KithLockScreen *screen,
                gpointer        data)
{
  kith_lock_screen_set_problem (screen, data);
}

static void
reset_password_cb (KithLockScreen *screen,
                   gpointer        data)
{
  kith_lock_screen_reset_password (screen);
}

static void
on_hidden_window_destroy_cb (GtkWidget       *window,
                             KithApplication *self)
{
  g_ptr_array_remove (self->hidden_windows, window);
}

static void
lock_window (KithApplication *self,
             GtkWindow       *window)
{
  if (!is_own_window (self, window))
    return;
  if (KITH_IS_WINDOW (window))
    {
      update_lock_screen (self, kith_window_get_lock_screen (KITH_WINDOW (window)));
      kith_window_set_locked (KITH_WINDOW (window), TRUE);
    }
  else if (gtk_widget_get_visible (GTK_WIDGET (window)) &&
           !g_ptr_array_find (self->hidden_windows, window, NULL))
    {
      g_ptr_array_add (self->hidden_windows, g_object_ref (window));
      g_signal_connect_object (window, "destroy", G_CALLBACK (on_hidden_window_destroy_cb), self, 0);
      gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
    }
}

static void
lock_all_windows (KithApplication *self)
{
  g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func (g_object_unref);

  /* A copy: hiding may change the list */
  for (guint i = 0; i < g_list_model_get_n_items (self->toplevels); i++)
    g_ptr_array_add (windows, g_list_model_get_item (self->toplevels, i));
  for (guint i = 0; i < windows->len; i++)
    lock_window (self, windows->pdata[i]);
}

static void
unlock_all_windows (KithApplication *self)
{
  g_autoptr(GPtrArray) windows = list_kith_windows (self);
  g_autoptr(GPtrArray) hidden = g_steal_pointer (&self->hidden_windows);

  self->hidden_windows = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < windows->len; i++)
    kith_window_set_locked (windows->pdata[i], FALSE);
  /* The dialogs come back as they were, over their windows */
  for (guint i = 0; i < hidden->len; i++)
    {
      g_signal_handlers_disconnect_by_func (hidden->pdata[i], on_hidden_window_destroy_cb, self);
      gtk_window_present (hidden->pdata[i]);
    }
}

static void
on_idle_lock_locked_cb (KithApplication *self)
{
  if (kith_idle_lock_get_locked (self->idle_lock))
    lock_all_windows (self);
  else
    unlock_all_windows (self);
}

static gboolean
on_window_event_cb (GtkEventControllerLegacy *controller,
                    GdkEvent                 *event,
                    KithApplication          *self)
{
  GtkWidget *window = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  if (!is_own_window (self, GTK_WINDOW (window)))
    return GDK_EVENT_PROPAGATE;

  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_MOTION_NOTIFY:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
      kith_idle_lock_note_activity (self->idle_lock);
      break;

    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
on_lock_screen_unlock_cb (KithApplication *self,
                          const char      *password,
                          KithLockScreen  *screen)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (screen));

  if (GTK_IS_WINDOW (root) && is_own_window (self, GTK_WINDOW (root)))
    kith_application_unlock (self, password);
}

/* Every window, dialogs included, as it appears: typing in a dialog for
 * ten minutes is not being idle. A window that appears while locked is
 * locked too. */
static void
on_toplevels_items_changed_cb (KithApplication *self,
                               guint            position,
                               guint            removed,
                               guint            added,
                               GListModel      *toplevels)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      GtkEventController *controller;

      if (g_object_get_qdata (G_OBJECT (window), self->watch_quark) != NULL)
        continue;
      controller = gtk_event_controller_legacy_new ();
      /* Capture: before any widget can keep the event to itself */
      gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
      g_signal_connect_object (controller, "event", G_CALLBACK (on_window_event_cb), self, 0);
      gtk_widget_add_controller (GTK_WIDGET (window), controller);
      g_object_set_qdata (G_OBJECT (window), self->watch_quark, controller);

      if (KITH_IS_WINDOW (window))
        g_signal_connect_object (kith_window_get_lock_screen (KITH_WINDOW (window)), "unlock",
                                 G_CALLBACK (on_lock_screen_unlock_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
finish_unlock (KithApplication *self)
{
  g_clear_object (&self->unlock_cancellable);
  for_each_lock_screen (self, set_busy_cb, GINT_TO_POINTER (FALSE));
}

static void
unlock_now (KithApplication *self)
{
  finish_unlock (self);
  kith_unlock_limiter_note_success (self->limiter);
  g_clear_handle_id (&self->wait_source, g_source_remove);
  kith_idle_lock_unlock (self->idle_lock);
}

static char *
describe_wait (guint seconds)
{
  if (seconds > 90)
    return g_strdup_printf (ngettext ("Too many wrong passwords. Try again in %u minute.",
                                      "Too many wrong passwords. Try again in %u minutes.",
                                      (seconds + 59) / 60),
                            (seconds + 59) / 60);
  return g_strdup_printf (ngettext ("Too many wrong passwords. Try again in %u second.",
                                    "Too many wrong passwords. Try again in %u seconds.", seconds),
                          seconds);
}

/* Says the wait, second by second, until another try may be made. */
static gboolean
on_wait_tick_cb (gpointer user_data)
{
  KithApplication *self = user_data;
  guint wait = kith_unlock_limiter_get_wait (self->limiter, g_get_monotonic_time ());
  g_autofree char *text = NULL;

  if (wait == 0)
    {
      self->wait_source = 0;
      for_each_lock_screen (self, set_problem_cb, (gpointer) _("Try your password again."));
      return G_SOURCE_REMOVE;
    }
  text = describe_wait (wait);
  for_each_lock_screen (self, set_problem_cb, text);
  return G_SOURCE_CONTINUE;
}

static void
refuse_password (KithApplication *self)
{
  guint wait;

  finish_unlock (self);
  kith_unlock_limiter_note_failure (self->limiter, g_get_monotonic_time ());
  wait = kith_unlock_limiter_get_wait (self->limiter, g_get_monotonic_time ());
  for_each_lock_screen (self, reset_password_cb, NULL);
  if (wait == 0)
    {
      for_each_lock_screen (self, set_problem_cb,
                            (gpointer) _("That is not your password. Try again."));
      return;
    }
  on_wait_tick_cb (self);
  if (self->wait_source == 0)
    self->wait_source = g_timeout_add_seconds (1, on_wait_tick_cb, self);
}

static void
on_local_check_done_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(UnlockAttempt) attempt = user_data;
  KithApplication *self = attempt->self;
  g_autoptr(GError) error = NULL;

  if (g_cancellable_is_cancelled (attempt->cancellable))
    return;
  if (kith_lock_check_password_finish (result, &error))
    {
      unlock_now (self);
      return;
    }
  if (g_error_matches (error, KITH_LOCK_ERROR, KITH_LOCK_ERROR_WRONG_PASSWORD))
    {
      refuse_password (self);
      return;
    }
  finish_unlock (self);
  for_each_lock_screen (self, set_problem_cb, error->message);
}

static void
on_verifier_looked_up_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(UnlockAttempt) attempt = user_data;
  KithApplication *self = attempt->self;
  g_autoptr(GError) error = NULL;
  char *verifier = secret_password_lookup_finish (result, &error);

  if (g_cancellable_is_cancelled (attempt->cancellable))
    {
      secret_password_free (verifier);
      return;
    }
  if (verifier == NULL)
    {
      if (error != NULL)
        g_debug ("The keyring could not be read: %s", error->message);
      finish_unlock (self);
      for_each_lock_screen (self, set_problem_cb,
                            (gpointer) _("The practice server cannot be reached, and this computer "
                                         "has no way to check your password without it. Connect "
                                         "to the network, then try again."));
      return;
    }
  {
    UnlockAttempt *checking = g_steal_pointer (&attempt);

    kith_lock_check_password_async (verifier, checking->password, checking->cancellable,
                                    on_local_check_done_cb, checking);
  }
  secret_password_free (verifier);
}

/* Offline: against the hash kept in the keyring at sign-in */
static void
check_password_locally (UnlockAttempt *attempt)
{
  secret_password_lookup (kith_secret_get_verifier_schema (), attempt->cancellable,
                          on_verifier_looked_up_cb, attempt,
                          "server", attempt->server,
                          "user", attempt->user,
                          NULL);
}

static void
on_token_kept_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_warning ("Could not keep the new token in the keyring: %s", error->message);
}

static void
on_new_verifier_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(UnlockAttempt) attempt = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *verifier = kith_lock_hash_password_finish (result, &error);
  g_autofree char *label = NULL;

  if (verifier == NULL)
    {
      g_debug ("No new offline password check: %s", error->message);
      return;
    }
  /* Translators: a keyring entry's name, "Kith offline unlock: jsmith at https://…" */
  label = g_strdup_printf (_("Kith offline unlock: %s at %s"), attempt->user, attempt->server);
  secret_password_store (kith_secret_get_verifier_schema (), SECRET_COLLECTION_DEFAULT, label,
                         verifier, NULL, on_token_kept_cb, NULL,
                         "server", attempt->server,
                         "user", attempt->user,
                         NULL);
}

/* The server took the password and gave a fresh token: sync goes on
 * with it, and the keyring keeps it (and the hash of the password, which
 * may have been changed on the server since). */
static void
keep_fresh_token (UnlockAttempt  *attempt,
                  KithSyncClient *signer)
{
  g_autofree char *token = kith_sync_client_dup_token (signer);
  g_autofree char *label = NULL;
  g_autoptr(GPtrArray) windows = list_kith_windows (attempt->self);

  if (token == NULL)
    return;
  for (guint i = 0; i < windows->len; i++)
    {
      KithSyncScheduler *sync = kith_window_get_sync_scheduler (windows->pdata[i]);

      if (sync != NULL)
        kith_sync_scheduler_set_token (sync, token);
    }
  /* Translators: the keyring entry's name, "Kith: jsmith at https://kith.practice.example/fhir" */
  label = g_strdup_printf (_("Kith: %s at %s"), attempt->user, attempt->server);
  secret_password_store (kith_secret_get_token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                         NULL, on_token_kept_cb, NULL,
                         "server", attempt->server,
                         "user", attempt->user,
                         NULL);
  explicit_bzero (token, strlen (token));

  kith_lock_hash_password_async (attempt->password, NULL, on_new_verifier_cb,
                                 unlock_attempt_copy (attempt));
}

static void
on_unlock_signed_in_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(UnlockAttempt) attempt = user_data;
  KithApplication *self = attempt->self;
  KithSyncClient *signer = KITH_SYNC_CLIENT (source);
  g_autoptr(GError) error = NULL;

  gboolean signed_in = kith_sync_client_sign_in_finish (signer, result, &error);

  if (g_cancellable_is_cancelled (attempt->cancellable))
    return;
  if (signed_in)
    {
      keep_fresh_token (attempt, signer);
      unlock_now (self);
      return;
    }
  if (g_error_matches (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_SIGN_IN))
    {
      refuse_password (self);
      return;
    }
  if (g_error_matches (error, KITH_SYNC_ERROR, KITH_SYNC_ERROR_RATE_LIMITED))
    {
      finish_unlock (self);
      for_each_lock_screen (self, set_problem_cb, error->message);
      return;
    }

  /* Not reached, or not answering well: the password is checked here. */
  g_debug ("Unlocking offline: %s", error->message);
  check_password_locally (g_steal_pointer (&attempt));
}

/* Whether the practice server is worth asking: sync reached it last time,
 * and the professional has not chosen to work offline. */
static gboolean
is_server_reachable (KithApplication *self)
{
  g_autoptr(GPtrArray) windows = list_kith_windows (self);

  for (guint i = 0; i < windows->len; i++)
    {
      KithSyncScheduler *sync = kith_window_get_sync_scheduler (windows->pdata[i]);
      KithSyncClient *client = sync != NULL ? kith_sync_scheduler_get_client (sync) : NULL;

      if (client != NULL)
        return !kith_sync_client_get_work_offline (client) && kith_sync_client_get_online (client);
    }
  return TRUE;
}

static void
kith_application_lock_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  KithApplication *self = user_data;

  if (can_lock (self))
    kith_idle_lock_lock (self->idle_lock);
}

static void
on_settings_lock_changed_cb (KithApplication *self)
{
  update_idle_timeout (self);
}

/* --- preferences ----------------------------------------------------------- */

static void
kith_application_preferences_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  KithApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->settings == NULL || (self->idle_lock != NULL && kith_idle_lock_get_locked (self->idle_lock)))
    return;
  if (self->preferences == NULL)
    {
      self->preferences = GTK_WINDOW (kith_preferences_window_new (parent, self->settings));
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
    }
  gtk_window_present (self->preferences);
}

/* --- signing out ----------------------------------------------------------- */

static void
on_secret_cleared_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_warning ("Could not remove a sign-in from the keyring: %s", error->message);
}

/* The token and the offline password check leave the keyring; sync stops;
 * every window shows "Signed Out" until someone signs in. */
static void
sign_out (KithApplication *self)
{
  g_autofree char *server = dup_setting (self, "last-server");
  g_autofree char *user = dup_setting (self, "last-user");
  g_autoptr(GPtrArray) windows = list_kith_windows (self);

  if (server != NULL && user != NULL)
    {
      secret_password_clear (kith_secret_get_token_schema (), NULL, on_secret_cleared_cb, NULL,
                             "server", server, "user", user, NULL);
      secret_password_clear (kith_secret_get_verifier_schema (), NULL, on_secret_cleared_cb, NULL,
                             "server", server, "user", user, NULL);
    }
  for (guint i = 0; i < windows->len; i++)
    kith_window_stop_sync (windows->pdata[i]);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-user", "");

  self->signed_out = TRUE;
  g_cancellable_cancel (self->unlock_cancellable);
  finish_unlock (self);
  if (kith_idle_lock_get_locked (self->idle_lock))
    lock_all_windows (self);   /* already locked: now says "Signed Out" */
  else
    kith_idle_lock_lock (self->idle_lock);
}

static void
on_store_finalized_cb (gpointer  data,
                       GObject  *where_the_object_was)
{
  KithApplication *self = data;

  self->wipe_store_closed = TRUE;
}

static gboolean
is_wipe_ready (KithApplication *self)
{
  if (!self->wipe_store_closed)
    return FALSE;
  for (guint i = 0; i < self->wipe_clients->len; i++)
    if (kith_sync_client_get_syncing (self->wipe_clients->pdata[i]))
      return FALSE;
  return TRUE;
}

/* A new window over a new, empty store, asking for a sign-in. */
static void
open_after_wipe (KithApplication *self,
                 const GError    *wipe_error)
{
  g_autoptr(GError) error = NULL;
  KithWindow *window = kith_window_new (GTK_APPLICATION (self), self->settings);

  if (wipe_error == NULL && (self->store = kith_store_open (self->wipe_path, &error)) != NULL)
    kith_window_set_store (window, self->store, NULL);
  else
    kith_window_show_store_error (window, wipe_error != NULL ? wipe_error : error);

  kith_idle_lock_lock (self->idle_lock);
  lock_window (self, GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
  if (self->store != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL);
}

static gboolean
on_wipe_wait_cb (gpointer user_data)
{
  KithApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!is_wipe_ready (self) && g_get_monotonic_time () < self->wipe_deadline)
    return G_SOURCE_CONTINUE;
  self->wipe_source = 0;

  /* Still open after the wait: removed all the same. Its pages on disk
   * go when it closes, and nothing can open them again. */
  if (!self->wipe_store_closed)
    g_warning ("The store was still open when its files were removed");

  if (!kith_store_wipe_files (self->wipe_path, &error))
    g_warning ("Signing out: %s", error->message);
  else
    g_message ("Signed out: the records were removed from this computer");

  g_clear_pointer (&self->wipe_clients, g_ptr_array_unref);
  open_after_wipe (self, error);
  g_clear_pointer (&self->wipe_path, g_free);
  g_application_release (G_APPLICATION (self));
  return G_SOURCE_REMOVE;
}

/* Every window goes (with its widgets, and all they held), the store
 * closes, any sync cycle in flight ends; then the files go. */
static void
remove_records (KithApplication *self)
{
  g_autoptr(GPtrArray) windows = list_kith_windows (self);
  g_autoptr(GPtrArray) hidden = g_steal_pointer (&self->hidden_windows);

  self->hidden_windows = g_ptr_array_new_with_free_func (g_object_unref);
  if (self->wipe_path != NULL)
    return;
  self->wipe_path = g_build_filename (kith_application_get_profile_dir (self), KITH_STORE_FILE_NAME, NULL);
  self->wipe_clients = g_ptr_array_new_with_free_func (g_object_unref);
  self->wipe_store_closed = self->store == NULL;
  self->wipe_deadline = g_get_monotonic_time () + WIPE_WAIT_MS * 1000;

  /* Kept running meanwhile, with no window */
  g_application_hold (G_APPLICATION (self));
  for (guint i = 0; i < windows->len; i++)
    {
      KithSyncScheduler *sync = kith_window_get_sync_scheduler (windows->pdata[i]);

      if (sync != NULL)
        g_ptr_array_add (self->wipe_clients, g_object_ref (kith_sync_scheduler_get_client (sync)));
      kith_window_stop_sync (windows->pdata[i]);
    }
  for (guint i = 0; i < hidden->len; i++)
    {
      g_signal_handlers_disconnect_by_func (hidden->pdata[i], on_hidden_window_destroy_cb, self);
      gtk_window_destroy (hidden->pdata[i]);
    }
  for (guint i = 0; i < windows->len; i++)
    gtk_window_destroy (windows->pdata[i]);

  if (self->store != NULL)
    g_object_weak_ref (G_OBJECT (self->store), on_store_finalized_cb, self);
  g_clear_object (&self->caseload);
  g_clear_object (&self->store);

  self->wipe_source = g_timeout_add (50, on_wipe_wait_cb, self);
}

static gboolean
sign_out_cb (gpointer user_data)
{
  KithApplication *self = user_data;

  sign_out (self);
  return G_SOURCE_REMOVE;
}

static gboolean
sign_out_and_remove_cb (gpointer user_data)
{
  KithApplication *self = user_data;

  sign_out (self);
  remove_records (self);
  return G_SOURCE_REMOVE;
}

/* Once the dialog has gone: signing out hides windows, and removing the
 * records destroys the one the dialog is over. */
static void
on_sign_out_response_cb (KithApplication   *self,
                         const char        *response,
                         KithSignOutDialog *dialog)
{
  if (g_strcmp0 (response, "sign-out") == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT, sign_out_cb, g_object_ref (self), g_object_unref);
  else if (g_strcmp0 (response, "remove") == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT, sign_out_and_remove_cb, g_object_ref (self), g_object_unref);
}

static void
kith_application_sign_out_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  KithApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  KithSignOutDialog *dialog;

  if (self->wipe_path != NULL)
    return;
  dialog = kith_sign_out_dialog_new (parent, self->store != NULL ? kith_store_count_unsynced (self->store) : 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
kith_application_about_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  static const char *developers[] = { "The Kith developers", NULL };
  KithApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Kith"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Holistic assessment and shared care planning, "
                                       "for everyone in the team around a person."),
                         "developer-name", _("The Kith developers"),
                         "developers", developers,
                         "copyright", _("© 2026 The Kith developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://kith.example",
                         NULL);
}

static void
kith_application_quit_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  KithApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Close rather than destroy, so that each window saves its size. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", kith_application_about_action },
  { "quit", kith_application_quit_action },
  { "lock", kith_application_lock_action },
  { "preferences", kith_application_preferences_action },
  { "sign-out", kith_application_sign_out_action },
};

static int
kith_application_handle_local_options (GApplication *application,
                                       GVariantDict *options)
{
  KithApplication *self = KITH_APPLICATION (application);
  g_autofree char *profile_dir = NULL;
  const char *server = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", _("Kith"), PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_lookup (options, "server", "&s", &server))
    {
      if (!kith_is_server_address_valid (server))
        {
          g_printerr (_("“%s” is not a server address. Give one such as https://kith.practice.example\n"),
                      server);
          return EXIT_FAILURE;
        }

      /* Remembered from this instance too, so a second `kith --server`
       * reaches the running window through GSettings. */
      if (self->settings == NULL)
        self->settings = kith_settings_new ();
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "last-server", server);
    }

  if (g_variant_dict_lookup (options, "profile", "^ay", &profile_dir))
    {
      g_free (self->profile_dir);
      self->profile_dir = g_canonicalize_filename (profile_dir, NULL);

      /* Another profile is another professional's store: run on its own
       * rather than handing over to a window showing someone else's. */
      g_application_set_flags (application,
                               g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
    }

  return G_APPLICATION_CLASS (kith_application_parent_class)->handle_local_options (application,
                                                                                    options);
}

static void
kith_application_startup (GApplication *application)
{
  KithApplication *self = KITH_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *lock_accels[] = { "<Control><Alt>l", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  /* Before GTK's own start-up, so that the two overlap. */
  start_loading_store (self);

  G_APPLICATION_CLASS (kith_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.lock", lock_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);

  if (self->settings == NULL)
    self->settings = kith_settings_new ();

  self->idle_lock = kith_idle_lock_new ();
  g_signal_connect_object (self->idle_lock, "notify::locked", G_CALLBACK (on_idle_lock_locked_cb),
                           self, G_CONNECT_SWAPPED);
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::idle-lock-minutes",
                               G_CALLBACK (on_settings_lock_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::last-server",
                               G_CALLBACK (on_settings_lock_changed_cb), self, G_CONNECT_SWAPPED);
    }
  update_idle_timeout (self);

  self->toplevels = g_object_ref (gtk_window_get_toplevels ());
  g_signal_connect_object (self->toplevels, "items-changed",
                           G_CALLBACK (on_toplevels_items_changed_cb), self, G_CONNECT_SWAPPED);
  on_toplevels_items_changed_cb (self, 0, 0, g_list_model_get_n_items (self->toplevels), self->toplevels);
}

static void
kith_application_activate (GApplication *application)
{
  KithApplication *self = KITH_APPLICATION (application);
  GtkWindow *window;

  if (!(window = gtk_application_get_active_window (GTK_APPLICATION (self))))
    {
      KithWindow *kith_window;

      finish_loading_store (self);

      kith_window = kith_window_new (GTK_APPLICATION (self), self->settings);
      if (self->store != NULL)
        {
          g_autoptr(KithCaseload) caseload = g_steal_pointer (&self->caseload);

          kith_window_set_store (kith_window, self->store, caseload);
        }
      else
        {
          g_warning ("Could not open the store: %s", self->store_error->message);
          kith_window_show_store_error (kith_window, self->store_error);
        }

      window = GTK_WINDOW (kith_window);
    }

  gtk_window_present (window);
}

static void
kith_application_shutdown (GApplication *application)
{
  KithApplication *self = KITH_APPLICATION (application);

  G_APPLICATION_CLASS (kith_application_parent_class)->shutdown (application);

  g_cancellable_cancel (self->unlock_cancellable);
  g_clear_handle_id (&self->wait_source, g_source_remove);
  g_clear_handle_id (&self->wipe_source, g_source_remove);
  if (self->toplevels != NULL)
    g_signal_handlers_disconnect_by_data (self->toplevels, self);
  g_clear_object (&self->toplevels);
  g_clear_object (&self->idle_lock);
  finish_loading_store (self);
  g_clear_object (&self->caseload);
  g_clear_object (&self->store);
}

static void
kith_application_finalize (GObject *object)
{
  KithApplication *self = KITH_APPLICATION (object);

  g_clear_pointer (&self->profile_dir, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->caseload);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
  g_clear_object (&self->unlock_cancellable);
  g_clear_object (&self->idle_lock);
  g_clear_object (&self->toplevels);
  g_clear_pointer (&self->limiter, kith_unlock_limiter_free);
  g_clear_pointer (&self->hidden_windows, g_ptr_array_unref);
  g_clear_pointer (&self->wipe_clients, g_ptr_array_unref);
  g_clear_pointer (&self->wipe_path, g_free);

  G_OBJECT_CLASS (kith_application_parent_class)->finalize (object);
}

static void
kith_application_class_init (KithApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = kith_application_finalize;

  application_class->handle_local_options = kith_application_handle_local_options;
  application_class->startup = kith_application_startup;
  application_class->activate = kith_application_activate;
  application_class->shutdown = kith_application_shutdown;
}

static void
kith_application_init (KithApplication *self)
{
  g_autofree char *watch_key = g_strdup_printf ("kith-idle-watch-%p", (void *) self);

  self->limiter = kith_unlock_limiter_new ();
  /* Per application: a test may run one after another in a process */
  self->watch_quark = g_quark_from_string (watch_key);
  self->hidden_windows = g_ptr_array_new_with_free_func (g_object_unref);

  g_application_add_main_option_entries (G_APPLICATION (self), main_options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Holistic assessment and shared care planning."));
}

KithApplication *
kith_application_new (void)
{
  /* One resource path for both profiles, so that the .Devel build finds
   * gtk/help-overlay.ui and style.css too. */
  return g_object_new (KITH_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/care/kith/Kith",
                       NULL);
}

const char *
kith_application_get_profile_dir (KithApplication *self)
{
  g_return_val_if_fail (KITH_IS_APPLICATION (self), NULL);

  if (self->profile_dir == NULL)
    self->profile_dir = dup_default_profile_dir ();

  return self->profile_dir;
}

KithStore *
kith_application_get_store (KithApplication *self)
{
  g_return_val_if_fail (KITH_IS_APPLICATION (self), NULL);

  return self->store;
}

GSettings *
kith_application_get_settings (KithApplication *self)
{
  g_return_val_if_fail (KITH_IS_APPLICATION (self), NULL);

  return self->settings;
}

GSettings *
kith_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL ||
      !(schema = g_settings_schema_source_lookup (source, BASE_APPLICATION_ID, TRUE)))
    {
      g_debug ("GSettings schema %s is not installed; window size and server "
               "address will not be remembered", BASE_APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

char *
kith_dup_my_name (void)
{
  g_autoptr(GSettings) settings = kith_settings_new ();
  g_autofree char *name = settings != NULL ? g_settings_get_string (settings, "my-name") : NULL;

  if (name != NULL)
    g_strstrip (name);
  if (name == NULL || *name == '\0')
    return NULL;
  return g_steal_pointer (&name);
}

char *
kith_dup_professional_name (void)
{
  g_autofree char *my_name = kith_dup_my_name ();
  const char *name = g_get_real_name ();

  /* The name the professional gave Kith comes first. */
  if (my_name != NULL)
    return g_steal_pointer (&my_name);

  /* GLib says "Unknown" when the account has no real name. */
  if (name == NULL || *name == '\0' || g_strcmp0 (name, "Unknown") == 0)
    return g_strdup (_("Kith user"));

  return g_strdup (name);
}

gboolean
kith_apply_ca_file_setting (KithSyncClient  *client,
                            GSettings       *settings,
                            GError         **error)
{
  g_autoptr(GSettings) own = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (KITH_IS_SYNC_CLIENT (client), FALSE);

  if (settings == NULL)
    settings = own = kith_settings_new ();
  path = settings != NULL ? g_settings_get_string (settings, "ca-file") : NULL;

  return kith_sync_client_set_ca_file (client, path != NULL && *path != '\0' ? path : NULL, error);
}

KithIdleLock *
kith_application_get_idle_lock (KithApplication *self)
{
  g_return_val_if_fail (KITH_IS_APPLICATION (self), NULL);

  return self->idle_lock;
}

void
kith_application_unlock (KithApplication *self,
                         const char      *password)
{
  g_autoptr(UnlockAttempt) attempt = NULL;
  guint wait;

  g_return_if_fail (KITH_IS_APPLICATION (self));
  g_return_if_fail (password != NULL);

  if (self->unlock_cancellable != NULL || !kith_idle_lock_get_locked (self->idle_lock))
    return;
  if ((wait = kith_unlock_limiter_get_wait (self->limiter, g_get_monotonic_time ())) > 0)
    {
      g_autofree char *text = describe_wait (wait);

      for_each_lock_screen (self, set_problem_cb, text);
      return;
    }

  attempt = g_new0 (UnlockAttempt, 1);
  attempt->self = g_object_ref (self);
  attempt->server = dup_setting (self, "last-server");
  attempt->user = dup_setting (self, "last-user");
  attempt->password = g_strdup (password);
  if (attempt->server == NULL || attempt->user == NULL || self->signed_out)
    return;

  self->unlock_cancellable = g_cancellable_new ();
  attempt->cancellable = g_object_ref (self->unlock_cancellable);
  for_each_lock_screen (self, set_busy_cb, GINT_TO_POINTER (TRUE));

  if (is_server_reachable (self))
    {
      g_autoptr(KithSyncClient) signer = kith_sync_client_new (NULL, attempt->server);
      g_autoptr(GError) error = NULL;

      if (kith_apply_ca_file_setting (signer, self->settings, &error))
        {
          UnlockAttempt *sent = g_steal_pointer (&attempt);

          kith_sync_client_set_timeout (signer, UNLOCK_SERVER_TIMEOUT_S);
          kith_sync_client_sign_in_async (signer, sent->user, sent->password, sent->cancellable,
                                          on_unlock_signed_in_cb, sent);
          return;
        }
      g_debug ("Unlocking offline: %s", error->message);
    }
  check_password_locally (g_steal_pointer (&attempt));
}

void
kith_application_note_signed_in (KithApplication *self)
{
  g_return_if_fail (KITH_IS_APPLICATION (self));

  /* Signing in proves the password as well as unlocking would. */
  self->signed_out = FALSE;
  update_idle_timeout (self);
  if (self->idle_lock != NULL && kith_idle_lock_get_locked (self->idle_lock))
    unlock_now (self);
}
