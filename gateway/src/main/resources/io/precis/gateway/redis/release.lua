-- Releases a hold: from the minute its ad was served, then the minute before; never below zero.
-- KEYS: 1 holds (hash minute -> nanos)
-- ARGV: 1 nanos, 2 minute
local left = tonumber(ARGV[1])
local m = tonumber(ARGV[2])
for k = m, m - 1, -1 do
  if left <= 0 then
    break
  end
  local v = tonumber(redis.call('HGET', KEYS[1], tostring(k)) or '0')
  if v > 0 then
    local taken = math.min(v, left)
    redis.call('HINCRBY', KEYS[1], tostring(k), -taken)
    left = left - taken
  end
end
return 0
