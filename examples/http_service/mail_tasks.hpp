// The service's background tasks. Handlers submit them through the generated
// entry points (tasks::send_welcome_email.later(...)); the admin endpoint
// reaches them by name through bg::registry().
#pragma once

#include <bg/context.hpp>
#include <bg/task.hpp>

#include <chrono>
#include <string>

namespace mail {

/// Where the simulated SMTP server delivers, and how slow it is. Set once in
/// main before the lifespan starts; tasks only read it.
struct Settings {
  std::string outbox_path = "outbox.txt";
  std::string audit_path = "audit.log";
  std::chrono::milliseconds email_delay{1000};
};
Settings& settings();

/// Simulated SMTP: waits email_delay (ending early if the lifespan asks it
/// to stop, in which case nothing is sent and the shutdown report names the
/// task), then appends one line "email<TAB>name" to the outbox.
[[bg::task]] void send_welcome_email(const bg::Context& context, std::string email, std::string name);

/// Appends "event<TAB>email" to the audit log.
[[bg::task]] void record_audit(std::string event, std::string email);

}  // namespace mail
