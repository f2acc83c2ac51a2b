"""Imports a rewrite needs are added from the module's head alone, exactly as LibCST's
`AddImportsVisitor` adds them when it walks the whole module."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod.visitors import AddImportsVisitor

from quartify.codemods.add_imports import add_imports
from quartify.codemods.apply import _add_imports, imports_context

HEADS = {
    "docstring then imports": '"""Views."""\nimport os\nfrom quart import request\n\n\ndef view():\n    return 1\n',
    "no docstring": "import os\nx = 1\n",
    "imports only": "import os\nfrom quart import g\n",
    "empty": "",
    "docstring only": '"""Only a docstring."""\n',
    "strict flag": "__strict__ = True\nimport os\ny = 2\n",
    "comment above first statement": "import os\n# a comment\nx = 1\n",
    "merge into an existing from-import": "from quart import g\n\n\ndef f():\n    return g\n",
    "code before any import": "x = 1\nimport os\n",
    "two statements on the import line": "import os; import re\nx = 1\n",
    "string that is not first": "import os\n'not a docstring'\nz = 3\n",
    "future import": "from __future__ import annotations\n\nimport os\n\nclass A:\n    pass\n",
    "merge into a parenthesized from-import": "from quart import (\n    g,  # the globals\n    request,\n)\nx = 1\n",
    "the first of two from-imports of a module takes the names": "from quart import g\nfrom quart import request\n",
    "star import covers the names": "from quart import *\nx = 1\n",
    "star import after names": "from quart import g\nfrom quart import *\n",
    "aliased names do not count": "from quart import current_app as app\nimport asyncio as aio\nx = 1\n",
    "already imported": "import asyncio\nimport re\nfrom quart import current_app\nfrom quart.cli import pass_script_info\n",
    "dotted module import": "import quart.cli\nimport concurrent.futures\nx = 1\n",
    "relative from-import": "from . import quart\nfrom .quart import current_app\nx = 1\n",
    "blank line then comment": "import os\n\n# a comment\nx = 1\n",
    "docstring sharing its line": '"""Doc."""; import os\nimport re\nx = 1\n',
    "concatenated docstring": '"a" "b"\nimport os\nx = 1\n',
    "byte docstring": 'b"bytes"\nimport os\nx = 1\n',
    "crlf newlines": "import os\r\nfrom quart import g\r\nx = 1\r\n",
    "tab indented": "import os\nif x:\n\tpass\n",
    "import inside a block is not leading": "import os\nif True:\n    import asyncio\n",
}

NEEDED = [
    {("asyncio", None)},
    {("quart", "current_app")},
    {("asyncio", None), ("quart", "current_app"), ("re", None), ("quart.cli", "pass_script_info")},
    {("concurrent.futures", "ThreadPoolExecutor"), ("quart.cli", None), ("quart", "g"), ("quart", "abort")},
]


def _whole_module(module: cst.Module, needed: set[tuple[str, str | None]]) -> str:
    return AddImportsVisitor(imports_context(needed)).transform_module(module).code


@pytest.mark.parametrize("needed", NEEDED, ids=["module", "name", "several", "merged and dotted"])
@pytest.mark.parametrize("source", HEADS.values(), ids=HEADS.keys())
def test_head_only_matches_the_whole_module_visitor(source: str, needed: set[tuple[str, str | None]]) -> None:
    module = cst.parse_module(source)
    assert _add_imports(module, needed)[0].code == _whole_module(module, needed)


def test_statements_after_the_head_are_kept_as_they_were() -> None:
    module = cst.parse_module("import os\n\n\ndef a():\n    pass\n\n\ndef b():\n    pass\n")
    out, _enough = _add_imports(module, {("asyncio", None)})
    assert out.code.startswith("import os\nimport asyncio\n")
    assert out.body[-1] is module.body[-1]


def test_a_head_of_imports_only_says_it_may_not_be_enough() -> None:
    assert _add_imports(cst.parse_module("import os\n"), {("re", None)})[1] is False
    assert _add_imports(cst.parse_module("import os\nx = 1\n"), {("re", None)})[1] is True


def test_future_imports_are_refused() -> None:
    with pytest.raises(ValueError):
        add_imports(cst.parse_module("x = 1\n"), {("__future__", "annotations")})
