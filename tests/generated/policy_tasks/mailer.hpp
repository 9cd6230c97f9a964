// Tasks with policies for the generated-API tests: the attributes bg-gen
// reads must reach the registry and the runtime.
#pragma once

#include <asio/awaitable.hpp>

#include <bg/context.hpp>
#include <bg/task.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace mailer {

/// What the tasks saw, guarded: several workers run them.
struct Record {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  void add(std::string line);
  std::vector<std::string> take();
};
Record& record();

/// Fails on its first two attempts.
[[bg::task, bg::retry(3, "1ms", "4ms")]]
void flaky_send(const bg::Context& context, std::string address);

/// Runs until stopped: its time limit stops it.
[[bg::task, bg::timeout("50ms")]] void slow_render(const bg::Context& context);

/// Records how many runs of it overlap.
[[bg::task, bg::concurrency(1)]] void exclusive_sync(int n);

/// A coroutine that waits past its limit on the first attempt only.
[[bg::task("fetch"), bg::retry(2, "1ms", "2ms"), bg::timeout("40ms")]]
asio::awaitable<void> flaky_fetch(bg::Context context, std::string url);

[[bg::task]] void plain_note(std::string text);

}  // namespace mailer
