/* kith-window.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"
#include "kith-lock-screen.h"

G_BEGIN_DECLS

#define KITH_TYPE_WINDOW (kith_window_get_type ())

G_DECLARE_FINAL_TYPE (KithWindow, kith_window, KITH, WINDOW, AdwApplicationWindow)

/* @settings may be NULL: the window then keeps its size for this run only. */
KithWindow   *kith_window_new              (GtkApplication *application,
                                            GSettings      *settings);
/* @caseload: the caseload over @store, or NULL to read it here */
void          kith_window_set_store        (KithWindow     *self,
                                            KithStore      *store,
                                            KithCaseload   *caseload);
/* Instead of the caseload, explains why the store could not be opened. */
void          kith_window_show_store_error (KithWindow     *self,
                                            const GError   *error);
KithCaseload *kith_window_get_caseload     (KithWindow     *self);

/* Locked, the records are hidden (not destroyed) behind the lock screen;
 * KithApplication locks and unlocks every window at once. */
void            kith_window_set_locked      (KithWindow     *self,
                                             gboolean        locked);
gboolean        kith_window_get_locked      (KithWindow     *self);
KithLockScreen *kith_window_get_lock_screen (KithWindow     *self);
/* Signing out: sync stops until someone signs in again. */
void            kith_window_stop_sync       (KithWindow     *self);

G_END_DECLS
