"""Helpers for the extension matrix's proofs: migrate a tiny project in-process and read back
what each file became, with its findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.core.types import Finding, Status
from quartify.rules.extensions import Strategy


@dataclass(frozen=True)
class Migrated:
    """One file after a run: its text (new or unchanged), status and findings."""

    text: str
    status: Status
    findings: tuple[Finding, ...]

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]


def migrate_files(root: Path, files: dict[str, str], extensions: Strategy = Strategy.NATIVE) -> dict[str, Migrated]:
    """Write `files` under `root`, migrate them with `--extensions extensions`, return each one."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    result = migrate_paths([root], Options(jobs=1, extensions=extensions))
    out = {}
    for r in result.files:
        name = r.path.resolve().relative_to(root.resolve()).as_posix()
        out[name] = Migrated(r.new_source if r.new_source is not None else r.old_source, r.status, r.findings)
    return out
