#include "clock.hpp"

namespace bg::detail {
namespace {

/// The time-stamp counter ticks at one rate on every core, in every power
/// state (CPUID 0x80000007, EDX bit 8): only then may it time a task that
/// starts on one core and ends on another.
bool invariant_tsc() noexcept {
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0x80000000U, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007U) return false;
  if (__get_cpuid(0x80000007U, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (edx & (1U << 8)) != 0;
#else
  return false;
#endif
}

MetricClock calibrate() noexcept {
  MetricClock clock;
#if defined(__x86_64__)
  if (!invariant_tsc()) return clock;
  // Two millisecond-apart readings of both clocks; the reads themselves
  // take tens of nanoseconds, so the rate is right to a few parts in 10^5.
  const std::int64_t ns0 = now_ns();
  const auto tsc0 = static_cast<std::int64_t>(__rdtsc());
  std::int64_t ns1 = ns0;
  while (ns1 - ns0 < 2'000'000) ns1 = now_ns();
  const auto tsc1 = static_cast<std::int64_t>(__rdtsc());
  if (tsc1 <= tsc0) return clock;
  clock.tsc = true;
  clock.ns_per_tick = static_cast<double>(ns1 - ns0) / static_cast<double>(tsc1 - tsc0);
#endif
  return clock;
}

}  // namespace

const MetricClock& MetricClock::get() noexcept {
  static const MetricClock clock = calibrate();
  return clock;
}

}  // namespace bg::detail
