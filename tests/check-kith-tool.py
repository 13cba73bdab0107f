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


def check_report():
    """kith-tool report on a demo store: a CSV per table, a PDF, counts only."""
    import re
    import stat
    import tempfile

    demo = os.path.join(os.path.dirname(os.path.abspath(tool)), "kith-demo")
    with open(os.path.join(root, "data", "indicators", "indicators.json")) as f:
        ids = [i["id"] for i in json.load(f)["indicators"]]
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "kith.db")
        made = subprocess.run([demo, "--people", "60", "--seed", "3", "--out", store], capture_output=True, text=True)
        if made.returncode != 0:
            failures.append("report: kith-demo failed: %s" % made.stderr.strip())
            return
        csv_dir, pdf = os.path.join(tmp, "csv"), os.path.join(tmp, "report.pdf")
        result = run("report", "--store", store, "--from", "2025-07-01", "--to", "2026-01-31", "--csv", csv_dir,
                     "--pdf", pdf, "--team", "North locality team", "--tier", "severe,moderate", "--tier", "mild")
        if result.returncode != 0:
            failures.append("report: exit %d: %s" % (result.returncode, result.stderr.strip()))
            return
        files = sorted(os.listdir(csv_dir))
        if files != sorted(["indicators.csv"] + [i + ".csv" for i in ids]):
            failures.append("report: wrote %s" % files)
        for name in files + ["../report.pdf"]:
            path = os.path.join(csv_dir, name)
            if stat.S_IMODE(os.stat(path).st_mode) != 0o600:
                failures.append("report: %s is not private (0600)" % name)
        with open(pdf, "rb") as f:
            if not f.read(5).startswith(b"%PDF"):
                failures.append("report: %s is not a PDF" % pdf)
        for name in files:
            with open(os.path.join(csv_dir, name)) as f:
                text = f.read()
            # No NHS number (the demo's are 999…) and no record id (UUIDs).
            if re.search(r"\b999\d{7}\b|\b999 \d{3} \d{4}\b", text) or \
               re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text):
                failures.append("report: %s holds an NHS number or an id" % name)
            rows = text.split("\r\n")
            header = rows[0].split(",")
            for row in rows[1:]:
                if not row:
                    continue
                fields = row.split(",")
                for column in ("numerator", "denominator"):
                    value = fields[header.index(column)]
                    if value != "<5" and not (value.isdigit() and int(value) >= 5):
                        failures.append("report: %s: %s %r is not suppressed" % (name, column, value))
            if name == "indicators.csv" and "North locality team" not in text:
                failures.append("report: indicators.csv does not say which team")
        for line in result.stdout.splitlines()[2:]:
            if line.split()[0] not in ids:
                failures.append("report: printed %r" % line)

        # Errors: the command line (2), or what it points at (1).
        wrong = {
            ("--store", store, "--from", "2025-07-01", "--to", "2026-01-31"): 2,
            ("--store", store, "--from", "1 July", "--to", "2026-01-31", "--csv", csv_dir): 2,
            ("--store", store, "--from", "2026-02-01", "--to", "2026-01-31", "--csv", csv_dir): 2,
            ("--store", store, "--from", "2025-07-01", "--to", "2026-01-31", "--csv", csv_dir, "--tier", "high"): 2,
            ("--store", store, "--profile", tmp, "--from", "2025-07-01", "--to", "2026-01-31", "--csv", csv_dir): 2,
            ("--store", os.path.join(tmp, "none.db"), "--from", "2025-07-01", "--to", "2026-01-31", "--csv", csv_dir): 1,
            ("--store", store, "--from", "2025-07-01", "--to", "2026-01-31", "--csv", csv_dir, "--baseline", "x"): 1,
        }
        for args, status in wrong.items():
            result = run("report", *args)
            if result.returncode != status:
                failures.append("report %s: want exit %d, got %d" % (" ".join(args[4:]), status, result.returncode))


check_report()

if run("frobnicate").returncode != 2 or run("score").returncode != 2:
    failures.append("usage errors must exit 2")

for f in failures:
    print("FAIL", f)
print("%d fixtures checked, %d failures" % (len(expected) + len(refused), len(failures)))
sys.exit(1 if failures else 0)
