/* kith-sync-indicator.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_SYNC_INDICATOR (kith_sync_indicator_get_type ())

G_DECLARE_FINAL_TYPE (KithSyncIndicator, kith_sync_indicator, KITH, SYNC_INDICATOR, GtkWidget)

GtkWidget      *kith_sync_indicator_new          (void);
/* NULL: no practice server is set up */
void            kith_sync_indicator_set_client   (KithSyncIndicator *self,
                                                  KithSyncClient    *client);
KithSyncClient *kith_sync_indicator_get_client   (KithSyncIndicator *self);

/* For tests and screenshots: what the popover says */
const char     *kith_sync_indicator_get_title    (KithSyncIndicator *self);
const char     *kith_sync_indicator_get_detail   (KithSyncIndicator *self);
const char     *kith_sync_indicator_get_last_synced (KithSyncIndicator *self);
GtkMenuButton  *kith_sync_indicator_get_button   (KithSyncIndicator *self);
GtkPopover     *kith_sync_indicator_get_popover  (KithSyncIndicator *self);
GtkSwitch      *kith_sync_indicator_get_work_offline_switch (KithSyncIndicator *self);

G_END_DECLS
