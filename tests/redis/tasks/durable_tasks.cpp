#include "durable_tasks.hpp"

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <sstream>

#include <bg/errors.hpp>
#include <stdexcept>
#include <thread>

namespace durable {

void Journal::add(Run run) {
  {
    std::lock_guard lock(mutex_);
    runs_.push_back(std::move(run));
  }
  changed_.notify_all();
}

std::vector<Run> Journal::runs() {
  std::lock_guard lock(mutex_);
  return runs_;
}

std::size_t Journal::count(const std::string& key) {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const Run& run : runs_) n += run.key == key ? 1 : 0;
  return n;
}

std::size_t Journal::wait_for(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return runs_.size() >= n; });
  return runs_.size();
}

void Journal::clear() {
  std::lock_guard lock(mutex_);
  runs_.clear();
}

Journal& journal() {
  static Journal instance;
  return instance;
}

void record(const bg::Context& context, std::string key) { journal().add({"record", std::move(key), context.attempt}); }

void flaky(const bg::Context& context, std::string key, int failures) {
  if (static_cast<int>(context.attempt) <= failures) {
    throw std::runtime_error("flaky failure on attempt " + std::to_string(context.attempt));
  }
  journal().add({"flaky", std::move(key), context.attempt});
}

void mailout(const bg::Context& context, std::string address, int copies) {
  journal().add({"mailout", address + " x" + std::to_string(copies), context.attempt});
}

void refuse(const bg::Context& context, std::string key) {
  journal().add({"refuse", key, context.attempt});
  throw bg::NoRetry("550 no such user " + key);
}

void slow(const bg::Context& context, std::string key, int ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (context.stop_token.stop_requested()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  journal().add({"slow", std::move(key), context.attempt});
}

void shapes(std::string text, std::int64_t big, double ratio, bool flag, std::vector<int> list,
            std::optional<std::string> maybe, std::map<std::string, std::uint16_t> counts) {
  std::ostringstream out;
  out << text << '|' << big << '|' << ratio << '|' << flag << '|';
  for (int n : list) out << n << ',';
  out << '|' << (maybe ? *maybe : "<none>") << '|';
  for (const auto& [k, v] : counts) out << k << '=' << v << ',';
  journal().add({"shapes", out.str(), 1});
}

asio::awaitable<void> async_record(bg::Context context, std::string key) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
  co_await timer.async_wait(asio::use_awaitable);
  journal().add({"async_record", std::move(key), context.attempt});
}

void stuck(const bg::Context& context, std::string key) {
  journal().add({"stuck", std::move(key), context.attempt});
  while (!context.stop_token.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace durable
