-- One contact of a person on a day against the contact policy, in one step with its check.
-- KEYS: 1 the person's counts of the day (a hash: "" the total, else by advertiser id)
-- ARGV: 1 advertiser id, 2 gateway-wide limit (0: none), 3 the advertiser's (0: none), 4 TTL ms
-- Returns 1 when counted, 0 when a limit is reached (nothing counted).
local total = tonumber(redis.call('HGET', KEYS[1], '') or '0')
local own = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local all = tonumber(ARGV[2])
local mine = tonumber(ARGV[3])
if (all > 0 and total >= all) or (mine > 0 and own >= mine) then
  return 0
end
redis.call('HINCRBY', KEYS[1], '', 1)
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
