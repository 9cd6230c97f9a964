// bg::redis::Worker: reads entries, runs them on a Lifespan, settles them.
//
// One thread owns the connection and every entry in flight. Tasks end on the
// lifespan's threads; the lifespan's end observer only appends a notice to
// an inbox, and the worker thread settles them in batches (one round trip
// for many acknowledgements). Because the same thread submits a task and
// later reads its notice, a task that ends before its submission returns is
// still matched to its entry.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include <bg/detail/task_ends.hpp>
#include <bg/lifespan.hpp>
#include <bg/redis.hpp>
#include <bg/registry.hpp>

#include "connection.hpp"
#include "entries.hpp"

namespace bg::redis {
namespace {

using Clock = std::chrono::steady_clock;
using detail::TaskEnd;
using detail::TaskEndNotice;

/// Renews the entries of ARGV[3..] for consumer ARGV[2] of group ARGV[1],
/// skipping any that another worker has taken over meanwhile.
const char* const kHeartbeatScript = R"lua(
local renewed = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
  if p[1] and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'JUSTID')
    renewed = renewed + 1
  end
end
return renewed
)lua";

/// Where the lifespan's threads leave task ends for the worker thread.
struct Inbox {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<TaskEndNotice> notices;
  bool open = true;
};

struct InFlight {
  std::size_t queue = 0;
  std::string entry_id;
  StoredTask task;
};

std::string default_consumer() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

