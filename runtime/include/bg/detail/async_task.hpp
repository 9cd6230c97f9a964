// The seam between a lifespan and a coroutine backend.
//
// The core tracks coroutine tasks (ids, counts, shutdown, the report) without
// knowing what runs them; a backend (<bg/asio.hpp> for standalone Asio)
// starts them, tells the core when each ends, and cancels them when asked.
// Nothing here names Asio, so a program with no coroutine task pays nothing,
// and another backend (Boost.Asio, say) plugs into the same three types.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <stop_token>
#include <string_view>

#include <bg/config.hpp>
#include <bg/context.hpp>
#include <bg/detail/erased_task.hpp>

namespace bg {
class Lifespan;
}

namespace bg::detail {

class AsyncTasks;
class Core;
struct TaskEntry;

/// One coroutine task from its admission to its end, as the core sees it. A
/// backend derives from it to keep what it needs to run and cancel the task;
/// both the core (while the task is live) and the backend hold it.
class AsyncRun : public std::enable_shared_from_this<AsyncRun> {
 public:
  AsyncRun(const AsyncRun&) = delete;
  AsyncRun& operator=(const AsyncRun&) = delete;
  virtual ~AsyncRun();

  [[nodiscard]] TaskId id() const noexcept { return id_; }
  [[nodiscard]] std::string_view name() const noexcept { return name_; }
  /// What the task's bg::Context is made from.
  [[nodiscard]] RunInfo run_info() const noexcept { return RunInfo{stop_, nullptr, id_, name_, attempt_}; }
  /// True once shutdown asked the task to stop. A backend checks it before
  /// it starts the coroutine: a cancel() that came first found nothing to
  /// cancel yet.
  [[nodiscard]] bool stop_requested() const noexcept { return stop_->stop_requested(); }

  /// The backend calls this exactly once, when the coroutine has returned or
  /// thrown (`error`), on whatever thread it ended. The task is settled
  /// (counted, reported to on_error) unless shutdown abandoned it first. Not
  /// called for a frame destroyed unfinished.
  void finish(std::exception_ptr error) noexcept;

 protected:
  AsyncRun() = default;

 private:
  friend class AsyncTasks;

  /// Delivers a terminal cancellation to the running coroutine, on its own
  /// executor. Called by shutdown at most once, after stop was requested,
  /// from another thread; must not throw or block.
  virtual void cancel() noexcept = 0;

  // Written by the core at admission, before the task starts.
  AsyncTasks* tasks_ = nullptr;
  std::shared_ptr<const Core> owner_;  ///< keeps the tracker alive until finish()
  TaskId id_ = 0;
  std::string_view name_;
  /// The lifespan's one stop source for coroutine tasks: shutdown requests
  /// stop on all of them at once, as on every worker, so a task need not
  /// carry (and allocate) a source of its own.
  const std::stop_source* stop_ = nullptr;
  /// kRunning -> kSettling is finish()'s claim, kRunning -> kAbandoned
  /// shutdown's: exactly one succeeds.
  std::atomic<int> phase_{0};
  AsyncRun* prev_ = nullptr;  ///< the core's list of admitted runs
  AsyncRun* next_ = nullptr;
  std::shared_ptr<AsyncRun> held_;    ///< the core's reference while listed
  AsyncRun* ended_next_ = nullptr;    ///< the core's stack of settled runs to unlist

  // The task's policy, metrics and this attempt (see TaskPolicy).
  TaskEntry* entry_ = nullptr;
  unsigned attempt_ = 1;
  std::int64_t start_ns_ = 0;
  bool watched_ = false;              ///< a time limit's watchdog runs
  std::int64_t watch_due_ = 0;        ///< its key in the lifespan's timers
  std::uint64_t watch_sequence_ = 0;
  ErasedTask retry_;                  ///< the copy a retry runs
};

/// Runs the coroutine tasks of one lifespan, of one flavour.
class AsyncBackend {
 public:
  AsyncBackend() = default;
  AsyncBackend(const AsyncBackend&) = delete;
  AsyncBackend& operator=(const AsyncBackend&) = delete;
  virtual ~AsyncBackend() = default;

  /// Called once by shutdown, after every task ended or was abandoned: stops
  /// the threads the backend started and destroys what they ran, the frames
  /// of abandoned tasks included. A thread stuck in a blocking call is left
  /// to end on its own after `limit`.
  virtual void shut_down(std::chrono::milliseconds limit) noexcept = 0;
};

/// A kind of backend, one static object per kind.
struct AsyncFlavour {
  std::string_view name;
  /// Makes the lifespan's backend of this kind on its first such task.
  /// `owner` identifies the lifespan for mark_task_thread().
  std::shared_ptr<AsyncBackend> (*make_backend)(const Config& config, const Core* owner);
};

/// Marks the calling thread, for the rest of its life, as one that runs
/// `owner`'s tasks (a backend's own I/O thread): wait_idle() and shutdown()
/// called there throw bg::Error instead of waiting for themselves forever.
void mark_task_thread(const Core* owner) noexcept;

/// Gives `life` a backend of `flavour` made by the application (a user's own
/// executor) instead of the default. Throws bg::Error once the lifespan has
/// a backend of that flavour (its first coroutine task was submitted).
void install_async_backend(Lifespan& life, const AsyncFlavour& flavour, std::shared_ptr<AsyncBackend> backend);

/// Submits a blocking step that a running task needs in order to finish
/// (bg::asio::run_blocking): accepted during shutdown's grace period too,
/// when new tasks are refused, so that a task admitted before shutdown can
/// still complete. Throws QueueFull, or ShuttingDown once the grace period
/// has ended.
TaskId submit_continuation(Lifespan& life, std::string_view name, ErasedTask&& task);

}  // namespace bg::detail
