// The HTTP routes of the example service, on cpp-httplib.
//
//   POST /signup        {"email": ..., "name": ...} -> 202 at once; the welcome
//                       email and the audit record run in the background (in
//                       durable mode: enqueued to Redis, run by mail_worker)
//   GET  /tasks         the task registry and the lifespan's live stats
//   POST /tasks/<name>  admin: submit a task by name with JSON arguments;
//                       needs "Authorization: Bearer <token>"
//
// Every request is checked before its body is read: a body without
// Content-Length (411), larger than max_body_bytes (413) or sent to the admin
// endpoint without the token (401, 403) is refused unread, and the connection
// is closed. Error bodies say what the client can do; details go to stderr.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <bg/lifespan.hpp>
#include <bg/redis.hpp>

namespace service {

struct Routes {
  /// The admin token; without one the admin endpoint answers 403.
  std::optional<std::string> admin_token;
  /// False for the load benchmark's baseline: the same parsing and response,
  /// but nothing is submitted.
  bool submit_tasks = true;
  /// Durable mode: signups enqueue their tasks to this queue instead of
  /// running them in the process (see mail_worker).
  std::optional<bg::redis::Queue> durable;
};

/// How much one client may ask of the service.
struct Limits {
  /// Larger request bodies get 413 without being read.
  std::size_t max_body_bytes = 64 * 1024;
  /// In-process mode: a signup gets 503 while this many tasks are queued,
  /// running or waiting to retry. Coroutine tasks (the welcome email) start
  /// at once and never wait in the lifespan's queue, so its capacity does
  /// not bound them; this does. 0: no bound.
  std::size_t max_tasks = 0;
};

/// Installs the routes, and the checks made before a body is read, on
/// `server`. Tasks go to `life`, which must outlive the server's request
/// threads.
void install_routes(httplib::Server& server, bg::Lifespan& life, Routes routes, Limits limits = {});

/// The token of an "Authorization: Bearer <token>" header; the scheme is
/// matched in any case (RFC 7235). Nothing for another scheme or no token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

/// True when `given` equals `secret`, in a time that depends on given's
/// length only: neither where the first difference is nor the secret's
/// length shows in how long it takes.
bool same_secret(std::string_view given, std::string_view secret);

}  // namespace service
