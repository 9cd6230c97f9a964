// Shared harness: the task every peer runs, the scenarios, and the counters.
//
// Every peer is a class with
//   explicit Peer(unsigned workers);
//   template <class F> void submit(F&& task);   // must not wait for the task
//   void wait_all();                            // until every submitted task ran
// and registers itself with BG_REGISTER_PEER(Peer, "name").
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

namespace bench {

inline constexpr unsigned kWorkers = 2;
inline constexpr std::int64_t kThroughputTasks = 1'000'000;
inline constexpr int kRepetitions = 12;

/// For peers with no "wait until idle" of their own: wraps each task so that
/// it counts itself done, and waits until every wrapped task has.
class CompletionCounter {
 public:
  template <class F>
  auto wrap(F&& task) {
    ++submitted_;
    return [this, task = std::forward<F>(task)] {
      task();
      done_.fetch_add(1, std::memory_order_release);
    };
  }
  void wait_all() const {
    while (done_.load(std::memory_order_acquire) != submitted_) std::this_thread::yield();
  }

 private:
  std::uint64_t submitted_ = 0;  // the producer's alone
  std::atomic<std::uint64_t> done_{0};
};

/// Counts every global operator new (replaced in main.cpp).
std::uint64_t allocation_count() noexcept;

/// The workload: a no-op that captures a 20-character std::string and two
/// ints. The string's own heap copy (longer than the 15-character inline
/// buffer) is part of every peer's cost, so allocations per task start at 1.
inline auto make_task(int a, int b) {
  return [text = std::string("twenty characters!!!"), a, b] {
    benchmark::DoNotOptimize(text.data());
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
  };
}

inline void report_percentiles(benchmark::State& state, std::vector<double>& samples_ns) {
  if (samples_ns.empty()) return;
  std::sort(samples_ns.begin(), samples_ns.end());
  const auto at = [&](double q) {
    return samples_ns[std::min(samples_ns.size() - 1, static_cast<std::size_t>(q * samples_ns.size()))];
  };
  state.counters["p50_ns"] = at(0.50);
  state.counters["p99_ns"] = at(0.99);
  state.counters["max_ns"] = samples_ns.back();
}

inline double elapsed_ns(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::nano>(b - a).count();
}

/// One producer submits `tasks` tasks; the time includes waiting for all.
template <class Peer>
void throughput(benchmark::State& state) {
  const std::int64_t tasks = state.range(0);
  Peer peer(kWorkers);
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    const std::uint64_t before = allocation_count();
    for (std::int64_t i = 0; i < tasks; ++i) peer.submit(make_task(static_cast<int>(i), 1));
    peer.wait_all();
    allocations += allocation_count() - before;
  }
  state.SetItemsProcessed(state.iterations() * tasks);
  state.counters["allocs_per_task"] =
      static_cast<double>(allocations) / static_cast<double>(state.iterations() * tasks);
}

/// Submits `tasks` tasks, timing each submit call alone (the task is built
/// outside the timed span).
template <class Peer>
void timed_submits(Peer& peer, std::int64_t tasks, std::vector<double>& samples) {
  for (std::int64_t i = 0; i < tasks; ++i) {
    auto task = make_task(static_cast<int>(i), 2);
    const auto t0 = std::chrono::steady_clock::now();
    peer.submit(std::move(task));
    const auto t1 = std::chrono::steady_clock::now();
    samples.push_back(elapsed_ns(t0, t1));
  }
}

/// Submit latency as the producer sees it, workers free to run flat out.
template <class Peer>
void latency_flat_out(benchmark::State& state) {
  const std::int64_t tasks = state.range(0);
  Peer peer(kWorkers);
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(tasks) * 8);
  for (auto _ : state) {
    timed_submits(peer, tasks, samples);
    peer.wait_all();
  }
  report_percentiles(state, samples);
}

/// Submit latency while every worker sleeps 1 ms in a task: the request
/// handler case, where the queue holds what is submitted meanwhile.
template <class Peer>
void latency_busy_workers(benchmark::State& state) {
  const std::int64_t tasks = state.range(0);
  Peer peer(kWorkers);
  std::vector<double> samples;
  for (auto _ : state) {
    for (unsigned w = 0; w < kWorkers; ++w) {
      peer.submit([] { std::this_thread::sleep_for(std::chrono::milliseconds(1)); });
    }
    timed_submits(peer, tasks, samples);
    peer.wait_all();
  }
  report_percentiles(state, samples);
}

/// One submit every millisecond: workers are parked, so each submit must
/// wake one. Measures what that costs the submitter.
template <class Peer>
void latency_idle_workers(benchmark::State& state) {
  Peer peer(kWorkers);
  std::vector<double> samples;
  for (auto _ : state) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto task = make_task(1, 4);
    const auto t0 = std::chrono::steady_clock::now();
    peer.submit(std::move(task));
    const auto t1 = std::chrono::steady_clock::now();
    samples.push_back(elapsed_ns(t0, t1));
  }
  peer.wait_all();
  report_percentiles(state, samples);
}

struct Sizes {
  std::int64_t throughput = kThroughputTasks;
  std::int64_t flat_out = 100'000;
  std::int64_t busy = 2'000;
  std::int64_t idle_samples = 300;
};

template <class Peer>
int register_peer(const char* name, Sizes sizes = {}) {
  const std::string peer = name;
  // Throughput varies with where the scheduler puts the producer and the
  // workers, so each peer is measured in kRepetitions fresh instances (new
  // threads each time) and reported as min / median / max, not one number.
  benchmark::RegisterBenchmark(("throughput/" + peer).c_str(), throughput<Peer>)
      ->Arg(sizes.throughput)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2)
      ->Repetitions(kRepetitions)->ReportAggregatesOnly(true)
      ->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); })
      ->ComputeStatistics("max", [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); });
  benchmark::RegisterBenchmark(("submit_flat_out/" + peer).c_str(), latency_flat_out<Peer>)
      ->Arg(sizes.flat_out)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
  benchmark::RegisterBenchmark(("submit_busy_workers/" + peer).c_str(), latency_busy_workers<Peer>)
      ->Arg(sizes.busy)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(50);
  benchmark::RegisterBenchmark(("submit_idle_workers/" + peer).c_str(), latency_idle_workers<Peer>)
      ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(sizes.idle_samples);
  return 0;
}

}  // namespace bench

#define BG_BENCH_CONCAT2(a, b) a##b
#define BG_BENCH_CONCAT(a, b) BG_BENCH_CONCAT2(a, b)
#define BG_REGISTER_PEER(Peer, ...) \
  [[maybe_unused]] static const int BG_BENCH_CONCAT(registered_, __LINE__) = ::bench::register_peer<Peer>(__VA_ARGS__)
