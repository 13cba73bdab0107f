/* kith-lock-screen.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum
{
  KITH_LOCK_SCREEN_LOCKED,      /* "Locked", the user, and a password to unlock */
  KITH_LOCK_SCREEN_SIGNED_OUT,  /* "Signed Out", and Sign In… */
} KithLockScreenMode;

#define KITH_TYPE_LOCK_SCREEN (kith_lock_screen_get_type ())

G_DECLARE_FINAL_TYPE (KithLockScreen, kith_lock_screen, KITH, LOCK_SCREEN, AdwBin)

/* What a window shows instead of the records while locked. It only asks:
 * "unlock" (with the password typed) is checked by KithApplication, which
 * says how that went with set_busy() and set_problem(). */
GtkWidget         *kith_lock_screen_new                (void);
void               kith_lock_screen_set_mode           (KithLockScreen     *self,
                                                        KithLockScreenMode  mode);
KithLockScreenMode kith_lock_screen_get_mode           (KithLockScreen     *self);
/* Who is signed in, as they would recognise themselves */
void               kith_lock_screen_set_user           (KithLockScreen     *self,
                                                        const char         *name);
/* Checking the password: Unlock waits. */
void               kith_lock_screen_set_busy           (KithLockScreen     *self,
                                                        gboolean            busy);
gboolean           kith_lock_screen_get_busy           (KithLockScreen     *self);
/* Why it did not unlock, in words; NULL to clear */
void               kith_lock_screen_set_problem        (KithLockScreen     *self,
                                                        const char         *problem);
const char        *kith_lock_screen_get_problem        (KithLockScreen     *self);
/* Empties the password entry, and puts the focus there. */
void               kith_lock_screen_reset_password     (KithLockScreen     *self);

/* For the GUI tests */
GtkEditable       *kith_lock_screen_get_password_entry (KithLockScreen     *self);
GtkWidget         *kith_lock_screen_get_unlock_button  (KithLockScreen     *self);

G_END_DECLS
