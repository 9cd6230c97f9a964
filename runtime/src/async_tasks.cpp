#include "async_tasks.hpp"

#include <bg/errors.hpp>

#include "clock.hpp"

namespace bg::detail {

AsyncRun::~AsyncRun() = default;

void AsyncRun::finish(std::exception_ptr error) noexcept { tasks_->finish(*this, std::move(error)); }

AsyncBackend& AsyncTasks::backend(const AsyncFlavour& flavour, const std::unique_lock<std::mutex>&) {
  for (auto& [kind, backend] : backends_) {
    if (kind == &flavour) return *backend;
  }
  backends_.emplace_back(&flavour, flavour.make_backend(config_, owner_));
  return *backends_.back().second;
}

void AsyncTasks::install(const AsyncFlavour& flavour, std::shared_ptr<AsyncBackend> backend) {
  std::lock_guard lock(mutex_);
  for (auto& entry : backends_) {
    if (entry.first == &flavour) {
      throw Error("bg: this lifespan already runs its " + std::string(flavour.name) +
                  " coroutine tasks on its own executor (its first coroutine task was submitted, or an executor "
                  "was given before); choose the executor right after constructing the lifespan");
    }
  }
  if (!accepting_) throw Error("bg: an executor was given to a lifespan that is shutting down");
  backends_.emplace_back(&flavour, std::move(backend));
}

void AsyncTasks::admit(AsyncRun& run, TaskId id, TaskEntry& entry, unsigned attempt,
                       std::shared_ptr<const Core> owner, const std::unique_lock<std::mutex>&) {
  run.tasks_ = this;
  run.owner_ = std::move(owner);
  run.id_ = id;
  run.name_ = entry.name;
  run.entry_ = &entry;
  run.attempt_ = attempt;
  run.stop_ = &stop_;
  run.phase_.store(kRunning, std::memory_order_relaxed);
  run.held_ = run.shared_from_this();
  link(run);
  launching_.fetch_add(1, std::memory_order_relaxed);
  live_.fetch_add(1, std::memory_order_seq_cst);
}

void AsyncTasks::begin(AsyncRun& run, const ErasedTask& task, std::int64_t ready_tick) {
  TaskEntry& entry = *run.entry_;
  run.start_ns_ = metric_now();
  RunCells& cells = entry.shared;
  cells.queue_wait.observe(metric_ns(run.start_ns_ - ready_tick), false);
  cells.bump(cells.started);
  cells.bump(cells.started_async);
  if (entry.plain) return;
  if (run.attempt_ <= entry.policy.retries) run.retry_ = task.clone();
  if (entry.policy.timeout.count() != 0) {
    const Timers::Key key = policies_.watch(entry, [self = run.shared_from_this()] { self->cancel(); });
    run.watched_ = true;
    run.watch_due_ = key.first;
    run.watch_sequence_ = key.second;
  }
}

void AsyncTasks::seal() {
  std::lock_guard lock(mutex_);
  sealed_ = true;
}

void AsyncTasks::launched(std::size_t count) noexcept {
  // Only shutdown waits for this, and only after closing intake: the busy
  // path is one atomic decrement.
  if (launching_.fetch_sub(count, std::memory_order_acq_rel) == count && closed_.load(std::memory_order_acquire)) {
    { std::lock_guard lock(mutex_); }
    all_launched_.notify_all();
  }
}

void AsyncTasks::finish(AsyncRun& run, std::exception_ptr error) noexcept {
  TaskEntry& entry = *run.entry_;
  if (run.watched_ && policies_.unwatch(entry, {run.watch_due_, run.watch_sequence_})) {
    error = Policies::time_limit_error(entry, error);
  }
  entry.shared.run_time.observe(metric_ns(metric_now() - run.start_ns_), false);
  entry.shared.bump(entry.shared.finished);
  int expected = kRunning;
  if (!run.phase_.compare_exchange_strong(expected, kSettling, std::memory_order_acq_rel)) {
    return;  // shutdown abandoned it and recorded it; the report is final
  }
  bool will_retry = false;
  if (!entry.plain) {
    try {
      will_retry = policies_.retry(std::move(run.retry_), entry, run.id_, run.attempt_, error, stop_.stop_requested());
    } catch (...) {
      // Out of memory while scheduling it: this attempt's failure is final.
    }
  }
  ledger_.settle(Settlement{run.id_, &entry, &entry.shared, error, stop_.stop_requested(), run.attempt_, will_retry},
                 tally_);
  // A concurrency place passes to the oldest task waiting for it.
  if (entry.gate) {
    if (std::optional<HeldTask> next = entry.gate->leave()) {
      try {
        run_next_(std::move(*next));
      } catch (...) {
        // run_next_ discards what it cannot start, and records it.
      }
    }
  }
  // Listed as ended without the lock; unlisted later, in a batch.
  run.ended_next_ = ended_.load(std::memory_order_relaxed);
  while (!ended_.compare_exchange_weak(run.ended_next_, &run, std::memory_order_release, std::memory_order_relaxed)) {
  }
  const bool reap_now = ended_count_.fetch_add(1, std::memory_order_relaxed) + 1 >= kReapBatch;
  // Settled before it stops counting as live: whoever sees it idle also
  // sees it counted. Waiters wait for none live, so only the last one
  // wakes them (thousands of tasks ending must not wake wait_idle() each).
  // `run` keeps the core, and so this tracker, alive until it is reaped.
  if (live_.fetch_sub(1, std::memory_order_seq_cst) == 1) idle_.notify();
  if (reap_now) reap();
}

void AsyncTasks::reap() noexcept {
  if (ended_.load(std::memory_order_relaxed) == nullptr) return;
  AsyncRun* chain = nullptr;
  {
    std::lock_guard lock(mutex_);
    chain = ended_.exchange(nullptr, std::memory_order_acquire);
    std::uint32_t count = 0;
    for (AsyncRun* run = chain; run != nullptr; run = run->ended_next_, ++count) unlink(*run);
    ended_count_.fetch_sub(count, std::memory_order_relaxed);
  }
  release(chain);
}

void AsyncTasks::release(AsyncRun* chain) noexcept {
  while (chain != nullptr) {
    AsyncRun* next = chain->ended_next_;
    const std::shared_ptr<AsyncRun> last = std::move(chain->held_);  // may destroy the run: read next first
    chain = next;
  }
}

void AsyncTasks::close() {
  std::lock_guard lock(mutex_);
  accepting_ = false;
  closed_.store(true, std::memory_order_release);
}

void AsyncTasks::cancel_all() {
  // Collected under the lock, acted on outside it: requesting stop runs the
  // tasks' stop callbacks, which are user code.
  std::vector<std::shared_ptr<AsyncRun>> live;
  {
    std::lock_guard lock(mutex_);
    for (AsyncRun* run = first_; run != nullptr; run = run->next_) {
      if (run->phase_.load(std::memory_order_acquire) == kRunning) live.push_back(run->held_);
    }
  }
  stop_.request_stop();  // every coroutine task's Context::stop_token
  for (const auto& run : live) run->cancel();
}

void AsyncTasks::abandon_all() {
  AsyncRun* abandoned = nullptr;
  {
    std::lock_guard lock(mutex_);
    for (AsyncRun* run = first_; run != nullptr;) {
      AsyncRun* next = run->next_;
      int expected = kRunning;
      if (run->phase_.compare_exchange_strong(expected, kAbandoned, std::memory_order_acq_rel)) {
        ledger_.abandon(run->id_, *run->entry_);
        unlink(*run);
        run->ended_next_ = abandoned;
        abandoned = run;
        live_.fetch_sub(1, std::memory_order_seq_cst);  // nobody but this call waits now
      }
      run = next;
    }
  }
  release(abandoned);  // the backend's own reference keeps each until its frame goes
  // Tasks being settled are not abandoned (as with a worker): wait for them,
  // then let go of every settled run.
  idle_.wait([&] { return running() == 0; });
  reap();
}

void AsyncTasks::shut_down_backends(std::chrono::milliseconds limit) {
  std::vector<std::shared_ptr<AsyncBackend>> backends;
  {
    // A submission admitted before intake closed may still be handing its
    // tasks to the backend; it must not find it stopped.
    std::unique_lock lock(mutex_);
    all_launched_.wait(lock, [&] { return launching_.load(std::memory_order_acquire) == 0; });
    for (auto& entry : backends_) backends.push_back(entry.second);
  }
  for (const auto& backend : backends) backend->shut_down(limit);
}

std::uint64_t AsyncTasks::add_to(Stats& stats) const noexcept {
  stats.running += live_.load(std::memory_order_seq_cst);
  stats.completed += tally_.completed.load(std::memory_order_acquire);
  stats.failed += tally_.failed.load(std::memory_order_acquire);
  stats.retried += tally_.retried.load(std::memory_order_acquire);
  return tally_.stopped.load(std::memory_order_acquire);
}

void AsyncTasks::link(AsyncRun& run) noexcept {
  run.prev_ = nullptr;
  run.next_ = first_;
  if (first_ != nullptr) first_->prev_ = &run;
  first_ = &run;
}

void AsyncTasks::unlink(AsyncRun& run) noexcept {
  if (run.prev_ != nullptr) {
    run.prev_->next_ = run.next_;
  } else {
    first_ = run.next_;
  }
  if (run.next_ != nullptr) run.next_->prev_ = run.prev_;
  run.prev_ = run.next_ = nullptr;
}

}  // namespace bg::detail
