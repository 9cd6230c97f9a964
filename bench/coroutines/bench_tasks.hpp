// The coroutine tasks the benchmarks submit through their generated entry
// points, as an application would.
#pragma once

#include <asio/awaitable.hpp>
#include <bg/task.hpp>

namespace bench {

/// Returns at once: measures what running a coroutine task costs.
[[bg::task]] asio::awaitable<void> noop();

/// Waits `ms` milliseconds on an Asio timer: one task waiting on I/O.
[[bg::task]] asio::awaitable<void> sleep_ms(int ms);

}  // namespace bench
