#include <bg/policy.hpp>

#include <algorithm>
#include <cmath>

namespace bg {

std::chrono::milliseconds retry_backoff(const TaskPolicy& policy, unsigned attempt, double unit) noexcept {
  // base * 2^(attempt-1), capped; computed in double so that a large attempt
  // number saturates at the cap instead of overflowing.
  const double base = static_cast<double>(policy.backoff_base.count());
  const double cap = static_cast<double>(policy.backoff_cap.count());
  const double ceiling = std::min(cap, base * std::exp2(static_cast<double>(std::min(attempt, 64U) - 1U)));
  const double delay = std::clamp(unit, 0.0, 1.0) * std::max(ceiling, 0.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay));
}

}  // namespace bg
