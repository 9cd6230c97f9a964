// The service's background tasks. Handlers submit them through the generated
// entry points (tasks::send_welcome_email.later(...)); the admin endpoint
// reaches them by name through bg::registry(). One is a coroutine task (it
// waits on I/O), one a blocking task (a worker thread runs it).
#pragma once

#include <asio/awaitable.hpp>
#include <bg/context.hpp>
#include <bg/task.hpp>

#include <chrono>
#include <string>

namespace mail {

/// Where the simulated SMTP server delivers, and how slow it is. Set once in
/// main before the lifespan starts; tasks only read it. An empty path writes
/// no file: the line goes to standard output ("sent: ...", "audit: ...").
struct Settings {
  std::string outbox_path;
  std::string audit_path;
  std::chrono::milliseconds email_delay{1000};
};
Settings& settings();

/// Simulated SMTP, as a coroutine task: waits email_delay on an Asio timer
/// (the SMTP round trip), then appends one line "email<TAB>name" to the
/// outbox. Thousands wait at once on the lifespan's one I/O thread. At
/// shutdown the wait is cancelled (nothing is sent, and the report names
/// the task).
///
/// The simulated server answers an address at bounce.example "451 try again
/// later" on the first attempt (retried, with backoff, up to 3 times), and
/// one at invalid.example "550 no such user" (bg::NoRetry: final at once).
/// A run that takes over 30 s is cancelled and retried. In durable mode
/// (--redis) it goes to the queue "mail" (bg::queue), which mail_worker reads.
[[bg::task, bg::retry(3, "100ms", "2s"), bg::timeout("30s"), bg::queue("mail")]]
asio::awaitable<void> send_welcome_email(bg::Context context, std::string email, std::string name);

/// Appends "event<TAB>email" to the audit log (settings().audit_path). One run at a time: the writes
/// are serialized anyway, and a second run would only hold a worker while
/// it waits for the file.
[[bg::task, bg::concurrency(1), bg::queue("mail")]] void record_audit(std::string event, std::string email);

}  // namespace mail
