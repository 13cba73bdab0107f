#!/usr/bin/env python3
# tests/metadata/check-flatpak.py
# Copyright 2026 The Kith developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifests in flatpak/.

Usage: check-flatpak.py SOURCE_ROOT [MANIFEST.json ...]

With no manifests given, checks every flatpak/*.json. For each one: it is
valid JSON; app-id is the id of one of our desktop files (data/ID.desktop.in.in),
with ".Devel" exactly when the kith module builds -Dprofile=development; the
runtime and SDK are a matching GNOME pair; command is "kith"; the network and
Secret Service permissions the app needs are there; every downloaded source is
pinned (sha256 or git commit); and the last module is "kith", built with meson
from this source tree. Exit 1 with a list of problems otherwise. Stdlib only.
"""

import glob
import json
import os
import re
import sys

SHA256 = re.compile(r'^[0-9a-f]{64}$')
GIT_COMMIT = re.compile(r'^[0-9a-f]{40}$')
NEEDED_FINISH_ARGS = (
    '--share=network',                      # the practice server
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--talk-name=org.freedesktop.secrets',  # libsecret
)


def desktop_ids(root):
    ids = set()
    for path in glob.glob(os.path.join(root, 'data', '*.desktop.in.in')):
        ids.add(os.path.basename(path)[:-len('.desktop.in.in')])
    for path in glob.glob(os.path.join(root, 'data', '*.desktop.in')):
        ids.add(os.path.basename(path)[:-len('.desktop.in')])
    return ids


def load_modules(modules, manifest_dir, problems, where='modules'):
    """Flatten the module list, loading modules given as file names."""
    flat = []
    if not isinstance(modules, list):
        problems.append(f'{where} is not a list')
        return flat
    for i, module in enumerate(modules):
        if isinstance(module, str):
            path = os.path.join(manifest_dir, module)
            try:
                with open(path, encoding='utf-8') as f:
                    module = json.load(f)
            except (OSError, ValueError) as e:
                problems.append(f'{where}[{i}]: cannot load {module}: {e}')
                continue
        if not isinstance(module, dict):
            problems.append(f'{where}[{i}] is not an object')
            continue
        flat.extend(load_modules(module.get('modules', []), manifest_dir, problems,
                                 f'{where}[{i}].modules'))
        flat.append(module)
    return flat


def check_sources(module, manifest_dir, problems):
    name = module.get('name', '?')
    sources = module.get('sources', [])
    if not isinstance(sources, list) or not sources:
        problems.append(f'module {name}: has no sources')
        return
    for source in sources:
        if isinstance(source, str):
            continue  # a JSON file of generated sources
        kind = source.get('type')
        if kind in ('archive', 'file') and 'url' in source:
            if not SHA256.match(str(source.get('sha256', ''))):
                problems.append(f'module {name}: {source["url"]} has no real sha256')
            if not str(source['url']).startswith('https://'):
                problems.append(f'module {name}: {source["url"]} is not https')
        elif kind == 'git':
            if not GIT_COMMIT.match(str(source.get('commit', ''))):
                problems.append(f'module {name}: git source {source.get("url")} is not '
                                'pinned to a commit')
        elif kind == 'dir':
            path = os.path.join(manifest_dir, source.get('path', ''))
            if not os.path.isdir(path):
                problems.append(f'module {name}: dir source {path} does not exist')


def check_manifest(path, root):
    problems = []
    manifest_dir = os.path.dirname(os.path.abspath(path))
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        return [f'not valid JSON: {e}']
    if not isinstance(manifest, dict):
        return ['the manifest is not a JSON object']

    app_id = manifest.get('app-id', manifest.get('id'))
    ids = desktop_ids(root)
    base_id = app_id[:-len('.Devel')] if isinstance(app_id, str) and app_id.endswith('.Devel') \
        else app_id
    if not isinstance(app_id, str) or base_id not in ids:
        problems.append(f'app-id {app_id!r} is not the id of a desktop file '
                        f'(data/<id>.desktop.in.in; found {sorted(ids)})')
    expected_name = f'{app_id}.json'
    if os.path.basename(path) not in (expected_name, f'{app_id}.yml', f'{app_id}.yaml'):
        problems.append(f'the manifest should be named {expected_name}')

    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        problems.append('runtime/sdk should be org.gnome.Platform/org.gnome.Sdk')
    if not isinstance(manifest.get('runtime-version'), str):
        problems.append('runtime-version is missing or not a string')

    if manifest.get('command') != 'kith':
        problems.append(f'command is {manifest.get("command")!r}, expected "kith"')

    finish_args = manifest.get('finish-args', [])
    for arg in NEEDED_FINISH_ARGS:
        if arg not in finish_args:
            problems.append(f'finish-args lacks {arg}')
    for arg in finish_args:
        if arg.startswith('--filesystem=host') or arg == '--filesystem=home':
            problems.append(f'finish-args gives {arg}; Kith needs no such access')

    modules = load_modules(manifest.get('modules'), manifest_dir, problems)
    for module in modules:
        check_sources(module, manifest_dir, problems)

    kith = [m for m in modules if m.get('name') == 'kith']
    if len(kith) != 1:
        problems.append(f'expected one module named "kith", found {len(kith)}')
    else:
        module = kith[0]
        if module.get('buildsystem') != 'meson':
            problems.append(f'module kith: buildsystem is {module.get("buildsystem")!r}, '
                            'expected "meson"')
        if modules[-1] is not module:
            problems.append('module kith should be the last module')
        dirs = [os.path.realpath(os.path.join(manifest_dir, s.get('path', '')))
                for s in module.get('sources', [])
                if isinstance(s, dict) and s.get('type') == 'dir']
        if os.path.realpath(root) not in dirs:
            problems.append('module kith: no {"type": "dir"} source pointing at the source tree')
        development = '-Dprofile=development' in module.get('config-opts', [])
        if isinstance(app_id, str) and app_id.endswith('.Devel') != development:
            problems.append(f'module kith: app-id {app_id} does not match the profile: a .Devel '
                            'app-id needs -Dprofile=development in config-opts, and only it does')
    return problems


def main(argv):
    if len(argv) < 2:
        print(f'usage: {argv[0]} SOURCE_ROOT [MANIFEST.json ...]', file=sys.stderr)
        return 2
    root = argv[1]
    manifests = argv[2:] or sorted(glob.glob(os.path.join(root, 'flatpak', '*.json')))
    if not manifests:
        print(f'check-flatpak: no manifests in {os.path.join(root, "flatpak")}')
        return 1
    failed = False
    for path in manifests:
        problems = check_manifest(path, root)
        if problems:
            failed = True
            print(f'{path}:')
            for problem in problems:
                print(f'  {problem}')
        else:
            print(f'{path}: OK')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
