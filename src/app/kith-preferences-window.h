/* kith-preferences-window.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KITH_TYPE_PREFERENCES_WINDOW (kith_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (KithPreferencesWindow, kith_preferences_window, KITH, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Your name and team, the idle lock, and the practice's CA file, all kept
 * in @settings (the app's). */
KithPreferencesWindow *kith_preferences_window_new         (GtkWindow             *parent,
                                                            GSettings             *settings);
/* Checks that @path holds a CA certificate, then keeps it: what choosing a
 * file in the dialog does. NULL goes back to the system's CAs. */
gboolean               kith_preferences_window_set_ca_file (KithPreferencesWindow *self,
                                                            const char            *path,
                                                            GError               **error);

/* For the GUI tests */
AdwActionRow          *kith_preferences_window_get_ca_row  (KithPreferencesWindow *self);
GtkSpinButton         *kith_preferences_window_get_lock_spin (KithPreferencesWindow *self);
AdwEntryRow           *kith_preferences_window_get_name_row (KithPreferencesWindow *self);
AdwEntryRow           *kith_preferences_window_get_team_row (KithPreferencesWindow *self);

G_END_DECLS
