/* kith-application.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"
#include "kith-lock.h"

G_BEGIN_DECLS

#define KITH_TYPE_APPLICATION (kith_application_get_type ())

G_DECLARE_FINAL_TYPE (KithApplication, kith_application, KITH, APPLICATION, AdwApplication)

KithApplication *kith_application_new             (void);
const char      *kith_application_get_profile_dir (KithApplication *self);
KithStore       *kith_application_get_store       (KithApplication *self);
GSettings       *kith_application_get_settings    (KithApplication *self);
/* The idle lock shared by every window: "locked" hides their records. */
KithIdleLock    *kith_application_get_idle_lock   (KithApplication *self);
/* Checks @password: with the practice server when it is reachable (a
 * fresh token comes with it), else against the hash in the keyring; and
 * unlocks every window, or says on the lock screens why not. */
void             kith_application_unlock          (KithApplication *self,
                                                   const char      *password);
/* Someone signed in with the Sign In dialog: after signing out, the
 * records come back. */
void             kith_application_note_signed_in  (KithApplication *self);

/* The app's settings, or NULL when the schema is not installed (a test
 * or an uninstalled build without GSETTINGS_SCHEMA_DIR). */
GSettings       *kith_settings_new                (void);
/* Has @client trust the practice's CA file from the "ca-file" setting of
 * @settings (NULL: the app's), or the system's CAs when it is empty. FALSE
 * with a message naming the file when it cannot be used. */
gboolean         kith_apply_ca_file_setting       (KithSyncClient  *client,
                                                   GSettings       *settings,
                                                   GError         **error);

/* The name the professional gave Kith (the "my-name" setting, as they are
 * named as co-ordinator on care plans), or NULL when they have not. */
char            *kith_dup_my_name                 (void);
/* The professional using Kith, by name, as it goes on what they record
 * (an assessment's author, who acted on an alert). Kith has no sign-in
 * yet, so this is the name they gave Kith, else the account's real name,
 * or "Kith user" when the system does not know it. */
char            *kith_dup_professional_name       (void);

G_END_DECLS
