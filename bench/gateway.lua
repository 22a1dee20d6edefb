-- wrk script for bench/gateway-load.sh: GET with the IDX headers and a bearer token, the same
-- request to every target (the upstream and nginx ignore the headers; the gateway checks them).
-- Environment (set by gateway-load.sh):
--   TOKEN   the access token (retailer01-app, scope pqd)
-- No response() callback: calling Lua on every response would cost wrk CPU that the targets
-- share. Non-2xx answers are counted by wrk itself (summary.errors.status). done() prints a line
-- that gateway-load.sh parses:
--   RESULT rps=<n/s> requests=<n> non2xx=<n> socket_errors=<n> p50_ms=.. p90_ms=.. p99_ms=.. max_ms=..

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or error("TOKEN is not set"))
wrk.headers["x-initiatingParticipantId"] = "RETAILER01"
wrk.headers["x-market"] = "NEM"
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.1f requests=%d non2xx=%d socket_errors=%d "
      .. "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests / secs, summary.requests, e.status, socket_errors,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
