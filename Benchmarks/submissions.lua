-- wrk script: each request uses the next unused token from $TOKENS (one per line); threads take
-- interleaved tokens so no two requests share one. MODE=post submits the form, MODE=get reads it.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
  stride = tonumber(os.getenv("THREADS"))
  index = id
  mode = os.getenv("MODE")
end

function request()
  local token = tokens[(index % #tokens) + 1]
  index = index + stride
  if mode == "post" then
    return wrk.format("POST", "/s/" .. token, { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "overall=4&courtesy=5&ease=6&recommend=9&lang=en")
  end
  return wrk.format("GET", "/s/" .. token)
end
