// bgtasks::redis: durable tasks on Redis Streams.
//
// A producer (a web process) enqueues typed tasks to a named queue; worker
// processes on any number of machines run them through the registry, at
// least once. Each queue is three keys, all hash-tagged with the queue's name
// so that Redis Cluster keeps them on one node:
//
//   bg:{QUEUE}:stream    ready entries (a stream with consumer group "bg")
//   bg:{QUEUE}:delayed   entries not yet due (a sorted set, score = Unix ms)
//   bg:{QUEUE}:dead      dead letters (a stream; each entry keeps its error)
//
// An entry's fields: task (registry name), args (JSON array, by position),
// attempt (1 for the first run), enqueued (Unix ms).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <bg/errors.hpp>
#include <bg/redis/endpoint.hpp>
#include <bg/report.hpp>

namespace bg {
class Lifespan;
}

namespace bg::redis {

/// The keys of a queue (see the file comment).
struct QueueKeys {
  explicit QueueKeys(std::string_view queue);
  std::string stream, delayed, dead;
};
/// The consumer group every worker of every queue reads in.
inline constexpr std::string_view kGroup = "bg";

struct ClientAccess;

/// Settings of a producer. Aggregate: use designated initializers.
/// Addresses, credentials and timeouts are in the Endpoint (its URL).
struct ClientOptions {
  /// Most connections open at once: each call borrows one for its round
  /// trip, so calls from that many threads run side by side, and a further
  /// call waits for one to be given back.
  unsigned connections = 4;
};

/// A producer. Thread-safe: each call borrows a connection of the client's
/// own (see ClientOptions::connections) for one round trip. A lost
/// connection is made again by the next call that needs one.
///
/// Errors: bg::redis::OutcomeUnknown when the command may have reached the
/// server and its reply was lost (the task may have been stored: a producer
/// that sends again must accept that it may run twice); any other
/// bg::redis::Error means nothing was stored, except where the message of a
/// Batch says "stored in part".
class Client {
 public:
  explicit Client(Endpoint endpoint, ClientOptions options = {});
  explicit Client(std::string_view url, ClientOptions options = {}) : Client(Endpoint::parse(url), options) {}
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Appends a task to `queue`'s stream; returns the stream entry's id.
  /// `args` is a JSON array of the arguments by position (what generated
  /// enqueue() writes). Throws bg::redis::Error.
  std::string enqueue(std::string_view queue, std::string_view task, std::string_view args);
  /// As enqueue, ready at `when` (Unix time, by the Redis server's clock):
  /// kept in the queue's delayed set until then. Returns the delayed entry's
  /// own id (it gets a stream id when it is moved). A time already past
  /// enqueues at once.
  std::string enqueue_at(std::string_view queue, std::string_view task, std::string_view args,
                         std::chrono::system_clock::time_point when);

  [[nodiscard]] const Endpoint& endpoint() const noexcept { return endpoint_; }
  /// Runs one command (argv form) and returns the reply as text, for tools
  /// and tests: a string, an integer in decimal, "nil", or an array as lines.
  std::string command(const std::vector<std::string>& argv);

 private:
  friend struct ClientAccess;  // Batch and the operator functions share the connection
  Endpoint endpoint_;
  struct Shared;
  std::unique_ptr<Shared> shared_;
};

/// One queue of a client: what generated `enqueue` takes.
/// `tasks::send_email.enqueue(bg::redis::Queue{client, "emails"}, ...)`.
class Queue {
 public:
  Queue(Client& client, std::string_view name) : client_(&client), name_(name) {}
  [[nodiscard]] std::string_view name() const noexcept { return name_; }
  [[nodiscard]] Client& client() const noexcept { return *client_; }

  /// Used by generated code: `args` is the JSON array it encoded.
  std::string push(std::string_view task, std::string_view args) const {
    return client_->enqueue(name_, task, args);
  }
  std::string push_at(std::string_view task, std::string_view args,
                      std::chrono::system_clock::time_point when) const {
    return client_->enqueue_at(name_, task, args, when);
  }

 private:
  Client* client_;
  std::string name_;
};

/// Enqueues many tasks in one round trip, all or none (a pipelined
/// MULTI/EXEC): for bulk producers, and for a request that enqueues several
/// tasks that belong together. Fill it with generated `enqueue(batch, ...)`,
/// then send(). Not thread-safe; a batch is used by one thread.
class Batch {
 public:
  Batch(Client& client, std::string_view queue) : client_(&client), queue_(queue) {}

  std::string push(std::string_view task, std::string_view args);
  std::string push_at(std::string_view task, std::string_view args, std::chrono::system_clock::time_point when);

  [[nodiscard]] std::size_t size() const noexcept { return commands_.size(); }
  /// Sends every queued enqueue, in order, and empties the batch. Returns
  /// the stream ids (delayed entries: their own ids). Throws
  /// bg::redis::OutcomeUnknown when the reply was lost after the batch was
  /// sent (it may have been stored, all of it or none), and
  /// bg::redis::Error when the server refused it (nothing stored) or when a
  /// key of the wrong type failed some of its enqueues ("stored in part").
  std::vector<std::string> send();

