// bgtasks: a Lifespan with two workers.
#include <bg/bg.hpp>

#include "harness.hpp"

namespace {

class BgTasks {
 public:
  explicit BgTasks(unsigned workers) : life_({.workers = workers}) {}
  template <class F>
  void submit(F&& task) {
    life_.add_task(std::forward<F>(task));
  }
  void wait_all() { life_.wait_idle(); }

 private:
  bg::Lifespan life_;
};

BG_REGISTER_PEER(BgTasks, "bgtasks");

}  // namespace
