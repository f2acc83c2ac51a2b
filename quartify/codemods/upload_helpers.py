"""An upload helper's half of the split (planners.upload_helpers): its returned dict becomes Quart's
test-client keyword arguments, and a local holding its result is read through `["form"]`.

    return {"k": "v", "f": (stream, "a.txt")}
->  return {"form": {"k": "v"}, "files": {"f": FileStorage(stream, filename="a.txt", content_type="text/plain")}}

The content type is written out as in the literal split (Flask's client guesses it from a literal
filename; Quart's `FileStorage` sends none). A dict laid out one entry a line keeps that layout.
"""

from __future__ import annotations

import libcst as cst

from quartify.analysis.file_fields import guess_type
from quartify.analysis.planners import upload_helpers as planned
from quartify.codemods.base import Concern, Context
from quartify.codemods.client_calls import _commas, _commas_args, _kw, _str, _string_value
from quartify.core.types import Span


def file_storage(parts: list[cst.BaseExpression]) -> cst.Call:
    """`(stream, filename[, content_type])` as `FileStorage(stream, filename=..., content_type=...)`."""
    args = [cst.Arg(parts[0]), _kw("filename", parts[1])]
    if len(parts) == 3:
        args.append(_kw("content_type", parts[2]))
    elif _string_value(parts[1]) is not None:
        args.append(_kw("content_type", _str(guess_type(_string_value(parts[1]) or ""))))
    return cst.Call(cst.Name("FileStorage"), _commas_args(args))


class RewriteUploadHelpers(Concern):
    node_types = (cst.Dict, cst.Name)
    handles = (planned.HelperReturn, planned.FormRead)
    order = 72  # any free slot: it touches dicts and names no other rewrite edits at these spans

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.returns = set(ctx.plan.sites(planned.HelperReturn))
        self.form_reads = set(ctx.plan.sites(planned.FormRead))

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if isinstance(updated, cst.Name) and span in self.form_reads:
            return cst.Subscript(updated, [cst.SubscriptElement(cst.Index(_str("form")))])
        if isinstance(updated, cst.Dict) and span in self.returns:
            return self._split(updated)
        return updated

    def _split(self, data: cst.Dict) -> cst.Dict:
        form: list[cst.BaseDictElement] = []
        files: list[cst.BaseDictElement] = []
        for element in data.elements:
            element = element.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            value = element.value if isinstance(element, cst.DictElement) else None
            if isinstance(value, cst.Tuple) and 2 <= len(value.elements) <= 3:
                self.ctx.needed_imports.add(("quart.datastructures", "FileStorage"))
                files.append(element.with_changes(value=file_storage([e.value for e in value.elements])))
            else:
                form.append(element)
        parts = [cst.DictElement(_str(key), _commas(cst.Dict(items)))
                 for key, items in (("form", form), ("files", files)) if items]
        if not isinstance(data.lbrace.whitespace_after, cst.ParenthesizedWhitespace) or not data.elements:
            return data.with_changes(elements=_commas(cst.Dict(parts)).elements)
        # one entry a line: the first entry's comma carries the line break and indent, the last the trailing comma
        first, last = data.elements[0].comma, data.elements[-1].comma
        laid = [p.with_changes(comma=first if i < len(parts) - 1 else last) for i, p in enumerate(parts)]
        return data.with_changes(elements=laid)
