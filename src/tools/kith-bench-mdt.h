/* kith-bench-mdt.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kith-core.h"

G_BEGIN_DECLS

/* Times building an MDT agenda for one of the store's teams @runs times
 * and prints p50, p95 and max in ms. Returns 0, or 1 when it cannot. */
int kith_bench_mdt (KithStore *store,
                    guint      runs);

G_END_DECLS
