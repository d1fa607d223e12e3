-- Loaded by bench/api.ts into wrk: rotates through request bodies read from BODIES_FILE (one
-- JSON document per line) when set, and prints the run's figures as one JSON line at the end.
local bodies = {}
local method = os.getenv("WRK_METHOD") or "GET"
local file = os.getenv("BODIES_FILE")
if file then
  for line in io.lines(file) do bodies[#bodies + 1] = line end
end
local i = 0
local headers = { ["content-type"] = "application/json" }

request = function()
  if #bodies == 0 then
    return wrk.format(method, nil, method == "POST" and headers or nil, nil)
  end
  i = i % #bodies + 1
  return wrk.format(method, nil, headers, bodies[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
