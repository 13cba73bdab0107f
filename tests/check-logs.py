#!/usr/bin/env python3
# tests/check-logs.py
# Copyright 2026 The Kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the logs of a test run hold no personal or clinical data.

Reads meson's testlog.json (else testlog.txt) in LOG_DIR, written by the
main `meson test` run, and looks for what must never reach a log:

  - an NHS number: 10 digits, plain or 3-3-4 with spaces or dashes, that
    passes the modulus 11 check;
  - a person's name as the demo caseload makes them ("Margaret Smith",
    "SMITH, Margaret"), from the name lists in src/core/kith-demo-caseload.c,
    and the test fixtures' names (kith_patient_set_given/_family in tests/);
  - clinical free text: the goals, what matters, contact notes, actions and
    referral reasons the demo caseload writes, and the tests' own notes.

What it finds is reported by test and kind, masked: this check's own
output must not leak either. Exit status: 0 clean, 1 leaks, 77 (skip) when
there is no log to read.

  tests/check-logs.py --source-root ROOT LOG_DIR
"""

import argparse
import json
import os
import re
import sys

DEMO_SOURCE = os.path.join('src', 'core', 'kith-demo-caseload.c')
NAME_ARRAYS = ('female_names', 'male_names')
FAMILY_ARRAYS = ('family_names',)
TEXT_ARRAYS = ('goal_texts', 'what_matters_texts', 'contact_notes', 'referral_reasons',
               'action_texts')
# Free text the tests type themselves, as a person would
TEST_NOTES = (
    'Talked about the stairs; she would like to',
)

NHS_NUMBER = re.compile(r'(?<![0-9A-Za-z])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![0-9A-Za-z])')
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def nhs_number_is_valid(digits):
    """Modulus 11, as src/core/kith-nhs-number.c"""
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def c_array_strings(source, name):
    """The string literals in `... name[] = { ... };` (also [][2] arrays)"""
    match = re.search(r'\b' + re.escape(name) + r'\s*\[\][^=]*=\s*\{(.*?)\n\};', source, re.S)
    if not match:
        raise SystemExit(f'check-logs: no array {name} in {DEMO_SOURCE}')
    return [bytes(s, 'utf-8').decode('unicode_escape') for s in STRING.findall(match.group(1))]


def fixture_names(source_root):
    """(given, family) names the tests give their made-up people"""
    given, family = set(), set()
    for folder in ('tests', os.path.join('tests', 'gui')):
        path = os.path.join(source_root, folder)
        for entry in sorted(os.listdir(path)):
            if not entry.endswith('.c'):
                continue
            with open(os.path.join(path, entry), encoding='utf-8') as f:
                text = f.read()
            given.update(re.findall(r'kith_patient_set_given\s*\([^,]+,\s*"([^"]+)"', text))
            family.update(re.findall(r'kith_patient_set_family\s*\([^,]+,\s*"([^"]+)"', text))
    return given, family


def load_patterns(source_root):
    with open(os.path.join(source_root, DEMO_SOURCE), encoding='utf-8') as f:
        source = f.read()
    given = set()
    for array in NAME_ARRAYS:
        given.update(c_array_strings(source, array))
    given.update(c_array_strings(source, 'preferred_forms'))
    family = set()
    for array in FAMILY_ARRAYS:
        family.update(c_array_strings(source, array))
    texts = set()
    for array in TEXT_ARRAYS:
        texts.update(t for t in c_array_strings(source, array) if len(t) >= 12)
    texts.update(TEST_NOTES)

    test_given, test_family = fixture_names(source_root)
    given |= {g for g in test_given if len(g) > 1}
    family |= {f for f in test_family if len(f) > 1}

    def alternation(words):
        return '|'.join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    # "Margaret Smith" (the spoken name), and "SMITH, Margaret" (the list name)
    names = re.compile(r'\b(?:(?:%s)\s+(?i:%s)|(?i:%s),\s*(?:%s))\b'
                       % (alternation(given), alternation(family),
                          alternation(family), alternation(given)))
    clinical = re.compile(alternation(texts), re.I)
    return names, clinical


def mask(text):
    return re.sub(r'(\w)\w*', lambda m: m.group(1) + '***', text)


def read_logs(log_dir):
    """(test name, output) for each test of the run"""
    json_log = os.path.join(log_dir, 'testlog.json')
    text_log = os.path.join(log_dir, 'testlog.txt')
    if os.path.exists(json_log):
        with open(json_log, encoding='utf-8', errors='replace') as f:
            for line in f:
                if not line.strip():
                    continue
                entry = json.loads(line)
                output = (entry.get('stdout') or '') + '\n' + (entry.get('stderr') or '')
                yield entry.get('name', '?'), output
    elif os.path.exists(text_log):
        with open(text_log, encoding='utf-8', errors='replace') as f:
            yield 'testlog.txt', f.read()


def find_leaks(output, names, clinical):
    for match in NHS_NUMBER.finditer(output):
        digits = ''.join(match.groups())
        if nhs_number_is_valid(digits):
            yield 'an NHS number', digits[:3] + ' *** ****'
    for match in names.finditer(output):
        yield "a person's name", mask(match.group(0))
    for match in clinical.finditer(output):
        yield 'clinical text', mask(match.group(0))[:40]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--source-root', required=True)
    parser.add_argument('log_dir')
    args = parser.parse_args()

    names, clinical = load_patterns(args.source_root)
    found = 0
    tests = 0
    for test, output in read_logs(args.log_dir):
        tests += 1
        seen = set()
        for kind, masked in find_leaks(output, names, clinical):
            if (kind, masked) in seen:
                continue
            seen.add((kind, masked))
            found += 1
            print(f'LEAK: the log of {test} holds {kind} ({masked})')
    if tests == 0:
        print(f'check-logs: no testlog.json or testlog.txt in {args.log_dir}: run the suite first')
        return 77
    print(f'check-logs: {tests} test logs read, {found} leaks')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
