"""`LinkMemory`: a re-run after an edit takes the last run's linker answers only when nothing
resolution reads has changed and the last run's answers did not depend on the order they were
asked in; either way every answer equals a linker's built from scratch."""

from __future__ import annotations

from dataclasses import fields
from textwrap import dedent

import pytest

from quartify.analysis import graph, link_memory
from quartify.analysis.index import index_source
from quartify.analysis.link import Linker
from quartify.analysis.link_memory import LinkMemory, signature
from quartify.analysis.model import ClassInfo, Decorator, FunctionInfo, ModuleIndex, Use
from quartify.analysis.solver import solve

HELPERS = """\
from flask import request, render_template

def greeting(name):
    return render_template("hi.html", name=name)

def shout(text):
    return text.upper()
"""
VIEWS = """\
from flask import Flask
from helpers import greeting, shout

app = Flask(__name__)

@app.route("/")
def index():
    return greeting(shout("you"))
"""


def index(module: str, source: str) -> ModuleIndex:
    return index_source(dedent(source), f"{module}.py", module, False)


def answers(linker: Linker, modules: list[ModuleIndex]) -> dict[str, str]:
    refs = {u.ref for m in modules for f in m.functions for u in f.uses} | {
        u.arg_of for m in modules for f in m.functions for u in f.uses if u.arg_of}
    return {ref: linker.resolve(ref) for ref in sorted(refs)}


def solved(linker: Linker) -> tuple[object, ...]:
    built = graph.build(linker)
    solution = solve(built.graph)
    return built.graph, built.kinds, solution.async_nodes, dict(solution.reasons), solution.blocked


def run(memory: LinkMemory, *modules: ModuleIndex) -> tuple[Linker, tuple[object, ...]]:
    linker = memory.linker(list(modules))
    return linker, solved(linker)


def test_an_edit_inside_a_body_keeps_the_answers_and_gives_a_fresh_runs_result() -> None:
    memory = LinkMemory()
    views = index("views", VIEWS)
    run(memory, index("helpers", HELPERS), views)
    assert not memory.adopted
    edited = index("helpers", HELPERS.replace("    return text", "    request.get_json()\n    return text"))
    linker, result = run(memory, edited, views)
    assert memory.adopted
    fresh = Linker([edited, views])
    assert result == solved(fresh)
    assert answers(linker, [edited, views]) == answers(fresh, [edited, views])
    assert "helpers.shout" in result[2]  # the edit made it async, as a fresh run says


def test_a_changed_import_or_call_argument_links_from_scratch() -> None:
    memory = LinkMemory()
    helpers, views = index("helpers", HELPERS), index("views", VIEWS)
    run(memory, helpers, views)
    for changed in (VIEWS.replace("import Flask", "import Flask, request"),
                    VIEWS.replace('shout("you")', "shout(app)")):
        edited = index("views", changed)
        linker, result = run(memory, helpers, edited)
        assert not memory.adopted
        assert result == solved(Linker([helpers, edited]))
    run(memory, helpers, edited)
    assert memory.adopted  # the same modules again


LOOP = """\
def ping(x):
    return pong(x)

def pong(y):
    return ping(y)
"""


def test_answers_worked_out_through_a_cycle_are_taken_over_and_equal_a_fresh_linkers() -> None:
    # Each parameter's value is whatever the other function's callers pass: resolving one asks
    # for the other, which asks for the first while it is still being worked out. The cycle is
    # settled from its canonical root, so the answers do not depend on which was asked first.
    refs = ["@param:loop.ping:x", "@param:loop.pong:y", "loop.ping()", "loop.pong()"]
    memory = LinkMemory()
    linker = memory.linker([index("loop", LOOP)])
    for ref in refs:
        linker.resolve(ref)
    assert not linker.cyclic
    later = memory.linker([index("loop", LOOP)])
    assert memory.adopted
    for order in (refs, refs[::-1]):
        fresh = Linker([index("loop", LOOP)])
        assert [fresh.resolve(ref) for ref in order] == [later.resolve(ref) for ref in order]


def test_a_reference_asking_for_itself_is_no_cycle() -> None:
    linker = Linker([index("m", "def f(data):\n    return data.items()\n")])
    linker.resolve("?.items")  # an unknown value's attribute: unknown, whatever the order
    assert not linker.cyclic


