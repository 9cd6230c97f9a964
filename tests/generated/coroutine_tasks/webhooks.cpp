#include "webhooks.hpp"

#include <chrono>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <asio/error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace webhooks {
namespace {

asio::awaitable<void> pause(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace

void Log::add(std::string line) {
  std::lock_guard lock(mutex);
  lines.push_back(std::move(line));
}

std::vector<std::string> Log::take() {
  std::lock_guard lock(mutex);
  return std::exchange(lines, {});
}

Log& log() {
  static Log instance;
  return instance;
}

asio::awaitable<void> call_webhook(std::string url, std::string body) {
  co_await pause(std::chrono::milliseconds(2));
  log().add("webhook " + url + " " + body);
}

Async<void> send_digest(bg::Context context, std::vector<std::string> to) {
  co_await pause(std::chrono::milliseconds(1));
  std::string line = "digest " + std::string(context.name) + " " + std::to_string(context.id);
  for (const auto& address : to) line += " " + address;
  log().add(line);
}

asio::awaitable<int> measure(const std::string& text, int delay_ms) {
  co_await pause(std::chrono::milliseconds(delay_ms));
  log().add("measure " + text + " " + std::to_string(text.size()));
  co_return static_cast<int>(text.size());
}

asio::awaitable<void> fail_after(int delay_ms) {
  co_await pause(std::chrono::milliseconds(delay_ms));
  throw std::runtime_error("the endpoint answered 503");
}

asio::awaitable<void> wait_for_cancel(bg::Context context) {
  try {
    co_await pause(std::chrono::minutes(10));
    log().add("waited");
  } catch (const std::system_error& e) {
    log().add(std::string("cancelled ") + (e.code() == asio::error::operation_aborted ? "aborted" : "other") +
              (context.stop_token.stop_requested() ? " stop" : ""));
  }
}

}  // namespace webhooks
