-- wrk script: every request posts a new comment, as a reader's browser would.
-- BENCH_PATH, BENCH_TOKEN and BENCH_COOKIE come from bench/run.py. A reader without a session
-- (the page gave no token and no cookie) is taken on the browser's word that the form is the
-- blog's own: Sec-Fetch-Site, which every current browser sends.
local path = os.getenv("BENCH_PATH")
local token = os.getenv("BENCH_TOKEN") or ""
local cookie = os.getenv("BENCH_COOKIE") or ""
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
if cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

request = function()
  counter = counter + 1
  local body = "comment_parent=&author=Bench+reader"
    .. "&email=bench%40example.org&url=&comment=Load+test+comment+number+" .. counter
    .. "+" .. math.random(1, 1000000000)
  if token ~= "" then
    body = "csrf_token=" .. token .. "&" .. body
  end
  return wrk.format("POST", path, nil, body)
end
