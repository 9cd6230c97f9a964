#include "core.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

#include <bg/errors.hpp>

namespace bg::detail {
namespace {

thread_local const Core* tl_running_core = nullptr;

/// Sets tl_running_core for the life of a scope.
class RunningCoreScope {
 public:
  explicit RunningCoreScope(const Core* core) noexcept : previous_(tl_running_core) {
    tl_running_core = core;
  }
  ~RunningCoreScope() { tl_running_core = previous_; }
  RunningCoreScope(const RunningCoreScope&) = delete;
  RunningCoreScope& operator=(const RunningCoreScope&) = delete;

 private:
  const Core* previous_;
};

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception (not derived from std::exception)";
  }
}

/// One whole line per call: concurrent workers never interleave mid-line.
void print_line(const std::string& line) noexcept {
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// Counters with a single writer need no read-modify-write; readers see
/// them through the seq_cst fence in after_finish().
inline void bump(std::atomic<std::uint64_t>& counter) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

constexpr int kSpinRounds = 8;
constexpr int kPollsPerRound = 32;

unsigned worker_count(const Config& config) {
  if (config.workers != 0) return config.workers;
  return std::max(1U, std::thread::hardware_concurrency());
}

}  // namespace

const Core* running_core() noexcept { return tl_running_core; }

Core::Core(Config config) : config_(std::move(config)), queue_(config_.queue_capacity) {
  if (config_.shutdown_timeout.count() < 0 || config_.cancel_grace.count() < 0) {
    throw Error("bg::Config: shutdown_timeout and cancel_grace must not be negative");
  }
}

Core::~Core() = default;

