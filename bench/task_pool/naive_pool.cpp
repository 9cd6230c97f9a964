// The pool everyone writes first: one mutex, one condition variable and a
// std::deque<std::function<void()>>.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "harness.hpp"

namespace {

class NaivePool {
 public:
  explicit NaivePool(unsigned workers) {
    for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { run(); });
  }
  ~NaivePool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  template <class F>
  void submit(F&& task) {
    {
      std::lock_guard lock(mutex_);
      queue_.emplace_back(std::forward<F>(task));
      ++pending_;
    }
    work_cv_.notify_one();
  }
  void wait_all() {
    std::unique_lock lock(mutex_);
    idle_cv_.wait(lock, [&] { return pending_ == 0; });
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
      std::lock_guard lock(mutex_);
      if (--pending_ == 0) idle_cv_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t pending_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

BG_REGISTER_PEER(NaivePool, "naive_mutex_deque");

}  // namespace
