"""Property tests: quartify on programs nobody wrote by hand.

1. Arbitrary Python (hypothesmith, from the grammar) that uses no Flask comes out byte-identical.
2. Flask-shaped programs assembled from templates — Quart awaitables in lambdas, lambda defaults,
   comprehensions, f-strings, generators, `match`, walrus, decorators, nested functions,
   function-local imports, class bodies, `with` contexts — come out compiling, with every `await`
   inside an `async def`, with the same free names as the input (modulo Flask -> Quart), and as
   a fixed point; no file is rolled back by verification.

Seeds are fixed (`derandomize=True`): a run is reproducible, and CI runs the same programs every
time. The example counts keep the whole module around a minute on two cores.
"""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quartify.core.free_names import newly_unbound
from quartify.core.stages import await_outside_async
from quartify.core.types import Status
from tests.helpers import migrate_one, output_of

ARBITRARY_EXAMPLES = 1000
FLASK_EXAMPLES = 1200

_SETTINGS = dict(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def _python_programs() -> st.SearchStrategy[str]:
    """hypothesmith's programs from the Python grammar. Building the strategy compiles the grammar
    (seconds of CPU), so it is deferred to the test's first example rather than paid at import,
    by every pytest-xdist worker that collects this module; the programs drawn are the same."""
    import hypothesmith

    return hypothesmith.from_grammar()


@settings(max_examples=ARBITRARY_EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
@given(st.deferred(_python_programs))
def test_programs_without_flask_are_left_byte_identical(source: str) -> None:
    result = migrate_one(source, "anything.py")
    assert result.new_source is None
    assert result.status is not Status.CHANGED


# -- Flask-shaped programs ---------------------------------------------------------------------

AWAITABLES = [
    "request.form",
    "request.form['k']",
    "request.get_json()",
    "request.files",
    "request.get_data()",
    "render_template('page.html')",
    "helper()",
    "make_response('x')",
]

# `{e}` is an awaitable expression; each template is one or more body lines of a view.
PLACES = [
    "value = {e}",
    "return {e}",
    "pick = lambda: {e}",
    "pick = lambda q={e}: q",
    "items = [{e} for _ in range(2)]",
    "items = {{k: {e} for k in 'ab'}}",
    "lazy = ({e} for _ in range(2))",
    'text = f"<{{{e}}}>"',
    "if (got := {e}):\n    pass",
    "match {e}:\n    case None:\n        pass\n    case _:\n        pass",
    "def inner():\n    return {e}\nvalue = inner()",
    "def inner(q={e}):\n    return q",
    "@functools.wraps(helper)\ndef inner():\n    return {e}",
    "class Local:\n    field = {e}",
    "def gen():\n    yield {e}\nvalue = list(gen())",
    "def gen():\n    yield {e}\n    return 1\nvalue = list(gen())",
    "def gen():\n    yield {e}\n    return 1\nreturn stream_with_context(gen())",
    "from flask import request as rq\nvalue = rq.args",
    "from flask import render_template as rt\nvalue = rt('x.html')",
    "from flask import Flask\nsub = Flask('sub')",
    "import flask\nsub = flask.Flask('sub')",
    "with app.app_context():\n    value = {e}",
    "with app.test_request_context('/'):\n    pass",
    "try:\n    value = {e}\nexcept KeyError:\n    value = None",
    "for _ in range(1):\n    value = {e}",
    "value = sorted([1], key=lambda _: {e})",
]

MODULE_TAIL = [
    "",
    "CONST = {e}",
    "class Holder:\n    attr = {e}",
    "def plain():\n    return {e}",
    "def uses_helper():\n    return helper()",
    "@app.template_filter('f')\ndef filt(v):\n    return {e}",
    "@app.cli.command('c')\ndef cmd():\n    value = {e}",
]

HEADER = """\
import functools

from flask import Flask, make_response, render_template, request, stream_with_context

app = Flask(__name__)


def helper():
    return request.form
"""


def _indent(block: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in block.splitlines())


@st.composite
def flask_programs(draw: st.DrawFn) -> str:
    parts = [HEADER]
    for n in range(draw(st.integers(1, 3))):
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            place = draw(st.sampled_from(PLACES))
            lines.append(place.format(e=draw(st.sampled_from(AWAITABLES))))
        body = "\n".join(lines)
        if not body.splitlines()[-1].startswith("return"):
            body += "\nreturn 'ok'"
        parts.append(f"\n@app.route('/p{n}', methods=['GET', 'POST'])\ndef view{n}():\n{_indent(body, '    ')}\n")
    tail = draw(st.sampled_from(MODULE_TAIL)).format(e=draw(st.sampled_from(AWAITABLES)))
    if tail:
        parts.append("\n" + tail + "\n")
    return "".join(parts)


@settings(max_examples=FLASK_EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
@given(flask_programs())
def test_flask_shaped_programs_migrate_to_valid_consistent_code(source: str) -> None:
    compile(source, "<input>", "exec")  # the generator only builds valid programs
    result = migrate_one(source, "app.py")
    assert result.status is not Status.FAILED, [f.message for f in result.findings if f.code in ("QFY001", "QFY002")]
    out = output_of(result)
    assert await_outside_async(out) is None  # compiles, and awaits stand only where Python allows
    assert newly_unbound(source, out) == [], "the output reads a name nothing binds"
    again = migrate_one(out, "app.py")
    assert again.new_source is None, "not a fixed point: a second run changes the output"
    ast.parse(out)
