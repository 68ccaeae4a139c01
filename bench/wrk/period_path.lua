-- (c), (d) GET one fixed path, given in BENCH_PATH: the open period's compliance board or
-- its consolidation.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local path = os.getenv("BENCH_PATH") or error("BENCH_PATH is not set")

function request()
    return wrk.format("GET", path)
end
