// Command-line options of http_service and mail_worker.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace service {

struct Options {
  int port = 0;  ///< 0: the system picks a free port
  unsigned workers = 2;
  unsigned io_threads = 1;
  std::chrono::milliseconds grace{5000};
  std::chrono::milliseconds email_delay{1000};
  /// Where sent emails and audit records are appended. Empty (the default):
  /// no file is written; the lines go to standard output.
  std::string outbox;
  std::string audit;
  /// A request body larger than this gets 413 before it is read.
  std::size_t max_body_bytes = 64 * 1024;
  /// Blocking tasks waiting for a worker; a signup that finds it full gets 503.
  std::size_t queue_capacity = 1000;
  /// Tasks queued, running or waiting to retry, coroutine tasks included (they
  /// never wait in the queue); beyond it a signup gets 503.
  std::size_t max_tasks = 10'000;
  /// Durable mode: the service enqueues to this Redis and mail_worker
  /// processes run the tasks. Empty: tasks run in the service's process.
  std::string redis;
  std::string queue = "mail";
  std::chrono::milliseconds claim_idle{30'000};  ///< mail_worker: take over entries idle this long
  unsigned max_in_flight = 0;                     ///< mail_worker: 0 = its worker threads
};

/// Parses argv. On a bad or unknown flag returns nothing and sets `error` to
/// a message that names the flag and says what is expected; on --help
/// returns nothing and leaves `error` empty.
std::optional<Options> parse_options(int argc, char** argv, std::string& error);

inline constexpr const char* kUsage =
    "usage: http_service [--port N] [--workers N] [--io-threads N] [--grace-ms N] [--email-delay-ms N]\n"
    "                    [--outbox FILE] [--audit FILE] [--max-body-bytes N] [--queue-capacity N]\n"
    "                    [--max-tasks N] [--redis URL [--queue NAME]]\n"
    "  --port N             TCP port on 127.0.0.1; 0 (default) picks a free one\n"
    "  --workers N          background worker threads, for blocking tasks (default 2)\n"
    "  --io-threads N       threads for coroutine tasks such as the welcome email (default 1)\n"
    "  --grace-ms N         shutdown waits this long for tasks before stopping them (default 5000)\n"
    "  --email-delay-ms N   simulated SMTP latency (default 1000)\n"
    "  --outbox FILE        append sent emails to FILE (default: none; printed on standard output)\n"
    "  --audit FILE         append audit records to FILE (default: none; printed on standard output)\n"
    "  --max-body-bytes N   larger request bodies get 413 without being read (default 65536)\n"
    "  --queue-capacity N   blocking tasks waiting for a worker; when full, POST /signup gets 503 (default 1000)\n"
    "  --max-tasks N        tasks queued, running or waiting to retry (coroutine tasks included);\n"
    "                       beyond it POST /signup gets 503 (default 10000)\n"
    "  --redis URL          durable mode: enqueue to Redis (redis://HOST:PORT[?socket_timeout=SECONDS]);\n"
    "                       mail_worker runs the tasks\n"
    "  --queue NAME         the Redis queue (default mail)\n"
    "environment: BG_ADMIN_TOKEN enables POST /tasks/<name> for 'Authorization: Bearer <token>'\n"
    "             BG_REDIS_URL is --redis when the flag is not given: keep a URL with a password there,\n"
    "             not on the command line, which every user of the machine can read\n";

inline constexpr const char* kWorkerUsage =
    "usage: mail_worker --redis URL [--queue NAME] [--workers N] [--io-threads N] [--grace-ms N]\n"
    "                   [--email-delay-ms N] [--outbox FILE] [--audit FILE] [--claim-idle-ms N]\n"
    "                   [--max-in-flight N]\n"
    "  runs the tasks http_service --redis enqueues; SIGTERM stops it gracefully (entries not started\n"
    "  go back to the queue). Run as many as you like, on any machine that reaches the Redis server.\n"
    "  --claim-idle-ms N   take over entries of a worker that stopped renewing them for N ms (default 30000)\n"
    "  --max-in-flight N   entries held at once (default: --workers)\n"
    "  other flags as for http_service; BG_REDIS_URL is --redis when the flag is not given\n";

}  // namespace service
