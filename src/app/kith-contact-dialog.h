/* kith-contact-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_CONTACT_DIALOG (kith_contact_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithContactDialog, kith_contact_dialog, KITH, CONTACT_DIALOG, AdwWindow)

/* Logs a contact with the person: date and time (now), type, who was there
 * (@my_name first), notes and, if it served one, an action of their plan.
 * Save is offered once the fields are complete; the core's refusal is
 * shown in the dialog, with everything typed kept. ::saved (the
 * Encounter's id) once it is recorded; the dialog then closes. */
GtkWidget   *kith_contact_dialog_new           (GtkWindow         *parent,
                                                KithStore         *store,
                                                const char        *patient_id,
                                                const char        *my_name);
/* Logs the planned visit @encounter_id: prefilled from it, as a home visit. */
GtkWidget   *kith_contact_dialog_new_for_visit (GtkWindow         *parent,
                                                KithStore         *store,
                                                const char        *encounter_id,
                                                const char        *my_name);
/* Plans a home visit on @day (NULL: today); with @patient_id NULL the
 * person is found by name or NHS number in the dialog. */
GtkWidget   *kith_contact_dialog_new_plan      (GtkWindow         *parent,
                                                KithStore         *store,
                                                const char        *patient_id,
                                                const char        *my_name,
                                                const GDate       *day);

/* Records it now, as Save does; FALSE with @error when the core refuses
 * (the dialog stays open and shows why). */
gboolean     kith_contact_dialog_save          (KithContactDialog *self,
                                                GError           **error);
/* For the GUI tests */
GtkWidget   *kith_contact_dialog_get_save_button (KithContactDialog *self);
GtkEditable *kith_contact_dialog_get_date        (KithContactDialog *self);
GtkEditable *kith_contact_dialog_get_time        (KithContactDialog *self);
GtkEditable *kith_contact_dialog_get_who         (KithContactDialog *self);
GtkTextView *kith_contact_dialog_get_notes       (KithContactDialog *self);
AdwComboRow *kith_contact_dialog_get_kind_row    (KithContactDialog *self);
AdwComboRow *kith_contact_dialog_get_action_row  (KithContactDialog *self);
GtkEditable *kith_contact_dialog_get_person_search (KithContactDialog *self);
GtkListBox  *kith_contact_dialog_get_person_list (KithContactDialog *self);
/* The problem shown in the dialog, or NULL */
const char  *kith_contact_dialog_get_error       (KithContactDialog *self);

G_END_DECLS
