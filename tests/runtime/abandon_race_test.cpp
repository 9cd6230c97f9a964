// Shutdown abandons a task at shutdown_timeout + cancel_grace while the task
// may be finishing at that very moment. Exactly one side owns the outcome:
// the task is either abandoned or stopped, listed once, counted once, and
// shutdown never reads what the worker has already handed back.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <thread>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Enough rounds to cross the window many times; each takes about 1 ms.
constexpr int kRounds = 2'500;

TEST(AbandonRace, ATaskEndingAtTheAbandonDeadlineIsSettledExactlyOnce) {
  const auto grace = 1ms;
  int abandoned = 0;
  int stopped = 0;
  for (int round = 0; round < kRounds; ++round) {
    // Ends between 300 us before and 300 us after the abandon deadline,
    // ignoring its stop token apart from timing itself by it.
    const auto offset = std::chrono::microseconds((round * 37) % 600) - 300us;
    bg::ShutdownReport report;
    {
      bg::Lifespan life{{.workers = 1, .shutdown_timeout = 0ms, .cancel_grace = grace}};
      std::atomic<bool> started{false};
      life.add_named_task("edge", [grace, offset, &started](const bg::Context& ctx) {
        started = true;
        const auto give_up = Clock::now() + 1s;
        while (!ctx.stop_token.stop_requested() && Clock::now() < give_up) std::this_thread::yield();
        const auto end = Clock::now() + grace + offset;
        while (Clock::now() < end) std::this_thread::yield();
      });
      while (!started) std::this_thread::yield();  // running, not discarded
      report = life.shutdown();
    }
    ASSERT_EQ(report.unfinished.size(), 1U) << "round " << round;
    const bg::TaskRecord& task = report.unfinished[0];
    ASSERT_EQ(task.id, 1U);
    ASSERT_EQ(task.name, "edge");
    if (task.state == bg::TaskState::abandoned) {
      ++abandoned;
      ASSERT_EQ(report.stats, (bg::Stats{.submitted = 1, .abandoned = 1})) << "round " << round;
    } else {
      ++stopped;
      ASSERT_EQ(task.state, bg::TaskState::stopped) << "round " << round;
      ASSERT_EQ(report.stats, (bg::Stats{.submitted = 1, .cancelled = 1})) << "round " << round;
    }
  }
  // Both sides of the race were exercised, or the test says nothing.
  EXPECT_GT(abandoned, 0);
  EXPECT_GT(stopped, 0);
  std::printf("abandoned %d, stopped %d of %d rounds\n", abandoned, stopped, kRounds);
}

}  // namespace
