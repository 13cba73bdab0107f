#!/bin/sh
# tests/gui/bench-first-frame.sh
# Copyright 2026 The Kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Start-up benchmark: process start to the first frame showing the caseload,
# against an empty libadwaita window, run alternately in one X server.
# The target is kith ≤ 1.5 × the empty window with 100,000 people.
#
#   tests/gui/bench-first-frame.sh BUILD_DIR PROFILE_DIR [RUNS]
#
# PROFILE_DIR holds kith.db; make one with
#   BUILD_DIR/tests/gui/kith-make-demo-store PROFILE_DIR/kith.db 100000

set -eu

build=$(cd "$1" && pwd)
profile=$(cd "$2" && pwd)
runs=${3:-11}

if [ -z "${KITH_BENCH_INNER:-}" ]; then
  exec env KITH_BENCH_INNER=1 GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
    xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- "$0" "$@" 2>/dev/null
fi

median () {
  sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

export KITH_BENCH_FIRST_FRAME=1
: >/tmp/kith-bench-empty.$$
: >/tmp/kith-bench-kith.$$
# One warm-up run each: page cache, fontconfig cache, shader cache
"$build/src/app/kith-bench-empty-window" >/dev/null
"$build/src/app/kith" --profile "$profile" >/dev/null
i=0
while [ $i -lt "$runs" ]; do
  "$build/src/app/kith-bench-empty-window" | sed -n 's/^kith: first-frame //p' >>/tmp/kith-bench-empty.$$
  "$build/src/app/kith" --profile "$profile" | sed -n 's/^kith: first-frame //p' >>/tmp/kith-bench-kith.$$
  i=$((i + 1))
done

empty=$(median </tmp/kith-bench-empty.$$)
kith=$(median </tmp/kith-bench-kith.$$)
rm -f /tmp/kith-bench-empty.$$ /tmp/kith-bench-kith.$$
echo "empty window: median ${empty} µs over $runs runs"
echo "kith:         median ${kith} µs over $runs runs ($(ls -l "$profile/kith.db" | awk '{ print $5 }') bytes store)"
awk -v k="$kith" -v e="$empty" 'BEGIN { printf "ratio:        %.2f (target ≤ 1.50)\n", k / e }'
