// Test helpers for task policies: what on_error saw, and how many runs of a
// task overlapped.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <bg/errors.hpp>

namespace bg::test {

/// Every failure on_error received, in order. Read once the lifespan is idle.
struct Failures {
  struct Seen {
    unsigned attempt;
    bool will_retry;
    std::string what;
    std::exception_ptr exception;
  };
  std::mutex mutex;
  std::vector<Seen> seen;

  std::function<void(const TaskError&)> handler() {
    return [this](const TaskError& e) {
      std::lock_guard lock(mutex);
      seen.push_back({e.attempt, e.will_retry, e.what, e.exception});
    };
  }
  /// (attempt, will_retry) of each failure.
  std::vector<std::pair<unsigned, bool>> attempts() {
    std::lock_guard lock(mutex);
    std::vector<std::pair<unsigned, bool>> out;
    for (const auto& s : seen) out.emplace_back(s.attempt, s.will_retry);
    return out;
  }
};

/// The most runs inside enter() .. leave() at once.
class Peak {
 public:
  void enter() {
    const int running = ++now_;
    int seen = most_.load();
    while (running > seen && !most_.compare_exchange_weak(seen, running)) {
    }
  }
  void leave() { --now_; }
  [[nodiscard]] int most() const { return most_.load(); }

 private:
  std::atomic<int> now_{0};
  std::atomic<int> most_{0};
};

}  // namespace bg::test
