-- (b) PATCH /api/v1/submissions/{id} on a random draft of the open period, `If-Match: *`,
-- changing one ratio indicator's numerator and denominator (values are keyed by indicator code).
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local code = os.getenv("BENCH_PATCH_CODE") or "CT-01"

function request()
    local denominator = math.random(20, 320)
    local numerator = denominator - math.random(0, math.floor(denominator / 5))
    local body = string.format('{"values": {"%s": {"numerator": %d, "denominator": %d}}}',
        code, numerator, denominator)
    return wrk.format("PATCH", "/api/v1/submissions/" .. common.random_id(),
        common.headers({ ["Content-Type"] = "application/json", ["If-Match"] = "*" }), body)
end
