// bg::Lifespan: a worker group that lives exactly as long as the application.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <bg/background_tasks.hpp>
#include <bg/bound_task.hpp>
#include <bg/config.hpp>
#include <bg/context.hpp>
#include <bg/detail/async_task.hpp>
#include <bg/detail/erased_task.hpp>
#include <bg/detail/invocable.hpp>
#include <bg/detail/submit.hpp>
#include <bg/detail/task_ends.hpp>
#include <bg/errors.hpp>
#include <bg/metrics.hpp>
#include <bg/policy.hpp>
#include <bg/report.hpp>
#include <bg/task_name.hpp>

namespace bg {

/// Owns the worker group. Construct it in main: the constructor starts the
/// workers and makes this the current lifespan (what generated `later()`
/// submits to); the destructor shuts down (see shutdown()).
///
/// Not copyable or movable: tasks and generated code refer to it by address.
class Lifespan {
 public:
  /// Starts config.workers threads (none with run_inline) and becomes
  /// current(). When it is destroyed, the most recently created lifespan
  /// still alive becomes current again, whatever order lifespans are
  /// destroyed in. Throws bg::Error for an invalid config.
  explicit Lifespan(Config config = {});
  /// Calls shutdown() unless it was called already, and prints the report on
  /// stderr if any task did not complete.
  ~Lifespan();

  Lifespan(const Lifespan&) = delete;
  Lifespan& operator=(const Lifespan&) = delete;
  Lifespan(Lifespan&&) = delete;
  Lifespan& operator=(Lifespan&&) = delete;

  /// Submits f(args...) and returns its id without waiting for it. Arguments
  /// are stored as decayed copies (moved when given as rvalues). If the
  /// function takes bg::Context first, the runtime passes it.
  /// Throws QueueFull (OnFull::reject) or ShuttingDown. Thread-safe.
  template <class F, class... Args>
  TaskId add_task(F&& f, Args&&... args) {
    return add_named_task(detail::kUnnamedTask, std::forward<F>(f), std::forward<Args>(args)...);
  }

  /// As add_task, naming the task in errors, stats and reports. Thread-safe.
  template <class F, class... Args>
  TaskId add_named_task(TaskName name, F&& f, Args&&... args) {
    detail::check_task_call<F, Args...>();
    if constexpr (detail::task_call_valid_v<F, Args...>) {
      return submit_or_throw(name.view(),
                             detail::ErasedTask::make(std::forward<F>(f), std::forward<Args>(args)...));
    } else {
      return 0;
    }
  }

  /// Submits a bound task under its own name. Thread-safe.
  TaskId add_task(Task&& task);

  /// As add_named_task, starting the task at `when` rather than now. Until
  /// then it waits without a worker and outside the queue's capacity,
  /// counted in Stats::scheduled; if shutdown begins first it is discarded
  /// and reported "not yet due". A time already past submits at once.
  template <class F, class... Args>
  TaskId add_named_task_at(TaskName name, std::chrono::steady_clock::time_point when, F&& f, Args&&... args) {
    detail::check_task_call<F, Args...>();
    if constexpr (detail::task_call_valid_v<F, Args...>) {
      return submit_at_or_throw(name.view(),
                                detail::ErasedTask::make(std::forward<F>(f), std::forward<Args>(args)...), when);
    } else {
      return 0;
    }
  }
  /// As add_named_task_at, `delay` from now.
  template <class Rep, class Period, class F, class... Args>
  TaskId add_named_task_after(TaskName name, std::chrono::duration<Rep, Period> delay, F&& f, Args&&... args) {
    return add_named_task_at(name, after(delay), std::forward<F>(f), std::forward<Args>(args)...);
  }
  template <class Rep, class Period, class F, class... Args>
  TaskId add_task_after(std::chrono::duration<Rep, Period> delay, F&& f, Args&&... args) {
    return add_named_task_at(detail::kUnnamedTask, after(delay), std::forward<F>(f), std::forward<Args>(args)...);
  }

