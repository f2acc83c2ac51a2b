"""`BodyMemo` (analysis/graph_memo.py): after an edit, a run whose linker adopted the last run's
answers reuses what unchanged function bodies gave the graph; through edits that keep or change
the repo-wide facts those depend on, the graph always equals one built from scratch."""

from __future__ import annotations

from quartify.analysis import graph
from quartify.analysis.link import Linker
from quartify.analysis.link_memory import LinkMemory
from quartify.analysis.model import ModuleIndex
from quartify.analysis.solver import solve
from tests.analysis.test_link_memory import HELPERS, VIEWS, index

DECORATORS = """\
import functools

def logged(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)
    return wrapper
"""


def built(linker: Linker, memo: graph.BodyMemo | None = None) -> tuple[object, ...]:
    repo = graph.build(linker, memo)
    solution = solve(repo.graph)
    return repo.graph, repo.kinds, repo.wrappers, solution.async_nodes, dict(solution.reasons), solution.blocked


def test_edits_reusing_kept_body_facts_give_the_graph_of_a_fresh_build() -> None:
    memory = LinkMemory()
    views, decorators = index("views", VIEWS), index("decorators", DECORATORS)
    helpers = HELPERS + "\ndef outer(f):\n    def inner():\n        return 1\n    return inner\n"
    sequence = [
        ("first run", helpers, False),
        ("a body edit that makes shout async", helpers.replace("    return text", "    request.get_json()\n    return text"), True),
        ("reverted", helpers, True),
        ("shout was async under Flask", helpers.replace("def shout", "async def shout"), True),
        ("inner becomes a wrapper", helpers.replace("        return 1", "        f()\n        return 1"), True),
    ]
    worlds = []
    for state, text, adopted in sequence:
        modules: list[ModuleIndex] = [index("helpers", text), views, decorators]
        linker = memory.linker(modules)
        assert memory.adopted == adopted, state
        kept = len(memory.bodies.facts)
        assert built(linker, memory.bodies) == built(Linker(modules)), state
        worlds.append(memory.bodies.world)
        if state == "reverted":
            # nothing repo-wide changed: the views' and decorators' functions were not read again
            assert kept > 0 and all(memory.bodies.get(m) is not None for m in (views, decorators))
    # the last two edits changed a repo-wide fact (an `async def`, a decorator's wrappers)
    assert worlds[0] == worlds[1] == worlds[2] != worlds[3] != worlds[4]


def test_a_changed_world_drops_every_kept_fact() -> None:
    memo = graph.BodyMemo()
    modules = [index("helpers", HELPERS), index("views", VIEWS)]
    graph.build(Linker(modules), memo)
    assert memo.facts
    world = memo.world
    assert world is not None
    memo.under(graph.World(world.async_defs | {"helpers.shout"}, world.generators, world.wrappers,
                           world.extra_awaitables, world.forms))
    assert memo.facts == {}


def test_a_later_process_takes_body_facts_by_module_text_and_builds_the_same_graph() -> None:
    helpers, views = index("helpers", HELPERS), index("views", VIEWS)
    first = LinkMemory()
    graph.build(first.linker([helpers, views]), first.bodies)
    record = first.record()
    assert record is not None and record.world and record.bodies
    edited = index("helpers", HELPERS.replace("    return text", "    request.get_json()\n    return text"))
    fresh_views = index("views", VIEWS)  # new objects, the same text: their facts are taken by text
    later = LinkMemory(record)
    linker = later.linker([edited, fresh_views])
    assert later.adopted
    assert first.bodies.world is not None
    later.bodies.under(first.bodies.world, [edited, fresh_views])  # what the build starts with
    assert later.bodies.get(fresh_views) is not None
    assert built(linker, later.bodies) == built(Linker([edited, fresh_views]))
