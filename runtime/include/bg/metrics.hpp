// Per-task metrics of a lifespan, and their Prometheus text form.
//
//   for (const bg::TaskStats& t : life.task_stats()) std::cout << t.name << ' ' << t.completed << '\n';
//   http_response(bg::prometheus_text(life));   // GET /metrics
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <bg/policy.hpp>

namespace bg {

class Lifespan;

/// Upper bounds, in seconds, of the histogram buckets (the last bucket,
/// +Inf, is implicit): 100 us to 60 s.
inline constexpr std::array<double, 14> kHistogramBounds = {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,    0.25,   0.5,   1.0,   2.5,   10.0,  60.0};

/// Observations of one duration, Prometheus-style.
struct Histogram {
  /// counts[i]: observations <= kHistogramBounds[i] and above the bound
  /// before it; the last element counts the ones above every bound.
  std::array<std::uint64_t, kHistogramBounds.size() + 1> counts{};
  double sum_seconds = 0;
  [[nodiscard]] std::uint64_t count() const noexcept;
};

/// One task name's counters in one lifespan. Counters only grow; gauges
/// (running, queued, scheduled, overrunning) are what holds now.
struct TaskStats {
  std::string name;
  TaskPolicy policy;
  std::uint64_t submitted = 0;  ///< accepted submissions (a retry is not one)
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;     ///< final failures (retries exhausted, NoRetry, no policy)
  std::uint64_t retried = 0;    ///< failed attempts followed by another
  std::uint64_t timed_out = 0;  ///< runs that exceeded the time limit
  std::uint64_t cancelled = 0;  ///< discarded, stopped at shutdown or abandoned
  std::uint64_t rejected = 0;   ///< QueueFull or ShuttingDown
  std::uint64_t running = 0;
  std::uint64_t queued = 0;     ///< waiting for a worker or for a concurrency slot
  std::uint64_t scheduled = 0;  ///< waiting for their time (delay or retry backoff)
  /// Runs past their time limit that have not returned: they ignore their
  /// stop token and keep their worker.
  std::uint64_t overrunning = 0;
  Histogram queue_wait;  ///< from admission (or due time) to start
  Histogram run_time;    ///< from start to end, every attempt
};

/// Renders `life.task_stats()` in the Prometheus text exposition format
/// (version 0.0.4), with HELP and TYPE lines, one series per task:
///   bgtasks_tasks_total{task="send_welcome_email",outcome="completed"} 12
///   bgtasks_task_run_seconds_bucket{task="...",le="0.1"} 7
[[nodiscard]] std::string prometheus_text(const Lifespan& life);
/// The same text for a given set of task stats.
[[nodiscard]] std::string prometheus_text(const std::vector<TaskStats>& tasks);

}  // namespace bg
