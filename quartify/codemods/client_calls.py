"""Test-client calls whose arguments Quart takes differently (quart-api.md §3.1, §3.4).

Several of these fail *silently* if left alone: a dict passed as `data=` is sent as an empty
body, `set_cookie("k", "v")` sets a cookie called "v" for a host called "k". Each rewrite works
on literal arguments it can read; anything else is left as it is with a finding.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import libcst as cst

from quartify.analysis.file_fields import guess_type
from quartify.analysis.planners import client_calls as planned
from quartify.codemods.base import Concern, Context
from quartify.core.types import Finding, Severity, Span

_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )


def _string_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _str(value: str) -> cst.SimpleString:
    return cst.SimpleString(repr(value).replace("'", '"') if '"' not in value else repr(value))


def _is_file_tuple(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Tuple) and 2 <= len(node.elements) <= 3


def _repeated_fields(data: cst.Dict) -> bool:
    """A form dict literal with a list of plain values under a key (`{"tag": ["a", "b"]}`), which
    Werkzeug sends as one field per item; not a list of file tuples."""
    return any(
        isinstance(e, cst.DictElement) and isinstance(e.value, cst.List)
        and not any(isinstance(x.value, cst.Tuple) for x in e.value.elements)
        for e in data.elements
    )


def _call(name: str, *args: cst.BaseExpression | cst.Arg) -> cst.Call:
    """`name(args)`, the arguments separated by `, `."""
    items = [a if isinstance(a, cst.Arg) else cst.Arg(a) for a in args]
    return cst.Call(cst.Name(name), [*(a.with_changes(comma=_comma()) for a in items[:-1]), *items[-1:]])


class RewriteClientCalls(Concern):
    node_types = (cst.Call,)
    handles = (planned.ClientCall, planned.CookieCall, planned.DefaultPath)
    order = 70

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        requests = ctx.plan.sites(planned.ClientCall)
        self.requests = set(requests)
        self.cookies = set(ctx.plan.sites(planned.CookieCall))
        self.default_path = set(ctx.plan.sites(planned.DefaultPath))
        self.dict_data = {span for span, e in requests.items() if e.data == "dict"}
        self.multi_data = {span for span, e in requests.items() if e.data == "multi"}
        self.text_data = {span for span, e in requests.items() if e.data == "text"}
        self.file_data = {span for span, e in requests.items() if e.data == "files"}
        self.proven_fields = {span: e.fields for span, e in requests.items() if e.data == "files" and e.fields}
        self.helpers = {span: (e.helper, e.splat) for span, e in requests.items() if e.helper}

    def _finding(self, span: Span, message: str) -> None:
        self.ctx.findings.append(Finding("QFY130", Severity.WARNING, message, self.ctx.path, span.line, span.col))

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if not isinstance(updated, cst.Call):
            return updated
        if span in self.cookies:
            return self._cookie(updated, span)
        if span in self.requests:
            updated = self._request(updated, span)
        if span in self.default_path:
            positional = [a for a in updated.args if a.keyword is None and not a.star]
            if not positional and not any(a.keyword and a.keyword.value == "path" for a in updated.args):
                return updated.with_changes(args=[cst.Arg(cst.SimpleString('"/"')), *updated.args])
        return updated

    # -- requests ----------------------------------------------------------------------------
    def _request(self, call: cst.Call, span: Span) -> cst.Call:
        args = list(call.args)
        by_name = {a.keyword.value: i for i, a in enumerate(args) if a.keyword is not None}
        replace: dict[int, list[cst.Arg]] = {}  # argument index -> what stands there instead

        repeated = False  # the body was urlencoded here, with its content type
        if "data" in by_name:
            i = by_name["data"]
            value = args[i].value
            if span in self.helpers:
                helper, splat = self.helpers[span]
                if splat:  # the helper now returns Quart's keyword arguments (planners.upload_helpers)
                    replace[i] = [args[i].with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, star="**")]
                else:
                    self._finding(
                        span,
                        f"this `data=` dict comes from `{helper}(...)`, which returns files as well as form fields: "
                        "Quart's test client takes them apart (`form={...}`, `files={name: FileStorage(...)}`); "
                        f"not every use of `{helper}` could be followed, so it is left unchanged",
                    )
            elif (isinstance(value, cst.Dict) and _repeated_fields(value)) or span in self.multi_data:
                repeated = self._repeated(args, by_name, replace, span)
            elif isinstance(value, cst.Dict):
                form, files = self._split_form(value, span)
                replace[i] = [
                    *([args[i].with_changes(keyword=cst.Name("form"), value=form)] if form is not None else []),
                    *([_kw("files", files)] if files is not None else []),
                ]
            elif span in self.proven_fields and isinstance(value, cst.Name):
                form, files = self._split_local(value, self.proven_fields[span])
                replace[i] = [
                    *([args[i].with_changes(keyword=cst.Name("form"), value=form)] if form is not None else []),
                    _kw("files", files),
                ]
            elif span in self.file_data:
                self._finding(
                    span,
                    "this `data=` dict holds files as well as form fields: Quart's test client takes them apart, "
                    "as `form={...}` and `files={name: FileStorage(stream, filename=...)}`; left unchanged",
                )
            elif span in self.dict_data:
                replace[i] = [args[i].with_changes(keyword=cst.Name("form"))]
            elif isinstance(value, (cst.Name, cst.Attribute, cst.Subscript)) and span not in self.text_data:
                # a call (json.dumps) gives str/bytes, and so do variables known to hold text
                self._finding(
                    span,
                    "Quart's test client ignores a dict passed as `data=` (the body is sent empty); "
                    "if this value is a dict, pass it as `form=` (and files as `files=`)",
                )

        if "content_type" in by_name and not repeated:
            i = by_name["content_type"]
            content_type = _string_value(args[i].value)
            body_is_form = "files" in by_name or "form" in by_name or (
                "data" in by_name and (isinstance(args[by_name["data"]].value, cst.Dict)
                                       or span in self.dict_data or span in self.proven_fields
                                       or self.helpers.get(span, ("", False))[1])
            )
            if content_type is not None and content_type.split(";")[0].strip() in _FORM_TYPES and body_is_form:
                replace[i] = []  # Quart builds the form body and sets its content type itself
            else:
                header: cst.DictElement | None = cst.DictElement(_str("Content-Type"), args[i].value)
                if "headers" in by_name:
                    h = by_name["headers"]
                    headers = args[h].value
                    if isinstance(headers, cst.List):  # `headers=[("X-A", "1")]`: add a pair
                        pair = cst.Element(cst.Tuple([cst.Element(_str("Content-Type"), comma=_comma()),
                                                      cst.Element(args[i].value)]))
                        items = [*headers.elements]
                        if items:
                            items[-1] = items[-1].with_changes(comma=_comma())
                        args[h] = args[h].with_changes(value=headers.with_changes(elements=[*items, pair]))
                        replace[i] = []
                        header = None
                    elif not isinstance(headers, cst.Dict):  # `headers=auth` -> `{**auth, "Content-Type": ...}`
                        headers = cst.Dict([cst.StarredDictElement(headers)])
                    if header is not None and isinstance(headers, cst.Dict):
                        elements = [*headers.elements]
                        if elements:
                            elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                        args[h] = args[h].with_changes(value=headers.with_changes(elements=[*elements, header]))
                        replace[i] = []
                elif header is not None:
                    replace[i] = [args[i].with_changes(keyword=cst.Name("headers"), value=cst.Dict([header]))]

        if "query_string" in by_name:
            i = by_name["query_string"]
            text = _string_value(args[i].value)
            if text is not None:
                pairs = parse_qsl(text.lstrip("?"), keep_blank_values=True)
                if len({k for k, _ in pairs}) == len(pairs):
                    query = cst.Dict([cst.DictElement(_str(k), _str(v)) for k, v in pairs])
                    replace[i] = [args[i].with_changes(value=_commas(query))]
                else:
                    self._finding(span, "a query string with repeated keys cannot become a dict; append it to the path")
            elif not isinstance(args[i].value, cst.Dict):
                self._finding(span, "Quart's test client takes `query_string=` only as a dict")

        if "environ_base" in by_name:
            i = by_name["environ_base"]
            value = args[i].value
            addr = None
            if isinstance(value, cst.Dict):
                keys = {_string_value(e.key): e.value for e in value.elements if isinstance(e, cst.DictElement)}
                if set(keys) == {"REMOTE_ADDR"}:
                    addr = keys["REMOTE_ADDR"]
            if addr is not None:
                client = cst.Tuple([cst.Element(addr, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                                    cst.Element(cst.Integer("0"))])
                scope = cst.Dict([cst.DictElement(_str("client"), client)])
                replace[i] = [args[i].with_changes(keyword=cst.Name("scope_base"), value=scope)]
            else:
                self._finding(span, "`environ_base=` has no Quart equivalent beyond REMOTE_ADDR (`scope_base={'client': (addr, 0)}`)")

        if "base_url" in by_name:
            i = by_name["base_url"]
            url = _string_value(args[i].value)
            if url is not None and urlsplit(url).scheme:
                parts = urlsplit(url)
                replace[i] = [args[i].with_changes(keyword=cst.Name("scheme"), value=_str(parts.scheme))]
                if parts.hostname not in (None, "localhost"):
                    self._finding(span, f"the host of base_url={url!r} is dropped; pass a Host header or subdomain=")
            else:
                self._finding(span, "`base_url=` is not accepted by Quart's test client; use `scheme=`/`subdomain=`")

        if "buffered" in by_name:
            replace[by_name["buffered"]] = []

        if not replace:
            return call
        return call.with_changes(args=_splice(args, replace))

    def _repeated(self, args: list[cst.Arg], by_name: dict[str, int], replace: dict[int, list[cst.Arg]],
                  span: Span) -> bool:
        """A form with repeated keys (a dict literal holding a list of values, a Werkzeug MultiDict):
        Flask's client sends one field per value, Quart's `form=` urlencodes the mapping's `items()`
        (a list becomes its repr, a MultiDict gives its first values). The body is urlencoded here
        instead, every value kept, with its content type."""
        i = by_name["data"]
        value = args[i].value
        content_type = _string_value(args[by_name["content_type"]].value) if "content_type" in by_name else None
        if "files" in by_name or ("content_type" in by_name and content_type != _FORM_TYPES[1]):
            self._finding(span, "this form repeats keys (a list of values, or a MultiDict): Quart's `form=` keeps one "
                                "value per key; send the body urlencoded (`data=urlencode(pairs)`), left unchanged")
            return False
        if isinstance(value, cst.Dict):  # `{"tag": ["a", "b"]}`: urlencode's doseq sends each item
            body = _call("urlencode", value, _kw("doseq", cst.Name("True")))
        elif (isinstance(value, cst.Call) and len(value.args) == 1 and value.args[0].keyword is None
              and not value.args[0].star and isinstance(value.args[0].value, cst.List)):
            body = _call("urlencode", value.args[0].value)  # `MultiDict([("k", "a"), ("k", "b")])`: its pairs
        else:
            every = cst.Call(cst.Attribute(value, cst.Name("items")), [_kw("multi", cst.Name("True"))])
            body = _call("urlencode", _call("list", every))
        self.ctx.needed_imports.add(("urllib.parse", "urlencode"))
        replace[i] = [args[i].with_changes(value=body)]
        header = cst.DictElement(_str("Content-Type"), _str(_FORM_TYPES[1]))
        if "content_type" in by_name:
            replace[by_name["content_type"]] = []  # the same type, sent as the header below
        if "headers" not in by_name:
            replace[i].append(_kw("headers", cst.Dict([header])))
            return True
        h = by_name["headers"]
        headers = args[h].value
        if isinstance(headers, cst.List):  # `headers=[("X-A", "1")]`: add a pair
            pair = cst.Element(cst.Tuple([cst.Element(header.key, comma=_comma()), cst.Element(header.value)]))
            items = [*headers.elements]
            if items:
                items[-1] = items[-1].with_changes(comma=_comma())
            args[h] = args[h].with_changes(value=headers.with_changes(elements=[*items, pair]))
            return True
        if not isinstance(headers, cst.Dict):  # `headers=auth` -> `{**auth, "Content-Type": ...}`
            headers = cst.Dict([cst.StarredDictElement(headers)])
        elements = [*headers.elements]
        if elements:
            elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args[h] = args[h].with_changes(value=headers.with_changes(elements=[*elements, header]))
        return True

    def _split_form(self, data: cst.Dict, span: Span) -> tuple[cst.Dict | None, cst.Dict | None]:
        if not any(isinstance(e, cst.DictElement) and _is_file_tuple(e.value) for e in data.elements):
            return data, None  # a plain form: only the keyword changes, the dict stays as written
        form: list[cst.BaseDictElement] = []
        files: list[cst.BaseDictElement] = []
        for element in data.elements:
            element = element.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            if isinstance(element, cst.DictElement) and _is_file_tuple(element.value):
                assert isinstance(element.value, cst.Tuple)
                parts = [e.value for e in element.value.elements]
                storage_args = [cst.Arg(parts[0]), _kw("filename", parts[1])]
                if len(parts) == 3:
                    storage_args.append(_kw("content_type", parts[2]))
                elif _string_value(parts[1]) is not None:  # the type Flask's client guesses from the name
                    storage_args.append(_kw("content_type", _str(guess_type(_string_value(parts[1]) or ""))))
                self.ctx.needed_imports.add(("quart.datastructures", "FileStorage"))
                files.append(element.with_changes(value=cst.Call(cst.Name("FileStorage"), _commas_args(storage_args))))
            else:
                if isinstance(element, cst.DictElement) and isinstance(element.value, (cst.List, cst.Tuple)):
                    self._finding(span, "a multi-value form field becomes a string under Quart's `form=`; send it url-encoded as `data=` with a Content-Type header")
                form.append(element)
        form_dict = _commas(data.with_changes(elements=form)) if form else None
        files_dict = _commas(cst.Dict(files)) if files else None
        if form_dict is None and files_dict is None:
            form_dict = data
        return form_dict, files_dict

    def _split_local(self, name: cst.Name, fields: tuple[tuple[str, int, str], ...]) -> tuple[cst.Dict | None, cst.Dict]:
        """`data=payload` whose keys are proven (analysis.file_fields): `form={"k": payload["k"], ...}`
        and `files={"f": FileStorage(payload["f"][0], filename=payload["f"][1])}`. Each entry names
        its key, so the reader sees where every field goes; the local itself is left as written
        (the test may read it again after the call)."""
        form: list[cst.BaseDictElement] = []
        files: list[cst.BaseDictElement] = []
        for key, size, content_type in fields:
            item = cst.Subscript(name, [cst.SubscriptElement(cst.Index(_str(key)))])
            if not size:
                form.append(cst.DictElement(_str(key), item))
                continue
            part = [cst.Subscript(item, [cst.SubscriptElement(cst.Index(cst.Integer(str(n))))]) for n in range(size)]
            storage_args = [cst.Arg(part[0]), _kw("filename", part[1])]
            if size == 3:
                storage_args.append(_kw("content_type", part[2]))
            elif content_type:
                storage_args.append(_kw("content_type", _str(content_type)))
            self.ctx.needed_imports.add(("quart.datastructures", "FileStorage"))
            files.append(cst.DictElement(_str(key), cst.Call(cst.Name("FileStorage"), _commas_args(storage_args))))
        return (_commas(cst.Dict(form)) if form else None), _commas(cst.Dict(files))

    # -- cookies -------------------------------------------------------------------------------
    def _cookie(self, call: cst.Call, span: Span) -> cst.Call:
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if not positional or len(positional) >= 3:
            return call  # nothing to place, or already (server_name, key, value)
        first = _string_value(positional[0].value)
        if first is not None and (first == "localhost" or "." in first):
            return call  # already starts with a server name
        domain = next((a for a in call.args if a.keyword is not None and a.keyword.value == "domain"), None)
        server = domain.value if domain is not None else cst.SimpleString('"localhost"')
        args = list(call.args)
        replace: dict[int, list[cst.Arg]] = {}
        if domain is not None:
            replace[args.index(domain)] = []
        at = args.index(positional[0])
        replace[at] = [cst.Arg(server, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), args[at]]
        return call.with_changes(args=_splice(args, replace))


def _comma() -> cst.Comma:
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _commas(node: cst.Dict) -> cst.Dict:
    """`{a: 1, b: 2}` with one-space commas between elements and none after the last."""
    elements = list(node.elements)
    fixed = [e.with_changes(comma=_comma() if i < len(elements) - 1 else cst.MaybeSentinel.DEFAULT)
             for i, e in enumerate(elements)]
    return node.with_changes(elements=fixed)


def _commas_args(args: list[cst.Arg]) -> list[cst.Arg]:
    return [a.with_changes(comma=_comma() if i < len(args) - 1 else cst.MaybeSentinel.DEFAULT) for i, a in enumerate(args)]


def _splice(args: list[cst.Arg], replace: dict[int, list[cst.Arg]]) -> list[cst.Arg]:
    """Replace arguments in place, keeping each position's trailing comma and whitespace (the
    layout before the closing parenthesis lives on the last argument)."""
    out: list[cst.Arg] = []
    for i, arg in enumerate(args):
        new = replace.get(i, [arg])
        if not new:
            if i == len(args) - 1 and out:
                out[-1] = out[-1].with_changes(comma=arg.comma, whitespace_after_arg=arg.whitespace_after_arg)
            continue
        for j, item in enumerate(new):
            if j < len(new) - 1:
                out.append(item.with_changes(comma=_comma(), whitespace_after_arg=cst.SimpleWhitespace("")))
            else:
                out.append(item.with_changes(comma=arg.comma, whitespace_after_arg=arg.whitespace_after_arg))
    return out


class UnwrapResponseWith(Concern):
    """`with client.get(...) as r: body` -> `r = await client.get(...)` then the body: Quart's
    response is no context manager (and needs no closing)."""

    node_types = (cst.With,)
    handles = (planned.ResponseWith,)
    order = 150

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = set(ctx.plan.sites(planned.ResponseWith))

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.With) or len(updated.items) != 1:
            return updated
        item = updated.items[0]
        if item.asname is None or not isinstance(updated.body, cst.IndentedBlock):
            return updated
        assign = cst.SimpleStatementLine(
            body=[cst.Assign(targets=[cst.AssignTarget(item.asname.name)], value=item.item)],
            leading_lines=updated.leading_lines,
        )
        return cst.FlattenSentinel([assign, *updated.body.body])  # type: ignore[return-value]
