// bg::redis::Worker: reads entries, runs them on a Lifespan, settles them.
//
// One thread owns the connection and every entry this worker holds. Tasks
// end on the lifespan's threads; the lifespan's end observer only appends a
// notice to an inbox, and the worker thread settles them in batches (one
// round trip for many acknowledgements). Because the same thread submits a
// task and later reads its notice, a task that ends before its submission
// returns is still matched to its entry.
//
// What a production Redis does to a worker, and what the worker does back:
//   - a lost connection: reconnect with bounded exponential backoff and
//     jitter, then create the consumer groups again if a restart, a flush or
//     a failover lost them (NOGROUP at any step does the same);
//   - an error reply at one step (a key of the wrong type, maxmemory, a
//     malformed member): that step is logged, once per distinct error, and
//     every other step goes on, so nothing a worker reads can stop it;
//   - a settlement whose reply was lost: it was decided once and is sent
//     again unchanged, and the settle script writes only while the entry is
//     still pending here, so replaying it changes nothing;
//   - an entry whose worker died twice holding it: taken over alone, so a
//     task that kills its worker takes down only its own entry.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include <bg/detail/task_ends.hpp>
#include <bg/lifespan.hpp>
#include <bg/redis.hpp>
#include <bg/registry.hpp>

#include "connection.hpp"
#include "entries.hpp"
#include "scripts.hpp"

namespace bg::redis {
namespace {

using Clock = std::chrono::steady_clock;
using detail::TaskEnd;
using detail::TaskEndNotice;

/// Where the lifespan's threads leave task ends for the worker thread.
struct Inbox {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<TaskEndNotice> notices;
  bool open = true;
};

/// An entry this worker holds: read (pending on this consumer) and not yet
/// settled in Redis.
struct Held {
  std::size_t queue = 0;
  std::string entry_id;
  StoredTask task;
  /// Taken over after its worker died holding it twice: it may be what
  /// kills workers, so it runs alone.
  bool suspicious = false;
};

/// What happens to a held entry: decided once (when its task ended, or when
/// it could not be dispatched) and sent until Redis confirms it, unchanged,
/// so that a replay after a lost reply is the same settlement.
struct Settlement {
  enum class Kind : char { ack = 'a', retry = 'r', dead = 'd', back = 'b' };
  Kind kind = Kind::ack;
  Held entry;
  Argv values;  ///< retry: due and member; dead and back: the fields to write
  Clock::time_point not_before{};
  unsigned refusals = 0;
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

/// What went wrong, without the command or key that met it: the text after
/// the last ": " ("no reply within 400 ms", "OOM command not allowed ...").
std::string cause_of(std::string_view what) {
  const std::size_t colon = what.rfind(": ");
  return std::string(colon == std::string_view::npos ? what : what.substr(colon + 2));
}

/// Logs a failing step once per distinct cause (not only the first), and
/// once when it works again.
class Problems {
 public:
  void failed(const std::string& step, const std::string& what) {
    std::string cause = cause_of(what);
    std::string& last = last_[step];
    if (last == cause) return;
    last = std::move(cause);
    warn(step + ": " + what);
  }
  void worked(const std::string& step) {
    if (last_.erase(step) != 0) warn(step + ": working again");
  }
  /// As worked(), when the caller says so itself.
  void forget(const std::string& step) { last_.erase(step); }

 private:
  std::map<std::string, std::string> last_;
};

/// Bounded exponential backoff with jitter: 100 ms doubling to 5 s, each
/// wait drawn from its upper half, so that workers restarted together do
/// not reconnect together.
class Backoff {
 public:
  std::chrono::milliseconds next(std::mt19937_64& random) {
    const long long cap = std::min<long long>(5000, 100LL << std::min(failures_, 6U));
    ++failures_;
    return std::chrono::milliseconds(std::uniform_int_distribution<long long>(cap / 2, cap)(random));
  }
  void reset() noexcept { failures_ = 0; }
  [[nodiscard]] unsigned failures() const noexcept { return failures_; }

