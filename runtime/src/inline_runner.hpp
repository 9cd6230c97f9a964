// InlineRunner: Config::run_inline, tasks run on the submitting thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <stop_token>
#include <string_view>

#include <bg/context.hpp>
#include <bg/detail/submit.hpp>
#include <bg/report.hpp>

#include "ledger.hpp"
#include "pending_tasks.hpp"
#include "signal.hpp"
#include "task_entry.hpp"

namespace bg::detail {

class Core;

/// Runs each admitted task on the thread that submitted it, before the
/// submission returns, and settles it through the same Ledger as the worker
/// pool: only where a task runs differs from pooled mode, not what its end
/// counts as.
class InlineRunner {
 public:
  InlineRunner(Ledger& ledger, Signal& idle, const Core* owner) noexcept
      : ledger_(ledger), idle_(idle), owner_(owner) {}

  /// Admits every pending task or none (none once close() was called), then
  /// runs them in order. `first` receives the first id; ids are consecutive.
  /// entries[i] is the entry of pending task i. A task with a bg::retry
  /// policy is retried at once, without backoff; time limits and
  /// concurrency limits do not apply (one task runs at a time per thread).
  Refusal run(const PendingTasks& pending, std::span<TaskEntry* const> entries, TaskId& first);

  /// Stops intake.
  void close();
  /// After close(): lets running tasks finish until `deadline`; then drops
  /// the admitted tasks of a batch not started yet, requests stop, waits
  /// `cancel_grace` and abandons what still runs. True if the deadline passed
  /// with tasks left.
  bool drain(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds cancel_grace);

  /// Adds submitted, queued (admitted, not started), running and settled
  /// counts to `stats`; returns how many were stopped.
  std::uint64_t add_to(Stats& stats) const;
  [[nodiscard]] bool idle() const;

 private:
  enum class State { queued, running, settling };
  struct Admitted {
    TaskEntry* entry;
    State state;
  };

  void run_one(TaskId id, TaskEntry& entry, ErasedTask& task);
  [[nodiscard]] std::size_t count_locked(State state) const;
  /// Records every admitted task in `state` with `record` (discard or
  /// abandon) and forgets it: its submitting thread then settles nothing.
  template <class Record>
  void settle_all(State state, Record&& record);

  Ledger& ledger_;
  Signal& idle_;
  const Core* owner_;

  mutable std::mutex mutex_;
  bool accepting_ = true;
  TaskId next_id_ = 0;
  /// Admitted tasks that have not settled; an abandoned or discarded task is
  /// removed by shutdown, and its submitting thread then settles nothing.
  std::map<TaskId, Admitted> admitted_;
  std::stop_source stop_;
  Tally tally_{/*one_writer=*/false};
};

}  // namespace bg::detail
