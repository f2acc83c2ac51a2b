"""Throughput of a Flask app before and after quartify, under I/O, SQLite and trivial CPU load.

    python benchmarks/throughput.py [--quartify-src PATH] [--seconds 3] [--keep]

Creates (or reuses) its own virtualenv in benchmarks/.venv-throughput, installs the pinned
servers and quartify from the checkout, migrates benchmarks/throughput/app with quartify
(default options, --blocking todo/thread, --unsafe-fixes), serves each version on loopback,
drives it with wrk at concurrency 10, 50 and 200, and prints req/s, p50, p99 and the ratio
to Flask under gunicorn sync workers, all measured in the same run. Its last line is
`io-bound ratio vs Flask sync workers at concurrency 50: default X.XX, unsafe-fixes Y.YY`.
See docs/performance.md.
"""

import sys
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036 - the python3 on PATH may be older than quartify needs
    raise SystemExit("benchmarks/throughput.py needs Python 3.11 or newer (as quartify does)")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput.run import main

if __name__ == "__main__":
    raise SystemExit(main())