void warn(const std::string& line) {
  std::fputs(("bg::redis::Worker: " + line + "\n").c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace

struct Worker::State {
  State(Lifespan& l, Endpoint e, WorkerOptions o) : life(l), endpoint(std::move(e)), options(std::move(o)) {}

  Lifespan& life;
  Endpoint endpoint;
  WorkerOptions options;
  std::vector<QueueKeys> keys;
  std::string consumer;
  std::size_t max_in_flight = 1;
  std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();

  std::atomic<bool> reading{true};
  std::atomic<bool> finishing{false};
  std::thread thread;
  std::once_flag stop_once;
  const ShutdownReport* report = nullptr;

  struct Counters {
    std::atomic<std::uint64_t> read{0}, reclaimed{0}, completed{0}, retried{0}, dead{0}, handed_back{0},
        moved_due{0}, in_flight{0};
  } counters;

  // Owned by the worker thread.
  std::optional<Connection> connection;
  std::unordered_map<TaskId, InFlight> in_flight;
  std::vector<TaskEndNotice> unsettled;  // notices whose commands have not reached Redis yet
  std::mt19937_64 random{std::random_device{}()};

  void run();
  Connection& connect();
  void ensure_groups(Connection& c);
  void settle_ends();
  void move_due();
  void heartbeat();
  void reclaim(std::size_t room);
  std::size_t read(std::size_t room, std::chrono::milliseconds block);
  void dispatch(std::size_t queue, const Reply& entry, bool reclaimed);
  std::vector<Argv> dead_letter(std::size_t queue, const std::string& id, const StoredTask& task,
                                const std::string& error);
  std::vector<Argv> hand_back(std::size_t queue, const std::string& id, const StoredTask& task);
  void send_atomic(std::vector<Argv> body);
  static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
};

Connection& Worker::State::connect() {
  if (connection && connection->broken()) connection.reset();
  if (!connection) {
    connection.emplace(endpoint);
    connection->set_timeout(options.poll + std::chrono::seconds(10));
  }
  return *connection;
}

void Worker::State::ensure_groups(Connection& c) {
  for (const QueueKeys& k : keys) {
    // From id 0: entries enqueued before the first worker ever started are read too.
    const Reply reply = c.run_unchecked({"XGROUP", "CREATE", k.stream, std::string(kGroup), "0", "MKSTREAM"});
    if (reply.type == Reply::Type::error && !reply.str.starts_with("BUSYGROUP")) check(reply, "XGROUP CREATE");
  }
}

void Worker::State::send_atomic(std::vector<Argv> body) {
  body.insert(body.begin(), Argv{"MULTI"});
  body.push_back({"EXEC"});
  const std::vector<Reply> replies = connect().pipeline(body);
  for (const Reply& reply : replies) check(reply, "settling an entry");
}

std::vector<Argv> Worker::State::dead_letter(std::size_t queue, const std::string& id, const StoredTask& task,
                                             const std::string& error) {
  const QueueKeys& k = keys[queue];
  return {{"XADD", k.dead, "*", "task", task.task, "args", task.args, "attempt", std::to_string(task.attempt),
           "enqueued", std::to_string(task.enqueued_ms), "error", error, "source", id, "failed",
           std::to_string(unix_ms(std::chrono::system_clock::now()))},
          {"XACK", k.stream, std::string(kGroup), id},
          {"XDEL", k.stream, id}};
}

std::vector<Argv> Worker::State::hand_back(std::size_t queue, const std::string& id, const StoredTask& task) {
  const QueueKeys& k = keys[queue];
  return {xadd_command(k.stream, task), {"XACK", k.stream, std::string(kGroup), id}, {"XDEL", k.stream, id}};
}

void Worker::State::settle_ends() {
  {
    std::lock_guard lock(inbox->mutex);
    if (unsettled.empty()) {
      unsettled.swap(inbox->notices);
    } else {
      unsettled.insert(unsettled.end(), inbox->notices.begin(), inbox->notices.end());
      inbox->notices.clear();
    }
  }
  if (unsettled.empty()) return;
  std::vector<std::vector<std::string>> acks(keys.size());  // completed entry ids, per queue
  std::vector<Argv> body;
  // Counted once the commands have reached Redis, so that the counters
  // never run ahead of what an operator sees there.
  std::uint64_t completed = 0, retried = 0, dead = 0, handed_back = 0;
  std::vector<TaskId> settled;
  for (const TaskEndNotice& notice : unsettled) {
    const auto found = in_flight.find(notice.id);
    if (found == in_flight.end()) continue;  // a task of the application's own, not from Redis
    const InFlight& entry = found->second;
    settled.push_back(notice.id);
    switch (notice.end) {
      case TaskEnd::completed:
        acks[entry.queue].push_back(entry.entry_id);
        ++completed;
        break;
      case TaskEnd::failed: {
        const TaskInfo* info = bg::registry().find(entry.task.task);
        const TaskPolicy policy = info != nullptr ? info->policy : TaskPolicy{};
        if (notice.retryable && entry.task.attempt <= policy.retries) {
          StoredTask next = entry.task;
          next.attempt += 1;
          const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random);
          const auto delay = retry_backoff(policy, entry.task.attempt, unit);
          const auto due = unix_ms(std::chrono::system_clock::now()) + delay.count();
          std::string delayed_id;
          const QueueKeys& k = keys[entry.queue];
          body.push_back(zadd_command(k.delayed, next, due, delayed_id));
          body.push_back({"XACK", k.stream, std::string(kGroup), entry.entry_id});
          body.push_back({"XDEL", k.stream, entry.entry_id});
          ++retried;
        } else {
          const std::string error = "failed on attempt " + std::to_string(entry.task.attempt) + " of " +
                                    std::to_string(policy.retries + 1) +
                                    (notice.retryable ? ": " : " (bg::NoRetry: final): ") + notice.detail;
          for (Argv& c : dead_letter(entry.queue, entry.entry_id, entry.task, error)) body.push_back(std::move(c));
          ++dead;
        }
        break;
      }
      case TaskEnd::stopped:
      case TaskEnd::discarded:
        for (Argv& c : hand_back(entry.queue, entry.entry_id, entry.task)) body.push_back(std::move(c));
        ++handed_back;
        break;
      case TaskEnd::abandoned:
        break;  // still running here: left pending, for another worker to take over after claim_idle
    }
  }
  for (std::size_t q = 0; q < keys.size(); ++q) {
    if (acks[q].empty()) continue;
    Argv ack{"XACK", keys[q].stream, std::string(kGroup)};
    Argv del{"XDEL", keys[q].stream};
    ack.insert(ack.end(), acks[q].begin(), acks[q].end());
    del.insert(del.end(), acks[q].begin(), acks[q].end());
    body.push_back(std::move(ack));
    body.push_back(std::move(del));
  }
  if (!body.empty()) send_atomic(std::move(body));  // throws: the notices stay unsettled, tried again
  for (TaskId id : settled) in_flight.erase(id);
  unsettled.clear();
  bump(counters.completed, completed);
  bump(counters.retried, retried);
  bump(counters.dead, dead);
  bump(counters.handed_back, handed_back);
  counters.in_flight.store(in_flight.size(), std::memory_order_relaxed);
}

void Worker::State::move_due() {
  for (const QueueKeys& k : keys) {
    const Reply moved = connect().run({"EVAL", kMoveDueScript, "3", k.delayed, k.stream, k.dead, "1000"});
    bump(counters.moved_due, static_cast<std::uint64_t>(moved.number()));
  }
}

void Worker::State::heartbeat() {
  std::vector<Argv> commands;
  for (std::size_t q = 0; q < keys.size(); ++q) {
    Argv command{"EVAL", kHeartbeatScript, "1", keys[q].stream, std::string(kGroup), consumer};
    for (const auto& [id, entry] : in_flight) {
      if (entry.queue == q) command.push_back(entry.entry_id);
    }
    if (command.size() > 6) commands.push_back(std::move(command));
  }
  for (const Reply& reply : connect().pipeline(commands)) check(reply, "renewing the entries in flight");
}

void Worker::State::reclaim(std::size_t room) {
  for (std::size_t q = 0; q < keys.size() && room > 0; ++q) {
    const Reply reply = connect().run({"EVAL", kReclaimScript, "2", keys[q].stream, keys[q].dead, std::string(kGroup),
                                       consumer, std::to_string(options.claim_idle.count()), std::to_string(room),
                                       std::to_string(options.max_deliveries)});
    if (reply.elements.empty()) continue;
    bump(counters.dead, static_cast<std::uint64_t>(reply.elements.back().number()));
    for (std::size_t i = 0; i + 1 < reply.elements.size(); ++i) {
      dispatch(q, reply.elements[i], /*reclaimed=*/true);
      --room;
    }
  }
}

std::size_t Worker::State::read(std::size_t room, std::chrono::milliseconds block) {
  std::size_t got = 0;
  const auto take = [&](const Reply& reply) {
    for (const Reply& stream : reply.elements) {  // [key, [[id, fields], ...]]
      if (stream.elements.size() < 2) continue;
      const std::string& key = stream.elements[0].str;
      const auto q = static_cast<std::size_t>(
          std::find_if(keys.begin(), keys.end(), [&](const QueueKeys& k) { return k.stream == key; }) - keys.begin());
      if (q == keys.size()) continue;
      for (const Reply& entry : stream.elements[1].elements) {
        dispatch(q, entry, /*reclaimed=*/false);
        ++got;
      }
    }
  };
  // In priority order, without waiting.
  for (std::size_t q = 0; q < keys.size() && got < room; ++q) {
    take(connect().run({"XREADGROUP", "GROUP", std::string(kGroup), consumer, "COUNT", std::to_string(room - got),
                        "STREAMS", keys[q].stream, ">"}));
  }
  if (got != 0 || block.count() == 0) return got;
  // Nothing anywhere: wait on as many queues as there is room for, one entry each.
  const std::size_t waiting = std::min(room, keys.size());
  Argv command{"XREADGROUP", "GROUP", std::string(kGroup), consumer, "COUNT", "1", "BLOCK",
               std::to_string(block.count()), "STREAMS"};
  for (std::size_t q = 0; q < waiting; ++q) command.push_back(keys[q].stream);
  for (std::size_t q = 0; q < waiting; ++q) command.emplace_back(">");
  take(connect().run(command));
  return got;
}

void Worker::State::dispatch(std::size_t queue, const Reply& entry, bool reclaimed) {
  if (entry.elements.size() < 2) return;
  const std::string& id = entry.elements[0].str;
  StoredTask task = read_fields(entry.elements[1]);
  bump(reclaimed ? counters.reclaimed : counters.read);
  if (task.task.empty()) {
    send_atomic(dead_letter(queue, id, task, "the entry names no task (it has no 'task' field)"));
    bump(counters.dead);
    return;
  }
  try {
    const detail::AttemptScope attempt(task.attempt);
    const TaskId task_id = bg::registry().submit_json_text(task.task, task.args.empty() ? "[]" : task.args, life);
    in_flight.emplace(task_id, InFlight{queue, id, std::move(task)});
    counters.in_flight.store(in_flight.size(), std::memory_order_relaxed);
  } catch (const DispatchError& e) {
    send_atomic(dead_letter(queue, id, task, std::string("cannot be dispatched: ") + e.what()));
    bump(counters.dead);
  } catch (const ShuttingDown&) {
    reading.store(false, std::memory_order_relaxed);
    send_atomic(hand_back(queue, id, task));  // not this entry's fault: another worker runs it
    bump(counters.handed_back);
  } catch (const QueueFull&) {
    send_atomic(hand_back(queue, id, task));  // the application's own tasks fill the lifespan
    bump(counters.handed_back);
  }
}

void Worker::State::run() {
  const auto beat_every = std::max(options.claim_idle / 3, std::chrono::milliseconds(1));
  const auto reclaim_every = std::clamp(options.claim_idle / 4, std::chrono::milliseconds(10),
                                        std::chrono::milliseconds(500));
  auto next_move = Clock::now();
  auto next_reclaim = Clock::now();
  auto next_beat = Clock::now() + beat_every;
  bool failing = false;
  for (;;) {
    try {
      const bool last_round = finishing.load(std::memory_order_acquire);
      settle_ends();
      if (last_round) break;
      const auto now = Clock::now();
      const bool read_on = reading.load(std::memory_order_relaxed);
      if (read_on && now >= next_move) {
        move_due();
        next_move = now + options.delayed_poll;
      }
      if (now >= next_beat) {
        heartbeat();
        next_beat = now + beat_every;
      }
      std::size_t room = max_in_flight - std::min(max_in_flight, in_flight.size());
      if (read_on && room > 0 && now >= next_reclaim) {
        reclaim(room);
        next_reclaim = now + reclaim_every;
        room = max_in_flight - std::min(max_in_flight, in_flight.size());
      }
      std::size_t got = 0;
      if (read_on && room > 0) {
        // With tasks in flight, wait briefly: their ends are settled between reads.
        const auto block =
            in_flight.empty() ? std::min(options.poll, options.delayed_poll) : std::chrono::milliseconds(2);
        got = read(room, block);
      }
      if (got == 0) {
        std::unique_lock lock(inbox->mutex);
        const auto wait = (read_on && room > 0) ? std::chrono::milliseconds(0) : std::chrono::milliseconds(5);
        inbox->wake.wait_for(lock, wait, [&] { return !inbox->notices.empty() || finishing.load(); });
      }
      if (failing) warn("connected to " + endpoint.url() + " again");
      failing = false;
    } catch (const std::exception& e) {
      if (!failing) warn(std::string(e.what()) + "; trying again every 500 ms");
      failing = true;
      connection.reset();
      if (finishing.load(std::memory_order_acquire)) {
        warn("stopping with " + std::to_string(unsettled.size()) +
             " task ends not recorded in Redis; their entries stay pending and will run again elsewhere");
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
  std::lock_guard lock(inbox->mutex);
  inbox->open = false;
}

Worker::Worker(Lifespan& life, Endpoint endpoint, WorkerOptions options)
    : state_(std::make_shared<State>(life, std::move(endpoint), std::move(options))) {
  State& s = *state_;
  if (s.options.queues.empty()) throw Error("bg::redis::Worker: no queues to read (WorkerOptions::queues is empty)");
  for (const std::string& queue : s.options.queues) s.keys.emplace_back(queue);
  if (s.options.max_deliveries == 0) throw Error("bg::redis::Worker: max_deliveries must be at least 1");
  if (s.options.claim_idle < std::chrono::milliseconds(30)) {
    throw Error("bg::redis::Worker: claim_idle must be at least 30 ms (a heartbeat renews entries every third of it)");
  }
  s.consumer = s.options.consumer.empty() ? default_consumer() : s.options.consumer;
  unsigned workers = life.config().workers;
  if (workers == 0) workers = std::max(1U, std::thread::hardware_concurrency());
  s.max_in_flight = s.options.max_in_flight != 0 ? s.options.max_in_flight : workers;

  if (bg::registry().empty()) {
    throw Error("bg::redis::Worker: the program has no tasks in its registry, so it could run no entry. Link the "
                "library whose sources declare them whole: a program that only runs tasks by name calls none of "
                "them, and the linker leaves a static library's generated registry out. CMake: "
                "target_link_libraries(worker PRIVATE \"$<LINK_LIBRARY:WHOLE_ARCHIVE,your_tasks>\"), or make "
                "that library SHARED or OBJECT");
  }
  // Retries go through Redis: the lifespan keeps each task's time limit and
  // concurrency limit, and runs every attempt once.
  for (const TaskInfo& info : bg::registry()) {
    if (info.policy.retries == 0) continue;
    TaskPolicy policy = info.policy;
    policy.retries = 0;
    try {
      life.set_policy(info.name, policy);
    } catch (const bg::Error& e) {
      throw Error("bg::redis::Worker: construct the worker before anything is submitted to its lifespan (" +
                  std::string(e.what()) + ")");
    }
  }
  const std::shared_ptr<Inbox> inbox = s.inbox;
  detail::observe_task_ends(life, std::make_shared<const detail::TaskEndObserver>([inbox](const TaskEndNotice& n) {
    try {
      std::lock_guard lock(inbox->mutex);
      if (!inbox->open) return;
      inbox->notices.push_back(n);
      if (inbox->notices.size() == 1) inbox->wake.notify_one();
    } catch (...) {
      // Out of memory: the entry stays pending and runs again elsewhere.
    }
  }));
}

Worker::~Worker() {
  try {
    stop();
  } catch (const std::exception& e) {
    warn(std::string("stopping: ") + e.what());
  }
}

void Worker::start() {
  State& s = *state_;
  if (s.thread.joinable()) throw Error("bg::redis::Worker: start() was called already");
  s.ensure_groups(s.connect());
  s.thread = std::thread([&s] { s.run(); });
}

const ShutdownReport& Worker::stop() {
  State& s = *state_;
  std::call_once(s.stop_once, [&s] {
    s.reading.store(false, std::memory_order_relaxed);
    s.report = &s.life.shutdown();
    s.finishing.store(true, std::memory_order_release);
    s.inbox->wake.notify_all();
    if (s.thread.joinable()) s.thread.join();
  });
  return *s.report;
}

WorkerStats Worker::stats() const {
  const auto& c = state_->counters;
  const auto get = [](const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  return {get(c.read), get(c.reclaimed), get(c.completed), get(c.retried), get(c.dead), get(c.handed_back),
          get(c.moved_due), get(c.in_flight)};
}

const std::string& Worker::consumer() const noexcept { return state_->consumer; }

}  // namespace bg::redis
