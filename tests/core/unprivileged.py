"""Run a child process that honours file permissions, even when the tests run as root.

Root ignores mode bits because it holds CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so a
`chmod 000` file or a `chmod 555` directory fails nothing. The child keeps uid 0 (it can still
reach the interpreter under /root) but drops those two capabilities from its bounding set
before exec; the kernel then computes its capabilities without them, and the ordinary owner
permission bits apply to it. As a normal user nothing needs dropping.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable

import pytest

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


def _drop_dac_capabilities() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def permission_checked_child() -> Callable[[], None] | None:
    """A `preexec_fn` for `subprocess.run` under which mode bits are enforced."""
    if sys.platform == "win32":
        pytest.skip("Windows has no POSIX mode bits to make a file unreadable or a directory read-only")
    if os.geteuid() != 0:
        return None
    if not sys.platform.startswith("linux"):
        pytest.skip("running as root outside Linux: root bypasses mode bits and there is no capability to drop")
    return _drop_dac_capabilities
