/* kith-server-transaction.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-store.h"

G_BEGIN_DECLS

/* The most entries one transaction may hold. */
#define KITH_SERVER_TRANSACTION_MAX_ENTRIES 1000

/* Runs the transaction Bundle in @body (JSON text of @length bytes) on
 * @store, all or nothing, inside one store transaction (a savepoint when
 * one is open already). Returns what to send: the transaction-response
 * Bundle with @status 200, or an OperationOutcome with the failing entry's
 * status, saying which entry (by index) failed. @base_url makes
 * "[base]/Type/id" entry URLs acceptable as well as "Type/id".
 *
 * For the audit trail, when the transaction succeeds, @entities (optional)
 * gets a "Type/id/_history/n" reference (char *) for each entry, and
 * @patients (optional, a set of ids) the people they belong to. @check
 * (optional) is asked about each entry first. */
/* Asked before each entry is applied (and after a GET has read): may it
 * go ahead? @current is what the store holds for a PUT or DELETE (NULL
 * for nothing, or a deletion), or what a GET read; @incoming a PUT's new
 * content. Returns 0, or the status that fails the transaction with an
 * issue @code and @diagnostics (transfer full). */
typedef guint (*KithTransactionCheck) (const char   *method,
                                       const char   *type,
                                       const char   *id,
                                       JsonObject   *current,
                                       JsonObject   *incoming,
                                       const char  **code,
                                       char        **diagnostics,
                                       gpointer      user_data);

JsonObject *kith_server_transaction_run (KithStore            *store,
                                         const char           *body,
                                         gsize                 length,
                                         const char           *base_url,
                                         KithTransactionCheck  check,
                                         gpointer              check_data,
                                         GPtrArray            *entities,
                                         GHashTable           *patients,
                                         guint                *status);

G_END_DECLS
