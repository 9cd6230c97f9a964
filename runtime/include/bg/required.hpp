// bg::Required<T>: a keyword argument that must be given.
//
// Generated argument structs (`tasks::send.later({.email = ..., .body = ...})`)
// hold their fields as Required<T>, so that C++'s designated initializers,
// which silently value-initialize omitted fields, instead fail to compile when
// a parameter is left out, and refuse narrowing conversions as a call does.
#pragma once

#include <type_traits>
#include <utility>

#include <bg/detail/entry_point.hpp>

namespace bg {

template <class T>
class Required {
 public:
  /// Accepts what the task's parameter would accept, without narrowing.
  template <class U>
    requires detail::arg_fits_v<T, U&&>
  Required(U&& value) : value_(std::forward<U>(value)) {}  // NOLINT: implicit by design

  /// Any other value: a readable error at the field instead of "no viable
  /// conversion" (the field's line is in the compiler's note).
  template <class U>
    requires(!detail::arg_fits_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, Required>)
  Required(U&&) {  // NOLINT
    static_assert(detail::always_false_v<U>,
                  "bg: a keyword argument does not convert to its parameter's type, or the "
                  "conversion narrows; pass a value of the parameter's type");
  }

  /// Omitted field: tasks have no default arguments.
  Required() {
    static_assert(detail::always_false_v<T>,
                  "bg: a keyword argument is missing; tasks have no default arguments, so "
                  "give every parameter a value in the braces");
  }

  Required(const Required&) = default;
  Required(Required&&) = default;
  Required& operator=(const Required&) = default;
  Required& operator=(Required&&) = default;
  ~Required() = default;

  [[nodiscard]] T& get() & noexcept { return value_; }
  [[nodiscard]] const T& get() const& noexcept { return value_; }
  [[nodiscard]] T&& get() && noexcept { return std::move(value_); }

 private:
  T value_;
};

}  // namespace bg
