-- One benchmark scenario for wrk. The runner passes everything through the environment:
--   BENCH_METHOD, BENCH_TOKEN (bearer, optional), BENCH_COOKIE (optional), BENCH_BODIES (request bodies separated by
--   "\n", rotated per request, optional), BENCH_CONTENT_TYPE.
-- done() prints one JSON line the runner parses: wrk's own report has no p95.

local method = os.getenv("BENCH_METHOD") or "GET"
local token = os.getenv("BENCH_TOKEN")
local cookie = os.getenv("BENCH_COOKIE")
local content_type = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
local bodies = {}
for line in string.gmatch(os.getenv("BENCH_BODIES") or "", "[^\n]+") do
  table.insert(bodies, line)
end

local counter = 0
local non_2xx = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non_2xx = 0
end

function request()
  local headers = {}
  if token and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  if cookie and cookie ~= "" then
    headers["Cookie"] = cookie
  end
  local body = nil
  if #bodies > 0 then
    counter = counter + 1
    body = bodies[(counter % #bodies) + 1]
    headers["Content-Type"] = content_type
  end
  return wrk.format(method, nil, headers, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + (thread:get("non_2xx") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    failed, errors.connect + errors.read + errors.write + errors.timeout))
end
