// Bounded queues: OnFull::reject and OnFull::block.
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

#include "sync.hpp"

using namespace std::chrono_literals;

namespace {

TEST(Overflow, RejectThrowsQueueFullAndTryReturnsEmpty) {
  bg::test::Gate gate;
  bg::test::Latch started;
  bg::Lifespan life{{.workers = 1, .queue_capacity = 2, .on_full = bg::OnFull::reject}};
  life.add_task([&] { started.arrive(); gate.wait(); });
  started.wait_for(1);  // the worker holds the first task; the queue is empty
  life.add_task([] {});
  life.add_task([] {});
  try {
    life.add_named_task("third", [] {});
    FAIL() << "expected QueueFull";
  } catch (const bg::QueueFull& e) {
    EXPECT_NE(std::string(e.what()).find("'third'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("(2 tasks)"), std::string::npos);
  }
  EXPECT_FALSE(life.try_add_task([] {}).has_value());
  gate.open();
  life.wait_idle();
  const bg::Stats stats = life.stats();
  EXPECT_EQ(stats.rejected, 2U);
  EXPECT_EQ(stats.submitted, 3U);
  EXPECT_EQ(stats.completed, 3U);
  EXPECT_TRUE(life.try_add_task([] {}).has_value());
}

TEST(Overflow, BlockWaitsForRoomThenSucceeds) {
  bg::test::Gate gate;
  bg::test::Latch started;
  std::atomic<bool> returned{false};
  bg::Lifespan life{{.workers = 1, .queue_capacity = 1, .on_full = bg::OnFull::block}};
  life.add_task([&] { started.arrive(); gate.wait(); });
  started.wait_for(1);
  life.add_task([] {});  // fills the queue
  std::thread producer([&] {
    life.add_task([] {});
    returned = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(returned.load()) << "a full queue with OnFull::block must make the producer wait";
  gate.open();
  producer.join();
  EXPECT_TRUE(returned.load());
  life.wait_idle();
  EXPECT_EQ(life.stats().completed, 3U);
}

TEST(Overflow, BlockedProducerIsReleasedByShutdown) {
  bg::test::Gate gate;
  bg::test::Latch started;
  bg::Lifespan life{{.workers = 1, .queue_capacity = 1, .on_full = bg::OnFull::block,
                     .shutdown_timeout = 20ms, .cancel_grace = 2s}};
  life.add_task([&](const bg::Context& ctx) {
    started.arrive();
    while (!ctx.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
  });
  started.wait_for(1);
  life.add_task([] {});
  std::atomic<bool> shutting_down{false};
  std::thread producer([&] {
    try {
      life.add_task([] {});
    } catch (const bg::ShuttingDown&) {
      shutting_down = true;
    }
  });
  std::this_thread::sleep_for(20ms);
  const bg::ShutdownReport& report = life.shutdown();
  producer.join();
  EXPECT_TRUE(shutting_down.load());
  EXPECT_EQ(report.stats.rejected, 1U);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 2, .cancelled = 2, .rejected = 1}));
  gate.open();
}

TEST(Overflow, BatchIsAllOrNothing) {
  bg::test::Gate gate;
  bg::test::Latch started;
  bg::Lifespan life{{.workers = 1, .queue_capacity = 2, .on_full = bg::OnFull::reject}};
  life.add_task([&] { started.arrive(); gate.wait(); });
  started.wait_for(1);
  life.add_task([] {});
  bg::BackgroundTasks batch;
  batch.add_task([] {}).add_task([] {});
  EXPECT_THROW(life.add_tasks(std::move(batch)), bg::QueueFull);
  EXPECT_EQ(batch.size(), 2U) << "a refused batch keeps its tasks";  // NOLINT(bugprone-use-after-move)
  gate.open();
  life.wait_idle();
  const std::vector<bg::TaskId> ids = life.add_tasks(std::move(batch));
  EXPECT_EQ(ids.size(), 2U);
  EXPECT_TRUE(batch.empty());  // NOLINT(bugprone-use-after-move)
  life.wait_idle();
  EXPECT_EQ(life.stats().completed, 4U);
}

}  // namespace
