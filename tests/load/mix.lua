-- The request mix of the load test (tests/load/run.sh), for wrk 4 (LuaJIT).
--
-- Weights, per 1,000 requests:
--     5  login              POST /api/v1/auth/login, a seeded Manager or Sales account (bcrypt at the server's cost)
--   345  customers          GET  /api/v1/customers, Manager: seven query shapes (plain paging, tier/score sort, name
--                           search, job+age filter, balance sort, tier+housing, education+marital+contact+score),
--                           page 1-5 most of the time, deeper pages (up to 20-200) 30 % of the time
--   120  predict_customer   POST /api/v1/predictions {customerId}, Manager: a sampled stored customer (stores the
--                           prediction and updates the customer's latest score)
--   180  predict_features   POST /api/v1/predictions {features}, a Sales user: random but consistent UCI features
--   350  lead               PATCH /api/v1/campaigns/{id}/leads/{leadId} {status}: each lead cycles
--                              Pending -> Contacted (lead_sales, its Sales assignee)
--                              Contacted -> Converted 30 % | Failed 70 % (lead_sales, its Sales assignee)
--                              Converted/Failed -> Pending (lead_reopen, the Manager who owns the campaign: Sales
--                              may not reopen a closed lead)
--                           so 2/3 of these are Sales users on their own leads and every change is legal.
--
-- Input (environment): LOAD_STATE  the Lua file written by seed.py (tokens, campaign, leads, customer ids, surnames)
--                      LOAD_PHASE  warmup | main: the warm-up drives every 10th lead, the main run the others, so
--                                  each run starts with its leads Pending
--                      LOAD_THREADS wrk's -t
--                      LOAD_REPORT file for the machine-readable summary (key=value lines)
--                      LOAD_WEIGHTS optional, e.g. "predict_customer=500,lead=500": other weights (see below)
--
-- Each request carries X-Request-Id "load-<thread>-<n>", which the server echoes; response() uses it to find the
-- request's kind, its start time (CLOCK_MONOTONIC through the FFI) and its lead. A lead is not reused while a request
-- on it is in flight and moves to its next step only on a 2xx, so its status is always known. done() prints
-- p50/p90/p99, requests/s and the non-2xx count per kind, and writes LOAD_REPORT.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } load_timespec;
  int clock_gettime(int clk_id, load_timespec *tp);
]]
local timespec = ffi.new("load_timespec")
local function now_us()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000000 + tonumber(timespec.tv_nsec) / 1000
end

KINDS = { "login", "customers", "predict_customer", "predict_features", "lead_sales", "lead_reopen" }
local WEIGHTS = { { "login", 5 }, { "customers", 345 }, { "predict_customer", 120 }, { "predict_features", 180 },
  { "lead", 350 } }
-- LOAD_WEIGHTS="predict_customer=500,lead=500" replaces the weights (per 1,000; kinds not named get 0), to isolate
-- a kind or a pair of kinds when diagnosing.
if os.getenv("LOAD_WEIGHTS") then
  WEIGHTS = {}
  for kind, weight in string.gmatch(os.getenv("LOAD_WEIGHTS"), "([%w_]+)=(%d+)") do
    table.insert(WEIGHTS, { kind, tonumber(weight) })
  end
end

-- ── main state: number the threads ───────────────────────────────────────────────────────────────────────────────
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- ── thread state ─────────────────────────────────────────────────────────────────────────────────────────────────
local S, leads, next_lead, counter, inflight, api

function init(args)
  S = dofile(os.getenv("LOAD_STATE"))
  local phase = os.getenv("LOAD_PHASE") or "main"
  local nthreads = tonumber(os.getenv("LOAD_THREADS") or "1")
  math.randomseed(os.time() * 1000 + tid * 7919)
  api = "/api/v1"
  leads, next_lead, counter, inflight = {}, 1, 0, {}
  local kept = 0
  for i, entry in ipairs(S.leads) do
    local warm = (i % 10 == 0)
    if (phase == "warmup") == warm then
      if kept % nthreads == tid then
        table.insert(leads, { id = entry[1], sales = entry[2], step = 0, busy = false })
      end
      kept = kept + 1
    end
  end
  -- Flat globals only: done() copies them out of this state with thread:get.
  counts, errs, unknown = {}, {}, 0
  for _, kind in ipairs(KINDS) do
    counts[kind .. "_ok"], counts[kind .. "_err"] = 0, 0
    _G["lat_" .. kind] = {}
  end
end

