/* kith-option-group.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KITH_TYPE_OPTION_GROUP (kith_option_group_get_type ())

G_DECLARE_FINAL_TYPE (KithOptionGroup, kith_option_group, KITH, OPTION_GROUP, GtkWidget)

GtkWidget *kith_option_group_new           (void);
/* Adds an option button; returns its index. */
guint      kith_option_group_append        (KithOptionGroup *self,
                                            const char      *label);
guint      kith_option_group_get_n_options (KithOptionGroup *self);
GtkWidget *kith_option_group_get_option    (KithOptionGroup *self,
                                            guint            index);
/* The option shown as chosen, or -1 for none. Emits nothing. */
int        kith_option_group_get_active    (KithOptionGroup *self);
void       kith_option_group_set_active    (KithOptionGroup *self,
                                            int              index);

G_END_DECLS
