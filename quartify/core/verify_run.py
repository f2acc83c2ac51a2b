"""The processes behind `quartify verify`: copy the project twice, migrate one copy, make a
virtualenv for each, install, run pytest with a JUnit report, and hand both reports to
`quartify.core.verify.compare_reports`.

The user's tree is only read: everything happens under a work directory (a temporary one unless
--work-dir names one), removed afterwards unless it is kept.
"""

from __future__ import annotations

import os
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quartify.core.config import Options
from quartify.core.finish import finish
from quartify.core.pipeline import migrate_paths
from quartify.core.verify import Comparison, JUnitError, Outcome, compare, parse_junit
from quartify.core.verify_install import InstallPlan, plan_install
from quartify.core.write import write_changes
from quartify.core.import_check import ImportCheck

MARKER = ".quartify-verify"  # marks a work directory as ours, so a rerun may clear it
_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "__pycache__", ".tox", ".nox", ".pytest_cache", ".mypy_cache"}
_TAIL = 4000


@dataclass(frozen=True)
class VerifyConfig:
    project: Path
    options: Options
    extra: str | None = None
    install_before: str | None = None
    install_after: str | None = None
    pytest_args: tuple[str, ...] = ()
    system_site_packages: bool = False
    work_dir: Path | None = None
    keep: bool = False
    timeout: float | None = None


@dataclass(frozen=True)
class VerifyResult:
    comparison: Comparison
    files_changed: int
    files_failed: int  # files the migration could not convert (left as they were)
    work_dir: Path | None  # set when the work directory was kept
    imports: ImportCheck | None = None  # whether the migrated dependency files install what the edits import


class VerifyError(Exception):
    """The comparison could not be made (copy, venv, install or a pytest run that wrote no report)."""

    def __init__(self, message: str, tail: str = "") -> None:
        super().__init__(message)
        self.tail = tail


def verify_project(config: VerifyConfig, say: Callable[[str], None] = lambda _: None) -> VerifyResult:
    work = _work_dir(config.work_dir)
    kept = config.keep or config.work_dir is not None
    try:
        before_dir, after_dir = work / "flask", work / "quart"
        copy_project(config.project, before_dir, skip=work)
        copy_project(config.project, after_dir, skip=work)

        say("migrating the copy")
        done = finish(migrate_paths([after_dir], config.options), after_dir,
                      format_code=False, run_typecheck=False, python_executable=None, whole_tree=True)
        migrated = write_changes(done.result, after_dir)

        before_plan = plan_install(before_dir, extra=config.extra, system_site=config.system_site_packages,
                                   shell=config.install_before)
        before = _side("Flask", before_dir, work, before_plan, config, say)
        after_plan = plan_install(after_dir, extra=config.extra, system_site=config.system_site_packages,
                                  shell=config.install_after,
                                  add=("pytest-asyncio",) if migrated.async_tests else ())
        after = _side("Quart", after_dir, work, after_plan, config, say)
        return VerifyResult(compare(before, after), len(migrated.changed), len(migrated.failed),
                            work if kept else None, done.imports)
    finally:
        if not kept:
            shutil.rmtree(work, ignore_errors=True)


def copy_project(source: Path, target: Path, skip: Path | None = None) -> None:
    """Copy the project without VCS data, virtualenvs, caches, build metadata (or the work dir)."""
    skip_resolved = skip.resolve() if skip is not None else None

    def ignore(directory: str, names: list[str]) -> set[str]:
        return {name for name in names if skipped(Path(directory, name))}

    def skipped(path: Path) -> bool:
        if path.name in _SKIP_DIRS or path.name.endswith(".egg-info") or (path / "pyvenv.cfg").is_file():
            return True
        return skip_resolved is not None and path.resolve() == skip_resolved

    try:
        shutil.copytree(source, target, ignore=ignore, ignore_dangling_symlinks=True)
    except (OSError, shutil.Error) as exc:
        raise VerifyError(f"could not copy {source}: {exc}") from exc


def _work_dir(requested: Path | None) -> Path:
    if requested is None:
        work = Path(tempfile.mkdtemp(prefix="quartify-verify-"))
    else:
        work = requested.resolve()
        if work.exists() and any(work.iterdir()):
            if not (work / MARKER).exists():
                raise VerifyError(f"work directory {work} is not empty (and not one quartify verify made)")
            for child in work.iterdir():  # ours: a previous run's copies, venvs and logs
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        work.mkdir(parents=True, exist_ok=True)
    (work / MARKER).write_text("made by quartify verify; removed and rebuilt by the next run\n", encoding="utf-8")
    return work


