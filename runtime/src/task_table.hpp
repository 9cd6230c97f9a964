// TaskTable: a lifespan's TaskEntry per task name.
//
// Looked up once per submission, without a lock: a fixed array of chains
// that only ever grow, published with release stores. Adding a name (its
// first submission) takes a lock and reads the name's policy: one set with
// Lifespan::set_policy, else the one bg-gen compiled into the registry.
#pragma once

#include <array>
#include <cstdint>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <bg/metrics.hpp>
#include <bg/policy.hpp>

#include "task_entry.hpp"

namespace bg::detail {

class TaskTable {
 public:
  TaskTable() = default;
  TaskTable(const TaskTable&) = delete;
  TaskTable& operator=(const TaskTable&) = delete;

  /// The entry of `name` (static storage), made on first use.
  TaskEntry& get(std::string_view name) {
    // Most threads submit the same task again and again, under the same
    // literal: remember the last one, per thread, before hashing the name.
    thread_local LastLookup last;
    if (last.table == id_ && last.data == name.data() && last.size == name.size()) return *last.entry;
    TaskEntry& entry = find_or_add(name);
    last = {id_, name.data(), name.size(), &entry};
    return entry;
  }

 private:
  struct LastLookup {
    std::uint64_t table = 0;
    const char* data = nullptr;
    std::size_t size = 0;
    TaskEntry* entry = nullptr;
  };
  TaskEntry& find_or_add(std::string_view name) {
    const std::size_t bucket = hash(name) % kBuckets;
    for (TaskEntry* e = buckets_[bucket].load(std::memory_order_acquire); e != nullptr; e = e->next) {
      if (e->name == name) return *e;
    }
    return add(name, bucket);
  }

 public:
  /// Gives `name` a policy before its first submission. Throws bg::Error
  /// once the name has been submitted (its runs already follow a policy).
  void set_policy(std::string_view name, const TaskPolicy& policy);

  /// Every entry's stats with the workers' `shards`, sorted by name.
  [[nodiscard]] std::vector<TaskStats> snapshot(const std::vector<const RunShard*>& shards) const;
  /// Submissions accepted, every name together.
  [[nodiscard]] std::uint64_t submitted() const;

  /// Calls f(entry) for every entry.
  template <class F>
  void for_each(F&& f) const {
    std::lock_guard lock(mutex_);
    for (const auto& e : entries_) f(*e);
  }

 private:
  static constexpr std::size_t kBuckets = 256;
  static std::size_t hash(std::string_view name) noexcept {
    std::size_t h = 14695981039346656037ULL;  // FNV-1a
    for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h;
  }
  TaskEntry& add(std::string_view name, std::size_t bucket);

  static std::uint64_t next_id() noexcept;
  /// Never reused, unlike an address: a thread's remembered lookup can
  /// never point into a table that has gone.
  const std::uint64_t id_ = next_id();
  std::array<std::atomic<TaskEntry*>, kBuckets> buckets_{};
  mutable std::mutex mutex_;
  std::deque<std::unique_ptr<TaskEntry>> entries_;
  /// Policies set before the first submission, with their names' storage.
  std::vector<std::pair<std::string, TaskPolicy>> set_policies_;
};

/// The policy bg-gen compiled into the registry for `name`, or none. Never
/// throws (two tables with one name are bg::registry()'s error to report).
[[nodiscard]] const TaskPolicy* registered_policy(std::string_view name) noexcept;

}  // namespace bg::detail
