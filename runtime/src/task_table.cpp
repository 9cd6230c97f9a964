#include "task_table.hpp"

#include <algorithm>

#include <bg/errors.hpp>

namespace bg::detail {

std::uint64_t TaskTable::next_id() noexcept {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

TaskEntry& TaskTable::add(std::string_view name, std::size_t bucket) {
  std::lock_guard lock(mutex_);
  for (TaskEntry* e = buckets_[bucket].load(std::memory_order_acquire); e != nullptr; e = e->next) {
    if (e->name == name) return *e;  // added by another thread meanwhile
  }
  TaskPolicy policy;
  const auto set = std::find_if(set_policies_.begin(), set_policies_.end(),
                                [&](const auto& entry) { return entry.first == name; });
  if (set != set_policies_.end()) {
    policy = set->second;
  } else if (const TaskPolicy* registered = registered_policy(name)) {
    policy = *registered;
  }
  auto& entry = entries_.emplace_back(std::make_unique<TaskEntry>(name, policy, entries_.size()));
  entry->next = buckets_[bucket].load(std::memory_order_relaxed);
  buckets_[bucket].store(entry.get(), std::memory_order_release);
  return *entry;
}

void TaskTable::set_policy(std::string_view name, const TaskPolicy& policy) {
  if (policy.backoff_base.count() < 0 || policy.backoff_cap.count() < 0 || policy.timeout.count() < 0) {
    throw Error("bg::Lifespan::set_policy('" + std::string(name) +
                "'): backoff_base, backoff_cap and timeout must not be negative");
  }
  std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    if (e->name == name) {
      throw Error("bg::Lifespan::set_policy('" + std::string(name) +
                  "'): the task was already submitted to this lifespan and follows its policy; set policies "
                  "right after constructing the lifespan");
    }
  }
  for (auto& entry : set_policies_) {
    if (entry.first == name) {
      entry.second = policy;
      return;
    }
  }
  set_policies_.emplace_back(std::string(name), policy);
}

std::vector<TaskStats> TaskTable::snapshot(const std::vector<const RunShard*>& shards) const {
  std::vector<TaskStats> out;
  {
    std::lock_guard lock(mutex_);
    out.reserve(entries_.size());
    for (const auto& e : entries_) out.push_back(detail::snapshot(*e, shards));
  }
  std::sort(out.begin(), out.end(), [](const TaskStats& a, const TaskStats& b) { return a.name < b.name; });
  return out;
}

std::uint64_t TaskTable::submitted() const {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& e : entries_) {
    total += e->submitted.load(std::memory_order_seq_cst) + e->submitted_queue.load(std::memory_order_seq_cst);
  }
  return total;
}

}  // namespace bg::detail
