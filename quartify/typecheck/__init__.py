"""The type-check pass (`--typecheck`): mypy on the code before and after migration.

Quartify adds an `await` wherever it can see that a call returns an awaitable. Where it cannot
(a function called through a dict, a variable, or a generic third-party wrapper), the
migrated code uses a coroutine as a value, which runs without complaint until the line that
uses it. mypy can see those: it knows that `make_response` returns `Coroutine[...]` under
Quart. `typecheck` runs mypy (through `mypy.api`) twice, on a temporary copy of the tree with
the original sources and on one with the migrated sources overlaid, and reports only the
errors that are new after migration, each classified as

* `missed-await`: a coroutine used as a value (`unused-coroutine`, an attribute, index or
  argument on a `Coroutine[...]`, a coroutine returned where a value is expected, a plain
  `for` over an async iterator);
* `quart-api`: an API Quart spells differently (an unexpected keyword for `send_file`, an
  attribute that `quart` or `Quart` does not have, an argument of the wrong type for a name
  imported from quart);
* `other`.

The user's files are never touched: mypy only ever sees the two copies (`.py`/`.pyi` files and
the mypy config files), runs with its working directory inside the copy and with its cache
in a temporary directory, so `--diff` and `--check` runs leave the tree byte-for-byte as it
was. Call `typecheck` before writing the migrated files (or pass `old_sources`): the
"before" copy is read from disk.

Configuration: the project's own mypy config is used when it has one: the first of
`mypy.ini`, `.mypy.ini`, `pyproject.toml` (with `[tool.mypy]`) and `setup.cfg` (with
`[mypy]`) in the root or a parent directory, stopping at the repository root (`.git`/`.hg`),
like mypy's own lookup. Otherwise no config file is read at all (`--config-file=`), so a stray
config above a temporary directory cannot leak in. On top of the config the pass always uses
`--check-untyped-defs` (Flask apps are mostly unannotated, and mypy skips the bodies of
unannotated functions otherwise), `--follow-imports=silent` (only the migrated files report
errors) and output flags it can parse.

Which environment mypy sees, in this order:

1. `python_executable`, when the caller gives one (`--python-executable` of the CLI);
2. the project's virtualenv, when `<root>/.venv` or `<root>/venv` has a Python
   (`bin/python`, or `Scripts/python.exe` on Windows);
3. otherwise quartify's own environment (mypy's default: the interpreter running mypy),
   which has quart installed alongside quartify (a note says so when it has not).

For 1 and 2 mypy is run with `--python-executable`, so it resolves imports (the project's
other dependencies included) from that environment's site-packages. A Flask project's
environment usually does not have quart installed yet; the interpreter is asked (a quick
`python -I -c ...`), and any of `quart`, `flask` and `werkzeug` it lacks is made visible from
quartify's own environment through a temporary `MYPYPATH` directory linking to that
package. When neither environment has quart the result carries a note saying so: without
quart, every Quart call is `Any` to mypy and nothing can be found. An interpreter that cannot
be run is dropped, with a note, for quartify's own environment.

The two mypy runs happen at once, each `mypy.api.run` in a child interpreter of quartify's
own environment (`sys.executable -P -c ...`), so that its working directory, MYPYPATH and
mypy's global state stay out of the caller's process; in this process, one after the other,
when a child cannot be started. mypy plugins named in the project's config are loaded from
quartify's environment, not the project's: one that is missing stops mypy, which the result's
notes report. Files that do not parse are left out (mypy would stop on them); two modules with
one name (`conftest.py` in directories without `__init__.py`) make the pass run again with
`--explicit-package-bases`. The runs take about 3-5 s each for a small app (at once, so about
that in all on two cores), most of it spent reading the standard library, Flask and Quart.

Matching errors across the two runs tolerates the lines quartify inserts and edits: an error
is identified by its file, code and normalised message and the text of its source line with
`await`/`async` and flask/quart names normalised, not by its line number; an error after
migration is new when it matches no error before migration, first on all of those, then on
file, code and message alone, then (for errors that are neither `missed-await` nor
`quart-api`) on file, code and line text alone.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from configparser import ConfigParser
from configparser import Error as ConfigParserError
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "MISSED_AWAIT",
    "OTHER",
    "QUART_API",
    "TypeError_",
    "TypecheckResult",
    "classify",
    "find_mypy_config",
    "find_python_executable",
    "typecheck",
]

MISSED_AWAIT = "missed-await"
QUART_API = "quart-api"
OTHER = "other"


@dataclass(frozen=True)
class TypeError_:
    """One mypy error that is new after migration.

    `path` is relative to the root, with `/`; `line` is 1-based and `col` 0-based (the
    convention of `quartify.core.types.Finding`); both are positions in the migrated source.
    `code` is mypy's error code (`attr-defined`, `unused-coroutine`, ...; "" when it gave none).
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    category: str  # MISSED_AWAIT | QUART_API | OTHER
    hint: str = ""  # mypy's notes on this error, one per line ("Maybe you forgot to use "await"?")


