// Timers: one thread per lifespan that does things at given times: releases
// delayed tasks and retries when due, and requests stop on runs that
// exceed their time limit. Started by the first use, so a lifespan whose
// tasks have no delay, retry or time limit starts none.
//
// Everything runs on the timer thread, outside its lock, and must be short:
// a release pushes a task into the queue, a watchdog requests stop.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "task_entry.hpp"

namespace bg::detail {

class Timers {
 public:
  using Key = std::pair<std::int64_t, std::uint64_t>;  ///< (due, sequence): unique, ordered

  /// `release` receives each held task when it is due.
  explicit Timers(std::function<void(HeldTask&&)> release) : release_(std::move(release)) {}
  Timers(const Timers&) = delete;
  Timers& operator=(const Timers&) = delete;
  ~Timers() { stop(); }

  /// Keeps `task` until `due_ns` (now_ns() clock), then releases it.
  void hold(std::int64_t due_ns, HeldTask&& task);
  /// Runs `action` at `due_ns`. Returns a key for cancel().
  Key at(std::int64_t due_ns, std::function<void()> action);
  /// Cancels an action not yet started. False when it has started or run.
  bool cancel(const Key& key);
  /// Takes every held task not yet released (shutdown discards them).
  std::vector<HeldTask> take_held();
  /// Stops and joins the thread; what is left is dropped unrun.
  void stop();

 private:
  struct Timed {
    std::optional<HeldTask> task;
    std::function<void()> action;
  };
  Key add(std::int64_t due_ns, Timed&& timed);
  void loop();

  const std::function<void(HeldTask&&)> release_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<Key, Timed> pending_;
  std::uint64_t sequence_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bg::detail