def _side(
    label: str, project: Path, work: Path, plan: InstallPlan, config: VerifyConfig, say: Callable[[str], None]
) -> dict[str, Outcome]:
    """One side: a venv, the install, the suite; the JUnit outcomes."""
    venv = work / f"{label.lower()}-venv"
    say(f"creating the {label} virtualenv")
    python = make_venv(venv, config.system_site_packages)
    path = [project, *([project / "src"] if (project / "src").is_dir() else [])] if plan.project_on_path else []
    env = venv_env(venv, path)
    say(f"installing under {label}: {plan.describe()}")
    command: list[str] | str = plan.shell if plan.shell is not None else [
        str(python), "-m", "pip", "install", *plan.pip_args]
    log = work / f"{label.lower()}-install.log"
    if plan.shell is None and _satisfied(python, plan.pip_args, env):
        log.write_text("every requirement already satisfied: pip not run\n", encoding="utf-8")
        code = 0
    else:
        code = _run(command, project, env, None, log)
    if code != 0:
        raise VerifyError(f"install under {label} failed (exit {code}): {plan.describe()}", _tail(log))

    say(f"running the suite under {label}")
    report, log = work / f"{label.lower()}.xml", work / f"{label.lower()}-pytest.log"
    argv = [str(python), "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={report}",
            "-o", "junit_family=xunit1", *config.pytest_args]
    try:
        code = _run(argv, project, env, config.timeout, log)
    except subprocess.TimeoutExpired:
        raise VerifyError(f"the suite under {label} did not finish within {config.timeout:g} s", _tail(log)) from None
    if not report.is_file():
        raise VerifyError(f"pytest under {label} wrote no report (exit {code})", _tail(log))
    try:
        outcomes = parse_junit(report.read_text(encoding="utf-8"))
    except JUnitError as exc:
        raise VerifyError(f"pytest under {label}: {exc}", _tail(log)) from exc
    if label == "Flask" and not outcomes:
        raise VerifyError(f"no tests ran under Flask (pytest exit {code})", _tail(log))
    return outcomes


def make_venv(path: Path, system_site: bool) -> Path:
    """A virtualenv; with `system_site` it sees the current interpreter's packages (even when that
    interpreter is itself a venv) and borrows its pip, so making one takes a fraction of a second."""
    argv = [sys.executable, "-m", "venv", str(path)]
    if system_site:
        argv += ["--system-site-packages", "--without-pip"]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise VerifyError(f"could not create a virtualenv at {path}", (proc.stdout + proc.stderr)[-_TAIL:])
    python = path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if system_site:
        parents = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"],
                                 sysconfig.get_paths()["platlib"]])
        lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in parents if Path(p).is_dir())
        site_packages = _venv_site_packages(python)
        (site_packages / "_quartify_verify_parent.pth").write_text(lines, encoding="utf-8")
    return python


_SATISFIED = """
import sys
from importlib.metadata import PackageNotFoundError, version
from packaging.requirements import Requirement
for text in sys.argv[1:]:
    req = Requirement(text)
    if req.marker is not None and not req.marker.evaluate():
        continue
    if req.extras or req.url or not req.specifier.contains(version(req.name), prereleases=True):
        sys.exit(1)
"""


def _satisfied(python: Path, pip_args: tuple[str, ...], env: dict[str, str]) -> bool:
    """Whether the venv already has every requirement (plain ones only), so pip, which takes
    seconds to say so, can be skipped. Any doubt (flags, extras, no `packaging`) means no."""
    if not pip_args or any(arg.startswith(("-", ".")) for arg in pip_args):
        return False
    proc = subprocess.run([str(python), "-c", _SATISFIED, *pip_args], env=env, capture_output=True, check=False)
    return proc.returncode == 0


def _venv_site_packages(python: Path) -> Path:
    proc = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True)
    return Path(proc.stdout.strip())


def venv_env(venv: Path, pythonpath: list[Path]) -> dict[str, str]:
    """The environment of a command "run in the venv": its bin first on PATH, no inherited PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = str(bin_dir) + os.pathsep + env.get("PATH", "")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    return env


def _run(command: list[str] | str, cwd: Path, env: dict[str, str], timeout: float | None, log: Path) -> int:
    """Run with output to `log`; on timeout, end the whole process group and re-raise."""
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, shell=isinstance(command, str), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
            proc.wait()
            raise


def _tail(log: Path) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-_TAIL:]
    except OSError:
        return ""
