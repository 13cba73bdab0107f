/* kith-caseload.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-types.h"

G_BEGIN_DECLS

#define KITH_TYPE_CASELOAD_ENTRY (kith_caseload_entry_get_type ())
#define KITH_TYPE_CASELOAD       (kith_caseload_get_type ())

G_DECLARE_FINAL_TYPE (KithCaseloadEntry, kith_caseload_entry, KITH, CASELOAD_ENTRY, GObject)
G_DECLARE_FINAL_TYPE (KithCaseload, kith_caseload, KITH, CASELOAD, GObject)

/* One row of the caseload: just what a list needs, read from the
 * store's patient index. Properties (all read-only strings unless said):
 * "id", "list-name", "nhs-number" (formatted 3-3-4), "birth-date",
 * "age" (int, -1 unknown), "coordinator", "next-review" (ISO date or NULL),
 * "review-overdue" (boolean), "open-alerts" (uint). */
const char *kith_caseload_entry_get_id            (KithCaseloadEntry *self);
const char *kith_caseload_entry_get_list_name     (KithCaseloadEntry *self);
const char *kith_caseload_entry_get_nhs_number    (KithCaseloadEntry *self);
const char *kith_caseload_entry_get_birth_date    (KithCaseloadEntry *self);
int         kith_caseload_entry_get_age           (KithCaseloadEntry *self);
const char *kith_caseload_entry_get_coordinator   (KithCaseloadEntry *self);
const char *kith_caseload_entry_get_next_review   (KithCaseloadEntry *self);
gboolean    kith_caseload_entry_get_review_overdue(KithCaseloadEntry *self);
/* Safety alerts still waiting for a recorded action ("open-alerts") */
guint       kith_caseload_entry_get_open_alerts   (KithCaseloadEntry *self);

/* A GListModel of KithCaseloadEntry over the store, sorted by name. Only
 * the row ids are loaded up front; entries are made when a list asks for
 * them, so 100,000 people cost little. Properties: "query" (string),
 * "truncated" (boolean: a search matched more than the limit). */
KithCaseload *kith_caseload_new                   (KithStore         *store);
const char   *kith_caseload_get_query             (KithCaseload      *self);
/* Empty or NULL: everyone. Otherwise name prefixes ("mar smi") or an NHS
 * number with or without spaces, whole or its first digits. */
void          kith_caseload_set_query             (KithCaseload      *self,
                                                   const char        *query);
gboolean      kith_caseload_get_truncated         (KithCaseload      *self);
/* Re-reads the store (after an import or a save). */
void          kith_caseload_reload                (KithCaseload      *self);

/* The search itself, for tools and benchmarks: patient index row ids in
 * list order. @limit 0 means no limit. */
GArray       *kith_store_search_patients          (KithStore         *store,
                                                   const char        *query,
                                                   guint              limit,
                                                   gboolean          *truncated,
                                                   GError           **error);

G_END_DECLS
