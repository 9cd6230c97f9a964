// bg::TaskName: a task's name, known at compile time.
#pragma once

#include <string_view>

namespace bg {

/// The name shown in errors, stats and the shutdown report. consteval: only a
/// string literal (or another constant) can make one, so the characters have
/// static storage and the runtime can keep a string_view without copying.
class TaskName {
 public:
  consteval TaskName(const char* literal) : value_(literal) {}  // NOLINT: implicit by design
  consteval TaskName(std::string_view literal) : value_(literal) {}  // NOLINT

  [[nodiscard]] constexpr std::string_view view() const noexcept { return value_; }

 private:
  std::string_view value_;
};

namespace detail {
/// Name given to tasks submitted without one.
inline constexpr std::string_view kUnnamedTask = "task";
}  // namespace detail

}  // namespace bg
