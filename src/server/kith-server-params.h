/* kith-server-params.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longer query strings are refused with 414. */
#define KITH_SERVER_MAX_QUERY        4096
/* More parameters than this are refused. */
#define KITH_SERVER_MAX_QUERY_PARAMS 32

/* One decoded name=value pair of a query string. */
typedef struct
{
  char *name;
  char *value;
} KithQueryParam;

/* The resource types the server serves: every type Kith holds except
 * AuditEvent, which only the server will write. NULL-terminated. */
const char * const *kith_server_served_types        (void);
gboolean            kith_server_serves_type         (const char   *type);

/* Splits a raw (percent-encoded) query string into KithQueryParam, in
 * order ('+' is a space). NULL when it is not validly encoded UTF-8 or
 * holds too many parameters. */
GPtrArray          *kith_server_parse_query         (const char   *raw_query);
void                kith_query_param_free           (KithQueryParam *param);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithQueryParam, kith_query_param_free)

/* Parses a FHIR instant ("2026-01-01T09:00:00Z", fractions allowed, a
 * time zone required), or with @allow_date also a date ("2026-01-01",
 * taken as a UTC day). Returns the start of the value's range in the
 * store's form (milliseconds, UTC: "2026-01-01T09:00:00.000Z"), and its
 * end (exclusive) in @range_end when not NULL: the next millisecond,
 * second or day, following the precision written. NULL when malformed. */
char               *kith_server_parse_instant       (const char   *text,
                                                     gboolean      allow_date,
                                                     char        **range_end);
/* TRUE when @text is an instant exactly as the store writes it. */
gboolean            kith_server_is_store_instant    (const char   *text);

/* Where a paged walk stands: when it began, and the last version it gave. */
typedef struct
{
  char *as_of;
  char *last_updated;
  char *type;
  char *id;
  char *version_id;
} KithCursor;

void                kith_cursor_clear               (KithCursor   *cursor);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KithCursor, kith_cursor_clear)

/* An opaque, URL-safe token for @cursor; @kind tells walks apart ('h' for
 * history, 's' for search). */
char               *kith_server_encode_cursor       (char              kind,
                                                     const KithCursor *cursor);
/* FALSE when @token is not a well-formed cursor of @kind. */
gboolean            kith_server_decode_cursor       (const char       *token,
                                                     char              kind,
                                                     KithCursor       *cursor);

/* The version an If-Match value names: W/"3", "3" or 3. NULL when it does
 * not name exactly one valid version id. */
char               *kith_server_parse_if_match      (const char   *value);

G_END_DECLS
