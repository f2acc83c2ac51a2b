"""Which exception checks with a lambda become `with` blocks (planners/raises_lambda.py), and
which stay QFY101 (a lambda cannot hold `await`)."""

from __future__ import annotations

from tests.helpers import assert_valid_async, migrate_one, output_of

HEAD = '''import unittest
from flask import Flask, request

app = Flask(__name__)


def post(name):
    with app.test_request_context("/", method="POST", json={"name": name}):
        return request.get_json()["name"]


class T(unittest.TestCase):
    def test_it(self):
'''


def _migrate(line: str) -> tuple[str, list[str]]:
    result = migrate_one(HEAD + "        " + line + "\n", "checks.py")
    text = output_of(result)
    assert_valid_async(text)
    return text, [f.code for f in result.findings]


def test_the_whole_call_in_the_lambda_is_awaited_in_a_with_block() -> None:
    text, codes = _migrate('self.assertRaises(KeyError, lambda: post("x"))')
    assert '        with self.assertRaises(KeyError):\n            await post("x")\n' in text
    assert "QFY101" not in codes


def test_a_second_await_inside_the_lambda_leaves_it_reported() -> None:
    text, codes = _migrate('self.assertRaises(KeyError, lambda: post(post("x")))')
    assert 'self.assertRaises(KeyError, lambda: post(post("x")))' in text
    assert "QFY101" in codes


def test_a_check_whose_value_is_kept_is_left_reported() -> None:
    text, codes = _migrate('raised = self.assertRaises(KeyError, lambda: post("x"))')
    assert 'raised = self.assertRaises(KeyError, lambda: post("x"))' in text
    assert "QFY101" in codes


def test_a_lambda_that_is_not_the_whole_call_is_left_reported() -> None:
    text, codes = _migrate('self.assertRaises(KeyError, lambda: post("x") + "!")')
    assert 'lambda: post("x") + "!"' in text
    assert "QFY101" in codes
