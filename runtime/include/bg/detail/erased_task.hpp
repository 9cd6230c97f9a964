// detail::ErasedTask: one callable with its stored arguments, type-erased.
//
// The compiled core moves tasks around without knowing their types, so every
// task is a small object with a table of three functions. Closures that fit in
// kInlineSize bytes and move without throwing live inside the object: no heap
// allocation per submission. Others are boxed on the heap: larger ones, and
// ones whose move may throw, because the queue relocates tasks under its lock
// where a throw must not happen. (A lambda capturing a `const std::string`
// is such a case: moving a const member copies it.)
#pragma once

#include <concepts>
#include <coroutine>
#include <cstddef>
#include <functional>
#include <memory>
#include <new>
#include <stop_token>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <bg/context.hpp>
#include <bg/detail/invocable.hpp>

namespace bg::detail {

inline constexpr std::size_t kInlineSize = 64;
inline constexpr std::size_t kInlineAlign = 16;

/// What the core knows about a run, from which a Context is made on demand
/// (only tasks that take a Context pay for copying the stop token).
struct RunInfo {
  const std::stop_source* source = nullptr;  ///< the worker's, when run by a Lifespan
  const std::stop_token* token = nullptr;    ///< the caller's, when run inside another task
  TaskId id = 0;
  std::string_view name;
  unsigned attempt = 1;

  [[nodiscard]] Context context() const {
    std::stop_token stop = token != nullptr    ? *token
                           : source != nullptr ? source->get_token()
                                               : std::stop_token{};
    return Context{std::move(stop), id, name, attempt};
  }
};

class AsyncRun;
class AsyncBackend;
struct AsyncFlavour;

/// How a coroutine task starts on its backend (see <bg/detail/async_task.hpp>).
/// Blocking tasks have none.
struct AsyncOps {
  /// The backend kind that runs the task (one per lifespan and kind).
  const AsyncFlavour* flavour;
  /// Allocates the task's run record on `backend`; the task is not moved yet,
  /// so a refused submission leaves it untouched.
  std::shared_ptr<AsyncRun> (*prepare)(AsyncBackend& backend);
  /// Moves the task out of `self` into `run` and starts it on the backend.
  void (*launch)(void* self, AsyncRun& run);
};

struct TaskOps {
  /// Runs the task once to its end on the calling thread; it may throw.
  /// `self` points to the storage.
  void (*invoke)(void* self, const RunInfo& info);
  /// Move-constructs into `to` and destroys `from`. Never throws.
  void (*relocate)(void* from, void* to) noexcept;
  void (*destroy)(void* self) noexcept;
  /// Set for a coroutine task: a lifespan starts it on its backend instead
  /// of giving it a worker thread.
  const AsyncOps* async = nullptr;
  /// Copy-constructs into `to`, for the next attempt of a retried task; null
  /// when the function or an argument cannot be copied. May throw.
  void (*clone)(const void* from, void* to) = nullptr;
};

/// What runs a task whose function returns R. Blocking functions need
/// nothing; a backend header specializes it for its coroutine type
/// (<bg/asio.hpp> for asio::awaitable) with `template <class F, class...
/// Args> using closure = ...;`.
template <class R>
struct AsyncAdapter {
  static constexpr bool known = false;
};

/// R is a C++20 coroutine type (it has a promise type).
template <class R>
concept coroutine_result = requires { typename std::coroutine_traits<R>::promise_type; };

struct alignas(kInlineAlign) TaskStorage {
  std::byte bytes[kInlineSize];
};

/// A std::expected-like result: a returned error must not vanish.
template <class R>
concept expected_like = requires(R& r) {
  { r.has_value() } -> std::convertible_to<bool>;
  r.error();
};

[[noreturn]] void throw_returned_error(std::string message);

/// Words for the error a task returned, for on_error.
template <class E>
std::string describe_returned_error(const E& error) {
  if constexpr (std::is_convertible_v<const E&, std::string_view>) {
    return std::string(std::string_view(error));
  } else if constexpr (requires { { error.message() } -> std::convertible_to<std::string>; }) {
    return std::string(error.message());  // std::error_code, std::error_condition
  } else if constexpr (requires { { error.what() } -> std::convertible_to<std::string_view>; }) {
    return std::string(error.what());
  } else if constexpr (std::is_arithmetic_v<E> || std::is_enum_v<E>) {
    return "error value " + std::to_string(static_cast<long long>(error));
  } else {
    return "an error value that cannot be printed";
  }
}

/// Calls the task; a returned expected-like error becomes TaskReturnedError
/// (a failed run, reported to on_error), and any other value is discarded.
template <class F, class... A>
void call_task(F&& f, A&&... args) {
  using R = std::invoke_result_t<F, A...>;
  if constexpr (expected_like<R>) {
    auto result = std::invoke(std::forward<F>(f), std::forward<A>(args)...);
    if (!result.has_value()) throw_returned_error("the task returned an error: " + describe_returned_error(result.error()));
  } else {
    (void)std::invoke(std::forward<F>(f), std::forward<A>(args)...);
  }
}

template <class F, class... Args>
class Closure {
 public:
  template <class G, class... A>
  explicit Closure(G&& f, A&&... args)
      : f_(std::forward<G>(f)), args_(std::forward<A>(args)...) {}

