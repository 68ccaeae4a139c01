-- (a) GET /api/v1/submissions/{id} for a random submission of any period.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function request()
    return wrk.format("GET", "/api/v1/submissions/" .. common.random_id())
end
