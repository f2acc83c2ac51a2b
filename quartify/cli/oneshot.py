"""How the console script's process ends: without tearing down what a migrate run built.

A one-file check of a large project builds hundreds of thousands of objects (every file's
index, the linker's tables, the graph). Freeing them one by one as the run's frames end, then
finalising the interpreter, is work for memory the operating system takes back at once on exit.
So, as mypy does (`mypy.util.hard_exit`), the process started as the console script or as
`python -m quartify` (`run` below) lets `migrate` keep what its run built (`core.gcpause.keep`)
and, once the command has finished, ends with `os._exit`: atexit handlers run first and standard
output and error are flushed, so the output, the files written and the exit code are those of a
normal exit.

The process starts the same way (`start`): the command line's modules are imported with the
cyclic collector paused and what they built is frozen (`gc.freeze`): it lives as long as the
process, and the collector walked it some 30 times while the imports ran (~3.5 ms of a check).

Only `run` turns this on, and it ends the process this way only when a run kept something (the
`migrate` command, a stored run's result included: the interpreter's own teardown is a few ms
too), no other thread is alive and the exit is a plain code. Every other way in
(the language server, `quartify verify`, a library caller, click's CliRunner calling
`quartify.cli.main.main`) keeps nothing and exits as Python does.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Callable
from typing import NoReturn

_one_shot = False


def one_shot() -> bool:
    """Whether this process is the console script's (`run` started it): a run may keep what it
    built until the process ends."""
    return _one_shot


def start() -> NoReturn:
    """The console script and `python -m quartify`: import the command line, the collector paused
    and what the imports built frozen on the way out (core/gcpause.py), and `run` it."""
    from quartify.core.gcpause import paused

    with paused(freeze=True):
        from quartify.cli.main import main
    run(main)


def run(command: Callable[[], object]) -> NoReturn:
    """Run the click `command` as the whole process and end it; never returns."""
    global _one_shot
    _one_shot = True
    try:
        command()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if not isinstance(code, int) or not _may_skip_teardown():
        raise SystemExit(code)
    hard_exit(code)


def _may_skip_teardown() -> bool:
    from quartify.core.gcpause import kept

    return kept() and threading.active_count() == 1


def hard_exit(code: int) -> NoReturn:
    """End the process now with `code`, as a normal exit would but without its teardown: atexit
    handlers run, then standard output and error are flushed. When a stream cannot be flushed
    (a closed pipe), the process exits the normal way, which reports it as usual."""
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    os._exit(code)
