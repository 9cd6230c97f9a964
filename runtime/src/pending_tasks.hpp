// PendingTasks: the tasks of one submission, a single task or a batch.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include <bg/background_tasks.hpp>
#include <bg/detail/erased_task.hpp>

namespace bg::detail {

/// What one submission hands the core. add_task and generated later() give
/// one task, add_tasks a request's batch; both go through the same admission
/// code (a single task is a batch of one), so back-pressure, refusal and
/// ids cannot differ between them.
class PendingTasks {
 public:
  static PendingTasks one(std::string_view name, ErasedTask& task) noexcept {
    PendingTasks pending;
    pending.size_ = 1;
    pending.name_ = name;
    pending.task_ = &task;
    return pending;
  }
  static PendingTasks batch(std::span<BackgroundTasks::Entry> entries) noexcept {
    PendingTasks pending;
    pending.entries_ = entries.data();
    pending.size_ = entries.size();
    return pending;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::string_view name(std::size_t i) const noexcept {
    return entries_ != nullptr ? entries_[i].name : name_;
  }
  [[nodiscard]] ErasedTask& task(std::size_t i) const noexcept {
    return entries_ != nullptr ? entries_[i].task : *task_;
  }
  /// How many are coroutine tasks (started on a backend, not queued).
  [[nodiscard]] std::size_t async_count() const noexcept {
    std::size_t count = 0;
    for (std::size_t i = 0; i < size_; ++i) count += task(i).async_ops() != nullptr ? 1 : 0;
    return count;
  }

 private:
  PendingTasks() = default;

  BackgroundTasks::Entry* entries_ = nullptr;
  std::size_t size_ = 0;
  std::string_view name_;
  ErasedTask* task_ = nullptr;
};

}  // namespace bg::detail
