// A coroutine task in a library of its own, which links bgtasks::asio; the
// rest of the program links only bgtasks::runtime.
#pragma once

#include <asio/awaitable.hpp>
#include <bg/task.hpp>

#include <string>

namespace consumer {

// Policies beside the attribute: the project builds with -Wall -Wextra
// -Werror, so GCC and Clang must take them quietly too.
[[bg::task, bg::retry(2, "10ms"), bg::timeout("5s")]]
asio::awaitable<void> deliver(std::string address, int delay_ms);

}  // namespace consumer
