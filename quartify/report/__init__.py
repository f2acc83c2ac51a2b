"""Reports: one findings model (`ReportData`), several renderers.

    data = ReportData.from_run(result, root=common_root(paths), typecheck=..., timings=...)
    write_reports(data, [parse_spec("json:report.json"), parse_spec("html:report.html")])

Every renderer is `render(data: ReportData) -> str`; `FORMATS` maps each `--report` format
name to its renderer. The terminal report and diffs live in `terminal.py` and `diff.py`.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from quartify.report.model import (
    AsyncChain,
    ReportData,
    TypecheckError,
    TypecheckResult,
)

Renderer = Callable[[ReportData], str]



def _renderer(module: str) -> Renderer:
    """The `render` of `quartify.report.<module>`, imported on first use: a run that writes no
    report (the terminal summary only) loads none of the renderers."""

    def render(data: ReportData) -> str:
        found: Renderer = importlib.import_module(f"{__name__}.{module}").render
        return found(data)

    return render


FORMATS: dict[str, Renderer] = {
    "json": _renderer("json_report"),
    "sarif": _renderer("sarif"),
    "md": _renderer("markdown"),
    "html": _renderer("html"),
}
ALIASES = {"markdown": "md", "htm": "html"}

__all__ = [
    "ALIASES",
    "FORMATS",
    "AsyncChain",
    "ReportData",
    "TypecheckError",
    "TypecheckLike",
    "TypecheckResult",
    "parse_spec",
    "render",
    "write_reports",
]


def parse_spec(spec: str) -> tuple[str, Path]:
    """`"json:out/report.json"` -> `("json", Path("out/report.json"))`; ValueError when the
    format is unknown or the path is missing."""
    fmt, sep, path = spec.partition(":")
    fmt = ALIASES.get(fmt.strip().lower(), fmt.strip().lower())
    if not sep or not path.strip():
        raise ValueError(f"expected FORMAT:PATH (FORMAT one of {', '.join(FORMATS)}), got {spec!r}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r} in {spec!r}; expected one of {', '.join(FORMATS)}")
    return fmt, Path(path)


def render(data: ReportData, fmt: str) -> str:
    return FORMATS[ALIASES.get(fmt, fmt)](data)


def write_reports(data: ReportData, specs: Iterable[tuple[str, Path]]) -> list[Path]:
    """Render each (format, path) and write it atomically (UTF-8, `\\n` line endings),
    creating missing parent directories; returns the paths written. Everything is rendered
    before anything is written, so a renderer bug leaves no partial set of reports."""
    rendered = [(path, render(data, fmt)) for fmt, path in specs]
    written = []
    for path, text in rendered:
        _write_atomic(path, text)
        written.append(path)
    return written


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
