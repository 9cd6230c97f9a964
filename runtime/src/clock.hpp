// The runtime's clocks.
//
// Timers (delays, retries, time limits) use steady_clock in nanoseconds.
// Metrics read the time three times per task (submission, start, end), so
// they use the cheapest monotonic count there is: the CPU's time-stamp
// counter where it is invariant (about 11 ns a read on the CI machine,
// against 27 ns for steady_clock through the vDSO), converted to
// nanoseconds only for the durations they record.
#pragma once

#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace bg::detail {

using Clock = std::chrono::steady_clock;

[[nodiscard]] inline std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

[[nodiscard]] inline std::int64_t to_ns(Clock::time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// How metric ticks convert to nanoseconds: measured once, on first use.
struct MetricClock {
  bool tsc = false;           ///< ticks are the time-stamp counter; else nanoseconds
  double ns_per_tick = 1.0;
  static const MetricClock& get() noexcept;
};

/// A point in metric time; only differences mean anything.
[[nodiscard]] inline std::int64_t metric_now() noexcept {
#if defined(__x86_64__)
  if (MetricClock::get().tsc) return static_cast<std::int64_t>(__rdtsc());
#endif
  return now_ns();
}

/// A difference of metric_now() values, in nanoseconds.
[[nodiscard]] inline std::int64_t metric_ns(std::int64_t ticks) noexcept {
  return static_cast<std::int64_t>(static_cast<double>(ticks) * MetricClock::get().ns_per_tick);
}

}  // namespace bg::detail
