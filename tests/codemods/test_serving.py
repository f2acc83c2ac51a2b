"""`app.run(...)`: keywords Quart ignores are dropped, `ssl_context=(cert, key)` becomes
`certfile=`/`keyfile=` (codemods/serving.py)."""

from __future__ import annotations

from quartify.analysis.planners.serving import AppRun
from tests.codemods.helpers import at, check_noop, check_transformed


def run_edit(source: str) -> AppRun:
    """The `app.run(...)` call on the last line of `source`."""
    return AppRun(at(source, source.rstrip("\n").splitlines()[-1]))


def test_ignored_keywords_are_dropped() -> None:
    src = "app.run(debug=True, threaded=True)\n"
    check_transformed(src, "app.run(debug=True)\n", run_edit(src))


def test_dropping_the_only_keyword_leaves_an_empty_call() -> None:
    src = "app.run(threaded=True, reloader_type='stat', processes=2)\n"
    check_transformed(src, "app.run()\n", run_edit(src))


def test_ssl_context_tuple_becomes_certfile_and_keyfile() -> None:
    src = "app.run(host='0.0.0.0', ssl_context=('cert.pem', 'key.pem'))\n"
    check_transformed(src, "app.run(host='0.0.0.0', certfile='cert.pem', keyfile='key.pem')\n", run_edit(src))


def test_ssl_context_before_other_keywords() -> None:
    src = "app.run(ssl_context=('cert.pem', 'key.pem'), debug=True)\n"
    check_transformed(src, "app.run(certfile='cert.pem', keyfile='key.pem', debug=True)\n", run_edit(src))


def test_multiline_call_keeps_its_closing_layout() -> None:
    src = "app.run(\n    host='0.0.0.0',\n    threaded=True,\n)\n"
    edit = AppRun(at(src, src.rstrip("\n")))
    check_transformed(src, "app.run(\n    host='0.0.0.0',\n)\n", edit)


def test_ssl_context_quart_cannot_take_by_name_is_left() -> None:
    src = "app.run(ssl_context='adhoc')\n"
    check_noop(src, run_edit(src))


def test_nothing_to_change_is_a_noop() -> None:
    src = "app.run(host='0.0.0.0', port=8000, debug=True)\n"
    check_noop(src, run_edit(src))


def test_span_holding_no_call_is_a_noop() -> None:
    src = "app.run(threaded=True)\n"
    check_noop(src, AppRun(at(src, "app.run")))
