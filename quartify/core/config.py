"""Run options, as one frozen value the CLI, stdin mode and tests all build the same way."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit


@dataclass(frozen=True)
class Options:
    jobs: int = 0  # 0: pick from the machine and the number of files
    exclude: tuple[str, ...] = ()
    # Blocking calls on the loop: "todo" reports them with a TODO comment (time.sleep gets the
    # safe fix); "thread" also offloads them with asyncio.to_thread where that is safe;
    # "report" only reports.
    blocking: str = "todo"
    select: tuple[str, ...] = ()  # finding-code prefixes to keep (empty: all)
    ignore: tuple[str, ...] = ()  # finding-code prefixes to drop
    # Project blocking rules from `[[tool.quartify.rules]]`: (source, TOML text with [[rule]]).
    extra_rules: tuple[tuple[str, str], ...] = ()

    def wants(self, code: str) -> bool:
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)

    def workers(self, files: int) -> int:
        if files < 8 or os.environ.get("PRE_COMMIT") == "1":
            return 1
        wanted = self.jobs or (os.cpu_count() or 1)
        return max(1, min(wanted, 61, (files + 3) // 4))


_KNOWN_KEYS = frozenset({"blocking", "exclude", "select", "ignore", "rules", "jobs"})


class ConfigError(ValueError):
    pass


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` (black's and ruff's project root rule)."""
    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def project_settings(pyproject: Path | None) -> dict[str, Any]:
    """`[tool.quartify]` of a pyproject.toml, checked for unknown keys."""
    if pyproject is None:
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: {exc}") from exc
    settings = data.get("tool", {}).get("quartify", {})
    unknown = set(settings) - _KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{pyproject}: unknown [tool.quartify] keys: {', '.join(sorted(unknown))}")
    return dict(settings)


def extra_rules_from(settings: dict[str, Any], source: str) -> tuple[tuple[str, str], ...]:
    rules = settings.get("rules")
    if not rules:
        return ()
    return ((source, tomlkit.dumps({"rule": rules})),)
