/* kith-store-private.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "kith-store.h"

G_BEGIN_DECLS

/* A cached prepared statement, reset and with bindings cleared; valid
 * until the store is closed. Only for core modules. */
sqlite3_stmt *kith_store_prepare     (KithStore   *self,
                                      const char  *sql,
                                      GError     **error);
sqlite3      *kith_store_get_db      (KithStore   *self);
/* Maps a sqlite result code to KITH_STORE_ERROR. */
void          kith_store_set_error   (KithStore   *self,
                                      int          rc,
                                      GError     **error);

/* The caseload's name order, cached: @order holds every patient index row
 * id (gint64) sorted by name; rank_of[pid] is a row's place in it, or
 * G_MAXUINT32. Rebuilt when this or another connection changed the store. */
gboolean      kith_store_get_name_order (KithStore      *self,
                                         GArray        **order,
                                         const guint32 **rank_of,
                                         gsize          *n_rank_of,
                                         GError        **error);

G_END_DECLS
