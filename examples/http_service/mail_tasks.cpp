#include "mail_tasks.hpp"

#include <fstream>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include <asio/error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <bg/asio.hpp>
#include <bg/errors.hpp>

namespace mail {
namespace {

std::mutex file_mutex;  // one writer at a time keeps every line whole

/// Appends `line` to the file `path`, or with no path prints it on standard
/// output after `label`: nothing is written where the process happens to run.
void append_line(const std::string& path, const std::string& label, const std::string& line) {
  std::lock_guard lock(file_mutex);
  if (path.empty()) {
    std::cout << label << ": " << line << std::endl;
    return;
  }
  std::ofstream out(path, std::ios::app);
  out << line << '\n';
  out.flush();
  if (!out) throw std::runtime_error("cannot append to " + path);
}

}  // namespace

Settings& settings() {
  static Settings instance;
  return instance;
}

asio::awaitable<void> send_welcome_email(bg::Context context, std::string email, std::string name) {
  asio::steady_timer smtp_round_trip(co_await asio::this_coro::executor, settings().email_delay);
  try {
    co_await smtp_round_trip.async_wait(asio::use_awaitable);
  } catch (const std::system_error& e) {
    // Shutdown cancelled the wait: not sent; the report names this task.
    if (e.code() == asio::error::operation_aborted && context.stop_token.stop_requested()) co_return;
    throw;
  }
  if (email.ends_with("@invalid.example")) throw bg::NoRetry("550 5.1.1 " + email + ": no such user");
  if (email.ends_with("@bounce.example") && context.attempt == 1) {
    throw std::runtime_error("451 4.3.0 " + email + ": mailbox busy, try again later");
  }
  // Appending to a file blocks: hand it to the worker group rather than
  // hold up every other email waiting on this I/O thread.
  co_await bg::asio::run_blocking(&append_line, settings().outbox_path, "sent", email + "\t" + name);
}

void record_audit(std::string event, std::string email) {
  append_line(settings().audit_path, "audit", event + "\t" + email);
}

}  // namespace mail
