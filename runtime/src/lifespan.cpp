#include <bg/lifespan.hpp>

#include <iostream>
#include <mutex>
#include <vector>

#include "core.hpp"

namespace bg {
namespace {

/// Every live lifespan in creation order; the last is current(). A list, not
/// a chain of "previous" pointers, so that any destruction order leaves
/// exactly the live ones: destroying one in the middle of the stack must not
/// leave a later one pointing at it. The core is kept beside the object so
/// that generated code can take a reference to the core (keeping it alive)
/// even while another thread destroys the Lifespan.
struct LiveLifespans {
  struct Entry {
    Lifespan* lifespan;
    std::shared_ptr<detail::Core> core;
  };
  std::mutex mutex;
  std::vector<Entry> entries;
};

LiveLifespans& live_lifespans() {
  static LiveLifespans live;
  return live;
}

std::shared_ptr<detail::Core> current_core() {
  LiveLifespans& live = live_lifespans();
  std::lock_guard lock(live.mutex);
  if (live.entries.empty()) throw NoLifespan();
  return live.entries.back().core;
}

}  // namespace

namespace detail {

void throw_refusal(const Core& core, Refusal refusal, std::string_view name) {
  if (refusal == Refusal::queue_full) throw QueueFull(name, core.config().queue_capacity);
  throw ShuttingDown(name);
}

TaskId submit_to_current(std::string_view name, ErasedTask&& task) {
  const std::shared_ptr<Core> core = current_core();
  const SubmitResult result = core->submit(name, task);
  if (result.refusal != Refusal::none) throw_refusal(*core, result.refusal, name);
  return result.id;
}

std::optional<TaskId> try_submit_to_current(std::string_view name, ErasedTask&& task) {
  const std::shared_ptr<Core> core = current_core();
  const SubmitResult result = core->submit(name, task);
  if (result.refusal != Refusal::none) return std::nullopt;
  return result.id;
}

TaskId submit_to_current_at(std::string_view name, ErasedTask&& task, std::chrono::steady_clock::time_point due) {
  const std::shared_ptr<Core> core = current_core();
  const SubmitResult result = core->submit_at(name, task, due);
  if (result.refusal != Refusal::none) throw_refusal(*core, result.refusal, name);
  return result.id;
}

std::optional<TaskId> try_submit_to_current_at(std::string_view name, ErasedTask&& task,
                                               std::chrono::steady_clock::time_point due) {
  const std::shared_ptr<Core> core = current_core();
  const SubmitResult result = core->submit_at(name, task, due);
  if (result.refusal != Refusal::none) return std::nullopt;
  return result.id;
}

void install_async_backend(Lifespan& life, const AsyncFlavour& flavour, std::shared_ptr<AsyncBackend> backend) {
  life.core_->install_async_backend(flavour, std::move(backend));
}

void observe_task_ends(Lifespan& life, std::shared_ptr<const TaskEndObserver> observer) {
  life.core_->observe_task_ends(std::move(observer));
}

void on_lifespan_end(Lifespan& life, std::function<void()> before_end) {
  life.core_->on_end(std::move(before_end));
}

TaskId submit_continuation(Lifespan& life, std::string_view name, ErasedTask&& task) {
  const SubmitResult result = life.core_->submit_continuation(name, task);
  if (result.refusal != Refusal::none) throw_refusal(*life.core_, result.refusal, name);
  return result.id;
}

}  // namespace detail

Lifespan::Lifespan(Config config) : core_(std::make_shared<detail::Core>(std::move(config))) {
  core_->start();
  LiveLifespans& live = live_lifespans();
  std::lock_guard lock(live.mutex);
  live.entries.push_back({this, core_});
}

Lifespan::~Lifespan() {
  // First: whoever holds a reference to this lifespan stops using it.
  core_->run_end_hooks();
  const bool reported = core_->shutdown_called();
  const ShutdownReport& report = core_->shutdown();
  if (!reported && (!report.unfinished.empty() || report.timed_out)) std::cerr << report;
  LiveLifespans& live = live_lifespans();
  std::lock_guard lock(live.mutex);
  std::erase_if(live.entries, [this](const LiveLifespans::Entry& entry) { return entry.lifespan == this; });
}

TaskId Lifespan::submit_or_throw(std::string_view name, detail::ErasedTask&& task) {
  const detail::SubmitResult result = core_->submit(name, task);
  if (result.refusal != detail::Refusal::none) detail::throw_refusal(*core_, result.refusal, name);
  return result.id;
}

std::optional<TaskId> Lifespan::try_submit(std::string_view name, detail::ErasedTask&& task) {
  const detail::SubmitResult result = core_->submit(name, task);
  if (result.refusal != detail::Refusal::none) return std::nullopt;
  return result.id;
}

TaskId Lifespan::submit_at_or_throw(std::string_view name, detail::ErasedTask&& task,
                                   std::chrono::steady_clock::time_point when) {
  const detail::SubmitResult result = core_->submit_at(name, task, when);
  if (result.refusal != detail::Refusal::none) detail::throw_refusal(*core_, result.refusal, name);
  return result.id;
}

std::optional<TaskId> Lifespan::try_submit_at(std::string_view name, detail::ErasedTask&& task,
                                              std::chrono::steady_clock::time_point when) {
  const detail::SubmitResult result = core_->submit_at(name, task, when);
  if (result.refusal != detail::Refusal::none) return std::nullopt;
  return result.id;
}

void Lifespan::set_policy(std::string_view name, const TaskPolicy& policy) { core_->set_policy(name, policy); }

std::vector<TaskStats> Lifespan::task_stats() const { return core_->task_stats(); }

TaskId Lifespan::add_task(Task&& task) {
  if (task.erased_.empty()) {
    throw Error("bg::Lifespan::add_task: the bg::Task '" + std::string(task.name_) +
                "' has already run (or was never bound)");
  }
  return submit_or_throw(task.name_, std::move(task.erased_));
}

std::vector<TaskId> Lifespan::add_tasks(BackgroundTasks&& batch) {
  std::vector<TaskId> ids;
  ids.reserve(batch.entries_.size());  // may throw: nothing submitted yet
  TaskId first = 0;
  const detail::Refusal refusal = core_->submit(detail::PendingTasks::batch(batch.entries_), first);
  if (refusal != detail::Refusal::none) {
    const std::string_view name = batch.entries_.empty() ? detail::kUnnamedTask : batch.entries_.front().name;
    detail::throw_refusal(*core_, refusal, name);
  }
  for (std::size_t i = 0; i < batch.entries_.size(); ++i) ids.push_back(first + i);
  batch.entries_.clear();
  return ids;
}

void Lifespan::wait_idle() { core_->wait_idle(); }

const ShutdownReport& Lifespan::shutdown() { return core_->shutdown(); }

Stats Lifespan::stats() const { return core_->stats(); }

const Config& Lifespan::config() const noexcept { return core_->config(); }

Lifespan& Lifespan::current() {
  LiveLifespans& live = live_lifespans();
  std::lock_guard lock(live.mutex);
  if (live.entries.empty()) throw NoLifespan();
  return *live.entries.back().lifespan;
}

}  // namespace bg
