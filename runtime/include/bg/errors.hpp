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

/// A task that threw, as handed to Config::on_error.
struct TaskError {
  TaskId id = 0;
  std::string_view name;         ///< static storage; valid for the program's life
  std::exception_ptr exception;  ///< rethrow it to inspect the exact type
  std::string what;              ///< what() of a std::exception, else a placeholder
};

}  // namespace bg
