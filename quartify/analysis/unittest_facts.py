"""Which repo classes take part in `unittest.TestCase` families after the colouring, so the
unittest planner can turn a family async as one piece.

A family is every repo class in the MRO of a `TestCase` subclass: the subclasses, their bases
(in other modules too) and the mixins that provide `setUp`/`tearDown`. When any method of a
family member becomes async, its root `TestCase` base must become `IsolatedAsyncioTestCase`,
each async `setUp`/`tearDown` is renamed `asyncSetUp`/`asyncTearDown`, and every call that
reached the old name (`super().setUp()`, `Base.setUp(self)`) must reach the new one, awaited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from quartify.analysis.link import Linker
from quartify.analysis.model import FunctionInfo

UNITTEST_CASE = "unittest.TestCase"
# Families are found from either base: a re-run on migrated output must see the same family.
_CASES = frozenset({UNITTEST_CASE, "unittest.IsolatedAsyncioTestCase"})
ASYNC_HOOKS = {"setUp": "asyncSetUp", "tearDown": "asyncTearDown"}
# unittest (and pytest's xunit style) call these synchronously: they cannot become async.
CLASS_FIXTURES = frozenset({"setUpClass", "tearDownClass"})
MODULE_FIXTURES = frozenset({"setUpModule", "tearDownModule"})


@dataclass(frozen=True)
class UnittestFacts:
    family: frozenset[str]  # repo classes in the MRO of a TestCase subclass (mixins included)
    async_bases: frozenset[str]  # repo classes deriving straight from TestCase that must become async
    renamed: dict[str, str]  # `Class.setUp` qualname -> its new name (`asyncSetUp`)


def unittest_facts(linker: Linker, is_async: Callable[[str], bool]) -> UnittestFacts:
    cases = [q for q in linker.classes if _is_case(linker, q)]
    family: set[str] = set()
    async_bases: set[str] = set()
    for qualname in cases:
        members = [k for k in linker.mro(qualname) if k in linker.classes]
        family.update(members)
        # Inherited async methods count: a mixin's async setUp runs only under the async case.
        if not any(is_async(f"{k}.{m}") for k in members for m in linker.classes[k].methods):
            continue
        for klass in members:
            if any(linker.resolve(b) == UNITTEST_CASE for b in linker.classes[klass].bases):
                async_bases.add(klass)
    renamed = {
        f"{klass}.{name}": new
        for klass in sorted(family)
        for name, new in ASYNC_HOOKS.items()
        if name in linker.classes[klass].methods and is_async(f"{klass}.{name}")
    }
    return UnittestFacts(frozenset(family), frozenset(async_bases), renamed)


def sync_fixture_why(linker: Linker, func: FunctionInfo) -> str | None:
    """Why a unittest class or module fixture must stay sync, or None when `func` is not one."""
    if func.name in CLASS_FIXTURES and func.class_qualname is not None:
        if not _is_case(linker, func.class_qualname) and func.class_qualname not in _mixed_in(linker):
            return None
        where = "class"
    elif func.name in MODULE_FIXTURES and func.class_qualname is None and func.parent is None:
        where = "module"
    else:
        return None
    instead = "push it per test in setUp" if func.name.startswith("setUp") else "pop it per test in tearDown"
    return (
        f"unittest calls {func.name} synchronously (IsolatedAsyncioTestCase has no async {where} "
        "fixtures, and each test runs in its own event loop and context, so a context pushed there "
        f"does not reach the tests): {instead}, which quartify makes async"
    )


def _is_case(linker: Linker, qualname: str) -> bool:
    return not _CASES.isdisjoint(linker.mro(qualname))


def _mixed_in(linker: Linker) -> frozenset[str]:
    return frozenset(k for q in linker.classes if _is_case(linker, q) for k in linker.mro(q) if k in linker.classes)
