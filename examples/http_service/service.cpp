#include "service.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <iostream>

#include <nlohmann/json.hpp>

#include <bg/bg.hpp>
#include <bg/registry.hpp>

#include "bg_tasks.hpp"

namespace service {
namespace {

using nlohmann::json;

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump() + "\n", "application/json");
}

void reply_error(httplib::Response& res, int status, const std::string& message) {
  reply(res, status, json{{"error", message}});
}

/// 503 for a client that should come back shortly.
void reply_busy(httplib::Response& res, const std::string& message) {
  res.set_header("Retry-After", "1");
  reply_error(res, 503, message + "; try again later");
}

/// Answers without reading the request's body and closes the connection, so
/// that the unread body is not taken for the next request. cpp-httplib 0.11
/// has no call for this; a content provider that reports failure once it has
/// written the body makes the server close the connection.
void refuse_unread(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_header("Connection", "close");
  std::string body = json{{"error", message}}.dump() + "\n";
  const std::size_t size = body.size();
  res.set_content_provider(size, "application/json",
                           [body = std::move(body)](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                             sink.write(body.data() + offset, body.size() - offset);
                             return false;  // close the connection
                           });
}

/// Runs before a request's body is read (set_pre_routing_handler): refuses
/// admin requests without the token, and bodies that are too large or come
/// without a length, unread.
httplib::Server::HandlerResponse check_before_body(const Routes& routes, const Limits& limits,
                                                   const httplib::Request& req, httplib::Response& res) {
  using Answer = httplib::Server::HandlerResponse;
  if (req.method == "POST" && req.path.starts_with("/tasks/")) {  // the admin endpoint
    if (!routes.admin_token) {
      refuse_unread(res, 403, "the admin endpoint is off: start the service with BG_ADMIN_TOKEN set");
      return Answer::Handled;
    }
    // Kept here: the token is a view into it.
    const std::string authorization = req.get_header_value("Authorization");
    const auto token = bearer_token(authorization);
    if (!token || !same_secret(*token, *routes.admin_token)) {
      res.set_header("WWW-Authenticate", "Bearer");
      refuse_unread(res, 401, "missing or wrong bearer token");
      return Answer::Handled;
    }
  }
  // cpp-httplib 0.11 reads a chunked body whole before checking its size.
  if (req.has_header("Transfer-Encoding")) {
    refuse_unread(res, 411, "send the body with a Content-Length header");
    return Answer::Handled;
  }
  if (req.get_header_value<std::uint64_t>("Content-Length") > limits.max_body_bytes) {
    refuse_unread(res, 413, "the body is larger than " + std::to_string(limits.max_body_bytes) + " bytes");
    return Answer::Handled;
  }
  return Answer::Unhandled;
}

/// An exception no handler caught: the client learns nothing of it, the
/// service's log does.
void on_exception(const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::cerr << "http_service: " << req.method << ' ' << req.path << ": " << e.what() << std::endl;
  } catch (...) {
    std::cerr << "http_service: " << req.method << ' ' << req.path << ": an unknown exception" << std::endl;
  }
  reply_error(res, 500, "internal error");
}

/// Tasks queued, running, or waiting to retry. A snapshot: requests handled
/// at the same moment may all pass a check against it, so a bound on it can
/// be exceeded by the number of request threads.
std::uint64_t tasks_in_flight(const bg::Lifespan& life) {
  const bg::Stats s = life.stats();
  return s.queued + s.running + s.scheduled;
}

/// Durable mode: both tasks or neither, in one round trip; they survive
/// this process. What went wrong goes to the log, not to the client.
void enqueue_signup(const bg::redis::Queue& queue, const std::string& email, const std::string& name,
                    httplib::Response& res) {
  bg::redis::Batch batch(queue.client(), queue.name());
  tasks::send_welcome_email.enqueue(batch, email, name);
  tasks::record_audit.enqueue(batch, "signup", email);
  try {
    const std::vector<std::string> ids = batch.send();
    reply(res, 202, json{{"status", "accepted"}, {"email_entry", ids[0]}, {"audit_entry", ids[1]}});
  } catch (const bg::redis::OutcomeUnknown& e) {  // sent, but the reply was lost: it may be stored
    std::cerr << "http_service: POST /signup: " << e.what() << std::endl;
    reply_error(res, 503,
                "the task queue did not confirm the signup: it may have been queued, and signing up again "
                "may send a second welcome email");
  } catch (const bg::redis::Error& e) {  // nothing was stored: the client may retry
    std::cerr << "http_service: POST /signup: " << e.what() << std::endl;
    reply_busy(res, "the task queue is unavailable; nothing was queued");
  }
}

/// The string field `key` of a signup body, or an error message.
std::optional<std::string> text_field(const json& body, const char* key, std::string& error) {
  auto it = body.find(key);
  if (it == body.end()) {
    error = std::string("missing field '") + key + "'";
  } else if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    error = std::string("field '") + key + "' must be a non-empty string";
  } else {
    return it->get<std::string>();
  }
  return std::nullopt;
}

json stats_json(const bg::Stats& s) {
  return json{{"submitted", s.submitted}, {"completed", s.completed}, {"failed", s.failed},
              {"retried", s.retried},     {"cancelled", s.cancelled}, {"abandoned", s.abandoned},
              {"rejected", s.rejected},   {"queued", s.queued},       {"running", s.running},
              {"scheduled", s.scheduled}};
}

