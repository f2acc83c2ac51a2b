"""setup.py: the string literals of `setup(install_requires=[...], ...)`, edited with LibCST.

Only the lists passed to `install_requires`, `tests_require` and `extras_require` (directly,
or through a module-level name) are touched, and in them only string elements; every other
byte of the file is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from quartify.core.types import Finding
from quartify.deps import _common as c

_LIST_KEYWORDS = frozenset({"install_requires", "tests_require"})
_DICT_KEYWORDS = frozenset({"extras_require"})

_Seq = cst.List | cst.Tuple


def _is_setup(func: cst.BaseExpression) -> bool:
    if isinstance(func, cst.Name):
        return func.value == "setup"
    return isinstance(func, cst.Attribute) and func.attr.value == "setup"


class _Find(cst.CSTVisitor):
    """The requirement lists of every `setup(...)` call, and the names they go through."""

    def __init__(self) -> None:
        self.lists: set[int] = set()
        self.list_names: set[str] = set()
        self.dict_names: set[str] = set()

    def add_list(self, node: cst.BaseExpression) -> None:
        if isinstance(node, _Seq):
            self.lists.add(id(node))
        elif isinstance(node, cst.Name):
            self.list_names.add(node.value)

    def add_dict(self, node: cst.BaseExpression) -> None:
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    self.add_list(element.value)
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
            for arg in node.args:
                if arg.keyword is not None:
                    self.add_list(arg.value)
        elif isinstance(node, cst.Name):
            self.dict_names.add(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        if not _is_setup(node.func):
            return
        for arg in node.args:
            if arg.keyword is None:
                continue
            if arg.keyword.value in _LIST_KEYWORDS:
                self.add_list(arg.value)
            elif arg.keyword.value in _DICT_KEYWORDS:
                self.add_dict(arg.value)

    def follow_names(self, module: cst.Module) -> None:
        """Follow `install_requires=REQUIRES` to a module-level `REQUIRES = [...]`."""
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                target: cst.BaseExpression | None = None
                value: cst.BaseExpression | None = None
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target, value = small.targets[0].target, small.value
                elif isinstance(small, cst.AnnAssign):
                    target, value = small.target, small.value
                if not isinstance(target, cst.Name) or value is None:
                    continue
                if target.value in self.list_names and isinstance(value, _Seq):
                    self.lists.add(id(value))
                if target.value in self.dict_names:
                    self.add_dict(value)


def _clean(ws: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same layout without the comment and blank lines it may carry."""
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return ws.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return ws


def _opening(node: _Seq) -> cst.BaseParenthesizableWhitespace:
    if isinstance(node, cst.List):
        return node.lbracket.whitespace_after
    return node.lpar[0].whitespace_after if node.lpar else cst.SimpleWhitespace("")


def _separator(node: _Seq, elements: Sequence[cst.BaseElement], i: int) -> cst.Comma:
    """A comma laid out like the ones between the elements of this list."""
    if i > 0:
        comma = elements[i - 1].comma
        if isinstance(comma, cst.Comma):
            return comma.with_changes(whitespace_after=_clean(comma.whitespace_after))
    opening = _opening(node)
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=_clean(opening))
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _string(element: cst.BaseElement) -> cst.SimpleString | None:
    """The element's string literal, if editing its text span is exact (no escapes, not bytes)."""
    value = element.value
    if not isinstance(element, cst.Element) or not isinstance(value, cst.SimpleString):
        return None
    if "b" in value.prefix.lower() or "\\" in value.raw_value:
        return None
    return value


class _Rewrite(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lists: set[int], path: str) -> None:
        super().__init__()
        self.lists = lists
        self.path = path
        self.findings: list[Finding] = []

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.BaseExpression:
        return self._edit(original_node, updated_node)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.BaseExpression:
        return self._edit(original_node, updated_node)

    def _edit(self, original: _Seq, node: _Seq) -> _Seq:
        if id(original) not in self.lists:
            return node
        elements = list(node.elements)
        strings = [_string(e) for e in elements]
        reqs = [c.parse_requirement(s.raw_value) if s is not None else None for s in strings]
        p = c.plan([(r.name, r.spelled, r.extras) if r is not None else None for r in reqs])
        for n in p.notes:
            line = self.get_metadata(PositionProvider, original.elements[n.index]).start.line
            self.findings.append(n.at(self.path, line))
        for index, new in p.replace.items():
            s, r = strings[index], reqs[index]
            assert s is not None and r is not None
            raw = s.raw_value[: r.start] + new + s.raw_value[r.end :]
            elements[index] = elements[index].with_changes(value=s.with_changes(value=s.prefix + s.quote + raw + s.quote))
        elements = _spliced(node, elements, strings, p)
        if isinstance(node, cst.Tuple) and len(elements) == 1 and not isinstance(elements[0].comma, cst.Comma):
            elements[0] = elements[0].with_changes(comma=cst.Comma())  # still a tuple
        return node.with_changes(elements=elements)


def _spliced(node: _Seq, elements: list[cst.BaseElement], strings: list[cst.SimpleString | None],
             p: c.Plan) -> list[cst.BaseElement]:
    """`elements` without the removed ones and with the added requirements: the ports and
    quart-flask-patch after the entry that became Quart, `pytest-asyncio` after `pytest`, each
    quoted like its neighbour. Kept elements keep their commas; an added element, or the old
    last one when something now follows it, takes a separator laid out like the list's; the new
    last element takes the old last one's (a trailing comma stays trailing)."""
    inserts: dict[int, list[str]] = {}
    if p.add_ports_after is not None:
        inserts.setdefault(p.add_ports_after, []).extend(p.add_ports)
    if p.add_after is not None:
        inserts.setdefault(p.add_after, []).append(c.PYTEST_ASYNCIO_REQUIREMENT)
    if not inserts and not p.remove:
        return elements
    separator = _separator(node, elements, len(elements) - 1)
    out: list[tuple[cst.BaseElement, bool]] = []  # (element, keeps its own comma)
    last = len(elements) - 1
    for index, element in enumerate(elements):
        if index not in p.remove:
            out.append((element, index != last))
        for requirement in inserts.get(index, ()):
            s = strings[index]
            assert s is not None
            out.append((cst.Element(cst.SimpleString(s.quote + requirement + s.quote)), False))
    if not out:
        return []
    spliced = [element if keeps else element.with_changes(comma=separator) for element, keeps in out[:-1]]
    return [*spliced, out[-1][0].with_changes(comma=elements[last].comma)]


def rewrite_setup_py(path: str, text: str) -> tuple[str, list[Finding]]:
    try:
        wrapper = MetadataWrapper(cst.parse_module(text))
    except cst.ParserSyntaxError as exc:
        return text, [c.unparsable(path, f"syntax error at line {exc.raw_line}", exc.raw_line)]
    find = _Find()
    wrapper.visit(find)
    find.follow_names(wrapper.module)
    if not find.lists:
        return text, []
    rewrite = _Rewrite(find.lists, path)
    module = wrapper.visit(rewrite)
    return module.code, rewrite.findings
