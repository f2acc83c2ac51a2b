"""Keep Python's cyclic garbage collector off the objects a run builds.

A run over a large project loads or builds hundreds of thousands of small objects (every file's
index, the linker's tables, the graph), nearly none of them in reference cycles. With the
collector on, each full collection walks all of them again, and so does the interpreter at exit:
on a 50 kLOC project that was a third of a warm one-file check's CPU time. So every run pauses
the collector (`migrate` does). The command line and the language server also ask for `freeze`:
at the end, what survives moves into the permanent generation (`gc.freeze`), where no later
collection and no exit walks it. Objects there are still freed by reference counting; garbage in
cycles (and any the collector had not reached yet) waits for `release()`, which the language
server calls every so many runs and a one-shot process never needs. A library caller (tests, a
script) gets no freeze, so nothing it leaves behind is kept from the collector.

Reference counting still frees a run's objects one by one when its frames end. The console
script asks for `keep` as well (cli/oneshot.py): what the run hands to `keep()` is then held to
the end of the process, which ends by `os._exit` without freeing it. Elsewhere `keep()` holds
nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_HELD: list[tuple[object, ...]] = []  # what one-shot runs kept: never emptied
_holding = False  # inside `paused(keep=True)`


@contextmanager
def paused(freeze: bool = False, keep: bool = False) -> Iterator[None]:
    """Collector off inside; with `freeze`, what survives is frozen on the way out; with `keep`,
    what the run passes to `keep()` inside is held until the process ends. Nested uses are
    free: the outermost one owns the collector (and the keeping)."""
    global _holding
    if not gc.isenabled():
        yield
        return
    gc.disable()
    _holding = keep
    try:
        yield
    finally:
        _holding = False
        if freeze:
            gc.freeze()
        gc.enable()


def keep(*objects: object) -> None:
    """Inside `paused(keep=True)`: hold `objects` until the process ends (a one-shot process
    then ends without freeing them). Anywhere else: nothing."""
    if _holding:
        _HELD.append(objects)


def kept() -> bool:
    """Whether some run held objects until the process ends."""
    return bool(_HELD)


def release() -> None:
    """Hand frozen objects back to the collector and collect cycles (an idle moment's work)."""
    gc.unfreeze()
    gc.collect()
