// bg::Required<T>: a keyword argument that must be given.
//
// Generated argument structs (`tasks::send.later({.email = ..., .body = ...})`)
// hold their fields as Required<T>, so that C++'s designated initializers,
// which silently value-initialize omitted fields, instead fail to compile when
// a parameter is left out, and refuse narrowing conversions as a call does.
#pragma once

#include <initializer_list>
#include <optional>
#include <type_traits>
#include <utility>

#include <bg/detail/entry_point.hpp>

namespace bg {
namespace detail {

/// What a misused keyword field says when nothing more specific is known.
/// Generated code gives each field its own messages type, with the same two
/// members, whose messages name the task and the field (a static_assert's
/// message must be a literal, so only generated code can name them).
struct KeywordMessages {
  template <class U>
  static constexpr bool wrong_type() {
    static_assert(always_false_v<U>,
                  "bg: a keyword argument does not convert to its parameter's type, or the "
                  "conversion narrows; pass a value of the parameter's type");
    return false;
  }
  template <class T>
  static constexpr bool missing() {
    static_assert(always_false_v<T>,
                  "bg: a keyword argument is missing (or given as empty braces {}, which C++ cannot tell "
                  "apart), and its parameter has no default; give it a value");
    return false;
  }
};

/// The element type of T's initializer_list constructor, if T is a
/// container (std::vector, std::map, ...); a type nothing converts to if not.
struct NoListElement {
  NoListElement() = delete;
};
template <class T>
struct list_element {
  using type = NoListElement;
};
template <class T>
  requires requires { typename T::value_type; } &&
           std::is_constructible_v<T, std::initializer_list<typename T::value_type>>
struct list_element<T> {
  using type = typename T::value_type;
};
template <class T>
using list_element_t = typename list_element<T>::type;

/// T can be list-initialized from the parts, as a braced argument would be
/// in a direct call (`{"a", "b"}` for a std::vector<std::string>).
template <class T, class... U>
inline constexpr bool list_initializable_v = requires { T{std::declval<U>()...}; };

/// Braces around a field's value of a type that is not a container (a
/// struct: `.point = {1, 2}`): several parts, or one part that does not
/// convert on its own. Containers take braces as their elements only, so
/// that `{"x", "y"}` for a std::vector<int> is an error, not the iterator
/// range it would be in C++ list-initialization.
template <class T, class... U>
inline constexpr bool braced_value_v =
    std::is_same_v<list_element_t<T>, NoListElement> && list_initializable_v<T, U...> &&
    (sizeof...(U) >= 2 || (sizeof...(U) == 1 && (!arg_fits_v<T, U&&> && ...)));

/// Anything else: an error that names the task and the field.
template <class Field, class T, class... U>
inline constexpr bool wrong_value_v =
    sizeof...(U) >= 1 &&
    !(sizeof...(U) == 1 && ((std::is_same_v<std::remove_cvref_t<U>, Field> || arg_fits_v<T, U&&>) && ...)) &&
    !braced_value_v<T, U...>;

}  // namespace detail

template <class T, class Says = detail::KeywordMessages>
class Required {
 public:
  /// Accepts what the task's parameter would accept, without narrowing.
  template <class U>
    requires detail::arg_fits_v<T, U&&>
  Required(U&& value) : value_(detail::checked_arg<T>(std::forward<U>(value))) {}  // NOLINT: implicit by design

  /// Nested braces for a container: `.items = {"a", "b"}`,
  /// `.levels = {{"x", 1}}`, as a direct call's argument would take them.
  Required(std::initializer_list<detail::list_element_t<T>> list)  // NOLINT
    requires(!std::is_same_v<detail::list_element_t<T>, detail::NoListElement>)
      : value_(list) {}

  /// Nested braces for other types: `.point = {1, 2}`. The parameter is
  /// list-initialized from them, so narrowing is refused here too.
  template <class... U>
    requires detail::braced_value_v<T, U...>
  Required(U&&... parts) : value_(T{std::forward<U>(parts)...}) {}  // NOLINT

  /// Any other value: an error at the field that names the task and the
  /// field (the field's line is in the compiler's note).
  template <class... U>
    requires detail::wrong_value_v<Required, T, U...>
  Required(U&&...) {  // NOLINT
    (void)Says::template wrong_type<U...>();
  }

  /// Omitted field: the parameter has no default argument.
  Required() { (void)Says::template missing<T>(); }

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
template <class T, class Says = detail::KeywordMessages>
class Defaulted {
 public:
  Defaulted() = default;

  template <class U>
    requires detail::arg_fits_v<T, U&&>
  Defaulted(U&& value) : value_(std::in_place, detail::checked_arg<T>(std::forward<U>(value))) {}  // NOLINT

  Defaulted(std::initializer_list<detail::list_element_t<T>> list)  // NOLINT
    requires(!std::is_same_v<detail::list_element_t<T>, detail::NoListElement>)
      : value_(std::in_place, list) {}

  template <class... U>
    requires detail::braced_value_v<T, U...>
  Defaulted(U&&... parts) : value_(std::in_place, T{std::forward<U>(parts)...}) {}  // NOLINT

  template <class... U>
    requires detail::wrong_value_v<Defaulted, T, U...>
  Defaulted(U&&...) {  // NOLINT
    (void)Says::template wrong_type<U...>();
  }

  [[nodiscard]] bool given() const noexcept { return value_.has_value(); }
  /// The value given, or nothing when left out (enqueue leaves it out too).
  [[nodiscard]] const std::optional<T>& if_given() const noexcept { return value_; }
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
