-- Start-up seed of a counter: at least this much (a second seed, or one from another instance, adds nothing).
-- KEYS: the counters; ARGV: 1 ttl seconds (0: none), then one value per key
for j = 1, #KEYS do
  local v = tonumber(ARGV[j + 1])
  if tonumber(redis.call('GET', KEYS[j]) or '0') < v then
    redis.call('SET', KEYS[j], v)
  end
  if tonumber(ARGV[1]) > 0 then
    redis.call('EXPIRE', KEYS[j], ARGV[1])
  end
end
return 0
