/* kith-sync-scheduler.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When to sync. The client does one cycle on a worker thread; this decides
 * when the next one starts: at start-up, every minute, two seconds after
 * the last of a burst of local edits, and after a failure no sooner than
 * the client's backoff (or the server's Retry-After) allows. Nothing here
 * waits on the network or holds up typing.
 */

#define G_LOG_DOMAIN "kith-sync-scheduler"

#include "config.h"

#include "kith-secret.h"
#include "kith-sync-scheduler.h"

#define DEFAULT_PERIOD_MS     (60 * 1000)
#define DEFAULT_AFTER_EDIT_MS (2 * 1000)
/* Saves come in bursts (an answer, its scores, a need): count once. */
#define REFRESH_DELAY_MS      250

struct _KithSyncScheduler
{
  GObject         parent_instance;

  KithSyncClient *client;
  char           *user;
  GCancellable   *cancellable;

  guint           period_ms;
  guint           after_edit_ms;
  guint           sync_source;
  guint           refresh_source;
  gint64          not_before;      /* monotonic µs: the client's backoff */
  gboolean        edited_while_syncing;
  gboolean        started;
  gboolean        token_given;     /* by a sign-in: newer than the keyring's */
  guint           n_cycles;
};

G_DEFINE_FINAL_TYPE (KithSyncScheduler, kith_sync_scheduler, G_TYPE_OBJECT)

enum {
  RECORDS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_cycle (KithSyncScheduler *self);

static gboolean
on_sync_timeout_cb (gpointer user_data)
{
  KithSyncScheduler *self = user_data;

  self->sync_source = 0;
  start_cycle (self);
  return G_SOURCE_REMOVE;
}

/* The next cycle in @delay_ms, replacing any other planned. */
static void
schedule_sync (KithSyncScheduler *self,
               guint              delay_ms)
{
  g_clear_handle_id (&self->sync_source, g_source_remove);
  self->sync_source = g_timeout_add (delay_ms, on_sync_timeout_cb, self);
}

static guint
get_backoff_left_ms (KithSyncScheduler *self)
{
  gint64 now = g_get_monotonic_time ();

  return self->not_before > now ? (guint) ((self->not_before - now) / 1000) : 0;
}

/* Syncing by itself makes sense only when it can get anywhere. */
static gboolean
can_sync_by_itself (KithSyncScheduler *self)
{
  return !kith_sync_client_get_work_offline (self->client) &&
         !kith_sync_client_get_sign_in_needed (self->client);
}

static void
on_sync_finished_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KithSyncScheduler) self = user_data;
  g_autoptr(KithSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint delay;

  report = kith_sync_client_sync_finish (KITH_SYNC_CLIENT (source), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;   /* disposed: the window is going */

  if (report != NULL)
    {
      self->not_before = 0;
      if (report->pulled > 0 || report->merged > 0)
        g_signal_emit (self, signals[RECORDS_CHANGED], 0);
      delay = self->period_ms;
    }
  else
    {
      guint retry = kith_sync_client_get_retry_delay (KITH_SYNC_CLIENT (source));

      /* The message is the core's, for people: no names or record text. */
      g_debug ("Sync failed: %s", error->message);
      self->not_before = g_get_monotonic_time () + (gint64) retry * 1000;
      delay = retry > 0 ? retry : self->period_ms;
    }

  /* An edit saved during the cycle may have missed it. */
  if (self->edited_while_syncing)
    {
      self->edited_while_syncing = FALSE;
      delay = MIN (delay, MAX (self->after_edit_ms, get_backoff_left_ms (self)));
    }

  schedule_sync (self, delay);
}

static void
start_cycle (KithSyncScheduler *self)
{
  if (kith_sync_client_get_syncing (self->client))
    {
      self->edited_while_syncing = TRUE;
      return;
    }
  if (!can_sync_by_itself (self))
    {
      /* Nothing to do until the switch or a sign-in changes that; see
       * on_client_state_changed_cb(). The timer keeps going all the same,
       * in case a notification was missed. */
      schedule_sync (self, self->period_ms);
      return;
    }

  self->edited_while_syncing = FALSE;
  self->n_cycles++;
  kith_sync_client_sync_async (self->client, self->cancellable, on_sync_finished_cb,
                               g_object_ref (self));
}

static void
on_client_state_changed_cb (KithSyncScheduler *self,
                            GParamSpec        *pspec,
                            KithSyncClient    *client)
{
  /* Back online, or signed in again: send what waited, now. */
  if (self->started && can_sync_by_itself (self) && !kith_sync_client_get_syncing (client))
    schedule_sync (self, 0);
}

static gboolean
on_refresh_timeout_cb (gpointer user_data)
{
  KithSyncScheduler *self = user_data;

  self->refresh_source = 0;
  kith_sync_client_refresh (self->client);
  return G_SOURCE_REMOVE;
}

static void
on_token_looked_up_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(KithSyncScheduler) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token = secret_password_lookup_finish (result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      secret_password_free (token);
      return;
    }
  if (error != NULL)
    g_debug ("The keyring could not be read: %s", error->message);
  if (token != NULL && !self->token_given)
    kith_sync_client_set_token (self->client, token);
  secret_password_free (token);

  schedule_sync (self, 0);
}

