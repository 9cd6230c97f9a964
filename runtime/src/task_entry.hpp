// TaskEntry: what a lifespan keeps per task name: the name's policy, its
// metrics, and the gate of a bg::concurrency limit.
//
// Entries are made on a name's first submission and live as long as the
// lifespan's core; slots and runs point to them, so the hot path never
// looks a name up twice and never takes a lock for metrics (relaxed atomic
// increments on the entry's own cache lines).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>

#include <bg/detail/erased_task.hpp>
#include <bg/metrics.hpp>
#include <bg/policy.hpp>

namespace bg::detail {

struct TaskEntry;

/// A histogram of durations, written with relaxed atomic increments.
class HistogramCells {
 public:
  void observe(std::int64_t nanoseconds) noexcept;
  [[nodiscard]] Histogram snapshot() const noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, kHistogramBounds.size() + 1> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

/// A task that waits outside the queue: for its time (delay, retry
/// backoff) or for a concurrency slot. Owns the task.
struct HeldTask {
  ErasedTask task;
  TaskId id = 0;
  TaskEntry* entry = nullptr;
  unsigned attempt = 1;
  std::int64_t ready_ns = 0;  ///< when it became ready to run (queue wait starts here)
};

/// bg::concurrency(k): at most k runs at once. Runs over the limit wait
/// here, in the order they reached a worker (submission order), without a
/// thread; the run that ends hands its place to the next one.
class Gate {
 public:
  explicit Gate(unsigned limit) noexcept : limit_(limit) {}

  /// Takes a place, or parks the task (made by `park` only when needed).
  /// Returns true when the caller may run it now.
  template <class MakeHeld>
  bool enter_or_park(MakeHeld&& park) {
    std::lock_guard lock(mutex_);
    // Once closed (shutdown discarded the waiting ones), a late arrival runs
    // and finds its stop requested, rather than wait for nobody.
    if ((active_ < limit_ && waiting_.empty()) || closed_) {
      ++active_;
      return true;
    }
    waiting_.push_back(park());
    return false;
  }
  /// A run ended: its place goes to the oldest waiting task (returned, to be
  /// run by the caller) or is given back.
  std::optional<HeldTask> leave();
  /// End of the grace period: the waiting tasks, to be discarded.
  std::deque<HeldTask> take_waiting();
  [[nodiscard]] std::uint64_t waiting() const;

 private:
  const unsigned limit_;
  mutable std::mutex mutex_;
  unsigned active_ = 0;
  bool closed_ = false;
  std::deque<HeldTask> waiting_;
};

struct TaskEntry {
  TaskEntry(std::string_view task_name, const TaskPolicy& task_policy)
      : name(task_name), policy(task_policy), plain(task_policy.plain()) {
    if (policy.concurrency != 0) gate.emplace(policy.concurrency);
  }
  TaskEntry(const TaskEntry&) = delete;
  TaskEntry& operator=(const TaskEntry&) = delete;

  static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
  static void drop(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept {
    counter.fetch_sub(n, std::memory_order_relaxed);
  }

  [[nodiscard]] TaskStats snapshot() const;

  const std::string_view name;  ///< static storage
  const TaskPolicy policy;
  const bool plain;             ///< no policy: the runtime's plain path
  std::optional<Gate> gate;     ///< set for bg::concurrency
  TaskEntry* next = nullptr;    ///< the table's chain
  /// Said once: a retry policy met a task submitted without the means to
  /// copy it (not through its generated entry point).
  std::atomic<bool> warned_not_copyable{false};

  // Producers' line.
  alignas(64) std::atomic<std::uint64_t> submitted{0};
  std::atomic<std::uint64_t> queued{0};  ///< in the queue or a gate
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> scheduled{0};
  // Runners' line.
  alignas(64) std::atomic<std::uint64_t> running{0};
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> retried{0};
  std::atomic<std::uint64_t> timed_out{0};
  /// Runs past their limit that have since returned: overrunning is
  /// timed_out - overrun_ended.
  std::atomic<std::uint64_t> overrun_ended{0};
  std::atomic<std::uint64_t> cancelled{0};
  alignas(64) HistogramCells queue_wait;
  alignas(64) HistogramCells run_time;
};

}  // namespace bg::detail
