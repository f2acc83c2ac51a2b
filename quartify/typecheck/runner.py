"""Running mypy on the copies without disturbing the caller, and reading what it printed.

The two mypy runs happen at once, each `mypy.api.run` in a child interpreter of quartify's
own environment (`sys.executable -P -c ...`), so that its working directory, MYPYPATH and
mypy's global state stay out of the caller's process; in this process, one after the other,
when a child cannot be started. mypy plugins named in the project's config are loaded from
quartify's environment, not the project's: one that is missing stops mypy, which the result's
notes report. The runs take about 3-5 s each for a small app (at once, so about that in all
on two cores), most of it spent reading the standard library, Flask and Quart.

On top of the project's config mypy always gets `--check-untyped-defs` (Flask apps are
mostly unannotated, and mypy skips the bodies of unannotated functions otherwise), the
optional codes `truthy-bool` and `unused-awaitable` (a coroutine as a condition, an awaitable
left as a statement),
`--follow-imports=silent` (only the migrated files report errors) and output flags `parse`
can read.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BASE_ARGS = (
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
    # Off by default in mypy, and the only check that sees a coroutine used as a condition
    # (`if form.validate():`, always true: issue 10's vacuous passes); classification sorts
    # the ones about a `Coroutine[...]` as missed awaits. `unused-awaitable` also reports an
    # awaitable that is not a coroutine (a Future, a Task) left as a statement.
    "--enable-error-code=truthy-bool",
    "--enable-error-code=unused-awaitable",
)
# What mypy says about two modules with one name (`conftest.py` in directories without an
# `__init__.py`); the pass then runs again with `--explicit-package-bases`.
DUPLICATES = ("Duplicate module named", "Source file found twice under different module names")


@dataclass(frozen=True)
class Job:
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


def run_all(jobs: Sequence[Job], scratch: Path) -> list[tuple[str, str, int]]:
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


def _run_here(job: Job) -> tuple[str, str, int]:
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


_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>-?\d+):(?:(?P<col>-?\d+):)? (?P<severity>error|note|warning): "
    r"(?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)


@dataclass
class MypyError:
    """One error as mypy printed it, with the notes that follow it (filled in by `parse`)."""

    path: str  # relative to the copy's root (posix), or as mypy printed it when outside
    line: int
    col: int  # 1-based, as mypy prints it
    code: str
    message: str
    notes: list[str] = field(default_factory=list)
    note_paths: list[str] = field(default_factory=list)


def parse(stdout: str, tree: Path) -> tuple[list[MypyError], list[str]]:
    """mypy's errors (notes attached to the error before them) and the lines it did not parse."""
    errors: list[MypyError] = []
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
            MypyError(relative, int(match["line"]), int(match["col"] or 1), match["code"] or "", match["message"])
        )
    return errors, other
