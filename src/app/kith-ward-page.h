/* kith-ward-page.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_WARD_PAGE (kith_ward_page_get_type ())

G_DECLARE_FINAL_TYPE (KithWardPage, kith_ward_page, KITH, WARD_PAGE, AdwBin)

/* The virtual ward: "12 of 25 places" with a level bar, who is on it with
 * the day they were admitted and how many days since, Admit… (a person
 * found by name or NHS number; beyond the capacity only once confirmed)
 * and Discharge for each. Properties "store" and "my-name" (the clinician
 * responsible for those admitted here); signal ::open-person (patient id). */
GtkWidget  *kith_ward_page_new          (void);
KithStore  *kith_ward_page_get_store    (KithWardPage *self);
void        kith_ward_page_set_store    (KithWardPage *self,
                                         KithStore    *store);
const char *kith_ward_page_get_my_name  (KithWardPage *self);
void        kith_ward_page_set_my_name  (KithWardPage *self,
                                         const char   *my_name);
void        kith_ward_page_reload       (KithWardPage *self);
/* For the GUI tests: "12 of 25 places" as shown */
const char *kith_ward_page_get_places_text (KithWardPage *self);

/* The Places popover's number, for tests */
GtkSpinButton *kith_ward_page_get_places_spin (KithWardPage *self);

G_END_DECLS
