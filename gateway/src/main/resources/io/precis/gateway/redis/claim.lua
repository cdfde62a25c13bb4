-- Claims the seeding of an empty book: none while it is seeded (KEYS[1] set once seeding is
-- done), and only one instance at a time while it is not (KEYS[2], expiring, so a seeding
-- instance that dies leaves it to another).
-- KEYS: 1 seeded marker, 2 seeding claim; ARGV: 1 claim lifetime ms
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
  return 1
end
return 0
