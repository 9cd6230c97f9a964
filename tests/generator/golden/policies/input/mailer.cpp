#include "mailer.hpp"

namespace mailer {

void send_receipt(const bg::Context&, std::string, int) {}
void send_digest(std::string) {}
asio::awaitable<void> sync_inbox(std::string) { co_return; }
void log_open(std::string) {}

// A source-only task with a time limit in minutes.
[[bg::task, bg::timeout("2min")]] void rebuild_index() {}

}  // namespace mailer
