// Policies: what happens around the runs of a task that has a policy
// (bg::retry, bg::timeout, bg::concurrency), and to tasks that wait for
// their time (later_after / later_at, retry backoff).
//
// Runners (the worker pool, the coroutine tracker, inline mode) call in at a
// run's beginning and end; a task without a policy never gets here, so the
// plain path costs only the check of its entry's `plain` flag.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>

#include <bg/detail/erased_task.hpp>

#include "ledger.hpp"
#include "signal.hpp"
#include "task_entry.hpp"
#include "timers.hpp"

namespace bg::detail {

class TaskTable;

class Policies {
 public:
  /// `release` admits a held task that is due (the core's admit_held);
  /// `idle` is notified when the last scheduled task has moved on.
  Policies(Ledger& ledger, Signal& idle, std::function<void(HeldTask&&)> release);
  Policies(const Policies&) = delete;
  Policies& operator=(const Policies&) = delete;

  // --- waiting for a time ----------------------------------------------

  /// Keeps a new task until `due_ns`. False once shutdown began (the caller
  /// refuses the submission).
  bool hold_new(HeldTask&& task, std::int64_t due_ns);
  /// Tasks waiting for their time.
  [[nodiscard]] std::uint64_t scheduled() const noexcept { return scheduled_.load(std::memory_order_seq_cst); }

  // --- one blocking run ----------------------------------------------

  /// Forwards shutdown's stop request to a run's own stop source.
  struct ForwardStop {
    std::stop_source* to;
    void operator()() const noexcept { to->request_stop(); }
  };
  /// What a run with a policy carries from its beginning to its end. Not
  /// movable: the stop callback points into it.
  struct Attempt {
    Attempt() = default;
    Attempt(const Attempt&) = delete;
    Attempt& operator=(const Attempt&) = delete;

    ErasedTask next;                      ///< the copy a retry runs
    std::optional<std::stop_source> stop;  ///< the run's own, with a time limit
    std::optional<std::stop_callback<ForwardStop>> forward;
    std::optional<Timers::Key> watch;     ///< the time limit's watchdog
  };
  /// Before a blocking run of `entry`'s task stored at (ops, storage): keeps
  /// a copy for a retry, and starts the time limit with a stop source of the
  /// run's own, fed by `shutdown_stop` too. Returns the source the run's
  /// Context uses.
  const std::stop_source* begin(Attempt& attempt, TaskEntry& entry, unsigned number, const TaskOps* ops,
                                const TaskStorage& storage, const std::stop_source& shutdown_stop);
  /// After the run: the run's error, replaced by TimeLimitExceeded if the
  /// limit passed.
  std::exception_ptr conclude(Attempt& attempt, TaskEntry& entry, std::exception_ptr error);

  // --- coroutine runs ------------------------------------------------

  /// Starts a watchdog that calls `on_expiry` when the time limit passes.
  Timers::Key watch(TaskEntry& entry, std::function<void()> on_expiry);
  /// Ends a watchdog; true when the limit had passed (the run timed out).
  bool unwatch(TaskEntry& entry, const Timers::Key& key);
  /// The error does not forbid a retry (it is not bg::NoRetry).
  [[nodiscard]] static bool retryable(const std::exception_ptr& error);
  /// The error for a run that timed out (`error`: what it threw, if anything).
  [[nodiscard]] static std::exception_ptr time_limit_error(const TaskEntry& entry, const std::exception_ptr& error);
  /// Schedules the retry of a failed run from `next` (the copy made
  /// before it ran) if the policy calls for one; returns whether it did.
  bool retry(ErasedTask&& next, TaskEntry& entry, TaskId id, unsigned number, const std::exception_ptr& error,
             bool stop_requested);

  // --- shutdown ------------------------------------------------------

  /// Shutdown began: tasks waiting for their time are discarded ("not yet
  /// due") and nothing more is held.
  void close();
  /// End of the grace period: tasks waiting for a concurrency slot are
  /// discarded.
  void discard_waiting(const TaskTable& table);
  /// Stops the timer thread (after every run ended or was abandoned).
  void stop() { timers_.stop(); }

  /// Tasks waiting in a gate for a concurrency slot (runners count them).
  std::atomic<std::uint64_t> parked{0};

 private:
  bool hold(HeldTask&& task, std::int64_t due_ns);
  void hold_locked(HeldTask&& task, std::int64_t due_ns);

  Ledger& ledger_;
  Signal& idle_;
  const std::function<void(HeldTask&&)> release_;
  Timers timers_;
  std::mutex mutex_;  ///< closed_ with hold(): nothing is held after close()
  bool closed_ = false;
  std::atomic<std::uint64_t> scheduled_{0};
};

}  // namespace bg::detail
