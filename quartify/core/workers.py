"""The run's process pools: one for the index stage, and one forked after solving that plans,
transforms and verifies each file in the same task.

Planning and verification (a re-index and re-plan of each output) need the repo plan, which
is large; a pool forked once it exists inherits it (and the indexed files) instead of
receiving it pickled, so a task is only a file's display name and its answer the file's
plan and result. Where `fork` is not the platform's safe default (macOS, Windows), the
transform runs in the index pool and planning and verification in the calling process.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from quartify.analysis.plan import FilePlan, RepoPlan, plan_file
from quartify.core.nesting import deep_enough
from quartify.core.stages import Indexed, Transformed, TransformFailed, transform_file, verify_file
from quartify.core.types import FileResult, Status

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

R = TypeVar("R")
_FEW = 8  # planning fewer files than this stays in the calling process

Done = Transformed | TransformFailed


class Workers:
    """The index pool (started on first use), fed in chunks: a task per file spent more on
    its round trip than small files take."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[..., R], args: Sequence[tuple[object, ...]], workers: int | None = None,
            meanwhile: Callable[[], object] | None = None) -> list[R]:
        """`fn` over `args` in the pool, in order. `meanwhile` runs in this process once the
        tasks are handed out (the workers are forked by then, so they do not inherit what it
        loads), while this process would otherwise only wait for their answers."""
        wanted = self.workers if workers is None else workers
        if wanted <= 1 or len(args) < 2:
            return [fn(*a) for a in args]
        if self.pool is None:
            # imported here: a run that indexes at most one file (a one-file check) never starts a pool
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=self.workers)
        answers = self.pool.map(fn, *zip(*args, strict=True), chunksize=self._chunk(len(args)))
        if meanwhile is not None:
            meanwhile()
        return list(answers)

    def _chunk(self, tasks: int) -> int:
        # Small chunks, so both workers finish together: with four per worker, the last chunk
        # (~43 of CTFd's 346 files) left the other worker idle for a tenth of the stage.
        return max(1, tasks // (self.workers * 16))

    def will_fork(self, files: int) -> bool:
        """Whether planning `files` files forks a pool (which loads the rewrites first)."""
        return self.workers > 1 and files >= _FEW and self.can_fork

    def preload(self) -> None:
        """Load LibCST and the rewrites the forked pool's workers will share (`plan_transform_verify`
        does so anyway when it forks; earlier, this process does it while the index workers run)."""
        from quartify.codemods.apply import load_all

        load_all()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    @property
    def can_fork(self) -> bool:
        import multiprocessing

        return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()

    def plan_transform_verify(self, repo: RepoPlan, items: dict[str, Indexed], wanted: Sequence[str],
                              done: dict[str, tuple[FilePlan, Done]]) -> dict[str, Checked]:
        """Each file of `wanted`: its plan, its transform when it has edits (reused from `done`
        when the plan is the same) and its result, verified; in a pool forked now (or in this
        process for a few files)."""
        global _TASK
        _TASK = _Task(repo, items, done)
        try:
            if self.workers <= 1 or len(wanted) < _FEW:
                return {d: _one(d) for d in wanted}
            if not self.can_fork:
                return self._split(wanted)
            self.close()  # the index pool was forked before the plan existed
            # LibCST and the rewrites load here once (if not already: `preload`), not in every
            # forked worker on every run (a run over few files, or none, never forks and never
            # loads them unless needed).
            self.preload()
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork")
            chunk = max(1, len(wanted) // (self.workers * 16))
            with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
                return dict(zip(wanted, pool.map(_one, wanted, chunksize=chunk), strict=True))
        finally:
            _TASK = None

    def _split(self, wanted: Sequence[str]) -> dict[str, Checked]:
        """Without fork: plans and verification in this process, transforms in the index pool."""
        global _TASK
        task = _TASK
        assert task is not None
        plans = {d: plan_file(task.repo, task.items[d].index) for d in wanted}
        todo = [d for d, plan in plans.items() if plan.has_edits and (d not in task.done or task.done[d][0] != plan)]
        fresh = self.map(transform_file, [(task.items[d].text, plans[d]) for d in todo])
        done = {d: (plans[d], t) for d, t in zip(todo, fresh, strict=True)}
        _TASK = _Task(task.repo, task.items, {**task.done, **done})
        return {d: _one(d, plans[d]) for d in wanted}


@dataclass(frozen=True)
class Checked:
    """One file's plan, its transform (None: no edits) and its result."""

    plan: FilePlan
    transformed: Done | None
    result: FileResult


@dataclass(frozen=True)
class _Task:
    repo: RepoPlan
    items: dict[str, Indexed]
    done: dict[str, tuple[FilePlan, Done]]


_TASK: _Task | None = None  # set before the pool forks: its workers read it, nothing is sent


def _one(display: str, plan: FilePlan | None = None) -> Checked:
    task = _TASK
    assert task is not None
    item = task.items[display]
    if plan is None:
        plan = plan_file(task.repo, item.index)
    if not plan.has_edits:
        return Checked(plan, None, FileResult(item.path, Status.UNCHANGED, item.text, findings=plan.findings))
    prior = task.done.get(display)
    transformed = prior[1] if prior is not None and prior[0] == plan else transform_file(item.text, plan)
    with deep_enough():  # the output is as deep as the input the stages handled
        return Checked(plan, transformed, verify_file(task.repo, item, plan, transformed))
