// detail::Core: the compiled, type-erased heart of a Lifespan: admission of
// submissions and shutdown. Where tasks run is the WorkerPool's business (or
// the InlineRunner's, with Config::run_inline; coroutine tasks run on a
// backend that AsyncTasks tracks); how they end is the Ledger's.
//
// Owned jointly by the Lifespan and by every worker thread, so a worker that
// shutdown abandons can still finish its task safely after the Lifespan is
// gone, and generated code can submit while another thread destroys it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>
#include <string_view>

#include <bg/config.hpp>
#include <bg/metrics.hpp>
#include <bg/detail/erased_task.hpp>
#include <bg/detail/submit.hpp>
#include <bg/report.hpp>

#include "async_tasks.hpp"
#include "clock.hpp"
#include "inline_runner.hpp"
#include "ledger.hpp"
#include "pending_tasks.hpp"
#include "policies.hpp"
#include "signal.hpp"
#include "task_queue.hpp"
#include "task_table.hpp"
#include "worker_pool.hpp"

namespace bg::detail {

class Core : public std::enable_shared_from_this<Core> {
 public:
  explicit Core(Config config);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  /// Starts the workers. Separate from the constructor because each worker
  /// holds a shared_ptr to the core.
  void start();

  /// The one submission path: admits every pending task or none, waiting
  /// for room only with OnFull::block. On success the tasks are moved out
  /// and `first` is the first of their consecutive ids; on refusal they are
  /// left untouched and counted as rejected.
  Refusal submit(const PendingTasks& pending, TaskId& first);
  /// A blocking task that a running task needs in order to finish
  /// (bg::asio::run_blocking): admitted during shutdown's grace period too,
  /// refused once it has ended.
  SubmitResult submit_continuation(std::string_view name, ErasedTask& task);
  /// A batch of one.
  SubmitResult submit(std::string_view name, ErasedTask& task) {
    TaskId id = 0;
    const Refusal refusal = submit(PendingTasks::one(name, task), id);
    return {refusal == Refusal::none ? id : 0, refusal};
  }

  /// Submits a task to start at `due` (later_after / later_at); one due
  /// already is submitted as by submit(). Until then it waits in the
  /// timers, holding neither a worker nor queue capacity; at shutdown it is
  /// discarded and reported "not yet due".
  SubmitResult submit_at(std::string_view name, ErasedTask& task, Clock::time_point due);

  /// Per-task metrics, sorted by name.
  [[nodiscard]] std::vector<TaskStats> task_stats() const { return tasks_.snapshot(pool_.shards()); }
  void set_policy(std::string_view name, const TaskPolicy& policy) { tasks_.set_policy(name, policy); }

  /// Gives the coroutine tasks of `flavour` a backend made by the
  /// application (see install_async_backend).
  void observe_task_ends(std::shared_ptr<const TaskEndObserver> observer) { ledger_.observe(std::move(observer)); }
  /// Code to run when the Lifespan's destructor starts (on_lifespan_end).
  void on_end(std::function<void()> hook) {
    std::lock_guard lock(end_hooks_mutex_);
    end_hooks_.push_back(std::move(hook));
  }
  /// Runs, once, every hook given to on_end, in the order given.
  void run_end_hooks() {
    std::vector<std::function<void()>> hooks;
    {
      std::lock_guard lock(end_hooks_mutex_);
      hooks.swap(end_hooks_);
    }
    for (const auto& hook : hooks) hook();
  }
  void install_async_backend(const AsyncFlavour& flavour, std::shared_ptr<AsyncBackend> backend) {
    async_.install(flavour, std::move(backend));
  }

  void wait_idle();
  const ShutdownReport& shutdown();
  [[nodiscard]] Stats stats() const;
  [[nodiscard]] bool shutdown_called() const;
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  /// Nothing queued or running, in either mode.
  [[nodiscard]] bool idle() const;
  /// submit(), for a continuation too (admitted after intake closed, until
  /// the queue is sealed at the end of the grace period).
  Refusal submit(const PendingTasks& pending, TaskId& first, bool continuation);
  /// submit() for tasks some of which are coroutines: admitted under the
  /// coroutine tracker's lock, all or none, then started on their backend.
  Refusal submit_with_coroutines(const PendingTasks& pending, std::span<TaskEntry* const> entries,
                                 std::size_t async_count, TaskId& first);
  /// A task that waited outside the queue and may run now: due in the
  /// timers (`from_gate` false), or given the concurrency place a
  /// coroutine run left (true). Discarded, and recorded, after the seal.
  void admit_held(HeldTask&& held, bool from_gate);
  /// The coroutine case of admit_held.
  void launch_held(HeldTask&& held, bool from_gate);

  const Config config_;
  Ledger ledger_;
  TaskTable tasks_;
  std::atomic<TaskId> last_id_{0};  ///< ids of pooled tasks, both kinds, delayed ones too
  TaskQueue queue_;
  Signal room_;  ///< producers blocked on a full queue (OnFull::block)
  Signal idle_;  ///< wait_idle() and shutdown()
  Policies policies_;
  WorkerPool pool_;
  InlineRunner inline_;
  AsyncTasks async_;

  mutable std::mutex shutdown_mutex_;
  std::optional<ShutdownReport> report_;
  std::mutex end_hooks_mutex_;
  std::vector<std::function<void()>> end_hooks_;
};

}  // namespace bg::detail
