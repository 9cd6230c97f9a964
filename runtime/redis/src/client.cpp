// Endpoint, QueueKeys, Client and Batch: the producer side.
#include <mutex>
#include <optional>

#include <bg/redis.hpp>

#include "connection.hpp"
#include "entries.hpp"

namespace bg::redis {

QueueKeys::QueueKeys(std::string_view queue) {
  if (queue.empty()) throw Error("bg::redis: a queue needs a name");
  if (queue.find_first_of("{}") != std::string_view::npos) {
    throw Error("bg::redis: the queue name '" + std::string(queue) +
                "' contains '{' or '}', which would break its Redis Cluster hash tag");
  }
  const std::string tag = "bg:{" + std::string(queue) + "}:";
  stream = tag + "stream";
  delayed = tag + "delayed";
  dead = tag + "dead";
}

struct Client::Shared {
  std::mutex mutex;
  std::optional<Connection> connection;

  /// The connection, made again when the last one broke.
  Connection& connect(const Endpoint& endpoint) {
    if (connection && connection->broken()) connection.reset();
    if (!connection) connection.emplace(endpoint);
    return *connection;
  }
};

Client::Client(Endpoint endpoint) : endpoint_(std::move(endpoint)), shared_(std::make_unique<Shared>()) {}
Client::~Client() = default;

namespace {
StoredTask stored(std::string_view task, std::string_view args) {
  if (task.empty()) throw Error("bg::redis: enqueue needs a task name");
  return StoredTask{std::string(task), std::string(args), 1, unix_ms(std::chrono::system_clock::now())};
}
}  // namespace

std::vector<Reply> ClientAccess::pipeline(Client& client, const std::vector<Argv>& commands) {
  std::lock_guard lock(client.shared_->mutex);
  return client.shared_->connect(client.endpoint_).pipeline(commands);
}

Reply ClientAccess::run(Client& client, const Argv& argv) {
  std::lock_guard lock(client.shared_->mutex);
  return client.shared_->connect(client.endpoint_).run(argv);
}

std::string Client::enqueue(std::string_view queue, std::string_view task, std::string_view args) {
  return ClientAccess::run(*this, xadd_command(QueueKeys(queue).stream, stored(task, args))).text();
}

std::string Client::enqueue_at(std::string_view queue, std::string_view task, std::string_view args,
                               std::chrono::system_clock::time_point when) {
  if (when <= std::chrono::system_clock::now()) return enqueue(queue, task, args);
  std::string id;
  ClientAccess::run(*this, zadd_command(QueueKeys(queue).delayed, stored(task, args), unix_ms(when), id));
  return id;
}

namespace {
void describe(const Reply& reply, std::string& out, int depth) {
  if (reply.type == Reply::Type::array) {
    for (const Reply& element : reply.elements) describe(element, out, depth + 1);
    return;
  }
  out.append(static_cast<std::size_t>(depth > 0 ? depth - 1 : 0) * 2, ' ');
  out += reply.is_nil() ? "nil" : reply.type == Reply::Type::error ? "(error) " + reply.str : reply.text();
  out += '\n';
}
}  // namespace

std::string Client::command(const std::vector<std::string>& argv) {
  if (argv.empty()) throw Error("bg::redis: an empty command");
  const Reply reply = ClientAccess::run(*this, argv);
  std::string out;
  describe(reply, out, 0);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string Batch::push(std::string_view task, std::string_view args) {
  commands_.push_back(xadd_command(QueueKeys(queue_).stream, stored(task, args)));
  delayed_ids_.emplace_back();
  return {};
}

std::string Batch::push_at(std::string_view task, std::string_view args, std::chrono::system_clock::time_point when) {
  if (when <= std::chrono::system_clock::now()) return push(task, args);
  std::string id;
  commands_.push_back(zadd_command(QueueKeys(queue_).delayed, stored(task, args), unix_ms(when), id));
  delayed_ids_.push_back(id);
  return id;
}

std::vector<std::string> Batch::send() {
  std::vector<Argv> commands;
  std::vector<std::string> delayed;
  commands.swap(commands_);
  delayed.swap(delayed_ids_);
  if (commands.empty()) return {};
  // MULTI ... EXEC: the server stores the whole batch or, if the connection
  // drops before EXEC, none of it.
  commands.insert(commands.begin(), Argv{"MULTI"});
  commands.push_back({"EXEC"});
  const std::vector<Reply> replies = ClientAccess::pipeline(*client_, commands);
  for (const Reply& reply : replies) check(reply, "enqueue of a batch");
  const Reply& results = replies.back();
  if (results.elements.size() != delayed.size()) throw Error("bg::redis: the batch was not stored (EXEC failed)");
  std::vector<std::string> ids;
  ids.reserve(delayed.size());
  for (std::size_t i = 0; i < delayed.size(); ++i) {
    check(results.elements[i], "enqueue of a batch");
    ids.push_back(delayed[i].empty() ? results.elements[i].text() : delayed[i]);
  }
  return ids;
}

}  // namespace bg::redis
