"""The reason chains behind a run, as text: what `quartify explain` prints."""

from __future__ import annotations

from pathlib import Path

from quartify.analysis.model import FunctionInfo
from quartify.analysis.repo import RepoPlan
from quartify.core.config import Options
from quartify.core.pipeline import inputs_for, plan_repo
from quartify.core.stages import Indexed, index_file


def explain_function(root: Path, path: Path, qualname: str, options: Options) -> tuple[str, bool]:
    inputs, _excluded, base = inputs_for([root], options)
    indexed = [index_file(f.path, f.display, f.module, f.is_package) for f in inputs]
    repo = plan_repo([i.index for i in indexed if isinstance(i, Indexed)])
    display = path.resolve().relative_to(base).as_posix() if path.resolve().is_relative_to(base) else path.as_posix()
    target = None
    for mod in repo.linker.modules.values():
        if mod.path != display:
            continue
        for func in mod.functions:
            if func.qualname[len(mod.module) + 1 :].replace(".<locals>", "") == qualname:
                target = func
    if target is None:
        return f"{path}::{qualname}: no such function in the index", False
    return explain_in(repo, target), True


def explain_in(repo: RepoPlan, target: FunctionInfo) -> str:
    """The chain for one indexed function of a solved repo (also the LSP's hover text)."""
    mod = repo.linker.module_of[target.qualname]
    qualname = target.qualname[len(mod.module) + 1 :].replace(".<locals>", "")
    where = f"{mod.path}:{target.span.line}"
    kind = repo.graph.kinds[target.qualname]
    lines = []
    if repo.is_async(target.qualname):
        state = "is already async" if target.is_async else "becomes async def"
        lines.append(f"{where}: {qualname} {state}")
        for step in repo.chain_steps(target.qualname):
            lines.append(f"  {step.path}:{step.line}: {step.what}")
    else:
        blocked = [b for b in repo.solution.blocked if b.node == target.qualname]
        if blocked:
            lines.append(f"{where}: {qualname} stays sync although it needs async:")
            for b in blocked:
                lines.append(f"  {mod.path}:{b.line}: {b.why} (needed by {b.cause.replace('.<locals>', '')})")
                for step in repo.chain_steps(b.cause):
                    lines.append(f"    {step.path}:{step.line}: {step.what}")
        else:
            detail = f" ({kind.detail})" if kind.detail else ""
            lines.append(f"{where}: {qualname} stays sync: it reaches no Quart awaitable{detail}")
    return "\n".join(lines)
