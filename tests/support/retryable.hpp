// Submits a task the way a generated entry point of a task with a bg::retry
// policy does: with the means to copy it for another attempt. Runtime tests
// use it to test retries without bg-gen; tests/generated covers the real
// entry points.
#pragma once

#include <utility>

#include <bg/detail/entry_point.hpp>
#include <bg/lifespan.hpp>

namespace bg::test {

template <class F, class... Args>
TaskId add_retryable_task(Lifespan& life, TaskName name, F&& f, Args&&... args) {
  return detail::ErasedAccess::submit(life, name,
                                      detail::ErasedTask::make_copyable(std::forward<F>(f), std::forward<Args>(args)...));
}

}  // namespace bg::test
