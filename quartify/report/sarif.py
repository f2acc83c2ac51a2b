"""`--report sarif:PATH`: SARIF 2.1.0, for GitHub code scanning and IDE SARIF viewers.

One run; one rule (reportingDescriptor) per code that occurs, with its description and default
level; one result per finding. A finding's reason chain appears twice, as SARIF suggests:
as `relatedLocations` (each hop, with what happens there) and as a `codeFlows` thread flow
(the hops in order), so viewers can step through it. The results of one finding group (one root
cause, report/groups.py) share a `correlationGuid` and name the group in `properties.group`;
the run's `properties.groups` lists the groups, with their decision and site counts. Type-check errors the migration
introduced are results too, under the `typecheck/<category>` rules.

Artifact URIs are the run's display paths (relative, `/`-separated) against the
`%SRCROOT%` base, which `originalUriBaseIds` resolves when the run's root is known.
Columns are 1-based Unicode code points (`columnKind`).
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

from quartify.core.types import ChainStep, Finding, Severity
from quartify.report.groups import FindingGroup
from quartify.report.model import ReportData, TypecheckError
from quartify.report.rules_meta import TYPECHECK_RULES, RuleInfo, rule_info

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
_GROUP_NAMESPACE = uuid.UUID("5b0e8f1e-6a43-4c8e-9a53-2f7c1d0a9e21")  # quartify finding groups
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_LEVEL_BY_NAME = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    return quote(path, safe="/:@!$&'()*+,;=-._~")


def _physical(path: str, line: int, col: int | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(line, 1)}
    if col is not None:
        region["startColumn"] = col + 1
    return {"artifactLocation": {"uri": _uri(path), "uriBaseId": SRCROOT}, "region": region}


def _rule(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": f"{info.summary}. {info.help}"},
        "help": {"text": info.help, "markdown": f"**{info.code}**: {info.summary}.\n\n{info.help}"},
        "defaultConfiguration": {"level": _LEVEL_BY_NAME.get(info.severity, "warning")},
        "properties": {"tags": ["quartify", info.category], "precision": "high"},
    }


def _chain_parts(chain: tuple[ChainStep, ...]) -> dict[str, Any]:
    if not chain:
        return {}
    related = [
        {"id": i, "physicalLocation": _physical(s.path, s.line), "message": {"text": s.what}}
        for i, s in enumerate(chain, start=1)
    ]
    flow = {
        "message": {"text": "how the code reaches this point"},
        "threadFlows": [
            {
                "locations": [
                    {
                        "location": {"physicalLocation": _physical(s.path, s.line), "message": {"text": s.what}},
                        "nestingLevel": i,
                        "executionOrder": i + 1,
                    }
                    for i, s in enumerate(chain)
                ]
            }
        ],
    }
    return {"relatedLocations": related, "codeFlows": [flow]}


def _correlation(group_id: str) -> str:
    """One GUID per finding group: SARIF's `correlationGuid` ties the results of one root cause."""
    return str(uuid.uuid5(_GROUP_NAMESPACE, group_id))


def _result(f: Finding, index: int, group: FindingGroup | None = None) -> dict[str, Any]:
    text = f.message
    if f.fix is not None and f.fix not in text:
        text += f" Suggested fix: {f.fix}"
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": _LEVEL[f.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": _physical(f.path, f.line, f.col)}],
        **_chain_parts(f.chain),
        "properties": {"severity": f.severity.value, "safety": f.safety.value, "fix": f.fix},
    }
    if group is not None:
        result["correlationGuid"] = _correlation(group.id)
        result["properties"]["group"] = group.id
    return result


def _typecheck_result(e: TypecheckError, index: int) -> dict[str, Any]:
    return {
        "ruleId": TYPECHECK_RULES[e.category].code,
        "ruleIndex": index,
        "level": "error",
        "message": {"text": " ".join(filter(None, (e.message, f"[{e.code}]" if e.code else "", e.hint)))},
        "locations": [{"physicalLocation": _physical(e.path, e.line, e.col)}],
        "properties": {"typecheckCode": e.code, "category": e.category, "hint": e.hint},
    }


def to_dict(data: ReportData) -> dict[str, Any]:
    examples: dict[str, Finding] = {}
    for f in data.findings:
        examples.setdefault(f.code, f)
    infos = [rule_info(code, example) for code, example in sorted(examples.items())]
    if data.typecheck is not None:
        infos.extend(TYPECHECK_RULES[c] for c in sorted({e.category for e in data.typecheck.new_errors}))
    index = {info.code: i for i, info in enumerate(infos)}
    results = [_result(f, index[f.code], data.group_of(f)) for f in data.findings]
    if data.typecheck is not None:
        results.extend(_typecheck_result(e, index[TYPECHECK_RULES[e.category].code]) for e in data.typecheck.new_errors)

    s = data.summary()
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "properties": {"timings": dict(data.timings), "dryRun": data.dry_run},
    }
    if data.typecheck is not None and data.typecheck.notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": f"type check: {note}"}} for note in data.typecheck.notes
        ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "quartify",
                "version": data.tool_version,
                "semanticVersion": data.tool_version,
                "rules": [_rule(info) for info in infos],
            }
        },
        "invocations": [invocation],
        "artifacts": [
            {
                "location": {"uri": _uri(f.path), "uriBaseId": SRCROOT},
                "encoding": f.encoding,
                "properties": {
                    "status": f.status.value,
                    "functionsMadeAsync": f.functions_made_async,
                    "awaitsAdded": f.awaits_added,
                },
            }
            for f in data.files
        ],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "summary": {
                "filesScanned": s.files_scanned,
                "filesExcluded": s.files_excluded,
                "filesChanged": s.files_changed,
                "filesFailed": s.files_failed,
                "functionsMadeAsync": s.functions_made_async,
                "awaitsAdded": s.awaits_added,
            },
            "groups": [
                {
                    "id": g.id, "correlationGuid": _correlation(g.id), "code": g.code, "cause": g.cause,
                    "severity": g.severity.value, "title": g.title, "decision": g.decision,
                    "sites": len(g.sites), "functions": list(g.functions), "files": list(g.files),
                }
                for g in data.groups
            ],
        },
    }
    if data.root is not None:
        root = data.root if data.root.endswith("/") else data.root + "/"
        run["originalUriBaseIds"] = {SRCROOT: {"uri": "file://" + _uri(root if root.startswith("/") else "/" + root)}}
    if data.typecheck is not None:
        run["properties"]["typecheck"] = {
            "baselineCount": data.typecheck.baseline_count,
            "afterCount": data.typecheck.after_count,
            "seconds": data.typecheck.seconds,
        }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(data: ReportData) -> str:
    return json.dumps(to_dict(data), indent=2, ensure_ascii=False) + "\n"
