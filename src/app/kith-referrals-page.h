/* kith-referrals-page.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_REFERRALS_PAGE (kith_referrals_page_get_type ())

G_DECLARE_FINAL_TYPE (KithReferralsPage, kith_referrals_page, KITH, REFERRALS_PAGE, AdwBin)

/* The single point of referral: the inbox of referrals from every source,
 * waiting ones first and the most urgent at the top, with the triage
 * (accept, request information, decline) for the one selected and how
 * quickly referrals were triaged and the person contacted this month.
 * Properties: "store" (KithStore), "my-name" (the professional's name:
 * the co-ordinator an acceptance offers first). Signal "open-person"
 * (the patient id) asks the window to show the person's record. */
GtkWidget    *kith_referrals_page_new              (void);
KithStore    *kith_referrals_page_get_store        (KithReferralsPage *self);
void          kith_referrals_page_set_store        (KithReferralsPage *self,
                                                    KithStore         *store);
const char   *kith_referrals_page_get_my_name      (KithReferralsPage *self);
void          kith_referrals_page_set_my_name      (KithReferralsPage *self,
                                                    const char        *my_name);
/* Reads the referrals again (after a sync, or a contact logged). */
void          kith_referrals_page_reload           (KithReferralsPage *self);
/* Opens the intake dialog, for @patient_id when given. */
void          kith_referrals_page_new_referral     (KithReferralsPage *self,
                                                    const char        *patient_id);

/* When a referral was received, as a person says it relative to @now
 * (NULL: the current time): "Just now", "2 hours ago", "Yesterday at
 * 14:05", "3 Mar at 14:05", "30 Dec 2025" (another year). */
char         *kith_referrals_page_format_received  (const char        *instant,
                                                    GDateTime         *now);
/* "Median 3 h to triage, 2 days to first contact this month" */
char         *kith_referrals_page_format_times     (const KithReferralTimes *times);

/* For the GUI tests */
typedef enum
{
  KITH_REFERRALS_SHOW_WAITING,
  KITH_REFERRALS_SHOW_INFO_REQUESTED,
  KITH_REFERRALS_SHOW_ACCEPTED,
  KITH_REFERRALS_SHOW_DECLINED,
} KithReferralsShow;

void          kith_referrals_page_set_showing      (KithReferralsPage *self,
                                                    KithReferralsShow  showing);
GtkListBox   *kith_referrals_page_get_list         (KithReferralsPage *self);
/* The referral on @row of the list (transfer none) */
const KithReferral *kith_referrals_page_get_row_referral (KithReferralsPage *self,
                                                          GtkListBoxRow     *row);
/* The one selected (transfer none), or NULL */
const KithReferral *kith_referrals_page_get_selected (KithReferralsPage *self);
GtkButton    *kith_referrals_page_get_new_button    (KithReferralsPage *self);
GtkButton    *kith_referrals_page_get_accept_button (KithReferralsPage *self);
GtkButton    *kith_referrals_page_get_request_button (KithReferralsPage *self);
GtkButton    *kith_referrals_page_get_received_button (KithReferralsPage *self);
GtkButton    *kith_referrals_page_get_decline_button (KithReferralsPage *self);
GtkButton    *kith_referrals_page_get_open_button   (KithReferralsPage *self);
GtkLabel     *kith_referrals_page_get_times_label   (KithReferralsPage *self);
/* The tab's label: "Waiting (3)" */
const char   *kith_referrals_page_get_tab_label     (KithReferralsPage *self,
                                                     KithReferralsShow  showing);

G_END_DECLS
