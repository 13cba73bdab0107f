/* kith-sharing-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_SHARING_DIALOG (kith_sharing_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithSharingDialog, kith_sharing_dialog, KITH, SHARING_DIALOG, AdwWindow)

/* The person's choices about who sees their record, made with them and
 * recorded with their words as a FHIR Consent (kith_sharing_save()). The
 * core's refusal is shown with what was chosen kept; ::saved once
 * recorded, and the dialog closes. */
GtkWidget   *kith_sharing_dialog_new      (GtkWindow         *parent,
                                           KithStore         *store,
                                           const char        *patient_id,
                                           const char        *my_name);
gboolean     kith_sharing_dialog_save     (KithSharingDialog *self,
                                           GError           **error);

/* For the GUI tests: the choice being added, as a person would set it. */
void         kith_sharing_dialog_set_new_rule (KithSharingDialog *self,
                                               gboolean           permit,
                                               const char        *role,
                                               const char        *team,
                                               guint              sections);
void         kith_sharing_dialog_add_rule (KithSharingDialog *self);
guint        kith_sharing_dialog_get_n_rules (KithSharingDialog *self);
void         kith_sharing_dialog_remove_rule (KithSharingDialog *self,
                                              guint              index);
GtkEditable *kith_sharing_dialog_get_words (KithSharingDialog *self);
GtkSwitch   *kith_sharing_dialog_get_share_switch (KithSharingDialog *self);

G_END_DECLS
