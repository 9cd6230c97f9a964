// Helpers shared by the runtime tests.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include <bg/report.hpp>

namespace bg::test {

/// A one-shot gate: tasks block in wait() until the test calls open().
/// Lets a test hold workers busy without sleeping for a guessed time.
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

/// Counts arrivals so a test can wait until n tasks have started.
class Latch {
 public:
  void arrive() {
    {
      std::lock_guard lock(mutex_);
      ++count_;
    }
    cv_.notify_all();
  }
  void wait_for(int n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return count_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_ = 0;
};

/// Every submitted task is accounted for exactly once. Meaningful because
/// running is counted from the workers, not derived from the others; for
/// tests whose exact split is not known in advance (timed shutdown under load).
inline bool sums_to_submitted(const Stats& s) {
  return s.submitted == s.completed + s.failed + s.cancelled + s.abandoned + s.queued + s.running + s.scheduled;
}

}  // namespace bg::test
