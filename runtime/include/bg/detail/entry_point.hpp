// The base of every generated task object (`tasks::send_notification`).
//
// bg-gen writes, per task, only what must name the task: its name, its
// argument struct, `accepts<A...>()` (static_asserts whose messages name the
// task and the parameter) and `make(...)`, which bg_tasks.cpp defines with the
// exact parameter types and which erases the call. Everything else (later,
// later_on, try_later, bind, add_to) lives here once, as thin templates over
// the compiled core, so generated headers stay short and fast to compile.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <limits>
#include <utility>

#include <bg/background_tasks.hpp>
#include <bg/bound_task.hpp>
#include <bg/context.hpp>
#include <bg/detail/erased_task.hpp>
#include <bg/detail/json_encode.hpp>
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

/// The parameter types of a task, in order (a generated task's `params`).
template <class... T>
struct ParamList {
  static constexpr std::size_t size = sizeof...(T);
};

/// A name for arithmetic parameter types in messages.
template <class T>
constexpr std::string_view type_name() {
  if constexpr (std::is_floating_point_v<T>) {
    return sizeof(T) == sizeof(float) ? "float" : sizeof(T) == sizeof(double) ? "double" : "long double";
  } else if constexpr (std::is_signed_v<T>) {
    return sizeof(T) == 1 ? "a signed 8-bit integer" : sizeof(T) == 2 ? "a signed 16-bit integer"
         : sizeof(T) == 4 ? "a signed 32-bit integer" : "a signed 64-bit integer";
  } else {
    return sizeof(T) == 1 ? "an unsigned 8-bit integer" : sizeof(T) == 2 ? "an unsigned 16-bit integer"
         : sizeof(T) == 4 ? "an unsigned 32-bit integer" : "an unsigned 64-bit integer";
  }
}

template <class T>
struct NarrowingProbe {
  T value[1];
};

/// An integer argument for an integer or floating-point parameter: accepted
/// at compile time whatever the two types (a literal such as `70000` for a
/// `std::uint64_t` is an `int`), and checked by value at the call (see
/// checked_arg). `bool` is neither source nor target: `later(1)` for a bool
/// parameter is refused.
template <class T, class A>
inline constexpr bool integer_to_number_v =
    std::is_integral_v<std::remove_cvref_t<A>> && !std::is_same_v<std::remove_cvref_t<A>, bool> &&
    ((std::is_integral_v<T> && !std::is_same_v<T, bool>) || std::is_floating_point_v<T>);

/// An argument of type A may initialize a parameter of type T: it converts
/// implicitly, and not by a narrowing conversion (the rule of list
/// initialization, so `double` to `int` is refused as a build error), except
/// integer to number, which is checked by value when the call is made.
template <class T, class A>
inline constexpr bool arg_fits_v =
    std::is_convertible_v<A, T> &&
    (integer_to_number_v<T, A> || requires { NarrowingProbe<T>{{std::declval<A>()}}; });

/// arg_fits_v for the I-th argument, true when the call passes fewer (the
/// parameter then takes its default).
template <class T, std::size_t I, class... A>
consteval bool arg_fits_at() {
  if constexpr (I < sizeof...(A)) {
    return arg_fits_v<T, std::tuple_element_t<I, std::tuple<A...>>>;
  } else {
    return true;
  }
}

[[noreturn]] void throw_out_of_range(std::string_view parameter_type, long long value);
[[noreturn]] void throw_out_of_range(std::string_view parameter_type, unsigned long long value);