  /// Gives the tasks named `name` a policy (retries, time limit,
  /// concurrency) in this lifespan, replacing the one bg-gen compiled into
  /// the registry: for tasks submitted by name without bg-gen, and for
  /// tests. Call it before the first submission of that name; afterwards it
  /// throws bg::Error (runs already follow the old one).
  void set_policy(std::string_view name, const TaskPolicy& policy);

  /// Per-task counters and histograms (see bg::TaskStats), one per task
  /// name submitted so far, sorted by name. Thread-safe; the counters are
  /// kept without locks, so a snapshot taken while tasks move may catch one
  /// between two counters.
  [[nodiscard]] std::vector<TaskStats> task_stats() const;

  /// As add_task, but a full queue or a shutdown gives an empty optional
  /// instead of an exception (the rejection is still counted). Thread-safe.
  template <class F, class... Args>
  [[nodiscard]] std::optional<TaskId> try_add_task(F&& f, Args&&... args) {
    return try_add_named_task(detail::kUnnamedTask, std::forward<F>(f), std::forward<Args>(args)...);
  }

  template <class F, class... Args>
  [[nodiscard]] std::optional<TaskId> try_add_named_task(TaskName name, F&& f, Args&&... args) {
    detail::check_task_call<F, Args...>();
    if constexpr (detail::task_call_valid_v<F, Args...>) {
      return try_submit(name.view(),
                        detail::ErasedTask::make(std::forward<F>(f), std::forward<Args>(args)...));
    } else {
      return std::nullopt;
    }
  }

  /// Submits every task of a request-scoped batch, all or nothing: if the
  /// queue lacks room for all of them (OnFull::reject) or shutdown began, it
  /// throws and `batch` keeps its tasks. Returns their ids in batch order.
  /// Thread-safe.
  std::vector<TaskId> add_tasks(BackgroundTasks&& batch);

  /// Blocks until nothing is queued or running (Quart's test_app analogue).
  /// Thread-safe; throws bg::Error when called from one of this lifespan's
  /// own tasks, where it could never return.
  void wait_idle();

  /// Stops intake, lets tasks finish until shutdown_timeout, then requests
  /// stop on running tasks, discards queued ones, waits cancel_grace more and
  /// abandons tasks still running (their threads are detached and end when
  /// the task returns; the process may exit before). Returns the report.
  /// Idempotent: later calls return the same report. Thread-safe.
  const ShutdownReport& shutdown();

  /// A snapshot of the counters. Thread-safe; exact when idle.
  [[nodiscard]] Stats stats() const;

  [[nodiscard]] const Config& config() const noexcept;

  /// The lifespan created last and still alive. Throws NoLifespan (saying to
  /// create one in main) when there is none. The reference is valid while
  /// that lifespan lives; code that may outlive it should use generated
  /// `later()`, which is safe against concurrent destruction.
  [[nodiscard]] static Lifespan& current();

 private:
  friend struct detail::ErasedAccess;  // generated entry points submit erased tasks
  friend void detail::install_async_backend(Lifespan&, const detail::AsyncFlavour&,
                                            std::shared_ptr<detail::AsyncBackend>);
  friend void detail::observe_task_ends(Lifespan&, std::shared_ptr<const detail::TaskEndObserver>);
  friend void detail::on_lifespan_end(Lifespan&, std::function<void()>);
  friend TaskId detail::submit_continuation(Lifespan&, std::string_view, detail::ErasedTask&&);
  TaskId submit_or_throw(std::string_view name, detail::ErasedTask&& task);
  std::optional<TaskId> try_submit(std::string_view name, detail::ErasedTask&& task);
  TaskId submit_at_or_throw(std::string_view name, detail::ErasedTask&& task,
                            std::chrono::steady_clock::time_point when);
  std::optional<TaskId> try_submit_at(std::string_view name, detail::ErasedTask&& task,
                                      std::chrono::steady_clock::time_point when);
  template <class Rep, class Period>
  static std::chrono::steady_clock::time_point after(std::chrono::duration<Rep, Period> delay) {
    return std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay);
  }

  std::shared_ptr<detail::Core> core_;
};

}  // namespace bg
