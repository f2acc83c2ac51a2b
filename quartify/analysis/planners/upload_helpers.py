"""Upload helpers (analysis.upload_helpers) whose every call reaches a test client's `data=`: the
helper returns Quart's `form=`/`files=` keyword arguments and each call passes them on with `**`.
The call-site half is the test-client rewrite's (`ClientCall.helper`); this planner proves the
calls are test-client requests and plans the helper's half."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import UploadHelper
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Finding, Span


@dataclass(frozen=True)
class HelperReturn(Edit):
    """A helper's returned dict literal: `{"k": "v", "f": (stream, name)}` ->
    `{"form": {"k": "v"}, "files": {"f": FileStorage(stream, filename=name)}}`."""

    settles = True


@dataclass(frozen=True)
class FormRead(Edit):
    """`local` in `local[key]`, `local` holding a rewritten helper's result: -> `local["form"]`."""

    settles = True


def request_calls(ctx: FileContext) -> set[Span]:
    """The spans of the file's test-client request calls."""
    methods = ctx.api.test_client.request_methods
    return {u.span for u in ctx.all_uses if u.kind == "call" and ctx.resolve(u.ref) in methods}


def proven(ctx: FileContext, helper: UploadHelper) -> bool:
    """The index followed every use of the helper, and every `data=` it reaches is a request's."""
    requests = request_calls(ctx)
    return not helper.reason and all(call in requests for _, call in helper.sites)


def helper_at(ctx: FileContext, call: Span) -> tuple[UploadHelper, bool] | None:
    """The upload helper whose result the request `call` passes as `data=`, and whether it is proven."""
    for helper in ctx.module.upload_helpers:
        if any(site_call == call for _, site_call in helper.sites):
            return helper, proven(ctx, helper)
    return None


@planner
def plan_upload_helpers(ctx: FileContext) -> Iterator[Edit | Finding]:
    for helper in ctx.module.upload_helpers:
        if proven(ctx, helper):
            yield from (HelperReturn(span) for span in helper.returns)
            yield from (FormRead(span) for span in helper.form_reads)
