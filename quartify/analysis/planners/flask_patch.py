"""The quart-flask-patch route: Flask extensions that run unchanged on a patched `flask`.

When the project imports an extension that takes this route (`takes_patch`), every module that
builds the app (and every conftest.py) gets `import quart_flask_patch` and the import of
`quart_flask_compat` as its first imports, so the extensions bind the patched `flask` whichever
module the tests or the server import first. `quart_flask_compat` is a file quartify writes next
to the module that creates the app (`compat_file`): it completes quart-flask-patch 0.3.0 under
Quart >= 0.19 (quartify/runtime/quart_flask_compat.py says what and why). The app's own code is
still migrated to Quart; the extensions' code sees the patched `flask` and runs synchronously
on the event loop, which QFY143 reports once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from quartify.analysis.edits import Edit
from quartify.analysis.flask_facts import is_app_class
from quartify.analysis.graph import is_test_module
from quartify.analysis.link import Linker
from quartify.analysis.model import ModuleIndex
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core import bundled
from quartify.core.lazy_index import module_calls
from quartify.core.types import Finding, Severity, Span
from quartify.rules import extensions as matrix
from quartify.rules.extensions import Strategy

PATCH_MODULE = "quart_flask_patch"
COMPAT_NAME = "quart_flask_compat"
PATCH_REQUIREMENT = "quart-flask-patch>=0.3"
CODE = "QFY143"

def takes_patch(import_name: str, wanted: Strategy = Strategy.NATIVE) -> bool:
    """Whether the Flask extension imported as `import_name` runs under quart-flask-patch in a
    run with `--extensions wanted` (its matrix row, quartify/rules/extensions.toml)."""
    row = matrix.by_module(import_name)
    return row is not None and row.effective(wanted) is Strategy.PATCH


@dataclass(frozen=True)
class PatchRoute:
    """The repo-wide decision: which extensions take the patch and where the compat module lives."""

    extensions: tuple[str, ...]  # the matrix modules imported (`flask_login`, `playhouse.flask_utils`), sorted
    compat: str  # dotted name of the compat module
    compat_path: str  # its path, next to the module that creates the app
    host: str  # that module: the cost is reported there, once
    entry_modules: frozenset[str]  # modules that get the imports


def _is_app_class(linker: Linker, resolved: str) -> bool:
    """Flask/Quart, or a repo class deriving from one (`class CTFdFlask(Flask)`)."""
    if is_app_class(resolved):
        return True
    return resolved in linker.classes and any(is_app_class(base) for base in linker.mro(resolved))


def _builds_app(linker: Linker, module: ModuleIndex) -> bool:
    """Whether `module` calls the app class (or a repo subclass) anywhere. Read from the module's
    call references, which a cached module holds in its head: a one-file check reads no body."""
    return any(_is_app_class(linker, linker.resolve(ref)) for ref in module_calls(module))


def _compat_location(host: ModuleIndex) -> tuple[str, str]:
    folder = host.path.rpartition("/")[0]
    package = host.module if host.is_package else host.module.rpartition(".")[0]
    dotted = f"{package}.{COMPAT_NAME}" if package else COMPAT_NAME
    return dotted, f"{folder}/{COMPAT_NAME}.py" if folder else f"{COMPAT_NAME}.py"


def _patched_name(import_name: str) -> str:
    """The name QFY143 gives an import that takes the patch: its matrix row's module
    (`flask_sqlalchemy` for `flask_sqlalchemy.model`; `playhouse.flask_utils`, not all of `playhouse`)."""
    row = matrix.by_module(import_name)
    modules = row.modules if row is not None else ()
    return next((m for m in modules if import_name == m or import_name.startswith(m + ".")), import_name.split(".", 1)[0])


@lru_cache(maxsize=2)
def patch_route(linker: Linker, wanted: Strategy = Strategy.NATIVE) -> PatchRoute | None:
    """The patch route for this repo, or None when no imported extension takes it or no module
    builds the app."""
    modules = sorted(linker.modules.values(), key=lambda m: m.path)
    extensions = sorted({_patched_name(name) for m in modules for _, _, name, _ in m.extension_imports
                         if takes_patch(name, wanted)})
    if not extensions:
        return None
    builders = [m for m in modules if _builds_app(linker, m)]
    hosts = [m for m in builders if not is_test_module(m.path)] or builders
    if not hosts:
        return None
    compat, compat_path = _compat_location(hosts[0])
    entries = {m.module for m in builders} | {m.module for m in modules if m.path.rpartition("/")[2] == "conftest.py"}
    return PatchRoute(tuple(extensions), compat, compat_path, hosts[0].module, frozenset(entries))


@dataclass(frozen=True)
class PatchImports(Edit):
    """`import quart_flask_patch` and `import <compat>` become the first imports of the module
    (after its docstring and `from __future__` imports)."""

    compat: str
    settles = True


def imports_patch(module: ModuleIndex) -> bool:
    return dict(module.bindings).get(PATCH_MODULE) == PATCH_MODULE


@planner
def plan_flask_patch(ctx: FileContext) -> Iterator[Edit | Finding]:
    route = patch_route(ctx.linker, ctx.repo.options.extensions)
    if route is None or ctx.module.module not in route.entry_modules or imports_patch(ctx.module):
        return
    yield PatchImports(Span(1, 0, 1, 0), route.compat)
    if ctx.module.module != route.host:
        return
    names = ", ".join(route.extensions)
    yield ctx.finding(
        CODE, Severity.WARNING,
        f"{names} run unchanged under quart-flask-patch: `import quart_flask_patch` and `import {route.compat}` "
        f"(written to {route.compat_path}, completing the patch for Quart >= 0.19) are now the first imports, "
        f"and {PATCH_REQUIREMENT} is added to the dependencies. Cost: the extensions' code is synchronous and "
        "runs on the event loop (a slow query or SMTP call stalls every request), and the patch forces "
        "asyncio's pure-Python tasks. The native route is a Quart port or async library per extension "
        "(docs/extensions.md)" + "".join(matrix.shared_module_note(name) for name in route.extensions), 1, 0)


def compat_source(version: str) -> str:
    """The text of the compat module quartify writes into the migrated project, headed by where
    it comes from."""
    body = bundled.read_text("quartify.runtime", f"{COMPAT_NAME}.py")
    header = (f"# Written by quartify {version} (from quartify/runtime/{COMPAT_NAME}.py) for quart-flask-patch 0.3.\n"
              "# quartify leaves an existing copy alone: delete it to take a newer one.\n")
    return header + body
