-- wrk script: every request posts a new comment, as a reader's browser would.
-- BENCH_PATH, BENCH_TOKEN and BENCH_COOKIE come from bench/run.py (a real session's token).
local path = os.getenv("BENCH_PATH")
local token = os.getenv("BENCH_TOKEN")
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")

request = function()
  counter = counter + 1
  local body = "csrf_token=" .. token .. "&comment_parent=&author=Bench+reader"
    .. "&email=bench%40example.org&url=&comment=Load+test+comment+number+" .. counter
    .. "+" .. math.random(1, 1000000000)
  return wrk.format("POST", path, nil, body)
end
