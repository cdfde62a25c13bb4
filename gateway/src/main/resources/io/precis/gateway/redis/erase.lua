-- Erasure: every cap counter of one pseudonym.
-- KEYS: 1 the user's capped campaigns (set); ARGV: 1 key prefix, 2 pseudonym
for _, cid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  redis.call('DEL', ARGV[1] .. 'seen:' .. ARGV[2] .. ':' .. cid, ARGV[1] .. 'pending:' .. ARGV[2] .. ':' .. cid)
end
redis.call('DEL', KEYS[1])
return 0
