// Delayed tasks: bgtasks' later_after (a timer thread holding the tasks,
// then the worker pool) against what a C++ user would otherwise write: an
// asio::steady_timer per delayed job on an io_context thread, posting the
// job to an asio::thread_pool when it fires. Same tasks, same delays, same
// run.
//
// For each peer: the cost of scheduling one delayed task on the submitting
// thread, and how late tasks start after their due time (p50, p99, max).
//   bg_bench_policies_delayed --benchmark_counters_tabular=true
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <benchmark/benchmark.h>

#include <bg/bg.hpp>

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kTasks = 20'000;
constexpr int kSpreadMs = 50;  // delays of 0..49 ms

std::chrono::milliseconds delay_of(int i) { return std::chrono::milliseconds(i % kSpreadMs); }

/// Lateness of each task (start minus due), in microseconds.
struct Lateness {
  std::vector<Clock::time_point> due = std::vector<Clock::time_point>(kTasks);
  std::vector<Clock::time_point> started = std::vector<Clock::time_point>(kTasks);
  std::atomic<int> done{0};

  void report(benchmark::State& state, double submit_ns) {
    std::vector<double> late(kTasks);
    for (int i = 0; i < kTasks; ++i) {
      late[static_cast<std::size_t>(i)] =
          std::chrono::duration<double, std::micro>(started[static_cast<std::size_t>(i)] - due[static_cast<std::size_t>(i)]).count();
    }
    std::sort(late.begin(), late.end());
    state.counters["submit_ns"] = submit_ns;
    state.counters["late_p50_us"] = late[late.size() / 2];
    state.counters["late_p99_us"] = late[late.size() * 99 / 100];
    state.counters["late_max_us"] = late.back();
  }
};

void wait_for(const std::atomic<int>& done) {
  while (done.load(std::memory_order_acquire) < kTasks) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void delayed_bgtasks(benchmark::State& state) {
  for (auto _ : state) {
    Lateness lateness;
    bg::Lifespan life{{.workers = 2}};
    const auto start = Clock::now();
    for (int i = 0; i < kTasks; ++i) {
      const auto due = start + delay_of(i);
      lateness.due[static_cast<std::size_t>(i)] = due;
      life.add_named_task_at("delayed", due, [&lateness, i] {
        lateness.started[static_cast<std::size_t>(i)] = Clock::now();
        lateness.done.fetch_add(1, std::memory_order_release);
      });
    }
    const double submit_ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kTasks;
    wait_for(lateness.done);
    lateness.report(state, submit_ns);
  }
}
BENCHMARK(delayed_bgtasks)->Name("delayed/bgtasks_later_at")->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

void delayed_asio(benchmark::State& state) {
  for (auto _ : state) {
    Lateness lateness;
    asio::io_context timers(1);
    auto guard = asio::make_work_guard(timers);
    std::thread timer_thread([&] { timers.run(); });
    asio::thread_pool workers(2);
    const auto start = Clock::now();
    for (int i = 0; i < kTasks; ++i) {
      const auto due = start + delay_of(i);
      lateness.due[static_cast<std::size_t>(i)] = due;
      // The timer belongs to the io_context's thread: create it there.
      asio::post(timers, [&, due, i] {
        auto timer = std::make_shared<asio::steady_timer>(timers, due);
        timer->async_wait([&, timer, i](const std::error_code&) {
          asio::post(workers, [&lateness, i] {
            lateness.started[static_cast<std::size_t>(i)] = Clock::now();
            lateness.done.fetch_add(1, std::memory_order_release);
          });
        });
      });
    }
    const double submit_ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kTasks;
    wait_for(lateness.done);
    lateness.report(state, submit_ns);
    guard.reset();
    timer_thread.join();
    workers.join();
  }
}
BENCHMARK(delayed_asio)->Name("delayed/asio_timer_then_thread_pool")->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
