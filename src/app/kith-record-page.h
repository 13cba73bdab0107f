/* kith-record-page.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-alert-box.h"
#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_RECORD_PAGE (kith_record_page_get_type ())

G_DECLARE_FINAL_TYPE (KithRecordPage, kith_record_page, KITH, RECORD_PAGE, GtkWidget)

GtkWidget   *kith_record_page_new         (void);
KithPatient *kith_record_page_get_patient (KithRecordPage    *self);
/* @patient NULL shows "Choose a person". @entry, the person's caseload
 * row, gives what the list already knows (co-ordinator, next review). */
void         kith_record_page_set_person  (KithRecordPage    *self,
                                           KithPatient       *patient,
                                           KithCaseloadEntry *entry);
/* The store the person's assessments, carers and alerts are read from */
void         kith_record_page_set_store   (KithRecordPage    *self,
                                           KithStore         *store);
/* Reads the assessments, carers and open alerts again. */
void         kith_record_page_reload      (KithRecordPage    *self);
/* "Start assessment", or "Resume assessment" when one is paused */
GtkWidget   *kith_record_page_get_assessment_button (KithRecordPage *self);
KithAlertBox *kith_record_page_get_alert_box (KithRecordPage   *self);
/* The person's caseload row read again (after a save): what it knows
 * (review date, co-ordinator, risk tier) is shown. Ignored for anyone
 * else's row. */
void         kith_record_page_update_entry (KithRecordPage    *self,
                                            KithCaseloadEntry *entry);
/* For the GUI tests: the "Frailty and risk" group, the tier in use
 * ("Severe frailty (clinician’s judgement, …)") and the frailty index
 * ("0.31 · Moderate frailty · 11 of 36 deficits") as shown. */
AdwPreferencesGroup *kith_record_page_get_frailty_group (KithRecordPage *self);
const char  *kith_record_page_get_tier_text    (KithRecordPage    *self);
const char  *kith_record_page_get_frailty_text (KithRecordPage    *self);
/* The history of tiers and scores, and the deficits found: expander rows */
AdwExpanderRow *kith_record_page_get_risk_history_row (KithRecordPage *self);
AdwExpanderRow *kith_record_page_get_deficits_row     (KithRecordPage *self);

/* The connection to the practice server, for the record's audit and for
 * emergency access; NULL when working without a server. */
void         kith_record_page_set_sync_client (KithRecordPage *self,
                                               KithSyncClient *client);
/* For the GUI tests: what the record says is withheld, or NULL. */
const char  *kith_record_page_get_withheld_text (KithRecordPage *self);

/* For the GUI tests: "Died on 3 March 2026, …" as shown, or NULL. */
const char  *kith_record_page_get_death_text   (KithRecordPage    *self);

G_END_DECLS
