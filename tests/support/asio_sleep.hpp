// A coroutine that waits on an Asio timer, for the coroutine task tests.
#pragma once

#include <chrono>

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace bg::test {

inline ::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration) {
  ::asio::steady_timer timer(co_await ::asio::this_coro::executor, duration);
  co_await timer.async_wait(::asio::use_awaitable);
}

}  // namespace bg::test
