/* kith-alert-box.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kith-core.h"

G_BEGIN_DECLS

#define KITH_TYPE_ALERT_BOX (kith_alert_box_get_type ())

G_DECLARE_FINAL_TYPE (KithAlertBox, kith_alert_box, KITH, ALERT_BOX, GtkWidget)

GtkWidget *kith_alert_box_new          (void);
/* Shows the open safety alerts of @patient_id, if any; hidden otherwise.
 * @store NULL empties it. */
void       kith_alert_box_set_patient  (KithAlertBox *self,
                                        KithStore    *store,
                                        const char   *patient_id);
void       kith_alert_box_reload       (KithAlertBox *self);
guint      kith_alert_box_get_n_alerts (KithAlertBox *self);
/* "Record action…" for alert @index: the dialog, presented. */
GtkWidget *kith_alert_box_record_action (KithAlertBox *self,
                                         guint         index);

G_END_DECLS