 private:
  unsigned failures_ = 0;
};

/// Fields of an unreadable entry kept in its dead letter: enough to see what
/// it was, and far below what a Lua script can unpack into one command.
constexpr std::size_t kKeptRawFields = 64;

/// The string values of a stream entry's fields, as read (for the dead
/// letter of an entry that cannot be read as a task), at most
/// kKeptRawFields of them; `dropped` counts the rest.
Argv raw_fields(const Reply& fields, std::size_t& dropped) {
  Argv out;
  const std::size_t pairs = fields.elements.size() / 2;
  for (std::size_t i = 0; i < std::min(pairs, kKeptRawFields); ++i) {
    out.push_back(fields.elements[2 * i].text());
    out.push_back(fields.elements[2 * i + 1].text());
  }
  dropped = pairs - std::min(pairs, kKeptRawFields);
  return out;
}

bool mentions_nogroup(std::string_view what) { return what.find("NOGROUP") != std::string_view::npos; }

}  // namespace

struct Worker::State {
  State(Lifespan& l, Endpoint e, WorkerOptions o) : life(l), endpoint(std::move(e)), options(std::move(o)) {}

  Lifespan& life;  ///< not used after stop(), which ~Lifespan calls first
  Endpoint endpoint;
  WorkerOptions options;
  std::vector<QueueKeys> keys;
  /// The names of each queue's steps in log lines, made once rather than
  /// on every round.
  struct StepNames {
    std::string grouping, reading, moving, pruning, taking;
  };
  std::vector<StepNames> step_names;
  std::string consumer;
  std::size_t max_in_flight = 1;
  std::shared_ptr<Inbox> inbox = std::make_shared<Inbox>();

  std::atomic<bool> reading{true};
  std::atomic<bool> finishing{false};
  std::thread thread;
  std::once_flag stop_once;
  ShutdownReport report;

  struct Counters {
    std::atomic<std::uint64_t> read{0}, reclaimed{0}, completed{0}, retried{0}, dead{0}, handed_back{0},
        moved_due{0}, in_flight{0};
  } counters;

  // Owned by the worker thread.
  std::optional<Connection> connection;
  std::unordered_map<TaskId, Held> running;  ///< submitted; the task has not ended
  std::vector<Settlement> settling;          ///< decided; not yet confirmed by Redis
  std::size_t suspicious_held = 0;
  bool suspicious_waiting = false;  ///< a suspicious entry waited long: drain, then take it
  std::size_t parked_count = 0;     ///< settlements Redis refused, waiting to be tried again (set by settle())
  Clock::time_point lifespan_full_until{};  ///< the lifespan refused a task (QueueFull): read nothing until then
  bool groups_made = false;
  bool persistence_checked = false;
  bool step_failed = false;
  Problems problems;
  Backoff backoff;
  std::mt19937_64 random{std::random_device{}()};

