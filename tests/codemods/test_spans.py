"""`Spans` gives exactly LibCST's `PositionProvider` ranges, generating only statements near edits."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from quartify.codemods.spans import Spans

SHAPES = {
    "plain": "import os\n\n\ndef f(x):\n    return os.path.join(x, 'a')\n\n\nclass C:\n    y = f(1)\n",
    "no final newline": "x = 1\ny = g(x)",
    "crlf": "# head\r\nx = 1\r\n\r\ndef f():\r\n    return x\r\n",
    "semicolons": "a = 1; b = g(a); c = 3\nprint(a)\n",
    "decorators over lines": "@route(\n    '/a',\n    methods=['GET'],\n)\n# between\n@login\n\ndef view():\n    return h()\n",
    "parenthesized decorator": "@(\n    wrap\n)\ndef v():\n    pass\n",
    "comments and blank lines": "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n\n'''doc'''\n\n# lead\nx = f(\n    1,\n)  # tail\n# foot\n",
    "non ascii": "s = 'héllo'; t = f(s)  # ünïcode\n\nasync def g():\n    await h('ü')\n",
    "blocks with footers": "if a:\n    b()\n    # inner foot\n# outer\nelse:\n    c()\nfor i in x:\n    pass\nwhile y:\n    break\nwith o as p:\n    q()\ntry:\n    r()\nexcept E:\n    pass\nfinally:\n    s()\nmatch m:\n    case 1:\n        t()\n",
    "only comments": "# nothing here\n",
    "empty": "",
    "lone blank lines": "\n\n\nx = 1\n",
}


@pytest.mark.parametrize("source", SHAPES.values(), ids=SHAPES.keys())
def test_ranges_match_position_provider_for_every_edit_line_choice(source: str) -> None:
    module = cst.parse_module(source)
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    last = source.count("\n") + 2
    for edit_lines in ([], list(range(1, last)), *([n] for n in range(1, last))):
        spans = Spans(module, source, edit_lines)
        assert spans.get(module) == full[module]
        for node in spans.ranges:
            assert spans.get(node) == full[node], (type(node).__name__, edit_lines)


def test_only_the_statements_around_an_edit_line_are_generated() -> None:
    source = "a = 1\n\n\ndef f():\n    return g()\n\n\nb = 2\n"
    module = cst.parse_module(source)
    spans = Spans(module, source, [5])
    first, func, last = module.body
    assert spans.get(func) is not None
    assert spans.get(first) is None and spans.get(last) is None
    assert not spans.full
