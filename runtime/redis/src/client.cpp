// Endpoint, QueueKeys, Client and Batch: the producer side.
#include <condition_variable>
#include <memory>
#include <mutex>

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

/// The client's connections: each call borrows one for its round trip, so
/// that producers on several threads are not serialized behind one
/// connection, nor behind one slow reply.
struct Client::Shared {
  explicit Shared(unsigned connections) : limit(connections) {}

  const unsigned limit;
  std::mutex mutex;
  std::condition_variable returned;
  std::vector<std::unique_ptr<Connection>> idle;
  unsigned open = 0;  ///< lent and idle

  /// A connection lent to one call; given back when the call ends, unless
  /// it broke (then the next call makes a new one).
  class Lease {
   public:
    Lease(Shared& pool, std::unique_ptr<Connection> c) : pool_(pool), connection_(std::move(c)) {}
    ~Lease() { pool_.give_back(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection* operator->() const noexcept { return connection_.get(); }

   private:
    Shared& pool_;
    std::unique_ptr<Connection> connection_;
  };

  Lease borrow(const Endpoint& endpoint) {
    {
      std::unique_lock lock(mutex);
      returned.wait(lock, [&] { return !idle.empty() || open < limit; });
      if (!idle.empty()) {
        std::unique_ptr<Connection> c = std::move(idle.back());
        idle.pop_back();
        return Lease(*this, std::move(c));
      }
      ++open;
    }
    // Connected outside the lock: a slow connect holds up no other caller.
    try {
      return Lease(*this, std::make_unique<Connection>(endpoint));
    } catch (...) {
      give_back(nullptr);
      throw;
    }
  }

  void give_back(std::unique_ptr<Connection> c) noexcept {
    {
      std::lock_guard lock(mutex);
      if (c && !c->broken()) {
        idle.push_back(std::move(c));
      } else {
        --open;
      }
    }
    returned.notify_one();
  }
};

Client::Client(Endpoint endpoint, ClientOptions options)
    : endpoint_(std::move(endpoint)), shared_(std::make_unique<Shared>(options.connections)) {
  if (options.connections == 0) throw Error("bg::redis::Client: ClientOptions::connections must be at least 1");
}
Client::~Client() = default;

namespace {
StoredTask stored(std::string_view task, std::string_view args) {
  if (task.empty()) throw Error("bg::redis: enqueue needs a task name");
  return StoredTask{std::string(task), std::string(args), 1, unix_ms(std::chrono::system_clock::now())};
}
}  // namespace

std::vector<Reply> ClientAccess::pipeline(Client& client, const std::vector<Argv>& commands) {
  return client.shared_->borrow(client.endpoint_)->pipeline(commands);
}

Reply ClientAccess::run(Client& client, const Argv& argv) {
  return client.shared_->borrow(client.endpoint_)->run(argv);
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
  // A command refused while queued (maxmemory, a wrong argument) makes the
  // server abort the transaction: nothing was stored.
  for (std::size_t i = 0; i + 1 < replies.size(); ++i) {
    if (replies[i].type == Reply::Type::error) {
      throw Error("bg::redis: the batch was not stored: the server refused it (" + replies[i].str + ")");
    }
  }
  const Reply& results = replies.back();
  if (results.type != Reply::Type::array || results.elements.size() != delayed.size()) {
    throw Error("bg::redis: the batch was not stored: the server refused the transaction (" +
                (results.type == Reply::Type::error ? results.str : std::string("EXEC answered nil")) + ")");
  }
  // A command that fails inside EXEC (a key of the wrong type) fails alone:
  // the others were stored. Say exactly which.
  std::vector<std::string> ids;
  ids.reserve(delayed.size());
  std::string failed;
  std::size_t failures = 0;
  for (std::size_t i = 0; i < delayed.size(); ++i) {
    if (results.elements[i].type == Reply::Type::error) {
      if (failures++ == 0) failed = "enqueue " + std::to_string(i + 1) + ": " + results.elements[i].str;
      ids.emplace_back();
      continue;
    }
    ids.push_back(delayed[i].empty() ? results.elements[i].text() : delayed[i]);
  }
  if (failures != 0) {
    throw Error("bg::redis: the batch was stored in part: " + std::to_string(failures) + " of " +
                std::to_string(delayed.size()) + " enqueues failed (first: " + failed + ") and the rest were stored");
  }
  return ids;
}

}  // namespace bg::redis
