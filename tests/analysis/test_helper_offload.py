"""A sync helper holding blocking calls, called from a view: offloaded whole at the call site
(`--blocking thread`, the default) when everything it runs may move to a thread, else left with
a finding that says why (docs/guide.md, Blocking calls)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartify.core.config import BlockingMode, Options
from quartify.core.pipeline import InputFile, migrate
from quartify.core.types import FileResult
from tests.helpers import assert_valid_async, output_of

HEAD = "import functools\nimport requests\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n"


def run(body: str, blocking: BlockingMode = BlockingMode.THREAD) -> FileResult:
    source = (HEAD + body).encode()
    result = migrate([InputFile(Path("app.py"), "app.py", "app", False, source)], Options(jobs=1, blocking=blocking))
    return result.files[0]


def messages(result: FileResult, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]


def test_a_helper_behind_another_helper_is_offloaded_at_the_view_and_leaves_the_loop() -> None:
    result = run(
        "def fetch(u):\n    return requests.get(u).text\n\n\n"
        "def both(u):\n    return fetch(u) + fetch(u)\n\n\n"
        "@app.get('/')\ndef index():\n    return both('http://x')\n"
    )
    text = output_of(result)
    assert "return await asyncio.to_thread(both, 'http://x')" in text
    assert "TODO(quartify)" not in text
    expected = ("`both()` runs blocking calls (requests.get() in fetch()); Fixed: the whole helper runs in a worker "
                "thread (`await asyncio.to_thread(both, ...)`), with the request context copied.")
    assert messages(result, "QFY172") == [expected]
    assert not messages(result, "QFY210")
    assert_valid_async(text)


def test_under_blocking_todo_the_helper_stays_on_the_loop_with_its_todo() -> None:
    result = run(
        "def fetch(u):\n    return requests.get(u).text\n\n\n@app.get('/')\ndef index():\n    return fetch('http://x')\n",
        BlockingMode.TODO,
    )
    assert "to_thread" not in output_of(result) and "TODO(quartify): QFY210" in output_of(result)
    assert not messages(result, "QFY172")


def test_a_helper_whose_result_is_entered_as_a_context_manager_is_not_offloaded() -> None:
    result = run(
        "def opened(u):\n    return requests.get(u, stream=True)\n\n\n"
        "@app.get('/')\ndef index():\n    with opened('http://x') as r:\n        return r.text\n"
    )
    assert "to_thread" not in output_of(result)
    [message] = messages(result, "QFY210")
    assert "opened() is not offloaded where app.index calls it: its result is used as a context manager" in message


def test_a_decorated_helper_is_not_offloaded_unless_the_decorator_is_functools() -> None:
    cached = run(
        "@functools.lru_cache\ndef rate():\n    return requests.get('http://x').json()\n\n\n"
        "@app.get('/')\ndef index():\n    return {'rate': rate()}\n"
    )
    assert "await asyncio.to_thread(rate)" in output_of(cached)
    wrapped = run(
        "def audited(f):\n    return f\n\n\n"
        "@audited\ndef rate():\n    return requests.get('http://x').json()\n\n\n"
        "@app.get('/')\ndef index():\n    return {'rate': rate()}\n"
    )
    assert "to_thread" not in output_of(wrapped)
    assert any("what its decorator does in another thread is unknown" in m for m in messages(wrapped, "QFY210"))


def test_a_helper_also_called_from_a_sync_function_on_the_loop_stays_reported_there() -> None:
    result = run(
        "def fetch(u):\n    return requests.get(u).text\n\n\n"
        "def page(u):\n    return '<p>' + fetch(u)\n\n\n"
        "@app.get('/a')\ndef a():\n    return fetch('http://a')\n\n\n"
        "@app.get('/b')\ndef b():\n    return page('http://b')\n"
    )
    text = output_of(result)
    assert "return await asyncio.to_thread(fetch, 'http://a')" in text
    assert "return await asyncio.to_thread(page, 'http://b')" in text
    assert not messages(result, "QFY210")  # both paths to fetch() are offloaded


def test_a_helper_also_reached_through_a_refused_method_stays_reported_on_that_path() -> None:
    """`fetch` is offloaded where view `a` calls it, but view `b` reaches it through a method,
    which stays on the loop: the call in `fetch` is still reported, with the chain through `b`."""
    result = run(
        "def fetch(u):\n    return requests.get(u).text\n\n\n"
        "class Page:\n    def render(self, u):\n        return '<p>' + fetch(u)\n\n\n"
        "@app.get('/a')\ndef a():\n    return fetch('http://a')\n\n\n"
        "@app.get('/b')\ndef b():\n    return Page().render('http://b')\n"
    )
    text = output_of(result)
    assert "return await asyncio.to_thread(fetch, 'http://a')" in text
    assert "return Page().render('http://b')" in text
    [finding] = [f for f in result.findings if f.code == "QFY210"]
    assert [step.what for step in finding.chain][:2] == ["app.b calls app.Page.render", "app.Page.render calls app.fetch"]
    assert "it is a method" in finding.message
    assert "TODO(quartify): QFY210" in text


def test_an_ignore_comment_or_option_for_qfy172_keeps_the_helper_on_the_loop() -> None:
    body = "def fetch(u):\n    return requests.get(u).text\n\n\n@app.get('/')\ndef index():\n    return fetch('http://x'){}\n"
    silenced = run(body.format("  # quartify: ignore[QFY172]"))
    assert "to_thread" not in output_of(silenced) and "TODO(quartify): QFY210" in output_of(silenced)
    source = (HEAD + body.format("")).encode()
    ignored = migrate([InputFile(Path("app.py"), "app.py", "app", False, source)], Options(jobs=1, ignore=("QFY172",)))
    assert "to_thread" not in output_of(ignored.files[0])


def test_an_ignore_comment_keeps_only_its_own_call_of_the_helper_on_the_loop() -> None:
    """The helper a reference names is asked once per run, the silenced lines once per module:
    neither may carry one call site's answer over to another."""
    result = run(
        "def fetch(u):\n    return requests.get(u).text\n\n\n"
        "@app.get('/a')\ndef a():\n    return fetch('http://a')  # quartify: ignore[QFY172]\n\n\n"
        "@app.get('/b')\ndef b():\n    return fetch('http://b')\n\n\n"
        "@app.get('/c')\ndef c():\n    return fetch('http://c') + fetch('http://d')\n"
    )
    text = output_of(result)
    assert "return fetch('http://a')  # quartify: ignore[QFY172]" in text
    assert "return await asyncio.to_thread(fetch, 'http://b')" in text
    assert "await asyncio.to_thread(fetch, 'http://c') + await asyncio.to_thread(fetch, 'http://d')" in text


