-- The impression of a served ad: its pending slot becomes a seen impression of its user.
-- KEYS: 1 the ad (string)
-- ARGV: 1 at ms, 2 history ms, 3 key prefix, 4 ad id
-- Returns the pseudonym, or nil when the ad is not pending (unknown, expired, seen, erased).
local v = redis.call('GET', KEYS[1])
if not v then
  return false
end
redis.call('DEL', KEYS[1])
local p, cid, served, exp = string.match(v, '^(.-)\n(.-)\n(%d+)\n(%d+)$')
local at = tonumber(ARGV[1])
if tonumber(exp) <= at then
  return false
end
redis.call('ZREM', ARGV[3] .. 'pending:' .. p .. ':' .. cid, served .. ':' .. ARGV[4])
if redis.call('SISMEMBER', ARGV[3] .. 'capped:' .. p, cid) == 0 then
  return false
end
local seen = ARGV[3] .. 'seen:' .. p .. ':' .. cid
redis.call('ZADD', seen, at, ARGV[4])
redis.call('ZREMRANGEBYSCORE', seen, '-inf', at - tonumber(ARGV[2]))
redis.call('PEXPIRE', seen, ARGV[2])
return p
