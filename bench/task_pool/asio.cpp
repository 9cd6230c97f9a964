// Boost.Asio: thread_pool + post. Waiting uses a counter, since thread_pool
// offers only join(), which ends the pool.
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
    boost::asio::post(pool_, completions_.wrap(std::forward<F>(task)));
  }
  void wait_all() { completions_.wait_all(); }

 private:
  boost::asio::thread_pool pool_;
  bench::CompletionCounter completions_;
};

BG_REGISTER_PEER(AsioPool, "asio_thread_pool");

}  // namespace
