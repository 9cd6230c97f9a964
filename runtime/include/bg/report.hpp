// Counters and the shutdown report.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <bg/context.hpp>

namespace bg {

/// Plain counters, each counted where it happens (running is the number of
/// tasks a worker is running now, not a remainder). A snapshot taken while
/// tasks move may catch one between two counters; once idle (after
/// wait_idle() or shutdown()) the counts are exact and
///   submitted == completed + failed + cancelled + abandoned + queued + running
///   + scheduled
/// holds. Rejected submissions are counted apart and are not in `submitted`;
/// so are retried attempts (a retry is the same task again, not a new one).
struct Stats {
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;  ///< returned normally, no stop requested
  std::uint64_t failed = 0;     ///< threw, or exceeded its time limit, and no retry follows
  std::uint64_t retried = 0;    ///< failed attempts that a bg::retry policy retries
  std::uint64_t cancelled = 0;  ///< discarded before starting, or stopped at shutdown
  std::uint64_t abandoned = 0;  ///< still running when shutdown gave up on it
  std::uint64_t rejected = 0;   ///< QueueFull or ShuttingDown; never ran
  std::uint64_t queued = 0;
  std::uint64_t running = 0;
  /// Waiting for their time: a later_after()/later_at() not yet due, or a
  /// retry in its backoff.
  std::uint64_t scheduled = 0;

  friend bool operator==(const Stats&, const Stats&) = default;
};

/// How a task that did not complete ended.
enum class TaskState {
  discarded,  ///< never started: queued when the grace period ended, or not yet due at shutdown
  stopped,    ///< was running, stop was requested, and it returned
  failed,     ///< was running, stop was requested, and it threw
  abandoned,  ///< was running and had not returned cancel_grace after stop
};

[[nodiscard]] std::string_view to_string(TaskState state) noexcept;

struct TaskRecord {
  TaskId id = 0;
  std::string name;
  TaskState state = TaskState::discarded;
  /// Why, when the state alone does not say: "not yet due", "retry 2 of 4
  /// not yet due", "waiting for a concurrency slot". Empty otherwise.
  std::string reason;
};

struct ShutdownReport {
  Stats stats;
  /// Every task that did not complete, ordered by id.
  std::vector<TaskRecord> unfinished;
  /// True when the grace period ran out with work left.
  bool timed_out = false;
};

/// One summary line, then one line per unfinished task.
std::ostream& operator<<(std::ostream& out, const ShutdownReport& report);
std::ostream& operator<<(std::ostream& out, const Stats& stats);

}  // namespace bg