local function pick(list) return list[math.random(#list)] end

local function page(deep)
  if math.random() < 0.7 then return math.random(5) end
  return math.random(deep)
end

local CUSTOMER_QUERIES = {
  function() return "?page=" .. page(200) .. "&limit=20" end,
  function() return "?tier=Hot&sortBy=score&sortDir=desc&limit=50&page=" .. page(50) end,
  function() return "?q=" .. pick(S.surnames) .. "&limit=20&page=" .. math.random(3) end,
  function() return "?job=management&job=retired&ageMin=30&ageMax=60&sortBy=balance&limit=20&page=" .. page(50) end,
  function() return "?balanceMin=1000&sortBy=balance&sortDir=desc&limit=100&page=" .. page(20) end,
  function() return "?tier=Warm&housing=false&sortBy=age&sortDir=asc&limit=20&page=" .. page(50) end,
  function() return "?education=tertiary&marital=single&contact=cellular&scoreMin=40&limit=10&page=" .. page(20) end,
}

local JOBS = { "admin.", "blue-collar", "entrepreneur", "housemaid", "management", "retired", "self-employed",
  "services", "student", "technician", "unemployed", "unknown" }
local MONTHS = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" }

local function features()
  local previous, pdays, poutcome = 0, -1, "unknown"
  if math.random() < 0.2 then
    previous, pdays, poutcome = math.random(1, 6), math.random(1, 400), pick({ "success", "failure", "other" })
  end
  return string.format(
    '{"features":{"age":%d,"job":"%s","marital":"%s","education":"%s","default":"%s","balance":%d,'
    .. '"housing":"%s","loan":"%s","contact":"%s","day":%d,"month":"%s","campaign":%d,"pdays":%d,'
    .. '"previous":%d,"poutcome":"%s"}}',
    math.random(18, 90), pick(JOBS), pick({ "married", "divorced", "single" }),
    pick({ "primary", "secondary", "tertiary", "unknown" }), pick({ "no", "no", "no", "yes" }),
    math.random(-2000, 20000), pick({ "yes", "no" }), pick({ "no", "no", "yes" }),
    pick({ "cellular", "telephone", "unknown" }), math.random(1, 28), pick(MONTHS), math.random(1, 8), pdays,
    previous, poutcome)
end

local function choose_kind()
  local r = math.random(1000)
  for _, w in ipairs(WEIGHTS) do
    if r <= w[2] then return w[1] end
    r = r - w[2]
  end
  return WEIGHTS[#WEIGHTS][1] -- weights summing to less than 1,000: the rest goes to the last kind
end

local function free_lead()
  for _ = 1, #leads do
    local lead = leads[next_lead]
    next_lead = next_lead % #leads + 1
    if not lead.busy then return lead end
  end
  return nil
end

function request()
  counter = counter + 1
  local rid = "load-" .. tid .. "-" .. counter
  local kind = choose_kind()
  local method, path, token, body, lead = "GET", nil, S.manager, nil, nil
  if kind == "lead" then
    lead = free_lead()
    if lead == nil then kind = "customers" end
  end
  if kind == "login" then
    local account = pick(S.logins)
    method, path, token = "POST", api .. "/auth/login", nil
    body = string.format('{"identifier":"%s","password":"%s"}', account.identifier, account.password)
  elseif kind == "customers" then
    path = api .. "/customers" .. pick(CUSTOMER_QUERIES)()
  elseif kind == "predict_customer" then
    method, path = "POST", api .. "/predictions"
    body = '{"customerId":"' .. pick(S.customers) .. '"}'
  elseif kind == "predict_features" then
    method, path, token, body = "POST", api .. "/predictions", pick(S.sales), features()
  else -- lead
    local status
    if lead.step == 0 then
      kind, token, status = "lead_sales", S.sales[lead.sales], "Contacted"
    elseif lead.step == 1 then
      kind, token = "lead_sales", S.sales[lead.sales]
      status = (math.random() < 0.3) and "Converted" or "Failed"
    else
      kind, token, status = "lead_reopen", S.manager, "Pending"
    end
    lead.busy = true
    method, path = "PATCH", api .. "/campaigns/" .. S.campaign .. "/leads/" .. lead.id
    body = '{"status":"' .. status .. '"}'
  end
  local headers = { ["X-Request-Id"] = rid }
  if token then headers["Authorization"] = "Bearer " .. token end
  if body then headers["Content-Type"] = "application/json" end
  inflight[rid] = { kind, now_us(), lead }
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  local rid = headers["x-request-id"] or headers["X-Request-Id"]
  local rec = rid and inflight[rid]
  if rec == nil then
    unknown = unknown + 1
    if #errs < 10 then table.insert(errs, "? " .. status .. " " .. string.sub(body or "", 1, 200)) end
    return
  end
  inflight[rid] = nil
  local kind, started, lead = rec[1], rec[2], rec[3]
  local lat = _G["lat_" .. kind]
  lat[#lat + 1] = now_us() - started
  if status >= 200 and status < 300 then
    counts[kind .. "_ok"] = counts[kind .. "_ok"] + 1
    if lead then lead.step = (lead.step + 1) % 3 end
  else
    counts[kind .. "_err"] = counts[kind .. "_err"] + 1
    if #errs < 10 then table.insert(errs, kind .. " " .. status .. " " .. string.sub(body or "", 1, 200)) end
  end
  if lead then lead.busy = false end
end

-- ── main state: the summary ──────────────────────────────────────────────────────────────────────────────────────
local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  local i = math.ceil(p / 100 * #sorted)
  if i < 1 then i = 1 end
  return sorted[i]
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local report = {}
  local function put(k, v) table.insert(report, k .. "=" .. tostring(v)) end
  local non2xx, answered, unknown_total, samples = 0, 0, 0, {}
  local all = {}
  print(string.format("\n%-17s %9s %8s %6s %9s %9s %9s %9s", "kind", "requests", "req/s", "non2xx", "p50 ms",
    "p90 ms", "p99 ms", "max ms"))
  for _, kind in ipairs(KINDS) do
    local lat, ok, err = {}, 0, 0
    for _, t in ipairs(threads) do
      local c = t:get("counts")
      ok, err = ok + c[kind .. "_ok"], err + c[kind .. "_err"]
      for _, v in ipairs(t:get("lat_" .. kind)) do
        lat[#lat + 1] = v
        all[#all + 1] = v
      end
    end
    table.sort(lat)
    local n = ok + err
    answered, non2xx = answered + n, non2xx + err
    local p50, p90, p99, max = percentile(lat, 50) / 1000, percentile(lat, 90) / 1000, percentile(lat, 99) / 1000,
        (lat[#lat] or 0) / 1000
    print(string.format("%-17s %9d %8.1f %6d %9.2f %9.2f %9.2f %9.1f", kind, n, n / seconds, err, p50, p90, p99, max))
    put(kind .. "_requests", n)
    put(kind .. "_rps", string.format("%.1f", n / seconds))
    put(kind .. "_non2xx", err)
    put(kind .. "_p50_ms", string.format("%.2f", p50))
    put(kind .. "_p90_ms", string.format("%.2f", p90))
    put(kind .. "_p99_ms", string.format("%.2f", p99))
  end
  for _, t in ipairs(threads) do
    unknown_total = unknown_total + t:get("unknown")
    for _, s in ipairs(t:get("errs")) do if #samples < 10 then table.insert(samples, s) end end
  end
  table.sort(all)
  local p50, p90, p99 = percentile(all, 50) / 1000, percentile(all, 90) / 1000, percentile(all, 99) / 1000
  print(string.format("%-17s %9d %8.1f %6d %9.2f %9.2f %9.2f %9.1f", "all", answered, answered / seconds, non2xx,
    p50, p90, p99, (all[#all] or 0) / 1000))
  print(string.format("wrk: %d responses in %.1f s = %.1f req/s; latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms; "
    .. "socket errors: connect %d, read %d, write %d, timeout %d; status >= 400: %d; unmatched responses: %d",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, e.connect, e.read, e.write, e.timeout, e.status,
    unknown_total))
  for _, s in ipairs(samples) do print("  error sample: " .. s) end
  put("requests", answered)
  put("seconds", string.format("%.1f", seconds))
  put("rps", string.format("%.1f", summary.requests / seconds))
  put("p50_ms", string.format("%.2f", p50))
  put("p90_ms", string.format("%.2f", p90))
  put("p99_ms", string.format("%.2f", p99))
  put("wrk_p50_ms", string.format("%.2f", latency:percentile(50) / 1000))
  put("wrk_p99_ms", string.format("%.2f", latency:percentile(99) / 1000))
  put("non2xx", non2xx + unknown_total)
  put("status_errors", e.status)
  put("socket_errors", socket_errors)
  local path = os.getenv("LOAD_REPORT")
  if path then
    local f = assert(io.open(path, "w"))
    f:write(table.concat(report, "\n"), "\n")
    f:close()
  end
end
