// bg::Required<T>: a keyword argument that must be given.
//
// Generated argument structs (`tasks::send.later({.email = ..., .body = ...})`)
// hold their fields as Required<T>, so that C++'s designated initializers,
// which silently value-initialize omitted fields, instead fail to compile when
// a parameter is left out, and refuse narrowing conversions as a call does.
#pragma once

#include <optional>
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
  Required(U&& value) : value_(detail::checked_arg<T>(std::forward<U>(value))) {}  // NOLINT: implicit by design

  /// Any other value: a readable error at the field instead of "no viable
  /// conversion" (the field's line is in the compiler's note).
  template <class U>
    requires(!detail::arg_fits_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, Required>)
  Required(U&&) {  // NOLINT
    static_assert(detail::always_false_v<U>,
                  "bg: a keyword argument does not convert to its parameter's type, or the "
                  "conversion narrows; pass a value of the parameter's type");
  }

  /// Omitted field: the parameter has no default argument.
  Required() {
    static_assert(detail::always_false_v<T>,
                  "bg: a keyword argument is missing, and its parameter has no default; "
                  "give it a value in the braces");
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

/// A keyword argument whose parameter has a default: may be left out of the
/// braces, and then the task gets the default argument, evaluated when the
/// call is made as the function's own default would be at a direct call.
template <class T>
class Defaulted {
 public:
  Defaulted() = default;

  template <class U>
    requires detail::arg_fits_v<T, U&&>
  Defaulted(U&& value) : value_(std::in_place, detail::checked_arg<T>(std::forward<U>(value))) {}  // NOLINT

  template <class U>
    requires(!detail::arg_fits_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, Defaulted>)
  Defaulted(U&&) {  // NOLINT
    static_assert(detail::always_false_v<U>,
                  "bg: a keyword argument does not convert to its parameter's type, or the "
                  "conversion narrows; pass a value of the parameter's type");
  }

  [[nodiscard]] bool given() const noexcept { return value_.has_value(); }
  /// The value given, or `fallback()` (the default argument) when left out.
  template <class F>
  [[nodiscard]] T take_or(F&& fallback) && {
    if (value_) return std::move(*value_);
    return std::forward<F>(fallback)();
  }

 private:
  std::optional<T> value_;
};

}  // namespace bg
