-- One click from a source on a campaign: the count of the last hour, kept to limit + 1 entries.
-- KEYS: 1 the source's clicks (zset member -> ms); ARGV: 1 now ms, 2 window ms, 3 limit, 4 member
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], now, ARGV[4])
local keep = tonumber(ARGV[3]) + 1
local n = redis.call('ZCARD', KEYS[1])
if n > keep then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - keep - 1)
  n = keep
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return n
