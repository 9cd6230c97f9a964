// bg::Task and bg::Tasks: calls bound to their arguments, run on demand.
#pragma once

#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <bg/context.hpp>
#include <bg/detail/erased_task.hpp>
#include <bg/detail/invocable.hpp>
#include <bg/task_name.hpp>

namespace bg {

class Lifespan;
namespace detail {
struct ErasedAccess;
}

/// One call bound to its arguments (backgrounder's `Task(func, *args)`).
/// Runs once: `task()` on the calling thread, or handed to a Lifespan with
/// `life.add_task(std::move(task))`. Not thread-safe.
class Task {
 public:
  Task() = default;

  /// Binds f(args...), checked like Lifespan::add_task.
  template <class F, class... Args,
            class = std::enable_if_t<!std::is_same_v<std::remove_cvref_t<F>, Task> &&
                                     !std::is_same_v<std::remove_cvref_t<F>, TaskName>>>
  explicit Task(F&& f, Args&&... args) {
    detail::check_task_call<F, Args...>();
    if constexpr (detail::task_call_valid_v<F, Args...>) {
      erased_ = detail::ErasedTask::make(std::forward<F>(f), std::forward<Args>(args)...);
    }
  }

  /// Binds a named task (what generated `bind()` returns).
  template <class F, class... Args>
  static Task named(TaskName name, F&& f, Args&&... args) {
    Task task(std::forward<F>(f), std::forward<Args>(args)...);
    task.name_ = name.view();
    return task;
  }

  Task(Task&&) noexcept = default;
  Task& operator=(Task&&) noexcept = default;

  /// Runs the call on this thread with a Context that is never stopped.
  /// Throws what the task throws, or bg::Error if it already ran or is empty.
  void operator()();
  /// Runs the call with the given context (used when a Task runs inside
  /// another task, so that the stop token reaches it).
  void run(const Context& context);

  [[nodiscard]] std::string_view name() const noexcept { return name_; }
  /// False once the task has run (or for a default-constructed Task).
  [[nodiscard]] bool runnable() const noexcept { return !erased_.empty(); }

 private:
  friend class Lifespan;
  friend struct detail::ErasedAccess;  // generated bind() fills a Task
  detail::ErasedTask erased_;
  std::string_view name_ = detail::kUnnamedTask;
};

/// Tag: run a Tasks' members concurrently (backgrounder's `as_group`).
struct AsGroup {
  explicit AsGroup() = default;
};
inline constexpr AsGroup as_group{};

/// Several Tasks run as one: in order by default (the first exception stops
/// the rest and propagates), or with `bg::as_group` concurrently, each on its
/// own thread, waiting for all and then rethrowing the first exception in
/// order. Runs once. Not thread-safe.
class Tasks {
 public:
  Tasks() = default;
  explicit Tasks(AsGroup) : as_group_(true) {}

  Tasks& add(Task task) {
    tasks_.push_back(std::move(task));
    return *this;
  }
  template <class F, class... Args>
  Tasks& add_task(F&& f, Args&&... args) {
    return add(Task(std::forward<F>(f), std::forward<Args>(args)...));
  }

  [[nodiscard]] std::size_t size() const noexcept { return tasks_.size(); }
  [[nodiscard]] bool concurrent() const noexcept { return as_group_; }

  /// Runs every task, passing `context` on to them (a Lifespan calls this,
  /// so the members see its stop token). See the class comment for order
  /// and errors.
  void operator()(const Context& context);
  /// Runs every task on this thread with a context that is never stopped.
  void run();

 private:
  std::vector<Task> tasks_;
  bool as_group_ = false;
};

}  // namespace bg
