// Golden input: tasks with policies, declared in a header; one coroutine.
#pragma once

#include <asio/awaitable.hpp>
#include <bg/context.hpp>
#include <bg/task.hpp>

#include <string>

namespace mailer {

[[bg::task, bg::retry(5), bg::timeout("30s"), bg::concurrency(2), bg::queue("receipts")]]
void send_receipt(const bg::Context& context, std::string address, int order);

[[bg::task("nightly_digest"), bg::retry(2, "250ms", "10s")]]
void send_digest(std::string address);

[[bg::task, bg::concurrency(1)]] asio::awaitable<void> sync_inbox(std::string account);

// No policy: the registry entry has none.
[[bg::task]] void log_open(std::string address);

}  // namespace mailer