static void
kith_sync_scheduler_dispose (GObject *object)
{
  KithSyncScheduler *self = KITH_SYNC_SCHEDULER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->sync_source, g_source_remove);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);

  G_OBJECT_CLASS (kith_sync_scheduler_parent_class)->dispose (object);
}

static void
kith_sync_scheduler_finalize (GObject *object)
{
  KithSyncScheduler *self = KITH_SYNC_SCHEDULER (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_free (self->user);

  G_OBJECT_CLASS (kith_sync_scheduler_parent_class)->finalize (object);
}

static void
kith_sync_scheduler_class_init (KithSyncSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kith_sync_scheduler_dispose;
  object_class->finalize = kith_sync_scheduler_finalize;

  /**
   * KithSyncScheduler::records-changed:
   *
   * A cycle brought changes made elsewhere into the store (pulled, or
   * merged with an edit made here): what is on screen may be out of date.
   */
  signals[RECORDS_CHANGED] =
    g_signal_new ("records-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
kith_sync_scheduler_init (KithSyncScheduler *self)
{
  self->cancellable = g_cancellable_new ();
  self->period_ms = DEFAULT_PERIOD_MS;
  self->after_edit_ms = DEFAULT_AFTER_EDIT_MS;
}

KithSyncScheduler *
kith_sync_scheduler_new (const char *store_path,
                         const char *server_url,
                         const char *user)
{
  KithSyncScheduler *self;

  g_return_val_if_fail (store_path != NULL, NULL);
  g_return_val_if_fail (server_url != NULL, NULL);

  self = g_object_new (KITH_TYPE_SYNC_SCHEDULER, NULL);
  self->client = kith_sync_client_new (store_path, server_url);
  self->user = user != NULL && *user != '\0' ? g_strdup (user) : NULL;

  g_signal_connect_object (self->client, "notify::work-offline",
                           G_CALLBACK (on_client_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::sign-in-needed",
                           G_CALLBACK (on_client_state_changed_cb), self, G_CONNECT_SWAPPED);

  return self;
}

KithSyncClient *
kith_sync_scheduler_get_client (KithSyncScheduler *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_SCHEDULER (self), NULL);

  return self->client;
}

const char *
kith_sync_scheduler_get_user (KithSyncScheduler *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_SCHEDULER (self), NULL);

  return self->user;
}

void
kith_sync_scheduler_start (KithSyncScheduler *self)
{
  g_return_if_fail (KITH_IS_SYNC_SCHEDULER (self));

  if (self->started)
    return;
  self->started = TRUE;

  if (self->user == NULL)
    {
      schedule_sync (self, 0);
      return;
    }

  secret_password_lookup (kith_secret_get_token_schema (), self->cancellable,
                          on_token_looked_up_cb, g_object_ref (self),
                          "server", kith_sync_client_get_base_url (self->client),
                          "user", self->user,
                          NULL);
}

void
kith_sync_scheduler_set_token (KithSyncScheduler *self,
                               const char        *token)
{
  g_return_if_fail (KITH_IS_SYNC_SCHEDULER (self));

  self->token_given = TRUE;
  self->not_before = 0;
  /* Clears sign-in-needed, which syncs (on_client_state_changed_cb) */
  kith_sync_client_set_token (self->client, token);
  if (self->started && can_sync_by_itself (self) && !kith_sync_client_get_syncing (self->client))
    schedule_sync (self, 0);
}

void
kith_sync_scheduler_sync_now (KithSyncScheduler *self)
{
  g_return_if_fail (KITH_IS_SYNC_SCHEDULER (self));

  self->not_before = 0;
  if (kith_sync_client_get_syncing (self->client))
    {
      self->edited_while_syncing = TRUE;
      return;
    }
  g_clear_handle_id (&self->sync_source, g_source_remove);
  start_cycle (self);
}

void
kith_sync_scheduler_queue_changed (KithSyncScheduler *self)
{
  g_return_if_fail (KITH_IS_SYNC_SCHEDULER (self));

  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, on_refresh_timeout_cb, self);

  if (kith_sync_client_get_syncing (self->client))
    self->edited_while_syncing = TRUE;
  else if (self->started)
    schedule_sync (self, MAX (self->after_edit_ms, get_backoff_left_ms (self)));
}

void
kith_sync_scheduler_set_intervals (KithSyncScheduler *self,
                                   guint              period_ms,
                                   guint              after_edit_ms)
{
  g_return_if_fail (KITH_IS_SYNC_SCHEDULER (self));

  self->period_ms = MAX (period_ms, 100);
  self->after_edit_ms = after_edit_ms;
}

guint
kith_sync_scheduler_get_n_cycles (KithSyncScheduler *self)
{
  g_return_val_if_fail (KITH_IS_SYNC_SCHEDULER (self), 0);

  return self->n_cycles;
}
