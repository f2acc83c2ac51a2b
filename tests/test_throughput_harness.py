"""The throughput benchmark's bookkeeping: reading wrk, ratios, the table and the last line.

benchmarks/throughput.py is run by hand (it takes minutes and a quiet machine), so its parts
that decide what is printed are guarded here without timing anything: the result line its
wrk script prints, the ratio to Flask sync workers, the marks on cells with errors, the
FAILED row of a variant quartify refused, the exact closing line, the fake upstream's
answers, and the fingerprint that lets identical migrations share one measurement.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from throughput import loadgen, migrate, report, servers, upstream, venv

WRK_STDOUT = """\
Running 3s test @ http://127.0.0.1:41234/io
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   823.01ms   40.12ms 877.40ms   90.00%
    Req/Sec    62.10     20.00    90.00     60.00%
  181 requests in 3.03s, 30.12KB read
Requests/sec:     59.80
Transfer/sec:      9.94KB
THROUGHPUT-RESULT {"requests": 181, "duration_us": 3026800, "p50_us": 823012, "p99_us": 877401, \
"connect_errors": 0, "read_errors": 0, "write_errors": 0, "status_errors": 0, "timeouts": 0}
"""

IO = report.Endpoint("io-bound", "/io", "io-bound")


def cell(requests: int, seconds: float = 2.0, errors: int = 0) -> loadgen.Measurement:
    return loadgen.Measurement(requests=requests, seconds=seconds, p50_ms=50.0, p99_ms=90.0, errors=errors, timeouts=0)


def test_the_result_line_of_the_wrk_script_is_read_in_ms_and_seconds() -> None:
    measured = loadgen.parse_wrk_output(WRK_STDOUT, max_requests=100_000)

    assert (measured.requests, measured.seconds) == (181, 3.0268)
    assert (measured.p50_ms, measured.p99_ms) == (823.012, 877.401)
    assert measured.ok_per_second == pytest.approx(181 / 3.0268)
    assert not measured.capped and measured.errors == 0


def test_errors_and_timeouts_are_not_counted_as_served() -> None:
    line = WRK_STDOUT.replace('"status_errors": 0, "timeouts": 0', '"status_errors": 30, "timeouts": 11')
    measured = loadgen.parse_wrk_output(line)

    assert (measured.errors, measured.timeouts) == (41, 11)
    assert measured.ok_per_second == pytest.approx(140 / 3.0268)


def test_a_run_that_reached_the_request_cap_says_so() -> None:
    assert loadgen.parse_wrk_output(WRK_STDOUT, max_requests=181).capped


def test_wrk_output_without_the_result_line_is_an_error_not_a_zero() -> None:
    with pytest.raises(loadgen.LoadGenError, match="no result line"):
        loadgen.parse_wrk_output("unable to connect to 127.0.0.1:9 Connection refused\n")


def test_wrk_is_bounded_in_time_and_in_requests() -> None:
    argv = loadgen.Load(connections=200, seconds=3, max_requests=5000).argv("wrk", "http://127.0.0.1:1/io")

    assert argv[:5] == ["wrk", "-t1", "-c200", "-d3s", "--timeout=15s"]
    assert argv[-3:] == ["http://127.0.0.1:1/io", "--", "5000"]
    assert argv[argv.index("-s") + 1] == str(loadgen.SCRIPT)


def test_ratios_divide_by_flask_sync_workers_on_the_same_endpoint_and_concurrency() -> None:
    rows = [
        report.Row("flask-sync", "Flask sync", "io-bound", {10: cell(160), 50: cell(120)}),
        report.Row("default-uvloop", "quartify default", "io-bound", {10: cell(80), 50: cell(60)}),
        report.Row("flask-sync", "Flask sync", "cpu", {50: cell(1000)}),
    ]

    assert report.ratio(rows, "default-uvloop", "io-bound", 10) == pytest.approx(0.5)
    assert report.ratio(rows, "default-uvloop", "io-bound", 50) == pytest.approx(0.5)
    assert report.ratio(rows, "default-uvloop", "cpu", 50) is None
    assert report.ratio(rows, "default-uvloop", "io-bound", 200) is None


def test_the_table_marks_cells_with_errors_and_names_why_a_row_has_no_numbers() -> None:
    rows = [
        report.Row("flask-sync", "Flask sync", "io-bound", {50: cell(120, errors=4)}),
        report.Row("unsafe-uvloop", "quartify --unsafe-fixes", "io-bound",
                   error="quartify exited 2: Error: No such option '--unsafe-fixes'."),
    ]
    text = report.format_table([IO], rows, [50])

    assert re.search(r"Flask sync\s+\|\s+58\.0! ", text)
    assert "! Flask sync c=50: 120 requests, 4 errors (0 timeouts)" in text
    assert re.search(r"quartify --unsafe-fixes\s+\|\s+FAILED: quartify exited 2: Error: No such option .--unsafe-fixes.\.", text)


def test_a_cell_where_nothing_was_served_shows_no_latency_and_cpu_per_response_is_per_success() -> None:
    starved = dataclasses.replace(cell(0), server_cpu_s=0.4)
    busy = dataclasses.replace(cell(200, errors=40), server_cpu_s=0.8)
    rows = [
        report.Row("flask-sync", "Flask sync", "io-bound", {50: busy}),
        report.Row("default-asyncio", "quartify default", "io-bound", {50: starved}),
    ]
    text = report.format_table([IO], rows, [50])

    assert busy.cpu_ms_per_response == pytest.approx(5.0)
    assert starved.cpu_ms_per_response is None
    assert re.search(r"quartify default\s+\|\s+0\.0\s+-\s+-\s+-\s+0\.00$", text, re.MULTILINE)
    assert re.search(r"Flask sync\s+\|\s+80\.0!\s+50\.0\s+90\.0\s+5\.0\s+1\.00$", text, re.MULTILINE)


def test_cpu_per_response_is_not_shown_when_fewer_responses_than_connections_came_back() -> None:
    few = dataclasses.replace(cell(30), server_cpu_s=3.0)
    rows = [report.Row("flask-sync", "Flask sync", "io-bound", {50: few})]

    assert few.cpu_ms_per_response == pytest.approx(100.0)
    assert re.search(r"Flask sync\s+\|\s+15\.0\s+50\.0\s+90\.0\s+-\s+1\.00$", report.format_table([IO], rows, [50]), re.MULTILINE)


def test_the_cpu_of_a_session_is_read_from_proc() -> None:
    sum(n * n for n in range(200_000))  # this test's own session has spent some CPU by now

    assert servers.session_cpu_seconds(os.getsid(0)) > 0
    assert servers.session_cpu_seconds(-1) == 0


def test_repeated_cells_give_the_median_of_the_per_round_ratios_and_show_the_median_round() -> None:
    """Three interleaved rounds: each round's ratio divides two numbers taken seconds apart, and
    the reported ratio is their median (not the ratio of two medians from different rounds)."""
    base = (cell(100), cell(200), cell(150))
    mine = (cell(120), cell(180), cell(60))  # per-round ratios 1.2, 0.9, 0.4
    rows = [
        report.Row("flask-sync", "Flask sync", "io-bound", {50: report.median_round(base)}, rounds={50: base}),
        report.Row("default-uvloop", "default", "io-bound", {50: report.median_round(mine)}, rounds={50: mine}),
    ]

    assert report.median_round(mine).requests == 120
    assert report.ratio_rounds(rows, "default-uvloop", "io-bound", 50) == pytest.approx([1.2, 0.9, 0.4])
    assert report.ratio(rows, "default-uvloop", "io-bound", 50) == pytest.approx(0.9)


def test_the_summary_shows_each_column_per_endpoint_and_the_verdict_names_the_slower_endpoint() -> None:
    cpu = report.Endpoint("cpu-trivial", "/cpu", "cpu")
    rounds = {"flask-sync": (100, 100, 100), "default-uvloop": (300, 280, 310), "unsafe-uvloop": (500, 450, 600)}
    rows = [report.Row(series, series, "io-bound", {50: report.median_round(ms)}, rounds={50: ms})
            for series, ms in ((k, tuple(cell(n) for n in v)) for k, v in rounds.items())]
    rows += [report.Row("flask-sync", "Flask sync", "cpu-trivial", {50: cell(1000)}),
             report.Row("default-uvloop", "default", "cpu-trivial", {50: cell(900)})]
    text = report.format_summary([IO, cpu], rows, [("default-uvloop", "default"), ("unsafe-uvloop", "unsafe")], 50)

    assert "median [min-max] of 3 interleaved rounds" in text
    assert re.search(r"io-bound\s+3\.00 \[2\.80-3\.10\]\s+5\.00 \[4\.50-6\.00\]$", text, re.MULTILINE)
    assert re.search(r"cpu-trivial\s+0\.90\s+-$", text, re.MULTILINE)
    assert report.never_slower([IO, cpu], rows, "default-uvloop", 50).endswith("NO (cpu-trivial 0.90)")
    assert report.never_slower([IO], rows, "default-uvloop", 50).endswith(": yes")


def test_the_last_line_has_the_fixed_format() -> None:
    line = report.last_line(0.4849, 2.5)

    assert line == "io-bound ratio vs Flask sync workers at concurrency 50: default 0.48, unsafe-fixes 2.50"


def test_a_missing_unsafe_measurement_fails_loudly_in_the_last_line() -> None:
    line = report.last_line(0.48, None, "quartify exited 2: Error: No such option '--unsafe-fixes'.")

    assert line.endswith("unsafe-fixes FAILED (quartify exited 2: Error: No such option '--unsafe-fixes'.)")
    assert not re.search(r"unsafe-fixes \d", line)


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


async def test_the_fake_upstream_answers_each_request_head_once_and_keeps_the_connection() -> None:
    protocol = upstream.DelayedAnswer(delay=0.0)
    transport = RecordingTransport()
    protocol.connection_made(transport)

    protocol.data_received(b"GET /quote HTTP/1.1\r\nHost: x\r\n\r\nGET /quote HTTP/1.1\r\nHo")
    protocol.data_received(b"st: x\r\nConnection: close\r\n\r\n")
    await asyncio.sleep(0.01)

    assert transport.written == [upstream.RESPONSE, upstream.CLOSING]
    assert transport.closed
    assert upstream.RESPONSE.endswith(b'{"price": 0.12, "currency": "EUR"}')


def test_identical_migrations_share_a_fingerprint(tmp_path: Path) -> None:
    first = migrate.copy_app(tmp_path / "a")
    second = migrate.copy_app(tmp_path / "b")
    assert migrate.fingerprint(first) == migrate.fingerprint(second)

    (second / "partsdesk.py").write_text((second / "partsdesk.py").read_text() + "\n# changed\n")
    assert migrate.fingerprint(first) != migrate.fingerprint(second)


def test_the_table_is_written_between_the_doc_markers_and_replaced_on_the_next_run(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Title\n\nbefore\n\n{report.DOC_BEGIN}\n{report.DOC_END}\n\nafter\n")

    report.write_into_doc(doc, "first table", "2026-12-01 23:00 UTC")
    report.write_into_doc(doc, "second table", "2026-12-02 00:00 UTC")
    text = doc.read_text()

    assert text.startswith("# Title\n\nbefore\n\n") and text.endswith("\n\nafter\n")
    assert "```text\nsecond table\n```" in text and "first table" not in text
    assert text.count(report.DOC_BEGIN) == 1 and "on 2026-12-02 00:00 UTC" in text


def test_a_doc_without_the_markers_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text("# no markers\n")

    with pytest.raises(SystemExit, match="no <!-- throughput:begin -->"):
        report.write_into_doc(doc, "table", "now")
    assert doc.read_text() == "# no markers\n"


def test_the_venv_takes_quartifys_dependencies_from_its_pyproject_less_mypy(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "q"\ndependencies = ["libcst>=1.5", "mypy>=1.10", "black>=24", "rich[jupyter]>=13"]\n'
    )

    assert venv.quartify_dependencies(tmp_path) == ["libcst>=1.5", "black>=24", "rich[jupyter]>=13"]
    assert "mypy>=1.10" not in venv.quartify_dependencies(Path(__file__).resolve().parents[1])
