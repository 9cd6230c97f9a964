// The base of every generated task object (`tasks::send_notification`).
//
// bg-gen writes, per task, only what must name the task: its name, its
// argument struct, `accepts<A...>()` (static_asserts whose messages name the
// task and the parameter) and `make(...)`, which bg_tasks.cpp defines with the
// exact parameter types and which erases the call. Everything else (later,
// later_on, try_later, bind, add_to) lives here once, as thin templates over
// the compiled core, so generated headers stay short and fast to compile.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <bg/background_tasks.hpp>
#include <bg/bound_task.hpp>
#include <bg/context.hpp>
#include <bg/detail/erased_task.hpp>
#include <bg/detail/submit.hpp>
#include <bg/lifespan.hpp>
#include <bg/task_name.hpp>

namespace bg::detail {

/// false, but only once the template is instantiated: lets a static_assert
/// sit in a branch that is never taken for valid calls.
template <class...>
inline constexpr bool always_false_v = false;

/// The I-th type of a pack.
template <std::size_t I, class... A>
using nth_t = std::tuple_element_t<I, std::tuple<A...>>;

template <class T>
struct NarrowingProbe {
  T value[1];
};

/// An argument of type A may initialize a parameter of type T: it converts
/// implicitly, and not by a narrowing conversion (the rule of list
/// initialization, so `double` to `int` is refused as a build error).
template <class T, class A>
inline constexpr bool arg_fits_v =
    std::is_convertible_v<A, T> && requires { NarrowingProbe<T>{{std::declval<A>()}}; };

/// True unless the pack is one argument struct of the entry point, which goes
/// to the keyword overloads instead (so `later(std::move(args))` works, not
/// only `later({...})`).
template <class Entry, class... A>
concept positional_call =
    !(sizeof...(A) == 1 && (std::is_same_v<std::remove_cvref_t<A>, typename Entry::args> && ...));

/// The doors into the runtime that generated entry points use. The public
/// classes befriend it so that a type-erased task can be handed over without
/// making these members public API.
struct ErasedAccess {
  static TaskId submit(Lifespan& life, TaskName name, ErasedTask&& task) {
    return life.submit_or_throw(name.view(), std::move(task));
  }
  static std::optional<TaskId> try_submit(Lifespan& life, TaskName name, ErasedTask&& task) {
    return life.try_submit(name.view(), std::move(task));
  }
  static Task bind(TaskName name, ErasedTask&& task) {
    Task bound;
    bound.erased_ = std::move(task);
    bound.name_ = name.view();
    return bound;
  }
  static void add(BackgroundTasks& batch, TaskName name, ErasedTask&& task) {
    batch.entries_.push_back(BackgroundTasks::Entry{std::move(task), name.view()});
  }
};

/// `Entry` is the generated task type. Its members `accepts` and `make` are
/// private and befriend this base. All members are const and thread-safe as
/// far as the lifespan they submit to is.
template <class Entry>
class EntryPoint {
 public:
  /// Submits to bg::Lifespan::current() and returns the task's id without
  /// waiting for it. Throws bg::NoLifespan, bg::QueueFull or bg::ShuttingDown.
  template <class... A>
    requires positional_call<Entry, A...>
  TaskId later(A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return submit_to_current(Entry::name.view(), Entry::make(std::forward<A>(args)...));
    } else {
      return 0;
    }
  }
  /// Keyword form: `later({.email = "...", .message = "..."})`.
  template <class K = Entry>
  TaskId later(typename K::args args) const {
    return submit_to_current(Entry::name.view(), Entry::make(std::move(args)));
  }

  /// As later(), on the given lifespan instead of the current one.
  template <class... A>
    requires positional_call<Entry, A...>
  TaskId later_on(Lifespan& life, A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return ErasedAccess::submit(life, Entry::name, Entry::make(std::forward<A>(args)...));
    } else {
      return 0;
    }
  }
  template <class K = Entry>
  TaskId later_on(Lifespan& life, typename K::args args) const {
    return ErasedAccess::submit(life, Entry::name, Entry::make(std::move(args)));
  }

  /// As later(), but a full queue or a shutdown gives std::nullopt instead of
  /// an exception (the rejection is still counted). Throws bg::NoLifespan.
  template <class... A>
    requires positional_call<Entry, A...>
  [[nodiscard]] std::optional<TaskId> try_later(A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return try_submit_to_current(Entry::name.view(), Entry::make(std::forward<A>(args)...));
    } else {
      return std::nullopt;
    }
  }
  template <class K = Entry>
  [[nodiscard]] std::optional<TaskId> try_later(typename K::args args) const {
    return try_submit_to_current(Entry::name.view(), Entry::make(std::move(args)));
  }

  /// As try_later(), on the given lifespan.
  template <class... A>
    requires positional_call<Entry, A...>
  [[nodiscard]] std::optional<TaskId> try_later_on(Lifespan& life, A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return ErasedAccess::try_submit(life, Entry::name, Entry::make(std::forward<A>(args)...));
    } else {
      return std::nullopt;
    }
  }
  template <class K = Entry>
  [[nodiscard]] std::optional<TaskId> try_later_on(Lifespan& life, typename K::args args) const {
    return ErasedAccess::try_submit(life, Entry::name, Entry::make(std::move(args)));
  }

  /// The call bound to its arguments, not submitted: a bg::Task to run
  /// inline, put in a bg::Tasks, or submit later under this task's name.
  template <class... A>
    requires positional_call<Entry, A...>
  [[nodiscard]] Task bind(A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return ErasedAccess::bind(Entry::name, Entry::make(std::forward<A>(args)...));
    } else {
      return Task{};
    }
  }
  template <class K = Entry>
  [[nodiscard]] Task bind(typename K::args args) const {
    return ErasedAccess::bind(Entry::name, Entry::make(std::move(args)));
  }

  /// Adds the call to a request-scoped batch (see bg::BackgroundTasks).
  template <class... A>
    requires positional_call<Entry, A...>
  BackgroundTasks& add_to(BackgroundTasks& batch, A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      ErasedAccess::add(batch, Entry::name, Entry::make(std::forward<A>(args)...));
    }
    return batch;
  }
  template <class K = Entry>
  BackgroundTasks& add_to(BackgroundTasks& batch, typename K::args args) const {
    ErasedAccess::add(batch, Entry::name, Entry::make(std::move(args)));
    return batch;
  }

  /// The registry name, as in bg::registry().
  [[nodiscard]] static constexpr std::string_view task_name() noexcept { return Entry::name.view(); }
};

}  // namespace bg::detail