@dataclass(frozen=True)
class TypecheckResult:
    new_errors: tuple[TypeError_, ...]
    baseline_count: int  # errors in the migrated files before migration
    after_count: int  # errors in the same files after migration
    seconds: float  # wall-clock time of the whole pass
    python_executable: str | None  # what mypy was given as --python-executable (None: ours)
    # Anything that makes the result less than complete: mypy stopped on a blocking error,
    # quart is not visible, a file was left out. Empty when all went as planned.
    notes: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------- environment

_VENV_DIRS = (".venv", "venv")
_VENV_PYTHONS = ("bin/python", "Scripts/python.exe")


def find_python_executable(root: Path, given: str | None = None) -> str | None:
    """The interpreter whose environment mypy should see (see the module docstring)."""
    if given:
        return given
    root = root.resolve()
    for venv in _VENV_DIRS:
        for relative in _VENV_PYTHONS:
            candidate = root / venv / relative
            if candidate.is_file():  # not resolved: a venv's python is a symlink to the base
                return str(candidate)
    return None


_INJECTABLE = ("quart", "flask", "werkzeug")
_PROBE = (
    "import importlib.util as u\n"
    f"for n in {_INJECTABLE!r}:\n"
    "    print(n, u.find_spec(n) is not None)\n"
)


def _probe(python: str) -> dict[str, bool] | str:
    """Which of quart/flask/werkzeug `python` can import, or why it could not be asked."""
    try:
        done = subprocess.run(
            [python, "-I", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=tempfile.gettempdir(),
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{exc}"
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
    found: dict[str, bool] = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        found[name] = value == "True"
    return found


def _own_package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _link_package(source: Path, target: Path) -> None:
    try:
        target.symlink_to(source, target_is_directory=True)
    except OSError:  # no symlinks (Windows without the privilege): copy the sources
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "*.pyd"))


# --------------------------------------------------------------------------- config

_CONFIG_NAMES = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")