/// The argument converted to the parameter type T. An integer converted to a
/// type that cannot hold its value throws bg::ArgumentOutOfRange, so that
/// `later(-1)` for an unsigned parameter never becomes 18446744073709551615.
template <class T, class A>
decltype(auto) checked_arg(A&& arg) {
  using Source = std::remove_cvref_t<A>;
  if constexpr (integer_to_number_v<T, A> && !std::is_same_v<Source, T>) {
    bool fits = true;
    if constexpr (std::is_integral_v<T>) {
      using Limits = std::numeric_limits<T>;
      if constexpr (std::is_signed_v<Source>) {
        fits = arg < 0 ? std::is_signed_v<T> && static_cast<long long>(arg) >= static_cast<long long>(Limits::min())
                       : static_cast<unsigned long long>(arg) <= static_cast<unsigned long long>(Limits::max());
      } else {
        fits = static_cast<unsigned long long>(arg) <= static_cast<unsigned long long>(Limits::max());
      }
    } else {
      fits = static_cast<Source>(static_cast<T>(arg)) == arg;  // exactly representable
    }
    if (!fits) {
      if constexpr (std::is_signed_v<Source>) {
        throw_out_of_range(type_name<T>(), static_cast<long long>(arg));
      } else {
        throw_out_of_range(type_name<T>(), static_cast<unsigned long long>(arg));
      }
    }
    return static_cast<T>(arg);
  } else {
    return std::forward<A>(arg);
  }
}

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
  static TaskId submit_at(Lifespan& life, TaskName name, ErasedTask&& task, std::chrono::steady_clock::time_point when) {
    return life.submit_at_or_throw(name.view(), std::move(task), when);
  }
  static std::optional<TaskId> try_submit_at(Lifespan& life, TaskName name, ErasedTask&& task,
                                             std::chrono::steady_clock::time_point when) {
    return life.try_submit_at(name.view(), std::move(task), when);
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
  using TimePoint = std::chrono::steady_clock::time_point;
  template <class Rep, class Period>
  static TimePoint after(std::chrono::duration<Rep, Period> delay) {
    return std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay);
  }

  /// Entry::make with each argument converted by checked_arg to its
  /// parameter's type.
  template <class... T, class... A>
  static ErasedTask make_checked(ParamList<T...>*, A&&... args) {
    using Types = std::tuple<T...>;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return Entry::make(checked_arg<std::tuple_element_t<I, Types>>(std::forward<A>(args))...);
    }(std::index_sequence_for<A...>{});
  }
  /// The arguments as a JSON array, each converted to its parameter's type
  /// first (so `enqueue(q, 3)` for a `long` parameter stores 3, checked).
  template <class... T, class... A>
  static std::string encode(ParamList<T...>*, const A&... args) {
    using Types = std::tuple<T...>;
    std::string out = "[";
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (encode_argument<I, std::tuple_element_t<I, Types>>(
           out, static_cast<const std::remove_cvref_t<std::tuple_element_t<I, Types>>&>(
                    checked_arg<std::tuple_element_t<I, Types>>(args))),
       ...);
    }(std::index_sequence_for<A...>{});
    out += ']';
    return out;
  }

  /// A bg::redis::Queue or Batch takes the task as is; a Client puts it in
  /// the task's own queue.
  template <class Q>
  static std::string push(Q& target, const std::string& args) {
    if constexpr (requires { target.push(Entry::name.view(), args); }) {
      return target.push(Entry::name.view(), args);
    } else {
      return target.enqueue(queue_name(), Entry::name.view(), args);
    }
  }
  template <class Q>
  static std::string push_at(Q& target, const std::string& args, std::chrono::system_clock::time_point when) {
    if constexpr (requires { target.push_at(Entry::name.view(), args, when); }) {
      return target.push_at(Entry::name.view(), args, when);
    } else {
      return target.enqueue_at(queue_name(), Entry::name.view(), args, when);
    }
  }

  template <class... A>
  static ErasedTask make(A&&... args) {
    return make_checked(static_cast<typename Entry::params*>(nullptr), std::forward<A>(args)...);
  }

 public:
  /// Submits to bg::Lifespan::current() and returns the task's id without
  /// waiting for it. Throws bg::NoLifespan, bg::QueueFull or bg::ShuttingDown.
  template <class... A>
    requires positional_call<Entry, A...>
  TaskId later(A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return submit_to_current(Entry::name.view(), make(std::forward<A>(args)...));
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
      return ErasedAccess::submit(life, Entry::name, make(std::forward<A>(args)...));
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
      return try_submit_to_current(Entry::name.view(), make(std::forward<A>(args)...));
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
      return ErasedAccess::try_submit(life, Entry::name, make(std::forward<A>(args)...));
    } else {
      return std::nullopt;
    }
  }
  template <class K = Entry>
  [[nodiscard]] std::optional<TaskId> try_later_on(Lifespan& life, typename K::args args) const {
    return ErasedAccess::try_submit(life, Entry::name, Entry::make(std::move(args)));
  }

  /// As later(), starting the task at `when` (steady clock) instead of now.
  /// Until then it waits without a worker, counted in Stats::scheduled; at
  /// shutdown it is discarded and reported "not yet due".
  template <class... A>
    requires positional_call<Entry, A...>
  TaskId later_at(TimePoint when, A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return submit_to_current_at(Entry::name.view(), make(std::forward<A>(args)...), when);
    } else {
      return 0;
    }
  }
  template <class K = Entry>
  TaskId later_at(TimePoint when, typename K::args args) const {
    return submit_to_current_at(Entry::name.view(), Entry::make(std::move(args)), when);
  }
  /// As later_at(), `delay` from now: `later_after(10s, ...)`.
  template <class Rep, class Period, class... A>
    requires positional_call<Entry, A...>
  TaskId later_after(std::chrono::duration<Rep, Period> delay, A&&... args) const {
    return later_at(after(delay), std::forward<A>(args)...);
  }
  template <class Rep, class Period, class K = Entry>
  TaskId later_after(std::chrono::duration<Rep, Period> delay, typename K::args args) const {
    return later_at(after(delay), std::move(args));
  }
  /// As later_at(), but a shutdown gives std::nullopt instead of an exception.
  template <class... A>
    requires positional_call<Entry, A...>
  [[nodiscard]] std::optional<TaskId> try_later_at(TimePoint when, A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return try_submit_to_current_at(Entry::name.view(), make(std::forward<A>(args)...), when);
    } else {
      return std::nullopt;
    }
  }
  template <class Rep, class Period, class... A>
    requires positional_call<Entry, A...>
  [[nodiscard]] std::optional<TaskId> try_later_after(std::chrono::duration<Rep, Period> delay, A&&... args) const {
    return try_later_at(after(delay), std::forward<A>(args)...);
  }
  /// As later_at() and later_after(), on the given lifespan.
  template <class... A>
    requires positional_call<Entry, A...>
  TaskId later_at_on(Lifespan& life, TimePoint when, A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return ErasedAccess::submit_at(life, Entry::name, make(std::forward<A>(args)...), when);
    } else {
      return 0;
    }
  }
  template <class Rep, class Period, class... A>
    requires positional_call<Entry, A...>
  TaskId later_after_on(Lifespan& life, std::chrono::duration<Rep, Period> delay, A&&... args) const {
    return later_at_on(life, after(delay), std::forward<A>(args)...);
  }
  template <class... A>
    requires positional_call<Entry, A...>
  [[nodiscard]] std::optional<TaskId> try_later_at_on(Lifespan& life, TimePoint when, A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return ErasedAccess::try_submit_at(life, Entry::name, make(std::forward<A>(args)...), when);
    } else {
      return std::nullopt;
    }
  }
  template <class Rep, class Period, class... A>
    requires positional_call<Entry, A...>
  [[nodiscard]] std::optional<TaskId> try_later_after_on(Lifespan& life, std::chrono::duration<Rep, Period> delay,
                                                         A&&... args) const {
    return try_later_at_on(life, after(delay), std::forward<A>(args)...);
  }

  /// The call bound to its arguments, not submitted: a bg::Task to run
  /// inline, put in a bg::Tasks, or submit later under this task's name.
  template <class... A>
    requires positional_call<Entry, A...>
  [[nodiscard]] Task bind(A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return ErasedAccess::bind(Entry::name, make(std::forward<A>(args)...));
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
      ErasedAccess::add(batch, Entry::name, make(std::forward<A>(args)...));
    }
    return batch;
  }
  template <class K = Entry>
  BackgroundTasks& add_to(BackgroundTasks& batch, typename K::args args) const {
    ErasedAccess::add(batch, Entry::name, Entry::make(std::move(args)));
    return batch;
  }

  /// Enqueues the call to a durable queue (bgtasks::redis). `target` is a
  /// bg::redis::Client (the task's own queue: bg::queue beside
  /// [[bg::task]], else "default"), a bg::redis::Queue, or a
  /// bg::redis::Batch to send many in one round trip. The arguments are
  /// checked as for later(), then stored as a JSON array that the worker's
  /// registry decodes. Returns the stream entry's id (a batch gives the ids
  /// when it is sent). A task with a parameter JSON cannot carry has no
  /// enqueue: calling it is a build error saying so.
  template <class Q, class... A>
    requires positional_call<Entry, A...>
  std::string enqueue(Q&& target, A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return push(target, encode(static_cast<typename Entry::params*>(nullptr), args...));
    } else {
      return {};
    }
  }
  /// Keyword form: `enqueue(client, {.email = "...", .name = "..."})`,
  /// stored as a JSON object by parameter name (a defaulted field left out
  /// is left out, and the worker uses the default).
  template <class Q, class K = Entry>
  std::string enqueue(Q&& target, typename K::args args) const {
    return push(target, Entry::keyword_json(args));
  }
  /// As enqueue(), ready at `when` (wall-clock time, compared with the Redis
  /// server's clock): it waits in the queue's delayed set until then.
  template <class Q, class... A>
    requires positional_call<Entry, A...>
  std::string enqueue_at(Q&& target, std::chrono::system_clock::time_point when, A&&... args) const {
    if constexpr (Entry::template accepts<A...>()) {
      return push_at(target, encode(static_cast<typename Entry::params*>(nullptr), args...), when);
    } else {
      return {};
    }
  }
  template <class Q, class Rep, class Period, class... A>
    requires positional_call<Entry, A...>
  std::string enqueue_after(Q&& queue, std::chrono::duration<Rep, Period> delay, A&&... args) const {
    return enqueue_at(std::forward<Q>(queue),
                      std::chrono::system_clock::now() +
                          std::chrono::duration_cast<std::chrono::system_clock::duration>(delay),
                      std::forward<A>(args)...);
  }

  /// The durable queue enqueue(client, ...) uses: bg::queue beside
  /// [[bg::task]], else "default".
  [[nodiscard]] static constexpr std::string_view queue_name() noexcept {
    if constexpr (requires { Entry::queue; }) {
      return Entry::queue;
    } else {
      return "default";
    }
  }

  /// The registry name, as in bg::registry().
  [[nodiscard]] static constexpr std::string_view task_name() noexcept { return Entry::name.view(); }
};

}  // namespace bg::detail
