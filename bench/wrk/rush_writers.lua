-- The deadline rush's writers: units submitting their drafts while the boards are watched.
-- Each wrk thread (one connection each) owns every T-th draft of BENCH_IDS_FILE and goes
-- through them in turn: submit each, then return each (the Office sends it back), then
-- submit each again, and so on, so every request is a real status change that the boards
-- must reflect. BENCH_RUSH_DELAY_MS paces each connection (a steady rate, not a flood).
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local delay_ms = tonumber(os.getenv("BENCH_RUSH_DELAY_MS") or "50")
local threads = tonumber(os.getenv("BENCH_WRITER_THREADS") or "2")

local mine = {}
local position = 0
local submitting = true

local base_init = init
function init(args)
    base_init(args)
    local path = os.getenv("BENCH_IDS_FILE") or error("BENCH_IDS_FILE is not set")
    local index = 0
    for line in io.lines(path) do
        local id = tonumber(line)
        if id then
            if index % threads == (thread_number or 1) - 1 then mine[#mine + 1] = id end
            index = index + 1
        end
    end
    if #mine == 0 then error("this writer has no drafts") end
end

function delay()
    return delay_ms
end

function request()
    position = position + 1
    if position > #mine then
        position = 1
        submitting = not submitting
    end
    local id = mine[position]
    if submitting then
        return wrk.format("POST", "/api/v1/submissions/" .. id .. "/submit",
            common.headers({ ["Content-Type"] = "application/json" }), "{}")
    end
    return wrk.format("POST", "/api/v1/submissions/" .. id .. "/return",
        common.headers({ ["Content-Type"] = "application/json" }),
        '{"reason": "Đề nghị rà soát lại số liệu (benchmark)."}')
end
