// A coroutine task in a library of its own, which links bgtasks::asio; the
// rest of the program links only bgtasks::runtime.
#pragma once

#include <asio/awaitable.hpp>
#include <bg/task.hpp>

#include <string>

namespace consumer {

[[bg::task]] asio::awaitable<void> deliver(std::string address, int delay_ms);

}  // namespace consumer
