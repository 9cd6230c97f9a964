#include "task_entry.hpp"

#include <algorithm>
#include <string>

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

void HistogramCells::observe(std::int64_t nanoseconds, bool single_writer) noexcept {
  if (nanoseconds < 0) nanoseconds = 0;
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kBoundsNs.begin(), kBoundsNs.end(), nanoseconds) - kBoundsNs.begin());
  add(counts_[bucket], single_writer);
  add(sum_ns_, single_writer, static_cast<std::uint64_t>(nanoseconds));
}

void HistogramCells::add_to(Histogram& out) const noexcept {
  for (std::size_t i = 0; i < counts_.size(); ++i) out.counts[i] += counts_[i].load(std::memory_order_relaxed);
  out.sum_seconds += static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
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

RunCells& RunShard::cells(TaskEntry& entry) {
  if (entry.index >= kSlots) return entry.shared;
  RunCells* mine = slots_[entry.index].load(std::memory_order_relaxed);
  if (mine == nullptr) {
    mine = &owned_.emplace_back(/*one_writer=*/true);
    slots_[entry.index].store(mine, std::memory_order_release);
  }
  return *mine;
}

TaskStats snapshot(const TaskEntry& entry, const std::vector<const RunShard*>& shards) {
  TaskStats out;
  out.name = std::string(entry.name);
  out.policy = entry.policy;
  const auto load = [](const std::atomic<std::uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  std::uint64_t started = 0;
  std::uint64_t started_async = 0;
  std::uint64_t finished = 0;
  std::uint64_t stopped = 0;
  const auto add_cells = [&](const RunCells& cells) {
    started += load(cells.started);
    started_async += load(cells.started_async);
    finished += load(cells.finished);
    stopped += load(cells.stopped);
    out.completed += load(cells.completed);
    out.failed += load(cells.failed);
    out.retried += load(cells.retried);
    cells.queue_wait.add_to(out.queue_wait);
    cells.run_time.add_to(out.run_time);
  };
  // Runs move from queued to running to finished: read the later stages
  // first, so that a run moving meanwhile is seen twice rather than missed,
  // and clamp the gauges at zero.
  add_cells(entry.shared);
  for (const RunShard* shard : shards) {
    if (const RunCells* cells = shard->find(entry)) add_cells(*cells);
  }
  out.submitted = load(entry.submitted) + load(entry.submitted_queue);
  out.rejected = load(entry.rejected);
  out.cancelled = load(entry.cancelled) + stopped;
  out.scheduled = load(entry.scheduled);
  out.timed_out = load(entry.timed_out);
  const std::uint64_t overrun_ended = load(entry.overrun_ended);
  out.overrunning = out.timed_out > overrun_ended ? out.timed_out - overrun_ended : 0;
  const auto clamp = [](std::int64_t v) { return v > 0 ? static_cast<std::uint64_t>(v) : 0U; };
  out.running = clamp(static_cast<std::int64_t>(started - finished));
  const auto in = static_cast<std::int64_t>(out.submitted - load(entry.async_submitted) -
                                            load(entry.delayed_submitted) + load(entry.entered_other));
  const auto out_of = static_cast<std::int64_t>(started - started_async + load(entry.left_other));
  out.queued = clamp(in - out_of);
  return out;
}

}  // namespace bg::detail
