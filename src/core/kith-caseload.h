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
 * "review-overdue" (boolean), "open-alerts" (uint), "risk-tier" (the tier
 * that counts, "fit" … "severe": a clinician's override, else the frailty
 * band; NULL when nothing is recorded). */
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
const char *kith_caseload_entry_get_risk_tier     (KithCaseloadEntry *self);
/* One person's row, read from the index by their patient id. */
KithCaseloadEntry *kith_caseload_entry_load       (KithStore         *store,
                                                   const char        *patient_id,
                                                   GError           **error);

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

/* --- filters -------------------------------------------------------------- */

/* The co-ordinator's filters. They combine (a person must pass every one
 * that is on), and each can say how many people it would show. */
typedef enum
{
  KITH_CASELOAD_FILTER_MINE           = 1 << 0,  /* co-ordinated by the named professional */
  KITH_CASELOAD_FILTER_TIER           = 1 << 1,  /* in one of the chosen risk tiers */
  KITH_CASELOAD_FILTER_REVIEW_OVERDUE = 1 << 2,
  KITH_CASELOAD_FILTER_ACTION_OVERDUE = 1 << 3,
  KITH_CASELOAD_FILTER_ALERT_OPEN     = 1 << 4,  /* a safety alert waits for an action */
  KITH_CASELOAD_FILTER_TEAM           = 1 << 5,  /* cared for by the named team */
  KITH_CASELOAD_FILTER_DISCHARGED     = 1 << 6,  /* discharged in the last 14 days, not yet followed up */
  KITH_CASELOAD_FILTER_VIRTUAL_WARD   = 1 << 7,  /* on the virtual ward now */
} KithCaseloadFilter;

#define KITH_CASELOAD_N_FILTERS 8

/* Tiers for KITH_CASELOAD_FILTER_TIER, as a mask of 1 << KithFrailtyBand. */
#define KITH_CASELOAD_TIER(band) (1u << (band))

typedef struct
{
  KithCaseloadFilter  filters;
  const char         *coordinator;   /* for MINE: the professional's name */
  guint               tiers;         /* for TIER */
  const GDate        *today;         /* NULL: today */
  const char         *team;          /* for TEAM: the team's name */
} KithCaseloadFilterSpec;

/* The people matching @query (as kith_store_search_patients) and every
 * filter in @spec, in list order; and, in @counts (may be NULL), for each
 * filter (index = bit position), how many would match with that filter on
 * as well as those already on. */
GArray       *kith_store_filter_patients          (KithStore                    *store,
                                                   const char                   *query,
                                                   const KithCaseloadFilterSpec *spec,
                                                   guint                         counts[KITH_CASELOAD_N_FILTERS],
                                                   GError                      **error);

/* The caseload's filters; the list shows only who passes all of them. */
void          kith_caseload_set_filter            (KithCaseload                 *self,
                                                   KithCaseloadFilter            filters,
                                                   const char                   *coordinator,
                                                   guint                         tiers);
KithCaseloadFilter kith_caseload_get_filter       (KithCaseload                 *self);
/* The team for KITH_CASELOAD_FILTER_TEAM (the professional's own team). */
void          kith_caseload_set_team              (KithCaseload                 *self,
                                                   const char                   *team);

/* --- sorting -------------------------------------------------------------- */

typedef enum
{
  KITH_CASELOAD_SORT_NAME,
  KITH_CASELOAD_SORT_NHS_NUMBER,
  KITH_CASELOAD_SORT_AGE,           /* youngest first */
  KITH_CASELOAD_SORT_RISK_TIER,     /* severe first */
  KITH_CASELOAD_SORT_COORDINATOR,
  KITH_CASELOAD_SORT_NEXT_REVIEW,   /* soonest first */
} KithCaseloadSort;

/* Sorts patient index row ids (as the functions above give them) by a
 * column, in place; people without a value come last either way, and
 * ties keep their order (by name). */
gboolean      kith_store_sort_patients            (KithStore                    *store,
                                                   GArray                       *pids,
                                                   KithCaseloadSort              sort,
                                                   gboolean                      descending,
                                                   GError                      **error);
/* The list's order: by name unless a column header was chosen. */
void          kith_caseload_set_sort              (KithCaseload                 *self,
                                                   KithCaseloadSort              sort,
                                                   gboolean                      descending);

/* As for kith_store_filter_patients(), for the current search. */
void          kith_caseload_get_filter_counts     (KithCaseload                 *self,
                                                   guint                         counts[KITH_CASELOAD_N_FILTERS]);

G_END_DECLS
