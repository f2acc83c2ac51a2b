"""Flask extensions with near drop-in Quart ports (codemods/extensions.py): the import moves,
`CORS(app)` -> `app = cors(app)`, `MyForm()` -> `await MyForm.create_form()`."""

from __future__ import annotations

from quartify.analysis.planners.extensions import CorsCall, FormCreate, MoveExtension
from quartify.core.types import Span
from tests.codemods.helpers import at, check_noop, check_transformed


def move(line: int, module: str, target: str) -> MoveExtension:
    return MoveExtension(Span(line, 0, line, 0), module, target)


def test_extension_import_moves_to_its_port() -> None:
    src = "from flask_bcrypt import Bcrypt\nfrom flask_login import current_user\n"
    expected = "from quart_bcrypt import Bcrypt\nfrom flask_login import current_user\n"
    check_transformed(src, expected, move(1, "flask_bcrypt", "quart_bcrypt"))


def test_renamed_extension_names_follow_and_aliases_stay() -> None:
    src = "from flask_wtf import FlaskForm, CSRFProtect as Csrf\n"
    check_transformed(src, "from quart_wtf import QuartForm, CSRFProtect as Csrf\n", move(1, "flask_wtf", "quart_wtf"))


def test_cors_import_becomes_the_cors_function() -> None:
    check_transformed("from flask_cors import CORS\n", "from quart_cors import cors\n", move(1, "flask_cors", "quart_cors"))


def test_move_on_a_line_holding_another_module_or_a_plain_import_is_a_noop() -> None:
    src = "from flask_wtf.file import FileField\nimport flask_bcrypt\n"
    check_noop(src, move(1, "flask_wtf", "quart_wtf"), move(2, "flask_bcrypt", "quart_bcrypt"))


def test_cors_call_assigns_the_returned_app() -> None:
    src = "from quart_cors import cors\n\nCORS(app)\n"
    check_transformed(src, "from quart_cors import cors\n\napp = cors(app)\n", CorsCall(at(src, "CORS(app)")))


def test_cors_call_on_an_attribute() -> None:
    src = "CORS(self.app)\n"
    check_transformed(src, "self.app = cors(self.app)\n", CorsCall(at(src, "CORS(self.app)")))


def test_cors_call_that_is_not_a_bare_one_argument_statement_is_a_noop() -> None:
    src = "CORS(app, origins='*')\nc = CORS(app)\nCORS(make())\n"
    check_noop(src, CorsCall(at(src, "CORS(app, origins='*')")), CorsCall(at(src, "CORS(app)")),
               CorsCall(at(src, "CORS(make())")))


def test_form_construction_is_awaited_through_create_form() -> None:
    src = "async def view():\n    form = LoginForm(obj=user)\n"
    expected = "async def view():\n    form = await LoginForm.create_form(obj=user)\n"
    check_transformed(src, expected, FormCreate(at(src, "LoginForm(obj=user)")))


def test_form_span_holding_no_call_is_a_noop() -> None:
    src = "async def view():\n    form_class = LoginForm\n"
    check_noop(src, FormCreate(at(src, "LoginForm")))


def test_form_used_in_the_same_expression_is_parenthesised_then_awaited_again() -> None:
    from quartify.analysis.planners.asyncify import Await

    src = "async def view():\n    if NameForm().validate_on_submit():\n        pass\n"
    expected = "async def view():\n    if await (await NameForm.create_form()).validate_on_submit():\n        pass\n"
    check_transformed(src, expected, FormCreate(at(src, "NameForm()"), parens=True),
                      Await(at(src, "NameForm().validate_on_submit()"), parens=False))


def test_cors_inside_a_function_is_called_without_rebinding_app() -> None:
    src = "def setup():\n    CORS(app)\n"
    check_transformed(src, "def setup():\n    cors(app)\n", CorsCall(at(src, "CORS(app)"), rebind=False))
