#include "task_entry.hpp"

#include <algorithm>

namespace bg {

std::uint64_t Histogram::count() const noexcept {
  std::uint64_t total = 0;
  for (const auto c : counts) total += c;
  return total;
}

}  // namespace bg

namespace bg::detail {
namespace {

// The bounds in nanoseconds, for the hot path's integer comparisons.
constexpr auto kBoundsNs = [] {
  std::array<std::int64_t, kHistogramBounds.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::int64_t>(kHistogramBounds[i] * 1e9 + 0.5);
  return out;
}();

}  // namespace

void HistogramCells::observe(std::int64_t nanoseconds) noexcept {
  if (nanoseconds < 0) nanoseconds = 0;
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBoundsNs.begin(), kBoundsNs.end(), nanoseconds) - kBoundsNs.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(nanoseconds), std::memory_order_relaxed);
}

Histogram HistogramCells::snapshot() const noexcept {
  Histogram out;
  for (std::size_t i = 0; i < counts_.size(); ++i) out.counts[i] = counts_[i].load(std::memory_order_relaxed);
  out.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return out;
}

std::optional<HeldTask> Gate::leave() {
  std::lock_guard lock(mutex_);
  if (!waiting_.empty() && !closed_) {
    HeldTask next = std::move(waiting_.front());
    waiting_.pop_front();
    return next;  // the place passes to it: active_ is unchanged
  }
  --active_;
  return std::nullopt;
}

std::deque<HeldTask> Gate::take_waiting() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  return std::exchange(waiting_, {});
}

std::uint64_t Gate::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

TaskStats TaskEntry::snapshot() const {
  TaskStats out;
  out.name = std::string(name);
  out.policy = policy;
  const auto load = [](const std::atomic<std::uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  out.submitted = load(submitted);
  out.completed = load(completed);
  out.failed = load(failed);
  out.retried = load(retried);
  out.timed_out = load(timed_out);
  out.cancelled = load(cancelled);
  out.rejected = load(rejected);
  out.running = load(running);
  out.queued = load(queued);
  out.scheduled = load(scheduled);
  // The two are bumped by different threads; a snapshot between them may
  // see the end before the expiry.
  const std::uint64_t ended = load(overrun_ended);
  out.overrunning = out.timed_out > ended ? out.timed_out - ended : 0;
  out.queue_wait = queue_wait.snapshot();
  out.run_time = run_time.snapshot();
  return out;
}

}  // namespace bg::detail
