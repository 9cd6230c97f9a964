#include "core.hpp"

#include <algorithm>
#include <thread>

#include <bg/errors.hpp>

#include "running_core.hpp"

namespace bg::detail {
namespace {

unsigned worker_count(const Config& config) {
  if (config.workers != 0) return config.workers;
  return std::max(1U, std::thread::hardware_concurrency());
}

}  // namespace

Core::Core(Config config)
    : config_(std::move(config)),
      ledger_(config_),
      queue_(config_.queue_capacity),
      pool_(queue_, ledger_, idle_, room_),
      inline_(ledger_, idle_, this) {
  if (config_.shutdown_timeout.count() < 0 || config_.cancel_grace.count() < 0) {
    throw Error("bg::Config: shutdown_timeout and cancel_grace must not be negative");
  }
}

void Core::start() {
  if (config_.run_inline) return;
  pool_.start(worker_count(config_), shared_from_this());
}

Refusal Core::submit(const PendingTasks& pending, TaskId& first) {
  const std::size_t count = pending.size();
  if (count == 0) return Refusal::none;
  const auto refuse = [&](Refusal refusal) {
    ledger_.reject(count);
    return refusal;
  };
  if (config_.run_inline) {
    const Refusal refusal = inline_.run(pending, first);
    return refusal == Refusal::none ? refusal : refuse(refusal);
  }
  if (config_.queue_capacity != 0 && count > config_.queue_capacity) {
    return refuse(Refusal::queue_full);  // could never fit, even when blocking
  }
  for (;;) {
    switch (queue_.push(pending, first)) {
      case TaskQueue::Push::ok:
        pool_.wake_for(count);
        return Refusal::none;
      case TaskQueue::Push::closed:
        return refuse(Refusal::shutting_down);
      case TaskQueue::Push::full:
        break;
    }
    if (config_.on_full == OnFull::reject) return refuse(Refusal::queue_full);
    room_.wait([&] { return queue_.closed() || queue_.has_room(count); });
  }
}

Stats Core::stats() const {
  Stats stats;
  // Head before tail (so queued is never negative), both before the
  // workers' phases, and those before the settled counts: a claim marks its
  // worker running before the head moves past the task, and a worker counts
  // a task settled before it stops running it, so no task is missed while it
  // moves along. The counts are exact when idle.
  const std::uint64_t head = queue_.head();
  const std::uint64_t tail = queue_.tail();
  stats.submitted = tail;
  stats.queued = tail - head;
  stats.running = pool_.running();
  const std::uint64_t stopped = pool_.add_settled(stats) + inline_.add_to(stats);
  stats.abandoned = ledger_.abandoned();
  stats.cancelled = ledger_.discarded() + stopped;
  stats.rejected = ledger_.rejected();
  return stats;
}

bool Core::idle() const {
  if (config_.run_inline) return inline_.idle();
  // The same order as stats(), reading only what idleness needs.
  const std::uint64_t head = queue_.head();
  return queue_.tail() == head && pool_.running() == 0;
}

void Core::wait_idle() {
  if (running_core() == this) {
    throw Error("bg::Lifespan::wait_idle() called from one of its own tasks, where it would wait "
                "for itself forever; call it from outside the lifespan's tasks");
  }
  idle_.wait([&] { return idle(); });
}

bool Core::shutdown_called() const {
  std::lock_guard lock(shutdown_mutex_);
  return report_.has_value();
}

const ShutdownReport& Core::shutdown() {
  std::lock_guard shutdown_lock(shutdown_mutex_);
  if (report_) return *report_;
  if (running_core() == this) {
    throw Error("bg::Lifespan::shutdown() called from one of its own tasks, where it would wait "
                "for itself; shut down from main or a thread outside the lifespan");
  }
  const auto deadline = std::chrono::steady_clock::now() + config_.shutdown_timeout;
  ShutdownReport report;

  // Intake stops: every later submission is refused and counted, and
  // producers blocked on a full queue see the close.
  queue_.close();
  inline_.close();
  room_.notify();

  if (config_.run_inline) {
    report.timed_out = inline_.drain(deadline, config_.cancel_grace);
  } else {
    // 1. Grace period: queued and running tasks may finish.
    if (!idle_.wait_until(deadline, [&] { return idle(); })) {
      // 2. Out of time: discard what never started, ask the rest to stop.
      report.timed_out = true;
      queue_.discard_all([&](const Slot& slot) { ledger_.discard(slot.id, slot.name); });
      pool_.request_stop();
      idle_.wait_until(std::chrono::steady_clock::now() + config_.cancel_grace,
                       [&] { return pool_.running() == 0; });
    }
    // 3. Join the workers that are done; abandon those that are not.
    pool_.stop_and_join_or_abandon();
  }

  report.unfinished = ledger_.take_records();
  report.stats = stats();
  report_ = std::move(report);
  return *report_;
}

}  // namespace bg::detail
