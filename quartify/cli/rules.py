"""`quartify rules`: every blocking-call rule, straight from the data tables."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from quartify.rules.blocking import BlockingRule, tables

FIX_SAFETY = {
    "sleep": "safe (applied)",
    "thread": "applied by default (--blocking thread; --blocking todo leaves a TODO instead)",
    "httpx": "unsafe (--unsafe-fixes): requests -> httpx.AsyncClient",
    "aiosqlite": "unsafe (--unsafe-fixes): sqlite3 -> aiosqlite",
}


def rule_record(rule: BlockingRule) -> dict[str, object]:
    return {
        "code": rule.code,
        "category": rule.category,
        "severity": rule.severity,
        "summary": rule.summary,
        "matches": [*rule.calls, *(f"{t}.{m}" for t in rule.receiver_types for m in rule.methods)],
        "replacement": {
            "package": rule.replacement.package,
            "call": rule.replacement.call,
            "min_version": rule.replacement.min_version,
        },
        "fixes": {fix: FIX_SAFETY[fix] for fix in rule.fixes},
        "thread_affinity": rule.thread_affinity,
        "equivalent": list(rule.equivalent),
        "source": rule.source,
    }


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def rules(fmt: str) -> None:
    """List every blocking-call rule: code, category, replacement and fix safety."""
    records = [rule_record(rule) for rule in tables().rules]
    if fmt == "json":
        click.echo(json.dumps(records, indent=2))
        return
    table = Table(title="quartify blocking-call rules")
    for column in ("code", "category", "severity", "replacement", "fixes", "ASYNC"):
        table.add_column(column)
    for record in records:
        replacement = record["replacement"]
        assert isinstance(replacement, dict)
        fixes = record["fixes"]
        assert isinstance(fixes, dict)
        equivalent = record["equivalent"]
        assert isinstance(equivalent, list)
        version = f" >= {replacement['min_version']}" if replacement["min_version"] else ""
        table.add_row(
            str(record["code"]), str(record["category"]), str(record["severity"]),
            f"{replacement['package']}{version}", ", ".join(f"{k}: {v}" for k, v in fixes.items()) or "none",
            ", ".join(equivalent),
        )
    Console().print(table)
