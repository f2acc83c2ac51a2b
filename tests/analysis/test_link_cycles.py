"""The cycle guard settles each cycle from its canonical root, so every answer is the same in any
question order (what lets a later run adopt the answers, analysis/link_memory.py).

`Toy` is a linker whose references lean on each other as a table says, and whose answers spell
out everything they read: an answer worked out from a stand-in ("?") shows it, so any answer that
depended on where its cycle was entered would differ between orders."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from quartify.analysis.link import UNKNOWN, Linker, join
from quartify.core.types import Status
from tests.analysis.link_orders import asked, asked_first, modules_of
from tests.helpers import migrate_one, output_of

Rule = Callable[[Callable[[str], str]], str]


class Toy(Linker):
    def __init__(self, rules: dict[str, Rule]) -> None:
        super().__init__([])
        self.rules = rules

    def _resolve(self, parts: list[str], depth: int) -> str:
        return self.rules[join(parts)](self.resolve)

    def keep(self, ref: str, start: int) -> str:
        """What the guard did before settling: keep each answer as worked out where its cycle was
        entered."""
        for member in self._cycle[start:]:
            del self._provisional[member]
        del self._cycle[start:]
        return self._cache[ref]


def asks(name: str, *others: str) -> Rule:
    """`name` reads `others` in order; its answer spells theirs out."""
    return lambda resolve: f"{name}<{','.join(resolve(o) for o in others)}>"


def answers_in(rules: dict[str, Rule], order: tuple[str, ...], settle: bool = True) -> tuple[dict[str, str], bool]:
    """Every reference's answer after asking `order` of a fresh linker, and whether it is `cyclic`."""
    toy = Toy(rules)
    if not settle:
        toy._settle = toy.keep  # type: ignore[method-assign]
    for ref in order:
        toy.resolve(ref)
    return {ref: toy.resolve(ref) for ref in sorted(rules)}, toy.cyclic


def every_order(rules: dict[str, Rule], settle: bool = True) -> set[tuple[tuple[str, str], ...]]:
    """The distinct answer sets over every order of asking every reference."""
    return {tuple(answers_in(rules, order, settle)[0].items()) for order in itertools.permutations(sorted(rules))}


def test_a_three_cycle_gets_its_canonical_roots_answers_in_every_order() -> None:
    rules = {"a": asks("a", "b"), "b": asks("b", "c"), "c": asks("c", "a")}
    assert every_order(rules) == {(("a", "a<b<c<?>>>"), ("b", "b<c<?>>"), ("c", "c<?>"))}
    assert len(every_order(rules, settle=False)) == 3  # entered anywhere else, the answers differ
    assert not answers_in(rules, ("c",))[1]


def test_cycles_sharing_a_member_and_a_reference_outside_them() -> None:
    rules = {"x": asks("x", "b"), "a": asks("a", "b"), "b": asks("b", "a", "c"), "c": asks("c", "b", "d"),
             "d": asks("d")}
    found = every_order(rules)
    assert len(found) == 1
    assert dict(found.pop())["x"] == "x<b<?,c<?,d<>>>>"  # b as the cycle {a, b, c} worked out from a has it


def test_a_reference_asking_for_itself_keeps_its_own_stand_in() -> None:
    rules = {"a": asks("a", "a", "b"), "b": asks("b")}
    assert every_order(rules) == {(("a", "a<?,b<>>"), ("b", "b<>"))}


def test_a_cycle_whose_members_depend_on_where_it_is_entered_is_refused() -> None:
    # b goes on to read a only when c answered the stand-in: entered from a, the cycle is {a, b, c};
    # asked first, b meets only {b, c}, and answers otherwise. No canonical root fits both.
    def b(resolve: Callable[[str], str]) -> str:
        read = [resolve("c")]
        if read[0] == UNKNOWN:
            read.append(resolve("a"))
        return f"b<{','.join(read)}>"
    rules = {"a": asks("a", "c"), "b": b, "c": asks("c", "b")}
    toy = Toy(rules)
    assert toy.resolve("a") == "a<c<b<?,?>>>"
    assert toy.cyclic and toy.answered() is None  # never adopted, never kept for a later process
    assert answers_in(rules, ("b",))[0]["b"] == "b<c<?>>"  # what b asked first answers
    assert all(answers_in(rules, order)[1] for order in itertools.permutations(rules))


def _random_rules(seed: int) -> dict[str, Rule]:
    """A few references, each reading others, some only when an earlier read answered the
    stand-in, some only when none did: the references a cycle asks for depend on the answers it
    gets (as `_by_definer` asks only about an untyped value, `_resolve_param` only past one)."""
    rng = random.Random(seed)
    names = [chr(ord("a") + i) for i in range(rng.randint(2, 6))]

    def rule(name: str) -> Rule:
        steps = [(rng.choice(names), rng.random() < 0.5, rng.random() < 0.5) for _ in range(rng.randint(0, 4))]

        def run(resolve: Callable[[str], str]) -> str:
            read: list[str] = []
            for other, conditional, after_unknown in steps:
                if conditional and (UNKNOWN in read) != after_unknown:
                    continue
                read.append(resolve(other))
            return f"{name}<{','.join(read)}>"
        return run
    return {name: rule(name) for name in names}


@pytest.mark.parametrize("chunk", range(4))
def test_random_cycles_with_answer_dependent_questions_agree_in_every_order(chunk: int) -> None:
    """Every answer a linker that is not `cyclic` holds is the one a fresh linker asked for it
    first gives; a cycle whose members would settle another way from another entry is `cyclic`."""
    entry_dependent = refused = 0
    for seed in range(chunk * 250, (chunk + 1) * 250):
        rules = _random_rules(seed)
        first = {ref: answers_in(rules, (ref,))[0][ref] for ref in rules}
        orders = [*itertools.permutations(sorted(rules))][:12] + [tuple(sorted(rules, reverse=True))]
        runs = [answers_in(rules, order) for order in orders]
        for got, cyclic in runs:
            assert cyclic or got == first, seed
        refused += any(cyclic for _, cyclic in runs)
        entry_dependent += len({tuple(answers_in(rules, order, settle=False)[0].items()) for order in orders}) > 1
    assert entry_dependent > 20  # without settling, many of these systems answer by question order
    assert refused < entry_dependent / 2  # settling, most of those are exact, not refused


# A chain that grows as it is followed: `grow()` returns `v.peer` where `v` may be `grow()`, so
# its answer asks for `grow().peer`, which asks for `grow().peer.peer`, ... and never meets a
# pending reference again (it crashed with RecursionError before the depth cap).
GROWING = '''from flask import Flask


def grow(x):
    v = Flask(__name__)
    if x:
        v = grow(x)
    return v.peer


def climb(node):
    up = node
    if node:
        up = climb(node).parent
    return up.parent
'''


def test_a_chain_that_grows_as_it_is_followed_is_cut_off_not_a_crash(tmp_path: Path) -> None:
    result = migrate_one(GROWING, "m.py")
    assert result.status is not Status.FAILED, result.findings
    assert "v = Quart(__name__)" in output_of(result)
    (tmp_path / "m.py").write_text(GROWING, encoding="utf-8")
    modules = modules_of(tmp_path)
    linker = Linker(modules)
    for ref in asked(modules):
        linker.resolve(ref)
    # cut off answers are never adopted as exact: the linker says so, or each is an ask-first answer
    held = dict(linker._cache)
    assert linker.cyclic or asked_first(modules, held) == held
