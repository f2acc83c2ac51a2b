"""Prove a change to the index keeps every `ModuleIndex` the same: index each `.py` file under
the given roots with the code of a git revision and with this checkout, and compare.

Each side runs in a process of its own (the revision's `quartify` package extracted with
`git archive` into a temporary directory) and prints, per file and per `is_package` value, a
digest of the `repr` of the `ModuleIndex` (or of the `UnindexableSource` message): every field,
in order. The files are read once, before either side runs, so an input edited meanwhile does
not count as a difference. Exit status 1 when any file differs; the differing files are listed.

Usage: python scripts/compare_index.py REV ROOT [ROOT ...]
       (e.g. `main /tmp/ctfd /tmp/indico tests/fixtures`)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run by each side with its own code first on sys.path: reads (path, module, text) triples as
# JSON on stdin, writes one digest line per file and `is_package` value.
_SIDE = r'''
import hashlib, json, sys
from quartify.analysis import index as ix
for path, module, text in json.load(sys.stdin):
    for package in (False, True):
        try:
            shown = repr(ix.index_source(text, path, module, package))
        except ix.UnindexableSource as exc:
            shown = f"unindexable {exc} {exc.line} {exc.col}"
        print(path, package, hashlib.sha256(shown.encode()).hexdigest())
'''


def inputs(roots: list[Path]) -> list[tuple[str, str, str]]:
    """(path, dotted module name under its root, text) of every readable `.py` file, once."""
    seen: set[Path] = set()
    found: list[tuple[str, str, str]] = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if path in seen:
                continue
            seen.add(path)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            module = ".".join(path.relative_to(root).with_suffix("").parts) or "module"
            found.append((str(path), module, text))
    return found


def digests(code: Path, files: list[tuple[str, str, str]]) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, "-c", _SIDE], input=json.dumps(files), env=env, cwd=code,
                          capture_output=True, text=True, check=True)
    out: dict[str, str] = {}
    for line in done.stdout.splitlines():
        key, digest = line.rsplit(" ", 1)
        out[key] = digest
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    revision, roots = argv[0], [Path(r).resolve() for r in argv[1:]]
    files = inputs(roots)
    with tempfile.TemporaryDirectory() as base:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "quartify"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", base], input=archive, check=True)
        before = digests(Path(base), files)
    after = digests(ROOT, files)
    differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    for key in differ:
        print("differs:", key)
    print(f"{len(files)} files, {len(after)} indexings, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
