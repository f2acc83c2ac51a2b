"""Dataclass docstrings worked out when they are read, not when each class is made.

A dataclass without a docstring gets one made from its signature (`Name(a: int, b: str = 'x')`):
`dataclasses` calls `inspect.signature(cls)` and formats every annotation. LibCST's matchers
define some 500 such classes whose annotations are long unions, and formatting them was about
a quarter of the CPU the command spends importing LibCST (~0.12 s on the benchmark machine, paid
in the main process before the transform pool forks, and by a one-file check that edits). Nothing
quartify runs reads those docstrings. So the console script (through `fast_dataclasses.install`)
has `dataclasses` skip the signature of the class it is making and gives the class a `__doc__`
that makes the same text on first read (`cls.__doc__`, `help()`, an instance's `__doc__`).

The text is the one `dataclasses` would have written, worked out from the class as it is when
first read (a decorator that later replaced the generated `__init__` would show in it). Only
the signature call `dataclasses` makes for the class in hand is deferred; any other use of
`inspect` through `dataclasses` goes to `inspect` itself.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any


class _Deferred(TypeError):
    """Given to `dataclasses` instead of a signature: it catches TypeError and writes the bare
    class name, which `_process_class` below replaces with a `LazyDoc`."""


class LazyDoc:
    """A class's `__doc__`: `Name(signature)` as `dataclasses` writes it, made on first read."""

    def __init__(self, cls: type, kwargs: dict[str, Any]) -> None:
        self.cls = cls
        self.kwargs = kwargs  # what dataclasses passed to inspect.signature
        self.text: str | None = None

    def __get__(self, obj: object, owner: type | None = None) -> str:
        if self.text is None:
            try:
                sig = str(inspect.signature(self.cls, **self.kwargs)).replace(" -> None", "")
            except (TypeError, ValueError):
                sig = ""
            self.text = self.cls.__name__ + sig
        return self.text


_making: list[tuple[type, list[dict[str, Any]]]] = []  # the class being made, the deferred call's kwargs


class _Inspect:
    """What `dataclasses` sees as `inspect`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)

    def signature(self, obj: Any, /, **kwargs: Any) -> inspect.Signature:
        if _making and obj is _making[-1][0]:
            _making[-1][1].append(kwargs)
            raise _Deferred
        return inspect.signature(obj, **kwargs)


def install() -> bool:
    """Defer the docstrings of the dataclasses made from now on; False where this `dataclasses`
    has no `_process_class` to wrap (nothing changes)."""
    process = getattr(dataclasses, "_process_class", None)
    if process is None or getattr(process, "lazy_docs", False):
        return False

    def _process_class(cls: type, *args: Any, **kwargs: Any) -> Any:
        deferred: list[dict[str, Any]] = []
        _making.append((cls, deferred))
        try:
            made = process(cls, *args, **kwargs)
        finally:
            _making.pop()
        if deferred and isinstance(made, type) and vars(made).get("__doc__") == made.__name__:
            made.__doc__ = LazyDoc(made, deferred[0])  # type: ignore[assignment]  # a descriptor, read as str
        return made

    _process_class.lazy_docs = True  # type: ignore[attr-defined]
    dataclasses._process_class = _process_class  # type: ignore[attr-defined]
    setattr(dataclasses, "inspect", _Inspect())  # noqa: B010  # the module global its _process_class reads
    return True
