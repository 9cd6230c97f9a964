#include "policies.hpp"

#include <cstdio>
#include <random>
#include <string>

#include <bg/errors.hpp>
#include <bg/policy.hpp>

#include "clock.hpp"
#include "task_table.hpp"

namespace bg::detail {
namespace {

/// A uniform number in [0, 1), from a generator of the calling thread.
double jitter() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

std::string what_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

std::int64_t deadline_of(const TaskEntry& entry) {
  return now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(entry.policy.timeout).count();
}

}  // namespace

Policies::Policies(Ledger& ledger, Signal& idle, std::function<void(HeldTask&&)> release)
    : ledger_(ledger), idle_(idle), release_(std::move(release)), timers_([this](HeldTask&& task) {
        // Counted as scheduled until it is queued (or running, or waiting for
        // a place), so that wait_idle() never sees a moment of neither; the
        // task may have run to its end meanwhile, and its end's notice came
        // while this still counted: notify again.
        TaskEntry& entry = *task.entry;
        release_(std::move(task));
        TaskEntry::drop(entry.scheduled);
        scheduled_.fetch_sub(1, std::memory_order_seq_cst);
        idle_.notify();
      }) {}

bool Policies::hold(HeldTask&& task, std::int64_t due_ns) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  hold_locked(std::move(task), due_ns);
  return true;
}

void Policies::hold_locked(HeldTask&& task, std::int64_t due_ns) {
  // Counted before the timer can release it, so that it is never seen
  // neither scheduled nor queued.
  scheduled_.fetch_add(1, std::memory_order_seq_cst);
  TaskEntry::bump(task.entry->scheduled);
  timers_.hold(due_ns, std::move(task));
}

bool Policies::hold_new(HeldTask&& task, std::int64_t due_ns) {
  // Counted as submitted under the lock that close() takes: the report
  // counts exactly the submissions admitted.
  TaskEntry& entry = *task.entry;
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  TaskEntry::bump(entry.submitted);
  TaskEntry::bump(entry.delayed_submitted);
  hold_locked(std::move(task), due_ns);
  return true;
}

const std::stop_source* Policies::begin(Attempt& attempt, TaskEntry& entry, unsigned number, const TaskOps* ops,
                                        const TaskStorage& storage, const std::stop_source& shutdown_stop) {
  if (number <= entry.policy.retries) attempt.next = ErasedTask::copy_of(ops, storage);
  if (entry.policy.timeout.count() == 0) return &shutdown_stop;
  attempt.stop.emplace();
  attempt.forward.emplace(shutdown_stop.get_token(), ForwardStop{&*attempt.stop});
  attempt.watch = watch(entry, [source = *attempt.stop]() mutable { source.request_stop(); });
  return &*attempt.stop;
}

std::exception_ptr Policies::conclude(Attempt& attempt, TaskEntry& entry, std::exception_ptr error) {
  if (attempt.watch && unwatch(entry, *attempt.watch)) return time_limit_error(entry, error);
  return error;
}

bool Policies::retry(ErasedTask&& next, TaskEntry& entry, TaskId id, unsigned number,
                     const std::exception_ptr& error, bool stop_requested) {
  if (error == nullptr || stop_requested || number > entry.policy.retries || !retryable(error)) return false;
  if (next.empty()) {
    if (!entry.warned_not_copyable.exchange(true)) {
      const std::string line = "bg: task '" + std::string(entry.name) +
                               "' has a retry policy, but it was submitted without a way to copy its arguments "
                               "for another attempt, so its failures are final; submit it through its generated "
                               "entry point (tasks::" + std::string(entry.name) + ".later())\n";
      std::fputs(line.c_str(), stderr);
    }
    return false;
  }
  const auto delay = retry_backoff(entry.policy, number, jitter());
  HeldTask held{std::move(next), id, &entry, number + 1, 0};
  return hold(std::move(held), now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count());
}

bool Policies::retryable(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const NoRetry&) {
    return false;
  } catch (...) {
    return true;
  }
}

Timers::Key Policies::watch(TaskEntry& entry, std::function<void()> on_expiry) {
  return timers_.at(deadline_of(entry), [&entry, on_expiry = std::move(on_expiry)] {
    TaskEntry::bump(entry.timed_out);  // overrunning until unwatch() sees it
    on_expiry();
  });
}

bool Policies::unwatch(TaskEntry& entry, const Timers::Key& key) {
  if (timers_.cancel(key)) return false;
  TaskEntry::bump(entry.overrun_ended);
  return true;
}

std::exception_ptr Policies::time_limit_error(const TaskEntry& entry, const std::exception_ptr& error) {
  std::string message = "bg: task '" + std::string(entry.name) + "' exceeded its time limit of " +
                        std::to_string(entry.policy.timeout.count()) +
                        " ms (bg::timeout); stop was requested on its token";
  if (error != nullptr) message += ", and it then threw: " + what_of(error);
  return std::make_exception_ptr(TimeLimitExceeded(message));
}

void Policies::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  for (HeldTask& held : timers_.take_held()) {
    std::string reason = held.attempt > 1 ? "retry " + std::to_string(held.attempt - 1) + " of " +
                                                std::to_string(held.entry->policy.retries) + " not yet due"
                                          : "not yet due";
    ledger_.discard(held.id, *held.entry, std::move(reason));
    TaskEntry::drop(held.entry->scheduled);
    scheduled_.fetch_sub(1, std::memory_order_seq_cst);
  }
  idle_.notify();
}

void Policies::discard_waiting(const TaskTable& table) {
  table.for_each([&](TaskEntry& entry) {
    if (!entry.gate) return;
    for (HeldTask& held : entry.gate->take_waiting()) {
      ledger_.discard(held.id, entry, "waiting for a concurrency slot");
      TaskEntry::bump(entry.left_other);
      parked.fetch_sub(1, std::memory_order_seq_cst);
    }
  });
  idle_.notify();
}

}  // namespace bg::detail
