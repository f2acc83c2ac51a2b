"""Test-client calls whose arguments Quart takes differently (codemods/client_calls.py): request
keywords, cookies, the default request-context path, and `with client.get() as r:`."""

from __future__ import annotations

from quartify.analysis.edits import Edit, FilePlan
from quartify.analysis.planners.client_calls import (
    ClientCall,
    CookieCall,
    DefaultPath,
    ResponseWith,
)
from quartify.codemods.apply import apply_plan
from tests.codemods.helpers import at, check_noop, check_transformed, stmt_at


def in_test(call: str) -> str:
    return f"async def test(client):\n    r = {call}\n"


def codes(source: str, *edits: Edit) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in apply_plan(source, FilePlan.build("test_app.py", edits, ())).findings]


def check_request(call: str, expected_call: str, data: str | None = None) -> None:
    src = in_test(call)
    check_transformed(src, in_test(expected_call), ClientCall(at(src, call), data))


# -- data= ------------------------------------------------------------------------------------
def test_data_dict_becomes_form() -> None:
    check_request('client.post("/", data={"a": "1"})', 'client.post("/", form={"a": "1"})')


def test_file_tuples_in_data_become_files_with_file_storage() -> None:
    call = 'client.post("/", data={"a": "1", "f": (io.BytesIO(b"x"), "a.txt", "text/plain")})'
    src = in_test(call)
    expected = "from quart.datastructures import FileStorage\n\n" + in_test(
        'client.post("/", form={"a": "1"}, '
        'files={"f": FileStorage(io.BytesIO(b"x"), filename="a.txt", content_type="text/plain")})'
    )
    check_transformed(src, expected, ClientCall(at(src, call)))


def test_data_variable_known_to_hold_a_dict_becomes_form() -> None:
    check_request('client.post("/", data=payload)', 'client.post("/", form=payload)', data="dict")


def test_data_variable_known_to_hold_text_is_left_alone() -> None:
    src = in_test('client.post("/", data=payload)')
    edit = ClientCall(at(src, 'client.post("/", data=payload)'), "text")
    check_noop(src, edit)
    assert codes(src, edit) == []


def test_data_variable_of_unknown_type_is_left_with_a_finding() -> None:
    src = in_test('client.post("/", data=payload)')
    edit = ClientCall(at(src, 'client.post("/", data=payload)'))
    check_noop(src, edit)
    assert codes(src, edit) == [("QFY130", 2)]


def test_data_from_a_call_is_text_and_left_alone() -> None:
    src = in_test('client.post("/", data=json.dumps(x))')
    edit = ClientCall(at(src, 'client.post("/", data=json.dumps(x))'))
    check_noop(src, edit)
    assert codes(src, edit) == []


def test_a_list_of_values_in_data_is_urlencoded_with_every_value() -> None:
    call = 'client.post("/", data={"tag": ["a", "b"]}, headers=auth)'
    src = in_test(call)
    expected = "from urllib.parse import urlencode\n\n" + in_test(
        'client.post("/", data=urlencode({"tag": ["a", "b"]}, doseq=True), '
        'headers={**auth, "Content-Type": "application/x-www-form-urlencoded"})')
    check_transformed(src, expected, ClientCall(at(src, call)))


def test_a_multidict_keeps_its_content_type_once() -> None:
    call = 'client.post("/", data=form, content_type="application/x-www-form-urlencoded")'
    src = in_test(call)
    expected = "from urllib.parse import urlencode\n\n" + in_test(
        'client.post("/", data=urlencode(list(form.items(multi=True))), '
        'headers={"Content-Type": "application/x-www-form-urlencoded"})')
    check_transformed(src, expected, ClientCall(at(src, call), "multi"))


def test_repeated_keys_beside_files_are_left_with_a_finding() -> None:
    call = 'client.post("/", data=form, files=uploads)'
    src = in_test(call)
    edit = ClientCall(at(src, call), "multi")
    check_noop(src, edit)
    assert codes(src, edit) == [("QFY130", 2)]


# -- content_type=, query_string=, environ_base=, base_url=, buffered= ----------------------
def test_content_type_becomes_a_header() -> None:
    check_request('client.post("/", json={"a": 1}, content_type="application/json")',
                  'client.post("/", json={"a": 1}, headers={"Content-Type": "application/json"})')


def test_content_type_joins_existing_headers() -> None:
    check_request('client.post("/", data=body, content_type="text/plain", headers={"X-A": "1"})',
                  'client.post("/", data=body, headers={"X-A": "1", "Content-Type": "text/plain"})', data="text")
    check_request('client.post("/", data=body, content_type="text/plain", headers=[("X-A", "1")])',
                  'client.post("/", data=body, headers=[("X-A", "1"), ("Content-Type", "text/plain")])', data="text")
    check_request('client.post("/", data=body, content_type="text/plain", headers=auth)',
                  'client.post("/", data=body, headers={**auth, "Content-Type": "text/plain"})', data="text")


def test_form_content_type_is_dropped_with_a_form_body() -> None:
    check_request('client.post("/", data={"a": "1"}, content_type="multipart/form-data")',
                  'client.post("/", form={"a": "1"})')


def test_query_string_text_becomes_a_dict() -> None:
    check_request('client.get("/", query_string="a=1&b=2")', 'client.get("/", query_string={"a": "1", "b": "2"})')


