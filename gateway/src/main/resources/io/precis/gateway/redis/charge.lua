-- An event's charge, taken from its campaign's budgets in one step with the check (several
-- event writers never both charge the last of a budget), and booked as spend.
-- KEYS: 1 spent in all, 2 spent on the event's local day
-- ARGV: 1 price nanos, 2 total budget nanos (-1: none), 3 daily budget nanos (-1: none), 4 day key TTL s
local left = tonumber(ARGV[1])
if tonumber(ARGV[2]) >= 0 then
  left = math.min(left, tonumber(ARGV[2]) - tonumber(redis.call('GET', KEYS[1]) or '0'))
end
if tonumber(ARGV[3]) >= 0 then
  left = math.min(left, tonumber(ARGV[3]) - tonumber(redis.call('GET', KEYS[2]) or '0'))
end
if left <= 0 then
  return 0
end
redis.call('INCRBY', KEYS[1], left)
redis.call('INCRBY', KEYS[2], left)
redis.call('EXPIRE', KEYS[2], ARGV[4])
return left
