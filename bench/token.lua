-- wrk script for POST /oauth2/token with the client-credentials grant (RFC 6749 §4.4).
-- Environment (set by bench/token-load.sh and bench/scale.sh):
--   CLIENT_ID, CLIENT_SECRET  the client to authenticate as (client_secret_post)
--   SCOPE                     requested scope, space-separated; empty for an unscoped token
--   CLIENT_IDS                optional: space-separated client IDs that all hold CLIENT_SECRET;
--                             each request then picks one of them at random (CLIENT_ID unused)
-- Counts every response whose status is not 200, per status, and prints them at the end together
-- with a one-line summary that token-load.sh parses:
--   RESULT tokens_per_s=<200s/s> requests=<n> non200=<n> socket_errors=<n> p50_ms=.. p90_ms=.. p99_ms=..

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local client_secret = os.getenv("CLIENT_SECRET") or error("CLIENT_SECRET is not set")
local scope = os.getenv("SCOPE") or ""

local function body_for(client_id)
  local body = "grant_type=client_credentials&client_id=" .. urlencode(client_id)
    .. "&client_secret=" .. urlencode(client_secret)
  if scope ~= "" then
    body = body .. "&scope=" .. urlencode(scope)
  end
  return body
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"

local client_ids = os.getenv("CLIENT_IDS") or ""
if client_ids == "" then
  wrk.body = body_for(os.getenv("CLIENT_ID") or error("CLIENT_ID is not set"))
else
  -- One body per client, made once; request() only picks one (a little wrk CPU per request).
  local bodies = {}
  for id in client_ids:gmatch("%S+") do
    bodies[#bodies + 1] = body_for(id)
  end
  local count = #bodies
  function request()
    return wrk.format(nil, nil, nil, bodies[math.random(count)])
  end
end

-- Per-thread state lives in each thread's own Lua state; done() reads it back through the
-- thread objects kept by setup().
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0)) -- for CLIENT_IDS: each thread its own
  non200 = 0
  ok = 0
  statuses = {}
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    non200 = non200 + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local ok_total, non200_total, by_status = 0, 0, {}
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    non200_total = non200_total + t:get("non200")
    for code, n in pairs(t:get("statuses")) do
      by_status[code] = (by_status[code] or 0) + n
    end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  io.write(string.format("non-200 responses: %d\n", non200_total))
  for code, n in pairs(by_status) do
    io.write(string.format("  status %s: %d\n", code, n))
  end
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
    e.connect, e.read, e.write, e.timeout))
  io.write(string.format(
    "RESULT tokens_per_s=%.1f requests=%d ok=%d non200=%d socket_errors=%d "
      .. "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    ok_total / secs, summary.requests, ok_total, non200_total, socket_errors,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
