"""Helpers for the multi-module fixture apps under tests/fixtures/apps/.

Each app directory holds:

    input/          a small Flask package, as a user would hand it to quartify
    expected/       the exact tree `quartify migrate input/` must leave behind (reviewed by hand)
    quart_checks/   optional: async pytest tests that import the *migrated* package and drive it
                    with Quart's test client

Nothing here imports quartify: the tests drive the real console script in a subprocess.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

APPS_DIR = Path(__file__).parent / "fixtures" / "apps"
REPO_ROOT = Path(__file__).parent.parent

# Directories that are never part of an app tree (bytecode caches from running the checks).
_SKIP_DIRS = {"__pycache__", ".pytest_cache"}

# `# expect: QFY101` or `# expect: QFY101 QFY102` at the end of an input line.
_MARKER = re.compile(r"#\s*expect:\s*((?:QFY\d{3}\s*)+)$")


def app_names() -> list[str]:
    return sorted(p.name for p in APPS_DIR.iterdir() if (p / "input").is_dir())


def apps_with_quart_checks() -> list[str]:
    return [name for name in app_names() if (APPS_DIR / name / "quart_checks").is_dir()]


def tree_files(root: Path) -> dict[str, bytes]:
    """Every file under `root`, keyed by its POSIX path relative to `root`."""
    found: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if not _SKIP_DIRS & set(p.parts))


def copy_input(app: str, dest: Path) -> Path:
    """Copy `<app>/input` to `dest` (which must not exist) and return `dest`."""
    shutil.copytree(APPS_DIR / app / "input", dest, ignore=shutil.ignore_patterns(*_SKIP_DIRS))
    return dest


def copy_expected(app: str, dest: Path) -> Path:
    shutil.copytree(APPS_DIR / app / "expected", dest, ignore=shutil.ignore_patterns(*_SKIP_DIRS))
    return dest


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PRE_COMMIT", None)  # would force a single worker
    # The checkout under test, never whichever quartify the interpreter has installed (a shared
    # venv's editable install points at another checkout).
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "200"
    return env


def quartify(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real console script: `python -m quartify ARGS` in `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "quartify", *map(str, args)],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def migrate(target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`quartify migrate [extra] .` run inside `target`."""
    return quartify("migrate", *extra, ".", cwd=target)


def tree_diff(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """A readable report of how two trees differ (missing/extra files, unified diffs)."""
    out: list[str] = []
    for name in sorted(set(expected) - set(actual)):
        out.append(f"missing from output: {name}")
    for name in sorted(set(actual) - set(expected)):
        out.append(f"unexpected file in output: {name}")
    for name in sorted(set(expected) & set(actual)):
        if expected[name] == actual[name]:
            continue
        exp = expected[name].decode("utf-8", "replace").splitlines(keepends=True)
        act = actual[name].decode("utf-8", "replace").splitlines(keepends=True)
        out.extend(
            difflib.unified_diff(exp, act, fromfile=f"expected/{name}", tofile=f"actual/{name}")
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def async_misuse(source: str, filename: str = "<output>") -> list[str]:
    """Places where the source uses `await`/`async for`/`async with`/an async comprehension
    outside an `async def`, or an `await` inside a generator expression (which silently turns it
    into an async generator). Lambdas, sync defs and class bodies reset the context."""
    tree = ast.parse(source, filename)
    problems: list[str] = []

    def check(node: ast.AST, in_async: bool, in_genexp: bool) -> None:
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Await):
            if not in_async:
                problems.append(f"{where}: `await` outside async def")
            elif in_genexp:
                problems.append(f"{where}: `await` inside a generator expression")
        elif isinstance(node, (ast.AsyncWith, ast.AsyncFor)) and not in_async:
            problems.append(f"{where}: `{type(node).__name__}` outside async def")
        elif isinstance(node, ast.comprehension) and node.is_async and not in_async:
            problems.append(f"{where}: async comprehension outside async def")

    def visit(node: ast.AST, in_async: bool, in_genexp: bool) -> None:
        check(node, in_async, in_genexp)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            # Decorators, defaults and annotations run in the enclosing scope.
            outside = [*getattr(node, "decorator_list", ()), *node.args.defaults]
            outside += [d for d in node.args.kw_defaults if d is not None]
            for sub in outside:
                visit(sub, in_async, in_genexp)
            body = node.body if isinstance(node.body, list) else [node.body]
            for sub in body:
                visit(sub, isinstance(node, ast.AsyncFunctionDef), False)
            return
        if isinstance(node, ast.ClassDef):
            in_async, in_genexp = False, False
        elif isinstance(node, ast.GeneratorExp):
            # The first iterable is evaluated in the enclosing scope; the rest runs lazily.
            first = node.generators[0]
            visit(first.iter, in_async, in_genexp)
            check(first, in_async, True)
            for sub in (first.target, *first.ifs, *node.generators[1:], node.elt):
                visit(sub, in_async, True)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, in_async, in_genexp)

    visit(tree, False, False)
    return problems


@dataclass(frozen=True, order=True)
class Expected:
    code: str
    path: str  # POSIX, relative to the app's input/ directory
    line: int


def expected_findings(app: str) -> list[Expected]:
    """The `# expect: QFYnnn` markers in an app's input files."""
    root = APPS_DIR / app / "input"
    found: list[Expected] = []
    for path in python_files(root):
        rel = path.relative_to(root).as_posix()
        for lineno, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _MARKER.search(text)
            if match:
                found.extend(Expected(code, rel, lineno) for code in match.group(1).split())
    return sorted(found)


def run_quart_checks(app: str, migrated: Path) -> subprocess.CompletedProcess[str]:
    """Copy `<app>/quart_checks` next to the migrated package and run them with pytest,
    importing the package from `migrated` (cwd and PYTHONPATH)."""
    checks = migrated / "quart_checks"
    shutil.copytree(APPS_DIR / app / "quart_checks", checks, ignore=shutil.ignore_patterns(*_SKIP_DIRS))
    env = _env()
    env["PYTHONPATH"] = str(migrated)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--rootdir", str(migrated),
            "-o", "asyncio_mode=auto",
            "-o", "asyncio_default_fixture_loop_scope=function",
            str(checks),
        ],
        cwd=migrated,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
