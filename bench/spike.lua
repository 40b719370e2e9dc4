-- Readers during the breaking-news spike: report.lua's figures, and the answers
-- counted by status class (a withdrawn story's 410 is an answer, not an error).
-- Each wrk thread counts in its own Lua state; done() adds them up.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")
local report = done
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s1, s2, s3, s4, s5 = 0, 0, 0, 0, 0
end

function response(status, headers, body)
  if status < 200 then s1 = s1 + 1
  elseif status < 300 then s2 = s2 + 1
  elseif status < 400 then s3 = s3 + 1
  elseif status < 500 then s4 = s4 + 1
  else s5 = s5 + 1 end
end

done = function(summary, latency, requests)
  report(summary, latency, requests)
  local total = {0, 0, 0, 0, 0}
  for _, thread in ipairs(threads) do
    for class = 1, 5 do
      total[class] = total[class] + thread:get("s" .. class)
    end
  end
  io.write(string.format(
    'BENCH_STATUS {"1xx": %d, "2xx": %d, "3xx": %d, "4xx": %d, "5xx": %d}\n',
    total[1], total[2], total[3], total[4], total[5]))
end