 private:
  Client* client_;
  std::string queue_;
  std::vector<std::vector<std::string>> commands_;
  std::vector<std::string> delayed_ids_;  // per command: empty for a stream entry
};

/// Settings of a worker. Aggregate: use designated initializers.
struct WorkerOptions {
  /// The queues to read, in priority order: an entry of an earlier queue is
  /// taken before a later queue is read.
  std::vector<std::string> queues = {"default"};
  /// This worker's name in the consumer group; empty: "HOST:PID".
  std::string consumer = {};
  /// Most entries this worker holds at once (read and not yet finished).
  /// 0: the lifespan's worker threads, so that no entry waits here while
  /// another process could run it. Raise it for coroutine tasks, or for
  /// very short tasks where a round trip per few tasks dominates.
  unsigned max_in_flight = 0;
  /// An entry pending this long on a worker that stopped renewing it is
  /// taken over (XPENDING … IDLE, then XCLAIM) and run again.
  std::chrono::milliseconds claim_idle{30'000};
  /// A worker renews the entries it runs (its heartbeat) every
  /// claim_idle / 3, so a slow task is never taken over. At least 30 ms.
  ///
  /// An entry delivered this many times without finishing (taken over
  /// again and again: the task kills its worker) goes to the dead letters.
  /// An entry taken over after its worker died holding it twice runs alone,
  /// so that a task that kills its worker takes only its own entry down.
  unsigned max_deliveries = 5;
  /// How long one read blocks when the queues are empty (at most
  /// delayed_poll, so that due entries are still moved on time).
  std::chrono::milliseconds poll{100};
  /// How often due entries are moved from the delayed set to the stream.
  std::chrono::milliseconds delayed_poll{25};
};

/// Counters of one worker since start().
struct WorkerStats {
  std::uint64_t read = 0;         ///< entries read from the streams
  std::uint64_t reclaimed = 0;    ///< entries taken over from another worker
  std::uint64_t completed = 0;    ///< acknowledged after the task completed
  std::uint64_t retried = 0;      ///< failed and put in the delayed set for another attempt
  std::uint64_t dead = 0;         ///< moved to the dead letters (failed for good, undispatchable, crash loop)
  std::uint64_t handed_back = 0;  ///< returned to the stream unstarted at shutdown
  std::uint64_t moved_due = 0;    ///< delayed entries this worker moved to a stream
  std::uint64_t in_flight = 0;    ///< now
};

/// Runs tasks from Redis queues on a bg::Lifespan. The worker thread reads
/// entries (never more than max_in_flight unfinished at once), submits each
/// to the lifespan by name (bg::registry()), and settles the entry when its
/// task has ended: acknowledged when it completed; when it failed, another
/// attempt through the delayed set per the task's bg::retry policy, else a
/// dead letter. An entry that cannot be dispatched (unknown task, bad
/// arguments) is a dead letter at once.
///
/// Retries go through Redis, so the constructor turns off the lifespan's own
/// retries of every registry task (set_policy keeps the time limit and the
/// concurrency limit): construct the worker before anything is submitted to
/// the lifespan. One worker per lifespan.
class Worker {
 public:
  Worker(Lifespan& life, Endpoint endpoint, WorkerOptions options = {});
  /// Calls stop() unless it was called. The lifespan may also be destroyed
  /// first: it stops its worker before it shuts down.
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Creates the consumer groups when missing and starts the worker thread.
  /// Throws bg::redis::Error when the server cannot be reached. From then
  /// on the worker reconnects by itself (and creates the groups again when
  /// a restart lost them), logging each different error on stderr.
  void start();
  /// Graceful shutdown: stops reading, shuts the lifespan down (its grace
  /// period lets running and queued tasks finish), settles the entries of
  /// the tasks that ended, hands those that never started back to their
  /// stream, and leaves the entries of abandoned tasks pending (another
  /// worker takes them over). Returns the lifespan's report. Idempotent.
  const ShutdownReport& stop();

  [[nodiscard]] WorkerStats stats() const;
  [[nodiscard]] const std::string& consumer() const noexcept;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

/// What an operator sees of one queue (bg-queue status).
struct QueueStatus {
  std::string queue;
  std::uint64_t ready = 0;    ///< in the stream, not yet read by any worker
  std::uint64_t pending = 0;  ///< read by a worker and not yet settled
  std::uint64_t delayed = 0;
  std::uint64_t dead = 0;
  struct Consumer {
    std::string name;
    std::uint64_t pending = 0;
    std::uint64_t idle_ms = 0;  ///< since the consumer last read or renewed
  };
  std::vector<Consumer> consumers;
};
QueueStatus queue_status(Client& client, std::string_view queue);

/// One dead letter.
struct DeadLetter {
  std::string id;
  std::string task, args, error;
  unsigned attempt = 0;
};
/// Up to `count` dead letters, oldest first.
std::vector<DeadLetter> dead_letters(Client& client, std::string_view queue, std::size_t count = 100);
/// Moves a dead letter (by id, or every one with "all") back to the stream
/// as a fresh first attempt. Returns how many moved; throws
/// bg::redis::Error for an id that is not there.
std::size_t requeue_dead(Client& client, std::string_view queue, std::string_view id);

}  // namespace bg::redis
