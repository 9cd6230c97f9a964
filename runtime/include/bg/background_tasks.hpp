// bg::BackgroundTasks: a request-scoped batch, as in Starlette.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include <bg/detail/erased_task.hpp>
#include <bg/detail/invocable.hpp>
#include <bg/task_name.hpp>

namespace bg {

class Lifespan;
namespace detail {
struct ErasedAccess;
}

/// Collects tasks while a request is handled; the handler then gives the batch
/// to a Lifespan (`life.add_tasks(std::move(batch))`) after its response is
/// sent. Each task is submitted as its own task, so they may run
/// concurrently; use bg::Tasks inside one task for strict order.
/// Not thread-safe: one batch belongs to one request.
class BackgroundTasks {
 public:
  BackgroundTasks() = default;

  /// Stores f(args...) with the same compile-time check as Lifespan::add_task.
  template <class F, class... Args>
  BackgroundTasks& add_task(F&& f, Args&&... args) {
    return add_named_task(detail::kUnnamedTask, std::forward<F>(f), std::forward<Args>(args)...);
  }

  template <class F, class... Args>
  BackgroundTasks& add_named_task(TaskName name, F&& f, Args&&... args) {
    detail::check_task_call<F, Args...>();
    if constexpr (detail::task_call_valid_v<F, Args...>) {
      entries_.push_back(Entry{detail::ErasedTask::make(std::forward<F>(f), std::forward<Args>(args)...),
                               name.view()});
    }
    return *this;
  }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

  struct Entry {
    detail::ErasedTask task;
    std::string_view name;
  };

 private:
  friend class Lifespan;
  friend struct detail::ErasedAccess;  // generated add_to() appends erased tasks
  std::vector<Entry> entries_;
};

}  // namespace bg
