#include "core.hpp"

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include <bg/detail/task_ends.hpp>
#include <bg/errors.hpp>

#include "running_core.hpp"

namespace bg::detail {
namespace {

unsigned worker_count(const Config& config) {
  if (config.workers != 0) return config.workers;
  return std::max(1U, std::thread::hardware_concurrency());
}

/// The entries of one submission's tasks, found once: one pointer for the
/// usual single task, a vector for a batch.
class PendingEntries {
 public:
  PendingEntries(const PendingTasks& pending, TaskTable& table) {
    if (pending.size() == 1) {
      one_ = &table.get(pending.name(0));
      return;
    }
    many_.reserve(pending.size());
    for (std::size_t i = 0; i < pending.size(); ++i) many_.push_back(&table.get(pending.name(i)));
  }
  [[nodiscard]] std::span<TaskEntry* const> span() const noexcept {
    return many_.empty() ? std::span<TaskEntry* const>(&one_, 1) : std::span<TaskEntry* const>(many_);
  }
  void count_rejected() const noexcept {
    for (TaskEntry* entry : span()) TaskEntry::bump(entry->rejected);
  }

 private:
  TaskEntry* one_ = nullptr;
  std::vector<TaskEntry*> many_;
};

}  // namespace

Core::Core(Config config)
    : config_(std::move(config)),
      ledger_(config_),
      queue_(config_.queue_capacity),
      policies_(ledger_, idle_, [this](HeldTask&& held) { admit_held(std::move(held), /*from_gate=*/false); }),
      pool_(queue_, ledger_, policies_, idle_, room_),
      inline_(ledger_, idle_, this),
      async_(config_, ledger_, policies_, idle_, this,
             [this](HeldTask&& held) { admit_held(std::move(held), /*from_gate=*/true); }) {
  if (config_.shutdown_timeout.count() < 0 || config_.cancel_grace.count() < 0) {
    throw Error("bg::Config: shutdown_timeout and cancel_grace must not be negative");
  }
  (void)MetricClock::get();  // calibrated here (about 2 ms, once per process), not on a task's path
  if (config_.io_threads == 0) {
    throw Error("bg::Config: io_threads must be at least 1 (the threads that run coroutine tasks, started "
                "only when the first one is submitted)");
  }
}

Core::~Core() {
  // The timer thread calls into the queue and the tracker: it stops first.
  policies_.stop();
}

void Core::start() {
  if (config_.run_inline) return;
  pool_.start(worker_count(config_), shared_from_this());
}

Refusal Core::submit(const PendingTasks& pending, TaskId& first) {
  return submit(pending, first, /*continuation=*/false);
}

SubmitResult Core::submit_continuation(std::string_view name, ErasedTask& task) {
  TaskId id = 0;
  const Refusal refusal = submit(PendingTasks::one(name, task), id, /*continuation=*/true);
  return {refusal == Refusal::none ? id : 0, refusal};
}

Refusal Core::submit(const PendingTasks& pending, TaskId& first, bool continuation) {
  const std::size_t count = pending.size();
  if (count == 0) return Refusal::none;
  const PendingEntries entries(pending, tasks_);
  const auto refuse = [&](Refusal refusal) {
    entries.count_rejected();
    ledger_.reject(count);
    return refusal;
  };
  if (config_.run_inline) {
    const Refusal refusal = inline_.run(pending, entries.span(), first);
    return refusal == Refusal::none ? refusal : refuse(refusal);
  }
  const std::size_t async_count = pending.async_count();
  if (async_count != 0) {
    const Refusal refusal = submit_with_coroutines(pending, entries.span(), async_count, first);
    return refusal == Refusal::none ? refusal : refuse(refusal);
  }
  if (config_.queue_capacity != 0 && count > config_.queue_capacity) {
    return refuse(Refusal::queue_full);  // could never fit, even when blocking
  }
  const std::int64_t ready = metric_now();
  for (;;) {
    switch (queue_.push(pending, entries.span(), count, last_id_, first, ready, continuation)) {
      case TaskQueue::Push::ok:
        pool_.wake_for(count);
        return Refusal::none;
      case TaskQueue::Push::closed:
        return refuse(Refusal::shutting_down);
      case TaskQueue::Push::full:
        break;
    }
    if (config_.on_full == OnFull::reject) return refuse(Refusal::queue_full);
    // A continuation may still go in after intake closed, until the seal.
    room_.wait([&] { return (continuation ? queue_.sealed() : queue_.closed()) || queue_.has_room(count); });
  }
}

Refusal Core::submit_with_coroutines(const PendingTasks& pending, std::span<TaskEntry* const> entries,
                                     std::size_t async_count, TaskId& first) {
  const std::size_t count = pending.size();
  const std::size_t blocking = count - async_count;
  if (config_.queue_capacity != 0 && blocking > config_.queue_capacity) return Refusal::queue_full;

  // The run records, by position in `pending` (most submissions are one
  // task: no allocation for the list then).
  async_.reap();  // unlists the runs that ended since the last submission, outside the lock
  std::shared_ptr<AsyncRun> one;
  std::vector<std::shared_ptr<AsyncRun>> many(count > 1 ? count : 0);
  const auto run_at = [&](std::size_t i) -> std::shared_ptr<AsyncRun>& { return count > 1 ? many[i] : one; };
  const std::int64_t ready = metric_now();
  std::size_t parked = 0;
  {
    auto lock = async_.lock();
    for (;;) {
      // Shutdown closes this intake before the queue's: while it is open, so
      // is the queue, and the batch is admitted whole.
      if (!async_.accepting(lock)) return Refusal::shutting_down;
      for (std::size_t i = 0; i < count; ++i) {
        const AsyncOps* ops = pending.task(i).async_ops();
        if (ops != nullptr && run_at(i) == nullptr) run_at(i) = ops->prepare(async_.backend(*ops->flavour, lock));
      }
      if (blocking == 0) {
        first = last_id_.fetch_add(count, std::memory_order_relaxed) + 1;
        // Under the lock that shutdown's seal takes: the report counts
        // exactly the submissions admitted.
        for (TaskEntry* entry : entries) {
          TaskEntry::bump(entry->submitted);
          TaskEntry::bump(entry->async_submitted);
        }
        break;
      }
      const TaskQueue::Push pushed = queue_.push(pending, entries, blocking, last_id_, first, ready);
      if (pushed == TaskQueue::Push::ok) break;
      if (pushed == TaskQueue::Push::closed) return Refusal::shutting_down;
      if (config_.on_full == OnFull::reject) return Refusal::queue_full;
      lock.unlock();
      room_.wait([&] { return queue_.closed() || queue_.has_room(blocking); });
      lock.lock();
    }
    const std::shared_ptr<const Core> owner = shared_from_this();
    const unsigned attempt = submission_attempt();
    for (std::size_t i = 0; i < count; ++i) {
      if (run_at(i) == nullptr) continue;
      TaskEntry& entry = *entries[i];
      // Over its concurrency limit, a coroutine task waits in its gate,
      // unstarted, for a run of it to end.
      if (entry.gate && !entry.gate->enter_or_park([&] {
            policies_.parked.fetch_add(1, std::memory_order_seq_cst);
            TaskEntry::bump(entry.entered_other);
            return HeldTask{std::move(pending.task(i)), first + i, &entry, attempt, ready};
          })) {
        run_at(i).reset();
        ++parked;
        continue;
      }
      async_.admit(*run_at(i), first + i, entry, attempt, owner, lock);
    }
  }
  // Started outside the lock, so that the backend's threads, which take it
  // to settle tasks, never wait for a submission. Shutdown waits for
  // launched() before it stops the backends.
  for (std::size_t i = 0; i < count; ++i) {
    if (run_at(i) == nullptr) continue;
    try {
      async_.begin(*run_at(i), pending.task(i), ready);
      pending.task(i).launch(*run_at(i));
    } catch (...) {
      async_.settle_unlaunched(*run_at(i), std::current_exception());  // a failed run, reported to on_error
    }
  }
  async_.launched(async_count - parked);
  if (blocking != 0) pool_.wake_for(blocking);
  return Refusal::none;
}

SubmitResult Core::submit_at(std::string_view name, ErasedTask& task, Clock::time_point due) {
  const std::int64_t due_ns = to_ns(due);
  if (config_.run_inline || due_ns <= now_ns()) return submit(name, task);
  TaskEntry& entry = tasks_.get(name);
  const TaskId id = last_id_.fetch_add(1, std::memory_order_relaxed) + 1;
  HeldTask held{std::move(task), id, &entry, submission_attempt(), 0};  // ready when released
  if (!policies_.hold_new(std::move(held), due_ns)) {
    task = std::move(held.task);  // refused: the caller keeps its task
    TaskEntry::bump(entry.rejected);
    ledger_.reject(1);
    return {0, Refusal::shutting_down};
  }
  return {id, Refusal::none};
}

void Core::admit_held(HeldTask&& held, bool from_gate) {
  TaskEntry& entry = *held.entry;
  if (held.task.async_ops() != nullptr) {
    launch_held(std::move(held), from_gate);
    return;
  }
  // A blocking task come due: into the queue under its id, as a
  // continuation (accepted during the grace period, until the seal).
  held.ready_tick = metric_now();
  const TaskId id = held.id;
  TaskEntry::bump(entry.entered_other);
  if (queue_.push_held(std::move(held)) != TaskQueue::Push::ok) {
    TaskEntry::bump(entry.left_other);
    ledger_.discard(id, entry, "due after shutdown's grace period");
    return;
  }
  pool_.wake_for(1);
}

void Core::launch_held(HeldTask&& held, bool from_gate) {
  TaskEntry& entry = *held.entry;
  const auto leave_gate = [&] {
    if (!from_gate) return;
    policies_.parked.fetch_sub(1, std::memory_order_seq_cst);
    TaskEntry::bump(entry.left_other);
  };
  if (!from_gate) held.ready_tick = metric_now();
  if (entry.gate && !from_gate && !entry.gate->enter_or_park([&] {
        policies_.parked.fetch_add(1, std::memory_order_seq_cst);
        TaskEntry::bump(entry.entered_other);
        return std::move(held);
      })) {
    return;  // waits for a run of it to end
  }
  std::shared_ptr<AsyncRun> run;
  try {
    auto lock = async_.lock();
    if (async_.sealed(lock)) {
      lock.unlock();
      ledger_.discard(held.id, entry, "due after shutdown's grace period");
      leave_gate();
      if (entry.gate) {
        if (std::optional<HeldTask> next = entry.gate->leave()) launch_held(std::move(*next), true);
      }
      return;
    }
    const AsyncOps* ops = held.task.async_ops();
    run = ops->prepare(async_.backend(*ops->flavour, lock));
    async_.admit(*run, held.id, entry, held.attempt, shared_from_this(), lock);
  } catch (...) {
    // Out of memory before admission: the task cannot run; say so.
    ledger_.discard(held.id, entry, "could not be started (out of memory)");
    leave_gate();
    return;
  }
  leave_gate();  // after admission: never seen neither waiting nor running
  try {
    async_.begin(*run, held.task, held.ready_tick);
    held.task.launch(*run);
  } catch (...) {
    async_.settle_unlaunched(*run, std::current_exception());
  }
  async_.launched(1);
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
  // Tasks move forward through these: counted as submitted before anything
  // else, scheduled and parked before they leave the timers or a gate.
  stats.submitted = tasks_.submitted();
  stats.scheduled = policies_.scheduled();
  const std::uint64_t parked = policies_.parked.load(std::memory_order_seq_cst);
  stats.queued = tail - head + parked;
  stats.running = pool_.running();
  const std::uint64_t stopped = pool_.add_settled(stats) + inline_.add_to(stats) + async_.add_to(stats);
  stats.abandoned = ledger_.abandoned();
  stats.cancelled = ledger_.discarded() + stopped;
  stats.rejected = ledger_.rejected();
  return stats;
}

bool Core::idle() const {
  if (config_.run_inline) return inline_.idle();
  // The same order as stats(), reading only what idleness needs.
  if (policies_.scheduled() != 0 || policies_.parked.load(std::memory_order_seq_cst) != 0) return false;
  const std::uint64_t head = queue_.head();
  return queue_.tail() == head && pool_.running() == 0 && async_.running() == 0;
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
  // producers blocked on a full queue see the close. Coroutine intake
  // first: see submit_with_coroutines.
  async_.close();
  queue_.close();
  inline_.close();
  room_.notify();
  // Tasks waiting for their time are not waited for: they are discarded
  // now, each listed as not yet due.
  policies_.close();

  if (config_.run_inline) {
    report.timed_out = inline_.drain(deadline, config_.cancel_grace);
  } else {
    // 1. Grace period: queued and running tasks may finish.
    if (!idle_.wait_until(deadline, [&] { return idle(); })) {
      // 2. Out of time: discard what never started, ask the rest to stop.
      report.timed_out = true;
      queue_.seal();  // a running coroutine's run_blocking is refused from here on
      room_.notify();
      queue_.discard_all([&](const Slot& slot) {
        TaskEntry::bump(slot.entry->left_other);
        ledger_.discard(slot.id, *slot.entry);
      });
      async_.seal();
      policies_.discard_waiting(tasks_);
      pool_.request_stop();
      async_.cancel_all();
      idle_.wait_until(std::chrono::steady_clock::now() + config_.cancel_grace,
                       [&] { return pool_.running() == 0 && async_.running() == 0; });
    }
    queue_.seal();
    async_.seal();
    room_.notify();
    // 3. Join the workers that are done; abandon those that are not. Stop
    //    the coroutine backends, which destroys abandoned coroutine frames.
    pool_.stop_and_join_or_abandon();
    async_.abandon_all();
    async_.shut_down_backends(config_.cancel_grace);
  }
  policies_.stop();

  report.unfinished = ledger_.take_records();
  report.stats = stats();
  report_ = std::move(report);
  return *report_;
}

}  // namespace bg::detail
