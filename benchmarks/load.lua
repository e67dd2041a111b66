-- wrk script for benchmarks/load.py: many REST senders, each going through a scripted
-- conversation (bus questions, a booking, parcel tracking, a greeting, a complaint).
--
--   wrk -t2 -c20 -d20s -s benchmarks/load.lua http://127.0.0.1:PORT -- SCRIPTS.lua TAG SENDERS
--
-- SCRIPTS.lua (written by load.py) sets `scripts` (a list of {kind=..., lines={...}}) and
-- `error_marker` (the start of the "sorry, that did not work" reply). Request i of a thread
-- goes to sender i % SENDERS, which says the next line of its script, so one sender never
-- has two messages in flight while SENDERS is well above the connections per thread, and a
-- sender that finishes its script starts a new conversation under a new name. Every message
-- carries a unique message_id (as WeChat and SMS gateways do), so de-duplication runs too.
-- A turn is an error when the status is not 200 or the answer is the error reply.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  dofile(args[1])
  tag = args[2]
  senders = tonumber(args[3])
  counter = 0
  bad = 0
  path = "/webhooks/rest/webhook"
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  local i = counter
  counter = counter + 1
  local s = i % senders
  local step = math.floor(i / senders)
  local script = scripts[(s % #scripts) + 1]
  local lines = script.lines
  local cycle = math.floor(step / #lines)
  local name = string.format("%s-%d-%d-%d", tag, id, s, cycle)
  local phone = string.format("13%d%08d", 5 + id, (s * 1000 + cycle) % 100000000)
  local line = string.gsub(lines[(step % #lines) + 1], "{phone}", phone)
  local body = string.format(
    '{"sender":"%s","message":"%s","message_id":"%s-%d"}', name, line, name, step
  )
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, error_marker, 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local turn_errors = 0
  for _, thread in ipairs(threads) do
    turn_errors = turn_errors + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"turn_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout, turn_errors
  ))
end
