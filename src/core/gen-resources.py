#!/usr/bin/env python3
# src/core/gen-resources.py
# Copyright 2026 The Kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Bundles the clinical content (data/instruments, data/rules, data/options)
# and the outcome indicators' definitions (data/indicators) into a C
# GResource for kith-core. Every JSON file in those folders is
# included, so adding an instrument needs no build change.
#
#   gen-resources.py OUTPUT.c DATA_DIR
import glob
import os
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

output, data_dir = sys.argv[1], os.path.abspath(sys.argv[2])
files = sorted(glob.glob(os.path.join(data_dir, "instruments", "*.json")) +
               glob.glob(os.path.join(data_dir, "rules", "*.json")) +
               glob.glob(os.path.join(data_dir, "options", "*.json")) +
               glob.glob(os.path.join(data_dir, "indicators", "*.json")))
with tempfile.NamedTemporaryFile("w", suffix=".gresource.xml", delete=False) as xml:
    xml.write('<?xml version="1.0" encoding="UTF-8"?>\n<gresources>\n')
    xml.write('  <gresource prefix="/care/kith/Kith">\n')
    for path in files:
        alias = os.path.relpath(path, data_dir)
        xml.write('    <file alias="%s" compressed="true">%s</file>\n' % (escape(alias), escape(alias)))
    xml.write('  </gresource>\n</gresources>\n')
try:
    subprocess.run(["glib-compile-resources", "--generate-source", "--c-name", "kith_core", "--manual-register",
                    "--sourcedir", data_dir, "--target", output, xml.name], check=True)
finally:
    os.unlink(xml.name)
