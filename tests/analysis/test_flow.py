"""Flow-sensitive typing of locals (analysis.flow): each read sees the bindings that reach it."""

from __future__ import annotations

from textwrap import dedent

from quartify.analysis.index import index_source
from quartify.analysis.model import FunctionInfo


def indexed_t(source: str) -> FunctionInfo:
    idx = index_source(dedent(source), "t.py", "t", False)
    return next(f for f in idx.functions if f.name == "t")


def attr_refs(func: FunctionInfo, attr: str) -> list[str]:
    """The refs of `x.<attr>` calls, in source order."""
    return [u.ref for u in sorted(func.uses, key=lambda u: u.span) if u.kind == "call" and u.ref.endswith("." + attr)]


def test_a_name_rebound_many_times_keeps_its_type_at_every_read() -> None:
    verbs = ["get", "post", "put", "delete", "patch", "head", "options", "get", "post", "get", "put"]
    body = "".join(f"    rv = client.{v}('/')\n    rv.get_json()\n" for v in verbs)
    func = indexed_t("from app import client\n\ndef t():\n" + body)
    assert attr_refs(func, "get_json") == [f"app.client.{v}().get_json" for v in verbs]


def test_the_last_binding_wins_in_straight_line_code() -> None:
    func = indexed_t(
        """\
        from app import app, other
        def t(client):
            handler = client
            handler = app.test_client()
            handler.get("/")
        """
    )
    assert attr_refs(func, "get") == ["app.app.test_client().get"]


def test_branches_merge_into_a_union() -> None:
    func = indexed_t(
        """\
        from app import a, b
        def t(flag):
            x = a()
            if flag:
                x = b()
            x.run()
        """
    )
    assert attr_refs(func, "run") == ["@any{app.a()|app.b()}.run"]


def test_a_binding_later_in_a_loop_reaches_the_top_of_the_loop() -> None:
    func = indexed_t(
        """\
        from app import a, b
        def t(items):
            x = a()
            for item in items:
                x.run()
                x = b()
            x.stop()
        """
    )
    assert attr_refs(func, "run") == ["@any{app.a()|app.b()}.run"]
    assert attr_refs(func, "stop") == ["@any{app.a()|app.b()}.stop"]


def test_break_and_except_paths_are_followed() -> None:
    func = indexed_t(
        """\
        from app import a, b, c
        def t(items):
            x = a()
            for item in items:
                x = b()
                break
            x.run()
            try:
                x = c()
                x.fail()
            except ValueError:
                x.handle()
        """
    )
    assert attr_refs(func, "run") == ["@any{app.a()|app.b()}.run"]
    assert attr_refs(func, "fail") == ["app.c().fail"]
    assert attr_refs(func, "handle") == ["@any{app.a()|app.b()|app.c()}.handle"]


def test_a_nested_def_reads_every_binding() -> None:
    func = indexed_t(
        """\
        from app import a, b
        def t():
            x = a()
            def inner():
                return x.run()
            x = b()
            return inner
        """
    )
    idx = index_source(
        dedent(
            """\
            from app import a, b
            def t():
                x = a()
                def inner():
                    return x.run()
                x = b()
                return inner
            """
        ),
        "t.py", "t", False,
    )
    inner = next(f for f in idx.functions if f.name == "inner")
    assert attr_refs(inner, "run") == ["@any{app.a()|app.b()}.run"]
    assert func.return_refs == ("t.t.<locals>.inner",)


def test_a_walrus_bound_name_falls_back_to_every_binding() -> None:
    func = indexed_t(
        """\
        from app import a, b
        def t():
            x = a()
            if (x := b()):
                pass
            x.run()
        """
    )
    assert attr_refs(func, "run") == ["?.run"]  # a `:=` binding is unknown: no type, as before


def test_a_for_loop_in_the_function_keeps_flow_typing_after_it() -> None:
    """A loop is walked until its state settles; the loop target's binding must be the same
    object on every pass, else the walk never settles and the whole function loses its flow
    (a read after the loop then saw every binding of the name: a rebound response became `?`)."""
    func = indexed_t(
        """\
        from app import client, other
        def t():
            rv = other.make()
            for missing in ("a", "b"):
                rv = client.put("/x")
            rv = client.get("/y")
            rv.get_data()
        """
    )
    assert attr_refs(func, "get_data") == ["app.client.get().get_data"]
