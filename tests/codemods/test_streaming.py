"""`stream_with_context(gen())` -> `stream_with_context(gen)()` (codemods/streaming.py): the
edit marks the inner generator call, the enclosing `stream_with_context` call does the move."""

from __future__ import annotations

from quartify.analysis.planners.streaming import StreamCall
from tests.codemods.helpers import at, check_noop, check_transformed


def test_generator_call_moves_outside() -> None:
    src = "def view():\n    return Response(stream_with_context(gen()))\n"
    expected = "def view():\n    return Response(stream_with_context(gen)())\n"
    check_transformed(src, expected, StreamCall(at(src, "gen()")))


def test_generator_arguments_follow_the_call() -> None:
    src = "def view():\n    return stream_with_context(generate(rows, sep=','))\n"
    expected = "def view():\n    return stream_with_context(generate)(rows, sep=',')\n"
    check_transformed(src, expected, StreamCall(at(src, "generate(rows, sep=',')")))


def test_qualified_stream_with_context_and_method_generator() -> None:
    src = "def view():\n    return flask.stream_with_context(self.rows(1))\n"
    expected = "def view():\n    return flask.stream_with_context(self.rows)(1)\n"
    check_transformed(src, expected, StreamCall(at(src, "self.rows(1)")))


def test_other_calls_in_the_statement_are_untouched() -> None:
    src = "def view():\n    return Response(stream_with_context(gen()), mimetype=kind())\n"
    expected = "def view():\n    return Response(stream_with_context(gen)(), mimetype=kind())\n"
    check_transformed(src, expected, StreamCall(at(src, "gen()")))


def test_span_holding_no_call_is_a_noop() -> None:
    src = "def view():\n    return Response(stream_with_context(gen()))\n"
    check_noop(src, StreamCall(at(src, "gen")))
