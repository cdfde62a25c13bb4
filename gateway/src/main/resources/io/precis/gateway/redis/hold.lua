-- Budget hold: check that what is held plus this fits in the room, and hold it, in one step.
-- KEYS: 1 holds (hash minute -> nanos), 2 their expiries (hash minute -> ms), 3 the book's seeded marker
-- ARGV: 1 nanos, 2 room nanos, 3 at ms, 4 expires ms, 5 minute
-- A book found empty and not yet seeded from the database knows no spend: hold nothing.
if redis.call('EXISTS', KEYS[3]) == 0 then
  return 0
end
local at = tonumber(ARGV[3])
local held = 0
local x = redis.call('HGETALL', KEYS[2])
for j = 1, #x, 2 do
  if tonumber(x[j + 1]) <= at then
    redis.call('HDEL', KEYS[1], x[j])
    redis.call('HDEL', KEYS[2], x[j])
  else
    held = held + tonumber(redis.call('HGET', KEYS[1], x[j]) or '0')
  end
end
if held + tonumber(ARGV[1]) > tonumber(ARGV[2]) then
  return 0
end
redis.call('HINCRBY', KEYS[1], ARGV[5], ARGV[1])
local old = tonumber(redis.call('HGET', KEYS[2], ARGV[5]) or '0')
if tonumber(ARGV[4]) > old then
  redis.call('HSET', KEYS[2], ARGV[5], ARGV[4])
end
local ttl = tonumber(ARGV[4]) - at + 120000
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
