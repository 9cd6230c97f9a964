// WorkerPool: the threads that run a lifespan's queued tasks.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string_view>
#include <thread>
#include <vector>

#include <bg/context.hpp>
#include <bg/report.hpp>

#include "ledger.hpp"
#include "policies.hpp"
#include "signal.hpp"
#include "task_queue.hpp"

namespace bg::detail {

class Core;

class WorkerPool {
 public:
  /// `idle` is notified whenever a task settles, `room` whenever a task
  /// leaves the queue.
  WorkerPool(TaskQueue& queue, Ledger& ledger, Policies& policies, Signal& idle, Signal& room) noexcept
      : queue_(queue), ledger_(ledger), policies_(policies), idle_(idle), room_(room) {}
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Starts `count` workers. Each holds `owner` (the core that holds this
  /// pool), so a worker that shutdown abandons can still finish its task
  /// after the Lifespan is gone. If a thread cannot be started, the started
  /// ones are stopped and the error is rethrown.
  void start(unsigned count, const std::shared_ptr<const Core>& owner);

  /// Called after `published` tasks were queued: wakes a parked worker
  /// (every parked worker for a batch), and nothing while all are busy.
  void wake_for(std::size_t published);

  /// Requests stop on every worker's stop token (end of the grace period).
  void request_stop();
  /// Tells the workers to exit once the queue is empty, joins those that
  /// are idle and abandons (detaches, after recording in the ledger) those
  /// still running a task.
  void stop_and_join_or_abandon();

  /// Every worker's per-task cells, for TaskTable::snapshot.
  [[nodiscard]] std::vector<const RunShard*> shards() const;
  /// Tasks being run or settled now, counted from the workers' own state.
  [[nodiscard]] std::uint64_t running() const noexcept;
  /// Adds what the workers settled to `stats`; returns how many were stopped.
  std::uint64_t add_settled(Stats& stats) const noexcept;

 private:
  // kRunning -> kSettling is the worker's claim on its outcome, kRunning ->
  // kAbandoned shutdown's: exactly one of the two exchanges succeeds.
  enum Phase : int { kIdle, kRunning, kSettling, kAbandoned };

  struct alignas(64) Worker {
    std::thread thread;
    std::stop_source stop;
    std::atomic<int> phase{kIdle};
    // The claimed task, written by this worker before it publishes kRunning;
    // shutdown reads them only after winning kRunning -> kAbandoned, after
    // which the worker never writes them again.
    TaskId task_id = 0;
    TaskEntry* task_entry = nullptr;
    Tally tally{/*one_writer=*/true};
    RunShard shard;  ///< per-task counts and histograms of this worker's runs
    std::int64_t last_end = 0;  ///< metric time the last run ended; 0 after waiting for work
  };

  void worker_loop(Worker& worker, const Core* owner);
  /// Runs a claimed task, then, for a task with a concurrency limit, the
  /// tasks that waited for the place it leaves. False when shutdown
  /// abandoned a task meanwhile.
  bool run_claimed(Worker& worker, const TaskQueue::Claimed& claimed);
  /// Runs the worker's task (task_id, task_entry) stored at (ops, storage),
  /// destroys it, calls `done` and settles it; false when abandoned.
  template <class Done>
  bool run_one(Worker& worker, const TaskOps* ops, TaskStorage& storage, unsigned attempt, std::int64_t ready_tick,
               Done&& done);
  /// A claimed task over its concurrency limit waits in its gate: true
  /// when it was parked there (under the queue's head lock).
  bool park_if_over_limit(Slot& slot);
  /// Polls briefly for new work; true if some arrived (or exit began).
  bool spin_for_work();
  void park();
  void wake_all();

  TaskQueue& queue_;
  Ledger& ledger_;
  Policies& policies_;
  Signal& idle_;
  Signal& room_;
  std::vector<std::unique_ptr<Worker>> workers_;

  // Parking: a worker that finds no work sleeps until a producer bumps the
  // epoch. Producers touch park_mutex_ only when sleepers_ says someone sleeps.
  std::mutex park_mutex_;
  std::condition_variable park_cv_;
  std::uint64_t wake_epoch_ = 0;
  alignas(64) std::atomic<int> sleepers_{0};
  std::atomic<int> spinning_{0};  ///< 0 or 1: at most one worker spins
  std::atomic<bool> exit_{false};
};

}  // namespace bg::detail
