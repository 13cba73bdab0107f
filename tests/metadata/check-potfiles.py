#!/usr/bin/env python3
# tests/metadata/check-potfiles.py
# Copyright 2026 The Kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that po/POTFILES.in lists every file with translatable strings.

Usage: check-potfiles.py SOURCE_ROOT

Scans src/ and ui/ for C files (.c, .h) that mark strings for translation
(_("..."), N_(), C_(), NC_(), Q_(), ngettext() and the g_d*gettext family)
and for GtkBuilder files (.ui) with translatable="yes", and data/ for desktop,
metainfo and gschema sources. Fails (exit 1) when such a file is missing from
po/POTFILES.in (and po/POTFILES.skip, if that exists), when POTFILES.in lists
a file that does not exist, or when POTFILES.in is not sorted or has
duplicates. Stdlib only.
"""

import os
import re
import sys

C_SUFFIXES = ('.c', '.h')
UI_SUFFIXES = ('.ui',)
DATA_SUFFIXES = (
    '.desktop.in', '.desktop.in.in',
    '.metainfo.xml.in', '.metainfo.xml.in.in',
    '.appdata.xml.in', '.appdata.xml.in.in',
    '.gschema.xml',
)
SCAN_DIRS = ('src', 'ui', 'data')

# A call that marks a string literal for translation: the first string
# literal comes before any nested parenthesis, so "_(N)" or "gettext (name)"
# (nothing to extract) do not count. The lookbehind keeps "my_(" or
# "foo_gettext (" from matching.
C_MARKER = re.compile(
    r'(?<![A-Za-z0-9_])'
    r'(?:_|N_|C_|NC_|Q_'
    r'|g_dgettext|g_dngettext|g_dpgettext|g_dpgettext2|g_dcgettext'
    r'|gettext|dgettext|dcgettext|ngettext|dngettext|dcngettext|pgettext|npgettext)'
    r'\s*\([^()"]*"')
UI_MARKER = re.compile(r'''translatable\s*=\s*["'](?:yes|true|1|y|t)["']''', re.IGNORECASE)
GSCHEMA_MARKER = re.compile(r'<(?:summary|description)\b')
DATA_DESKTOP_MARKER = re.compile(r'^(?:Name|GenericName|Comment|Keywords)\s*=', re.MULTILINE)
DATA_METAINFO_MARKER = re.compile(r'<(?:name|summary|description|caption)\b')


def strip_c_comments(text):
    """Return C source with comments removed and literals emptied (quotes kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '/' and i + 1 < n and text[i + 1] == '*':
            end = text.find('*/', i + 2)
            end = n if end < 0 else end + 2
            out.append(' ')
            i = end
        elif ch == '/' and i + 1 < n and text[i + 1] == '/':
            end = text.find('\n', i + 2)
            end = n if end < 0 else end
            out.append(' ')
            i = end
        elif ch in '"\'':
            j = i + 1
            while j < n and text[j] != ch and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            # Keep the quotes, blank the contents: "_(\"x\")" in a string is no call.
            out.append(ch + ' ' * max(j - i - 2, 0) + (ch if j - i >= 2 else ''))
            i = j
        else:
            out.append(ch)
            i += 1
    return ''.join(out)


def has_translatable_strings(path):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError as e:
        print(f'check-potfiles: cannot read {path}: {e}', file=sys.stderr)
        return False
    name = os.path.basename(path)
    if name.endswith(C_SUFFIXES):
        return bool(C_MARKER.search(strip_c_comments(text)))
    if name.endswith(UI_SUFFIXES):
        return bool(UI_MARKER.search(text))
    if name.endswith('.gschema.xml'):
        return bool(GSCHEMA_MARKER.search(text))
    if '.desktop.in' in name:
        return bool(DATA_DESKTOP_MARKER.search(text))
    if '.xml.in' in name:
        return bool(DATA_METAINFO_MARKER.search(text))
    return False


def wanted_suffixes(top):
    if top == 'data':
        return DATA_SUFFIXES
    return C_SUFFIXES + UI_SUFFIXES


def scan(root):
    found = set()
    for top in SCAN_DIRS:
        base = os.path.join(root, top)
        suffixes = wanted_suffixes(top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for name in filenames:
                if not name.endswith(suffixes):
                    continue
                path = os.path.join(dirpath, name)
                if has_translatable_strings(path):
                    found.add(os.path.relpath(path, root).replace(os.sep, '/'))
    return found


def read_list(path):
    """Entries of a POTFILES-style file: (line number, entry) pairs."""
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append((number, line))
    return entries


def main(argv):
    if len(argv) != 2:
        print(f'usage: {argv[0]} SOURCE_ROOT', file=sys.stderr)
        return 2
    root = argv[1]
    potfiles_in = os.path.join(root, 'po', 'POTFILES.in')
    potfiles_skip = os.path.join(root, 'po', 'POTFILES.skip')
    if not os.path.isfile(potfiles_in):
        print(f'check-potfiles: {potfiles_in} does not exist', file=sys.stderr)
        return 1

    listed = read_list(potfiles_in)
    skipped = read_list(potfiles_skip)
    listed_names = [entry for _, entry in listed]
    failed = False

    nonexistent = [(n, e) for n, e in listed + skipped if not os.path.isfile(os.path.join(root, e))]
    if nonexistent:
        failed = True
        print('Files listed in po/POTFILES.in or po/POTFILES.skip that do not exist:')
        for number, entry in nonexistent:
            print(f'  {entry} (line {number})')

    duplicates = sorted({e for e in listed_names if listed_names.count(e) > 1})
    if duplicates:
        failed = True
        print('Files listed more than once in po/POTFILES.in:')
        for entry in duplicates:
            print(f'  {entry}')

    if listed_names != sorted(listed_names):
        failed = True
        print('po/POTFILES.in is not sorted; expected this order (LC_ALL=C sort):')
        for entry in sorted(set(listed_names)):
            print(f'  {entry}')

    missing = sorted(scan(root) - set(listed_names) - {e for _, e in skipped})
    if missing:
        failed = True
        print('Files with translatable strings missing from po/POTFILES.in:')
        for entry in missing:
            print(f'  {entry}')

    if failed:
        return 1
    print(f'po/POTFILES.in lists all {len(listed_names)} files with translatable strings.')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