void Core::start() {
  if (config_.run_inline) return;
  const unsigned count = worker_count(config_);
  workers_.reserve(count);
  try {
    for (unsigned i = 0; i < count; ++i) {
      auto worker = std::make_unique<Worker>();
      Worker& ref = *worker;
      workers_.push_back(std::move(worker));
      ref.thread = std::thread([self = shared_from_this(), &ref] { self->worker_loop(ref); });
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

// ---------------------------------------------------------------- submission

SubmitResult Core::submit(std::string_view name, ErasedTask& task) {
  if (config_.run_inline) return submit_inline(name, task);
  for (;;) {
    TaskId id = 0;
    switch (queue_.push(task, name, id)) {
      case TaskQueue::Push::ok:
        after_publish();
        return {id, Refusal::none};
      case TaskQueue::Push::closed:
        rejected_.fetch_add(1, std::memory_order_relaxed);
        return {0, Refusal::shutting_down};
      case TaskQueue::Push::full:
        break;
    }
    if (config_.on_full == OnFull::reject) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return {0, Refusal::queue_full};
    }
    blocked_producers_.fetch_add(1, std::memory_order_seq_cst);
    {
      std::unique_lock lock(room_mutex_);
      room_cv_.wait(lock, [&] { return queue_.closed() || queue_.has_room(1); });
    }
    blocked_producers_.fetch_sub(1, std::memory_order_relaxed);
  }
}

Refusal Core::submit_batch(std::span<BackgroundTasks::Entry> entries, std::vector<TaskId>& ids) {
  if (config_.run_inline) {
    for (BackgroundTasks::Entry& entry : entries) {
      const SubmitResult result = submit_inline(entry.name, entry.task);
      if (result.refusal != Refusal::none) return result.refusal;
      ids.push_back(result.id);
    }
    return Refusal::none;
  }
  if (entries.empty()) return Refusal::none;
  if (config_.queue_capacity != 0 && entries.size() > config_.queue_capacity) {
    rejected_.fetch_add(entries.size(), std::memory_order_relaxed);
    return Refusal::queue_full;  // could never fit, even when blocking
  }
  for (;;) {
    switch (queue_.push_batch(entries, ids)) {
      case TaskQueue::Push::ok:
        std::atomic_thread_fence(std::memory_order_seq_cst);
        if (sleepers_.load(std::memory_order_relaxed) > 0) wake_all();
        return Refusal::none;
      case TaskQueue::Push::closed:
        rejected_.fetch_add(entries.size(), std::memory_order_relaxed);
        return Refusal::shutting_down;
      case TaskQueue::Push::full:
        break;
    }
    if (config_.on_full == OnFull::reject) {
      rejected_.fetch_add(entries.size(), std::memory_order_relaxed);
      return Refusal::queue_full;
    }
    blocked_producers_.fetch_add(1, std::memory_order_seq_cst);
    {
      std::unique_lock lock(room_mutex_);
      room_cv_.wait(lock, [&] { return queue_.closed() || queue_.has_room(entries.size()); });
    }
    blocked_producers_.fetch_sub(1, std::memory_order_relaxed);
  }
}

void Core::after_publish() {
  // Pairs with the fence in park(): either this load sees the sleeper, or the
  // sleeper's has_work() sees the task. Waking only then keeps the common,
  // busy case free of any lock.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_relaxed) > 0) {
    {
      std::lock_guard lock(park_mutex_);
      ++wake_epoch_;
    }
    park_cv_.notify_one();
  }
}

void Core::wake_all() {
  {
    std::lock_guard lock(park_mutex_);
    ++wake_epoch_;
  }
  park_cv_.notify_all();
}

// ------------------------------------------------------------------ workers

bool Core::spin_for_work() const {
  // A worker that just ran out of work usually gets more within a few
  // microseconds while a producer is active. Polling that long first spares
  // the producer a futex wake (about 5 us) per task; yielding keeps the spin
  // from starving a producer that shares the core.
  for (int round = 0; round < kSpinRounds; ++round) {
    for (int i = 0; i < kPollsPerRound; ++i) {
      if (queue_.has_work() || exit_.load(std::memory_order_relaxed)) return true;
      cpu_relax();
    }
    std::this_thread::yield();
  }
  return false;
}

void Core::park() {
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

void Core::worker_loop(Worker& worker) {
  RunningCoreScope scope(this);
  for (;;) {
    const TaskQueue::Claimed claimed = queue_.claim([&](const Slot& slot) {
      worker.current.store(&slot, std::memory_order_release);
      worker.phase.store(kRunning, std::memory_order_release);
    });
    if (claimed.slot != nullptr) {
      after_claim();
      if (!run_claimed(worker, claimed)) return;  // abandoned: the report is final
      continue;
    }
    if (exit_.load(std::memory_order_acquire)) return;
    if (!spin_for_work()) park();
  }
}

void Core::after_claim() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (blocked_producers_.load(std::memory_order_relaxed) > 0) {
    { std::lock_guard lock(room_mutex_); }
    room_cv_.notify_all();
  }
}

bool Core::run_claimed(Worker& worker, const TaskQueue::Claimed& claimed) {
  Slot& slot = *claimed.slot;
  const TaskId id = slot.id;
  const std::string_view name = slot.name;
  std::exception_ptr error;
  try {
    slot.ops->invoke(&slot.storage, RunInfo{&worker.stop, nullptr, id, name, 1});
  } catch (...) {
    error = std::current_exception();
  }
  slot.ops->destroy(&slot.storage);

  int expected = kRunning;
  const bool still_ours = worker.phase.compare_exchange_strong(expected, kIdle, std::memory_order_acq_rel);
  worker.current.store(nullptr, std::memory_order_release);
  queue_.finish(claimed);
  if (!still_ours) return false;

  const bool stopped = worker.stop.stop_requested();
  if (error) {
    report_error(id, name, error);
    if (stopped) record(id, name, TaskState::failed);
    bump(worker.failed);
  } else if (stopped) {
    record(id, name, TaskState::stopped);
    bump(worker.stopped);
  } else {
    bump(worker.completed);
  }
  after_finish();
  return true;
}

void Core::after_finish() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (idle_waiters_.load(std::memory_order_relaxed) > 0) {
    { std::lock_guard lock(idle_mutex_); }
    idle_cv_.notify_all();
  }
}

void Core::record(TaskId id, std::string_view name, TaskState state) {
  std::lock_guard lock(records_mutex_);
  records_.push_back(TaskRecord{id, std::string(name), state});
}

