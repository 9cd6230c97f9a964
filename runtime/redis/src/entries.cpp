#include "entries.hpp"

#include <atomic>
#include <chrono>
#include <random>

#include <nlohmann/json.hpp>

namespace bg::redis {

Argv xadd_command(const std::string& stream, const StoredTask& task) {
  return {"XADD", stream, "*", "task", task.task, "args", task.args, "attempt", std::to_string(task.attempt),
          "enqueued", std::to_string(task.enqueued_ms)};
}

StoredTask read_fields(const Reply& fields) {
  StoredTask out;
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    const std::string& name = fields.elements[i].str;
    const std::string& value = fields.elements[i + 1].str;
    if (name == "task") {
      out.task = value;
    } else if (name == "args") {
      out.args = value;
    } else if (name == "attempt") {
      out.attempt = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
      if (out.attempt == 0) out.attempt = 1;
    } else if (name == "enqueued") {
      out.enqueued_ms = std::strtoll(value.c_str(), nullptr, 10);
    }
  }
  return out;
}

std::string delayed_member(const StoredTask& task, std::string_view id) {
  // Every value a string: Lua's cjson reads numbers as doubles, and a Unix
  // time in ms would come back as "1.7e+12".
  const nlohmann::json member = {{"id", id},
                                 {"task", task.task},
                                 {"args", task.args},
                                 {"attempt", std::to_string(task.attempt)},
                                 {"enqueued", std::to_string(task.enqueued_ms)}};
  return member.dump();
}

std::string new_delayed_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static std::atomic<std::uint64_t> counter{0};
  const auto now = unix_ms(std::chrono::system_clock::now());
  return "d-" + std::to_string(now) + "-" + std::to_string(random() % 1'000'000'000) + "-" +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

Argv zadd_command(const std::string& delayed, const StoredTask& task, std::int64_t due_ms, std::string& id) {
  id = new_delayed_id();
  return {"ZADD", delayed, std::to_string(due_ms), delayed_member(task, id)};
}

const char* const kMoveDueScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, member in ipairs(due) do
  local ok, e = pcall(cjson.decode, member)
  if ok and type(e) == 'table' and e.task and e.args then
    redis.call('XADD', KEYS[2], '*', 'task', e.task, 'args', e.args,
               'attempt', e.attempt or '1', 'enqueued', e.enqueued or '0')
  else
    redis.call('XADD', KEYS[3], '*', 'task', '', 'args', member, 'attempt', '0',
               'error', 'a member of the delayed set that is not a task bgtasks wrote')
  end
  redis.call('ZREM', KEYS[1], member)
end
return #due
)lua";

const char* const kReclaimScript = R"lua(
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
local out = {}
local dead = 0
for _, entry in ipairs(claimed[2]) do
  local id, fields = entry[1], entry[2]
  local info = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
  local deliveries = 0
  if info[1] then deliveries = tonumber(info[1][4]) end
  if deliveries > tonumber(ARGV[5]) then
    local args = {KEYS[2], '*'}
    for i = 1, #fields do args[#args + 1] = fields[i] end
    args[#args + 1] = 'error'
    args[#args + 1] = 'delivered ' .. deliveries ..
                      ' times without finishing: its worker stopped each time (crash loop?)'
    args[#args + 1] = 'source'
    args[#args + 1] = id
    redis.call('XADD', unpack(args))
    redis.call('XACK', KEYS[1], ARGV[1], id)
    redis.call('XDEL', KEYS[1], id)
    dead = dead + 1
  else
    out[#out + 1] = entry
  end
end
out[#out + 1] = dead
return out
)lua";

}  // namespace bg::redis
