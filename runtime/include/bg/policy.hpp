// bg::TaskPolicy: the operating rules a task carries (retries, time limit,
// concurrency), declared beside [[bg::task]] and compiled by bg-gen into the
// registry:
//
//   [[bg::task, bg::retry(5), bg::timeout("30s"), bg::concurrency(2)]]
//   void send_welcome_email(std::string address);
//
// A policy belongs to the task's name: every submission under that name
// (later(), bind(), submit_json, add_named_task) follows it.
#pragma once

#include <chrono>
#include <cstdint>

namespace bg {

struct TaskPolicy {
  /// Attempts after the first when a run throws (bg::retry(n)); 0: none.
  unsigned retries = 0;
  /// Backoff before retry k (k = 1, 2, ...): a uniformly random delay in
  /// [0, min(backoff_cap, backoff_base * 2^(k-1))] ("full jitter").
  std::chrono::milliseconds backoff_base{1'000};
  std::chrono::milliseconds backoff_cap{60'000};
  /// Longest a run may take (bg::timeout("30s")); zero: no limit. Past it,
  /// stop is requested on the run's token (a coroutine task is cancelled)
  /// and the run counts as failed with bg::TimeLimitExceeded.
  std::chrono::milliseconds timeout{0};
  /// Most runs of the task at once (bg::concurrency(k)); 0: no limit.
  unsigned concurrency = 0;

  /// No rule at all: the task takes the runtime's plain path.
  [[nodiscard]] constexpr bool plain() const noexcept {
    return retries == 0 && timeout.count() == 0 && concurrency == 0;
  }

  friend constexpr bool operator==(const TaskPolicy&, const TaskPolicy&) = default;
};

/// The delay before the retry that follows failed attempt `attempt` (1 for
/// the first run), with `unit` a uniform random number in [0, 1).
[[nodiscard]] std::chrono::milliseconds retry_backoff(const TaskPolicy& policy, unsigned attempt,
                                                      double unit) noexcept;

}  // namespace bg
