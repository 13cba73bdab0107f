/* kith-rule.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The small rule language of data/instruments/README.md. Internal to the
 * core: instruments and needs rules hold parsed rules.
 */

#pragma once

#include "kith-instrument.h"

G_BEGIN_DECLS

typedef struct _KithRule KithRule;

/* Looks up the answers to an instrument by its id, or NULL. */
typedef KithAnswerSet *(*KithRuleLookup) (const char *instrument_id,
                                          gpointer    user_data);

KithRule *kith_rule_parse    (const char      *text,
                              GError         **error);
void      kith_rule_free     (KithRule        *rule);
/* TRUE when the rule holds. @why, when not NULL, gets what made it hold in
 * plain words (the comparisons that were true). */
gboolean  kith_rule_evaluate (const KithRule  *rule,
                              KithRuleLookup   lookup,
                              gpointer         user_data,
                              GString         *why);
/* Every instrument id the rule mentions, for checking a definition. */
void      kith_rule_collect_instruments (const KithRule *rule,
                                         GHashTable     *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithRule, kith_rule_free)

G_END_DECLS
