// 100,000 no-op coroutine tasks through generated later(), against the same
// number of raw asio::co_spawn calls on an io_context run by one thread:
// what bgtasks adds to starting and finishing a coroutine (admission, an id,
// counts, a cancellation slot, settling). Time from the first submission to
// the last completion, so both sides pay for running the coroutines too.
//
//   coroutines/raw_co_spawn     co_spawn + a completion handler that counts
//   coroutines/raw_post_co_spawn  the same, each co_spawn posted to the io
//                               thread first, as bgtasks does (its frames are
//                               then allocated and freed on one thread)
//   coroutines/bgtasks_later    the lifespan's own io_context (io_threads = 1)
//   coroutines/bgtasks_run_on   the same io_context as raw (bg::asio::run_on),
//                               which gives each task a strand of its own
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <benchmark/benchmark.h>

#include <bg/asio.hpp>
#include <bg/bg.hpp>

#include "bench_tasks_gen.hpp"

namespace {

constexpr int kTasks = 100'000;

/// An io_context run by one thread for the length of a benchmark.
class IoThread {
 public:
  IoThread() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

asio::awaitable<void> raw_noop() { co_return; }

/// Runs kTasks no-op coroutines per iteration, each started by `start(io,
/// on_end)`, and waits for the last to end.
template <class Start>
void raw_peer(benchmark::State& state, Start start) {
  IoThread io;
  std::mutex mutex;
  std::condition_variable all_done;
  for (auto _ : state) {
    int done = 0;  // touched only on the io thread, then under the mutex
    const auto on_end = [&](std::exception_ptr) {
      if (++done == kTasks) {
        std::lock_guard lock(mutex);
        all_done.notify_one();
      }
    };
    for (int i = 0; i < kTasks; ++i) start(io.io(), on_end);
    std::unique_lock lock(mutex);
    all_done.wait(lock, [&] { return done == kTasks; });
  }
  state.SetItemsProcessed(state.iterations() * kTasks);
}

void raw_co_spawn(benchmark::State& state) {
  raw_peer(state, [](asio::io_context& io, auto on_end) { asio::co_spawn(io, raw_noop(), on_end); });
}

void raw_post_co_spawn(benchmark::State& state) {
  raw_peer(state, [](asio::io_context& io, auto on_end) {
    asio::post(io, [&io, on_end] { asio::co_spawn(io, raw_noop(), on_end); });
  });
}

void bgtasks_later(benchmark::State& state) {
  bg::Lifespan life{{.workers = 1, .io_threads = 1}};
  for (auto _ : state) {
    for (int i = 0; i < kTasks; ++i) bench_tasks::noop.later();
    life.wait_idle();
  }
  state.SetItemsProcessed(state.iterations() * kTasks);
}

void bgtasks_run_on(benchmark::State& state) {
  IoThread io;
  bg::Lifespan life{{.workers = 1}};
  bg::asio::run_on(life, io.io().get_executor());
  for (auto _ : state) {
    for (int i = 0; i < kTasks; ++i) bench_tasks::noop.later();
    life.wait_idle();
  }
  state.SetItemsProcessed(state.iterations() * kTasks);
  life.shutdown();  // before the io_context stops running
}

}  // namespace

BENCHMARK(raw_co_spawn)->Name("coroutines/raw_co_spawn")->Unit(benchmark::kMillisecond)->UseRealTime()
    ->Repetitions(10)->ReportAggregatesOnly(true);
BENCHMARK(raw_post_co_spawn)->Name("coroutines/raw_post_co_spawn")->Unit(benchmark::kMillisecond)->UseRealTime()
    ->Repetitions(10)->ReportAggregatesOnly(true);
BENCHMARK(bgtasks_later)->Name("coroutines/bgtasks_later")->Unit(benchmark::kMillisecond)->UseRealTime()
    ->Repetitions(10)->ReportAggregatesOnly(true);
BENCHMARK(bgtasks_run_on)->Name("coroutines/bgtasks_run_on")->Unit(benchmark::kMillisecond)->UseRealTime()
    ->Repetitions(10)->ReportAggregatesOnly(true);

BENCHMARK_MAIN();
