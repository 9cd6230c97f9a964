// The HTTP routes of the example service, on cpp-httplib.
//
//   POST /signup        {"email": ..., "name": ...} -> 202 at once; the welcome
//                       email and the audit record run in the background (in
//                       durable mode: enqueued to Redis, run by mail_worker)
//   GET  /tasks         the task registry and the lifespan's live stats
//   POST /tasks/<name>  admin: submit a task by name with JSON arguments;
//                       needs "Authorization: Bearer <token>"
#pragma once

#include <httplib.h>

#include <optional>
#include <string>

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

/// Installs the routes on `server`. Tasks go to `life`, which must outlive
/// the server's request threads.
void install_routes(httplib::Server& server, bg::Lifespan& life, Routes routes);

}  // namespace service
