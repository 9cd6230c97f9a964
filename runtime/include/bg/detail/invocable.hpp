// Compile-time checks behind add_task: bgtasks' counterpart of ParamSpec.
//
// A task stores decayed copies of its arguments and later calls the function
// with them as rvalues (each task runs once). These traits say whether that
// call is valid, with or without bg::Context in front, and pick the message a
// user sees when it is not.
#pragma once

#include <functional>
#include <type_traits>

#include <bg/context.hpp>

namespace bg::detail {

template <class F, class... Args>
inline constexpr bool invocable_plain_v =
    std::is_invocable_v<std::decay_t<F>, std::decay_t<Args>...>;

template <class F, class... Args>
inline constexpr bool invocable_with_context_v =
    std::is_invocable_v<std::decay_t<F>, const Context&, std::decay_t<Args>...>;

/// Context is passed only when the plain call is impossible, so a generic
/// lambda `[](auto... xs)` never receives it by accident.
template <class F, class... Args>
inline constexpr bool wants_context_v =
    !invocable_plain_v<F, Args...> && invocable_with_context_v<F, Args...>;

template <class F, class... Args>
inline constexpr bool storable_v =
    (std::is_constructible_v<std::decay_t<F>, F> && ... &&
     std::is_constructible_v<std::decay_t<Args>, Args>);

/// Callable with lvalue copies but not with rvalues: a parameter is a
/// non-const lvalue reference, which cannot bind to the task's own copy.
template <class F, class... Args>
inline constexpr bool needs_lvalue_v =
    !invocable_plain_v<F, Args...> && !invocable_with_context_v<F, Args...> &&
    (std::is_invocable_v<std::decay_t<F>&, std::decay_t<Args>&...> ||
     std::is_invocable_v<std::decay_t<F>&, const Context&, std::decay_t<Args>&...>);

template <class F, class... Args>
inline constexpr bool task_call_valid_v =
    storable_v<F, Args...> &&
    (invocable_plain_v<F, Args...> || invocable_with_context_v<F, Args...>);

/// The static_asserts every submission path runs first. Each message starts
/// with what is wrong and ends with what to do, so the first error line of a
/// failed build reads on its own.
template <class F, class... Args>
constexpr void check_task_call() {
  static_assert(storable_v<F, Args...>,
                "bg::add_task: an argument (or the function object) cannot be copied or "
                "moved into the task; pass a copyable or movable value");
  static_assert(!needs_lvalue_v<F, Args...>,
                "bg::add_task: a parameter of the task is a non-const lvalue reference, "
                "which cannot bind to the task's own copy of the argument; take the "
                "parameter by value or by const reference");
  static_assert(!storable_v<F, Args...> || needs_lvalue_v<F, Args...> ||
                    task_call_valid_v<F, Args...>,
                "bg::add_task: the task cannot be called with these arguments (wrong "
                "number, or a type that does not convert); match the function's "
                "parameters (a leading bg::Context parameter is filled in by the runtime)");
}

}  // namespace bg::detail
