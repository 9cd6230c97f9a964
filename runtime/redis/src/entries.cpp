#include "entries.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <random>

#include <nlohmann/json.hpp>

namespace bg::redis {
namespace {
/// More attempts than any retry policy allows: a larger count is corruption.
constexpr unsigned kMaxAttempt = 1'000'000;
}  // namespace

Argv fields_of(const StoredTask& task) {
  return {"task", task.task, "args", task.args, "attempt", std::to_string(task.attempt), "enqueued",
          std::to_string(task.enqueued_ms)};
}

Argv xadd_command(const std::string& stream, const StoredTask& task) {
  Argv command{"XADD", stream, "*"};
  for (std::string& field : fields_of(task)) command.push_back(std::move(field));
  return command;
}

ReadTask read_fields(const Reply& fields) {
  ReadTask out;
  bool has_task = false;
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    const std::string& name = fields.elements[i].str;
    const std::string& value = fields.elements[i + 1].str;
    if (name == "task") {
      out.task.task = value;
      has_task = true;
    } else if (name == "args") {
      out.task.args = value;
    } else if (name == "attempt") {
      unsigned attempt = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), attempt);
      if (ec != std::errc{} || end != value.data() + value.size() || attempt < 1 || attempt > kMaxAttempt) {
        out.problem = "its attempt field '" + value.substr(0, 40) + "' is not a whole number from 1 to " +
                      std::to_string(kMaxAttempt);
      } else {
        out.task.attempt = attempt;
      }
    } else if (name == "enqueued") {
      std::int64_t ms = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      // Informational only: an unreadable time reads as unknown (0).
      out.task.enqueued_ms = (ec == std::errc{} && end == value.data() + value.size()) ? ms : 0;
    }
  }
  if (!has_task || out.task.task.empty()) out.problem = "the entry names no task (it has no 'task' field)";
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

std::string retry_id(std::string_view entry_id, unsigned attempt) {
  return "r-" + std::string(entry_id) + "-" + std::to_string(attempt);
}

Argv zadd_command(const std::string& delayed, const StoredTask& task, std::int64_t due_ms, std::string& id) {
  id = new_delayed_id();
  return {"ZADD", delayed, std::to_string(due_ms), delayed_member(task, id)};
}

}  // namespace bg::redis
