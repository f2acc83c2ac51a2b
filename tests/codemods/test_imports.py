"""`flask` imports -> `quart` imports, and references to renamed names (codemods/imports.py,
codemods/renames.py)."""

from __future__ import annotations

from quartify.analysis.edits import FilePlan
from quartify.analysis.planners.imports import FlaskImport, RenameReference
from quartify.codemods.apply import apply_plan
from quartify.core.types import Span
from tests.codemods.helpers import at, check_noop, check_transformed


def line(n: int) -> FlaskImport:
    """The planner marks import lines, not expressions: `FlaskImport(Span(line, 0, line, 0))`."""
    return FlaskImport(Span(n, 0, n, 0))


def attr_name(source: str, dotted: str) -> Span:
    """The span of the last name of `dotted` (`Flask` in `flask.Flask`), as the index records it."""
    whole = at(source, dotted)
    return Span(whole.end_line, whole.end_col - len(dotted.rsplit(".", 1)[-1]), whole.end_line, whole.end_col)


def findings(source: str, *edits: FlaskImport) -> list[tuple[str, int, str]]:
    applied = apply_plan(source, FilePlan.build("module.py", edits, ()))
    return [(f.code, f.line, f.message) for f in applied.findings]


def test_from_flask_becomes_from_quart_with_renamed_names() -> None:
    check_transformed("from flask import Flask, request\n", "from quart import Quart, request\n", line(1))


def test_aliases_are_kept() -> None:
    check_transformed(
        "from flask import Flask as F, request as req\n", "from quart import Quart as F, request as req\n", line(1)
    )


def test_import_flask_and_submodules() -> None:
    src = "import flask\nimport flask.views, os\n"
    check_transformed(src, "import quart\nimport quart.views, os\n", line(1), line(2))


def test_name_quart_lacks_is_split_off_with_a_finding() -> None:
    src = "from flask.testing import FlaskClient, EnvironBuilder\n"
    expected = "from quart.testing import QuartClient\nfrom flask.testing import EnvironBuilder\n"
    check_transformed(src, expected, line(1))
    message = (
        "`flask.testing.EnvironBuilder`: Quart has no EnvironBuilder; build requests with the "
        "test client's keyword arguments; the import stays on Flask"
    )
    assert findings(src, line(1)) == [("QFY110", 1, message)]


def test_import_of_only_missing_names_stays_on_flask() -> None:
    src = "from flask.testing import EnvironBuilder\n"
    check_noop(src, line(1))
    assert [code for code, _, _ in findings(src, line(1))] == ["QFY110"]


def test_flask_module_without_counterpart_stays_with_a_finding() -> None:
    src = "from flask.debughelpers import attach_enctype_error_multidict\n"
    check_noop(src, line(1))
    assert findings(src, line(1)) == [
        ("QFY110", 1, "`flask.debughelpers` has no Quart counterpart; the import stays on Flask"),
    ]


def test_star_import_moves_with_a_finding() -> None:
    src = "from flask import *\n"
    check_transformed(src, "from quart import *\n", line(1))
    assert [code for code, _, _ in findings(src, line(1))] == ["QFY110"]


def test_relative_and_non_flask_imports_are_left_alone() -> None:
    src = "from . import flask\nfrom os import path\nimport flasky\n"
    check_noop(src, line(1), line(2), line(3))
    assert findings(src, line(1), line(2), line(3)) == []


def test_import_edit_on_a_line_without_an_import_is_a_noop() -> None:
    check_noop("flask = 1\n", line(1))


def test_rename_reference_renames_the_name() -> None:
    src = "app = Flask(__name__)\n"
    check_transformed(src, "app = Quart(__name__)\n", RenameReference(at(src, "Flask"), "Quart"))


def test_rename_reference_on_a_dotted_name() -> None:
    src = "app = flask.Flask(__name__)\n"
    edits = (RenameReference(at(src, "flask"), "quart"), RenameReference(attr_name(src, "flask.Flask"), "Quart"))
    check_transformed(src, "app = quart.Quart(__name__)\n", *edits)


def test_renamed_chain_through_a_lazy_submodule_imports_it() -> None:
    src = "import quart\n\nclass V(flask.views.MethodView):\n    pass\n"
    expected = "import quart\nimport quart.views\n\nclass V(quart.views.MethodView):\n    pass\n"
    check_transformed(src, expected, RenameReference(at(src, "flask"), "quart"))


def test_rename_reference_on_a_span_holding_no_name_is_a_noop() -> None:
    src = "app = Flask(__name__)\n"
    check_noop(src, RenameReference(at(src, "Flask(__name__)"), "Quart"))


def test_finding_names_the_plan_path_and_the_import_line() -> None:
    src = "import os\nfrom flask.testing import EnvironBuilder\n"
    applied = apply_plan(src, FilePlan.build("pkg/tests.py", (line(2),), ()))
    assert [(f.path, f.line, f.col) for f in applied.findings] == [("pkg/tests.py", 2, 0)]
