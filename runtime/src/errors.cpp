#include <bg/errors.hpp>

#include <bg/detail/entry_point.hpp>
#include <bg/detail/erased_task.hpp>

#include <string>

namespace bg {

NoLifespan::NoLifespan()
    : Error("bg: no bg::Lifespan is alive; create one in main (bg::Lifespan life{...};) before "
            "submitting tasks, and keep it alive while tasks are submitted") {}

QueueFull::QueueFull(std::string_view task_name, std::size_t capacity)
    : Error("bg: task '" + std::string(task_name) + "' rejected: the queue is full (" +
            std::to_string(capacity) +
            " tasks); raise Config::queue_capacity, use OnFull::block, or use try_add_task") {}

ShuttingDown::ShuttingDown(std::string_view task_name)
    : Error("bg: task '" + std::string(task_name) +
            "' rejected: the lifespan is shutting down and accepts no more tasks") {}

}  // namespace bg

namespace bg::detail {

void throw_returned_error(std::string message) { throw TaskReturnedError(std::move(message)); }

void throw_out_of_range(std::string_view parameter_type, long long value) {
  throw ArgumentOutOfRange("bg: the argument " + std::to_string(value) + " does not fit the parameter's type (" +
                           std::string(parameter_type) + "); nothing was submitted");
}

void throw_out_of_range(std::string_view parameter_type, unsigned long long value) {
  throw ArgumentOutOfRange("bg: the argument " + std::to_string(value) + " does not fit the parameter's type (" +
                           std::string(parameter_type) + "); nothing was submitted");
}

}  // namespace bg::detail
