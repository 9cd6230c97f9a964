#include "mail_tasks.hpp"

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <stop_token>
#include <stdexcept>

namespace mail {
namespace {

std::mutex file_mutex;  // one writer at a time keeps every line whole

void append_line(const std::string& path, const std::string& line) {
  std::lock_guard lock(file_mutex);
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

void send_welcome_email(const bg::Context& context, std::string email, std::string name) {
  // Wait out the SMTP round trip, but wake at once on a stop request.
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  wake.wait_for(lock, context.stop_token, settings().email_delay, [] { return false; });
  if (context.stop_token.stop_requested()) return;  // not sent; the shutdown report names this task
  append_line(settings().outbox_path, email + "\t" + name);
}

void record_audit(std::string event, std::string email) {
  append_line(settings().audit_path, event + "\t" + email);
}

}  // namespace mail
