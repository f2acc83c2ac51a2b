-- wrk script of benchmarks/throughput.py: caps a run's requests (the time cap is wrk's -d)
-- and prints one machine-readable line at the end, so the harness never parses wrk's prose.
local max_requests = 0
local seen = 0

function init(args)
  max_requests = tonumber(args[1]) or 0
end

function response(status, headers, body)
  seen = seen + 1
  if max_requests > 0 and seen >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'THROUGHPUT-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
