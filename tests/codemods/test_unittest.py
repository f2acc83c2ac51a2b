"""`TestCase` with async tests -> `IsolatedAsyncioTestCase`, async `setUp`/`tearDown` ->
`asyncSetUp`/`asyncTearDown` (the `AsyncTestCase` rewrite in codemods/asyncify.py)."""

from __future__ import annotations

from quartify.analysis.planners.unittest_cases import AsyncCleanup, AsyncTestCase, HookCall, RenameHook
from tests.codemods.helpers import at, check_noop, check_transformed, def_at
from tests.helpers import migrate_one, output_of


def test_unittest_testcase_becomes_isolated_asyncio_testcase() -> None:
    src = "import unittest\n\nclass T(unittest.TestCase):\n    async def test_a(self):\n        pass\n"
    expected = src.replace("unittest.TestCase", "unittest.IsolatedAsyncioTestCase")
    check_transformed(src, expected, AsyncTestCase(def_at(src, "T")))


def test_bare_testcase_is_replaced_and_its_import_added() -> None:
    src = "from unittest import TestCase\n\nclass T(TestCase):\n    pass\n"
    expected = "from unittest import IsolatedAsyncioTestCase, TestCase\n\nclass T(IsolatedAsyncioTestCase):\n    pass\n"
    check_transformed(src, expected, AsyncTestCase(def_at(src, "T")))


def test_other_bases_and_keywords_are_kept() -> None:
    src = "class T(Mixin, TestCase, metaclass=M):\n    pass\n"
    expected = "from unittest import IsolatedAsyncioTestCase\n\nclass T(Mixin, IsolatedAsyncioTestCase, metaclass=M):\n    pass\n"
    check_transformed(src, expected, AsyncTestCase(def_at(src, "T")))


def test_class_without_a_testcase_base_is_a_noop() -> None:
    src = "class T(Base):\n    pass\n"
    check_noop(src, AsyncTestCase(def_at(src, "T")))


def test_async_setup_and_teardown_are_renamed() -> None:
    src = (
        "class T(unittest.IsolatedAsyncioTestCase):\n"
        "    async def setUp(self):\n        pass\n\n"
        "    async def tearDown(self):\n        pass\n"
    )
    expected = src.replace("setUp", "asyncSetUp").replace("tearDown", "asyncTearDown")
    check_transformed(src, expected, RenameHook(def_at(src, "setUp"), "asyncSetUp"),
                      RenameHook(def_at(src, "tearDown"), "asyncTearDown"))


def test_class_and_hook_together() -> None:
    src = "import unittest\n\nclass T(unittest.TestCase):\n    async def setUp(self):\n        pass\n"
    expected = "import unittest\n\nclass T(unittest.IsolatedAsyncioTestCase):\n    async def asyncSetUp(self):\n        pass\n"
    check_transformed(src, expected, AsyncTestCase(def_at(src, "T")), RenameHook(def_at(src, "setUp"), "asyncSetUp"))


def test_rename_hook_span_holding_no_def_is_a_noop() -> None:
    src = "class T(TestCase):\n    def setUp(self):\n        pass\n"
    check_noop(src, RenameHook(def_at(src, "T"), "asyncSetUp"))


def test_testcase_edit_on_a_def_is_a_noop() -> None:
    src = "def TestCase():\n    pass\n"
    check_noop(src, AsyncTestCase(def_at(src, "TestCase")))


def test_a_call_to_a_renamed_hook_is_renamed_and_awaited() -> None:
    src = "class T(Base):\n    async def asyncSetUp(self):\n        super().setUp()\n"
    expected = src.replace("super().setUp()", "await super().asyncSetUp()")
    check_transformed(src, expected, HookCall(at(src, "super().setUp()"), "asyncSetUp", await_it=True))


def test_a_hook_call_another_edit_awaits_is_only_renamed() -> None:
    src = "class T(Base):\n    async def asyncSetUp(self):\n        Base.setUp(self)\n"
    expected = src.replace("Base.setUp(self)", "Base.asyncSetUp(self)")
    check_transformed(src, expected, HookCall(at(src, "Base.setUp(self)"), "asyncSetUp", await_it=False))


def test_a_coroutine_cleanup_is_registered_as_async() -> None:
    src = "class T(Base):\n    async def asyncSetUp(self):\n        self.addCleanup(ctx.pop)\n"
    expected = src.replace("addCleanup", "addAsyncCleanup")
    check_transformed(src, expected, AsyncCleanup(at(src, "self.addCleanup(ctx.pop)")))


def test_a_cleanup_in_a_class_that_stays_sync_is_reported() -> None:
    src = (
        "import unittest\nfrom flask import Flask\napp = Flask(__name__)\n\n"
        "class Helper:\n    def register(self, case):\n        ctx = app.app_context()\n"
        "        case.addCleanup(ctx.pop)\n"
    )
    result = migrate_one(src, "helper.py")
    assert "case.addCleanup(ctx.pop)" in output_of(result)
    assert [(f.code, f.line) for f in result.findings] == [("QFY101", 8)]