void Core::report_error(TaskId id, std::string_view name, std::exception_ptr error) const noexcept {
  try {
    TaskError report{id, name, error, describe(error)};
    if (!config_.on_error) {
      print_line("bg: task '" + std::string(name) + "' (id " + std::to_string(id) +
                 ") failed: " + report.what + "\n");
      return;
    }
    try {
      config_.on_error(report);
    } catch (...) {
      print_line("bg: on_error threw while handling task '" + std::string(name) + "' (id " +
                 std::to_string(id) + "): " + describe(std::current_exception()) + "\n");
    }
  } catch (...) {
    // Formatting the line itself failed (out of memory): nothing more to do.
    std::fputs("bg: a task failed and its error could not be reported\n", stderr);
  }
}

// ---------------------------------------------------------------- inline mode

SubmitResult Core::submit_inline(std::string_view name, ErasedTask& task) {
  TaskId id = 0;
  {
    std::lock_guard lock(inline_mutex_);
    if (!inline_accepting_) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return {0, Refusal::shutting_down};
    }
    id = ++inline_next_id_;
    ++inline_stats_.submitted;
    inline_running_.emplace(id, name);
  }
  std::exception_ptr error;
  {
    RunningCoreScope scope(this);
    try {
      task.run_once(RunInfo{&inline_stop_, nullptr, id, name, 1});
    } catch (...) {
      error = std::current_exception();
    }
  }
  if (error) report_error(id, name, error);
  {
    std::lock_guard lock(inline_mutex_);
    inline_running_.erase(id);
    const bool abandoned =
        std::find(inline_abandoned_.begin(), inline_abandoned_.end(), id) != inline_abandoned_.end();
    if (!abandoned) {
      const bool stopped = inline_stop_.stop_requested();
      if (error) {
        ++inline_stats_.failed;
        if (stopped) record(id, name, TaskState::failed);
      } else if (stopped) {
        ++inline_stats_.cancelled;
        record(id, name, TaskState::stopped);
      } else {
        ++inline_stats_.completed;
      }
    }
  }
  { std::lock_guard lock(idle_mutex_); }
  idle_cv_.notify_all();
  return {id, Refusal::none};
}

void Core::shutdown_inline(std::chrono::steady_clock::time_point deadline, ShutdownReport& report) {
  {
    std::lock_guard lock(inline_mutex_);
    inline_accepting_ = false;
  }
  const auto none_running = [&] {
    std::lock_guard lock(inline_mutex_);
    return inline_running_.empty();
  };
  {
    std::unique_lock lock(idle_mutex_);
    idle_cv_.wait_until(lock, deadline, none_running);
  }
  if (none_running()) return;
  report.timed_out = true;
  inline_stop_.request_stop();
  {
    std::unique_lock lock(idle_mutex_);
    idle_cv_.wait_until(lock, std::chrono::steady_clock::now() + config_.cancel_grace, none_running);
  }
  std::lock_guard lock(inline_mutex_);
  for (const auto& [id, name] : inline_running_) {
    inline_abandoned_.push_back(id);
    ++inline_stats_.abandoned;
    record(id, name, TaskState::abandoned);
  }
}

// ------------------------------------------------------------ idle, shutdown

Stats Core::stats() const {
  Stats stats;
  std::uint64_t finished = 0;
  std::uint64_t stopped = 0;
  // Finished counts first, then head, then tail: each is read no later than
  // the ones it bounds, so running and queued never come out negative.
  for (const auto& worker : workers_) {
    const std::uint64_t completed = worker->completed.load(std::memory_order_seq_cst);
    const std::uint64_t failed = worker->failed.load(std::memory_order_seq_cst);
    const std::uint64_t worker_stopped = worker->stopped.load(std::memory_order_seq_cst);
    stats.completed += completed;
    stats.failed += failed;
    stopped += worker_stopped;
    finished += completed + failed + worker_stopped;
  }
  stats.abandoned = abandoned_.load(std::memory_order_seq_cst);
  const std::uint64_t discarded = discarded_.load(std::memory_order_seq_cst);
  const std::uint64_t head = queue_.head();
  const std::uint64_t tail = queue_.tail();
  const std::uint64_t started = head >= discarded ? head - discarded : 0;
  const std::uint64_t ended = finished + stats.abandoned;
  stats.running = started > ended ? started - ended : 0;
  stats.queued = tail - head;
  stats.submitted = tail;
  stats.cancelled = discarded + stopped;
  stats.rejected = rejected_.load(std::memory_order_relaxed);

  std::lock_guard lock(inline_mutex_);
  stats.submitted += inline_stats_.submitted;
  stats.completed += inline_stats_.completed;
  stats.failed += inline_stats_.failed;
  stats.cancelled += inline_stats_.cancelled;
  stats.abandoned += inline_stats_.abandoned;
  stats.running += inline_running_.size() - std::min<std::size_t>(inline_running_.size(), inline_abandoned_.size());
  return stats;
}

