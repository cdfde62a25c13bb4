-- Frequency cap: check and take a slot in one step (DeliveryLedger.reserve).
-- KEYS: 1 seen impressions (zset adId -> ms), 2 pending ads (zset "servedMs:adId" -> expiresMs),
--       3 the ad (string), 4 the user's capped campaigns (set), 5 the book's seeded marker
-- ARGV: 1 cap, 2 since ms, 3 at ms, 4 expires ms, 5 ad id, 6 pseudonym, 7 campaign id, 8 history ms
-- A book found empty and not yet seeded from the database knows no impressions: take no slot.
if redis.call('EXISTS', KEYS[5]) == 0 then
  return 0
end
local at = tonumber(ARGV[3])
local since = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', at)
local n = redis.call('ZCOUNT', KEYS[1], since, '+inf')
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if tonumber(string.match(m, '^(%d+):')) >= since then
    n = n + 1
  end
end
if n >= tonumber(ARGV[1]) then
  return 0
end
local ttl = tonumber(ARGV[4]) - at + 60000
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3] .. ':' .. ARGV[5])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[3], ARGV[6] .. '\n' .. ARGV[7] .. '\n' .. ARGV[3] .. '\n' .. ARGV[4], 'PX', ttl)
redis.call('SADD', KEYS[4], ARGV[7])
redis.call('PEXPIRE', KEYS[4], ARGV[8])
return 1
