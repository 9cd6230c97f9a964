// Ledger: how every task ends, decided and counted in one place.
//
// Pooled workers and inline mode both settle their tasks here, so a user's
// unit tests (inline) and production (pooled) cannot disagree on what a task
// that threw, was stopped or was abandoned counts as, what reaches on_error,
// or what the shutdown report lists.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include <bg/config.hpp>
#include <bg/context.hpp>
#include <bg/detail/task_ends.hpp>
#include <bg/report.hpp>

#include "task_entry.hpp"

namespace bg::detail {

/// What a task that returned (rather than being abandoned) counts as.
enum class Outcome {
  completed,  ///< returned normally, no stop requested
  failed,     ///< threw; reported to on_error (and listed if stop was requested)
  stopped,    ///< returned after stop was requested; listed in the report
};

[[nodiscard]] constexpr Outcome decide_outcome(bool threw, bool stop_requested) noexcept {
  if (threw) return Outcome::failed;
  return stop_requested ? Outcome::stopped : Outcome::completed;
}

/// Counters of settled tasks, one per runner (a worker, or inline mode) so
/// that workers never write a shared cache line per task.
struct alignas(64) Tally {
  /// A worker's tally has one writer and is bumped without a locked
  /// instruction; inline mode's is written by every submitting thread.
  explicit Tally(bool one_writer) noexcept : single_writer(one_writer) {}

  void bump(std::atomic<std::uint64_t>& counter) const noexcept {
    if (single_writer) {
      counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    } else {
      counter.fetch_add(1, std::memory_order_relaxed);
    }
  }

  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> stopped{0};
  std::atomic<std::uint64_t> retried{0};
  const bool single_writer;
};

/// One run's end, as the runner saw it.
struct Settlement {
  TaskId id = 0;
  TaskEntry* entry = nullptr;
  RunCells* cells = nullptr;  ///< where the runner counts it
  std::exception_ptr error;
  bool stop_requested = false;  ///< shutdown asked it to stop
  unsigned attempt = 1;
  bool will_retry = false;      ///< a retry of it is scheduled
};

class Ledger {
 public:
  explicit Ledger(const Config& config) : config_(config) {}

  /// Settles a run that returned and was not abandoned: reports its error
  /// to on_error (with whether a retry follows), lists it in the shutdown
  /// report if stop had been requested, and counts it in `tally` and in its
  /// task's metrics. Call before the run stops counting as running, so
  /// that whoever sees it idle also sees it counted.
  void settle(const Settlement& run, Tally& tally);
  /// A task dropped before it started: queued at the end of the grace
  /// period, or not yet due at shutdown (`reason` says which, when the
  /// state alone does not).
  void discard(TaskId id, TaskEntry& entry, std::string reason = {});
  /// A running task shutdown gave up on. Whatever it does later is not
  /// reported: the report is final, and on_error may refer to state the
  /// application has destroyed after shutdown.
  void abandon(TaskId id, TaskEntry& entry);
  /// Reports every end from now on to `observer` (see task_ends.hpp). Once;
  /// throws bg::Error on a second call.
  void observe(std::shared_ptr<const TaskEndObserver> observer);
  void reject(std::uint64_t count) noexcept { rejected_.fetch_add(count, std::memory_order_relaxed); }

  [[nodiscard]] std::uint64_t discarded() const noexcept { return discarded_.load(std::memory_order_seq_cst); }
  [[nodiscard]] std::uint64_t abandoned() const noexcept { return abandoned_.load(std::memory_order_seq_cst); }
  [[nodiscard]] std::uint64_t rejected() const noexcept { return rejected_.load(std::memory_order_relaxed); }

  /// The tasks listed so far, ordered by id; the ledger keeps none.
  [[nodiscard]] std::vector<TaskRecord> take_records();

 private:
  void record(TaskId id, std::string_view name, TaskState state, std::string reason = {});
  void report_error(const Settlement& run) const noexcept;
  void notify(TaskId id, TaskEnd end, const std::string& detail = {}, bool retryable = true) const noexcept {
    if (const TaskEndObserver* observer = observer_.load(std::memory_order_acquire)) {
      (*observer)({id, end, detail, retryable});
    }
  }

  const Config& config_;
  std::atomic<std::uint64_t> discarded_{0};
  std::atomic<std::uint64_t> abandoned_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::mutex records_mutex_;
  std::vector<TaskRecord> records_;
  // Set once, read on every end: the plain path pays one load.
  std::shared_ptr<const TaskEndObserver> observer_owner_;
  std::atomic<const TaskEndObserver*> observer_{nullptr};
};

}  // namespace bg::detail
