/* kith-instrument-library.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kith-instrument.h"

G_BEGIN_DECLS

/* The bundled instruments (data/instruments, in the core's GResource) and
 * the needs rules (data/rules/needs.json). */
typedef struct _KithInstrumentLibrary KithInstrumentLibrary;

/* Loaded once; a broken bundled file is a programming error and aborts in
 * tests (every file has a test), but is skipped with a warning otherwise. */
KithInstrumentLibrary *kith_instrument_library_get_default (void);
/* For tests and integrators: a library from explicit JSON. */
KithInstrumentLibrary *kith_instrument_library_new         (void);
void                   kith_instrument_library_free        (KithInstrumentLibrary *self);
gboolean               kith_instrument_library_add         (KithInstrumentLibrary *self,
                                                            KithInstrument        *instrument,
                                                            GError               **error);
gboolean               kith_instrument_library_set_needs_rules (KithInstrumentLibrary *self,
                                                                JsonObject            *rules,
                                                                GError               **error);

KithInstrument        *kith_instrument_library_lookup      (KithInstrumentLibrary *self,
                                                            const char            *id);
/* By Questionnaire.url (with or without a "|version" suffix) */
KithInstrument        *kith_instrument_library_lookup_url  (KithInstrumentLibrary *self,
                                                            const char            *canonical);
/* All instruments, in the order of the assessment's domains */
GPtrArray             *kith_instrument_library_list        (KithInstrumentLibrary *self);

/* The option ids a needs rule offers (for shared decisions), or NULL. */
GStrv                  kith_instrument_library_get_need_options (KithInstrumentLibrary *self,
                                                                 const char            *need_rule_id);

/* Evaluates every alert, offer and indication of the instruments in
 * @answer_sets (a GPtrArray of KithAnswerSet, one per instrument), and every
 * needs rule, against those answers together. Returns KithFinding
 * (transfer full) in a stable order: alerts, offers, indications, needs. */
GPtrArray             *kith_instrument_library_evaluate    (KithInstrumentLibrary *self,
                                                            GPtrArray             *answer_sets);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithInstrumentLibrary, kith_instrument_library_free)

G_END_DECLS
