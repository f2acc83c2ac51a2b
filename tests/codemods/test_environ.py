"""WSGI environ reads rewritten to Quart request attributes (codemods/environ.py), and the
planner's choice of which reads have an exact equivalent (analysis/planners/environ.py)."""

from __future__ import annotations

from quartify.analysis.planners.environ import EnvironRead, header_name
from tests.codemods.helpers import at, check_noop, check_transformed
from tests.helpers import migrate_one, output_of


def test_header_key_becomes_headers_get_keeping_the_default() -> None:
    call = 'request.environ.get("HTTP_X_TOKEN", "none")'
    src = f"h = {call}\n"
    check_transformed(src, 'h = request.headers.get("X-Token", "none")\n',
                      EnvironRead(at(src, call), "X-Token", None, subscript=False))


def test_subscripted_header_keeps_the_subscript() -> None:
    read = "request.environ['HTTP_X_TOKEN']"
    src = f"h = {read}\n"
    check_transformed(src, "h = request.headers['X-Token']\n", EnvironRead(at(src, read), "X-Token", None, subscript=True))


def test_scheme_with_a_default_is_parenthesised_inside_an_expression() -> None:
    call = 'request.environ.get("wsgi.url_scheme", "http")'
    src = f'u = {call} + "://"\n'
    check_transformed(src, 'u = (request.scheme or "http") + "://"\n',
                      EnvironRead(at(src, call), None, "scheme", subscript=False))


def test_remote_addr_read_becomes_the_attribute() -> None:
    read = 'flask.request.environ["REMOTE_ADDR"]'
    src = f"a = {read}.split('.')\n"
    check_transformed(src, "a = flask.request.remote_addr.split('.')\n",
                      EnvironRead(at(src, read), None, "remote_addr", subscript=True))


def test_environ_bound_to_a_name_is_left_alone() -> None:
    src = 'h = env.get("HTTP_X_TOKEN")\n'
    check_noop(src, EnvironRead(at(src, 'env.get("HTTP_X_TOKEN")'), "X-Token", None, subscript=False))


def test_header_names_from_environ_keys() -> None:
    assert header_name("HTTP_X_FORWARDED_FOR") == "X-Forwarded-For"
    assert header_name("HTTP_HOST") == "Host"
    assert header_name("CONTENT_TYPE") == "Content-Type"
    assert header_name("SERVER_NAME") is None
    assert header_name("HTTP_") is None
    assert header_name("http_x_lower") is None


def test_only_exact_equivalents_are_planned_and_the_rest_keeps_qfy150() -> None:
    src = (
        "from flask import request\n"
        "def view():\n"
        '    a = request.environ.get("HTTP_X_A")\n'
        '    b = request.environ.get("PATH_INFO")\n'
        '    request.environ["HTTP_X_C"] = "set"\n'
        '    key = "HTTP_X_D"\n'
        "    d = request.environ.get(key)\n"
        "    return a, b, d\n"
    )
    result = migrate_one(src, "views.py")
    out = output_of(result)
    assert 'a = request.headers.get("X-A")' in out
    assert 'request.environ.get("PATH_INFO")' in out
    assert 'request.environ["HTTP_X_C"] = "set"' in out
    assert "request.environ.get(key)" in out
    assert sorted(f.line for f in result.findings if f.code == "QFY150") == [4, 5, 7]
