#!/bin/sh
# tests/gui/take-screenshots.sh
# Copyright 2026 The Kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Retakes data/screenshots/*.png on a 1366×768 screen (a common laptop) with
# a synthetic 2,000-person caseload. Needs xvfb-run and imagemagick.
#
#   tests/gui/take-screenshots.sh BUILD_DIR [OUTPUT_DIR]

set -eu

build=$(cd "$1" && pwd)
source_root=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-$source_root/data/screenshots}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$build/tests/gui/kith-make-demo-store" "$work/kith.db" 2000 1 >/dev/null

# shot NAME SIZE SEARCH SELECT [ASSESSMENT-PAGE [TEXT-SCALE [ALERT]]]
shot () {
  cat >"$work/shot.sh" <<SCRIPT
#!/bin/sh
"$build/tests/gui/kith-screenshot-helper" --profile "$work" >"$work/helper.out" &
pid=\$!
while ! grep -q ready "$work/helper.out" 2>/dev/null; do
  kill -0 \$pid 2>/dev/null || exit 1
  sleep 0.2
done
import -window root "$work/raw.png"
kill \$pid
wait \$pid || true
SCRIPT
  chmod +x "$work/shot.sh"
  env GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
      KITH_SCREENSHOT_SIZE="$2" KITH_SCREENSHOT_SEARCH="$3" KITH_SCREENSHOT_SELECT="$4" \
      KITH_SCREENSHOT_ASSESSMENT="${5:-}" KITH_SCREENSHOT_TEXT_SCALE="${6:-}" KITH_SCREENSHOT_ALERT="${7:-}" \
      xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- "$work/shot.sh"
  # Fewer colours keep the PNG small; the UI has few to begin with.
  # The window sits at the top left of the bare X screen: keep just it.
  convert "$work/raw.png" -crop "$2+0+0" +repage -colors 128 -strip "$out/$1.png"
  echo "$out/$1.png: $(du -k "$out/$1.png" | cut -f1) KB"
}

mkdir -p "$out"
shot caseload 1366x768 "" 8
# Folded, as on a narrow window: the record alone, with a back button
shot record 600x768 "" 8

# The holistic assessment of someone assessed before (so answers carried
# from last time show), partway through: each domain, then the summary
for page in about-me health daily-living emotional practical carer risk; do
  shot "assessment-$page" 1366x768 "" assessed "$page"
done
# Text twice as large, as with the accessibility setting
shot assessment-emotional-large-text 1366x768 "" assessed emotional 2
# With PHQ-9 question 9 above 0: the safety alert on top
shot assessment-summary 1366x768 "" assessed summary "" 1
# Their record afterwards: the alert on top, the last assessment's scores,
# Resume, and the carer's own assessment
shot assessment-record 1366x768 "" assessed

# The co-ordinator's caseload by risk: their own people, in the moderate
# and severe tiers, with each filter's count
export KITH_SCREENSHOT_MY_NAME="Tunde Afolabi (Care co-ordinator)" KITH_SCREENSHOT_FILTERS="mine,moderate,severe"
shot caseload-filters 1366x768 "" 0
unset KITH_SCREENSHOT_FILTERS
# A record's frailty index, its deficits, a clinician's tier and the history
shot record-frailty 1366x768 "" frail
unset KITH_SCREENSHOT_MY_NAME

# Sync: the indicator's popover and the conflicts view, from the GUI test
# that makes a real conflict against a real kith-server
env GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" GSK_RENDERER=cairo \
    GIO_USE_PROXY_RESOLVER=dummy KITH_SERVER="$build/src/server/kith-server" KITH_SYNC_SCREENSHOTS="$out" \
    xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- \
    "$build/tests/gui/test-sync" -p /kith/sync/conflict >/dev/null
echo "$out/sync-popover.png, $out/sync-conflicts.png"
