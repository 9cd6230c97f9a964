// Inline mode and the worker pool must agree on how every task ends: users'
// unit tests run inline, production runs pooled, and any drift between the
// two makes those tests lie. Each scenario runs in both modes and expects the
// same counts, the same report and the same calls to on_error.
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

#include "sync.hpp"

namespace {

using namespace std::chrono_literals;

enum class Mode { pooled, inline_mode };

std::string mode_name(const testing::TestParamInfo<Mode>& info) {
  return info.param == Mode::pooled ? "Pooled" : "Inline";
}

/// What on_error saw; shared, so a call after the test returns would still
/// be safe (and is asserted not to happen where it must not).
struct ErrorLog {
  std::atomic<int> calls{0};
  std::mutex mutex;
  std::vector<std::string> names;
};

class OutcomeParity : public testing::TestWithParam<Mode> {
 protected:
  bg::Config config(std::chrono::milliseconds timeout = 5s, std::chrono::milliseconds grace = 5s) const {
    auto log = errors_;
    return bg::Config{.workers = 1,
                      .shutdown_timeout = timeout,
                      .cancel_grace = grace,
                      .on_error =
                          [log](const bg::TaskError& error) {
                            std::lock_guard lock(log->mutex);
                            log->names.emplace_back(error.name);
                            ++log->calls;
                          },
                      .run_inline = GetParam() == Mode::inline_mode};
  }

  /// Submits from another thread: inline mode runs the task there, so the
  /// test thread stays free to shut down while it runs.
  template <class Submit>
  void submit_from_thread(Submit submit) {
    submitters_.emplace_back(std::move(submit));
  }
  void join_submitters() {
    for (auto& thread : submitters_) thread.join();
    submitters_.clear();
  }
  void TearDown() override { join_submitters(); }

  std::shared_ptr<ErrorLog> errors_ = std::make_shared<ErrorLog>();
  std::vector<std::thread> submitters_;
};

TEST_P(OutcomeParity, ACompletedTaskIsCountedOnce) {
  bg::Lifespan life{config()};
  life.add_named_task("ok", [] {});
  life.wait_idle();
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1}));
  EXPECT_TRUE(life.shutdown().unfinished.empty());
  EXPECT_EQ(errors_->calls.load(), 0);
}

TEST_P(OutcomeParity, AThrowingTaskReachesOnErrorAndCountsAsFailed) {
  bg::Lifespan life{config()};
  life.add_named_task("boom", [] { throw std::runtime_error("boom"); });
  life.wait_idle();
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .failed = 1}));
  EXPECT_EQ(errors_->calls.load(), 1);
  EXPECT_EQ(errors_->names, std::vector<std::string>{"boom"});
  EXPECT_TRUE(life.shutdown().unfinished.empty());
}

TEST_P(OutcomeParity, ATaskThatReturnsAfterStopIsListedAsStopped) {
  bg::test::Latch started;
  bg::Lifespan life{config(20ms)};
  submit_from_thread([&] {
    life.add_named_task("cooperative", [&](const bg::Context& ctx) {
      started.arrive();
      while (!ctx.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
    });
  });
  started.wait_for(1);
  const bg::ShutdownReport& report = life.shutdown();
  join_submitters();
  EXPECT_TRUE(report.timed_out);
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].name, "cooperative");
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::stopped);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 1, .cancelled = 1}));
  EXPECT_EQ(errors_->calls.load(), 0);
}

TEST_P(OutcomeParity, ATaskThatThrowsAfterStopIsListedAsFailedAndReported) {
  bg::test::Latch started;
  bg::Lifespan life{config(20ms)};
  submit_from_thread([&] {
    life.add_named_task("throws_on_stop", [&](const bg::Context& ctx) {
      started.arrive();
      while (!ctx.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
      throw std::runtime_error("stopped");
    });
  });
  started.wait_for(1);
  const bg::ShutdownReport& report = life.shutdown();
  join_submitters();
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::failed);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 1, .failed = 1}));
  EXPECT_EQ(errors_->calls.load(), 1);
}

