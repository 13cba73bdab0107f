/* kith-caseload-cell.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KITH_TYPE_CASELOAD_CELL (kith_caseload_cell_get_type ())

G_DECLARE_FINAL_TYPE (KithCaseloadCell, kith_caseload_cell, KITH, CASELOAD_CELL, GtkWidget)

GtkWidget  *kith_caseload_cell_new          (void);
const char *kith_caseload_cell_get_text     (KithCaseloadCell *self);
void        kith_caseload_cell_set_text     (KithCaseloadCell *self,
                                             const char       *text);
void        kith_caseload_cell_set_numeric  (KithCaseloadCell *self,
                                             gboolean          numeric);
void        kith_caseload_cell_set_nat_chars(KithCaseloadCell *self,
                                             guint             nat_chars);

G_END_DECLS
