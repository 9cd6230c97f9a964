// Seams for code that hands tasks to a lifespan on behalf of a queue outside
// the process (bgtasks::redis): it must learn how each task ended, to
// acknowledge it, retry it or hand it back, and it must be able to say which
// attempt a submission is.
//
// Not for applications: the public face of these seams is bg::redis::Worker.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <bg/context.hpp>

namespace bg {
class Lifespan;
}

namespace bg::detail {

/// How a task ended for good: a run that will be retried in the process is
/// not an end.
enum class TaskEnd {
  completed,  ///< returned normally
  failed,     ///< threw (or returned an error, or exceeded its time limit)
  stopped,    ///< returned after shutdown requested stop
  discarded,  ///< never started: dropped at shutdown
  abandoned,  ///< still running when shutdown gave up on it
};

struct TaskEndNotice {
  TaskId id = 0;
  TaskEnd end = TaskEnd::completed;
  std::string detail;  ///< failed: the error's what(); discarded: the reason
  /// failed: another attempt may help (false for bg::NoRetry).
  bool retryable = true;
};

/// Called on whichever thread ends the task (a worker, an io thread, the
/// timer thread, or the thread running shutdown). It must not throw and
/// should be quick: a worker waits for it.
using TaskEndObserver = std::function<void(const TaskEndNotice&)>;

/// Has `life` report every task's end to `observer` from now on. One
/// observer per lifespan: a second call throws bg::Error.
void observe_task_ends(Lifespan& life, std::shared_ptr<const TaskEndObserver> observer);

/// Has `life` call `before_end` first thing in its destructor, before it
/// shuts down, on the destroying thread: code that holds a reference to the
/// lifespan (bg::redis::Worker) stops using it there, so that destroying
/// the lifespan first is safe. `before_end` must not throw.
void on_lifespan_end(Lifespan& life, std::function<void()> before_end);

/// While a scope lives, every task the current thread submits starts its
/// count of attempts (bg::Context::attempt) at `attempt` rather than 1: the
/// run is a retry that a queue outside the process scheduled.
class AttemptScope {
 public:
  explicit AttemptScope(unsigned attempt) noexcept;
  ~AttemptScope();
  AttemptScope(const AttemptScope&) = delete;
  AttemptScope& operator=(const AttemptScope&) = delete;

 private:
  unsigned saved_;
};

/// The attempt a task submitted now from this thread starts at (1 outside an
/// AttemptScope).
unsigned submission_attempt() noexcept;

}  // namespace bg::detail
