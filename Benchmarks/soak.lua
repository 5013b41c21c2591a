-- wrk script for Benchmarks/soak.sh. CLASS chooses what each request is:
--   form     GET /s/{token} for the tokens in $TOKENS (open invitations, read again and again)
--   post     POST /s/{token}, each token of $TOKENS once (threads take interleaved tokens;
--            past the end they start again, and the server answers a used token with 303)
--   unknown  GET /s/{random well-formed token}: unknown to the server (404, then 429)
--   list     the requests of $REQUESTS in turn, one a line: METHOD<TAB>PATH[<TAB>HEADER: VALUE|...[<TAB>BODY]]
-- DELAY_MS (optional) waits that long before each request of a connection, to bound the rate.
-- At the end, prints the responses by status, as `status CLASS CODE COUNT` lines.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(text, separator)
  local parts = {}
  for part in (text .. separator):gmatch("(.-)" .. separator:gsub("%p", "%%%0")) do parts[#parts + 1] = part end
  return parts
end

function init(args)
  class = os.getenv("CLASS")
  stride = tonumber(os.getenv("THREADS") or "1")
  index = id
  pause = tonumber(os.getenv("DELAY_MS") or "0")
  statuses = {}
  math.randomseed(os.time() + id * 7919)
  if class == "form" or class == "post" then
    tokens = {}
    for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
  elseif class == "list" then
    requests = {}
    for line in io.lines(os.getenv("REQUESTS")) do
      if line ~= "" then
        local fields = split(line, "\t")
        local headers = {}
        if fields[3] and fields[3] ~= "" then
          for _, header in ipairs(split(fields[3], "|")) do
            local name, value = header:match("^([^:]+):%s*(.*)$")
            if name then headers[name] = value end
          end
        end
        local body = fields[4]
        if body == "" then body = nil end
        requests[#requests + 1] = wrk.format(fields[1], fields[2], headers, body)
      end
    end
  end
end

local alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
local languages = { "ar", "en", "ur", "id", "bn", "tr", "fr", "ar-SA,ar;q=0.9,en;q=0.5", "en-GB,en;q=0.8", "de-DE,de;q=0.9" }

function request()
  if class == "list" then
    local r = requests[(index % #requests) + 1]
    index = index + stride
    return r
  elseif class == "unknown" then
    local chars = {}
    for i = 1, 26 do
      local n = math.random(1, 32)
      chars[i] = alphabet:sub(n, n)
    end
    return wrk.format("GET", "/s/" .. table.concat(chars))
  end
  local token = tokens[(index % #tokens) + 1]
  index = index + stride
  if class == "post" then
    return wrk.format("POST", "/s/" .. token, { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "overall=4&courtesy=5&ease=6&recommend=9&lang=en")
  end
  -- Form reads in both languages, by query and by Accept-Language.
  local choice = languages[(index % #languages) + 1]
  if #choice == 2 then return wrk.format("GET", "/s/" .. token .. "?lang=" .. choice) end
  return wrk.format("GET", "/s/" .. token, { ["Accept-Language"] = choice })
end

function delay()
  return pause
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    if counts then
      for status, count in pairs(counts) do total[status] = (total[status] or 0) + count end
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %s %d %d\n", os.getenv("CLASS"), status, count))
  end
end
