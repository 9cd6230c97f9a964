#include "mailer.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace mailer {

void Record::add(std::string line) {
  std::lock_guard lock(mutex);
  lines.push_back(std::move(line));
}

std::vector<std::string> Record::take() {
  std::lock_guard lock(mutex);
  return std::exchange(lines, {});
}

Record& record() {
  static Record instance;
  return instance;
}

void flaky_send(const bg::Context& context, std::string address) {
  record().add(address + " attempt " + std::to_string(context.attempt));
  if (context.attempt < 3) throw std::runtime_error("the mail server is busy");
}

void slow_render(const bg::Context& context) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!context.stop_token.stop_requested() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  record().add(context.stop_token.stop_requested() ? "render stopped" : "render ran out");
}

void exclusive_sync(int n) {
  const int now = ++record().running;
  int seen = record().most.load();
  while (now > seen && !record().most.compare_exchange_weak(seen, now)) {
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  record().add("sync " + std::to_string(n));
  --record().running;
}

asio::awaitable<void> flaky_fetch(bg::Context context, std::string url) {
  record().add(url + " attempt " + std::to_string(context.attempt));
  if (context.attempt == 1) {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::minutes(10));
    co_await timer.async_wait(asio::use_awaitable);  // cancelled by the time limit
  }
}

void plain_note(std::string text) { record().add("note " + text); }

}  // namespace mailer
