"""The blocking-call tables (`rules/blocking/*.toml`): which calls block the event loop, what
replaces them, and which fixes are allowed. Data, loaded and validated once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

CATEGORIES = frozenset(
    {"http", "sql", "orm", "cache", "nosql", "search", "cloud", "mail", "queue", "subprocess", "file", "sleep",
     "sync-primitive", "cpu", "net", "input"}
)
SEVERITIES = frozenset({"error", "warning", "info"})
FIXES = frozenset({"sleep", "thread"})  # sleep: await asyncio.sleep (safe); thread: asyncio.to_thread (opt-in)
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


class RuleError(ValueError):
    pass


def _rule(entry: dict[str, Any], source: str) -> BlockingRule:
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{source}: unknown keys {sorted(unknown)} in {entry.get('code')}")
    rule = BlockingRule(
        code=entry["code"],
        category=entry["category"],
        severity=entry["severity"],
        summary=entry["summary"],
        replacement=Replacement(**entry["replacement"]),
        calls=tuple(entry.get("calls", ())),
        receiver_types=tuple(entry.get("receiver_types", ())),
        methods=tuple(entry.get("methods", ())),
        thread_affinity=bool(entry.get("thread_affinity", False)),
        fixes=tuple(entry.get("fixes", ())),
        equivalent=tuple(entry.get("equivalent", ())),
        note=entry.get("note", ""),
        source=source,
    )
    if rule.category not in CATEGORIES or rule.severity not in SEVERITIES or not set(rule.fixes) <= FIXES:
        raise RuleError(f"{source}: bad category, severity or fix in {rule.code}")
    if not rule.code.startswith("QFY2") and not rule.code.startswith("QFY3"):
        raise RuleError(f"{source}: blocking codes are QFY2xx/QFY3xx, not {rule.code}")
    if bool(rule.receiver_types) != bool(rule.methods):
        raise RuleError(f"{source}: {rule.code} needs both receiver_types and methods, or neither")
    if rule.thread_affinity and "thread" in rule.fixes:
        raise RuleError(f"{source}: {rule.code} is thread-affine and cannot offer the thread fix")
    return rule


def build_tables(documents: list[tuple[str, dict[str, Any]]]) -> BlockingTables:
    rules: list[BlockingRule] = []
    constructors: dict[str, str] = {}
    for source, data in documents:
        rules.extend(_rule(entry, source) for entry in data.get("rule", ()))
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


@cache
def tables(extra: tuple[tuple[str, str], ...] = ()) -> BlockingTables:
    """Every bundled table, plus `extra` (source, TOML text) from the project's configuration."""
    folder = resources.files("quartify.rules").joinpath("blocking")
    documents = [
        (f"rules/blocking/{item.name}", tomllib.loads(item.read_text(encoding="utf-8")))
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.name.endswith(".toml")
    ]
    documents.extend((source, tomllib.loads(text)) for source, text in extra)
    return build_tables(documents)
