// The machine's own state, measured in the same run as the peers.
//
// Throughput of every peer depends on what moving a cache line between the
// two CPUs costs. On a virtual machine that cost changes when the host moves
// the vCPUs (cores sharing an L3 cache or not), and with it every peer's
// figures. Printing it beside them tells a reader which kind of run a table
// came from.
#include <atomic>
#include <chrono>
#include <thread>

#include <benchmark/benchmark.h>

namespace {

void cache_line_round_trip(benchmark::State& state) {
  constexpr int kBounces = 200'000;
  alignas(64) std::atomic<int> ball{0};
  for (auto _ : state) {
    ball.store(0);
    std::thread partner([&] {
      for (int i = 0; i < kBounces; ++i) {
        while (ball.load(std::memory_order_acquire) != 2 * i + 1) {
        }
        ball.store(2 * i + 2, std::memory_order_release);
      }
    });
    const auto begin = std::chrono::steady_clock::now();
    for (int i = 0; i < kBounces; ++i) {
      ball.store(2 * i + 1, std::memory_order_release);
      while (ball.load(std::memory_order_acquire) != 2 * i + 2) {
      }
    }
    const auto end = std::chrono::steady_clock::now();
    partner.join();
    state.counters["round_trip_ns"] = std::chrono::duration<double, std::nano>(end - begin).count() / kBounces;
  }
}

BENCHMARK(cache_line_round_trip)->Name("machine/cache_line_round_trip")->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
