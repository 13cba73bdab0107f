/* kith-sync-scheduler.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_SYNC_SCHEDULER (kith_sync_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (KithSyncScheduler, kith_sync_scheduler, KITH, SYNC_SCHEDULER, GObject)

/* Background sync of the store at @store_path with @server_url: at start,
 * every period, soon after each local edit, and again after a failure when
 * the client's backoff allows. Signed in as @user (token from the keyring)
 * when @user is not NULL or empty. */
KithSyncScheduler *kith_sync_scheduler_new             (const char        *store_path,
                                                        const char        *server_url,
                                                        const char        *user);
KithSyncClient    *kith_sync_scheduler_get_client      (KithSyncScheduler *self);
const char        *kith_sync_scheduler_get_user        (KithSyncScheduler *self);
/* Looks the token up, then syncs. */
void               kith_sync_scheduler_start           (KithSyncScheduler *self);
/* Signed in just now: use @token (and not what the keyring held). */
void               kith_sync_scheduler_set_token       (KithSyncScheduler *self,
                                                        const char        *token);
/* Someone asked: sync now, whatever the backoff says. */
void               kith_sync_scheduler_sync_now        (KithSyncScheduler *self);
/* A local edit was saved: count the queue again and sync shortly, so a
 * burst of answers goes in one cycle. */
void               kith_sync_scheduler_queue_changed   (KithSyncScheduler *self);
/* For tests: the period between syncs, and the wait after an edit. */
void               kith_sync_scheduler_set_intervals   (KithSyncScheduler *self,
                                                        guint              period_ms,
                                                        guint              after_edit_ms);
/* How many cycles have started: for tests. */
guint              kith_sync_scheduler_get_n_cycles    (KithSyncScheduler *self);

G_END_DECLS
