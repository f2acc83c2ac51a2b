"""`getattr(client, verb)(...)` and its siblings on a test response and the request (issue 10,
shape 5): when quartify cannot pin the attribute name, it adds no `await` and says so (QFY133)
rather than leaving a silent miss; a pinned name is still awaited with no finding."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import migrate_one, output_of, write_tree
from tests.test_real_app_shapes import run_pytest

REWRITES = Path(__file__).parent / "fixtures" / "rewrites"
PYTEST_INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
APP = "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"


def _codes(source: str) -> tuple[str, list[tuple[int, str]]]:
    result = migrate_one(source, "test_dynamic.py")
    return output_of(result), [(f.line, f.message) for f in result.findings if f.code == "QFY133"]


def test_verb_parameter_is_reported_and_left_unawaited() -> None:
    source = APP + "def test_given(verb='get'):\n    client = app.test_client()\n    getattr(client, verb)('/')\n"
    out, found = _codes(source)
    assert "await" not in out and "    getattr(client, verb)('/')\n" in out
    assert len(found) == 1 and found[0][0] == 8
    message = found[0][1]
    assert "`getattr(client, verb)`" in message and "`verb` is a parameter" in message
    assert "client.open(path, method=" in message


def test_a_verb_list_that_changes_names_the_list() -> None:
    source = APP + (
        "def test_changed():\n    client = app.test_client()\n    verbs = ['get']\n    verbs.append('post')\n"
        "    for verb in verbs:\n        getattr(client, verb)('/')\n"
    )
    out, found = _codes(source)
    assert "await getattr" not in out
    assert [line for line, _ in found] == [11] and "`verb` runs over `verbs`" in found[0][1]


def test_a_computed_name_is_reported() -> None:
    source = APP + "def test_upper(method='GET'):\n    client = app.test_client()\n    getattr(client, method.lower())('/')\n"
    out, found = _codes(source)
    assert "await getattr" not in out
    assert len(found) == 1 and "the name is computed: `method.lower()`" in found[0][1]


def test_a_pinned_verb_is_awaited_with_no_finding() -> None:
    source = APP + (
        "def test_pinned():\n    client = app.test_client()\n    verbs = ['get', 'post']\n"
        "    for verb in verbs:\n        getattr(client, verb)('/')\n    getattr(client, 'put')('/')\n"
    )
    out, found = _codes(source)
    assert "        await getattr(client, verb)('/')\n" in out and "    await getattr(client, 'put')('/')\n" in out
    assert found == []


def test_an_unpinned_read_off_a_test_response_names_its_awaitable_properties() -> None:
    source = APP + (
        "def test_reads(name='data'):\n    rv = app.test_client().get('/')\n"
        "    getattr(rv, name)\n    getattr(rv, 'data')\n    getattr(rv, 'status_code')\n"
    )
    out, found = _codes(source)
    assert "await getattr" not in out
    assert [line for line, _ in found] == [8, 9]  # not the plain `status_code`
    assert "`data`, `json` are awaitable properties" in found[0][1] and "`name` is a parameter" in found[0][1]
    assert "read it directly as `await rv.data`" in found[1][1]


def test_an_unpinned_request_attribute_in_a_view_is_reported() -> None:
    source = APP + (
        "@app.get('/')\ndef index():\n    field = request.args['field']\n    return str(getattr(request, field))\n"
    )
    _, found = _codes(source)
    assert len(found) == 1 and "`getattr(request, field)`" in found[0][1] and "`form`" in found[0][1]


def test_getattr_on_anything_else_is_not_reported() -> None:
    source = APP + "def helper(settings, key):\n    return getattr(settings, key)\n\n\ndef test_x():\n    helper(app.config, 'A')\n"
    assert _codes(source)[1] == []


def test_fixture_output_runs_under_quart_and_the_advice_fixes_the_reported_call(tmp_path: Path) -> None:
    """The migrated fixture: the pinned tests pass; the reported `getattr(client, verb)` test
    gets a coroutine and fails (the finding is real); the advised `client.open(..., method=...)`
    passes."""
    out = (REWRITES / "client_verb_unpinned.out.py").read_text(encoding="utf-8")
    write_tree(tmp_path / "converted", {"test_verbs.py": out, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "converted")
    assert "2 failed, 2 passed" in proc.stdout, proc.stdout
    assert proc.stdout.count("test_verb_from_parameter[") >= 2, proc.stdout
    advised = out.replace(
        'def test_verb_from_parameter(client, verb):\n    reply = getattr(client, verb)("/ping")',
        'async def test_verb_from_parameter(client, verb):\n    reply = await client.open("/ping", method=verb.upper())',
    )
    assert advised != out
    write_tree(tmp_path / "advised", {"test_verbs.py": advised, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "advised")
    assert proc.returncode == 0 and "4 passed" in proc.stdout, proc.stdout