  [[nodiscard]] std::size_t held() const noexcept { return running.size() + settling.size(); }
  /// Settlements Redis refused and that wait to be tried again: they hold
  /// no thread of the lifespan, so they do not take room from new work,
  /// up to a bound on what one worker keeps in memory.
  [[nodiscard]] std::size_t parked() const noexcept { return parked_count; }
  [[nodiscard]] bool settlement_due(Clock::time_point now) const noexcept {
    return std::any_of(settling.begin(), settling.end(), [&](const Settlement& s) { return s.not_before <= now; });
  }
  Connection& connect();
  void ensure_groups(Connection& c);
  void warn_without_persistence(Connection& c);
  template <class Step>
  void step(const std::string& name, Step&& body);
  void collect_ends();
  void settle();
  void move_due(std::size_t queue);
  void heartbeat();
  void prune_consumers(std::size_t queue);
  void reclaim(std::size_t queue, std::size_t room);
  std::size_t read(std::size_t room, std::chrono::milliseconds block);
  void dispatch(std::size_t queue, const Reply& entry, bool reclaimed, bool suspicious);
  void decide(Held entry, Settlement::Kind kind, Argv values);
  void dead_letter(Held entry, Argv fields, const std::string& error);
  void hand_back(Held entry) {
    Argv fields = fields_of(entry.task);
    decide(std::move(entry), Settlement::Kind::back, std::move(fields));
  }
  /// The entry's task is no longer running here.
  void ended(const Held& entry) noexcept {
    if (entry.suspicious) --suspicious_held;
  }
  void run();
  void stop();
  static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
};

Connection& Worker::State::connect() {
  if (connection && connection->broken()) connection.reset();
  if (!connection) {
    connection.emplace(endpoint);
    // Blocking reads wait up to `poll` before the server answers.
    connection->set_timeout(endpoint.command_timeout + options.poll);
    ensure_groups(*connection);
    if (!persistence_checked) warn_without_persistence(*connection);
  }
  return *connection;
}

void Worker::State::ensure_groups(Connection& c) {
  for (std::size_t q = 0; q < keys.size(); ++q) {
    const QueueKeys& k = keys[q];
    // From id 0: entries enqueued before the first worker ever started are read too.
    const Reply reply = c.run_unchecked({"XGROUP", "CREATE", k.stream, std::string(kGroup), "0", "MKSTREAM"});
    const std::string& step_name = step_names[q].grouping;
    if (reply.type == Reply::Type::error) {
      // BUSYGROUP: it exists. Anything else (OOM at maxmemory, WRONGTYPE for
      // a key someone overwrote) is this queue's problem, logged; the other
      // queues are served, and reading this one says NOGROUP, which brings
      // the worker back here.
      if (reply.str.starts_with("BUSYGROUP")) {
        problems.worked(step_name);
      } else {
        problems.failed(step_name, reply.str);
      }
      continue;
    }
    problems.worked(step_name);
    if (groups_made) {
      warn("the consumer group of " + k.stream + " was missing (the server restarted without persistence, was "
           "flushed, or failed over to a replica without it): created it again; entries read before are lost "
           "unless the stream kept them, and then they run again");
    }
  }
  groups_made = true;
}

void Worker::State::warn_without_persistence(Connection& c) {
  persistence_checked = true;
  // CONFIG may be renamed or refused on a managed server: then say nothing.
  const Reply aof = c.run_unchecked({"CONFIG", "GET", "appendonly"});
  const Reply save = c.run_unchecked({"CONFIG", "GET", "save"});
  if (aof.elements.size() == 2 && save.elements.size() == 2 && aof.elements[1].str == "no" &&
      save.elements[1].str.empty()) {
    warn(endpoint.url() + " saves nothing to disk (appendonly no, save \"\"): a restart loses every queued task. "
         "Set appendonly yes on the server for durable tasks");
  }
}

template <class Step>
void Worker::State::step(const std::string& name, Step&& body) {
  try {
    // A body may answer false: it did not fail, and did not yet work again.
    if constexpr (std::is_same_v<decltype(body()), bool>) {
      if (body()) problems.worked(name);
    } else {
      body();
      problems.worked(name);
    }
  } catch (const Error& e) {
    // A broken connection fails the whole round; an error reply fails only
    // this step, and the worker goes on with the others.
    if (!connection || connection->broken()) throw;
    problems.failed(name, e.what());
    step_failed = true;
    if (mentions_nogroup(e.what())) ensure_groups(*connection);
  }
}

void Worker::State::decide(Held entry, Settlement::Kind kind, Argv values) {
  settling.push_back(Settlement{kind, std::move(entry), std::move(values), {}, 0});
}

void Worker::State::dead_letter(Held entry, Argv fields, const std::string& error) {
  fields.insert(fields.end(), {"error", error, "source", entry.entry_id, "failed",
                               std::to_string(unix_ms(std::chrono::system_clock::now()))});
  decide(std::move(entry), Settlement::Kind::dead, std::move(fields));
}

void Worker::State::collect_ends() {
  std::vector<TaskEndNotice> notices;
  {
    std::lock_guard lock(inbox->mutex);
    notices.swap(inbox->notices);
  }
  for (const TaskEndNotice& notice : notices) {
    const auto found = running.find(notice.id);
    if (found == running.end()) continue;  // a task of the application's own, not from Redis
    Held entry = std::move(found->second);
    running.erase(found);
    ended(entry);
    switch (notice.end) {
      case TaskEnd::completed:
        decide(std::move(entry), Settlement::Kind::ack, {});
        break;
      case TaskEnd::failed: {
        const TaskInfo* info = bg::registry().find(entry.task.task);
        const TaskPolicy policy = info != nullptr ? info->policy : TaskPolicy{};
        if (notice.retryable && entry.task.attempt <= policy.retries) {
          StoredTask next = entry.task;
          next.attempt += 1;
          const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random);
          const auto due = unix_ms(std::chrono::system_clock::now()) + retry_backoff(policy, entry.task.attempt, unit).count();
          Argv values{std::to_string(due), delayed_member(next, retry_id(entry.entry_id, next.attempt))};
          decide(std::move(entry), Settlement::Kind::retry, std::move(values));
        } else {
          const std::string error = "failed on attempt " + std::to_string(entry.task.attempt) + " of " +
                                    std::to_string(policy.retries + 1) +
                                    (notice.retryable ? ": " : " (bg::NoRetry: final): ") + notice.detail;
          Argv fields = fields_of(entry.task);
          dead_letter(std::move(entry), std::move(fields), error);
        }
        break;
      }
      case TaskEnd::stopped:
      case TaskEnd::discarded:
        hand_back(std::move(entry));
        break;
      case TaskEnd::abandoned:
        // Still running here: no longer renewed, so that another worker
        // takes it over after claim_idle.
        break;
    }
  }
}

void Worker::State::settle() {
  if (settling.empty()) return;
  const auto now = Clock::now();
  std::vector<Argv> commands;
  std::vector<std::vector<std::size_t>> members;  // per command: indices into settling
  for (std::size_t q = 0; q < keys.size(); ++q) {
    Argv command{"EVAL", kSettleScript, "3", keys[q].stream, keys[q].delayed, keys[q].dead, std::string(kGroup),
                 consumer};
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < settling.size(); ++i) {
      const Settlement& s = settling[i];
      if (s.entry.queue != q || s.not_before > now) continue;
      command.push_back(std::string(1, static_cast<char>(s.kind)));
      command.push_back(s.entry.entry_id);
      if (s.kind == Settlement::Kind::dead || s.kind == Settlement::Kind::back) {
        command.push_back(std::to_string(s.values.size()));
      }
      command.insert(command.end(), s.values.begin(), s.values.end());
      indices.push_back(i);
    }
    if (indices.empty()) continue;
    commands.push_back(std::move(command));
    members.push_back(std::move(indices));
  }
  if (commands.empty()) return;
  // Throws when the connection breaks: every settlement stays, and is sent
  // again, unchanged, on the next connection.
  const std::vector<Reply> replies = connect().pipeline(commands);
  std::vector<bool> done(settling.size(), false);
  std::uint64_t completed = 0, retried = 0, dead = 0, handed_back = 0;
  std::string refused;
  for (std::size_t c = 0; c < replies.size(); ++c) {
    const Reply& reply = replies[c];
    const bool whole_failed = reply.type != Reply::Type::array || reply.elements.size() != members[c].size();
    for (std::size_t j = 0; j < members[c].size(); ++j) {
      Settlement& s = settling[members[c][j]];
      const Reply* result = whole_failed ? nullptr : &reply.elements[j];
      if (result != nullptr && result->type == Reply::Type::integer) {
        done[members[c][j]] = true;
        if (result->integer == 0) continue;  // no longer held here: settled before, or taken over
        switch (s.kind) {
          case Settlement::Kind::ack: ++completed; break;
          case Settlement::Kind::retry: ++retried; break;
          case Settlement::Kind::dead: ++dead; break;
          case Settlement::Kind::back: ++handed_back; break;
        }
        continue;
      }
      // Refused (maxmemory, a key of the wrong type, the group gone): the
      // entry stays held and renewed, and the same settlement is tried
      // again later.
      const std::string why = result != nullptr ? result->text() : reply.type == Reply::Type::error
                                                                       ? reply.str
                                                                       : "an unexpected reply";
      if (refused.empty()) {
        const QueueKeys& k = keys[s.entry.queue];
        refused = (s.kind == Settlement::Kind::retry  ? "a retry into " + k.delayed
                   : s.kind == Settlement::Kind::dead ? "a dead letter into " + k.dead
                   : s.kind == Settlement::Kind::back ? "a hand-back into " + k.stream
                                                      : "an acknowledgement in " + k.stream) +
                  ": " + why;
      }
      const auto wait = std::chrono::milliseconds(std::min<long long>(1000, 50LL << std::min(s.refusals, 5U)));
      ++s.refusals;
      s.not_before = now + wait;
    }
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < settling.size(); ++i) {
    if (!done[i]) {
      if (kept != i) settling[kept] = std::move(settling[i]);
      ++kept;
    }
  }
  settling.resize(kept);
  parked_count = static_cast<std::size_t>(
      std::count_if(settling.begin(), settling.end(), [](const Settlement& s) { return s.refusals != 0; }));
  bump(counters.completed, completed);
  bump(counters.retried, retried);
  bump(counters.dead, dead);
  bump(counters.handed_back, handed_back);
  counters.in_flight.store(held(), std::memory_order_relaxed);
  if (!refused.empty()) {
    throw Error("a write was refused (" + refused +
                "); the entries stay held and renewed, and are settled when Redis accepts the write");
  }
}

