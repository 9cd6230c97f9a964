// bgtasks::redis throughput on a real redis-server, in the same run as
// Celery on the same server (bench/redis/compare.py starts the server, runs
// this and the Celery peer, and prints the table). Needs $BG_BENCH_REDIS.
//
//   enqueue/one        generated enqueue(), one round trip per task
//   enqueue/pipelined  enqueue() into a bg::redis::Batch of 1,000, one send each
//   drain/one_process  one worker process (a Lifespan of 2 threads, at most 64
//                      entries in flight, like Celery's prefetch of 64) runs
//                      20,000 queued no-op tasks: from Worker::start() to the
//                      last entry acknowledged
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>

#include <bg/lifespan.hpp>
#include <bg/redis.hpp>

#include "bench_gen.hpp"

namespace {

bg::redis::Endpoint endpoint() {
  const char* url = std::getenv("BG_BENCH_REDIS");
  if (url == nullptr) throw std::runtime_error("set BG_BENCH_REDIS=redis://127.0.0.1:PORT (see compare.py)");
  return bg::redis::Endpoint::parse(url);
}

void reset(bg::redis::Client& client, const std::string& queue) {
  const bg::redis::QueueKeys keys(queue);
  client.command({"DEL", keys.stream, keys.delayed, keys.dead});
}

void enqueue_one(benchmark::State& state) {
  bg::redis::Client client(endpoint());
  reset(client, "bench-enqueue");
  const bg::redis::Queue queue(client, "bench-enqueue");
  for (auto _ : state) benchmark::DoNotOptimize(bench_tasks::noop.enqueue(queue));
  state.SetItemsProcessed(state.iterations());
  reset(client, "bench-enqueue");
}
BENCHMARK(enqueue_one)->Name("enqueue/one")->MinTime(2.0)->UseRealTime();

void enqueue_pipelined(benchmark::State& state) {
  bg::redis::Client client(endpoint());
  reset(client, "bench-enqueue");
  constexpr int kBatch = 1000;
  for (auto _ : state) {
    bg::redis::Batch batch(client, "bench-enqueue");
    for (int i = 0; i < kBatch; ++i) bench_tasks::noop.enqueue(batch);
    benchmark::DoNotOptimize(batch.send());
    state.PauseTiming();
    reset(client, "bench-enqueue");  // keep the stream small: every batch meets the same server state
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(enqueue_pipelined)->Name("enqueue/pipelined")->MinTime(2.0)->UseRealTime();

void drain_one_process(benchmark::State& state) {
  constexpr int kTasks = 20'000;
  bg::redis::Client client(endpoint());
  for (auto _ : state) {
    reset(client, "bench-drain");
    bg::redis::Batch batch(client, "bench-drain");
    for (int i = 0; i < kTasks; ++i) {
      bench_tasks::noop.enqueue(batch);
      if (batch.size() == 1000) batch.send();
    }
    batch.send();
    bg::Lifespan life{{.workers = 2}};
    bg::redis::Worker worker(life, endpoint(), {.queues = {"bench-drain"}, .max_in_flight = 64});
    const auto start = std::chrono::steady_clock::now();
    worker.start();
    while (worker.stats().completed < kTasks) std::this_thread::sleep_for(std::chrono::microseconds(200));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    state.SetIterationTime(std::chrono::duration<double>(elapsed).count());
    worker.stop();
  }
  state.SetItemsProcessed(state.iterations() * kTasks);
  reset(client, "bench-drain");
}
BENCHMARK(drain_one_process)->Name("drain/one_process")->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
