#include "hooks.hpp"

#include <chrono>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace consumer {

// The blocking task of jobs.hpp, called as a plain function. Declared here,
// not included: the header's [[bg::task]] belongs to the other target's
// registry table, and a second table would list it twice.
void record(std::string line);

asio::awaitable<void> deliver(std::string address, int delay_ms) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(delay_ms));
  co_await timer.async_wait(asio::use_awaitable);
  record("delivered " + address);
}

}  // namespace consumer
