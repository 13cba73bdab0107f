/* kith-bench-outcomes.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kith-core.h"

G_BEGIN_DECLS

/* Times the outcomes dashboard (every indicator for the last 12 months)
 * and one indicator recomputed after a filter change, @runs times each,
 * and prints p50, p95 and max in ms; the first compute, which reads the
 * store, is shown apart. Returns 0, or 1 when it cannot. */
int kith_bench_outcomes (KithStore *store,
                         guint      runs);

G_END_DECLS