  void run(const RunInfo& info) {
    std::apply(
        [&](Args&... args) {
          if constexpr (wants_context_v<F, Args...>) {
            call_task(std::move(f_), info.context(), std::move(args)...);
          } else {
            (void)info;
            call_task(std::move(f_), std::move(args)...);
          }
        },
        args_);
  }

 private:
  F f_;
  std::tuple<Args...> args_;
};

/// The result type of running a task with its stored arguments.
template <class F, class... Args>
struct TaskResult {
  using type = std::invoke_result_t<F, Args...>;
};
template <class F, class... Args>
  requires wants_context_v<F, Args...>
struct TaskResult<F, Args...> {
  using type = std::invoke_result_t<F, const Context&, Args...>;
};

/// The stored form of a task: Closure for blocking functions, the backend's
/// closure for coroutine functions.
template <class F, class... Args>
consteval auto closure_for() {
  using R = typename TaskResult<F, Args...>::type;
  if constexpr (AsyncAdapter<R>::known) {
    return std::type_identity<typename AsyncAdapter<R>::template closure<F, Args...>>{};
  } else {
    static_assert(!coroutine_result<R>,
                  "bg::add_task: the task is a coroutine, and no coroutine runner is included; include "
                  "<bg/asio.hpp> and link bgtasks::asio to run asio::awaitable tasks");
    return std::type_identity<Closure<F, Args...>>{};
  }
}

template <class F, class... Args>
using closure_t = typename decltype(closure_for<F, Args...>())::type;

/// C starts on a coroutine backend (it names its flavour).
template <class C>
inline constexpr bool is_async_closure_v = requires { C::async_flavour; };

template <class C>
inline constexpr bool fits_inline_v = sizeof(C) <= kInlineSize &&
                                      alignof(C) <= kInlineAlign &&
                                      std::is_nothrow_move_constructible_v<C>;

/// The AsyncOps of closure C as stored by `Ops` (InlineOps or BoxedOps):
/// none for a blocking task.
template <class C, template <class> class Ops>
struct AsyncTable {
  static constexpr AsyncOps value{C::async_flavour, &C::prepare, &Ops<C>::launch};
};
template <class C, template <class> class Ops>
consteval const AsyncOps* async_table() {
  if constexpr (is_async_closure_v<C>) {
    return &AsyncTable<C, Ops>::value;
  } else {
    return nullptr;
  }
}

/// The ops of C as stored by `Ops`, with a clone only when asked for: a
/// type such as std::vector<std::unique_ptr<T>> says it is copyable and then
/// fails to compile when copied, so no copy is instantiated unless the task
/// needs one (a task with a bg::retry policy; see ErasedTask::make_copyable).
template <class C, template <class> class Ops, bool Copyable>
consteval auto clone_op() -> void (*)(const void*, void*) {
  if constexpr (Copyable) {
    return &Ops<C>::clone;
  } else {
    return nullptr;
  }
}
template <class C, template <class> class Ops, bool Copyable>
struct OpsTable {
  static constexpr TaskOps value{&Ops<C>::invoke, &Ops<C>::relocate, &Ops<C>::destroy, async_table<C, Ops>(),
                                 clone_op<C, Ops, Copyable>()};
};

template <class C>
struct InlineOps {
  static void invoke(void* self, const RunInfo& info) { static_cast<C*>(self)->run(info); }
  static void relocate(void* from, void* to) noexcept {
    C* source = static_cast<C*>(from);
    ::new (to) C(std::move(*source));
    source->~C();
  }
  static void destroy(void* self) noexcept { static_cast<C*>(self)->~C(); }
  static void launch(void* self, AsyncRun& run) { C::launch(std::move(*static_cast<C*>(self)), run); }
  static void clone(const void* from, void* to) { ::new (to) C(*static_cast<const C*>(from)); }
};

template <class C>
struct BoxedOps {
  static C*& box(void* self) noexcept { return *static_cast<C**>(self); }
  static void invoke(void* self, const RunInfo& info) { box(self)->run(info); }
  static void relocate(void* from, void* to) noexcept { ::new (to) C*(box(from)); }
  static void destroy(void* self) noexcept { delete box(self); }
  static void launch(void* self, AsyncRun& run) { C::launch(std::move(*box(self)), run); }
  static void clone(const void* from, void* to) {
    const C& source = **static_cast<C* const*>(from);
    ::new (to) C*(new C(source));
  }
};

/// Owns one erased task. Move-only; an empty ErasedTask has no ops.
class ErasedTask {
 public:
  ErasedTask() noexcept = default;

