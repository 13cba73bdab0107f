/* kith-referral-dialog.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

/* --- intake ---------------------------------------------------------------- */

#define KITH_TYPE_REFERRAL_DIALOG (kith_referral_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithReferralDialog, kith_referral_dialog, KITH, REFERRAL_DIALOG, AdwWindow)

/* A new referral: who (someone already in Kith, found by name or NHS
 * number, or someone new), where it came from, who referred, why, how
 * urgent, and when it was received (now, unless changed). Modal; Escape
 * cancels. Emits "received" (KithReferral) once it is saved, then closes.
 * @patient_id (may be NULL) chooses the person to start with. */
KithReferralDialog *kith_referral_dialog_new          (GtkWindow          *parent,
                                                       KithStore          *store,
                                                       const char         *patient_id);

/* For the GUI tests */
GtkCheckButton     *kith_referral_dialog_get_existing_check (KithReferralDialog *self);
GtkCheckButton     *kith_referral_dialog_get_new_check      (KithReferralDialog *self);
GtkEditable        *kith_referral_dialog_get_search_entry   (KithReferralDialog *self);
GtkListBox         *kith_referral_dialog_get_results_list   (KithReferralDialog *self);
/* The person chosen from the search, or NULL */
const char         *kith_referral_dialog_get_patient_id     (KithReferralDialog *self);
GtkEditable        *kith_referral_dialog_get_given_row      (KithReferralDialog *self);
GtkEditable        *kith_referral_dialog_get_family_row     (KithReferralDialog *self);
GtkEditable        *kith_referral_dialog_get_birth_row      (KithReferralDialog *self);
GtkEditable        *kith_referral_dialog_get_nhs_row        (KithReferralDialog *self);
/* The NHS number's message under the field ("" when there is nothing to say) */
GtkLabel           *kith_referral_dialog_get_nhs_message    (KithReferralDialog *self);
AdwComboRow        *kith_referral_dialog_get_source_row     (KithReferralDialog *self);
GtkEditable        *kith_referral_dialog_get_referrer_row   (KithReferralDialog *self);
AdwComboRow        *kith_referral_dialog_get_urgency_row    (KithReferralDialog *self);
GtkEditable        *kith_referral_dialog_get_date_row       (KithReferralDialog *self);
GtkEditable        *kith_referral_dialog_get_time_row       (KithReferralDialog *self);
GtkTextBuffer      *kith_referral_dialog_get_reason_buffer  (KithReferralDialog *self);
GtkLabel           *kith_referral_dialog_get_error_label    (KithReferralDialog *self);
GtkButton          *kith_referral_dialog_get_add_button     (KithReferralDialog *self);

/* --- triage ---------------------------------------------------------------- */

typedef enum
{
  KITH_TRIAGE_ACCEPT,
  KITH_TRIAGE_REQUEST_INFO,
  KITH_TRIAGE_DECLINE,
} KithTriageKind;

#define KITH_TYPE_TRIAGE_DIALOG (kith_triage_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KithTriageDialog, kith_triage_dialog, KITH, TRIAGE_DIALOG, AdwMessageDialog)

/* Accept (with the co-ordinator, @my_name to start with, or one of
 * @coordinators), request information (what is needed) or decline (the
 * reason). The response "cancel", or "accept", "request" or "decline",
 * enabled only once the text is given. The change is made in the store
 * on that response: "saved" then, or "failed" (the message) when the
 * core refuses it. */
KithTriageDialog   *kith_triage_dialog_new            (GtkWindow           *parent,
                                                       KithStore           *store,
                                                       const KithReferral  *referral,
                                                       KithTriageKind       kind,
                                                       const char          *my_name,
                                                       const char * const  *coordinators);
KithTriageKind      kith_triage_dialog_get_kind       (KithTriageDialog    *self);
/* The co-ordinator, what is needed, or the reason */
GtkEditable        *kith_triage_dialog_get_text_row   (KithTriageDialog    *self);
/* The response id that makes the change */
const char         *kith_triage_dialog_get_response   (KithTriageDialog    *self);

G_END_DECLS
