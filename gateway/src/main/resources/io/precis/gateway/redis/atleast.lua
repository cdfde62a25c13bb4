-- Raises fields of a hash to at least the given values (seeding from the database, and
-- suppressions, which only ever run longer): idempotent, so instances may repeat it.
-- KEYS: 1 the hash; ARGV: 1 TTL ms it is kept at least, then field, value pairs.
for i = 2, #ARGV, 2 do
  local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > cur then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 1
