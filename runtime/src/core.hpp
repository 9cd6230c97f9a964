// detail::Core: the compiled, type-erased heart of a Lifespan.
//
// Owned jointly by the Lifespan and by every worker thread, so a worker that
// shutdown abandons can still finish its task safely after the Lifespan is
// gone, and generated code can submit while another thread destroys it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string_view>
#include <thread>
#include <vector>

#include <bg/background_tasks.hpp>
#include <bg/config.hpp>
#include <bg/detail/erased_task.hpp>
#include <bg/detail/submit.hpp>
#include <bg/report.hpp>

#include "task_queue.hpp"

namespace bg::detail {

class Core : public std::enable_shared_from_this<Core> {
 public:
  explicit Core(Config config);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  /// Starts the workers. Separate from the constructor because each worker
  /// holds a shared_ptr to the core.
  void start();

  /// On success `task` is moved out; on refusal it is left untouched.
  SubmitResult submit(std::string_view name, ErasedTask& task);
  Refusal submit_batch(std::span<BackgroundTasks::Entry> entries, std::vector<TaskId>& ids);

  void wait_idle();
  const ShutdownReport& shutdown();
  [[nodiscard]] Stats stats() const;
  [[nodiscard]] bool shutdown_called() const;
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  enum Phase : int { kIdle, kRunning, kAbandoned };

  struct alignas(64) Worker {
    std::thread thread;
    std::stop_source stop;
    std::atomic<int> phase{kIdle};
    std::atomic<const Slot*> current{nullptr};
    // Written by this worker only; summed by stats().
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> stopped{0};
  };

  void worker_loop(Worker& worker);
  /// Runs a claimed task; false when shutdown abandoned it meanwhile.
  bool run_claimed(Worker& worker, const TaskQueue::Claimed& claimed);
  /// Polls briefly for new work; true if some arrived (or exit began).
  bool spin_for_work() const;
  void park();
  void after_publish();
  void wake_all();
  void after_claim();
  void after_finish();
  bool idle() const;
  bool any_running() const;
  /// Joins workers that are done; abandons (detaches) those still running.
  void join_or_abandon();
  void record(TaskId id, std::string_view name, TaskState state);
  void report_error(TaskId id, std::string_view name, std::exception_ptr error) const noexcept;

  SubmitResult submit_inline(std::string_view name, ErasedTask& task);
  void shutdown_inline(std::chrono::steady_clock::time_point deadline, ShutdownReport& report);

  const Config config_;
  TaskQueue queue_;
  std::vector<std::unique_ptr<Worker>> workers_;

  // Parking: a worker that finds no work sleeps until a producer bumps the
  // epoch. Producers touch park_mutex_ only when sleepers_ says someone sleeps.
  std::mutex park_mutex_;
  std::condition_variable park_cv_;
  std::uint64_t wake_epoch_ = 0;
  alignas(64) std::atomic<int> sleepers_{0};
  std::atomic<bool> exit_{false};

  // Producers blocked on a full queue (OnFull::block).
  std::mutex room_mutex_;
  std::condition_variable room_cv_;
  std::atomic<int> blocked_producers_{0};

  // wait_idle() and shutdown() sleep here; workers notify when they finish
  // and someone waits.
  mutable std::mutex idle_mutex_;
  std::condition_variable idle_cv_;
  std::atomic<int> idle_waiters_{0};

  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> discarded_{0};
  std::atomic<std::uint64_t> abandoned_{0};

  // Inline mode (Config::run_inline): tasks run on the submitting thread.
  mutable std::mutex inline_mutex_;
  bool inline_accepting_ = true;
  TaskId inline_next_id_ = 0;
  std::map<TaskId, std::string_view> inline_running_;
  std::vector<TaskId> inline_abandoned_;
  Stats inline_stats_;
  std::stop_source inline_stop_;

  std::mutex records_mutex_;
  std::vector<TaskRecord> records_;

  mutable std::mutex shutdown_mutex_;
  std::optional<ShutdownReport> report_;
};

/// The core of the lifespan whose worker (or inline task) runs on this
/// thread, if any; wait_idle() uses it to refuse a self-deadlock.
const Core* running_core() noexcept;

}  // namespace bg::detail
