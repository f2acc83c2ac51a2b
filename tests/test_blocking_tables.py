"""The blocking-call tables (`quartify/rules/blocking/*.toml`): each loads, codes are unique and in
their documented decade, every rule is complete, the loader refuses malformed entries, every rule has
a hit fixture, and docs/rules.md matches the tables."""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from quartify.rules import blocking

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "blocking"

# blocking-libs.md §5.6: the decade of a code says which categories it may hold.
DECADES: dict[int, frozenset[str]] = {
    21: frozenset({"http"}),
    22: frozenset({"subprocess"}),
    23: frozenset({"file"}),
    24: frozenset({"file"}),
    25: frozenset({"input", "sleep"}),
    26: frozenset({"sql"}),
    27: frozenset({"orm"}),
    28: frozenset({"cache", "nosql", "search"}),
    29: frozenset({"cloud", "mail", "net", "queue"}),
    30: frozenset({"sync-primitive"}),
    31: frozenset({"cpu"}),
}
RESERVED = {"QFY200", "QFY201", "QFY211", "QFY273"}  # config, transitive, heuristic, pattern: not table rules
# Rules whose flake8-async/ruff counterpart has the same number (QFY251 ~ ASYNC251).
SAME_NUMBER = ("QFY210", "QFY220", "QFY221", "QFY222", "QFY230", "QFY231", "QFY232", "QFY240", "QFY250", "QFY251")


def _documents() -> list[tuple[str, dict[str, Any]]]:
    folder = resources.files("quartify.rules").joinpath("blocking")
    return [
        (item.name, tomllib.loads(item.read_text(encoding="utf-8")))
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.name.endswith(".toml")
    ]


TABLES = blocking.tables()
RULES = TABLES.rules


def _good_rule(**changes: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "code": "QFY251",
        "category": "sleep",
        "calls": ["time.sleep"],
        "severity": "error",
        "summary": "time.sleep blocks the event loop",
        "replacement": {"package": "asyncio (stdlib)", "call": "await asyncio.sleep(seconds)"},
        "fixes": ["sleep"],
    }
    rule.update(changes)
    return rule


def _gen_rules_doc() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rules_doc", ROOT / "scripts" / "gen_rules_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- loading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name, _ in _documents()])
def test_each_table_loads_on_its_own(name: str) -> None:
    document = dict(_documents())[name]
    tables = blocking.build_tables([(name, document)])
    assert tables.rules or tables.constructors, f"{name} is empty"


def test_all_tables_load_together() -> None:
    assert len(RULES) == sum(len(doc.get("rule", ())) for _, doc in _documents())
    assert {r.source.rsplit("/", 1)[-1] for r in RULES} == {name for name, doc in _documents() if doc.get("rule")}


# -- codes ---------------------------------------------------------------------------------------


def test_codes_are_unique_across_files() -> None:
    codes = [entry["code"] for _, doc in _documents() for entry in doc.get("rule", ())]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_code_is_in_its_documented_range(rule: blocking.BlockingRule) -> None:
    assert re.fullmatch(r"QFY\d{3}", rule.code)
    assert rule.code not in RESERVED
    decade = int(rule.code[3:]) // 10
    assert decade in DECADES, f"{rule.code} is outside QFY210-QFY319"
    assert rule.category in DECADES[decade], f"{rule.code} ({rule.category}) is in the wrong decade"


def test_flake8_async_overlap_keeps_the_same_number() -> None:
    by_code = {rule.code: rule for rule in RULES}
    for rule in RULES:
        assert all(re.fullmatch(r"ASYNC\d{3}", eq) for eq in rule.equivalent), rule.code
    for code in SAME_NUMBER:
        assert f"ASYNC{code[3:]}" in by_code[code].equivalent, code


# -- completeness --------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_complete(rule: blocking.BlockingRule) -> None:
    assert rule.summary.strip()
    assert rule.replacement.package.strip() and rule.replacement.call.strip()
    assert rule.note.strip(), f"{rule.code} has no note"
    assert rule.calls or rule.receiver_types, f"{rule.code} matches nothing"
    assert all("()" in t for t in rule.receiver_types), "receiver types are instance refs: `requests.Session()`"
    assert all("()" not in c and "*" not in c for c in rule.calls), "calls are plain dotted names"
    assert "*" not in rule.methods or rule.methods == ("*",), "`*` stands alone"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_fix_policy(rule: blocking.BlockingRule) -> None:
    if rule.thread_affinity:
        assert "thread" not in rule.fixes
    if "sleep" in rule.fixes:
        assert rule.calls == ("time.sleep",)


