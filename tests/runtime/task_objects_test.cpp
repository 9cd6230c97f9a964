// bg::Task, bg::Tasks and bg::BackgroundTasks.
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

#include "sync.hpp"

namespace {

TEST(Task, RunsOnceOnTheCallingThread) {
  int calls = 0;
  bg::Task task([&](int by) { calls += by; }, 2);
  EXPECT_TRUE(task.runnable());
  task();
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(task.runnable());
  EXPECT_THROW(task(), bg::Error);
  EXPECT_EQ(calls, 2);
}

TEST(Task, PropagatesExceptionsToTheCaller) {
  bg::Task task([] { throw std::runtime_error("no"); });
  EXPECT_THROW(task(), std::runtime_error);
}

TEST(Task, NamedTaskKeepsItsNameInTheLifespan) {
  std::string seen;
  bg::Lifespan life{{.workers = 1}};
  bg::Task task = bg::Task::named("report", [&](const bg::Context& ctx) { seen = ctx.name; });
  EXPECT_EQ(task.name(), "report");
  life.add_task(std::move(task));
  life.wait_idle();
  EXPECT_EQ(seen, "report");
  EXPECT_THROW(life.add_task(std::move(task)), bg::Error);  // NOLINT(bugprone-use-after-move)
}

TEST(Tasks, RunSequentiallyInOrderAndStopAtFirstError) {
  std::vector<int> order;
  bg::Tasks tasks;
  tasks.add_task([&] { order.push_back(1); })
      .add_task([&] { throw std::runtime_error("second"); })
      .add_task([&] { order.push_back(3); });
  EXPECT_FALSE(tasks.concurrent());
  EXPECT_THROW(tasks.run(), std::runtime_error);
  EXPECT_EQ(order, std::vector<int>{1});
}

TEST(Tasks, AsGroupRunsConcurrentlyAndWaitsForAll) {
  // Each member waits until all three have started: only a concurrent run
  // can finish.
  bg::test::Latch started;
  std::atomic<int> done{0};
  bg::Tasks group{bg::as_group};
  for (int i = 0; i < 3; ++i) {
    group.add_task([&] { started.arrive(); started.wait_for(3); ++done; });
  }
  EXPECT_TRUE(group.concurrent());
  group.run();
  EXPECT_EQ(done.load(), 3);
}

TEST(Tasks, AsGroupRethrowsTheFirstErrorInOrderAfterAllFinish) {
  std::atomic<int> done{0};
  bg::Tasks group{bg::as_group};
  group.add_task([&] { ++done; })
      .add_task([] { throw std::invalid_argument("first"); })
      .add_task([] { throw std::runtime_error("second"); })
      .add_task([&] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); ++done; });
  EXPECT_THROW(group.run(), std::invalid_argument);
  EXPECT_EQ(done.load(), 2);
}

TEST(Tasks, ReceiveTheStopTokenWhenRunByALifespan) {
  std::atomic<bool> saw_stop_possible{false};
  bg::Lifespan life{{.workers = 1}};
  bg::Tasks tasks;
  tasks.add_task([&](const bg::Context& ctx) { saw_stop_possible = ctx.stop_token.stop_possible(); });
  life.add_task(std::move(tasks));
  life.wait_idle();
  EXPECT_TRUE(saw_stop_possible.load());
}

TEST(BackgroundTasks, SubmitsEachTaskUnderItsName) {
  std::mutex mutex;
  std::vector<std::string> names;
  bg::Lifespan life{{.workers = 2}};
  bg::BackgroundTasks batch;
  batch.add_named_task("email", [&](const bg::Context& ctx, std::string to) {
    std::lock_guard lock(mutex);
    names.push_back(std::string(ctx.name) + ":" + to);
  }, std::string("ada"));
  batch.add_named_task("audit", [&](const bg::Context& ctx) {
    std::lock_guard lock(mutex);
    names.push_back(std::string(ctx.name));
  });
  EXPECT_EQ(batch.size(), 2U);
  const std::vector<bg::TaskId> ids = life.add_tasks(std::move(batch));
  ASSERT_EQ(ids.size(), 2U);
  EXPECT_EQ(ids[1], ids[0] + 1);
  life.wait_idle();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"audit", "email:ada"}));
}

TEST(BackgroundTasks, ShutdownRefusesTheWholeBatch) {
  bg::Lifespan life{{.workers = 1}};
  life.shutdown();
  bg::BackgroundTasks batch;
  batch.add_task([] {}).add_task([] {});
  EXPECT_THROW(life.add_tasks(std::move(batch)), bg::ShuttingDown);
  EXPECT_EQ(life.stats().rejected, 2U);
}

}  // namespace
