// bgtasks::redis with a registry table written by hand, as bg-gen would
// write it: no generated code, so this test also runs in the
// ThreadSanitizer build (which does not build bg-gen). Two worker processes'
// worth of workers (two lifespans, each with its bg::redis::Worker) share
// one queue on a real redis-server, while the tasks' ends reach each worker
// from the lifespans' threads.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <bg/lifespan.hpp>
#include <bg/redis.hpp>
#include <bg/registry.hpp>

#include "hand_registered_task.hpp"
#include "redis_server.hpp"

namespace {

using namespace std::chrono_literals;

using bg_test::seen;

TEST(RedisHandRegistered, TwoWorkersShareAQueueAndRunEveryEntryOnce) {
  bg_test::RedisServer server;
  bg::redis::Client client(server.endpoint());
  bg::redis::Batch batch(client, "shared");
  constexpr int kTasks = 3000;
  for (int i = 0; i < kTasks; ++i) {
    std::string key = "k";
    key += std::to_string(i);
    batch.push("hand_record", "[\"" + key + "\"]");
  }
  batch.push("hand_record", "[\"fail-once\"]");
  batch.send();

  bg::Lifespan life_a{{.workers = 2}};
  bg::Lifespan life_b{{.workers = 2}};
  bg::redis::Worker a(life_a, server.endpoint(), {.queues = {"shared"}, .consumer = "a", .max_in_flight = 16});
  bg::redis::Worker b(life_b, server.endpoint(), {.queues = {"shared"}, .consumer = "b", .max_in_flight = 16});
  a.start();
  b.start();
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (a.stats().completed + b.stats().completed < kTasks + 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  a.stop();
  b.stop();
  std::lock_guard lock(seen.mutex);
  EXPECT_EQ(seen.keys.size(), static_cast<std::size_t>(kTasks + 1));
  for (const auto& key : seen.keys) EXPECT_EQ(seen.keys.count(key), 1U) << key;
  EXPECT_EQ(a.stats().retried + b.stats().retried, 1U);  // fail-once, through the delayed set
  EXPECT_GT(a.stats().completed, 0U);
  EXPECT_GT(b.stats().completed, 0U);
  const auto status = bg::redis::queue_status(client, "shared");
  EXPECT_EQ(status.ready + status.pending + status.delayed + status.dead, 0U);
}

TEST(RedisHandRegistered, ALifespanDestroyedWhileItsWorkerRunsStopsTheWorkerFirst) {
  // The lifespan's destructor stops the worker on its own thread while the
  // worker thread reads and the lifespan's threads end tasks: the seam the
  // ThreadSanitizer build checks.
  bg_test::RedisServer server;
  bg::redis::Client client(server.endpoint());
  bg::redis::Batch batch(client, "ends");
  for (int i = 0; i < 500; ++i) batch.push("hand_record", "[\"end-" + std::to_string(i) + "\"]");
  batch.send();
  auto life = std::make_unique<bg::Lifespan>(bg::Config{.workers = 2});
  bg::redis::Worker worker(*life, server.endpoint(), {.queues = {"ends"}, .max_in_flight = 8});
  worker.start();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (worker.stats().completed < 50 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  life.reset();  // with the worker running
  const bg::redis::WorkerStats stats = worker.stats();
  EXPECT_GE(stats.completed, 50U);
  EXPECT_EQ(stats.in_flight, 0U);  // every entry it held was settled or handed back
  EXPECT_EQ(worker.stop().unfinished.size(), 0U);
  EXPECT_THROW(worker.start(), bg::redis::Error);
}

}  // namespace