void Worker::State::move_due(std::size_t queue) {
  const QueueKeys& k = keys[queue];
  const Reply reply = connect().run({"EVAL", kMoveDueScript, "3", k.delayed, k.stream, k.dead, "1000"});
  if (reply.elements.size() != 3) throw Error("an unexpected reply from the move script");
  bump(counters.moved_due, static_cast<std::uint64_t>(reply.elements[0].number()));
  bump(counters.dead, static_cast<std::uint64_t>(reply.elements[1].number()));
  if (!reply.elements[2].str.empty()) throw Error("a write was refused: " + reply.elements[2].str);
}

void Worker::State::heartbeat() {
  std::vector<Argv> commands(keys.size());
  for (std::size_t q = 0; q < keys.size(); ++q) {
    commands[q] = {"EVAL", kHeartbeatScript, "1", keys[q].stream, std::string(kGroup), consumer};
  }
  for (const auto& [id, entry] : running) commands[entry.queue].push_back(entry.entry_id);
  for (const Settlement& s : settling) commands[s.entry.queue].push_back(s.entry.entry_id);
  std::erase_if(commands, [](const Argv& command) { return command.size() <= 6; });
  for (const Reply& reply : connect().pipeline(commands)) check(reply, "renewing the entries in flight");
}

void Worker::State::prune_consumers(std::size_t queue) {
  const auto idle = std::max(options.claim_idle * 2, std::chrono::milliseconds(1000));
  connect().run({"EVAL", kPruneConsumersScript, "1", keys[queue].stream, std::string(kGroup), consumer,
                 std::to_string(idle.count())});
}

