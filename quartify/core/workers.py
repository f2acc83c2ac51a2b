"""The run's process pools: one for the index stage, and one forked after planning that
transforms and verifies each edited file in the same task.

Verification re-indexes and re-plans each output against the repo plan, which is large; a
pool forked once the plan exists inherits it (and the indexed files) instead of receiving it
pickled, so a task is only a file's display name and its answer the file's result. Where
`fork` is not the platform's safe default (macOS, Windows), the transform runs in the index
pool and verification in the calling process, as before.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from quartify.analysis.plan import FilePlan, RepoPlan
from quartify.core.nesting import deep_enough
from quartify.core.stages import Indexed, Transformed, TransformFailed, transform_file, verify_file
from quartify.core.types import FileResult

R = TypeVar("R")

Done = Transformed | TransformFailed


class Workers:
    """The index pool (started on first use), fed in chunks: a task per file spent more on
    its round trip than small files take."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[..., R], args: Sequence[tuple[object, ...]], workers: int | None = None) -> list[R]:
        wanted = self.workers if workers is None else workers
        if wanted <= 1 or len(args) < 2:
            return [fn(*a) for a in args]
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.workers)
        return list(self.pool.map(fn, *zip(*args, strict=True), chunksize=self._chunk(len(args))))

    def _chunk(self, tasks: int) -> int:
        return max(1, tasks // (self.workers * 4))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def _transform_here_verify(self, edited: list[str]) -> dict[str, tuple[Done, FileResult]]:
        """Without fork: transforms in the index pool, verification in this process."""
        global _TASK
        task = _TASK
        assert task is not None
        todo = [d for d in edited if d not in task.done or task.done[d][0] != task.plans[d]]
        fresh = self.map(transform_file, [(task.items[d].text, task.plans[d]) for d in todo])
        done = {**task.done, **{d: (task.plans[d], t) for d, t in zip(todo, fresh, strict=True)}}
        _TASK = _Task(task.repo, task.items, task.plans, done)
        return {d: _one(d) for d in edited}

    @property
    def can_fork(self) -> bool:
        return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()

    def transform_and_verify(self, repo: RepoPlan, items: dict[str, Indexed], plans: dict[str, FilePlan],
                             done: dict[str, tuple[FilePlan, Done]]) -> dict[str, tuple[Done, FileResult]]:
        """Every edited file of `plans`: its transform (reused from `done` when its plan is the
        same) and its verified result, in a pool forked now (or in this process for a few)."""
        edited = [d for d, plan in plans.items() if plan.has_edits]
        global _TASK
        _TASK = _Task(repo, items, plans, done)
        try:
            todo = sum(1 for d in edited if d not in done or done[d][0] != plans[d])
            if self.workers <= 1 or todo < 8:
                return {d: _one(d) for d in edited}
            if not self.can_fork:
                return self._transform_here_verify(edited)
            self.close()  # the index pool was forked before the plan existed
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
                return dict(zip(edited, pool.map(_one, edited, chunksize=max(1, len(edited) // (self.workers * 8))),
                                strict=True))
        finally:
            _TASK = None


@dataclass(frozen=True)
class _Task:
    repo: RepoPlan
    items: dict[str, Indexed]
    plans: dict[str, FilePlan]
    done: dict[str, tuple[FilePlan, Done]]


_TASK: _Task | None = None  # set before the pool forks: its workers read it, nothing is sent


def _one(display: str) -> tuple[Done, FileResult]:
    task = _TASK
    assert task is not None
    item, plan = task.items[display], task.plans[display]
    prior = task.done.get(display)
    transformed = prior[1] if prior is not None and prior[0] == plan else transform_file(item.text, plan)
    with deep_enough():  # the output is as deep as the input the stages handled
        return transformed, verify_file(task.repo, item, plan, transformed)
