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
#include <vector>

#include <bg/detail/erased_task.hpp>
#include <bg/metrics.hpp>
#include <bg/policy.hpp>

namespace bg::detail {

struct TaskEntry;

/// Adds n to a counter: a plain load and store when one thread writes it
/// (a worker's own cells: no locked instruction, no shared cache line), an
/// atomic add otherwise.
inline void add(std::atomic<std::uint64_t>& counter, bool single_writer, std::uint64_t n = 1) noexcept {
  if (single_writer) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  } else {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
}

/// A histogram of durations.
class HistogramCells {
 public:
  void observe(std::int64_t nanoseconds, bool single_writer) noexcept;
  void add_to(Histogram& out) const noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, kHistogramBounds.size() + 1> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

/// One runner's counts for one task: a worker's own (one writer), or the
/// task's shared ones (coroutine tasks, inline mode).
struct RunCells {
  explicit RunCells(bool one_writer) noexcept : single_writer(one_writer) {}
  void bump(std::atomic<std::uint64_t>& counter) noexcept { add(counter, single_writer); }

  std::atomic<std::uint64_t> started{0};
  std::atomic<std::uint64_t> started_async{0};  ///< started without passing through the queue
  std::atomic<std::uint64_t> finished{0};
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> retried{0};
  std::atomic<std::uint64_t> stopped{0};
  HistogramCells queue_wait;
  HistogramCells run_time;
  const bool single_writer;
};

/// A task that waits outside the queue: for its time (delay, retry
/// backoff) or for a concurrency slot. Owns the task.
struct HeldTask {
  ErasedTask task;
  TaskId id = 0;
  TaskEntry* entry = nullptr;
  unsigned attempt = 1;
  std::int64_t ready_tick = 0;  ///< when it became ready to run (queue wait starts here)
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

 private:
  const unsigned limit_;
  mutable std::mutex mutex_;
  unsigned active_ = 0;
  bool closed_ = false;
  std::deque<HeldTask> waiting_;
};

struct TaskEntry {
  TaskEntry(std::string_view task_name, const TaskPolicy& task_policy, std::size_t table_index)
      : name(task_name), policy(task_policy), plain(task_policy.plain()), index(table_index) {
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

  const std::string_view name;  ///< static storage
  const TaskPolicy policy;
  const bool plain;             ///< no policy: the runtime's plain path
  const std::size_t index;      ///< order of first submission: a worker's cells are found by it
  std::optional<Gate> gate;     ///< set for bg::concurrency
  TaskEntry* next = nullptr;    ///< the table's chain
  /// Said once: a retry policy met a task submitted without the means to
  /// copy it (not through its generated entry point).
  std::atomic<bool> warned_not_copyable{false};

  // Written by producers only (under the queue's tail lock on the plain
  // path), so that a worker never pulls this line away from them.
  alignas(64) std::atomic<std::uint64_t> submitted_queue{0};  ///< by TaskQueue::push, under its tail lock
  std::atomic<std::uint64_t> submitted{0};                    ///< every other path
  std::atomic<std::uint64_t> rejected{0};

  // The rare paths: coroutine tasks, delays, gates, shutdown. `queued` is
  //   submitted - async_submitted - delayed_submitted + entered_other
  //   - (started - started_async) - left_other
  alignas(64) std::atomic<std::uint64_t> async_submitted{0};    ///< started without the queue
  std::atomic<std::uint64_t> delayed_submitted{0};  ///< held by the timers first
  std::atomic<std::uint64_t> entered_other{0};      ///< queued from the timers, or parked unstarted
  std::atomic<std::uint64_t> left_other{0};         ///< left the queue or a gate without a start
  std::atomic<std::uint64_t> scheduled{0};
  std::atomic<std::uint64_t> timed_out{0};
  /// Runs past their limit that have since returned: overrunning is
  /// timed_out - overrun_ended.
  std::atomic<std::uint64_t> overrun_ended{0};
  std::atomic<std::uint64_t> cancelled{0};  ///< discarded or abandoned (stopped runs are in the cells)

  /// Cells of the runners without their own: coroutine tasks, inline mode,
  /// and workers for tasks beyond their shard's slots.
  alignas(64) RunCells shared{/*one_writer=*/false};
};

/// A worker's cells, by task entry index: each worker counts its runs in
/// memory no other thread writes.
class RunShard {
 public:
  RunShard() = default;
  RunShard(const RunShard&) = delete;
  RunShard& operator=(const RunShard&) = delete;

  /// The calling worker's cells for `entry` (made on its first run there).
  RunCells& cells(TaskEntry& entry);
  /// This shard's cells for `entry`, or null.
  [[nodiscard]] const RunCells* find(const TaskEntry& entry) const noexcept {
    return entry.index < kSlots ? slots_[entry.index].load(std::memory_order_acquire) : nullptr;
  }

 private:
  static constexpr std::size_t kSlots = 256;
  std::array<std::atomic<RunCells*>, kSlots> slots_{};
  std::deque<RunCells> owned_;  ///< written by the worker only; stable addresses
};

/// A task's stats: its entry's counters plus every shard's cells.
[[nodiscard]] TaskStats snapshot(const TaskEntry& entry, const std::vector<const RunShard*>& shards);

}  // namespace bg::detail