def test_every_call_and_method_belongs_to_one_rule() -> None:
    """`build_tables` keys calls and (receiver, method) pairs in dicts: a second claim would silently win."""
    seen: dict[str, str] = {}
    for rule in RULES:
        keys = [*rule.calls, *(f"{t}.{m}" for t in rule.receiver_types for m in rule.methods)]
        for key in keys:
            assert key not in seen, f"{key} is in {seen.get(key)} and {rule.code}"
            seen[key] = rule.code


def test_constructors_return_instance_refs() -> None:
    for call, returns in TABLES.constructors.items():
        assert call.endswith("()") and returns.endswith("()"), (call, returns)
    seen: set[str] = set()
    for _, doc in _documents():
        for entry in doc.get("constructor", ()):
            assert set(entry) == {"call", "returns"}, entry
            assert entry["call"] not in seen, f"constructor {entry['call']} defined twice"
            seen.add(entry["call"])


def test_match_uses_calls_then_receiver_methods() -> None:
    assert (rule := TABLES.match("time.sleep")) is not None and rule.code == "QFY251"
    assert (rule := TABLES.match("requests.Session().get")) is not None and rule.code == "QFY212"
    assert (rule := TABLES.match("redis.Redis().anything")) is not None and rule.code == "QFY280"
    assert (rule := TABLES.match("flask_sqlalchemy.SQLAlchemy().session.commit")) is not None
    assert rule.code == "QFY272"
    assert TABLES.match("requests.Session().mount") is None
    assert TABLES.match("builtins.list().pop") is None
    assert TABLES.constructors["sqlalchemy.create_engine()"] == "sqlalchemy.engine.Engine()"
    assert TABLES.constructors["concurrent.futures.ThreadPoolExecutor().submit()"] == "concurrent.futures.Future()"


# -- the loader refuses bad documents ------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        _good_rule(pattern="time.*"),  # unknown key
        _good_rule(category="sleeping"),
        _good_rule(severity="fatal"),
        _good_rule(fixes=["rewrite"]),
        _good_rule(code="QFY101"),
        _good_rule(receiver_types=["time.Clock()"]),  # receiver types without methods
        _good_rule(methods=["sleep"]),  # methods without receiver types
        _good_rule(fixes=["thread"], thread_affinity=True),
    ],
    ids="unknown-key bad-category bad-severity bad-fix bad-code types-only methods-only affine-thread-fix".split(),
)
def test_build_tables_rejects_bad_rule(rule: dict[str, Any]) -> None:
    with pytest.raises(blocking.RuleError):
        blocking.build_tables([("bad.toml", {"rule": [rule]})])


def test_build_tables_rejects_duplicate_codes_across_documents() -> None:
    with pytest.raises(blocking.RuleError, match="duplicate"):
        blocking.build_tables([("a.toml", {"rule": [_good_rule()]}), ("b.toml", {"rule": [_good_rule()]})])


def test_build_tables_accepts_a_good_rule() -> None:
    tables = blocking.build_tables([("good.toml", {"rule": [_good_rule()]})])
    assert [r.code for r in tables.rules] == ["QFY251"]


# -- fixtures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_a_hit_fixture(rule: blocking.BlockingRule) -> None:
    path = FIXTURES / "hits" / f"{rule.code}.py"
    assert path.is_file(), f"add {path.relative_to(ROOT)}"
    source = path.read_text(encoding="utf-8")
    ast.parse(source)
    expected = re.findall(r"# expect: (QFY\d{3})", source)
    assert expected == [rule.code]
    assert "app = Flask(__name__)" in source and "@app.route(" in source


def test_hit_fixtures_have_rules() -> None:
    codes = {rule.code for rule in RULES}
    assert {p.stem for p in (FIXTURES / "hits").glob("*.py")} <= codes


def test_not_flagged_fixtures_parse_and_expect_nothing() -> None:
    paths = sorted((FIXTURES / "not_flagged").glob("*.py"))
    assert len(paths) >= 7
    for path in paths:
        source = path.read_text(encoding="utf-8")
        ast.parse(source)
        assert "# expect:" not in source, path.name


# -- docs ----------------------------------------------------------------------------------------


def test_rules_doc_is_up_to_date() -> None:
    gen = _gen_rules_doc()
    assert gen.check(), "docs/rules.md is out of date: run `python scripts/gen_rules_doc.py`"


def test_rules_doc_lists_every_code() -> None:
    text = _gen_rules_doc().render()
    for rule in RULES:
        assert f"**{rule.code}**" in text