void Worker::State::reclaim(std::size_t queue, std::size_t room) {
  const QueueKeys& k = keys[queue];
  const Reply reply = connect().run({"EVAL", kReclaimScript, "2", k.stream, k.dead, std::string(kGroup), consumer,
                                     std::to_string(options.claim_idle.count()), std::to_string(room),
                                     std::to_string(options.max_deliveries), held() == parked() ? "1" : "0"});
  if (reply.elements.size() != 4) throw Error("an unexpected reply from the takeover script");
  bump(counters.dead, static_cast<std::uint64_t>(reply.elements[1].number()));
  // A suspicious entry waits for a worker that holds nothing. In a fleet
  // that never idles it would wait for ever, so once it has waited ten
  // claim_idle times, this worker takes no new entries until it can take it.
  if (reply.elements[2].number() >= (options.claim_idle * 10).count()) suspicious_waiting = true;
  // An entry of this worker's own can come back: one it holds whose renewal
  // failed (then the takeover only renewed it), or one whose delivery reply
  // was lost (then it is this worker's to run).
  std::unordered_set<std::string> mine;
  if (!reply.elements[0].elements.empty()) {
    for (const auto& [id, entry] : running) mine.insert(entry.entry_id);
    for (const Settlement& s : settling) mine.insert(s.entry.entry_id);
  }
  for (const Reply& taken : reply.elements[0].elements) {  // [id, fields, deliveries before]
    if (taken.elements.empty() || mine.contains(taken.elements[0].str)) continue;
    const bool suspicious = taken.elements.size() == 3 && taken.elements[2].number() >= 2;
    dispatch(queue, taken, /*reclaimed=*/true, suspicious);
  }
  if (!reply.elements[3].str.empty()) throw Error("a write was refused: " + reply.elements[3].str);
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
        dispatch(q, entry, /*reclaimed=*/false, /*suspicious=*/false);
        ++got;
      }
    }
  };
  // In priority order, without waiting, each queue apart: a queue whose key
  // is broken is logged and skipped, and the others are still read.
  std::vector<std::size_t> readable;
  for (std::size_t q = 0; q < keys.size() && got < room; ++q) {
    bool ok = false;
    step(step_names[q].reading, [&] {
      take(connect().run({"XREADGROUP", "GROUP", std::string(kGroup), consumer, "COUNT",
                          std::to_string(room - got), "STREAMS", keys[q].stream, ">"}));
      ok = true;
    });
    if (ok) readable.push_back(q);
  }
  if (got != 0 || block.count() == 0 || readable.empty()) return got;
  // Nothing anywhere: wait on as many queues as there is room for, one entry each.
  readable.resize(std::min(room, readable.size()));
  Argv command{"XREADGROUP", "GROUP", std::string(kGroup), consumer, "COUNT", "1", "BLOCK",
               std::to_string(block.count()), "STREAMS"};
  for (std::size_t q : readable) command.push_back(keys[q].stream);
  for (std::size_t i = 0; i < readable.size(); ++i) command.emplace_back(">");
  step("waiting for entries", [&] { take(connect().run(command)); });
  return got;
}

