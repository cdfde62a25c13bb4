-- The counters of one match's candidates in one round trip (DeliveryLedger.prefetch).
-- ARGV: 1 key prefix, 2 pseudonym ('' for none), 3 now ms, 4 number of capped campaigns,
--       then per capped campaign: id, since ms; then per budgeted campaign: id, local day
-- Returns per capped campaign its count, then per budgeted one: spent total, spent on the day, held.
local prefix, p, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local capped = tonumber(ARGV[4])
local out = {}
local i = 5
for _ = 1, capped do
  local cid, since = ARGV[i], tonumber(ARGV[i + 1])
  local n = redis.call('ZCOUNT', prefix .. 'seen:' .. p .. ':' .. cid, since, '+inf')
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', prefix .. 'pending:' .. p .. ':' .. cid, '(' .. now, '+inf')) do
    if tonumber(string.match(m, '^(%d+):')) >= since then
      n = n + 1
    end
  end
  out[#out + 1] = n
  i = i + 2
end
while i <= #ARGV do
  local cid, day = ARGV[i], ARGV[i + 1]
  out[#out + 1] = tonumber(redis.call('GET', prefix .. 'spent:' .. cid) or '0')
  out[#out + 1] = tonumber(redis.call('GET', prefix .. 'spent:' .. cid .. ':' .. day) or '0')
  local held = 0
  local x = redis.call('HGETALL', prefix .. 'holdx:' .. cid)
  for j = 1, #x, 2 do
    if tonumber(x[j + 1]) > now then
      held = held + tonumber(redis.call('HGET', prefix .. 'hold:' .. cid, x[j]) or '0')
    end
  end
  out[#out + 1] = held
  i = i + 2
end
return out
