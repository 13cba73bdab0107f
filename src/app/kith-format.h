/* kith-format.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kith-core.h"

G_BEGIN_DECLS

typedef enum
{
  KITH_DATE_STYLE_SHORT, /* "3 Mar 2026", for lists */
  KITH_DATE_STYLE_LONG,  /* "3 March 2026", for the record */
} KithDateStyle;

char *kith_format_iso_date (const char    *iso_date,
                            KithDateStyle  style);
char *kith_format_count    (guint          count);
char *kith_format_instant  (const char    *iso_instant);
/* When the last sync succeeded, as a person says it, relative to @now
 * (NULL: the current time): "Last synced 14:32", "Last synced yesterday at
 * 14:32", "Last synced on 3 March". NULL for no instant. */
char *kith_format_last_synced (const char *iso_instant,
                               GDateTime  *now);
char *kith_format_answer   (const KithInstrumentItem *item,
                            const KithAnswer         *answer);
char *kith_format_score    (KithInstrument           *instrument,
                            const KithScore          *score,
                            const char               *separator);
/* "Moderate frailty" for the tier "moderate" (fit … severe); NULL for
 * anything else, or NULL. */
const char *kith_format_risk_tier (const char *tier);

G_END_DECLS
