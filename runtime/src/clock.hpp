// The runtime's one clock for metrics and timers: steady_clock, in
// nanoseconds since its epoch, so that a time fits one 64-bit word.
#pragma once

#include <chrono>
#include <cstdint>

namespace bg::detail {

using Clock = std::chrono::steady_clock;

[[nodiscard]] inline std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

[[nodiscard]] inline std::int64_t to_ns(Clock::time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace bg::detail
