// Boost.Asio: thread_pool + post. Waiting uses a counter, since thread_pool
// offers only join(), which ends the pool.
#include <atomic>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "harness.hpp"

namespace {

class AsioPool {
 public:
  explicit AsioPool(unsigned workers) : pool_(workers) {}
  ~AsioPool() { pool_.join(); }
  template <class F>
  void submit(F&& task) {
    ++submitted_;
    boost::asio::post(pool_, [this, task = std::forward<F>(task)]() mutable {
      task();
      done_.fetch_add(1, std::memory_order_release);
    });
  }
  void wait_all() {
    while (done_.load(std::memory_order_acquire) != submitted_) std::this_thread::yield();
  }

 private:
  boost::asio::thread_pool pool_;
  std::uint64_t submitted_ = 0;
  std::atomic<std::uint64_t> done_{0};
};

BG_REGISTER_PEER(AsioPool, "asio_thread_pool");

}  // namespace
