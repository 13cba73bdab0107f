/* kith-server-access.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-consent.h"
#include "kith-server-auth.h"
#include "kith-store.h"

G_BEGIN_DECLS

/* A typed reason for break-glass is at least this many characters. */
#define KITH_SERVER_BREAK_GLASS_MIN_REASON 10
#define KITH_SERVER_BREAK_GLASS_MAX_REASON 500
/* How long break-glass lasts unless the server is told otherwise. */
#define KITH_SERVER_DEFAULT_BREAK_GLASS_LIFETIME (4 * 60 * 60)

/* One request's access checks: who asks, and what has been looked up
 * about each person so far (their team, co-ordinator, Consent and any
 * break-glass), so a page of a search or history asks once per person. */
typedef struct _KithAccess KithAccess;

/* @enforce FALSE permits everything (only for benchmarks and tests, in
 * development builds). @now_ms is the wall clock in milliseconds. */
KithAccess         *kith_access_new                (KithStore             *store,
                                                    const KithServerUser  *user,
                                                    gboolean               enforce,
                                                    gint64                 now_ms);
void                kith_access_free               (KithAccess            *self);

const KithServerUser *kith_access_get_user         (KithAccess            *self);
/* TRUE once a decision was permitted only by break-glass. */
gboolean            kith_access_used_break_glass   (KithAccess            *self);

/* The decision for @section of @patient_id's record. */
KithAccessDecision  kith_access_check_patient      (KithAccess            *self,
                                                    const char            *patient_id,
                                                    KithRecordSection      section,
                                                    GError               **error);
/* TRUE when the user may see anything of the person beyond demographics,
 * or is in their care team: whether a search about them is answered. */
gboolean            kith_access_knows_patient      (KithAccess            *self,
                                                    const char            *patient_id,
                                                    GError               **error);
/* The decision for reading one version of @type/@id: @resource is its
 * content, or NULL for a deletion (whose person is looked up). */
KithAccessDecision  kith_access_check_read         (KithAccess            *self,
                                                    const char            *type,
                                                    const char            *id,
                                                    JsonObject            *resource,
                                                    GError               **error);
/* The decision for writing @type/@id: @current is what the store holds
 * now (NULL when nothing or a deletion), @incoming the new content (NULL
 * for a delete). Nobody changes what they may not see; care roles in the
 * care team may add to a restricted section. */
KithAccessDecision  kith_access_check_write        (KithAccess            *self,
                                                    const char            *type,
                                                    const char            *id,
                                                    JsonObject            *current,
                                                    JsonObject            *incoming,
                                                    GError               **error);
/* Whether a refusal of @decision shows as a stub (in the care team, in a
 * care role) rather than being left out. */
gboolean            kith_access_shows_stub         (KithAccess            *self,
                                                    KithAccessDecision     decision);

/* Records break-glass for @user on @patient_id until @lifetime_s from
 * @now_ms; the expiry (ms) goes to @expires_at_ms. */
gboolean            kith_access_grant_break_glass  (KithStore             *store,
                                                    gint64                 user_id,
                                                    const char            *patient_id,
                                                    const char            *reason,
                                                    gint64                 now_ms,
                                                    gint64                 lifetime_s,
                                                    gint64                *expires_at_ms,
                                                    GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithAccess, kith_access_free)

G_END_DECLS
