"""`--report json:PATH`: the run as JSON, documented by docs/report-schema.json.

The schema is versioned by the top-level `version` (an integer, bumped on any incompatible
change; version 2 added `groups`, the findings under their root causes, and each finding's
`group`, the id of its group). Lines are 1-based and columns 1-based here (unlike `Finding.col`), as editors show them.
"""

from __future__ import annotations

import json
from typing import Any

from quartify.core.types import ChainStep, Finding
from quartify.report.groups import FindingGroup
from quartify.report.model import ReportData

SCHEMA_VERSION = 2  # 2: `groups`, and each finding's `group`


def _chain(steps: tuple[ChainStep, ...]) -> list[dict[str, Any]]:
    return [{"path": s.path, "line": s.line, "what": s.what} for s in steps]


def _finding(f: Finding, group: str | None) -> dict[str, Any]:
    return {
        "group": group,
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "location": {"path": f.path, "line": f.line, "column": f.col + 1},
        "chain": _chain(f.chain),
        "fix": f.fix,
        "safety": f.safety.value,
    }


def _group(g: FindingGroup, index: dict[Finding, int]) -> dict[str, Any]:
    return {
        "id": g.id,
        "code": g.code,
        "cause": g.cause,
        "severity": g.severity.value,
        "title": g.title,
        "decision": g.decision,
        "fixes": list(g.fixes),
        "functions": list(g.functions),
        "files": list(g.files),
        "sites": [index[f] for f in g.sites],
    }


def to_dict(data: ReportData) -> dict[str, Any]:
    s = data.summary()
    index = {f: i for i, f in enumerate(data.findings)}
    typecheck: dict[str, Any] | None = None
    if data.typecheck is not None:
        typecheck = {
            "baseline_count": data.typecheck.baseline_count,
            "after_count": data.typecheck.after_count,
            "seconds": data.typecheck.seconds,
            "notes": list(data.typecheck.notes),
            "new_errors": [
                {
                    "path": e.path,
                    "line": e.line,
                    "column": e.col + 1,
                    "code": e.code,
                    "message": e.message,
                    "category": e.category,
                    "hint": e.hint,
                }
                for e in data.typecheck.new_errors
            ],
        }
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "quartify", "version": data.tool_version},
        "dry_run": data.dry_run,
        "summary": {
            "files_scanned": s.files_scanned,
            "files_excluded": s.files_excluded,
            "files_changed": s.files_changed,
            "files_failed": s.files_failed,
            "files_unchanged": s.files_unchanged,
            "functions_made_async": s.functions_made_async,
            "awaits_added": s.awaits_added,
            "lines_added": s.lines_added,
            "lines_removed": s.lines_removed,
            "findings": {
                "total": s.findings,
                "error": s.errors,
                "warning": s.warnings,
                "info": s.infos,
                "by_code": dict(s.by_code),
            },
        },
        "files": [
            {
                "path": f.path,
                "status": f.status.value,
                "encoding": f.encoding,
                "functions_made_async": f.functions_made_async,
                "awaits_added": f.awaits_added,
                "lines_added": f.lines_added,
                "lines_removed": f.lines_removed,
                "findings": len(f.findings),
            }
            for f in data.files
        ],
        "findings": [_finding(f, (g.id if (g := data.group_of(f)) else None)) for f in data.findings],
        "groups": [_group(g, index) for g in data.groups],
        "async_functions": [
            {"path": c.path, "line": c.line, "qualname": c.qualname, "chain": _chain(c.chain)}
            for c in data.async_chains
        ],
        "typecheck": typecheck,
        "timings": dict(data.timings),
    }


def render(data: ReportData) -> str:
    return json.dumps(to_dict(data), indent=2, ensure_ascii=False) + "\n"
