"""Each module's share of graph.build's whole-repo passes (analysis/graph_scan.py) is kept while
the linker's answers are adopted, in memory and through a stored record: after edits in one file
that change what another file's functions are (a decorator's family, a registration, a barrier,
a streamed generator), the graph equals one built from scratch, and only the edited module is
scanned again."""

from __future__ import annotations

import itertools

import pytest

from quartify.analysis import graph, graph_scan
from quartify.analysis.link import Linker
from quartify.analysis.link_memory import LinkMemory
from quartify.analysis.model import ModuleIndex
from quartify.analysis.solver import solve
from tests.analysis.test_link_memory import index

DECORATORS = """\
import functools

def logged(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return "logged"
    return wrapper
"""
HELPERS = """\
from flask import request

def shout(text):
    return text.upper()

def lines():
    yield "a"
    yield "b"
"""
VIEWS = """\
from flask import Flask, stream_with_context
from decorators import logged
from helpers import shout, lines

app = Flask(__name__)

@app.route("/")
@logged
def index():
    return shout("you")

def setup():
    return None
"""

# (what the edit does, module edited, old text, new text, whether the answers are adopted)
EDITS = [
    ("the wrapper now calls the view: logged's family reaches index", "decorators",
     '        return "logged"', '        view(*args, **kwargs)\n        return "logged"', True),
    ("a view registered by a call turns the wrapper into a view", "views",
     "def setup():\n", 'def setup():\n    app.add_url_rule("/e", "e", logged(lambda: "x"))\n', True),
    ("shout kept in a list: a barrier in another file", "views",
     "def setup():\n", "def setup():\n    handlers = [shout]\n", True),
    ("lines streamed: an async generator in another file", "views",
     '    return shout("you")', '    stream_with_context(lines())\n    return shout("you")', True),
    ("shout uses the request: a seed the views' edges carry", "helpers",
     "    return text.upper()", "    request.get_json()\n    return text.upper()", True),
    ("an import changes: linked from scratch", "views",
     "from helpers import shout, lines", "import os\nfrom helpers import shout, lines", False),
]


def built(linker: Linker, memo: graph.BodyMemo | None = None) -> tuple[object, ...]:
    repo = graph.build(linker, memo)
    solution = solve(repo.graph)
    return (repo.graph, list(repo.kinds.items()), repo.barriers, list(repo.wrappers.items()), repo.wrapper_params,
            repo.value_uses, repo.split_overrides, repo.uncertain_decorators, list(repo.applications.items()),
            list(repo.decorated.items()), solution.async_nodes, dict(solution.reasons), solution.blocked)


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modules graph_scan.scan is asked to scan, in order."""
    seen: list[str] = []
    real = graph_scan.scan

    def counting(linker: Linker, modules: list[ModuleIndex], may_register: object) -> list[graph_scan.ModuleFacts]:
        seen.extend(m.module for m in modules)
        return real(linker, modules, may_register)  # type: ignore[arg-type]

    monkeypatch.setattr(graph_scan, "scan", counting)
    return seen


def test_edits_in_one_file_that_change_another_files_functions_give_a_fresh_builds_graph(scanned: list[str]) -> None:
    texts = {"decorators": DECORATORS, "helpers": HELPERS, "views": VIEWS}
    modules = {name: index(name, text) for name, text in texts.items()}
    memory = LinkMemory()
    first = memory.linker(list(modules.values()))
    cold = built(first, memory.bodies)
    assert sorted(scanned) == ["decorators", "helpers", "views"]
    assert cold == built(Linker(list(modules.values())))
    fresh_results = []
    for what, name, old, new, adopted in EDITS:
        assert old in texts[name], what
        texts[name] = texts[name].replace(old, new)
        modules[name] = index(name, texts[name])
        scanned.clear()
        linker = memory.linker(list(modules.values()))
        assert memory.adopted == adopted, what
        incremental = built(linker, memory.bodies)
        # adopted: the other modules' facts are the last run's; else everything is scanned again
        assert sorted(scanned) == ([name] if adopted else ["decorators", "helpers", "views"]), what
        fresh = built(Linker(list(modules.values())))
        assert incremental == fresh, what
        fresh_results.append(fresh)
    # every edit changed the graph another file's functions are in
    assert all(a != b for a, b in itertools.pairwise(fresh_results))
    kinds = dict(fresh_results[3][1])  # type: ignore[call-overload]
    assert kinds["decorators.logged.<locals>.wrapper"].kind == "view"
    assert kinds["helpers.lines"].kind == "stream"
    assert "helpers.shout" in fresh_results[2][2]  # type: ignore[operator]


def test_a_later_process_takes_each_modules_facts_by_its_text(scanned: list[str]) -> None:
    texts = {"decorators": DECORATORS, "helpers": HELPERS, "views": VIEWS}
    first = LinkMemory()
    graph.build(first.linker([index(n, t) for n, t in texts.items()]), first.bodies)
    record = first.record()
    assert record is not None and len(record.scans) == 3
    edited = dict(texts, views=VIEWS.replace("def setup():\n", "def setup():\n    handlers = [shout]\n"))
    modules = [index(n, t) for n, t in edited.items()]  # new objects: the others' facts are found by text
    later = LinkMemory(record)
    linker = later.linker(modules)
    assert later.adopted
    scanned.clear()
    incremental = built(linker, later.bodies)
    assert scanned == ["views"]
    assert incremental == built(Linker(modules))
    # what it keeps for the next process: the read facts written back equal the facts worked out
    again = later.record()
    assert again is not None and set(again.scans) == set(record.scans) - {graph_scan.content_key(index("views", VIEWS))} | {
        graph_scan.content_key(modules[2])}
    later.bodies._restored.clear()
    assert again.bodies == later.bodies.export(linker.modules.values())[1]  # type: ignore[index]
    # the unchanged modules' facts are written back as they were read (not exported again), and
    # each module's stored facts are those this run used
    for module in modules[:2]:
        assert again.scans[graph_scan.content_key(module)] is record.scans[graph_scan.content_key(module)]
    for module in modules:
        assert graph_scan.restore(again.scans[graph_scan.content_key(module)], module) == later.bodies.scans.get(module)


def test_stored_facts_of_another_shape_are_scanned_again() -> None:
    module = index("helpers", HELPERS)
    linker = Linker([module])
    facts = graph_scan.scan(linker, [module], lambda use: False)[0]
    assert graph_scan.restore(graph_scan.export(facts), module) == facts
    assert graph_scan.restore(graph_scan.export(facts)[1:], module) is None
    assert graph_scan.restore("junk", module) is None
    assert graph_scan.restore(graph_scan.export(facts), index("other", "def one():\n    pass\n")) is None


BASE = """\
from flask import request

