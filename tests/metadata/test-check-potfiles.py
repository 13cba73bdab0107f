#!/usr/bin/env python3
# tests/metadata/test-check-potfiles.py
# Copyright 2026 The Kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-test for check-potfiles.py: show that it passes a complete tree and
fails (exit 1, naming the file) on each kind of mistake.

Usage: test-check-potfiles.py PATH/TO/check-potfiles.py
Prints TAP. Stdlib only.
"""

import os
import subprocess
import sys
import tempfile

COMPLETE = {
    'po/POTFILES.in': '# comment\n'
                      'data/care.kith.Kith.desktop.in.in\n'
                      'src/app/kith-window.c\n'
                      'src/core/kith-patient.c\n'
                      'ui/kith-window.ui\n',
    'data/care.kith.Kith.desktop.in.in': '[Desktop Entry]\nName=Kith\nExec=kith\n',
    'src/app/kith-window.c': 'static void\nf (void)\n{\n  g_print ("%s", _("Caseload"));\n}\n',
    'src/core/kith-patient.c': 'const char *s = ngettext ("%d plan", "%d plans", n);\n',
    'src/core/kith-util.c': '/* Not translated: _("in a comment") */\n'
                            'const char *url = "https://kith.example"; // _("nor here")\n'
                            'const char *s = "_(\\"in a string\\")";\n'
                            'char *my_ (const char *s);\nconst char *t = _(N);\n',
    'ui/kith-window.ui': '<interface>\n  <object class="GtkLabel">\n'
                         '    <property name="label" translatable="yes">Caseload</property>\n'
                         '  </object>\n</interface>\n',
    'ui/kith-empty.ui': '<interface>\n  <object class="GtkBox"/>\n</interface>\n',
}


def write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)


def with_changes(**changes):
    files = dict(COMPLETE)
    for rel, text in changes.items():
        rel = rel.replace('__', '/').replace('_DOT_', '.')
        if text is None:
            files.pop(rel, None)
        else:
            files[rel] = text
    return files


def potfiles(*entries):
    return ''.join(e + '\n' for e in entries)


CASES = [
    # (description, files, expected exit code, text expected in output)
    ('a complete tree passes', COMPLETE, 0, 'lists all 4 files'),
    ('a C file with _() missing from POTFILES.in fails',
     with_changes(**{'src__core__kith-store_DOT_c': 'g_set_error (e, D, 1, _("Locked"));\n'}),
     1, 'src/core/kith-store.c'),
    ('a C file with C_() missing fails',
     with_changes(**{'src__app__kith-row_DOT_c': 'x = C_("plan status", "Agreed");\n'}),
     1, 'src/app/kith-row.c'),
    ('a C file with g_dngettext() missing fails',
     with_changes(**{'src__app__kith-row_DOT_c':
                     'x = g_dngettext (GETTEXT_PACKAGE, "%d goal", "%d goals", n);\n'}),
     1, 'src/app/kith-row.c'),
    ('a header with N_() missing fails',
     with_changes(**{'src__core__kith-labels_DOT_h': 'static const char *l[] = { N_("Goal") };\n'}),
     1, 'src/core/kith-labels.h'),
    ('a .ui file with translatable="yes" missing fails',
     with_changes(**{'ui__kith-record-page_DOT_ui':
                     '<interface><object class="GtkButton">'
                     '<property name="label" translatable="yes">Save</property>'
                     '</object></interface>\n'}),
     1, 'ui/kith-record-page.ui'),
    ('a .ui file in src/app missing fails',
     with_changes(**{'src__app__kith-row_DOT_ui':
                     "<interface><menu><item><attribute name='label' translatable='yes'>Open"
                     '</attribute></item></menu></interface>\n'}),
     1, 'src/app/kith-row.ui'),
    ('a metainfo source missing fails',
     with_changes(**{'data__care_DOT_kith_DOT_Kith_DOT_metainfo_DOT_xml_DOT_in_DOT_in':
                     '<component><name>Kith</name></component>\n'}),
     1, 'data/care.kith.Kith.metainfo.xml.in.in'),
    ('a listed file that does not exist fails',
     with_changes(**{'src__app__kith-window_DOT_c': None}),
     1, 'src/app/kith-window.c'),
    ('POTFILES.in out of order fails',
     with_changes(**{'po__POTFILES_DOT_in': potfiles('data/care.kith.Kith.desktop.in.in',
                                                     'src/core/kith-patient.c',
                                                     'src/app/kith-window.c',
                                                     'ui/kith-window.ui')}),
     1, 'not sorted'),
    ('a duplicate entry fails',
     with_changes(**{'po__POTFILES_DOT_in': potfiles('data/care.kith.Kith.desktop.in.in',
                                                     'src/app/kith-window.c',
                                                     'src/app/kith-window.c',
                                                     'src/core/kith-patient.c',
                                                     'ui/kith-window.ui')}),
     1, 'more than once'),
    ('a file listed in POTFILES.skip is not required',
     with_changes(**{'src__app__kith-debug_DOT_c': 'x = _("Debug");\n',
                     'po__POTFILES_DOT_skip': '# skipped\nsrc/app/kith-debug.c\n'}),
     0, 'lists all 4 files'),
    ('a missing POTFILES.in fails',
     with_changes(**{'po__POTFILES_DOT_in': None}),
     1, 'POTFILES.in does not exist'),
]


def main(argv):
    if len(argv) != 2:
        print(f'usage: {argv[0]} PATH/TO/check-potfiles.py', file=sys.stderr)
        return 2
    checker = argv[1]
    print(f'1..{len(CASES)}')
    failures = 0
    for number, (description, files, want_rc, want_text) in enumerate(CASES, 1):
        with tempfile.TemporaryDirectory(prefix='kith-potfiles-') as root:
            write_tree(root, files)
            run = subprocess.run([sys.executable, checker, root],
                                 capture_output=True, text=True, check=False)
        output = run.stdout + run.stderr
        ok = run.returncode == want_rc and want_text in output
        if not ok:
            failures += 1
        print(f'{"ok" if ok else "not ok"} {number} - {description}')
        if not ok:
            print(f'# expected exit {want_rc} and "{want_text}"; got exit {run.returncode}:')
            for line in output.splitlines():
                print(f'#   {line}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
