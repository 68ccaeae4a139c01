-- The deadline rush's readers: the Office and the leadership watching the open period's
-- compliance board and consolidation (BENCH_PATH and BENCH_PATH_2, alternately) while the
-- writers submit.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local paths = {
    os.getenv("BENCH_PATH") or error("BENCH_PATH is not set"),
    os.getenv("BENCH_PATH_2") or error("BENCH_PATH_2 is not set"),
}
local turn = 0

function request()
    turn = turn + 1
    return wrk.format("GET", paths[turn % 2 + 1])
end