def test_query_string_with_repeated_keys_is_left_with_a_finding() -> None:
    src = in_test('client.get("/", query_string="a=1&a=2")')
    edit = ClientCall(at(src, 'client.get("/", query_string="a=1&a=2")'))
    check_noop(src, edit)
    assert codes(src, edit) == [("QFY130", 2)]


def test_environ_base_remote_addr_becomes_scope_base_client() -> None:
    check_request('client.get("/", environ_base={"REMOTE_ADDR": "1.2.3.4"})',
                  'client.get("/", scope_base={"client": ("1.2.3.4", 0)})')


def test_other_environ_base_keys_are_left_with_a_finding() -> None:
    src = in_test('client.get("/", environ_base={"HTTP_X": "1"})')
    edit = ClientCall(at(src, 'client.get("/", environ_base={"HTTP_X": "1"})'))
    check_noop(src, edit)
    assert codes(src, edit) == [("QFY130", 2)]


def test_base_url_becomes_scheme() -> None:
    check_request('client.get("/", base_url="https://localhost")', 'client.get("/", scheme="https")')


def test_base_url_with_a_host_drops_it_with_a_finding() -> None:
    src = in_test('client.get("/", base_url="https://example.com")')
    edit = ClientCall(at(src, 'client.get("/", base_url="https://example.com")'))
    check_transformed(src, in_test('client.get("/", scheme="https")'), edit)
    assert codes(src, edit) == [("QFY130", 2)]


def test_buffered_is_dropped() -> None:
    check_request('client.get("/", follow_redirects=True, buffered=True)', 'client.get("/", follow_redirects=True)')


def test_request_span_holding_no_call_is_a_noop() -> None:
    src = in_test('client.post("/", data={"a": "1"})')
    check_noop(src, ClientCall(at(src, '{"a": "1"}')))


# -- cookies ----------------------------------------------------------------------------------
def test_set_cookie_gets_the_server_name_first() -> None:
    src = 'async def test(client):\n    client.set_cookie("k", "v")\n'
    expected = 'async def test(client):\n    client.set_cookie("localhost", "k", "v")\n'
    check_transformed(src, expected, CookieCall(at(src, 'client.set_cookie("k", "v")')))


def test_cookie_domain_becomes_the_server_name() -> None:
    src = 'async def test(client):\n    client.set_cookie("k", "v", domain="example.com")\n'
    expected = 'async def test(client):\n    client.set_cookie("example.com", "k", "v")\n'
    check_transformed(src, expected, CookieCall(at(src, 'client.set_cookie("k", "v", domain="example.com")')))


def test_delete_cookie_gets_the_server_name() -> None:
    src = 'async def test(client):\n    client.delete_cookie("k")\n'
    expected = 'async def test(client):\n    client.delete_cookie("localhost", "k")\n'
    check_transformed(src, expected, CookieCall(at(src, 'client.delete_cookie("k")')))


def test_cookie_call_already_naming_the_server_is_a_noop() -> None:
    src = 'async def test(client):\n    client.set_cookie("localhost", "k", "v")\n'
    check_noop(src, CookieCall(at(src, 'client.set_cookie("localhost", "k", "v")')))


def test_cookie_span_holding_no_call_is_a_noop() -> None:
    src = 'async def test(client):\n    client.set_cookie("k", "v")\n'
    check_noop(src, CookieCall(at(src, "client.set_cookie")))


# -- test_request_context() -------------------------------------------------------------------
def test_request_context_without_a_path_gets_root() -> None:
    src = 'def test(app):\n    ctx = app.test_request_context(method="POST")\n'
    expected = 'def test(app):\n    ctx = app.test_request_context("/", method="POST")\n'
    check_transformed(src, expected, DefaultPath(at(src, 'app.test_request_context(method="POST")')))


def test_request_context_with_a_path_is_a_noop() -> None:
    src = 'def test(app):\n    a = app.test_request_context("/x")\n    b = app.test_request_context(path="/y")\n'
    check_noop(src, DefaultPath(at(src, 'app.test_request_context("/x")')),
               DefaultPath(at(src, 'app.test_request_context(path="/y")')))


# -- with client.get() as r: ------------------------------------------------------------------
def test_response_with_becomes_an_assignment_and_the_body_dedents() -> None:
    src = 'async def test(client):\n    # fetch\n    with client.get("/") as r:\n        assert r.status_code == 200\n    done()\n'
    expected = 'async def test(client):\n    # fetch\n    r = client.get("/")\n    assert r.status_code == 200\n    done()\n'
    check_transformed(src, expected, ResponseWith(stmt_at(src, 3)))


def test_response_with_without_a_name_or_with_two_items_is_a_noop() -> None:
    src = 'async def test(client):\n    with client.get("/"):\n        pass\n    with client.get("/") as r, open(p) as f:\n        pass\n'
    check_noop(src, ResponseWith(stmt_at(src, 2)), ResponseWith(stmt_at(src, 4)))


def test_response_with_span_holding_no_with_is_a_noop() -> None:
    src = 'async def test(client):\n    r = client.get("/")\n'
    check_noop(src, ResponseWith(stmt_at(src, 2)))


def test_default_path_span_holding_no_call_is_a_noop() -> None:
    src = "def test(app):\n    ctx = app.test_request_context()\n"
    check_noop(src, DefaultPath(at(src, "app.test_request_context")))
