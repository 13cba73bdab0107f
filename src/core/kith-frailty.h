/* kith-frailty.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

/* The electronic frailty index (Clegg et al., 2016): the deficits found in
 * a person's record, divided by 36. The deficits, the codes and words that
 * find them, and the bands are data: data/rules/frailty-index.json. */

typedef enum
{
  KITH_FRAILTY_FIT,
  KITH_FRAILTY_MILD,
  KITH_FRAILTY_MODERATE,
  KITH_FRAILTY_SEVERE,
} KithFrailtyBand;

typedef struct
{
  char *id;         /* "heart-failure" */
  char *name;       /* "Heart failure" */
  char *evidence;   /* what in the record found it, for a person to read */
  char *source;     /* "Condition/<id>", or NULL when found by counting medicines */
} KithFrailtyDeficit;

typedef struct
{
  guint            n_deficits;
  guint            denominator;   /* 36 */
  double           index;         /* to two decimal places, as reported */
  KithFrailtyBand  band;
  GPtrArray       *deficits;      /* KithFrailtyDeficit, in the data's order */
} KithFrailtyIndex;

void kith_frailty_index_free (KithFrailtyIndex *frailty);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithFrailtyIndex, kith_frailty_index_free)

/* The index for @n deficits, rounded to two decimal places. */
double            kith_frailty_index_for_count  (guint            n_deficits);
/* The published band for an index as reported (two decimal places). */
KithFrailtyBand   kith_frailty_band_for_index   (double           index);
const char       *kith_frailty_band_id          (KithFrailtyBand  band);
/* "Moderate frailty", translated */
const char       *kith_frailty_band_label       (KithFrailtyBand  band);
/* Where the index comes from, for the person who reads it. */
const char       *kith_frailty_source           (void);
guint             kith_frailty_n_deficit_kinds  (void);

/* From resources already read: Conditions (and anything else is ignored),
 * and the number of current medicines (for polypharmacy). Pure. */
KithFrailtyIndex *kith_frailty_compute_from_resources (GPtrArray *conditions,
                                                       guint      n_medicines);
/* Active or intended MedicationStatements or MedicationRequests. */
guint             kith_frailty_count_current_medicines (GPtrArray *medicines);
/* From the person's record in @store: their current Conditions, and their
 * active MedicationStatements and MedicationRequests. */
KithFrailtyIndex *kith_frailty_compute          (KithStore       *store,
                                                 const char      *patient_id,
                                                 GError         **error);

G_END_DECLS
