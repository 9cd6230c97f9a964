// Signal: a condition that threads wait for, cheap to notify when nobody waits.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace bg::detail {

/// The waiting side of a condition whose state lives elsewhere (atomics that
/// the notifier has already updated). notify() costs one fence and one load
/// unless someone waits, so the busy paths that call it after every task
/// (a worker finishing, a worker freeing queue room) stay free of locks.
class Signal {
 public:
  /// Wakes every waiter. Call after the state the predicate reads changed.
  void notify() noexcept {
    // Pairs with the fence in wait(): either this load sees the waiter, or
    // the waiter's predicate sees the new state.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (waiters_.load(std::memory_order_relaxed) > 0) {
      { std::lock_guard lock(mutex_); }
      cv_.notify_all();
    }
  }

  template <class Predicate>
  void wait(Predicate&& ready) {
    Waiting scope(*this);
    std::unique_lock lock(mutex_);
    cv_.wait(lock, ready);
  }

  /// False if the deadline passed with `ready` still false.
  template <class Predicate>
  bool wait_until(std::chrono::steady_clock::time_point deadline, Predicate&& ready) {
    Waiting scope(*this);
    std::unique_lock lock(mutex_);
    return cv_.wait_until(lock, deadline, ready);
  }

 private:
  struct Waiting {
    explicit Waiting(Signal& owner) : signal(owner) {
      signal.waiters_.fetch_add(1, std::memory_order_seq_cst);
      std::atomic_thread_fence(std::memory_order_seq_cst);
    }
    ~Waiting() { signal.waiters_.fetch_sub(1, std::memory_order_relaxed); }
    Waiting(const Waiting&) = delete;
    Waiting& operator=(const Waiting&) = delete;
    Signal& signal;
  };

  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<int> waiters_{0};
};

}  // namespace bg::detail
