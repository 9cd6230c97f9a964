// Shutdown: drain, grace period, stop request, discard, abandon, report.
#include <atomic>
#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

#include "sync.hpp"

using namespace std::chrono_literals;

namespace {

TEST(Shutdown, DrainsQueuedAndRunningTasksWithinTheGracePeriod) {
  std::atomic<int> done{0};
  bg::Lifespan life{{.workers = 2, .shutdown_timeout = 10s}};
  for (int i = 0; i < 50; ++i) {
    life.add_task([&] { std::this_thread::sleep_for(1ms); ++done; });
  }
  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_FALSE(report.timed_out);
  EXPECT_TRUE(report.unfinished.empty());
  EXPECT_EQ(done.load(), 50);
  EXPECT_EQ(report.stats.completed, 50U);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 50, .completed = 50}));
}

TEST(Shutdown, IsIdempotent) {
  bg::Lifespan life{{.workers = 1}};
  const bg::ShutdownReport& first = life.shutdown();
  const bg::ShutdownReport& second = life.shutdown();
  EXPECT_EQ(&first, &second);
}

TEST(Shutdown, RejectsAndCountsLaterSubmissions) {
  bg::Lifespan life{{.workers = 1}};
  life.shutdown();
  try {
    life.add_named_task("late", [] {});
    FAIL() << "expected ShuttingDown";
  } catch (const bg::ShuttingDown& e) {
    EXPECT_NE(std::string(e.what()).find("'late'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(life.try_add_task([] {}).has_value());
  EXPECT_EQ(life.stats().rejected, 2U);
  EXPECT_EQ(life.stats().submitted, 0U);
}

TEST(Shutdown, StopsCooperativeTasksAndDiscardsQueuedOnes) {
  bg::test::Latch started;
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 50ms, .cancel_grace = 5s}};
  const bg::TaskId running = life.add_named_task("cooperative", [&](const bg::Context& ctx) {
    started.arrive();
    while (!ctx.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
  });
  const bg::TaskId queued_a = life.add_named_task("waiting", [] {});
  const bg::TaskId queued_b = life.add_named_task("waiting", [] {});
  started.wait_for(1);

  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_TRUE(report.timed_out);
  ASSERT_EQ(report.unfinished.size(), 3U);
  EXPECT_EQ(report.unfinished[0].id, running);
  EXPECT_EQ(report.unfinished[0].name, "cooperative");
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::stopped);
  EXPECT_EQ(report.unfinished[1].id, queued_a);
  EXPECT_EQ(report.unfinished[1].state, bg::TaskState::discarded);
  EXPECT_EQ(report.unfinished[2].id, queued_b);
  EXPECT_EQ(report.stats.cancelled, 3U);
  EXPECT_EQ(report.stats.abandoned, 0U);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 3, .cancelled = 3}));
  EXPECT_EQ(report.stats.queued + report.stats.running, 0U);
}

TEST(Shutdown, ReturnsByItsDeadlineWhenATaskIgnoresStop) {
  auto release = std::make_shared<bg::test::Gate>();
  bg::test::Latch started;
  const auto timeout = 100ms;
  const auto grace = 100ms;
  std::chrono::steady_clock::duration took{};
  bg::ShutdownReport report;
  {
    bg::Lifespan life{{.workers = 2, .shutdown_timeout = timeout, .cancel_grace = grace}};
    life.add_named_task("stubborn", [release, &started] { started.arrive(); release->wait(); });
    life.add_named_task("quick", [] {});
    started.wait_for(1);
    const auto begin = std::chrono::steady_clock::now();
    report = life.shutdown();
    took = std::chrono::steady_clock::now() - begin;
  }
  // Documented bound: shutdown_timeout + cancel_grace, plus scheduling slack.
  EXPECT_GE(took, timeout + grace);
  EXPECT_LT(took, timeout + grace + 2s);
  EXPECT_TRUE(report.timed_out);
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].name, "stubborn");
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::abandoned);
  EXPECT_EQ(report.stats.abandoned, 1U);
  EXPECT_EQ(report.stats.completed, 1U);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 2, .completed = 1, .abandoned = 1}));
  release->open();  // the detached thread finishes its task and ends
}

TEST(Shutdown, DestructorPrintsTheReportWhenTasksDidNotFinish) {
  testing::internal::CaptureStderr();
  {
    bg::test::Latch started;  // declared first: it must outlive the lifespan
    bg::Lifespan life{{.workers = 1, .shutdown_timeout = 10ms, .cancel_grace = 2s}};
    life.add_named_task("slow", [&](const bg::Context& ctx) {
      started.arrive();
      while (!ctx.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
    });
    started.wait_for(1);
  }
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("shutdown timed out"), std::string::npos) << err;
  EXPECT_NE(err.find("task 'slow' (id 1) stopped"), std::string::npos) << err;
}

TEST(Shutdown, ReportPrintsOneLinePerUnfinishedTask) {
  bg::ShutdownReport report;
  report.timed_out = true;
  report.stats.submitted = 2;
  report.stats.cancelled = 1;
  report.stats.abandoned = 1;
  report.unfinished = {{4, "mail", bg::TaskState::discarded, "not yet due"}, {5, "audit", bg::TaskState::abandoned, ""}};
  std::ostringstream out;
  out << report;
  EXPECT_EQ(out.str(),
            "bg: shutdown timed out: submitted=2 completed=0 failed=0 cancelled=1 abandoned=1 "
            "rejected=0 queued=0 running=0 scheduled=0 retried=0\n"
            "bg:   task 'mail' (id 4) discarded: not yet due\n"
            "bg:   task 'audit' (id 5) abandoned\n");
}

TEST(Shutdown, ConcurrentSubmittersAreRejectedNeverLost) {
  std::atomic<std::uint64_t> ran{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<bool> go{true};
  bg::Stats final_stats;
  {
    bg::Lifespan life{{.workers = 2}};
    std::vector<std::thread> producers;
    for (int p = 0; p < 3; ++p) {
      producers.emplace_back([&] {
        while (go) {
          try {
            bg::detail::submit_to_current("p", bg::detail::ErasedTask::make([&] { ++ran; }));
            ++accepted;
          } catch (const bg::ShuttingDown&) {
            ++refused;
          } catch (const bg::NoLifespan&) {
            return;  // the lifespan is gone: nothing was submitted
          }
        }
      });
    }
    std::this_thread::sleep_for(20ms);
    final_stats = life.shutdown().stats;
    go = false;
    for (auto& t : producers) t.join();
    EXPECT_EQ(life.stats().rejected, refused.load());
  }
  EXPECT_EQ(final_stats.submitted, accepted.load());
  EXPECT_EQ(final_stats.completed, ran.load());
  EXPECT_EQ(final_stats.completed, accepted.load());
}

}  // namespace
