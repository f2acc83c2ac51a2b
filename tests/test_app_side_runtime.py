"""Issue 10, app-side shapes: the converted fixture must *run* under Quart, and must stop
working when the rewrite is undone (so the check guards the behaviour, not the spelling).

Each test loads a fixture's expected output (`tests/fixtures/rewrites/<name>.out.py`) as a
module and exercises it; `undone` gives the same text with one rewrite reverted.
"""

from __future__ import annotations

import gc
import itertools
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from tests.helpers import migrate_one

REWRITES = Path(__file__).parent / "fixtures" / "rewrites"
_counter = itertools.count()


def output(name: str) -> str:
    return (REWRITES / f"{name}.out.py").read_text(encoding="utf-8")


def load_text(name: str, text: str) -> ModuleType:
    """Execute `text` as a fresh module (a new name each time: no cached state between runs)."""
    module = ModuleType(f"appside_{name}_{next(_counter)}")
    module.__file__ = str(REWRITES / f"{name}.out.py")
    exec(compile(text, module.__file__, "exec"), module.__dict__)
    return module


def undone(name: str, fixed: str, broken: str) -> str:
    text = output(name)
    assert fixed in text, f"quartify did not produce {fixed!r}"
    return text.replace(fixed, broken)


# -- shape 18: a renamed import used in a decorator argument -----------------------------------
def test_group_class_in_a_decorator_argument_builds_a_quart_group() -> None:
    module = load_text("cli_group_decorator", output("cli_group_decorator"))
    result = CliRunner().invoke(module.manage, ["hello"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello from the group\n"
    routes = CliRunner().invoke(module.manage, ["routes"])  # QuartGroup's default command loads the app
    assert routes.exit_code == 0 and "/status" in routes.output, routes.output


def test_group_class_left_unrenamed_breaks_the_import() -> None:
    with pytest.raises(NameError, match="FlaskGroup"):
        load_text("cli_group_decorator", undone("cli_group_decorator", "cls=QuartGroup, create", "cls=FlaskGroup, create"))


# -- shape 10: WSGI environ reads that Quart's request holds as attributes ----------------------
WHO = {"X-Api-Token": "t1", "User-Agent": "probe", "Content-Type": "text/plain"}
CLIENT = {"client": ("10.1.2.3", 0)}


def test_environ_reads_under_flask_give_the_values_the_quart_test_expects() -> None:
    flask_app = load_text("environ_reads", (REWRITES / "environ_reads.in.py").read_text(encoding="utf-8")).app
    client = flask_app.test_client()
    who = client.get("/who", headers=WHO, base_url="https://localhost", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert who.get_json() == {
        "token": "t1", "agent": "probe", "scheme": "https", "address": "10.1.2.3", "method": "GET", "kind": "text/plain",
    }
    origin = client.get("/origin", base_url="https://localhost", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert origin.get_data(as_text=True) == "from 10.1.2.3 over https"


async def test_environ_reads_give_the_same_values_under_quart() -> None:
    client = load_text("environ_reads", output("environ_reads")).app.test_client()
    who = await client.get("/who", headers=WHO, scheme="https", scope_base=CLIENT)
    assert who.status_code == 200
    assert await who.get_json() == {
        "token": "t1", "agent": "probe", "scheme": "https", "address": "10.1.2.3", "method": "GET", "kind": "text/plain",
    }
    anonymous = await client.get("/who")
    assert (await anonymous.get_json())["token"] == "anonymous"
    origin = await client.get("/origin", scheme="https", scope_base=CLIENT)
    assert await origin.get_data(as_text=True) == "from 10.1.2.3 over https"


async def test_a_subscripted_header_still_fails_when_missing() -> None:
    client = load_text("environ_reads", output("environ_reads")).app.test_client()
    present = await client.get("/strict", headers={"X-Tenant": "acme"})
    assert await present.get_data(as_text=True) == "tenant acme"
    missing = await client.get("/strict")
    assert missing.status_code == 400  # BadRequestKeyError: a KeyError, as the environ lookup raised


ENVIRON_UNDO = {
    "/who": [
        ('request.headers.get("X-Api-Token", "anonymous")', 'request.environ.get("HTTP_X_API_TOKEN", "anonymous")'),
        ("request.headers.get('User-Agent')", "request.environ.get('HTTP_USER_AGENT')"),
        ("scheme=request.scheme", 'scheme=request.environ["wsgi.url_scheme"]'),
        ("address=request.remote_addr", 'address=request.environ.get("REMOTE_ADDR")'),
        ("quart.request.method", 'quart.request.environ["REQUEST_METHOD"]'),
    ],
    "/origin": [('(request.remote_addr or "nowhere")', 'request.environ.get("REMOTE_ADDR", "nowhere")')],
    "/strict": [('request.headers["X-Tenant"]', 'request.environ["HTTP_X_TENANT"]')],
}


@pytest.mark.parametrize(
    ("path", "fixed", "broken"), [(path, f, b) for path, pairs in ENVIRON_UNDO.items() for f, b in pairs]
)
async def test_undoing_an_environ_rewrite_breaks_the_view(path: str, fixed: str, broken: str) -> None:
    client = load_text("environ_reads", undone("environ_reads", fixed, broken)).app.test_client()
    response = await client.get(path, headers={**WHO, "X-Tenant": "acme"}, scheme="https", scope_base=CLIENT)
    assert response.status_code == 500  # AttributeError: Quart's request has no environ


# -- shape 11: app-group commands that read the app context --------------------------------------
COMMANDS = {
    "init-store": "initialised inventory\n",
    "show-name": "appside_cli_app_context",  # the app's name: the module name (prefix checked)
    "count": "0\n",
    "reports daily": "daily report for inventory\n",
    "version": "1.0\n",
}


def run_command(module: ModuleType, command: str) -> tuple[int, str]:
    result = module.app.test_cli_runner().invoke(args=command.split())
    return result.exit_code, result.output


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_commands_run_with_the_app_context_under_quart(command: str) -> None:
    code, out = run_command(load_text("cli_app_context", output("cli_app_context")), command)
    assert code == 0, out
    assert out.startswith(COMMANDS[command])


@pytest.mark.parametrize(
    ("command", "fixed", "broken"),
    [
        ("init-store", '"init-store", with_appcontext=True', '"init-store"'),
        ("show-name", "command(with_appcontext=True)", "command()"),
        ("count", "\n    with_appcontext=True,", ""),
        ("reports daily", '"daily", with_appcontext=True', '"daily"'),
    ],
)
def test_commands_without_the_keyword_have_no_app_context(command: str, fixed: str, broken: str) -> None:
    module = load_text("cli_app_context", undone("cli_app_context", fixed, broken))
    result = module.app.test_cli_runner().invoke(args=command.split())
    assert result.exit_code != 0
    assert "Not within an app context" in str(result.exception)


def findings_of(name: str) -> list[tuple[str, int]]:
    source = (REWRITES / f"{name}.in.py").read_text(encoding="utf-8")
    return [(f.code, f.line) for f in migrate_one(source, f"{name}.py").findings]


# -- shape 15: a `typing.cast` alias of the request; assigning the request's form ----------------
async def test_a_cast_alias_of_the_request_is_awaited_like_the_request() -> None:
    client = load_text("request_alias", output("request_alias")).app.test_client()
    greet = await client.post("/greet", form={"name": "ada"})
    assert await greet.get_data(as_text=True) == "hello ada"
    echo = await client.post("/echo", json={"word": "hi"})
    assert await echo.get_json() == {"echo": "hi"}


@pytest.mark.parametrize(
    ("path", "fixed", "broken"),
    [("/greet", '(await typed_request.form)["name"]', 'typed_request.form["name"]'),
     ("/echo", "await req.get_json()", "req.get_json()")],
)
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
async def test_the_alias_without_its_await_breaks(path: str, fixed: str, broken: str) -> None:
    app = load_text("request_alias", undone("request_alias", fixed, broken)).app
    app.logger.disabled = True  # a logged traceback would keep the un-awaited coroutine alive past this test
    client = app.test_client()
    response = await client.post(path, form={"name": "ada"}) if path == "/greet" else await client.post(path, json={"word": "hi"})
    assert response.status_code == 500  # a coroutine is not subscriptable
    del app, client, response
    gc.collect()  # the never-awaited coroutine warns here, where the warning is expected


async def test_assigning_the_request_form_is_reported_where_quart_rejects_it() -> None:
    assert ("QFY152", 28) in findings_of("request_alias")
    client = load_text("request_alias", output("request_alias")).app.test_client()
    stripped = await client.post("/strip", form={"name": " ada "})
    assert stripped.status_code == 500  # property 'form' of 'Request' object has no setter


# -- shape 16: copy_current_request_context handed to a thread -----------------------------------
async def test_a_copied_context_in_a_thread_is_reported_and_really_does_nothing() -> None:
    assert [f for f in findings_of("thread_context") if f[0] == "QFY151"] == [("QFY151", 17), ("QFY151", 29)]
    module = load_text("thread_context", output("thread_context"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "coroutine ... was never awaited", in the thread
        response = await module.app.test_client().get("/audit")
    assert await response.get_data(as_text=True) == "queued"
    assert module.SEEN == []  # the thread ran nothing: the finding is an error for this reason


def test_under_flask_the_thread_does_the_work() -> None:
    module = load_text("thread_context", (REWRITES / "thread_context.in.py").read_text(encoding="utf-8"))
    assert module.app.test_client().get("/audit").get_data(as_text=True) == "queued"
    assert module.SEEN == ["/audit"]


async def test_the_advice_of_the_finding_does_the_work_under_quart() -> None:
    handoff = (
        "worker = threading.Thread(target=copy_current_request_context(record))\n    worker.start()\n"
        "    await asyncio.to_thread(worker.join)\n"  # the join is offloaded (--blocking thread, the default)
    )
    module = load_text("thread_context", undone("thread_context", handoff, "await copy_current_request_context(record)()\n"))
    response = await module.app.test_client().get("/audit")
    assert response.status_code == 200
    assert module.SEEN == ["/audit"]


# -- shape 12: a test response's `.request` -------------------------------------------------------
def test_a_test_response_request_is_reported_and_the_rest_of_the_suite_runs(tmp_path: Path) -> None:
    assert findings_of("tests_response_request") == [("QFY150", 23)]
    (tmp_path / "test_redirects.py").write_text(output("tests_response_request"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_mode=auto",
         "-o", "asyncio_default_fixture_loop_scope=function", "test_redirects.py"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert "1 failed, 1 passed" in proc.stdout, proc.stdout
    assert "has no attribute 'request'" in proc.stdout  # exactly what the finding says
