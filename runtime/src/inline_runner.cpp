#include "inline_runner.hpp"

#include <bg/detail/task_ends.hpp>

#include <algorithm>
#include <exception>
#include <vector>

#include "clock.hpp"
#include "policies.hpp"
#include "running_core.hpp"

namespace bg::detail {

Refusal InlineRunner::run(const PendingTasks& pending, std::span<TaskEntry* const> entries, TaskId& first) {
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) return Refusal::shutting_down;
    first = next_id_ + 1;
    std::size_t placed = 0;
    try {
      for (; placed < pending.size(); ++placed) {
        admitted_.emplace(first + placed, Admitted{entries[placed], State::queued});
      }
    } catch (...) {
      // Out of memory part way: admit none of them, as promised.
      for (std::size_t i = 0; i < placed; ++i) admitted_.erase(first + i);
      throw;
    }
    next_id_ += pending.size();
    for (std::size_t i = 0; i < pending.size(); ++i) TaskEntry::bump(entries[i]->submitted);
  }
  for (std::size_t i = 0; i < pending.size(); ++i) run_one(first + i, *entries[i], pending.task(i));
  return Refusal::none;
}

void InlineRunner::run_one(TaskId id, TaskEntry& entry, ErasedTask& task) {
  {
    std::lock_guard lock(mutex_);
    const auto found = admitted_.find(id);
    if (found == admitted_.end()) return;  // discarded by shutdown before it started
    found->second.state = State::running;
  }
  for (unsigned attempt = submission_attempt();; ++attempt) {
    ErasedTask next = !entry.plain && attempt <= entry.policy.retries ? task.clone() : ErasedTask{};
    const std::int64_t start = metric_now();
    RunCells& cells = entry.shared;
    cells.bump(cells.started);
    std::exception_ptr error;
    {
      RunningCoreScope scope(owner_);
      try {
        task.run_once(RunInfo{&stop_, nullptr, id, entry.name, attempt});
      } catch (...) {
        error = std::current_exception();
      }
    }
    cells.run_time.observe(metric_ns(metric_now() - start), false);
    cells.bump(cells.finished);
    {
      std::lock_guard lock(mutex_);
      const auto found = admitted_.find(id);
      if (found == admitted_.end()) return;  // abandoned: the report is final
      found->second.state = State::settling;
    }
    const bool will_retry = error != nullptr && !stop_.stop_requested() && !next.empty() &&
                            Policies::retryable(error);
    // Outside the lock: on_error is user code and may submit.
    ledger_.settle(Settlement{id, &entry, &cells, error, stop_.stop_requested(), attempt, will_retry}, tally_);
    if (!will_retry) break;
    task = std::move(next);
    std::lock_guard lock(mutex_);
    admitted_.at(id).state = State::running;
  }
  {
    std::lock_guard lock(mutex_);
    admitted_.erase(id);
  }
  idle_.notify();
}

void InlineRunner::close() {
  std::lock_guard lock(mutex_);
  accepting_ = false;
}

bool InlineRunner::drain(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds cancel_grace) {
  if (idle_.wait_until(deadline, [&] { return idle(); })) return false;
  settle_all(State::queued, [&](TaskId id, TaskEntry& entry) {
    TaskEntry::bump(entry.left_other);
    ledger_.discard(id, entry);
  });
  stop_.request_stop();
  const auto none_running = [&] {
    std::lock_guard lock(mutex_);
    return count_locked(State::running) == 0;
  };
  idle_.wait_until(std::chrono::steady_clock::now() + cancel_grace, none_running);
  settle_all(State::running, [&](TaskId id, TaskEntry& entry) { ledger_.abandon(id, entry); });
  // Tasks being settled are not abandoned (as with a worker): wait for them.
  idle_.wait([&] { return idle(); });
  return true;
}

template <class Record>
void InlineRunner::settle_all(State state, Record&& record) {
  std::lock_guard lock(mutex_);
  std::erase_if(admitted_, [&](const auto& entry) {
    if (entry.second.state != state) return false;
    record(entry.first, *entry.second.entry);
    return true;
  });
}

std::size_t InlineRunner::count_locked(State state) const {
  return static_cast<std::size_t>(std::count_if(admitted_.begin(), admitted_.end(),
                                                [state](const auto& entry) { return entry.second.state == state; }));
}

std::uint64_t InlineRunner::add_to(Stats& stats) const {
  std::lock_guard lock(mutex_);
  stats.queued += count_locked(State::queued);
  stats.running += admitted_.size() - count_locked(State::queued);
  stats.completed += tally_.completed.load(std::memory_order_relaxed);
  stats.failed += tally_.failed.load(std::memory_order_relaxed);
  stats.retried += tally_.retried.load(std::memory_order_relaxed);
  return tally_.stopped.load(std::memory_order_relaxed);
}

bool InlineRunner::idle() const {
  std::lock_guard lock(mutex_);
  return admitted_.empty();
}

}  // namespace bg::detail