bool Core::idle() const {
  const Stats now = stats();
  return now.queued == 0 && now.running == 0;
}

bool Core::any_running() const {
  return std::any_of(workers_.begin(), workers_.end(), [](const auto& worker) {
    return worker->phase.load(std::memory_order_acquire) == kRunning;
  });
}

void Core::wait_idle() {
  if (running_core() == this) {
    throw Error("bg::Lifespan::wait_idle() called from one of its own tasks, where it would wait "
                "for itself forever; call it from outside the lifespan's tasks");
  }
  idle_waiters_.fetch_add(1, std::memory_order_seq_cst);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  {
    std::unique_lock lock(idle_mutex_);
    idle_cv_.wait(lock, [&] { return idle(); });
  }
  idle_waiters_.fetch_sub(1, std::memory_order_relaxed);
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

  queue_.close();  // intake stops: every later submission is rejected and counted
  {
    std::lock_guard lock(room_mutex_);
  }
  room_cv_.notify_all();  // producers blocked on a full queue see the close

  if (config_.run_inline) {
    shutdown_inline(deadline, report);
  } else {
    // 1. Grace period: queued and running tasks may finish.
    idle_waiters_.fetch_add(1, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    bool drained = false;
    {
      std::unique_lock lock(idle_mutex_);
      drained = idle_cv_.wait_until(lock, deadline, [&] { return idle(); });
    }
    if (!drained) {
      // 2. Out of time: discard what never started, ask the rest to stop.
      report.timed_out = true;
      queue_.discard_all([&](const Slot& slot) {
        record(slot.id, slot.name, TaskState::discarded);
        discarded_.fetch_add(1, std::memory_order_seq_cst);
      });
      for (auto& worker : workers_) worker->stop.request_stop();
      std::unique_lock lock(idle_mutex_);
      idle_cv_.wait_until(lock, std::chrono::steady_clock::now() + config_.cancel_grace,
                          [&] { return !any_running(); });
    }
    idle_waiters_.fetch_sub(1, std::memory_order_relaxed);
    exit_.store(true, std::memory_order_release);
    wake_all();
    // 3. Join the workers that are done; abandon those that are not.
    join_or_abandon();
  }

  {
    std::lock_guard lock(records_mutex_);
    report.unfinished = std::move(records_);
    records_.clear();
  }
  std::sort(report.unfinished.begin(), report.unfinished.end(),
            [](const TaskRecord& a, const TaskRecord& b) { return a.id < b.id; });
  report.stats = stats();
  report_ = std::move(report);
  return *report_;
}

void Core::join_or_abandon() {
  for (auto& worker : workers_) {
    int expected = kRunning;
    if (worker->phase.compare_exchange_strong(expected, kAbandoned, std::memory_order_acq_rel)) {
      // The task ignored its stop token. Its thread keeps running it (the
      // thread holds a reference to this core) and ends when it returns.
      const Slot* slot = worker->current.load(std::memory_order_acquire);
      record(slot->id, slot->name, TaskState::abandoned);
      abandoned_.fetch_add(1, std::memory_order_seq_cst);
      worker->thread.detach();
    } else if (worker->thread.joinable()) {
      worker->thread.join();
    }
  }
}

}  // namespace bg::detail
