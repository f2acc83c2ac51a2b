"""Run options, as one frozen value the CLI, stdin mode and tests all build the same way."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    jobs: int = 0  # 0: pick from the machine and the number of files
    exclude: tuple[str, ...] = ()

    def workers(self, files: int) -> int:
        if files < 8 or os.environ.get("PRE_COMMIT") == "1":
            return 1
        wanted = self.jobs or (os.cpu_count() or 1)
        return max(1, min(wanted, 61, (files + 3) // 4))