// An abandoned task is final in the report; what it does when it finally
// returns (here: throws) is not reported, in either mode.
TEST_P(OutcomeParity, AnAbandonedTaskThatLaterThrowsDoesNotReachOnError) {
  auto release = std::make_shared<bg::test::Gate>();
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> task_state = alive;
  bg::test::Latch started;
  {
    bg::Lifespan life{config(10ms, 10ms)};
    submit_from_thread([&life, &started, release, alive = std::move(alive)]() mutable {
      life.add_named_task("stubborn", [&started, release, held = std::move(alive)] {
        started.arrive();
        release->wait();
        throw std::runtime_error("too late");
      });
    });
    started.wait_for(1);
    const bg::ShutdownReport& report = life.shutdown();
    ASSERT_EQ(report.unfinished.size(), 1U);
    EXPECT_EQ(report.unfinished[0].state, bg::TaskState::abandoned);
    EXPECT_EQ(report.stats, (bg::Stats{.submitted = 1, .abandoned = 1}));
    release->open();
    join_submitters();
    // The task (and what it holds) is destroyed right after it returns; the
    // worker would report it within microseconds of that.
    while (!task_state.expired()) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .abandoned = 1}));
  }
  EXPECT_EQ(errors_->calls.load(), 0);
}

TEST_P(OutcomeParity, BatchTasksNotStartedAtTheDeadlineAreDiscarded) {
  bg::test::Latch started;
  std::atomic<int> later_ran{0};
  bg::Lifespan life{config(20ms)};
  bg::BackgroundTasks batch;
  batch.add_named_task("blocker", [&](const bg::Context& ctx) {
    started.arrive();
    while (!ctx.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
  });
  batch.add_named_task("after_a", [&] { ++later_ran; });
  batch.add_named_task("after_b", [&] { ++later_ran; });
  std::vector<bg::TaskId> ids;
  submit_from_thread([&] { ids = life.add_tasks(std::move(batch)); });
  started.wait_for(1);
  const bg::ShutdownReport& report = life.shutdown();
  join_submitters();
  EXPECT_EQ(later_ran.load(), 0);
  EXPECT_EQ(ids, (std::vector<bg::TaskId>{1, 2, 3}));
  ASSERT_EQ(report.unfinished.size(), 3U);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::stopped);
  EXPECT_EQ(report.unfinished[1].state, bg::TaskState::discarded);
  EXPECT_EQ(report.unfinished[2].state, bg::TaskState::discarded);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 3, .cancelled = 3}));
}

// add_tasks is all or nothing: once admitted, a batch is never cut in two by
// a shutdown that begins while its first task runs.
TEST_P(OutcomeParity, ABatchAdmittedBeforeShutdownRunsWhole) {
  std::atomic<int> ran{0};
  std::atomic<int> nested{0};
  std::thread stopper;
  bg::test::Latch stopper_started;
  bg::Lifespan life{config()};
  bg::BackgroundTasks batch;
  batch.add_named_task("first", [&] {
    ++ran;
    stopper = std::thread([&] { life.shutdown(); });
    stopper_started.arrive();
    // Wait until intake has closed; tasks accepted meanwhile run too.
    while (life.try_add_task([&] { ++nested; })) std::this_thread::yield();
  });
  batch.add_named_task("second", [&] { ++ran; });
  batch.add_named_task("third", [&] { ++ran; });
  std::vector<bg::TaskId> ids;
  EXPECT_NO_THROW(ids = life.add_tasks(std::move(batch)));
  EXPECT_EQ(ids.size(), 3U);
  stopper_started.wait_for(1);
  stopper.join();
  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_EQ(ran.load(), 3);
  EXPECT_FALSE(report.timed_out);
  EXPECT_TRUE(report.unfinished.empty());
  const auto accepted = static_cast<std::uint64_t>(nested.load());
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 3 + accepted, .completed = 3 + accepted, .rejected = 1}));
}

TEST_P(OutcomeParity, CountsAreExactWhileTasksRun) {
  bg::test::Gate gate;
  bg::test::Latch started;
  bg::Lifespan life{config()};
  bg::BackgroundTasks batch;
  batch.add_task([&] { started.arrive(); gate.wait(); });
  batch.add_task([] {});
  batch.add_task([] { throw std::runtime_error("x"); });
  submit_from_thread([&] { life.add_tasks(std::move(batch)); });
  started.wait_for(1);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 3, .queued = 2, .running = 1}));
  gate.open();
  join_submitters();
  life.wait_idle();
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 3, .completed = 2, .failed = 1}));
}

INSTANTIATE_TEST_SUITE_P(BothModes, OutcomeParity, testing::Values(Mode::pooled, Mode::inline_mode), mode_name);

}  // namespace
