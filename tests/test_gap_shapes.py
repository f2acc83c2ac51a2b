"""Shapes of the corpus's "quartify gap" class (docs/compatibility.md), reduced to a few lines
each, migrated and then run under Quart. Each test also runs the unconverted (or half converted)
tests against the migrated app and sees them fail, so a pass cannot be vacuous."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import write_tree
from tests.test_real_app_shapes import migrate, run_pytest

ECHO_APP = (
    "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n"
    "@app.post('/echo')\ndef echo():\n    return jsonify(said=request.get_json()['say'])\n"
)

SCRIPT = "def main():\n    print('a client script, not the app')\n"

ECHO_TEST = (
    "import pytest\n\nimport main\n\n\n"
    "@pytest.fixture\ndef client():\n    main.app.testing = True\n    made = main.app.test_client()\n    return made\n\n\n"
    "def test_echo(client):\n    r = client.post('/echo', json={'say': 'hi'})\n    assert r.status_code == 200\n"
    "    assert r.get_json() == {'said': 'hi'}\n"
)


def test_import_picks_the_module_beside_the_tests_when_sibling_folders_share_its_name(tmp_path: Path) -> None:
    """Two client scripts in `clients/*/main.py` share the app's module name `main`: the tests'
    `import main` is the app beside them (pytest puts their folder on `sys.path`)."""
    files = {"main.py": ECHO_APP, "clients/a/main.py": SCRIPT, "clients/b/main.py": SCRIPT, "main_test.py": ECHO_TEST}
    unconverted = tmp_path / "unconverted"
    out = migrate(write_tree(tmp_path / "app", files))
    assert "r = await client.post('/echo', json={'say': 'hi'})" in out["main_test.py"]
    assert "assert await r.get_json() == {'said': 'hi'}" in out["main_test.py"]
    proc = run_pytest(tmp_path / "app")
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout
    # the sync test against the migrated app fails: the client call is a coroutine
    write_tree(unconverted, {**{k: v for k, v in out.items() if k != "main_test.py"}, "main_test.py": ECHO_TEST})
    assert run_pytest(unconverted).returncode != 0


REWRITES = Path(__file__).parent / "fixtures" / "rewrites"
PYTEST_INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"


def _helpers_left_sync(text: str) -> str:
    """The output as it was before annotated parameters were typed: the annotated helpers sync."""
    for name in ("expect_data", "body_text"):
        text = text.replace(f"async def {name}(", f"def {name}(").replace(f"await {name}(", f"{name}(")
    return (text.replace('(await response.json)["data"]', 'response.json["data"]')
            .replace("await response.get_data(", "response.get_data("))


def test_helpers_taking_an_annotated_test_response_are_awaited_under_quart(tmp_path: Path) -> None:
    """`response: TestResponse` / `response: werkzeug Response` parameters are Quart test
    responses after migration, like an un-annotated one typed from its callers."""
    out = (REWRITES / "test_response_helpers.out.py").read_text(encoding="utf-8")
    write_tree(tmp_path / "converted", {"test_helpers.py": out, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "converted")
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout
    half = _helpers_left_sync(out)
    assert half != out and "async def expect_pears(" in half
    write_tree(tmp_path / "half", {"test_helpers.py": half, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "half")
    assert proc.returncode != 0 and "1 failed" in proc.stdout, proc.stdout


def test_client_built_from_a_constructor_parameter_is_awaited_under_quart(tmp_path: Path) -> None:
    """`self.http = some_app.test_client()` with `some_app` an `__init__` parameter typed from
    `NotesDouble(app)`: the double's client calls are awaited, not only the reads of their results."""
    out = (REWRITES / "test_client_from_init_param.out.py").read_text(encoding="utf-8")
    write_tree(tmp_path / "converted", {"test_double.py": out, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "converted")
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout
    half = out.replace("await self.http.", "self.http.")  # the output before: reads awaited, calls not
    assert half.count("self.http.") == 2 and "await self.http." not in half
    write_tree(tmp_path / "half", {"test_double.py": half, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "half")
    assert proc.returncode != 0 and "1 failed" in proc.stdout, proc.stdout


def test_get_template_attribute_handed_out_is_an_error_and_really_raises_under_quart(tmp_path: Path) -> None:
    """A loader that hands the macro out (`badge_maker`) cannot be rewritten with its calls:
    the output keeps `get_template_attribute` there and reports it (QFY153, error), and that
    kept call really raises under Quart, so the finding is not noise. (Loads whose calls sit in
    the same async function are rewritten: tests/test_rewrite_runtime.py runs them.)"""
    from tests.helpers import migrate_one

    source = (REWRITES / "test_template_macro.in.py").read_bytes()
    findings = [f for f in migrate_one(source, "test_template_macro.py").findings if f.code == "QFY153"]
    assert [(f.line, f.severity.value) for f in findings] == [(21, "error")]
    assert "make_module_async()" in findings[0].message
    out = (REWRITES / "test_template_macro.out.py").read_text(encoding="utf-8")
    assert 'return get_template_attribute("tags.html", "badge")' in out
    kept_call = out + (
        "\n\nasync def test_handed_out_macro():\n"
        "    async with app.app_context():\n"
        "        assert badge_maker()\n"
    )
    write_tree(tmp_path / "as_output", {"test_macro.py": kept_call, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "as_output")
    assert "Module is not available in async mode" in proc.stdout and "1 failed, 1 passed" in proc.stdout, proc.stdout


def test_client_method_picked_from_a_local_list_of_verbs_is_awaited_under_quart(tmp_path: Path) -> None:
    """`for verb in verbs: send = getattr(client, verb)` with `verbs` a local list of request
    method names: each `send(...)` is awaited (httpbin's response-headers tests)."""
    out = (REWRITES / "client_verbs_from_local_list.out.py").read_text(encoding="utf-8")
    write_tree(tmp_path / "converted", {"test_verbs.py": out, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "converted")
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout
    half = out.replace("reply = await send(", "reply = send(")  # the output before: the call not awaited
    assert half != out
    write_tree(tmp_path / "half", {"test_verbs.py": half, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "half")
    assert proc.returncode != 0 and "1 failed" in proc.stdout, proc.stdout


def test_a_verb_list_that_may_change_or_a_verb_parameter_is_not_trusted() -> None:
    """The list is only trusted while nothing but a `for` reads it: once the test appends to it,
    or the verb comes from a parameter, the attribute could be any client attribute (a sync one
    like `set_cookie`), so no await is added."""
    from tests.helpers import migrate_one, output_of

    source = (
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        "def test_changed():\n    client = app.test_client()\n    verbs = ['get']\n    verbs.append('post')\n"
        "    for verb in verbs:\n        getattr(client, verb)('/')\n\n\n"
        "def test_given(verb='get'):\n    client = app.test_client()\n    getattr(client, verb)('/')\n"
    )
    out = output_of(migrate_one(source, "test_dynamic.py"))
    assert "await getattr" not in out and "getattr(client, verb)('/')" in out


def test_isinstance_branch_reads_response_data_asynchronously_under_quart(tmp_path: Path) -> None:
    """A decorator telling a response from raw bytes with `isinstance(result, Response)` awaits
    `result.data` in that branch (httpbin's gzip/deflate/brotli filters)."""
    out = (REWRITES / "response_isinstance_narrowing.out.py").read_text(encoding="utf-8")
    write_tree(tmp_path / "converted", {"test_narrow.py": out, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "converted")
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout
    half = out.replace("raw = await result.data", "raw = result.data")  # the output before
    assert half != out
    write_tree(tmp_path / "half", {"test_narrow.py": half, "pytest.ini": PYTEST_INI})
    proc = run_pytest(tmp_path / "half")
    assert proc.returncode != 0 and "1 failed" in proc.stdout, proc.stdout
