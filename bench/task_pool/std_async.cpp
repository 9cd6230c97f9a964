// std::async(std::launch::async): a thread per task, so it has no worker
// count; runs are smaller (a million threads would take minutes) and rates
// are per task, comparable all the same.
#include <future>
#include <vector>

#include "harness.hpp"

namespace {

class StdAsync {
 public:
  explicit StdAsync(unsigned /*workers: std::async has none*/) {}
  template <class F>
  void submit(F&& task) {
    futures_.push_back(std::async(std::launch::async, std::forward<F>(task)));
  }
  void wait_all() {
    for (auto& f : futures_) f.get();
    futures_.clear();
  }

 private:
  std::vector<std::future<void>> futures_;
};

BG_REGISTER_PEER(StdAsync, "std_async", bench::Sizes{.throughput = 20'000, .flat_out = 5'000,
                                                     .busy = 200, .idle_samples = 300});

}  // namespace
