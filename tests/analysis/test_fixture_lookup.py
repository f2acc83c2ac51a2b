"""Fixtures found the ways pytest finds them, and the local upload dicts value flow can prove
(issue 10, shapes 20 and 21); the runtime side is tests/test_shapes_20_21_runtime.py."""

from __future__ import annotations

import ast
import textwrap

from quartify.analysis import file_fields
from quartify.analysis.fixture_facts import plugin_modules
from tests.helpers import migrate_one, output_of

_HEAD = "import pytest\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n"


def test_plugin_modules_are_read_in_every_spelling() -> None:
    body = ast.parse('pytest_plugins = ["a.fixtures", "b"]\nx = 1\n').body
    assert plugin_modules(body) == ("a.fixtures", "b")
    assert plugin_modules(ast.parse('pytest_plugins = "only"\n').body) == ("only",)
    assert plugin_modules(ast.parse("plugins = ['not.this']\n").body) == ()


def test_an_async_fixture_asked_for_by_name_in_an_async_test_is_reported() -> None:
    source = _HEAD + textwrap.dedent("""\
        @pytest.fixture
        def warm():
            client = app.test_client()
            client.get("/")
            return client


        def test_by_name(request):
            client = request.getfixturevalue("warm")
            assert client.get("/").status_code == 404
        """)
    result = migrate_one(source, "test_by_name.py")
    assert "assert (await client.get(\"/\")).status_code == 404" in output_of(result)
    assert [(f.code, f.line) for f in result.findings if f.code == "QFY132"] == [("QFY132", 15)]


def test_a_sync_fixture_asked_for_by_name_is_fine() -> None:
    source = _HEAD + textwrap.dedent("""\
        @pytest.fixture
        def cold():
            return app.test_client()


        def test_by_name(request):
            assert request.getfixturevalue("cold").get("/").status_code == 404
        """)
    result = migrate_one(source, "test_cold.py")
    assert 'assert (await request.getfixturevalue("cold").get("/")).status_code == 404' in output_of(result)
    assert not [f for f in result.findings if f.code == "QFY132"]


def _payload(source: str) -> file_fields.Payload:
    func = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(func, ast.FunctionDef)
    read = next(k.value for k in ast.walk(func) if isinstance(k, ast.keyword) and k.arg == "data")
    assert isinstance(read, ast.Name)
    literal = next(n.value for n in func.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Dict))
    return file_fields.data_payload(func, read, [literal])


def test_a_local_dict_with_later_keys_is_proven() -> None:
    payload = _payload("""\
        def t(client):
            d = {"a": "1", "f": (s, "x.png")}
            with client:
                d["b"] = f"{n}"
                client.post("/", data=d)
            d["late"] = 1
        """)
    assert payload == file_fields.Payload(True, (("a", 0, ""), ("f", 2, "image/png"), ("b", 0, "")))


def test_a_local_dict_that_escapes_or_changes_off_the_straight_line_is_not_proven() -> None:
    for body in ('helper(d)', 'if x:\n        d["a"] = "2"', 'd.update(a="2")', 'g = lambda: d',
                 'd["n"] = 3', 'd["f2"] = upload', 'del d["a"]'):
        payload = _payload(f'def t(client):\n    d = {{"a": "1", "f": (s, "x.txt")}}\n    {body}\n'
                           '    client.post("/", data=d)\n')
        assert payload == file_fields.Payload(True, None), body


def test_a_file_added_later_marks_the_dict_as_holding_files() -> None:
    payload = _payload("""\
        def t(client, x):
            d = {"a": "1"}
            if x:
                d["f"] = (s, "x.txt")
            client.post("/", data=d)
        """)
    assert payload == file_fields.Payload(True, None)