void Worker::State::dispatch(std::size_t queue, const Reply& entry, bool reclaimed, bool suspicious) {
  if (entry.elements.empty() || entry.elements[0].str.empty()) return;
  static const Reply kNoFields;
  const Reply& fields = entry.elements.size() >= 2 ? entry.elements[1] : kNoFields;
  ReadTask parsed = read_fields(fields);
  Held held{queue, entry.elements[0].str, std::move(parsed.task), suspicious};
  bump(reclaimed ? counters.reclaimed : counters.read);
  if (!parsed.problem.empty()) {
    std::size_t dropped = 0;
    Argv kept = raw_fields(fields, dropped);
    if (dropped != 0) parsed.problem += " (its first " + std::to_string(kKeptRawFields) + " fields are kept here, " +
                                        std::to_string(dropped) + " more were dropped)";
    dead_letter(std::move(held), std::move(kept), parsed.problem);
    return;
  }
  try {
    const detail::AttemptScope attempt(held.task.attempt);
    const TaskId task_id =
        bg::registry().submit_json_text(held.task.task, held.task.args.empty() ? "[]" : held.task.args, life);
    if (suspicious) ++suspicious_held;  // counted while it runs: nothing else runs beside it
    running.emplace(task_id, std::move(held));
    counters.in_flight.store(this->held(), std::memory_order_relaxed);
  } catch (const ShuttingDown&) {
    reading.store(false, std::memory_order_relaxed);
    hand_back(std::move(held));  // not this entry's fault: another worker runs it
  } catch (const QueueFull&) {
    // The application's own tasks fill the lifespan: give it back, and
    // read nothing for a moment rather than read and give back in a loop.
    hand_back(std::move(held));
    lifespan_full_until = Clock::now() + std::chrono::milliseconds(50);
  } catch (const std::bad_alloc&) {
    hand_back(std::move(held));  // not this entry's fault either
  } catch (const std::exception& e) {
    // The entry's own fault: a DispatchError (unknown task, bad arguments),
    // or anything else a conversion throws (a user's from_json calling
    // std::stoi, say). A dead letter, never a failure of the worker.
    Argv stored = fields_of(held.task);
    dead_letter(std::move(held), std::move(stored), std::string("cannot be dispatched: ") + e.what());
  }
}

