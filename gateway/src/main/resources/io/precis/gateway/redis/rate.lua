-- One request of a client network against its token bucket, as GCRA (a theoretical arrival
-- time per network), on Redis's own clock so every instance counts on one time line.
-- KEYS: 1 the network's arrival time (µs); ARGV: 1 µs per token, 2 burst
-- Returns 0 when the request passes, else the µs until one would.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then
  tat = now
end
local next = tat + interval
if next - tolerance > now then
  return math.max(1, next - tolerance - now)
end
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil((next - now) / 1000) + 1)
return 0
