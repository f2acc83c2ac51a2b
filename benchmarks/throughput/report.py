"""The printed results: one block per endpoint, servers side by side, ratios to Flask sync.

Every ratio divides two numbers measured in the same run (the machine is shared, so numbers
from another run are not comparable). A cell that had errors is marked ``!`` and counted
under the block, a row that could not run says why instead of showing numbers, and the last
line has one fixed format that scripts (and the issue's acceptance) read.

A cell can be taken in several interleaved rounds (c=50 by default: every server once per
round, so each round's two numbers of a ratio are seconds apart): the table shows the round with
the median req/s, and a ratio is the median of the per-round ratios, with their range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .loadgen import Measurement

BASELINE = "flask-sync"
LAST_LINE_PREFIX = "io-bound ratio vs Flask sync workers at concurrency 50"


@dataclass(frozen=True)
class Endpoint:
    key: str
    path: str
    title: str


@dataclass(frozen=True)
class Row:
    """One server on one endpoint: a measurement per concurrency, or the reason there is none."""

    series: str
    label: str
    endpoint: str
    cells: dict[int, Measurement] = field(default_factory=dict)
    error: str = ""
    rounds: dict[int, tuple[Measurement, ...]] = field(default_factory=dict)  # every round, where repeated


def median_round(rounds: Sequence[Measurement]) -> Measurement:
    """The round with the median req/s (the lower of the two middle ones for an even count)."""
    ordered = sorted(rounds, key=lambda m: m.ok_per_second)
    return ordered[(len(ordered) - 1) // 2]


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def ratio(rows: Sequence[Row], series: str, endpoint: str, concurrency: int) -> float | None:
    """series' successful req/s over Flask sync workers' on the same endpoint and concurrency:
    the median of the per-round ratios where both were taken in the same rounds."""
    spread = ratio_rounds(rows, series, endpoint, concurrency)
    if spread:
        return _median(spread)
    mine = _cell(rows, series, endpoint, concurrency)
    base = _cell(rows, BASELINE, endpoint, concurrency)
    if mine is None or base is None or base.ok_per_second <= 0:
        return None
    return mine.ok_per_second / base.ok_per_second


def ratio_rounds(rows: Sequence[Row], series: str, endpoint: str, concurrency: int) -> list[float]:
    """One ratio per interleaved round, when both series were measured in the same rounds."""
    mine, base = _row(rows, series, endpoint), _row(rows, BASELINE, endpoint)
    if mine is None or base is None:
        return []
    ours, theirs = mine.rounds.get(concurrency, ()), base.rounds.get(concurrency, ())
    if len(ours) < 2 or len(ours) != len(theirs) or any(b.ok_per_second <= 0 for b in theirs):
        return []
    return [m.ok_per_second / b.ok_per_second for m, b in zip(ours, theirs, strict=True)]


def _row(rows: Sequence[Row], series: str, endpoint: str) -> Row | None:
    return next((r for r in rows if r.series == series and r.endpoint == endpoint and not r.error), None)


def _cell(rows: Sequence[Row], series: str, endpoint: str, concurrency: int) -> Measurement | None:
    for row in rows:
        if row.series == series and row.endpoint == endpoint and not row.error:
            return row.cells.get(concurrency)
    return None


def _number(value: float | None, width: int, digits: int) -> str:
    return f"{'-' if value is None else f'{value:.{digits}f}':>{width}}"


def _cell_text(cell: Measurement | None, ratio_value: float | None, concurrency: int) -> str:
    """req/s, p50, p99, cpu/r, xsync of one cell.

    cpu/r is left out when the cell served fewer responses than it had connections: the CPU
    then went mostly to requests still in flight when the cell ended, and the quotient says
    nothing about the cost of a response.
    """
    if cell is None:
        return f"{'-':>11} {'-':>7} {'-':>7} {'-':>5} {'-':>5}"
    served = cell.requests > cell.errors
    cpu = cell.cpu_ms_per_response if cell.requests - cell.errors >= concurrency else None
    mark = "!" if cell.errors or cell.capped else " "
    return (f"{cell.ok_per_second:10.1f}{mark} {_number(cell.p50_ms if served else None, 7, 1)} "
            f"{_number(cell.p99_ms if served else None, 7, 1)} {_number(cpu, 5, 1)} "
            f"{_number(ratio_value, 5, 2)}")


def _note(row: Row, concurrency: int, cell: Measurement) -> str:
    what = [f"{cell.errors} errors ({cell.timeouts} timeouts)"] if cell.errors else []
    if cell.capped:
        what.append("stopped at the request cap (req/s understated)")
    return f"  ! {row.label} c={concurrency}: {cell.requests} requests, " + ", ".join(what)


def format_block(endpoint: Endpoint, rows: Sequence[Row], concurrencies: Sequence[int], label_width: int) -> list[str]:
    group = " | ".join(f"{'c=' + str(c) + ' req/s':>11} {'p50':>7} {'p99':>7} {'cpu/r':>5} {'xsync':>5}" for c in concurrencies)
    lines = [f"{endpoint.title} ({endpoint.path})", f"  {'server':<{label_width}} | {group}"]
    notes: list[str] = []
    for row in (r for r in rows if r.endpoint == endpoint.key):
        if row.error:
            lines.append(f"  {row.label:<{label_width}} | FAILED: {row.error}")
            continue
        parts = []
        for concurrency in concurrencies:
            cell = row.cells.get(concurrency)
            parts.append(_cell_text(cell, ratio(rows, row.series, row.endpoint, concurrency), concurrency))
            if cell is not None and (cell.errors or cell.capped):
                notes.append(_note(row, concurrency, cell))
        lines.append(f"  {row.label:<{label_width}} | " + " | ".join(parts))
    return lines + notes


def format_table(endpoints: Sequence[Endpoint], rows: Sequence[Row], concurrencies: Sequence[int]) -> str:
    """The whole table: req/s (successful responses), p50/p99 in ms, ratio to Flask sync workers."""
    width = max([len(row.label) for row in rows] + [6])
    blocks: list[str] = []
    for endpoint in endpoints:
        blocks.extend(format_block(endpoint, rows, concurrencies, width))
        blocks.append("")
    return "\n".join(blocks).rstrip("\n")


def _spread(rows: Sequence[Row], series: str, endpoint: str, concurrency: int) -> str:
    """`1.23 [1.10-1.31]`: the median ratio and its range over the rounds (the ratio alone if taken once)."""
    value = ratio(rows, series, endpoint, concurrency)
    if value is None:
        return "-"
    spread = ratio_rounds(rows, series, endpoint, concurrency)
    return f"{value:.2f} [{min(spread):.2f}-{max(spread):.2f}]" if spread else f"{value:.2f}"


def format_summary(endpoints: Sequence[Endpoint], rows: Sequence[Row], columns: Sequence[tuple[str, str]],
                   concurrency: int) -> str:
    """Per endpoint, each column's ratio to Flask sync workers at one concurrency: the median over
    the interleaved rounds and its range. columns: (series, heading)."""
    rounds = max((len(r.rounds.get(concurrency, ())) for r in rows), default=0)
    taken = f"median [min-max] of {rounds} interleaved rounds" if rounds > 1 else "one round"
    width = max([len(heading) for _, heading in columns] + [18])
    lines = [f"ratio to Flask sync workers at c={concurrency}, {taken}:",
             f"  {'endpoint':<12} " + " ".join(f"{heading:>{width}}" for _, heading in columns)]
    for endpoint in endpoints:
        cells = [f"{_spread(rows, series, endpoint.key, concurrency):>{width}}" for series, _ in columns]
        lines.append(f"  {endpoint.key:<12} " + " ".join(cells))
    return "\n".join(lines)


def never_slower(endpoints: Sequence[Endpoint], rows: Sequence[Row], series: str, concurrency: int) -> str:
    """The acceptance question in one line: is the default's median ratio >= 1.00 on every endpoint?"""
    values = {e.key: ratio(rows, series, e.key, concurrency) for e in endpoints}
    missing = [k for k, v in values.items() if v is None]
    if missing:
        return f"default never slower than Flask sync workers at c={concurrency}: not measured on {', '.join(missing)}"
    slower = [f"{k} {v:.2f}" for k, v in values.items() if v is not None and v < 1.0]
    verdict = "yes" if not slower else "NO (" + ", ".join(slower) + ")"
    return f"default never slower than Flask sync workers at c={concurrency} (median ratio >= 1.00 on every endpoint): {verdict}"


def last_line(default: float | None, unsafe: float | None, unsafe_reason: str = "") -> str:
    """The fixed closing line; a missing number says FAILED and why, never a made-up value."""
    def shown(value: float | None, reason: str) -> str:
        return f"{value:.2f}" if value is not None else f"FAILED ({reason or 'not measured'})"
    return f"{LAST_LINE_PREFIX}: default {shown(default, '')}, unsafe-fixes {shown(unsafe, unsafe_reason)}"


DOC_BEGIN = "<!-- throughput:begin -->"
DOC_END = "<!-- throughput:end -->"


def write_into_doc(doc: Path, text: str, when: str) -> None:
    """Replace what lies between the markers of doc with this run's printout, as a code block."""
    content = doc.read_text()
    if DOC_BEGIN not in content or DOC_END not in content:
        raise SystemExit(f"{doc} has no {DOC_BEGIN} ... {DOC_END} block to write the table into")
    head, rest = content.split(DOC_BEGIN, 1)
    _, tail = rest.split(DOC_END, 1)
    block = f"{DOC_BEGIN}\nWritten by `benchmarks/throughput.py --doc` on {when}:\n\n```text\n{text}\n```\n{DOC_END}"
    doc.write_text(head + block + tail)