def _is_mypy_config(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if path.name == "pyproject.toml":
        try:
            return "mypy" in tomllib.loads(text).get("tool", {})
        except tomllib.TOMLDecodeError:
            return False
    if path.name == "setup.cfg":
        parser = ConfigParser()
        try:
            parser.read_string(text)
        except ConfigParserError:
            return False
        return parser.has_section("mypy")
    return True


def find_mypy_config(root: Path) -> Path | None:
    """The project's mypy config: mypy's own lookup, from `root` up to the repository root."""
    root = root.resolve()
    for directory in [root, *root.parents]:
        for name in _CONFIG_NAMES:
            if _is_mypy_config(directory / name):
                return directory / name
        if (directory / ".git").exists() or (directory / ".hg").exists():
            break
    return None


# --------------------------------------------------------------------------- the copies

_SKIP_DIRS = frozenset({
    ".venv", "venv", ".tox", ".nox", "node_modules", "build", "dist", "site-packages", ".git", ".hg",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs",
})
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _encode(text: str) -> bytes:
    """Source text as bytes in the encoding its coding cookie declares (UTF-8 otherwise)."""
    head = text.encode("utf-8", errors="replace").splitlines()[:2]
    for line in head:
        match = _CODING.match(line)
        if match:
            try:
                return text.encode(match.group(1).decode("ascii"))
            except (LookupError, UnicodeEncodeError):
                break
    return text.encode("utf-8", errors="replace")


def _parses(data: bytes) -> bool:
    try:
        compile(data, "<typecheck>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _tree_files(root: Path) -> list[Path]:
    """Relative paths of the `.py`/`.pyi` files and mypy config files mypy may read."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".egg-info"))
        current = Path(dirpath)
        for name in sorted(filenames):
            if name.endswith((".py", ".pyi")) or name in _CONFIG_NAMES:
                found.append((current / name).relative_to(root))
    return found


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# --------------------------------------------------------------------------- running mypy

@dataclass(frozen=True)
class _Job:
    cwd: Path  # the copy's root: mypy puts its working directory on the search path
    args: list[str]
    mypypath: str | None


# The child: mypy.api.run on the arguments in a JSON file, its (stdout, stderr, status) as JSON.
_CHILD = (
    "import json, sys\n"
    "from mypy import api\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    args = json.load(f)\n"
    "result = api.run(args)\n"
    "with open(sys.argv[2], 'w', encoding='utf-8') as f:\n"
    "    json.dump(result, f)\n"
)


def _run_all(jobs: Sequence[_Job], scratch: Path) -> list[tuple[str, str, int]]:
    """Run the jobs at once, each `mypy.api.run` in a child interpreter of quartify's own
    environment (its working directory and MYPYPATH are its own, and mypy's global state
    stays out of the caller); in this process, one after the other, if that cannot start."""
    children: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        for number, job in enumerate(jobs):
            args_file = scratch / f"mypy-args-{number}.json"
            out_file = scratch / f"mypy-result-{number}.json"
            args_file.write_text(json.dumps(job.args), encoding="utf-8")
            env = dict(os.environ)
            env.pop("MYPYPATH", None)
            if job.mypypath:
                env["MYPYPATH"] = job.mypypath
            child = subprocess.Popen(
                [sys.executable, "-P", "-c", _CHILD, str(args_file), str(out_file)],
                cwd=job.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            children.append((child, out_file))
    except OSError:
        for child, _ in children:
            child.kill()
            child.wait()
        return [_run_here(job) for job in jobs]
    results: list[tuple[str, str, int]] = []
    try:
        for child, out_file in children:
            _, err = child.communicate()
            try:
                out, mypy_err, status = json.loads(out_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # mypy crashed outright; its traceback is on stderr
                results.append(("", err.decode("utf-8", errors="replace"), child.returncode or 2))
                continue
            results.append((str(out), str(mypy_err), int(status)))
    finally:
        for child, _ in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    return results


def _run_here(job: _Job) -> tuple[str, str, int]:
    """`mypy.api.run` in this process, with the job's working directory and MYPYPATH."""
    old_cwd = os.getcwd()
    old_path = os.environ.get("MYPYPATH")
    try:
        os.chdir(job.cwd)
        if job.mypypath:
            os.environ["MYPYPATH"] = job.mypypath
        else:
            os.environ.pop("MYPYPATH", None)
        from mypy import api

        return api.run(job.args)
    except Exception as exc:  # noqa: BLE001 - a mypy crash is reported, not raised
        return "", f"mypy crashed: {exc!r}", 2
    finally:
        os.chdir(old_cwd)
        if old_path is None:
            os.environ.pop("MYPYPATH", None)
        else:
            os.environ["MYPYPATH"] = old_path


_BASE_ARGS = (
    "--show-error-codes",
    "--no-error-summary",
    "--show-column-numbers",
    "--hide-error-end",
    "--hide-error-context",
    "--show-absolute-path",
    "--no-pretty",
    "--no-color-output",
    "--no-incremental",
    "--follow-imports=silent",
    "--check-untyped-defs",
)
_DUPLICATES = ("Duplicate module named", "Source file found twice under different module names")


# --------------------------------------------------------------------------- parsing output

_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>-?\d+):(?:(?P<col>-?\d+):)? (?P<severity>error|note|warning): "
    r"(?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)


@dataclass
class _Error:
    path: str  # relative to the copy's root (posix), or as mypy printed it when outside
    line: int
    col: int
    code: str
    message: str
    notes: list[str] = field(default_factory=list)
    note_paths: list[str] = field(default_factory=list)


def _parse(stdout: str, tree: Path) -> tuple[list[_Error], list[str]]:
    """mypy's errors (notes attached to the error before them) and the lines it did not parse."""
    errors: list[_Error] = []
    other: list[str] = []
    prefix = str(tree) + os.sep
    for raw in stdout.splitlines():
        match = _LINE.match(raw)
        if match is None:
            if raw.strip():
                other.append(raw.strip())
            continue
        path = match["path"]
        relative = Path(path[len(prefix):]).as_posix() if path.startswith(prefix) else path
        if match["severity"] == "note":
            if errors:
                errors[-1].notes.append(match["message"])
                errors[-1].note_paths.append(path)
            continue
        errors.append(
            _Error(relative, int(match["line"]), int(match["col"] or 1), match["code"] or "", match["message"])
        )
    return errors, other


# --------------------------------------------------------------------------- classifying

_AWAIT_CODES = frozenset({"unused-coroutine", "unused-awaitable"})
# A coroutine (or async iterator) as the type of a value: `"Coroutine[...]" has no attribute`,
# `incompatible type "Coroutine[...]"`, `got "Coroutine[...]"`. Not `"Callable[[], Coroutine[...]]"`:
# that is an async function where a sync one is expected, about functions, not awaits.
_AWAIT_TYPES = re.compile(r'"(?:Coroutine|Awaitable|AsyncIterator|AsyncGenerator|AsyncIterable)\[')
_EXTRA_AWAIT = 'Incompatible types in "await"'  # an await on a plain value: not a missed one
_QUART_WORD = re.compile(r"\bquart\b", re.IGNORECASE)  # module quart, quart.x.y, class Quart
_QUOTED = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"')


def classify(code: str, message: str, notes: Iterable[str] = (), quart_names: Iterable[str] = ()) -> str:
    """`missed-await`, `quart-api` or `other` for one mypy error.

    `notes` are mypy's notes on the error (their text, or the path they point at);
    `quart_names` the names the file imports from quart, so that "Unexpected keyword argument
    "x" for "send_file"" counts as a Quart API mismatch when `send_file` comes from quart.
    """
    notes = list(notes)
    if code in _AWAIT_CODES or any('forgot to use "await"' in n for n in notes):
        return MISSED_AWAIT
    if _AWAIT_TYPES.search(message) and _EXTRA_AWAIT not in message:
        return MISSED_AWAIT
    if _QUART_WORD.search(message) or any(re.search(r"[/\\]quart[/\\]", n) for n in notes):
        return QUART_API
    names = set(quart_names)
    if names and any(name in names for name in _QUOTED.findall(message)):
        return QUART_API
    return OTHER


def _quart_names(source: str) -> set[str]:
    """Names bound by `from quart... import` in one module."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "quart":
            names.update(alias.asname or alias.name for alias in node.names)
    return names


# --------------------------------------------------------------------------- matching

_FLASK = re.compile(r"\bflask\b")
_FLASK_CLASS = re.compile(r"\bFlask\b")


def _flask_to_quart(text: str) -> str:
    return _FLASK_CLASS.sub("Quart", _FLASK.sub("quart", text))


def _norm_message(message: str, trees: Sequence[Path]) -> str:
    for tree in trees:
        message = message.replace(str(tree) + os.sep, "").replace(str(tree), "")
    message = re.sub(r"\bline \d+", "line N", message)
    return _flask_to_quart(message)


def _norm_line(text: str) -> str:
    text = re.sub(r"\b(?:await|async)\s+", "", text)
    return " ".join(_flask_to_quart(text).split())


@dataclass
class _Keyed:
    error: _Error
    category: str
    full: tuple[str, str, str, str]
    by_message: tuple[str, str, str]
    by_line: tuple[str, str, str]


def _keyed(errors: list[_Error], lines: Mapping[str, list[str]], trees: Sequence[Path], names: Mapping[str, set[str]]) -> list[_Keyed]:
    out = []
    for error in errors:
        source = lines.get(error.path, [])
        text = _norm_line(source[error.line - 1]) if 0 < error.line <= len(source) else ""
        message = _norm_message(error.message, trees)
        category = classify(error.code, error.message, [*error.notes, *error.note_paths], names.get(error.path, ()))
        out.append(
            _Keyed(
                error,
                category,
                (error.path, error.code, message, text),
                (error.path, error.code, message),
                (error.path, error.code, text),
            )
        )
    return out


def _unmatched(before: list[_Keyed], after: list[_Keyed]) -> list[_Keyed]:
    """The errors after migration that match no error before it (see the module docstring)."""
    left_before = list(before)
    left_after = list(after)
    passes: list[tuple[str, bool]] = [("full", False), ("by_message", False), ("by_line", True)]
    for attribute, only_other in passes:
        pool: dict[object, list[_Keyed]] = {}
        for item in left_before:
            if only_other and item.category != OTHER:
                continue
            pool.setdefault(getattr(item, attribute), []).append(item)
        still: list[_Keyed] = []
        used: set[int] = set()
        for item in left_after:
            candidates = pool.get(getattr(item, attribute)) if not only_other or item.category == OTHER else None
            if candidates:
                used.add(id(candidates.pop(0)))
            else:
                still.append(item)
        left_after = still
        left_before = [b for b in left_before if id(b) not in used]
    return left_after


# --------------------------------------------------------------------------- the pass


def typecheck(
    root: Path,
    files: Mapping[Path, str | None],
    *,
    python_executable: str | None = None,
    old_sources: Mapping[Path, str] | None = None,
) -> TypecheckResult:
    """Type-check the migration of `files` under `root`; report the errors it introduces.

    `files` maps each migrated Python file (absolute, or relative to `root`) to its new
    source, `None` when migration leaves it unchanged; its `.py` files under `root` are the
    ones mypy checks. Other files of the tree are copied so that imports resolve. The original
    sources are read from disk unless `old_sources` gives them. Nothing under `root` is
    written.
    """
    started = time.monotonic()
    root = root.resolve()
    if root.is_file():
        root = root.parent
    notes: list[str] = []
    originals = _relative_keys(root, old_sources or {})
    overlay = _relative_keys(root, files)  # config files (pyproject.toml) may be migrated too
    targets = sorted(p for p in overlay if p.suffix == ".py")

    executable, missing = _environment(root, python_executable, notes)
    config = find_mypy_config(root)

    with tempfile.TemporaryDirectory(prefix="quartify-typecheck-") as scratch_name:
        scratch = Path(scratch_name).resolve()
        name = root.name or "project"
        before_tree = scratch / "before" / name
        after_tree = scratch / "after" / name
        before_lines: dict[str, list[str]] = {}
        after_lines: dict[str, list[str]] = {}
        checked = _make_copies(root, overlay, targets, originals, before_tree, after_tree, before_lines, after_lines, notes)

        if not checked:
            return TypecheckResult((), 0, 0, time.monotonic() - started, executable, tuple(notes))

        mypypath = None
        if missing:
            extra = scratch / "extra"
            extra.mkdir()
            for package, source in missing.items():
                _link_package(source, extra / package)
            mypypath = str(extra)

        def job(tree: Path, cache: str, explicit_bases: bool) -> _Job:
            args = list(_BASE_ARGS)
            args += ["--cache-dir", str(scratch / cache)]
            if config is None:
                args.append("--config-file=")
            else:
                relative_config = _under(root, config)
                args += ["--config-file", str(tree / relative_config) if relative_config is not None else str(config)]
            if executable:
                args += ["--python-executable", executable]
            if explicit_bases:
                args.append("--explicit-package-bases")
            args += [str(tree / p) for p in sorted(checked)]
            return _Job(tree, args, mypypath)

        runs = _run_all([job(before_tree, "cache-before", False), job(after_tree, "cache-after", False)], scratch)
        if any(d in out + err for out, err, _ in runs for d in _DUPLICATES):
            # Two modules with one name (scripts, `conftest.py` in directories without an
            # `__init__.py`): name modules from the root instead, as mypy suggests.
            runs = _run_all([job(before_tree, "cache-before-2", True), job(after_tree, "cache-after-2", True)], scratch)

        (before_out, before_err, before_status), (after_out, after_err, after_status) = runs
        before_errors, before_other = _parse(before_out, before_tree)
        after_errors, after_other = _parse(after_out, after_tree)
        for label, status, err, other in (
            ("original", before_status, before_err, before_other),
            ("migrated", after_status, after_err, after_other),
        ):
            if status not in (0, 1):
                detail = "; ".join([*other, *err.strip().splitlines()][-3:]) or f"exit status {status}"
                detail = detail.replace(str(before_tree), str(root)).replace(str(after_tree), str(root))
                notes.append(f"mypy stopped early on the {label} code, results may be incomplete: {detail}")
        if any(e.code == "import-not-found" and '"quart"' in e.message for e in after_errors):
            notes.append(
                "mypy cannot find quart, so no Quart call is checked: install quart in the environment "
                "mypy uses (see quartify.typecheck) or pass --python-executable"
            )

        trees = [before_tree, after_tree]
        quart_names = {path: _quart_names("".join(lines)) for path, lines in after_lines.items()}
        new = _unmatched(
            _keyed(before_errors, before_lines, trees, {}),
            _keyed(after_errors, after_lines, trees, quart_names),
        )
        found = tuple(
            sorted(
                (
                    TypeError_(
                        k.error.path,
                        k.error.line,
                        max(k.error.col - 1, 0),
                        k.error.code,
                        _norm_paths(k.error.message, trees),
                        k.category,
                        "\n".join(k.error.notes),
                    )
                    for k in new
                ),
                key=lambda e: (e.path, e.line, e.col, e.code, e.message),
            )
        )
        return TypecheckResult(
            found, len(before_errors), len(after_errors), time.monotonic() - started, executable, tuple(notes)
        )


def _norm_paths(message: str, trees: Sequence[Path]) -> str:
    for tree in trees:
        message = message.replace(str(tree) + os.sep, "")
    return message


def _relative_keys(root: Path, mapping: Mapping[Path, str | None]) -> dict[Path, str | None]:
    out: dict[Path, str | None] = {}
    for path, text in mapping.items():
        relative = _under(root, path)
        if relative is not None:
            out[relative] = text
    return out


def _under(root: Path, path: Path) -> Path | None:
    """`path` relative to `root`, or None when it is outside."""
    absolute = path if path.is_absolute() else root / path
    try:
        return absolute.resolve().relative_to(root)
    except ValueError:
        return None


def _environment(root: Path, given: str | None, notes: list[str]) -> tuple[str | None, dict[str, Path]]:
    """The --python-executable to use and the packages it lacks that quartify's env can lend."""
    executable = find_python_executable(root, given)
    if executable is None:
        return _own_environment(notes)
    probed = _probe(executable)
    if isinstance(probed, str):
        notes.append(f"cannot run {executable} ({probed}); type-checking with quartify's own environment")
        return _own_environment(notes)
    missing: dict[str, Path] = {}
    for name in _INJECTABLE:
        if probed.get(name, False):
            continue
        own = _own_package_dir(name)
        if own is not None:
            missing[name] = own
        elif name == "quart":
            notes.append(f"quart is installed neither for {executable} nor for quartify: mypy cannot check Quart calls")
    return executable, missing


def _own_environment(notes: list[str]) -> tuple[None, dict[str, Path]]:
    if _own_package_dir("quart") is None:
        notes.append("quart is not installed in quartify's environment: mypy cannot check Quart calls")
    return None, {}


def _make_copies(
    root: Path,
    overlay: Mapping[Path, str | None],
    targets: Sequence[Path],
    originals: Mapping[Path, str | None],
    before_tree: Path,
    after_tree: Path,
    before_lines: dict[str, list[str]],
    after_lines: dict[str, list[str]],
    notes: list[str],
) -> list[Path]:
    """Write both copies; return the target files mypy should check (they parse in both)."""
    checked: list[Path] = []
    wanted = set(targets)
    everything = set(_tree_files(root)) | wanted
    for relative in sorted(everything):
        given = originals.get(relative)
        if given is not None:
            old = _encode(given)
        else:
            try:
                old = (root / relative).read_bytes()
            except OSError:
                continue
        new_text = overlay.get(relative)
        new = _encode(new_text) if new_text is not None else old
        is_python = relative.suffix in (".py", ".pyi")
        if is_python and not _parses(old):
            continue  # a file mypy cannot parse would stop the whole run; quartify reports it
        _write(before_tree / relative, old)
        if is_python and not _parses(new):
            notes.append(f"{relative.as_posix()}: the migrated source does not parse; not type-checked")
            (before_tree / relative).unlink()
            continue
        _write(after_tree / relative, new)
        if relative in wanted:
            checked.append(relative)
            key = relative.as_posix()
            before_lines[key] = old.decode("utf-8", errors="replace").splitlines(keepends=True)
            after_lines[key] = new.decode("utf-8", errors="replace").splitlines(keepends=True)
    return checked
