/* kith-need-row.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_NEED_ROW (kith_need_row_get_type ())

G_DECLARE_FINAL_TYPE (KithNeedRow, kith_need_row, KITH, NEED_ROW, GtkWidget)

/* One need in the summary, proposed with why, to accept (reworded if
 * wanted) or dismiss with a reason. ::decided follows a saved decision. */
GtkWidget  *kith_need_row_new            (KithAssessment *assessment,
                                          const KithNeed *need);
const char *kith_need_row_get_need_id    (KithNeedRow    *self);
void        kith_need_row_accept         (KithNeedRow    *self);
/* Opens the reason entry, or with it open, dismisses with its text. */
void        kith_need_row_dismiss        (KithNeedRow    *self);
GtkEditable *kith_need_row_get_title_entry  (KithNeedRow *self);
GtkEditable *kith_need_row_get_reason_entry (KithNeedRow *self);
/* The core's refusal, as shown; NULL when none */
const char *kith_need_row_get_error      (KithNeedRow    *self);

G_END_DECLS
