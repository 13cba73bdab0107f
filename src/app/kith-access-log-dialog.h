/* kith-access-log-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_ACCESS_LOG_DIALOG (kith_access_log_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithAccessLogDialog, kith_access_log_dialog, KITH, ACCESS_LOG_DIALOG, AdwWindow)

/* "Who has looked at my record?": the practice server's audit of one
 * person, for administrators (the server refuses anyone else, and the
 * dialog says so), in words, with a printout for the person. */
GtkWidget *kith_access_log_dialog_new         (GtkWindow           *parent,
                                               KithSyncClient      *client,
                                               const char          *patient_id,
                                               const char          *person_name);
/* Emergency access to review: for a team lead, their team's; for an
 * administrator, everyone's (the server refuses anyone else). */
GtkWidget *kith_access_log_dialog_new_for_review (GtkWindow      *parent,
                                                  KithSyncClient *client);
/* For the GUI tests: "loading", "error" or "entries", and what is listed. */
const char *kith_access_log_dialog_get_state  (KithAccessLogDialog *self);
GPtrArray  *kith_access_log_dialog_get_entries (KithAccessLogDialog *self);
gboolean    kith_access_log_dialog_print_to   (KithAccessLogDialog *self,
                                               const char          *path,
                                               GError             **error);

G_END_DECLS
