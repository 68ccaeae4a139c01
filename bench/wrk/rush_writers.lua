-- The deadline rush's writers: units submitting their drafts while the boards are watched.
-- Each wrk thread (one connection each) owns every T-th draft of BENCH_IDS_FILE: it submits
-- them one by one, then returns them one by one (the Office sends them back), then submits them
-- again, and so on, so every request is a real status change that the boards must reflect.
-- BENCH_RUSH_DELAY_MS paces each connection (a steady rate, not a flood).
--
-- A draft moves to the other queue only when its answer arrives (`response`): wrk may build a
-- request it then does not send (its pacing asks for the next one again), and a draft taken
-- at build time would be skipped, later "returned" while still a draft.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local delay_ms = tonumber(os.getenv("BENCH_RUSH_DELAY_MS") or "50")
local threads = tonumber(os.getenv("BENCH_WRITER_THREADS") or "2")

-- FIFO queues of ids: `to_submit` (drafts and returned reports), `to_return` (submitted).
local function queue() return { first = 1, last = 0, items = {} } end
local function push(q, id) q.last = q.last + 1; q.items[q.last] = id end
local function peek(q) return q.items[q.first] end
local function pop(q)
    local id = q.items[q.first]
    q.items[q.first] = nil
    q.first = q.first + 1
    return id
end
local function empty(q) return q.first > q.last end

local to_submit, to_return = queue(), queue()
local submitting = true
local pending = nil -- "submit" or "return": what the request in flight does

local base_init = init
function init(args)
    base_init(args)
    local path = os.getenv("BENCH_IDS_FILE") or error("BENCH_IDS_FILE is not set")
    local index = 0
    for line in io.lines(path) do
        local id = tonumber(line)
        if id then
            if index % threads == (thread_number or 1) - 1 then push(to_submit, id) end
            index = index + 1
        end
    end
    if empty(to_submit) then error("this writer has no drafts") end
end

function delay()
    return delay_ms
end

function request()
    if submitting and empty(to_submit) then submitting = false end
    if not submitting and empty(to_return) then submitting = true end
    if submitting then
        pending = "submit"
        return wrk.format("POST", "/api/v1/submissions/" .. peek(to_submit) .. "/submit",
            common.headers({ ["Content-Type"] = "application/json" }), "{}")
    end
    pending = "return"
    return wrk.format("POST", "/api/v1/submissions/" .. peek(to_return) .. "/return",
        common.headers({ ["Content-Type"] = "application/json" }),
        '{"reason": "Đề nghị rà soát lại số liệu (benchmark)."}')
end

function response(status, headers, body)
    local ok = status >= 200 and status < 300
    if pending == "submit" then
        local id = pop(to_submit)
        -- A refused submit stays out of the cycle (wrk counts it as an error).
        if ok then push(to_return, id) end
    elseif pending == "return" then
        local id = pop(to_return)
        if ok then push(to_submit, id) end
    end
    pending = nil
end
