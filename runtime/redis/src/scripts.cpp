#include "scripts.hpp"

namespace bg::redis {

const char* const kMoveDueScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local moved, dead = 0, 0
local function optional_text(v) return v == nil or type(v) == 'string' end
for _, member in ipairs(due) do
  local ok, e = pcall(cjson.decode, member)
  local written
  if ok and type(e) == 'table' and type(e.task) == 'string' and e.task ~= '' and type(e.args) == 'string'
     and optional_text(e.attempt) and optional_text(e.enqueued) then
    written = redis.pcall('XADD', KEYS[2], '*', 'task', e.task, 'args', e.args,
                          'attempt', e.attempt or '1', 'enqueued', e.enqueued or '0')
    moved = moved + 1
  else
    local why = ok and 'its task or args is missing or not a string' or 'it is not JSON'
    written = redis.pcall('XADD', KEYS[3], '*', 'task', '', 'args', member, 'attempt', '0',
                          'error', 'a member of the delayed set that is not a task bgtasks wrote: ' .. why,
                          'failed', tostring(now))
    dead = dead + 1
  end
  if type(written) == 'table' and written.err then
    return {moved, dead, written.err}
  end
  redis.call('ZREM', KEYS[1], member)
end
return {moved, dead, ''}
)lua";

const char* const kReclaimScript = R"lua(
local group, me, min_idle = ARGV[1], ARGV[2], ARGV[3]
local room, max_deliveries, may_take_suspicious = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6] == '1'
local idle = redis.call('XPENDING', KEYS[1], group, 'IDLE', min_idle, '-', '+', room + 100)
local taken, dead, waiting = {}, 0, 0  -- waiting: the longest idle of the suspicious entries left
for _, p in ipairs(idle) do
  if #taken >= room then break end
  local id, deliveries = p[1], tonumber(p[4])
  if deliveries >= max_deliveries then
    local found = redis.call('XRANGE', KEYS[1], id, id)
    if type(found[1]) == 'table' and type(found[1][2]) == 'table' then
      local args = {'XADD', KEYS[2], '*'}
      -- At most 64 fields: far below what unpack can pass to one command.
      for i, v in ipairs(found[1][2]) do
        if i > 128 then break end
        args[#args + 1] = v
      end
      args[#args + 1] = 'error'
      args[#args + 1] = 'delivered ' .. deliveries ..
                        ' times without finishing: its worker stopped each time (crash loop?)'
      args[#args + 1] = 'source'
      args[#args + 1] = id
      local written = redis.pcall(unpack(args))
      if type(written) == 'table' and written.err then return {taken, dead, waiting, written.err} end
    end
    redis.call('XACK', KEYS[1], group, id)
    redis.call('XDEL', KEYS[1], id)
    dead = dead + 1
  elseif deliveries >= 2 and not (may_take_suspicious and #taken == 0) then
    waiting = math.max(waiting, tonumber(p[3]))
  else
    local claimed = redis.call('XCLAIM', KEYS[1], group, me, min_idle, id)
    local entry = claimed[1]
    if type(entry) == 'table' and type(entry[2]) == 'table' then
      taken[#taken + 1] = {entry[1], entry[2], deliveries}
      if deliveries >= 2 then break end  -- a suspicious entry runs alone
    end
  end
end
return {taken, dead, waiting, ''}
)lua";

const char* const kSettleScript = R"lua(
local group, me = ARGV[1], ARGV[2]
local out, acks, ack_slots = {}, {}, {}
local i = 3
while i <= #ARGV do
  local kind, id = ARGV[i], ARGV[i + 1]
  i = i + 2
  if kind == 'a' then
    acks[#acks + 1] = id
    out[#out + 1] = 1
    ack_slots[#ack_slots + 1] = #out
  else
    local write
    if kind == 'r' then
      write = {'ZADD', KEYS[2], ARGV[i], ARGV[i + 1]}
      i = i + 2
    else
      local n = tonumber(ARGV[i])
      i = i + 1
      write = {'XADD', kind == 'd' and KEYS[3] or KEYS[1], '*'}
      for j = i, i + n - 1 do write[#write + 1] = ARGV[j] end
      i = i + n
    end
    local p = redis.pcall('XPENDING', KEYS[1], group, id, id, 1)
    if p.err then
      out[#out + 1] = p.err
    elseif type(p[1]) ~= 'table' or p[1][2] ~= me then
      out[#out + 1] = 0
    else
      local written = redis.pcall(unpack(write))
      if type(written) == 'table' and written.err then
        out[#out + 1] = written.err
      else
        redis.call('XACK', KEYS[1], group, id)
        redis.call('XDEL', KEYS[1], id)
        out[#out + 1] = 1
      end
    end
  end
end
local first = 1
while first <= #acks do
  local last = math.min(first + 999, #acks)
  local acked = redis.pcall('XACK', KEYS[1], group, unpack(acks, first, last))
  if type(acked) == 'table' and acked.err then
    for s = first, last do out[ack_slots[s]] = acked.err end
  else
    redis.call('XDEL', KEYS[1], unpack(acks, first, last))
  end
  first = last + 1
end
return out
)lua";

const char* const kHeartbeatScript = R"lua(
local renewed = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
  if type(p[1]) == 'table' and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'JUSTID')
    renewed = renewed + 1
  end
end
return renewed
)lua";

const char* const kRequeueScript = R"lua(
local found = redis.call('XRANGE', KEYS[2], ARGV[1], ARGV[1])
if #found == 0 then return 0 end
local args = {'XADD', KEYS[1], '*'}
for i = 2, #ARGV do args[#args + 1] = ARGV[i] end
local written = redis.pcall(unpack(args))
if type(written) == 'table' and written.err then return written.err end
redis.call('XDEL', KEYS[2], ARGV[1])
return 1
)lua";

const char* const kPruneConsumersScript = R"lua(
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if consumers.err then return 0 end
local deleted = 0
for _, c in ipairs(consumers) do
  local fields = {}
  for j = 1, #c - 1, 2 do fields[c[j]] = c[j + 1] end
  if fields.name ~= ARGV[2] and tonumber(fields.pending) == 0 and tonumber(fields.idle) >= tonumber(ARGV[3]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields.name)
    deleted = deleted + 1
  end
end
return deleted
)lua";

}  // namespace bg::redis
