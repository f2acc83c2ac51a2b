"""Which tests must share one pytest-xdist worker, so the suite can run on every core.

`python -m pytest` runs with `-n auto --dist loadgroup` (pyproject.toml): each test goes to any
free worker unless it carries an `xdist_group` mark, and a group's tests all run in one worker,
in collection order. Two kinds of tests share state that a second worker would not see:

- the extension matrix's outcome check (tests/extensions/test_matrix.py) reads the outcomes of
  the proof tests its rows name from the pytest session that ran them (proof_session.py), so
  it runs in the worker that ran every proof, after them: one group for the modules that hold
  a proof and for the check;
- a module whose fixtures are module-scoped (a virtualenv, a pip `--target` install, a
  migrated tree, a pre-commit environment) builds them once per process: its tests form a
  group of their own, so the work is done once, as in a serial run.

Every other test is free. A test already marked `xdist_group` keeps its own mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest

PROOFS = "extension-proofs"
SHARED_SCOPES = ("module", "package", "class")


def module_of(nodeid: str) -> str:
    return nodeid.partition("::")[0]


def without_group(nodeid: str) -> str:
    """The node id pytest prints: `--dist loadgroup` appends `@<group>` to a grouped test's id
    (after any `[params]`, which may hold an `@` of their own)."""
    at = nodeid.rfind("@")
    return nodeid[:at] if at > nodeid.rfind("]") else nodeid


def uses_shared_fixture(item: pytest.Item) -> bool:
    """Whether the test asks for a fixture built once per module (or class, or package)."""
    info = getattr(item, "_fixtureinfo", None)  # every Function has one; pytest has no public name
    if info is None:
        return False
    return any(defs and defs[-1].scope in SHARED_SCOPES for defs in info.name2fixturedefs.values())


def group_of(item: pytest.Item, proof_modules: set[str], shared: set[str], after_proofs: str) -> str | None:
    module = module_of(item.nodeid)
    if module in proof_modules or item.get_closest_marker(after_proofs) is not None:
        return PROOFS
    return module if module in shared else None


def assign(items: Sequence[pytest.Item], proof_ids: Iterable[str], after_proofs: str) -> None:
    """Mark each test that must share a worker with its group (see the module docstring)."""
    proof_modules = {module_of(p) for p in proof_ids}
    # the whole module: a test may reach a module fixture through request.getfixturevalue
    shared = {module_of(item.nodeid) for item in items if uses_shared_fixture(item)}
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        group = group_of(item, proof_modules, shared, after_proofs)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