void Worker::State::run() {
  const auto beat_every = std::max(options.claim_idle / 3, std::chrono::milliseconds(1));
  const auto reclaim_every =
      std::clamp(options.claim_idle / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(500));
  const auto prune_every = std::max(options.claim_idle, std::chrono::milliseconds(1000));
  auto next_move = Clock::now();
  auto next_reclaim = Clock::now();
  auto next_prune = Clock::now();
  auto next_beat = Clock::now() + beat_every;
  for (;;) {
    const bool last_round = finishing.load(std::memory_order_acquire);
    step_failed = false;
    std::chrono::milliseconds wait{0};
    try {
      connect();
      collect_ends();
      if (settlement_due(Clock::now())) {
        step("settling entries", [&] {
          settle();
          return parked() == 0;
        });
      }
      if (last_round) break;
      const auto now = Clock::now();
      const bool read_on = reading.load(std::memory_order_relaxed);
      if (read_on && now >= next_move) {
        for (std::size_t q = 0; q < keys.size(); ++q) {
          step(step_names[q].moving, [&] { move_due(q); });
        }
        next_move = now + options.delayed_poll;
      }
      if (now >= next_beat) {
        step("renewing the entries in flight", [&] { heartbeat(); });
        next_beat = now + beat_every;
      }
      if (read_on && now >= next_prune) {
        for (std::size_t q = 0; q < keys.size(); ++q) {
          step(step_names[q].pruning, [&] { prune_consumers(q); });
        }
        next_prune = now + prune_every;
      }
      // A suspicious entry runs alone: while one is held nothing else is
      // taken, and while one waits this worker drains, then takes it.
      const auto room = [&]() -> std::size_t {
        const std::size_t waiting = parked();
        const std::size_t busy = held() - waiting;  // entries whose tasks run or whose settlement is on its way
        if (suspicious_held > 0 || (suspicious_waiting && busy > 0)) return 0;
        if (waiting >= 1000 + 10 * max_in_flight || Clock::now() < lifespan_full_until) return 0;
        return max_in_flight - std::min(max_in_flight, busy);
      };
      if (read_on && room() > 0 && (now >= next_reclaim || (suspicious_waiting && held() == parked()))) {
        suspicious_waiting = false;
        for (std::size_t q = 0; q < keys.size() && room() > 0; ++q) {
          step(step_names[q].taking, [&] { reclaim(q, room()); });
        }
        next_reclaim = now + reclaim_every;
      }
      std::size_t got = 0;
      if (read_on && room() > 0) {
        // With tasks in flight, wait briefly: their ends are settled between reads.
        const auto block = held() == 0 ? std::min(options.poll, options.delayed_poll) : std::chrono::milliseconds(2);
        got = read(room(), block);
      }
      if (got == 0) {
        wait = (read_on && room() > 0) ? std::chrono::milliseconds(0) : std::chrono::milliseconds(5);
      }
      // An error reply repeats at once if asked again at once.
      if (step_failed) wait = std::chrono::milliseconds(100);
      // A whole round worked: the connection is back (not merely made: a
      // fault that shows only after connecting keeps the backoff growing).
      if (backoff.failures() != 0) {
        problems.forget("connection");
        warn("working with " + endpoint.url() + " again after " + std::to_string(backoff.failures()) +
             (backoff.failures() == 1 ? " failed attempt" : " failed attempts"));
        backoff.reset();
      }
    } catch (const std::exception& e) {
      connection.reset();
      problems.failed("connection", std::string(e.what()) + "; trying again with backoff (at most 5 s)");
      if (last_round) {
        warn("stopping with " + std::to_string(settling.size()) +
             " settlements not recorded in Redis; their entries stay pending and run again elsewhere");
        break;
      }
      wait = backoff.next(random);
    }
    if (wait.count() > 0) {
      // A task's end cuts a short wait (it is settled at once); a backoff
      // after a failure waits its time whatever ends meanwhile.
      const bool backing_off = !connection;
      std::unique_lock lock(inbox->mutex);
      inbox->wake.wait_for(lock, wait, [&] {
        return finishing.load() || (!backing_off && !inbox->notices.empty());
      });
    }
  }
  std::lock_guard lock(inbox->mutex);
  inbox->open = false;
}

