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
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(freeze: bool = False) -> Iterator[None]:
    """Collector off inside; with `freeze`, what survives is frozen on the way out. Nested uses
    are free: the outermost one owns the collector."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        gc.enable()


def release() -> None:
    """Hand frozen objects back to the collector and collect cycles (an idle moment's work)."""
    gc.unfreeze()
    gc.collect()