  template <class F, class... Args>
  static ErasedTask make(F&& f, Args&&... args) {
    return make_with<false>(std::forward<F>(f), std::forward<Args>(args)...);
  }
  /// As make(), keeping the means to copy the task, so that a retry runs
  /// on a fresh copy of the arguments. The function and every argument
  /// must be copyable.
  template <class F, class... Args>
  static ErasedTask make_copyable(F&& f, Args&&... args) {
    static_assert(std::is_copy_constructible_v<std::decay_t<F>> &&
                      (std::is_copy_constructible_v<std::decay_t<Args>> && ...),
                  "bg: a retried task runs each attempt on a copy of its arguments; the function and every "
                  "argument must be copyable");
    return make_with<true>(std::forward<F>(f), std::forward<Args>(args)...);
  }

  ErasedTask(ErasedTask&& other) noexcept : ops_(other.ops_) {
    if (ops_ != nullptr) {
      ops_->relocate(&other.storage_, &storage_);
      other.ops_ = nullptr;
    }
  }
  ErasedTask& operator=(ErasedTask&& other) noexcept {
    if (this != &other) {
      reset();
      ops_ = other.ops_;
      if (ops_ != nullptr) {
        ops_->relocate(&other.storage_, &storage_);
        other.ops_ = nullptr;
      }
    }
    return *this;
  }
  ErasedTask(const ErasedTask&) = delete;
  ErasedTask& operator=(const ErasedTask&) = delete;
  ~ErasedTask() { reset(); }

  [[nodiscard]] bool empty() const noexcept { return ops_ == nullptr; }

  /// Runs the task and leaves this object empty, whether it returns or throws.
  void run_once(const RunInfo& info) {
    const ResetOnExit reset{*this};
    ops_->invoke(&storage_, info);
  }

  /// The coroutine backend entry, or null for a blocking task.
  [[nodiscard]] const AsyncOps* async_ops() const noexcept { return ops_ != nullptr ? ops_->async : nullptr; }

  /// Starts a coroutine task on its backend; this becomes empty.
  void launch(AsyncRun& run) {
    const ResetOnExit reset{*this};
    ops_->async->launch(&storage_, run);
  }

  /// A copy of the task, for another attempt; empty when it cannot be
  /// copied (see TaskOps::clone).
  [[nodiscard]] ErasedTask clone() const { return copy_of(ops_, storage_); }
  /// A copy of a task stored by the core.
  [[nodiscard]] static ErasedTask copy_of(const TaskOps* ops, const TaskStorage& storage) {
    ErasedTask copy;
    if (ops != nullptr && ops->clone != nullptr) {
      ops->clone(&storage, &copy.storage_);
      copy.ops_ = ops;
    }
    return copy;
  }
  /// Takes over a task stored by the core (the inverse of release_into).
  [[nodiscard]] static ErasedTask adopt(const TaskOps* ops, TaskStorage& storage) noexcept {
    ErasedTask task;
    ops->relocate(&storage, &task.storage_);
    task.ops_ = ops;
    return task;
  }

  /// Moves the task into raw storage owned by the core; this becomes empty.
  const TaskOps* release_into(TaskStorage& target) noexcept {
    const TaskOps* ops = ops_;
    ops->relocate(&storage_, &target);
    ops_ = nullptr;
    return ops;
  }

  void reset() noexcept {
    if (ops_ != nullptr) {
      ops_->destroy(&storage_);
      ops_ = nullptr;
    }
  }

 private:
  /// Empties the task at the end of a scope, whether it returns or throws.
  struct ResetOnExit {
    ErasedTask& task;
    ~ResetOnExit() { task.reset(); }
  };

  template <bool Copyable, class F, class... Args>
  static ErasedTask make_with(F&& f, Args&&... args) {
    using C = closure_t<std::decay_t<F>, std::decay_t<Args>...>;
    ErasedTask task;
    if constexpr (fits_inline_v<C>) {
      ::new (static_cast<void*>(&task.storage_)) C(std::forward<F>(f), std::forward<Args>(args)...);
      task.ops_ = &OpsTable<C, InlineOps, Copyable>::value;
    } else {
      C* boxed = new C(std::forward<F>(f), std::forward<Args>(args)...);
      ::new (static_cast<void*>(&task.storage_)) C*(boxed);
      task.ops_ = &OpsTable<C, BoxedOps, Copyable>::value;
    }
    return task;
  }

  const TaskOps* ops_ = nullptr;
  TaskStorage storage_;
};

}  // namespace bg::detail
