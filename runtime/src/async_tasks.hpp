// AsyncTasks: a lifespan's coroutine tasks, from admission to their end.
//
// Coroutine tasks never wait in the queue or hold a worker: a backend runs
// them (an io_context), and this tracker keeps what the lifespan contract
// needs: which tasks are live, their counts, and the shutdown steps (stop
// intake, cancel, abandon) that the worker pool takes for blocking tasks.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <bg/config.hpp>
#include <bg/detail/async_task.hpp>
#include <bg/report.hpp>

#include "ledger.hpp"
#include "policies.hpp"
#include "signal.hpp"

namespace bg::detail {

class AsyncTasks {
 public:
  /// `run_next` starts a task that waited for the concurrency place a
  /// finished run left (the core's admit_held).
  AsyncTasks(const Config& config, Ledger& ledger, Policies& policies, Signal& idle, const Core* owner,
             std::function<void(HeldTask&&)> run_next) noexcept
      : config_(config), ledger_(ledger), policies_(policies), idle_(idle), owner_(owner),
        run_next_(std::move(run_next)) {}
  AsyncTasks(const AsyncTasks&) = delete;
  AsyncTasks& operator=(const AsyncTasks&) = delete;

  /// Admission happens under this lock: shutdown closes intake under it
  /// too, so a submission that holds it and sees accepting() is admitted
  /// whole, with its blocking siblings (the queue closes only after).
  [[nodiscard]] std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }
  [[nodiscard]] bool accepting(const std::unique_lock<std::mutex>&) const noexcept { return accepting_; }
  /// Tasks admitted before shutdown (a delayed task come due, a retry, one
  /// that waited for a concurrency place) are accepted until seal().
  [[nodiscard]] bool sealed(const std::unique_lock<std::mutex>&) const noexcept { return sealed_; }
  void seal();

  /// The backend of `flavour`, made on first use. Lock held.
  AsyncBackend& backend(const AsyncFlavour& flavour, const std::unique_lock<std::mutex>&);
  void install(const AsyncFlavour& flavour, std::shared_ptr<AsyncBackend> backend);

  /// Makes `run` live under `id` (lock held); the caller starts it next,
  /// after the lock, and then calls launched().
  void admit(AsyncRun& run, TaskId id, TaskEntry& entry, unsigned attempt, std::shared_ptr<const Core> owner,
             const std::unique_lock<std::mutex>&);
  /// Just before launching an admitted run: metrics, the copy for a retry
  /// and the time limit's watchdog (`task` is not yet moved into the run).
  void begin(AsyncRun& run, const ErasedTask& task, std::int64_t ready_tick);
  /// Ends what admit() began: shutdown stops backends only once every
  /// admitted task has reached its backend.
  void launched(std::size_t count) noexcept;
  /// A run admitted but never started (its launch threw): forgotten, with
  /// the error reported as the task's.
  void settle_unlaunched(AsyncRun& run, std::exception_ptr error) noexcept { finish(run, std::move(error)); }

  /// Stops intake; later submissions are refused.
  void close();
  /// End of the grace period: requests stop on every live task and cancels
  /// its pending operation.
  void cancel_all();
  /// End of cancel_grace: records the tasks still live as abandoned, then
  /// waits for those already settling.
  void abandon_all();
  /// Unlists the runs that settled since the last call and drops the
  /// core's references to them. Takes the lock briefly when there are some;
  /// call it without the lock held (a run's arguments are destroyed here).
  void reap() noexcept;

  /// Shuts every backend down (after abandon_all), once every admitted task
  /// has been handed to its backend.
  void shut_down_backends(std::chrono::milliseconds limit);

  /// Live tasks (admitted, not settled or abandoned).
  [[nodiscard]] std::uint64_t running() const noexcept { return live_.load(std::memory_order_seq_cst); }
  /// Adds submitted, running and settled counts to `stats`; returns how
  /// many were stopped.
  std::uint64_t add_to(Stats& stats) const noexcept;

 private:
  friend class AsyncRun;
  enum Phase : int { kRunning, kSettling, kAbandoned };

  void finish(AsyncRun& run, std::exception_ptr error) noexcept;
  /// Drops the core's references along a chain linked by ended_next_.
  static void release(AsyncRun* chain) noexcept;
  void link(AsyncRun& run) noexcept;
  void unlink(AsyncRun& run) noexcept;

  const Config& config_;
  Ledger& ledger_;
  Policies& policies_;
  Signal& idle_;
  const Core* owner_;  ///< what a backend's threads are marked with
  const std::function<void(HeldTask&&)> run_next_;

  std::mutex mutex_;
  bool accepting_ = true;            ///< under mutex_
  bool sealed_ = false;              ///< under mutex_
  std::atomic<bool> closed_{false};  ///< !accepting_, readable without the lock
  AsyncRun* first_ = nullptr;  ///< live runs, newest first
  std::vector<std::pair<const AsyncFlavour*, std::shared_ptr<AsyncBackend>>> backends_;
  std::stop_source stop_;
  std::atomic<std::uint64_t> launching_{0};  ///< admitted, not yet handed to a backend
  std::condition_variable all_launched_;
  /// Runs that settled and are still listed: a lock-free stack, so that an
  /// ending task never waits for a submission's lock. Unlisted in batches
  /// (reap) by the next submission, by the settling thread every
  /// kReapBatch, and by shutdown.
  std::atomic<AsyncRun*> ended_{nullptr};
  std::atomic<std::uint32_t> ended_count_{0};
  static constexpr std::uint32_t kReapBatch = 256;
  std::atomic<std::uint64_t> live_{0};
  Tally tally_{/*one_writer=*/false};
};

}  // namespace bg::detail
