// oneTBB, in two configurations. On 2 CPUs oneTBB starts one worker unless
// global_control raises its parallelism, so it is raised to workers + 1 (the
// producer's own slot).
//   tbb_task_group: task_group::run inside task_arena::execute; the producer
//                   joins the arena and helps run tasks while it waits.
//   tbb_enqueue:    task_arena::enqueue from outside the arena (no slot for
//                   the producer), the closest match to a background queue.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include "harness.hpp"

namespace {

class TbbTaskGroup {
 public:
  explicit TbbTaskGroup(unsigned workers)
      : control_(oneapi::tbb::global_control::max_allowed_parallelism, workers + 1),
        arena_(static_cast<int>(workers)) {}
  template <class F>
  void submit(F&& task) {
    arena_.execute([&] { group_.run(std::forward<F>(task)); });
  }
  void wait_all() {
    arena_.execute([&] { group_.wait(); });
  }

 private:
  oneapi::tbb::global_control control_;
  oneapi::tbb::task_arena arena_;
  oneapi::tbb::task_group group_;
};

class TbbEnqueue {
 public:
  explicit TbbEnqueue(unsigned workers)
      : control_(oneapi::tbb::global_control::max_allowed_parallelism, workers + 1),
        arena_(static_cast<int>(workers), 0) {}
  template <class F>
  void submit(F&& task) {
    // enqueue wants a const-callable functor; the wrapped tasks are.
    arena_.enqueue(completions_.wrap(std::forward<F>(task)));
  }
  void wait_all() { completions_.wait_all(); }

 private:
  oneapi::tbb::global_control control_;
  oneapi::tbb::task_arena arena_;
  bench::CompletionCounter completions_;
};

BG_REGISTER_PEER(TbbTaskGroup, "tbb_task_group");
BG_REGISTER_PEER(TbbEnqueue, "tbb_enqueue");

}  // namespace
