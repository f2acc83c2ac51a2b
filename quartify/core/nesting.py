"""Room for deeply nested but valid code.

Python's parser accepts up to 200 nested brackets; LibCST and quartify's own visitors recurse a
few frames per level, so 180 nested lists exceed the default recursion limit of 1000. The
per-file stages run under `deep_enough()`, which raises the limit to a fixed bound while they
run and restores it afterwards. The bound is several times what the deepest bracket nesting
needs (about 1450 frames for 199 brackets), yet small enough for the C stack (Python >= 3.11
does not use the C stack for pure Python calls) and for pathological input (a 5000-term chain)
to fail fast. What is still too deep fails alone with `TOO_DEEP`, never as an internal error.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

LIMIT = 3000
TOO_DEEP = "the code is nested too deeply for quartify (expressions or blocks thousands of levels deep)"


@contextmanager
def deep_enough() -> Iterator[None]:
    """Raise the recursion limit to `LIMIT` in the main thread (other threads keep theirs:
    their C stacks can be small)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def caused_by_depth(exc: BaseException) -> bool:
    """A RecursionError, or an error raised from one (the index wraps the parser's). CPython's
    parser reports its own stack overflow as a MemoryError, which a source file of a few
    kilobytes cannot otherwise cause."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (RecursionError, MemoryError)):
            return True
        seen = seen.__cause__
    return False
