"""Index every .py file under some directories and compare the `ModuleIndex` values, field by
field, with a dump made earlier (by another checkout): a speed change to the index must leave
every answer as it was.

    PYTHONPATH=<main checkout> python scripts/compare_indexes.py dump /tmp/base.pkl DIR...
    PYTHONPATH=<your checkout> python scripts/compare_indexes.py compare /tmp/base.pkl DIR...

A file that cannot be indexed compares by its error message. `time DIR...` prints the CPU
seconds of indexing them (best of three passes, sources read beforehand).
"""

from __future__ import annotations

import pickle
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from quartify.analysis.index import index_source

Result = object  # a ModuleIndex, or the text of the error that stopped it


def _sources(roots: list[str]) -> Iterator[tuple[str, str, bool, str]]:
    """(path, module, is_package, text) of every readable .py file, modules named from each root."""
    for root in roots:
        base = Path(root)
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            parts = parts[:-1] if is_package else parts
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            yield str(path), ".".join(parts) or "root", is_package, text


def _index(path: str, module: str, is_package: bool, text: str) -> Result:
    try:
        return index_source(text, path, module, is_package)
    except Exception as exc:  # noqa: BLE001 - an error is an answer to compare too
        return f"{type(exc).__name__}: {exc}"


def _index_all(roots: list[str]) -> dict[str, Result]:
    return {path: _index(path, module, pkg, text) for path, module, pkg, text in _sources(roots)}


def _differences(before: Result, after: Result) -> list[str]:
    fields = getattr(before, "__dataclass_fields__", None)
    if fields is None or type(before) is not type(after):
        return ["whole"]
    return [name for name in fields if getattr(before, name) != getattr(after, name)]


def main(argv: list[str]) -> int:
    sys.setrecursionlimit(10_000)
    command, rest = argv[0], argv[1:]
    if command == "dump":
        results = _index_all(rest[1:])
        with open(rest[0], "wb") as out:
            pickle.dump(results, out)
        print(f"{len(results)} files indexed")
        return 0
    if command == "compare":
        with open(rest[0], "rb") as dumped:
            before: dict[str, Result] = pickle.load(dumped)  # our own dump
        after = _index_all(rest[1:])
        differ = [p for p in before if p in after and before[p] != after[p]]
        unmatched = sorted(set(before) ^ set(after))
        print(f"{len(before)} files, {len(differ)} differ, {len(unmatched)} in one run only")
        for path in differ[:20]:
            print(f"  {path}: {', '.join(_differences(before[path], after[path]))}")
        return 1 if differ or unmatched else 0
    if command == "time":
        sources = list(_sources(rest))
        passes = []
        for _ in range(3):
            start = time.process_time()
            for source in sources:
                _index(*source)
            passes.append(time.process_time() - start)
        print(f"{len(sources)} files: index CPU best {min(passes):.2f} s ({', '.join(f'{p:.2f}' for p in passes)})")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
