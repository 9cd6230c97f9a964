#include "inline_runner.hpp"

#include <algorithm>
#include <exception>
#include <vector>

#include "running_core.hpp"

namespace bg::detail {

Refusal InlineRunner::run(const PendingTasks& pending, TaskId& first) {
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) return Refusal::shutting_down;
    first = next_id_ + 1;
    std::size_t placed = 0;
    try {
      for (; placed < pending.size(); ++placed) {
        admitted_.emplace(first + placed, Admitted{pending.name(placed), State::queued});
      }
    } catch (...) {
      // Out of memory part way: admit none of them, as promised.
      for (std::size_t i = 0; i < placed; ++i) admitted_.erase(first + i);
      throw;
    }
    next_id_ += pending.size();
    submitted_ += pending.size();
  }
  for (std::size_t i = 0; i < pending.size(); ++i) run_one(first + i, pending.name(i), pending.task(i));
  return Refusal::none;
}

void InlineRunner::run_one(TaskId id, std::string_view name, ErasedTask& task) {
  {
    std::lock_guard lock(mutex_);
    const auto found = admitted_.find(id);
    if (found == admitted_.end()) return;  // discarded by shutdown before it started
    found->second.state = State::running;
  }
  std::exception_ptr error;
  {
    RunningCoreScope scope(owner_);
    try {
      task.run_once(RunInfo{&stop_, nullptr, id, name, 1});
    } catch (...) {
      error = std::current_exception();
    }
  }
  {
    std::lock_guard lock(mutex_);
    const auto found = admitted_.find(id);
    if (found == admitted_.end()) return;  // abandoned: the report is final
    found->second.state = State::settling;
  }
  // Outside the lock: on_error is user code and may submit.
  ledger_.settle(id, name, error, stop_.stop_requested(), tally_);
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
  settle_all(State::queued, &Ledger::discard);
  stop_.request_stop();
  const auto none_running = [&] {
    std::lock_guard lock(mutex_);
    return count_locked(State::running) == 0;
  };
  idle_.wait_until(std::chrono::steady_clock::now() + cancel_grace, none_running);
  settle_all(State::running, &Ledger::abandon);
  // Tasks being settled are not abandoned (as with a worker): wait for them.
  idle_.wait([&] { return idle(); });
  return true;
}

void InlineRunner::settle_all(State state, void (Ledger::*record)(TaskId, std::string_view)) {
  std::lock_guard lock(mutex_);
  std::erase_if(admitted_, [&](const auto& entry) {
    if (entry.second.state != state) return false;
    (ledger_.*record)(entry.first, entry.second.name);
    return true;
  });
}

std::size_t InlineRunner::count_locked(State state) const {
  return static_cast<std::size_t>(std::count_if(admitted_.begin(), admitted_.end(),
                                                [state](const auto& entry) { return entry.second.state == state; }));
}

std::uint64_t InlineRunner::add_to(Stats& stats) const {
  std::lock_guard lock(mutex_);
  stats.submitted += submitted_;
  stats.queued += count_locked(State::queued);
  stats.running += admitted_.size() - count_locked(State::queued);
  stats.completed += tally_.completed.load(std::memory_order_relaxed);
  stats.failed += tally_.failed.load(std::memory_order_relaxed);
  return tally_.stopped.load(std::memory_order_relaxed);
}

bool InlineRunner::idle() const {
  std::lock_guard lock(mutex_);
  return admitted_.empty();
}

}  // namespace bg::detail