/// A task's policy; empty for a task without one.
json policy_json(const bg::TaskPolicy& p) {
  json out = json::object();
  if (p.retries != 0) {
    out["retries"] = p.retries;
    out["backoff_base_ms"] = p.backoff_base.count();
    out["backoff_cap_ms"] = p.backoff_cap.count();
  }
  if (p.timeout.count() != 0) out["timeout_ms"] = p.timeout.count();
  if (p.concurrency != 0) out["concurrency"] = p.concurrency;
  return out;
}

json registry_json() {
  json tasks = json::array();
  for (const bg::TaskInfo& task : bg::registry()) {
    json params = json::array();
    for (const auto& p : task.params) params.push_back({{"name", p.name}, {"type", p.type}});
    tasks.push_back({{"name", task.name},
                     {"function", task.function},
                     {"signature", task.signature},
                     {"kind", task.kind},
                     {"policy", policy_json(task.policy)},
                     {"queue", task.queue},
                     {"params", params},
                     {"file", task.file},
                     {"line", task.line},
                     {"json_invocable", task.json_invocable}});
  }
  return tasks;
}

int status_for(bg::DispatchReason reason) {
  switch (reason) {
    case bg::DispatchReason::unknown_task: return 404;
    case bg::DispatchReason::malformed_json:
    case bg::DispatchReason::wrong_shape: return 400;
    default: return 422;
  }
}

}  // namespace

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() <= scheme.size() || authorization[scheme.size()] != ' ') return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return std::nullopt;
  }
  std::string_view token = authorization.substr(scheme.size());
  token.remove_prefix(std::min(token.find_first_not_of(' '), token.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

bool same_secret(std::string_view given, std::string_view secret) {
  if (secret.empty()) return false;  // a setting, not a guess: nothing to hide
  // The lengths are folded in, not compared first, and every byte of the
  // guess is compared (with the secret repeated to its length).
  std::size_t diff = given.size() ^ secret.size();
  for (std::size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i] ^ secret[i % secret.size()]);
  }
  return diff == 0;
}

void install_routes(httplib::Server& server, bg::Lifespan& life, Routes routes, Limits limits) {
  server.set_payload_max_length(limits.max_body_bytes);  // what check_before_body enforces, in the library too
  server.set_pre_routing_handler(
      [routes, limits](const httplib::Request& req, httplib::Response& res) {
        return check_before_body(routes, limits, req, res);
      });
  // A client that asks first ("Expect: 100-continue", as curl does for large
  // bodies) is refused before it sends the body at all.
  server.set_expect_100_continue_handler([routes, limits](const httplib::Request& req, httplib::Response& res) {
    return check_before_body(routes, limits, req, res) == httplib::Server::HandlerResponse::Handled ? res.status : 100;
  });
  server.set_exception_handler(&on_exception);

  server.Post("/signup", [&life, routes, max_tasks = limits.max_tasks](const httplib::Request& req,
                                                                     httplib::Response& res) {
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object())
      return reply_error(res, 400, "the body must be a JSON object {\"email\": ..., \"name\": ...}");
    std::string error;
    auto email = text_field(body, "email", error);
    auto name = email ? text_field(body, "name", error) : std::nullopt;
    if (!email || !name) return reply_error(res, 400, error);
    if (!routes.submit_tasks) return reply(res, 202, json{{"status", "accepted"}});
    if (routes.durable) return enqueue_signup(*routes.durable, *email, *name, res);

    if (max_tasks != 0 && tasks_in_flight(life) >= max_tasks)
      return reply_busy(res, "too many signups in progress");
    // One batch, handed over whole: either both tasks are queued or neither.
    bg::BackgroundTasks batch;
    tasks::add_task(batch, tasks::send_welcome_email, *email, *name);
    tasks::add_task(batch, tasks::record_audit, "signup", *email);
    try {
      std::vector<bg::TaskId> ids = life.add_tasks(std::move(batch));
      reply(res, 202, json{{"status", "accepted"}, {"email_task", ids[0]}, {"audit_task", ids[1]}});
    } catch (const bg::QueueFull&) {
      reply_busy(res, "too many signups in progress");
    } catch (const bg::ShuttingDown&) {
      reply_busy(res, "the service is shutting down");
    }
  });

  server.Get("/tasks", [&life](const httplib::Request&, httplib::Response& res) {
    reply(res, 200, json{{"tasks", registry_json()}, {"stats", stats_json(life.stats())}});
  });

  // Prometheus scrapes this: per-task counters, gauges and histograms.
  server.Get("/metrics", [&life](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content(bg::prometheus_text(life), "text/plain; version=0.0.4; charset=utf-8");
  });

  // check_before_body has checked the token of every POST /tasks/...
  server.Post(R"(/tasks/([A-Za-z_][A-Za-z0-9_]*))",
              [&life](const httplib::Request& req, httplib::Response& res) {
                const std::string name = req.matches[1];
                json arguments = json::parse(req.body.empty() ? "[]" : req.body, nullptr, false);
                if (arguments.is_discarded()) return reply_error(res, 400, "the body is not valid JSON");
                try {
                  bg::TaskId id = bg::registry().submit_json(name, arguments, life);
                  reply(res, 200, json{{"task", name}, {"task_id", id}});
                } catch (const bg::DispatchError& e) {
                  json body{{"error", e.what()}, {"task", e.task()}};
                  if (!e.parameter().empty()) body["parameter"] = e.parameter();
                  reply(res, status_for(e.reason()), body);
                } catch (const bg::QueueFull&) {
                  reply_busy(res, "the queue is full");
                } catch (const bg::ShuttingDown&) {
                  reply_busy(res, "the service is shutting down");
                }
              });
}

}  // namespace service
