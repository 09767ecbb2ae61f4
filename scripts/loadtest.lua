-- wrk script for scripts/loadtest.sh: rotates over the paths in WRK_PATHS (space-separated)
-- and paces each connection (WRK_DELAY_MS before every request), so that the load is a
-- steady rate rather than as fast as the server can answer. Latency is measured from the
-- moment a request is sent, so the pause is not counted in it.
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS") or "/", "%S+") do
  paths[#paths + 1] = p
end
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0")
-- Every route but /login needs a login: the requests carry an API token.
local headers = {}
if os.getenv("WRK_AUTH") then
  headers["Authorization"] = os.getenv("WRK_AUTH")
end
local n = 0

function init(args)
  -- Threads start at different points of the list.
  n = math.random(#paths)
end

function request()
  n = n % #paths + 1
  return wrk.format("GET", paths[n], headers)
end

function delay()
  return delay_ms
end