void Worker::State::stop() {
  std::call_once(stop_once, [this] {
    reading.store(false, std::memory_order_relaxed);
    const auto finish = [this] {
      finishing.store(true, std::memory_order_release);
      inbox->wake.notify_all();
      if (thread.joinable()) thread.join();
    };
    try {
      report = life.shutdown();
    } catch (...) {
      // shutdown() refuses a call from one of the lifespan's own tasks: the
      // worker thread still ends here, so that nothing outlives the worker.
      finish();
      throw;
    }
    finish();
  });
}

Worker::Worker(Lifespan& life, Endpoint endpoint, WorkerOptions options)
    : state_(std::make_shared<State>(life, std::move(endpoint), std::move(options))) {
  State& s = *state_;
  if (s.options.queues.empty()) throw Error("bg::redis::Worker: no queues to read (WorkerOptions::queues is empty)");
  for (const std::string& queue : s.options.queues) {
    const QueueKeys& k = s.keys.emplace_back(queue);
    s.step_names.push_back({"creating the consumer group of " + k.stream, "reading " + k.stream,
                            "moving due entries of " + k.delayed, "removing dead consumers of " + k.stream,
                            "taking over entries of " + k.stream});
  }
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
      // Out of memory: the end is lost, and its entry stays held (renewed)
      // until the worker stops; then another worker takes it over.
    }
  }));
  // A lifespan destroyed before its worker stops the worker first.
  detail::on_lifespan_end(life, [weak = std::weak_ptr<State>(state_)] {
    if (const std::shared_ptr<State> state = weak.lock()) {
      try {
        state->stop();
      } catch (const std::exception& e) {
        warn(std::string("stopping with the lifespan: ") + e.what());
      }
    }
  });
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
  if (s.finishing.load()) throw Error("bg::redis::Worker: start() after stop() (or after its lifespan ended)");
  s.connect();
  s.thread = std::thread([&s] { s.run(); });
}

const ShutdownReport& Worker::stop() {
  state_->stop();
  return state_->report;
}

WorkerStats Worker::stats() const {
  const auto& c = state_->counters;
  const auto get = [](const std::atomic<std::uint64_t>& v) { return v.load(std::memory_order_relaxed); };
  return {get(c.read), get(c.reclaimed), get(c.completed), get(c.retried), get(c.dead), get(c.handed_back),
          get(c.moved_due), get(c.in_flight)};
}

const std::string& Worker::consumer() const noexcept { return state_->consumer; }

}  // namespace bg::redis
