-- wrk script for bench/run: every request asks for one of BENCH_COUNT paths picked at random, the path being
-- BENCH_PATH_FORMAT (a string.format pattern with one integer) applied to 1..BENCH_COUNT, with the optional header
-- BENCH_HEADER_NAME: BENCH_HEADER_VALUE. At the end it prints one line that bench/run reads.
local format = os.getenv("BENCH_PATH_FORMAT")
local count = tonumber(os.getenv("BENCH_COUNT"))
local header_name = os.getenv("BENCH_HEADER_NAME") or ""
local header_value = os.getenv("BENCH_HEADER_VALUE") or ""
local headers = {}
if header_name ~= "" then headers[header_name] = header_value end

local next_thread = 0
function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_number", next_thread)
end

function init(args)
  -- Each thread has its own Lua state; seeding by thread keeps two threads from walking the same sequence.
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end

function request()
  return wrk.format("GET", string.format(format, math.random(count)), headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
