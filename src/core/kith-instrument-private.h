/* kith-instrument-private.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kith-instrument.h"
#include "kith-rule.h"

G_BEGIN_DECLS

/* An alert, offer or indication as the instrument file defines it. */
typedef struct
{
  KithFindingKind  kind;
  char            *name;
  char            *title;
  char            *advice;
  char            *severity;
  gboolean         requires_action;
  char            *offer_instrument;
  KithRule        *when;
} KithFindingDef;

GPtrArray  *kith_instrument_get_finding_defs (KithInstrument *self);
/* Position in the assessment within its domain (the "order" part). */
int         kith_instrument_get_order        (KithInstrument *self);
KithFinding *kith_finding_new_from_def       (KithInstrument       *instrument,
                                              const KithFindingDef *def,
                                              const char           *why);

G_END_DECLS