def test_a_helper_whose_result_is_handed_to_gather_is_offloaded_though_no_call_edge_reaches_it() -> None:
    """`asyncio.gather(fetch(u))` hands on what `fetch` returns, so the graph draws no call edge
    (colour does not climb it), yet the call runs `fetch`'s blocking body on the loop: helper
    offloads must find such calls among every use of the view, not only along the graph's edges."""
    result = run(
        "import asyncio\n\n\ndef fetch(u):\n    requests.get(u)\n    return asyncio.sleep(0)\n\n\n"
        "@app.get('/')\nasync def index():\n    await asyncio.gather(fetch('x'))\n    return ''\n"
    )
    assert "await asyncio.gather(await asyncio.to_thread(fetch, 'x'))" in output_of(result)
    assert messages(result, "QFY172")


CACHED_APP = {
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "helpers.py": "import requests\n\n\ndef fetch(u):\n    return requests.get(u).text\n\n\ndef shout(s):\n    return s.upper()\n",
    "quotes.py": "from app import app\nfrom helpers import fetch\n\n\n@app.get('/q')\ndef quote():\n    return fetch('http://x')\n",
    "plain.py": "from app import app\nfrom helpers import shout\n\n\n@app.get('/p')\ndef page():\n    return shout('hi')\n",
    "pyproject.toml": "[project]\nname = 'cached'\n",
}


def test_a_one_file_check_from_the_cache_decodes_only_views_calling_offloaded_helpers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A one-file check loads every other module's index from the cache with its uses undecoded
    (core/lazy_index.py); helper offloads reads a view's uses only when one of its calls reaches a
    helper with blocking calls behind it: a view calling none keeps its module's body undecoded,
    and the result is a run without the cache's."""
    from quartify.core import lazy_index
    from quartify.core.paths import migrate_paths

    for name, text in CACHED_APP.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    target = tmp_path / "quotes.py"
    migrate_paths([target], Options(), whole_project=True, use_cache=True)  # fills the cache
    target.write_text(CACHED_APP["quotes.py"] + "\n# edited\n", encoding="utf-8")

    decoded: list[str] = []
    load = lazy_index.Body.load

    def recording(body: lazy_index.Body) -> None:
        if body._unpickler is not None:
            decoded.append(body._index.module)
        load(body)

    monkeypatch.setattr(lazy_index.Body, "load", recording)
    cached = migrate_paths([target], Options(), whole_project=True, use_cache=True)
    uncached = migrate_paths([target], Options(), whole_project=True)

    assert "plain" not in decoded  # its view calls only shout, which blocks on nothing
    assert "helpers" in decoded  # fetch's blocking calls were read
    assert cached.files == uncached.files and cached.also_needs == uncached.also_needs
    assert "return await asyncio.to_thread(fetch, 'http://x')" in output_of(cached.files[0])
