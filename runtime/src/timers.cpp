#include "timers.hpp"

#include <chrono>

#include "clock.hpp"

namespace bg::detail {

void Timers::hold(std::int64_t due_ns, HeldTask&& task) {
  Timed timed;
  timed.task.emplace(std::move(task));
  add(due_ns, std::move(timed));
}

Timers::Key Timers::at(std::int64_t due_ns, std::function<void()> action) {
  return add(due_ns, Timed{std::nullopt, std::move(action)});
}

Timers::Key Timers::add(std::int64_t due_ns, Timed&& timed) {
  std::lock_guard lock(mutex_);
  const Key key{due_ns, ++sequence_};
  const bool earliest = pending_.empty() || key < pending_.begin()->first;
  pending_.emplace(key, std::move(timed));
  if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { loop(); });
  if (earliest) wake_.notify_one();
  return key;
}

bool Timers::cancel(const Key& key) {
  std::lock_guard lock(mutex_);
  return pending_.erase(key) == 1;
}

std::vector<HeldTask> Timers::take_held() {
  std::vector<HeldTask> out;
  std::lock_guard lock(mutex_);
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.task) {
      out.push_back(std::move(*it->second.task));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

void Timers::stop() {
  std::map<Key, Timed> dropped;  // destroyed outside the lock
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(pending_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Timers::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (pending_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto first = pending_.begin();
    const std::int64_t now = now_ns();
    if (first->first.first > now) {
      wake_.wait_for(lock, std::chrono::nanoseconds(first->first.first - now));
      continue;
    }
    Timed due = std::move(first->second);
    pending_.erase(first);
    lock.unlock();
    if (due.task) {
      release_(std::move(*due.task));
    } else {
      due.action();
    }
    lock.lock();
  }
}

}  // namespace bg::detail
