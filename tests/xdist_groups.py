"""Which tests must share one pytest-xdist worker, so the suite can run on every core.

`python -m pytest` runs with `-n auto --dist loadgroup` (pyproject.toml). Two kinds of tests share
state that a second worker would not see:

- the extension matrix's outcome check (tests/extensions/test_matrix.py) reads the outcomes of
  the proof tests its rows name from the pytest session that ran them (proof_session.py), so
  it runs in the worker that ran every proof, after them: one unit of work for the modules that
  hold a proof and for test_matrix.py;
- a module that defines a fixture of module (or class, or package) scope (a virtualenv, a pip
  `--target` install, a migrated tree, a pre-commit environment) builds it once per process: the
  module is one unit, so the work is done once, as in a serial run.

Every other test is a unit of its own. The units are given to workers by `Scheduler` (installed by
tests/conftest.py through `pytest_xdist_make_scheduler`), which decides from node ids alone, in
the controller, which collects nothing. xdist's own `xdist_group` marks are not used: with pytest
9.2 and pytest-xdist 3.8 they silently group nothing (pytest-dev/pytest-xdist#1386: xdist tags
grouped node ids by assigning an attribute pytest no longer reads).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PROOFS = "extension-proofs"
CHECK_MODULE = "tests/extensions/test_matrix.py"
ROOT = Path(__file__).resolve().parents[1]
# How this suite declares such a fixture: @pytest.fixture(scope="module"), also with autouse.
_SHARED_SCOPE = re.compile(r"""scope\s*=\s*["'](?:module|package|class)["']""")


def module_of(nodeid: str) -> str:
    return nodeid.partition("::")[0]


def without_group(nodeid: str) -> str:
    """The node id pytest prints: `--dist loadgroup` appends `@<group>` to the id of a test
    marked `xdist_group` (after any `[params]`, which may hold an `@` of their own)."""
    at = nodeid.rfind("@")
    return nodeid[:at] if at > nodeid.rfind("]") else nodeid


@functools.cache
def defines_shared_fixture(module: str) -> bool:
    path = ROOT / module
    return path.suffix == ".py" and path.is_file() and bool(_SHARED_SCOPE.search(path.read_text(encoding="utf-8")))


@functools.cache
def proof_modules() -> frozenset[str]:
    from quartify.rules.extensions import load

    return frozenset(module_of(p) for row in load() for p in row.proofs) | {CHECK_MODULE}


def unit_of(nodeid: str, proofs: Iterable[str] | None = None) -> str:
    """The unit of work a test belongs to: tests of one unit run in one worker, in order."""
    nodeid = without_group(nodeid)
    module = module_of(nodeid)
    if module in (proof_modules() if proofs is None else set(proofs)):
        return PROOFS
    return module if defines_shared_fixture(module) else nodeid


def make_scheduler(config: Any, log: Any) -> Any:
    """xdist's `loadscope` scheduling (whole units to the first free worker; the units with the
    most tests first, each in collection order), with the units of `unit_of`."""
    from xdist.scheduler import LoadScopeScheduling

    class Scheduler(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    return Scheduler(config, log)
