/* kith-conflict-fields.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-core.h"

G_BEGIN_DECLS

/* What the core's merge paths ("extension[…medicines-review].valueString",
 * "contained[goal-1].description.text") mean, and how to act on them: for
 * the conflicts view, which shows each difference in words and lets the
 * person keep either side of each one. */

/* The value at @path in @resource, or NULL where there is none (transfer none) */
JsonNode   *kith_conflict_fields_lookup        (JsonObject       *resource,
                                                const char       *path);
/* Makes @target hold @source's value at @path: copied, or removed where
 * @source has none. FALSE when @target has nowhere to put it. */
gboolean    kith_conflict_fields_apply         (JsonObject       *target,
                                                JsonObject       *source,
                                                const char       *path);
/* The field in words, "Medicines review" or "Goal: description". @resource
 * (either side) names what contained elements are. */
char       *kith_conflict_fields_describe_path (JsonObject       *resource,
                                                const char       *path);
/* A value in words: its text, "Yes", a date, or "Not recorded" for none */
char       *kith_conflict_fields_describe_value (JsonNode        *value);
/* What a resource is, for a person: "Care plan", "Safety alert" */
const char *kith_conflict_fields_describe_type (const char       *type);
/* TRUE for the core's marker of a resource deleted on the server */
gboolean    kith_conflict_fields_is_deletion   (const char       *path);

/* The decided version: the server's, with the local value at each path
 * where @keep_mine[i] is TRUE (one entry per conflict->paths). */
JsonObject *kith_conflict_fields_build_resolution (KithSyncConflict *conflict,
                                                   const gboolean   *keep_mine,
                                                   GError          **error);

G_END_DECLS
