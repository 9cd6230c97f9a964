// Command-line options of http_service.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace service {

struct Options {
  int port = 0;  ///< 0: the system picks a free port
  unsigned workers = 2;
  unsigned io_threads = 1;
  std::chrono::milliseconds grace{5000};
  std::chrono::milliseconds email_delay{1000};
  std::string outbox = "outbox.txt";
  std::string audit = "audit.log";
};

/// Parses argv. On a bad or unknown flag returns nothing and sets `error` to
/// a message that names the flag and says what is expected.
std::optional<Options> parse_options(int argc, char** argv, std::string& error);

inline constexpr const char* kUsage =
    "usage: http_service [--port N] [--workers N] [--io-threads N] [--grace-ms N] [--email-delay-ms N]\n"
    "                    [--outbox PATH] [--audit PATH]\n"
    "  --port N            TCP port on 127.0.0.1; 0 (default) picks a free one\n"
    "  --workers N         background worker threads, for blocking tasks (default 2)\n"
    "  --io-threads N      threads for coroutine tasks such as the welcome email (default 1)\n"
    "  --grace-ms N        shutdown waits this long for tasks before stopping them (default 5000)\n"
    "  --email-delay-ms N  simulated SMTP latency (default 1000)\n"
    "  --outbox PATH       where sent emails are appended (default outbox.txt)\n"
    "  --audit PATH        where audit records are appended (default audit.log)\n"
    "environment: BG_ADMIN_TOKEN enables POST /tasks/<name> for 'Authorization: Bearer <token>'\n";

}  // namespace service
