// Tasks the Redis tests enqueue and their worker runs: each records what it
// saw, so that tests can check runs, attempts and arguments.
#pragma once

#include <asio/awaitable.hpp>

#include <bg/context.hpp>
#include <bg/task.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace durable {

struct Run {
  std::string task;
  std::string key;
  unsigned attempt = 0;
};

/// Every run so far, guarded: several workers record.
class Journal {
 public:
  void add(Run run);
  [[nodiscard]] std::vector<Run> runs();
  [[nodiscard]] std::size_t count(const std::string& key);
  /// Waits until `n` runs are recorded, or `timeout` passes; the count then.
  std::size_t wait_for(std::size_t n, std::chrono::milliseconds timeout);
  void clear();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Run> runs_;
};
Journal& journal();

[[bg::task]] void record(const bg::Context& context, std::string key);

/// Throws on its first `failures` attempts (then records).
[[bg::task, bg::retry(2, "20ms", "40ms")]]
void flaky(const bg::Context& context, std::string key, int failures);

/// Declares its durable queue: enqueue(client, ...) puts it there.
[[bg::task, bg::queue("mailouts")]] void mailout(const bg::Context& context, std::string address, int copies = 1);

/// Throws bg::NoRetry: its retry policy must not apply.
[[bg::task, bg::retry(2, "10ms", "10ms")]] void refuse(const bg::Context& context, std::string key);

/// Sleeps `ms`, then records; returns early (unrecorded) when stopped.
[[bg::task]] void slow(const bg::Context& context, std::string key, int ms);

/// Records its arguments as JSON-like text in the key.
[[bg::task]] void shapes(std::string text, std::int64_t big, double ratio, bool flag, std::vector<int> list,
                         std::optional<std::string> maybe, std::map<std::string, std::uint16_t> counts);

/// A coroutine task: records after a short timer.
[[bg::task]] asio::awaitable<void> async_record(bg::Context context, std::string key);

/// Its time limit stops it; one retry.
[[bg::task, bg::retry(1, "10ms", "10ms"), bg::timeout("50ms")]]
void stuck(const bg::Context& context, std::string key);

}  // namespace durable
