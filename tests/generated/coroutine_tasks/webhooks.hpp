// Coroutine tasks for the generated-API tests: each records what it
// received after it has suspended at least once.
#pragma once

#include <asio/awaitable.hpp>

#include <bg/context.hpp>
#include <bg/task.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace webhooks {

/// A project's own alias: bg-gen sees through it.
template <class T>
using Async = asio::awaitable<T>;

/// What the tasks saw, guarded: several io threads may run them.
struct Log {
  std::mutex mutex;
  std::vector<std::string> lines;
  void add(std::string line);
  std::vector<std::string> take();
};
Log& log();

[[bg::task]] asio::awaitable<void> call_webhook(std::string url, std::string body);
[[bg::task]] Async<void> send_digest(bg::Context context, std::vector<std::string> to);
/// A reference parameter, read after the task has suspended.
[[bg::task]] asio::awaitable<int> measure(const std::string& text, int delay_ms = 5);
[[bg::task]] asio::awaitable<void> fail_after(int delay_ms);
/// Waits for ten minutes unless cancelled; logs how it ended.
[[bg::task]] asio::awaitable<void> wait_for_cancel(bg::Context context);

}  // namespace webhooks