def test_every_index_field_is_either_in_the_signature_or_never_read_by_resolution() -> None:
    """A new index field must be sorted here: resolution reads it (add it to `signature`, so an
    edit changing it links from scratch) or it does not (add it to the list below)."""
    unread = {
        ModuleIndex: {"is_package", "source_hash", "module_uses", "renames", "imports_flask", "flask_import_lines",
                      "extension_imports", "worker_class", "suppressions", "attribute_stores", "file_dicts",
                      "unpinned_getattrs", "data_fields", "upload_helpers", "thread_local_sessions",
                      "raises_lambdas"},
        FunctionInfo: {"span", "is_async", "withs", "returned_names", "makes_app", "value_returns", "patches",
                       "positional"},
        ClassInfo: {"name", "span", "decorator_refs"},
        Decorator: {"called", "span", "args", "keywords"},
        Use: {"span", "ctx", "parens", "awaited", "text", "with_item", "nargs", "statement", "key", "key_span",
              "augmented", "checked"},
    }
    read = {
        ModuleIndex: {"module", "path", "bindings", "star_imports", "pytest_plugins", "g_attributes",
                      "fixture_cls_attributes", "functions", "classes"},
        FunctionInfo: {"qualname", "name", "parent", "class_qualname", "params", "is_generator", "return_refs",
                       "yield_refs", "decorators", "uses"},
        ClassInfo: {"qualname", "bases", "methods", "attributes"},
        Decorator: {"ref", "name_kw"},
        Use: {"ref", "kind", "arg_of", "arg_key"},
    }
    for cls in unread:
        assert {f.name for f in fields(cls)} == unread[cls] | read[cls], cls.__name__
    module = index("views", VIEWS)
    assert signature(module) == signature(index("views", VIEWS + "\n# a comment\n"))
    assert signature(module) == signature(index("views", VIEWS.replace("shout(", "greeting(")))  # a callee
    assert signature(module) != signature(index("views", VIEWS.replace('"you"', "app")))  # an argument


def through_a_record(memory: LinkMemory, *modules: ModuleIndex) -> tuple[LinkMemory, Linker, tuple[object, ...]]:
    """What a later process does: a new memory holding only the record the last one kept."""
    record = memory.record()
    assert record is not None
    later = LinkMemory(record)
    linker = later.linker(list(modules))
    return later, linker, solved(linker)


def test_a_later_process_takes_the_kept_answers_when_every_signature_is_equal() -> None:
    helpers, views = index("helpers", HELPERS), index("views", VIEWS)
    first = LinkMemory()
    run(first, helpers, views)
    edited = index("helpers", HELPERS.replace("    return text", "    request.get_json()\n    return text"))
    later, linker, result = through_a_record(first, edited, views)
    assert later.adopted
    fresh = Linker([edited, views])
    assert result == solved(fresh)
    assert answers(linker, [edited, views]) == answers(fresh, [edited, views])
    assert "helpers.shout" in result[2]
    # The edit asked for a new reference: its answer is kept for the next process too.
    third, _, again = through_a_record(later, edited, views)
    assert third.adopted and again == result


def test_a_later_process_links_from_scratch_after_an_import_changes() -> None:
    helpers, views = index("helpers", HELPERS), index("views", VIEWS)
    first = LinkMemory()
    run(first, helpers, views)
    renamed = index("helpers", HELPERS.replace("def shout", "def yell"))
    later, linker, result = through_a_record(first, renamed, views)
    assert not later.adopted
    assert result == solved(Linker([renamed, views]))
    assert later.record() is not None  # the new answers are worth keeping


def test_answers_worked_out_through_a_cycle_are_kept_for_a_later_process() -> None:
    memory = LinkMemory()
    memory.linker([index("loop", LOOP)]).resolve("@param:loop.ping:x")
    record = memory.record()
    assert record is not None
    later = LinkMemory(record)
    linker = later.linker([index("loop", LOOP)])
    assert later.adopted
    assert linker.resolve("@param:loop.pong:y") == Linker([index("loop", LOOP)]).resolve("@param:loop.pong:y")


def test_answers_of_a_linker_that_met_an_unsettled_cycle_are_never_taken_over_or_kept() -> None:
    memory = LinkMemory()
    linker = memory.linker([index("loop", LOOP)])
    linker.resolve("@param:loop.ping:x")
    linker.cyclic = True  # what `_settle` marks (tests/analysis/test_link_cycles.py shows a case)
    assert memory.record() is None
    memory.linker([index("loop", LOOP)])
    assert not memory.adopted


def test_a_later_process_works_out_the_signature_of_the_edited_module_only(monkeypatch: pytest.MonkeyPatch) -> None:
    helpers, views = index("helpers", HELPERS), index("views", VIEWS)
    first = LinkMemory()
    run(first, helpers, views)
    record = first.record()
    assert record is not None
    asked: list[str] = []
    monkeypatch.setattr(link_memory, "signature", lambda m: asked.append(m.module) or signature(m))
    edited = index("helpers", HELPERS.replace('"hi.html"', '"hello.html"'))
    later = LinkMemory(record)
    later.linker([edited, index("views", VIEWS)])  # views: a new object, the same text
    assert asked == ["helpers"] and later.adopted
