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
/// holds. Rejected submissions are counted apart and are not in `submitted`.
struct Stats {
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;  ///< returned normally, no stop requested
  std::uint64_t failed = 0;     ///< threw (reported to on_error)
  std::uint64_t cancelled = 0;  ///< discarded before starting, or stopped at shutdown
  std::uint64_t abandoned = 0;  ///< still running when shutdown gave up on it
  std::uint64_t rejected = 0;   ///< QueueFull or ShuttingDown; never ran
  std::uint64_t queued = 0;
  std::uint64_t running = 0;

  friend bool operator==(const Stats&, const Stats&) = default;
};

/// How a task that did not complete ended.
enum class TaskState {
  discarded,  ///< was queued when the grace period ended; never started
  stopped,    ///< was running, stop was requested, and it returned
  failed,     ///< was running, stop was requested, and it threw
  abandoned,  ///< was running and had not returned cancel_grace after stop
};

[[nodiscard]] std::string_view to_string(TaskState state) noexcept;

struct TaskRecord {
  TaskId id = 0;
  std::string name;
  TaskState state = TaskState::discarded;
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
