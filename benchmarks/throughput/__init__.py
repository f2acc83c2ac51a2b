"""Helpers of `benchmarks/throughput.py`: the throughput a Flask app keeps after quartify.

Teams move to Quart for throughput under I/O, so quartify's output has to be measured, not
assumed. The package holds the subject app (``app/``), the hand-written async reference
(``reference/``), the fake upstream, and the pieces of the harness: the virtualenv, the
migrations, the servers, the load generator (wrk) and the table. Only the standard library
is imported here: everything measured runs from the benchmark's own virtualenv.
"""
