/* kith-merge.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Where two edits of the same version disagree. */
typedef struct
{
  char *path;     /* "contained[goal-1a2b].description.text" */
  char *base;     /* JSON text, or NULL where absent */
  char *local;
  char *remote;
} KithMergeConflict;

void        kith_merge_conflict_free (KithMergeConflict *conflict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithMergeConflict, kith_merge_conflict_free)

/* Three-way merge of two edits (@local, @remote) of one version (@base) of
 * a FHIR resource. Members are merged one by one; arrays whose elements are
 * objects with distinct "id"s (or, failing that, "url"s, references or
 * "linkId"s) are merged
 * member by member, so two people each adding a goal keep both. Where both
 * changed the same thing differently, the remote value is kept in the result
 * and a KithMergeConflict is added to @conflicts: nothing is dropped without
 * a decision. "meta" is taken from @remote. Returns a new object. */
JsonObject *kith_merge_resources     (JsonObject *base,
                                      JsonObject *local,
                                      JsonObject *remote,
                                      GPtrArray  *conflicts);

G_END_DECLS
