// bg::Config: how a Lifespan's worker group behaves.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace bg {

struct TaskError;

/// What a submission does when a bounded queue is full.
enum class OnFull {
  block,   ///< wait for room (the only case in which submission waits)
  reject,  ///< fail at once: add_task throws QueueFull, try_add_task returns empty
};

/// Settings of a Lifespan. Aggregate: use designated initializers,
/// `bg::Lifespan life{{.workers = 4, .shutdown_timeout = 5s}}`.
struct Config {
  /// Worker threads; 0 means std::thread::hardware_concurrency() (at least 1).
  unsigned workers = 0;
  /// Most tasks waiting to start; 0 means unbounded.
  std::size_t queue_capacity = 0;
  /// What a submission does when the queue holds queue_capacity tasks.
  OnFull on_full = OnFull::block;
  /// Grace period at shutdown: queued and running tasks may finish until then.
  std::chrono::milliseconds shutdown_timeout{30'000};
  /// After the grace period, stop is requested on running tasks; those still
  /// running cancel_grace later are abandoned. Shutdown therefore returns
  /// within shutdown_timeout + cancel_grace (plus thread scheduling).
  std::chrono::milliseconds cancel_grace{100};
  /// Called on the worker thread for every task that throws. Empty: one line
  /// on stderr naming the task and the exception. An exception thrown by the
  /// handler itself is caught and reported on stderr.
  std::function<void(const TaskError&)> on_error{};
  /// Threads that run coroutine tasks (<bg/asio.hpp>) on the lifespan's own
  /// io_context; started with the first coroutine task, so a program without
  /// any starts none. Unused when the tasks run on an application's executor
  /// (bg::asio::run_on). At least 1.
  unsigned io_threads = 1;
  /// Tests: run each task on the submitting thread before add_task returns
  /// (a coroutine task to its end, on an io_context of its own).
  bool run_inline = false;
};

}  // namespace bg
