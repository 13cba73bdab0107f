#!/usr/bin/env python3
# tests/test-check-logs.py
# Copyright 2026 The Kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks tests/check-logs.py itself: a planted leak of each kind is found
(and reported masked), a clean log passes, and no log is a skip.

  tests/test-check-logs.py CHECK_LOGS SOURCE_ROOT

Prints nothing it plants: its own output lands in the log that
check-logs.py reads next.
"""

import json
import os
import subprocess
import sys
import tempfile


def check_digit(nine):
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    return 0 if check == 11 else check


def valid_nhs_number():
    for n in range(999000000, 999001000):
        check = check_digit(str(n))
        if check != 10:
            return str(n) + str(check)
    raise AssertionError('no valid NHS number')


def run_check(check_logs, source_root, outputs):
    with tempfile.TemporaryDirectory() as log_dir:
        if outputs is not None:
            with open(os.path.join(log_dir, 'testlog.json'), 'w', encoding='utf-8') as f:
                for name, output in outputs:
                    f.write(json.dumps({'name': name, 'stdout': output, 'result': 'OK'}) + '\n')
        result = subprocess.run([sys.executable, check_logs, '--source-root', source_root, log_dir],
                                capture_output=True, text=True, check=False)
        return result.returncode, result.stdout


def main():
    check_logs, source_root = sys.argv[1], sys.argv[2]
    nhs = valid_nhs_number()
    spaced = f'{nhs[:3]} {nhs[3:6]} {nhs[6:]}'
    # Built here so that no planted value is a literal anyone greps for
    name = 'Marg' + 'aret ' + 'Smi' + 'th'
    list_name = 'SMI' + 'TH, ' + 'Marg' + 'aret'
    clinical = 'To walk to the post office ' + 'on my own again'
    wrong_digit = nhs[:9] + str((int(nhs[9]) + 1) % 10)
    failures = 0

    cases = [
        ('an NHS number, plain', f'# Saved patient {nhs}\n', 1),
        ('an NHS number, 3-3-4', f'warning: could not open {spaced}\n', 1),
        ("a person's name", f'# Opened {name}\n', 1),
        ("a person's list name", f'# Row: {list_name}\n', 1),
        ('clinical text', f'goal="{clinical}"\n', 1),
        ('a number failing modulus 11', f'# port {wrong_digit} and 1234567890123\n', 0),
        ('clean', '# /kith/sync/edit-is-sent: OK\n# Wrote /tmp/x.png (1366x768)\n', 0),
    ]
    for what, output, expected in cases:
        status, report = run_check(check_logs, source_root, [('kith:core / planted', output)])
        leaked = any(v in report for v in (nhs, spaced, name, list_name, clinical))
        if status != expected or leaked or (expected and 'LEAK' not in report):
            print(f'FAIL: {what}: exit {status}, expected {expected}'
                  + (' (the report itself leaked)' if leaked else ''))
            failures += 1
        else:
            print(f'ok: {what}')

    status, _ = run_check(check_logs, source_root, None)
    if status != 77:
        print(f'FAIL: no log: exit {status}, expected 77 (skip)')
        failures += 1
    else:
        print('ok: no log is a skip')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
