-- (c), (d), (f) GET one fixed path, given in BENCH_PATH: the open period's compliance board,
-- its consolidation, or a plan's board.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local path = os.getenv("BENCH_PATH") or error("BENCH_PATH is not set")

function request()
    return wrk.format("GET", path)
end
