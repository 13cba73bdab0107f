/* kith-access-log.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "Who has looked at my record?": the practice server's AuditEvents about
 * one person (GET [base]/AuditEvent?patient=ID, administrators only), read
 * into lines a person understands, one per person, kind of access and day,
 * and printed for them. */

typedef struct
{
  char     *day;         /* YYYY-MM-DD, local time */
  char     *first;       /* the first instant that day */
  char     *who;         /* display name */
  char     *role;
  char     *subtype;     /* read, search-type, update, print, break-glass, … */
  gboolean  refused;
  char     *reason;      /* the reason given (break-glass), or NULL */
  gboolean  for_review;  /* flagged for a lead's review */
  guint     times;       /* how often that day */
  char     *words;       /* "Tunde Afolabi (care co-ordinator) looked at the record" */
} KithAccessEntry;

void       kith_access_entry_free         (KithAccessEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithAccessEntry, kith_access_entry_free)

/* The entries of a searchset Bundle of AuditEvents, newest day first
 * (KithAccessEntry, transfer full). Sign-ins and events without a user are
 * left out: they are not about the person. NULL with an error for
 * something that is not a Bundle. */
GPtrArray *kith_access_log_from_bundle    (JsonObject       *bundle,
                                           GError          **error);

/* An A4 PDF for the person: their name, the period, and every entry with
 * its day. Mode 0600, complete or not at all (kith_pdf_write()). */
gboolean   kith_access_log_write_pdf      (GPtrArray        *entries,
                                           const char       *person_name,
                                           const char       *path,
                                           GError          **error);

G_END_DECLS
