// Golden input: coroutine tasks declared in a header, one through an alias.
#pragma once

#include <asio/awaitable.hpp>
#include <bg/context.hpp>
#include <bg/task.hpp>

#include <string>
#include <vector>

namespace hooks {

template <class T>
using Async = asio::awaitable<T>;

[[bg::task]] asio::awaitable<void> call_webhook(std::string url, std::string body, int attempts = 3);
[[bg::task]] Async<int> send_digest(bg::Context context, std::vector<std::string> to);

}  // namespace hooks
