"""`[tool.quartify]` is read through the same vocabularies as the command line: a value the
CLI rejects is rejected in pyproject.toml too, with the file, the key and the line."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
import tomlkit

from quartify.core.config import (
    BlockingMode,
    ConfigError,
    Options,
    ProjectSettings,
    merge_options,
    project_settings,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
VIEW = 'from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return render_template("index.html")\n'
RULE = '''
[[tool.quartify.rules]]
code = "QFY200"
category = "net"
calls = ["myapp.billing.charge_card"]
severity = "error"
summary = "the payment SDK blocks"
replacement = { package = "myapp", call = "the SDK's async client" }
'''


def _pyproject(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(f'[project]\nname = "app"\n\n{body}', encoding="utf-8")
    return path


def _error(tmp_path: Path, body: str) -> str:
    path = _pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        project_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:")
    return message[len(str(path)):]


def test_blocking_threads_is_an_error_naming_the_file_key_line_and_choices(tmp_path: Path) -> None:
    message = _error(tmp_path, '[tool.quartify]\nexclude = ["build"]\nblocking = "threads"\n')
    assert message == ":6: tool.quartify.blocking: 'threads' is not one of 'todo', 'thread', 'report'"


def test_an_unknown_key_is_an_error_at_its_line(tmp_path: Path) -> None:
    message = _error(tmp_path, '[tool.quartify]\n\nblockng = "thread"\n')
    assert message.startswith(":6: tool.quartify.blockng: unknown key; expected one of blocking, exclude, extensions, ignore")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('jobs = "4"', ":5: tool.quartify.jobs: expected an integer >= 0, not '4'"),
        ("jobs = -1", ":5: tool.quartify.jobs: expected an integer >= 0, not -1"),
        ("jobs = true", ":5: tool.quartify.jobs: expected an integer >= 0, not True"),
        ('exclude = "build"', ":5: tool.quartify.exclude: expected an array, not a string"),
        ('select = ["QFY1", 2]', ":5: tool.quartify.select[1]: expected a string, not an integer"),
        ("ignore = [\n  'QFY3',\n  ['QFY2'],\n]", ":5: tool.quartify.ignore[1]: expected a string, not an array"),
    ],
)
def test_values_of_the_wrong_type_are_errors(tmp_path: Path, body: str, expected: str) -> None:
    assert _error(tmp_path, f"[tool.quartify]\n{body}\n") == expected


def test_a_dotted_key_outside_the_table_is_found_too(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('# settings\ntool.quartify.jobs = "2"\n\n[project]\nname = "app"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r":2: tool\.quartify\.jobs: expected an integer >= 0, not '2'$"):
        project_settings(path)


def test_project_rules_go_through_the_blocking_rule_checks(tmp_path: Path) -> None:
    unknown = _error(tmp_path, RULE + 'pattern = "charge_*"\n')
    assert unknown.startswith(":12: tool.quartify.rules[0].pattern: unknown key; expected one of calls, category")
    bad = _error(tmp_path, RULE.replace('"net"', '"network"'))
    assert bad.startswith(":7: tool.quartify.rules[0].category: 'network' is not one of 'cache', 'cloud'")
    code = _error(tmp_path, RULE + RULE.replace("QFY200", "QFY101"))
    assert code == ":14: tool.quartify.rules[1].code: blocking codes are QFY2xx/QFY3xx, not QFY101"
    missing = _error(tmp_path, RULE.replace('summary = "the payment SDK blocks"\n', ""))
    assert missing == ":5: tool.quartify.rules[0]: missing key 'summary'"


def test_a_toml_syntax_error_is_a_config_error(tmp_path: Path) -> None:
    assert _error(tmp_path, "[tool.quartify\n").startswith(": ")


def test_valid_settings_are_parsed(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, '[tool.quartify]\nblocking = "thread"\njobs = 2\nexclude = ["build"]\nselect = ["QFY2"]\n')
    settings = project_settings(path)
    assert settings == ProjectSettings(jobs=2, exclude=("build",), blocking=BlockingMode.THREAD, select=("QFY2",))
    assert project_settings(None) == ProjectSettings()
    assert project_settings(_pyproject(tmp_path, '[tool.black]\nline-length = 100\n')) == ProjectSettings()


def test_project_rules_are_kept_as_toml_text_for_the_blocking_tables() -> None:
    path = FIXTURES / "blocking_thread" / "pyproject.toml"
    settings = project_settings(path)
    rules = tomllib.loads(path.read_text(encoding="utf-8"))["tool"]["quartify"]["rules"]
    assert settings.extra_rules == ((str(path), tomlkit.dumps({"rule": rules})),)


def test_the_command_line_wins_over_the_project_and_lists_add_up() -> None:
    settings = ProjectSettings(jobs=3, exclude=("a",), blocking=BlockingMode.REPORT, select=("QFY1",), ignore=("QFY2",))
    assert merge_options(settings) == Options(3, ("a",), BlockingMode.REPORT, ("QFY1",), ("QFY2",))
    merged = merge_options(settings, jobs=1, exclude=("b",), blocking="thread", select=("QFY3",), ignore=("QFY4",))
    assert merged == Options(1, ("a", "b"), BlockingMode.THREAD, ("QFY3",), ("QFY2", "QFY4"))
    assert merge_options(ProjectSettings()) == Options()


def test_migrate_check_with_blocking_threads_exits_2_with_the_message(tmp_path: Path, quartify_cmd: list[str]) -> None:
    (tmp_path / "app.py").write_text(VIEW, encoding="utf-8")
    path = _pyproject(tmp_path, '[tool.quartify]\nblocking = "threads"\n')
    proc = subprocess.run([*quartify_cmd, "migrate", "--check", str(tmp_path)], capture_output=True, cwd=tmp_path, check=False)
    assert proc.returncode == 2
    err = " ".join(proc.stderr.decode().split())  # click wraps long usage lines
    assert f"configuration: {path}:5: tool.quartify.blocking: 'threads' is not one of 'todo', 'thread', 'report'" in err
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == VIEW
