-- Shared by the scenario scripts (loaded with dofile). bench/run passes:
--   BENCH_TOKEN     the admin token, sent as `Authorization: Bearer …`
--   BENCH_IDS_FILE  (optional) a file with one id per line; `random_id()` picks from it
--   BENCH_RESULT    where `done()` writes the run's figures as one JSON object
local common = {}

local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"

local ids = nil

-- Each wrk thread has its own Lua state: number them so their random sequences differ.
local counter = 0
function setup(thread)
    counter = counter + 1
    thread:set("thread_number", counter)
end

function init(args)
    math.randomseed(1000 + (thread_number or 0))
    local path = os.getenv("BENCH_IDS_FILE")
    if path and path ~= "" then
        ids = {}
        for line in io.lines(path) do
            local id = tonumber(line)
            if id then ids[#ids + 1] = id end
        end
        if #ids == 0 then error("no ids in " .. path) end
    end
end

-- wrk.format replaces wrk.headers when given headers: this adds the common ones back.
function common.headers(extra)
    local h = {}
    for k, v in pairs(wrk.headers) do h[k] = v end
    for k, v in pairs(extra or {}) do h[k] = v end
    return h
end

function common.random_id()
    return ids[math.random(#ids)]
end

-- Requests, duration, throughput, latency percentiles (ms) and every error wrk counts:
-- socket errors and HTTP statuses >= 400.
function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    local out = string.format(
        '{"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, "p90_ms": %.3f, ' ..
        '"p99_ms": %.3f, "max_ms": %.3f, "bytes": %d, "errors_connect": %d, "errors_read": %d, ' ..
        '"errors_write": %d, "errors_timeout": %d, "errors_status": %d}',
        summary.requests, seconds, summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000, summary.bytes,
        e.connect, e.read, e.write, e.timeout, e.status)
    local path = os.getenv("BENCH_RESULT")
    if path and path ~= "" then
        local f = assert(io.open(path, "w"))
        f:write(out, "\n")
        f:close()
    end
    io.write("result: ", out, "\n")
end

return common
