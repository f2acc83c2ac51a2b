"""Quart Jinja values followed where ordinary resolution stops: through properties, and by name
on values the index cannot type.

Quart's Jinja environment is async, so a template it loads must be rendered with
`await t.render_async(...)` (quart-api.md §1.12). `rules/quart_api.toml` names these values
(`[returns]`: `app.jinja_env`, `.overlay()`, `.get_template()`... are `quartify.jinja.*`), and
the linker follows them through locals, returns and attributes like any other value. Two
places lose them, and this module is how the linker gets them back:

- a `@property` / `functools.cached_property` getter: `obj.env` reads the getter's return value,
  but the linker treats a method read without a call as the function itself;
- an attribute read on a value quartify cannot type (`registry.lookup(name).env`, the result of
  an untyped call): when exactly one repo class defines that attribute (a property or an
  attribute set on `self`) and its value is a Quart Jinja kind, the read is taken to be that.

Both are restricted to the Jinja kinds: a wider reach would change what other rules await.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quartify.analysis.scopes import UNRESOLVED

if TYPE_CHECKING:
    from quartify.analysis.link import Linker
    from quartify.analysis.model import Use

JINJA = "quartify.jinja."
ENVIRONMENT = "quartify.jinja.Environment()"
TEMPLATE = "quartify.jinja.Template()"
RENDER = f"{TEMPLATE}.render"
PROPERTY_DECORATORS = frozenset({"builtins.property", "functools.cached_property"})
_ITEM_READS = ("[]", ".get()", ".pop()", ".setdefault()")
G_PREFIX = "flask.g."  # an attribute of `g` the repo never assigns a known value to

def is_jinja(resolved: str) -> bool:
    return resolved.startswith(JINJA)


def is_template_render(linker: Linker, use: Use) -> bool:
    """A `render()` call on a Quart template (planners/jinja_render.py awaits it, asyncify leaves it)."""
    return use.kind == "call" and linker.resolve(use.ref) == RENDER


def is_property(linker: Linker, qualname: str) -> bool:
    func = linker.functions.get(qualname)
    return func is not None and any(linker.resolve(d.ref) in PROPERTY_DECORATORS for d in func.decorators)


def untyped(linker: Linker, resolved: str) -> bool:
    """A value the index could not type (QFY104's test, plus attributes of `g` and container
    items), or an attribute or call result of one: unresolvable, an unannotated parameter, a path
    into the repo that names no function or class, `g.x`, or an item read from a builtin dict or list."""
    from quartify.analysis.link import join, tokens  # link imports this module

    parts = tokens(resolved)
    return any(_untyped_here(linker, join(parts[:end])) for end in range(len(parts), 0, -1))


def _untyped_here(linker: Linker, resolved: str) -> bool:
    if resolved.startswith(("@", UNRESOLVED, G_PREFIX)):  # `@param:`, `@any{`, `?`
        return True
    if resolved.startswith("builtins.") and resolved.endswith(_ITEM_READS):
        return True  # an item of a dict or list: `self.items.get(key)`
    bare = resolved.removesuffix("()")
    if bare in linker.functions or bare in linker.classes or resolved in linker.modules:
        return False
    return resolved.split(".", 1)[0] in linker.top_packages


def jinja_attributes(linker: Linker) -> dict[str, str]:
    """Attribute name -> the one repo class defining it (as a property or a `self.x = ...`), for
    names whose value there is a Quart Jinja kind; a name two classes define is left out."""
    found: dict[str, set[str]] = {}
    for klass in linker.classes.values():
        for method in klass.methods:
            if is_property(linker, f"{klass.qualname}.{method}"):
                found.setdefault(method, set()).add(klass.qualname)
        for name, ref in klass.attributes:
            if ref:
                found.setdefault(name, set()).add(klass.qualname)
    single = {name: next(iter(owners)) for name, owners in found.items() if len(owners) == 1}
    return {name: owner for name, owner in single.items() if is_jinja(linker.resolve(f"{owner}().{name}"))}