class Base:
    def run(self):
        return 1
"""
CHILD = """\
from flask_wtf import FlaskForm
from base import Base

class Child(Base):
    def run(self):
        return 2

class LoginForm(FlaskForm):
    def validate(self, extra_validators=None):
        return True
"""
TEST_CHILD = """\
from base import Base
from child import Child

class FakeChild(Child):
    def run(self):
        return 3

def fake_run(self):
    return 4

def test_patched(monkeypatch):
    monkeypatch.setattr("child.Child.run", fake_run)
"""


def test_override_patch_and_form_facts_kept_for_unchanged_modules_follow_an_edit_elsewhere(scanned: list[str]) -> None:
    texts = {"base": BASE, "child": CHILD, "test_child": TEST_CHILD}
    before = {n: index(n, t) for n, t in texts.items()}
    first = LinkMemory()
    graph.build(first.linker(list(before.values())), first.bodies)
    edited = dict(texts, base=BASE.replace("        return 1", "        request.get_json()\n        return 1"))
    in_memory = dict(before, base=index("base", edited["base"]))  # the unchanged modules' objects
    later = [index(n, t) for n, t in edited.items()]  # a later process: new objects, found by text
    for memory, modules in ((first, list(in_memory.values())), (LinkMemory(first.record()), later)):
        linker = memory.linker(modules)
        assert memory.adopted
        scanned.clear()
        incremental = built(linker, memory.bodies)
        assert scanned == ["base"]
        assert incremental == built(Linker(modules))
        repo = graph.build(Linker(modules))
        # the override group (kept in child's facts) carries base's seed to Child.run, the patch
        # group (kept in test_child's) on to fake_run; the test double's override is split off
        assert frozenset({"base.Base.run", "child.Child.run"}) in repo.graph.groups
        assert frozenset({"child.Child.run", "test_child.fake_run"}) in repo.graph.groups
        assert ("test_child.FakeChild.run", "child.Child.run") in repo.split_overrides
        assert {"base.Base.run", "child.Child.run", "test_child.fake_run"} <= solve(repo.graph).async_nodes
        # and a form's validate override is async in Quart-WTF (found among the functions so named)
        assert ("child.LoginForm.validate", True) in {(s.node, s.forced) for s in repo.graph.seeds}


# `tools.run` is a method of the package's class and a function of its submodule: the same qualname
PACKAGE = """\
class tools:
    def run(self):
        return 1
"""
TOOLS = """\
from flask import request

def run():
    request.get_json()
"""


def test_a_qualname_defined_twice_gives_a_fresh_builds_graph_without_module_shares() -> None:
    """The linker keeps one of the two `app.tools.run`; the modules' shares are then not combined
    wholesale, and through edits in another file the graph still equals a fresh build's."""
    texts = {"app": PACKAGE, "app.tools": TOOLS, "views": """\
from app.tools import run

def index():
    return run()

def setup():
    return None
"""}
    memory = LinkMemory()
    modules = {name: index(name, text) for name, text in texts.items()}
    assert built(memory.linker(list(modules.values())), memory.bodies) == built(Linker(list(modules.values())))
    for old, new in (("def setup():\n", "def setup():\n    handlers = [run]\n"), ("    handlers = [run]\n", ""),
                     ("def setup():\n", "def setup():\n    handlers = [run]\n")):
        texts["views"] = texts["views"].replace(old, new)
        modules["views"] = index("views", texts["views"])
        linker = memory.linker(list(modules.values()))
        assert memory.adopted
        assert len(linker.functions) < sum(len(m.functions) for m in modules.values())
        assert built(linker, memory.bodies) == built(Linker(list(modules.values())))
    repo = graph.build(Linker(list(modules.values())))
    # the submodule's `run` (which uses the request) is the linker's, and kept in a list it stays sync
    assert "app.tools.run" in repo.barriers and [b.node for b in solve(repo.graph).blocked] == ["app.tools.run"]
