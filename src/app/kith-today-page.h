/* kith-today-page.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_TODAY_PAGE (kith_today_page_get_type ())

G_DECLARE_FINAL_TYPE (KithTodayPage, kith_today_page, KITH, TODAY_PAGE, AdwBin)

/* The co-ordinator's planned home visits for a day (today to start with),
 * one card each: the time, the person and their address, the crisis plan
 * in short (warning signs, who to call) and their open plan actions, with
 * Log Visit, Print Summary and Open Record. Properties "store"
 * (KithStore) and "my-name" (the professional, as visits name them);
 * signal ::open-person (the patient id). Works offline: everything is read
 * from the store. */
GtkWidget  *kith_today_page_new          (void);
KithStore  *kith_today_page_get_store    (KithTodayPage *self);
void        kith_today_page_set_store    (KithTodayPage *self,
                                          KithStore     *store);
const char *kith_today_page_get_my_name  (KithTodayPage *self);
void        kith_today_page_set_my_name  (KithTodayPage *self,
                                          const char    *my_name);
/* Reads the visits again (after a sync, or a visit planned elsewhere). */
void        kith_today_page_reload       (KithTodayPage *self);
/* The day shown; NULL goes back to today. */
void        kith_today_page_set_day      (KithTodayPage *self,
                                          const GDate   *day);
/* For the GUI tests: the cards' count, a card's Log Visit button (NULL
 * when that visit has no card), and the contact dialog last opened. */
guint       kith_today_page_get_n_visits (KithTodayPage *self);
GtkWidget  *kith_today_page_get_log_button (KithTodayPage *self,
                                            const char    *encounter_id);
GtkWidget  *kith_today_page_get_dialog   (KithTodayPage *self);

G_END_DECLS
