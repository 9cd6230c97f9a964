// What bg-queue shows and does: queue status, dead letters, requeueing.
#include <bg/redis.hpp>

#include "connection.hpp"
#include "entries.hpp"
#include "scripts.hpp"

namespace bg::redis {
namespace {

/// The value after `name` in a flat [name, value, ...] reply, or null.
const Reply* field(const Reply& map, std::string_view name) {
  for (std::size_t i = 0; i + 1 < map.elements.size(); i += 2) {
    if (map.elements[i].str == name) return &map.elements[i + 1];
  }
  return nullptr;
}

}  // namespace

QueueStatus queue_status(Client& client, std::string_view queue) {
  const QueueKeys k(queue);
  QueueStatus status;
  status.queue = std::string(queue);
  const std::vector<Reply> replies = ClientAccess::pipeline(
      client, {{"XLEN", k.stream},
               {"ZCARD", k.delayed},
               {"XLEN", k.dead},
               {"XINFO", "CONSUMERS", k.stream, std::string(kGroup)}});
  const std::string* sized[] = {&k.stream, &k.delayed, &k.dead};
  for (std::size_t i = 0; i < 3; ++i) check(replies[i], "reading the size of " + *sized[i]);
  const auto stream_length = static_cast<std::uint64_t>(replies[0].integer);
  status.delayed = static_cast<std::uint64_t>(replies[1].integer);
  status.dead = static_cast<std::uint64_t>(replies[2].integer);
  // No group yet (no worker ever started): nothing pending, no consumers.
  if (replies[3].type == Reply::Type::array) {
    for (const Reply& consumer : replies[3].elements) {
      QueueStatus::Consumer c;
      if (const Reply* name = field(consumer, "name")) c.name = name->str;
      if (const Reply* pending = field(consumer, "pending")) c.pending = static_cast<std::uint64_t>(pending->number());
      if (const Reply* idle = field(consumer, "idle")) c.idle_ms = static_cast<std::uint64_t>(idle->number());
      status.pending += c.pending;
      status.consumers.push_back(std::move(c));
    }
  }
  // Settled entries are deleted, so the stream holds exactly the ready and
  // the pending ones.
  status.ready = stream_length - std::min(stream_length, status.pending);
  return status;
}

std::vector<DeadLetter> dead_letters(Client& client, std::string_view queue, std::size_t count) {
  const Reply reply =
      ClientAccess::run(client, {"XRANGE", QueueKeys(queue).dead, "-", "+", "COUNT", std::to_string(count)});
  std::vector<DeadLetter> out;
  for (const Reply& entry : reply.elements) {
    if (entry.elements.size() < 2) continue;
    DeadLetter letter;
    letter.id = entry.elements[0].str;
    const StoredTask task = read_fields(entry.elements[1]).task;
    letter.task = task.task;
    letter.args = task.args;
    letter.attempt = task.attempt;
    if (const Reply* error = field(entry.elements[1], "error")) letter.error = error->str;
    out.push_back(std::move(letter));
  }
  return out;
}

std::size_t requeue_dead(Client& client, std::string_view queue, std::string_view id) {
  const QueueKeys k(queue);
  const bool all = id == "all";
  const Reply entries =
      ClientAccess::run(client, {"XRANGE", k.dead, all ? "-" : std::string(id), all ? "+" : std::string(id)});
  if (!all && entries.elements.empty()) {
    throw Error("bg::redis: queue '" + std::string(queue) + "' has no dead letter " + std::string(id) +
                " (bg-queue dead " + std::string(queue) + " lists them)");
  }
  std::size_t moved = 0;
  for (const Reply& entry : entries.elements) {
    if (entry.elements.size() < 2) continue;
    StoredTask task = read_fields(entry.elements[1]).task;
    task.attempt = 1;  // a fresh start: the operator fixed what made it fail
    task.enqueued_ms = unix_ms(std::chrono::system_clock::now());
    Argv command{"EVAL", kRequeueScript, "2", k.stream, k.dead, entry.elements[0].str};
    for (std::string& field : fields_of(task)) command.push_back(std::move(field));
    const Reply result = ClientAccess::run(client, command);
    if (result.type != Reply::Type::integer) {
      throw Error("bg::redis: requeueing dead letter " + entry.elements[0].str + " of queue '" + std::string(queue) +
                  "' was refused (" + result.text() + "); it stays a dead letter" +
                  (moved != 0 ? " (" + std::to_string(moved) + " before it were requeued)" : std::string()));
    }
    if (result.integer == 0) continue;  // requeued meanwhile by someone else
    ++moved;
  }
  return moved;
}

}  // namespace bg::redis
