#include "worker_pool.hpp"

#include <algorithm>
#include <exception>

#include "clock.hpp"
#include "running_core.hpp"

namespace bg::detail {
namespace {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

constexpr int kSpinRounds = 8;
constexpr int kPollsPerRound = 32;

}  // namespace

void WorkerPool::start(unsigned count, const std::shared_ptr<const Core>& owner) {
  workers_.reserve(count);
  try {
    for (unsigned i = 0; i < count; ++i) {
      auto worker = std::make_unique<Worker>();
      Worker& ref = *worker;
      workers_.push_back(std::move(worker));
      ref.thread = std::thread([this, owner, &ref] { worker_loop(ref, owner.get()); });
    }
  } catch (...) {
    // Could not start them all: stop those that did start, then report.
    queue_.close();
    exit_.store(true);
    wake_all();
    for (auto& worker : workers_) {
      if (worker->thread.joinable()) worker->thread.join();
    }
    throw;
  }
}

void WorkerPool::wake_for(std::size_t published) {
  // Pairs with the fence in park(): either this load sees the sleeper, or the
  // sleeper's has_work() sees the task. Waking only then keeps the common,
  // busy case free of any lock.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_relaxed) == 0) return;
  if (published > 1) {
    wake_all();
    return;
  }
  {
    std::lock_guard lock(park_mutex_);
    ++wake_epoch_;
  }
  park_cv_.notify_one();
}

void WorkerPool::wake_all() {
  {
    std::lock_guard lock(park_mutex_);
    ++wake_epoch_;
  }
  park_cv_.notify_all();
}

bool WorkerPool::spin_for_work() {
  // A worker that just ran out of work usually gets more within a few
  // microseconds while a producer is active. Polling that long first spares
  // the producer a futex wake (about 5 us) per task; yielding keeps the spin
  // from starving a producer that shares the core.
  //
  // One worker spins at a time; the others park at once: with more runnable
  // threads than cores (a producer and two workers on two cores), a second
  // spinner only takes CPU time from the producer it waits for. Producers
  // still wake a sleeper whenever one sleeps, so a parked worker never
  // misses a task that the spinner leaves (it may be busy with another).
  int expected = 0;
  if (!spinning_.compare_exchange_strong(expected, 1, std::memory_order_seq_cst)) return false;
  bool found = false;
  for (int round = 0; round < kSpinRounds && !found; ++round) {
    for (int i = 0; i < kPollsPerRound; ++i) {
      if (queue_.has_work() || exit_.load(std::memory_order_relaxed)) {
        found = true;
        break;
      }
      cpu_relax();
    }
    if (!found) std::this_thread::yield();
  }
  spinning_.store(0, std::memory_order_release);
  return found;
}

void WorkerPool::park() {
  std::uint64_t epoch = 0;
  {
    std::lock_guard lock(park_mutex_);
    epoch = wake_epoch_;
  }
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (!queue_.has_work() && !exit_.load(std::memory_order_acquire)) {
    std::unique_lock lock(park_mutex_);
    park_cv_.wait(lock, [&] { return wake_epoch_ != epoch || exit_.load(std::memory_order_acquire); });
  }
  sleepers_.fetch_sub(1, std::memory_order_relaxed);
}

void WorkerPool::worker_loop(Worker& worker, const Core* owner) {
  RunningCoreScope scope(owner);
  for (;;) {
    bool parked = false;
    const TaskQueue::Claimed claimed = queue_.claim([&](Slot& slot) {
      if (slot.entry->gate && park_if_over_limit(slot)) {
        parked = true;
        return;
      }
      worker.task_id = slot.id;
      worker.task_entry = slot.entry;
      worker.phase.store(kRunning, std::memory_order_release);
    });
    if (claimed.slot != nullptr) {
      room_.notify();  // a producer blocked on a full queue may go on
      if (parked) {
        queue_.finish(claimed);  // the task moved to its gate
        continue;
      }
      if (!run_claimed(worker, claimed)) return;  // abandoned: the report is final
      continue;
    }
    worker.last_end = 0;  // waits for work now: the next start reads the clock
    if (exit_.load(std::memory_order_acquire)) return;
    if (!spin_for_work()) park();
  }
}

bool WorkerPool::park_if_over_limit(Slot& slot) {
  const bool entered = slot.entry->gate->enter_or_park([&] {
    // Counted before the head moves past the slot: never seen neither
    // queued nor parked.
    policies_.parked.fetch_add(1, std::memory_order_seq_cst);
    return HeldTask{ErasedTask::adopt(slot.ops, slot.storage), slot.id, slot.entry, slot.attempt, slot.ready_tick};
  });
  return !entered;
}

template <class Done>
bool WorkerPool::run_one(Worker& worker, const TaskOps* ops, TaskStorage& storage, unsigned attempt,
                         std::int64_t ready_tick, Done&& done) {
  const TaskId id = worker.task_id;
  TaskEntry& entry = *worker.task_entry;
  RunCells& cells = worker.shard.cells(entry);
  // Straight from the previous task (a backlog), its end is this start:
  // one clock read per task instead of two.
  const std::int64_t start = worker.last_end != 0 ? worker.last_end : metric_now();
  cells.queue_wait.observe(metric_ns(start - ready_tick), cells.single_writer);
  cells.bump(cells.started);

  std::exception_ptr error;
  bool will_retry = false;
  if (entry.plain) {
    try {
      ops->invoke(&storage, RunInfo{&worker.stop, nullptr, id, entry.name, attempt});
    } catch (...) {
      error = std::current_exception();
    }
    ops->destroy(&storage);
    done();
  } else {
    Policies::Attempt run;
    try {
      const std::stop_source* stop = policies_.begin(run, entry, attempt, ops, storage, worker.stop);
      ops->invoke(&storage, RunInfo{stop, nullptr, id, entry.name, attempt});
    } catch (...) {
      error = std::current_exception();
    }
    ops->destroy(&storage);
    done();
    error = policies_.conclude(run, entry, std::move(error));
    if (worker.phase.load(std::memory_order_acquire) == kRunning) {
      will_retry = policies_.retry(std::move(run.next), entry, id, attempt, error, worker.stop.stop_requested());
    }
  }
  const std::int64_t end = metric_now();
  worker.last_end = end;
  cells.run_time.observe(metric_ns(end - start), cells.single_writer);
  cells.bump(cells.finished);

  int expected = kRunning;
  if (!worker.phase.compare_exchange_strong(expected, kSettling, std::memory_order_acq_rel)) {
    return false;  // shutdown abandoned it and recorded it; nothing more to say
  }
  ledger_.settle(Settlement{id, &entry, &cells, error, worker.stop.stop_requested(), attempt, will_retry},
                 worker.tally);
  return true;
}

bool WorkerPool::run_claimed(Worker& worker, const TaskQueue::Claimed& claimed) {
  Slot& slot = *claimed.slot;
  if (!run_one(worker, slot.ops, slot.storage, slot.attempt, slot.ready_tick, [&] { queue_.finish(claimed); })) {
    return false;
  }
  // A task with a concurrency limit hands its place to the oldest task
  // waiting for one, and this worker runs it at once: the place never
  // stands empty while tasks wait, and the waiting task needs no queue trip.
  while (worker.task_entry->gate) {
    std::optional<HeldTask> next = worker.task_entry->gate->leave();
    if (!next) break;
    worker.task_id = next->id;
    worker.task_entry = next->entry;
    worker.phase.store(kRunning, std::memory_order_release);  // from kSettling: still counted as running
    policies_.parked.fetch_sub(1, std::memory_order_seq_cst);
    TaskStorage storage;
    const TaskOps* ops = next->task.release_into(storage);
    if (!run_one(worker, ops, storage, next->attempt, next->ready_tick, [] {})) return false;
  }
  // Settled before it stops counting as running: whoever sees this worker
  // idle (wait_idle) also sees the task counted.
  worker.phase.store(kIdle, std::memory_order_release);
  idle_.notify();
  return true;
}

void WorkerPool::request_stop() {
  for (auto& worker : workers_) worker->stop.request_stop();
}

void WorkerPool::stop_and_join_or_abandon() {
  exit_.store(true, std::memory_order_release);
  wake_all();
  for (auto& worker : workers_) {
    int expected = kRunning;
    if (worker->phase.compare_exchange_strong(expected, kAbandoned, std::memory_order_acq_rel)) {
      // The task ignored its stop token. Its thread keeps running it (the
      // thread holds a reference to the core) and ends when it returns.
      ledger_.abandon(worker->task_id, *worker->task_entry);
      worker->thread.detach();
    } else if (worker->thread.joinable()) {
      worker->thread.join();
    }
  }
}

std::vector<const RunShard*> WorkerPool::shards() const {
  std::vector<const RunShard*> out;
  out.reserve(workers_.size());
  for (const auto& worker : workers_) out.push_back(&worker->shard);
  return out;
}

std::uint64_t WorkerPool::running() const noexcept {
  std::uint64_t running = 0;
  for (const auto& worker : workers_) {
    const int phase = worker->phase.load(std::memory_order_acquire);
    if (phase == kRunning || phase == kSettling) ++running;
  }
  return running;
}

std::uint64_t WorkerPool::add_settled(Stats& stats) const noexcept {
  std::uint64_t stopped = 0;
  for (const auto& worker : workers_) {
    stats.completed += worker->tally.completed.load(std::memory_order_acquire);
    stats.failed += worker->tally.failed.load(std::memory_order_acquire);
    stats.retried += worker->tally.retried.load(std::memory_order_acquire);
    stopped += worker->tally.stopped.load(std::memory_order_acquire);
  }
  return stopped;
}

}  // namespace bg::detail
