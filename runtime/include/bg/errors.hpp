// Errors the runtime reports to submitters and to on_error handlers.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include <bg/context.hpp>

namespace bg {

/// Base of every exception bgtasks throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A submission to "the current lifespan" when none exists.
class NoLifespan : public Error {
 public:
  NoLifespan();
};

/// OnFull::reject and the queue holds queue_capacity tasks.
class QueueFull : public Error {
 public:
  QueueFull(std::string_view task_name, std::size_t capacity);
};

/// The lifespan has stopped accepting tasks (shutdown began).
class ShuttingDown : public Error {
 public:
  explicit ShuttingDown(std::string_view task_name);
};

/// An integer argument whose value does not fit the task's parameter type
/// (`-1` for an unsigned parameter): thrown by the entry point at the call,
/// before anything is submitted.
class ArgumentOutOfRange : public Error {
 public:
  using Error::Error;
};

/// A task returned an error in a std::expected-like result (has_value() is
/// false). It counts as a failed run and reaches on_error as this exception;
/// what() carries the error, when it can be printed.
class TaskReturnedError : public Error {
 public:
  using Error::Error;
};

/// Two libraries linked into one program declare a task of the same name:
/// thrown by bg::registry() with both places, so that neither is run by
/// accident. Rename one with [[bg::task("other_name")]].
class DuplicateTaskName : public Error {
 public:
  using Error::Error;
};

/// Thrown by a task to fail its run for good: no retry follows, whatever
/// its bg::retry policy says (a permanent error, such as an address that
/// does not exist).
class NoRetry : public Error {
 public:
  using Error::Error;
};

/// A run took longer than its bg::timeout: stop was requested on its token
/// (a coroutine task was cancelled) and the run counts as failed with this
/// error, retried if its policy says so.
class TimeLimitExceeded : public Error {
 public:
  using Error::Error;
};

/// A task that threw, as handed to Config::on_error: every failed attempt,
/// with whether another attempt follows.
struct TaskError {
  TaskId id = 0;
  std::string_view name;         ///< static storage; valid for the program's life
  std::exception_ptr exception;  ///< rethrow it to inspect the exact type
  std::string what;              ///< what() of a std::exception, else a placeholder
  unsigned attempt = 1;          ///< which run failed, from 1
  bool will_retry = false;       ///< the task's bg::retry policy schedules another attempt
};

}  // namespace bg
