"""The blocking-call tables (`rules/blocking/*.toml`): which calls block the event loop, what
replaces them, and which fixes are allowed. Data, loaded and validated once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from quartify.core import bundled
from quartify.rules import memo
from quartify.rules.schema import (
    Document,
    KeyPath,
    TableError,
    array_of,
    boolean,
    one_of,
    strings,
    table,
    text,
)

CATEGORIES = frozenset(
    {"http", "sql", "orm", "cache", "nosql", "search", "cloud", "mail", "queue", "subprocess", "file", "sleep",
     "sync-primitive", "cpu", "net", "input"}
)
SEVERITIES = frozenset({"error", "warning", "info"})
# sleep: await asyncio.sleep (safe); thread: asyncio.to_thread (--blocking thread, the default);
# httpx / aiosqlite: the library swaps of `--unsafe-fixes` (planners/unsafe_http.py, unsafe_sqlite.py).
FIXES = frozenset({"sleep", "thread", "httpx", "aiosqlite"})
_RULE_KEYS = frozenset(
    {"code", "category", "calls", "receiver_types", "methods", "severity", "summary", "replacement",
     "thread_affinity", "fixes", "equivalent", "note"}
)


@dataclass(frozen=True)
class Replacement:
    package: str
    call: str
    min_version: str = ""


@dataclass(frozen=True)
class BlockingRule:
    code: str
    category: str
    severity: str
    summary: str
    replacement: Replacement
    calls: tuple[str, ...] = ()
    receiver_types: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    thread_affinity: bool = False
    fixes: tuple[str, ...] = ()
    equivalent: tuple[str, ...] = ()
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class BlockingTables:
    rules: tuple[BlockingRule, ...]
    by_call: dict[str, BlockingRule] = field(default_factory=dict)
    by_method: dict[tuple[str, str], BlockingRule] = field(default_factory=dict)
    constructors: dict[str, str] = field(default_factory=dict)  # call ref -> instance ref

    def match(self, resolved: str) -> BlockingRule | None:
        """The rule for a resolved callee (`time.sleep`, `requests.Session().get`)."""
        rule = self.by_call.get(resolved)
        if rule is not None:
            return rule
        receiver, _, method = resolved.rpartition(".")
        return self.by_method.get((receiver, method)) or self.by_method.get((receiver, "*"))


class RuleError(TableError):
    pass


# One `[[rule]]`, in a bundled table or in a project's `[[tool.quartify.rules]]`.
_REPLACEMENT = table({"package": text, "call": text, "min_version": text}, optional={"min_version"})
RULE = table(
    {"code": text, "category": one_of(CATEGORIES), "calls": strings, "receiver_types": strings, "methods": strings,
     "severity": one_of(SEVERITIES), "summary": text, "replacement": _REPLACEMENT, "thread_affinity": boolean,
     "fixes": array_of(one_of(FIXES)), "equivalent": strings, "note": text},
    optional=_RULE_KEYS - {"code", "category", "severity", "summary", "replacement"},
)


def parse_rule(doc: Document, path: KeyPath, value: object) -> BlockingRule:
    """A checked rule: its keys and vocabularies, then the rules that tie its fields together."""
    entry = RULE(doc, path, value)
    rule = BlockingRule(
        **{**entry, "replacement": Replacement(**entry["replacement"])},
        source=doc.source,
    )
    if not rule.code.startswith("QFY2") and not rule.code.startswith("QFY3"):
        raise doc.error((*path, "code"), f"blocking codes are QFY2xx/QFY3xx, not {rule.code}")
    if bool(rule.receiver_types) != bool(rule.methods):
        raise doc.error(path, f"{rule.code} needs both receiver_types and methods, or neither")
    if rule.thread_affinity and "thread" in rule.fixes:
        raise doc.error((*path, "fixes"), f"{rule.code} is thread-affine and cannot offer the thread fix")
    return rule


_TABLE = table(
    {"rule": array_of(parse_rule), "constructor": array_of(table({"call": text, "returns": text}))},
    optional={"rule", "constructor"},
)


def build_tables(documents: list[tuple[str, dict[str, Any]]]) -> BlockingTables:
    """Tables from parsed documents, (source, data); errors name the source and key, not the line."""
    return _build([Document(source, data, error_type=RuleError) for source, data in documents])


def _build(documents: list[Document]) -> BlockingTables:
    rules: list[BlockingRule] = []
    constructors: dict[str, str] = {}
    for doc in documents:
        data = _TABLE(doc, (), doc.data)
        rules.extend(data.get("rule", ()))
        for entry in data.get("constructor", ()):
            constructors[entry["call"] + "()"] = entry["returns"]
    by_call: dict[str, BlockingRule] = {}
    by_method: dict[tuple[str, str], BlockingRule] = {}
    for rule in rules:
        for call in rule.calls:
            by_call[call] = rule
        for receiver in rule.receiver_types:
            for method in rule.methods:
                by_method[(receiver, method)] = rule
    codes = [r.code for r in rules]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise RuleError(f"duplicate rule codes: {sorted(duplicates)}")
    return BlockingTables(tuple(sorted(rules, key=lambda r: r.code)), by_call, by_method, constructors)


def tables(extra: tuple[tuple[str, str], ...] = ()) -> BlockingTables:
    """Every bundled table, plus `extra` (source, TOML text) from the project's configuration."""
    return _tables(extra)  # one cache entry for `tables()` and `tables(())`: each was a full parse


@cache
def _tables(extra: tuple[tuple[str, str], ...]) -> BlockingTables:
    if not extra:  # the bundled tables alone: the result is kept beside the bytecode (rules/memo.py)
        return memo.built("blocking", BlockingTables, lambda: _parsed(()))
    return _parsed(extra)


def _parsed(extra: tuple[tuple[str, str], ...]) -> BlockingTables:
    documents = [
        Document.parse(f"rules/blocking/{name}", bundled.read_text("quartify.rules", "blocking", name), RuleError,
                       bundled=True)
        for name in bundled.file_names("quartify.rules", "blocking")
        if name.endswith(".toml")
    ]
    documents.extend(Document.parse(source, toml, RuleError) for source, toml in extra)
    return _build(documents)
