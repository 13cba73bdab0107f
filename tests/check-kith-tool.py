#!/usr/bin/env python3
# tests/check-kith-tool.py
# Copyright 2026 The Kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs `kith-tool score` over the fixtures in tests/instruments and checks
# each result against the table in tests/instruments/README.md, and
# `kith-tool instruments` for every bundled instrument.
#
#   check-kith-tool.py KITH_TOOL SOURCE_ROOT
import glob
import json
import os
import subprocess
import sys

tool, root = sys.argv[1], sys.argv[2]
fixtures = os.path.join(root, "tests", "instruments")
failures = []

# file: (total, band, alert names, offer instruments, indication names, needs)
expected = {
    "phq-9-moderate.json": (12, "moderate", [], [], [], ["emotional-support", "crisis-plan"]),
    "phq-9-item9.json": (1, "minimal", ["self-harm"], [], [], ["keeping-safe", "crisis-plan"]),
    "phq-9-declined.json": (None, None, [], [], [], []),
    "gad-7-severe.json": (17, "severe", [], [], [], ["emotional-support", "crisis-plan"]),
    "phq-2-positive.json": (3, "positive", [], ["phq-9"], [], []),
    "gad-2-negative.json": (2, "negative", [], [], [], []),
    "care-act-likely-eligible.json": (2, None, [], [], ["likely-eligible"],
                                      ["help-with-meals", "help-washing-dressing", "social-care-assessment", "crisis-plan"]),
    "care-act-carer-likely-eligible.json": (0, None, [], [], ["likely-eligible"], []),
    "pain-moderate.json": (5, "moderate", [], [], [], ["pain-support"]),
}
# file: a word the error message must contain
refused = {
    "phq-9-missing.json": "phq9-5",
    "bad-unknown-item.json": "phq9-10",
    "bad-unknown-option.json": "LA0000-0",
    "bad-out-of-range.json": "pain-now",
    "bad-unknown-instrument.json": "no-such-instrument",
    "bad-malformed.json": "malformed",
}


def run(*args):
    return subprocess.run([tool, *args], capture_output=True, text=True)


for name, (total, band, alerts, offers, indications, needs) in expected.items():
    result = run("score", os.path.join(fixtures, name))
    if result.returncode != 0:
        failures.append("%s: exit %d: %s" % (name, result.returncode, result.stderr.strip()))
        continue
    out = json.loads(result.stdout)
    got = (out["total"], out["band"], [a["name"] for a in out["alerts"]],
           [o["instrument"] for o in out["offers"]], [i["name"] for i in out["indications"]],
           [n["id"] for n in out["needs"]])
    want = (total, band, alerts, offers, indications, needs)
    if (got[0], got[1], got[2], got[3], got[4], sorted(got[5])) != (want[0], want[1], want[2], want[3], want[4], sorted(want[5])):
        failures.append("%s: got %r, want %r" % (name, got, want))
    for alert in out["alerts"]:
        if not alert["requires_action"] or not alert["why"]:
            failures.append("%s: alert %s must require an action and say why" % (name, alert["name"]))
    for need in out["needs"]:
        if not need["why"]:
            failures.append("%s: need %s says nothing about why" % (name, need["id"]))

for name, word in refused.items():
    result = run("score", os.path.join(fixtures, name))
    if result.returncode != 1 or word not in result.stderr:
        failures.append("%s: want exit 1 naming %r, got exit %d: %s" % (name, word, result.returncode, result.stderr.strip()))

listed = run("instruments", "--json")
if listed.returncode != 0:
    failures.append("instruments: exit %d" % listed.returncode)
else:
    ids = {i["id"] for i in json.loads(listed.stdout)}
    files = {os.path.basename(p)[:-5] for p in glob.glob(os.path.join(root, "data", "instruments", "*.json"))}
    if ids != files:
        failures.append("instruments: listed %s, files %s" % (sorted(ids), sorted(files)))
    for i in json.loads(listed.stdout):
        if not i["licence"] or not i["terms"] or not i["source"]:
            failures.append("instruments: %s lacks its licence, terms or source" % i["id"])

if run("frobnicate").returncode != 2 or run("score").returncode != 2:
    failures.append("usage errors must exit 2")

for f in failures:
    print("FAIL", f)
print("%d fixtures checked, %d failures" % (len(expected) + len(refused), len(failures)))
sys.exit(1 if failures else 0)
