#include "service.hpp"

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

/// Compares every byte whatever the first difference, so the time taken
/// does not tell how much of a guess was right.
bool same_secret(const std::string& given, const std::string& expected) {
  if (given.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return diff == 0;
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

void install_routes(httplib::Server& server, bg::Lifespan& life, Routes routes) {
  server.Post("/signup", [&life, submit = routes.submit_tasks, durable = routes.durable](
                             const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object())
      return reply_error(res, 400, "the body must be a JSON object {\"email\": ..., \"name\": ...}");
    std::string error;
    auto email = text_field(body, "email", error);
    auto name = email ? text_field(body, "name", error) : std::nullopt;
    if (!email || !name) return reply_error(res, 400, error);
    if (!submit) return reply(res, 202, json{{"status", "accepted"}});
    if (durable) {
      // Both tasks or neither, in one round trip; they survive this process.
      bg::redis::Batch batch(durable->client(), durable->name());
      tasks::send_welcome_email.enqueue(batch, *email, *name);
      tasks::record_audit.enqueue(batch, "signup", *email);
      try {
        const std::vector<std::string> ids = batch.send();
        return reply(res, 202, json{{"status", "accepted"}, {"email_entry", ids[0]}, {"audit_entry", ids[1]}});
      } catch (const bg::redis::Error& e) {  // Redis unreachable: nothing was stored; the client may retry
        return reply_error(res, 503, e.what());
      }
    }

    // One batch, handed over whole: either both tasks are queued or neither.
    bg::BackgroundTasks batch;
    tasks::add_task(batch, tasks::send_welcome_email, *email, *name);
    tasks::add_task(batch, tasks::record_audit, "signup", *email);
    try {
      std::vector<bg::TaskId> ids = life.add_tasks(std::move(batch));
      reply(res, 202, json{{"status", "accepted"}, {"email_task", ids[0]}, {"audit_task", ids[1]}});
    } catch (const bg::Error& e) {  // queue full or shutting down: the client may retry
      reply_error(res, 503, e.what());
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

  server.Post(R"(/tasks/([A-Za-z_][A-Za-z0-9_]*))",
              [&life, token = routes.admin_token](const httplib::Request& req, httplib::Response& res) {
                if (!token)
                  return reply_error(res, 403, "the admin endpoint is off: start the service with BG_ADMIN_TOKEN set");
                const std::string prefix = "Bearer ";
                std::string given = req.get_header_value("Authorization");
                if (given.rfind(prefix, 0) != 0 || !same_secret(given.substr(prefix.size()), *token)) {
                  res.set_header("WWW-Authenticate", "Bearer");
                  return reply_error(res, 401, "missing or wrong bearer token");
                }
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
                } catch (const bg::Error& e) {
                  reply_error(res, 503, e.what());
                }
              });
}

}  // namespace service
