// Task policies (retry, time limit, concurrency), delayed tasks and the
// per-task metrics, on blocking tasks. Policies are given with
// Lifespan::set_policy here; tests/generated checks that the attributes
// bg-gen reads reach the same place.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

#include "../support/eventually.hpp"
#include "../support/failures.hpp"
#include "../support/retryable.hpp"
#include "../support/sync.hpp"

using namespace std::chrono_literals;

namespace {

using bg::test::eventually;
using bg::test::Failures;

const bg::TaskStats& stats_of(const std::vector<bg::TaskStats>& all, std::string_view name) {
  const auto it = std::find_if(all.begin(), all.end(), [&](const bg::TaskStats& t) { return t.name == name; });
  if (it == all.end()) throw std::runtime_error("no stats for " + std::string(name));
  return *it;
}

constexpr bg::TaskPolicy fast_retries(unsigned n) {
  return {.retries = n, .backoff_base = 1ms, .backoff_cap = 4ms};
}

}  // namespace

TEST(Backoff, IsFullJitterUnderAnExponentialCap) {
  const bg::TaskPolicy policy{.retries = 10, .backoff_base = 100ms, .backoff_cap = 1000ms};
  EXPECT_EQ(bg::retry_backoff(policy, 1, 0.0), 0ms);
  EXPECT_EQ(bg::retry_backoff(policy, 1, 0.5), 50ms);
  EXPECT_EQ(bg::retry_backoff(policy, 2, 0.5), 100ms);
  EXPECT_EQ(bg::retry_backoff(policy, 3, 0.5), 200ms);
  EXPECT_EQ(bg::retry_backoff(policy, 5, 0.5), 500ms);    // 1600 capped at 1000
  EXPECT_EQ(bg::retry_backoff(policy, 200, 0.5), 500ms);  // no overflow far out
}

TEST(Delay, ADelayedTaskWaitsWithoutAWorkerAndIsCountedScheduled) {
  bg::Lifespan life{{.workers = 1}};
  std::atomic<bool> ran{false};
  const auto start = std::chrono::steady_clock::now();
  std::atomic<std::chrono::steady_clock::time_point> ran_at{};
  life.add_task_after(150ms, [&] {
    ran_at = std::chrono::steady_clock::now();
    ran = true;
  });
  EXPECT_EQ(life.stats().scheduled, 1U);
  EXPECT_EQ(life.stats().queued, 0U);
  // The one worker is free meanwhile.
  std::atomic<bool> other{false};
  life.add_task([&] { other = true; });
  ASSERT_TRUE(eventually([&] { return other.load(); }));
  EXPECT_FALSE(ran.load());
  life.wait_idle();  // waits for scheduled tasks too
  ASSERT_TRUE(ran.load());
  EXPECT_GE(ran_at.load() - start, 150ms);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 2, .completed = 2}));
}

TEST(Delay, TasksRunInDueOrderNotSubmissionOrder) {
  bg::Lifespan life{{.workers = 1}};
  std::mutex mutex;
  std::vector<int> order;
  const auto now = std::chrono::steady_clock::now();
  for (int i : {3, 1, 2}) {
    life.add_named_task_at("ordered", now + i * 40ms, [&, i] {
      std::lock_guard lock(mutex);
      order.push_back(i);
    });
  }
  life.wait_idle();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Delay, ATimeAlreadyPastRunsAtOnce) {
  bg::Lifespan life{{.workers = 1}};
  life.add_named_task_at("past", std::chrono::steady_clock::now() - 1h, [] {});
  EXPECT_EQ(life.stats().scheduled, 0U);
  life.wait_idle();
  EXPECT_EQ(life.stats().completed, 1U);
}

TEST(Delay, ATaskNotYetDueAtShutdownIsDiscardedAndReported) {
  bg::Lifespan life{{.workers = 1}};
  const bg::TaskId id = life.add_named_task_after("reminder", 1h, [] { ADD_FAILURE() << "ran"; });
  const auto start = std::chrono::steady_clock::now();
  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // not waited for
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].id, id);
  EXPECT_EQ(report.unfinished[0].name, "reminder");
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::discarded);
  EXPECT_EQ(report.unfinished[0].reason, "not yet due");
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 1, .cancelled = 1}));
  EXPECT_FALSE(report.timed_out);
  EXPECT_THROW(life.add_task_after(1ms, [] {}), bg::ShuttingDown);
}

TEST(Retry, AFailingTaskIsRetriedWithItsAttemptNumber) {
  Failures failures;
  bg::Lifespan life{{.workers = 2, .on_error = failures.handler()}};
  life.set_policy("flaky", fast_retries(3));
  std::mutex mutex;
  std::vector<unsigned> attempts;
  std::vector<bg::TaskId> ids;
  const bg::TaskId id = bg::test::add_retryable_task(life, "flaky", [&](const bg::Context& context) {
    {
      std::lock_guard lock(mutex);
      attempts.push_back(context.attempt);
      ids.push_back(context.id);
    }
    if (context.attempt < 3) throw std::runtime_error("try again");
  });
  life.wait_idle();
  EXPECT_EQ(attempts, (std::vector<unsigned>{1, 2, 3}));
  EXPECT_EQ(ids, (std::vector<bg::TaskId>{id, id, id}));  // one task, one id
  ASSERT_EQ(failures.seen.size(), 2U);
  EXPECT_EQ(failures.seen[0].attempt, 1U);
  EXPECT_TRUE(failures.seen[0].will_retry);
  EXPECT_EQ(failures.seen[1].attempt, 2U);
  EXPECT_TRUE(failures.seen[1].will_retry);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1, .retried = 2}));
  const auto task = stats_of(life.task_stats(), "flaky");
  EXPECT_EQ(task.retried, 2U);
  EXPECT_EQ(task.completed, 1U);
  EXPECT_EQ(task.run_time.count(), 3U);  // every attempt is observed
}

TEST(Retry, TheLastFailureIsFinalAndSaysSo) {
  Failures failures;
  bg::Lifespan life{{.workers = 1, .on_error = failures.handler()}};
  life.set_policy("doomed", fast_retries(2));
  std::atomic<int> runs{0};
  bg::test::add_retryable_task(life, "doomed", [&] {
    ++runs;
    throw std::runtime_error("always");
  });
  life.wait_idle();
  EXPECT_EQ(runs.load(), 3);
  ASSERT_EQ(failures.seen.size(), 3U);
  EXPECT_TRUE(failures.seen[0].will_retry);
  EXPECT_TRUE(failures.seen[1].will_retry);
  EXPECT_FALSE(failures.seen[2].will_retry);
  EXPECT_EQ(failures.seen[2].attempt, 3U);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .failed = 1, .retried = 2}));
}

TEST(Retry, NoRetryEndsItAtOnce) {
  Failures failures;
  bg::Lifespan life{{.workers = 1, .on_error = failures.handler()}};
  life.set_policy("permanent", fast_retries(5));
  std::atomic<int> runs{0};
  bg::test::add_retryable_task(life, "permanent", [&] {
    ++runs;
    throw bg::NoRetry("no such mailbox");
  });
  life.wait_idle();
  EXPECT_EQ(runs.load(), 1);
  ASSERT_EQ(failures.seen.size(), 1U);
  EXPECT_FALSE(failures.seen[0].will_retry);
  EXPECT_EQ(failures.seen[0].what, "no such mailbox");
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .failed = 1}));
}

TEST(Retry, ArgumentsAreFreshForEveryAttempt) {
  bg::Lifespan life{{.workers = 1, .on_error = [](const bg::TaskError&) {}}};
  life.set_policy("consumes", fast_retries(2));
  std::mutex mutex;
  std::vector<std::size_t> sizes;
  bg::test::add_retryable_task(life, "consumes", [&](const bg::Context& context, std::string body) {
    const std::string taken = std::move(body);  // a by-value argument, moved from
    std::lock_guard lock(mutex);
    sizes.push_back(taken.size());
    if (context.attempt < 3) throw std::runtime_error("again");
  }, std::string(100, 'x'));
  life.wait_idle();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{100, 100, 100}));
}

TEST(Retry, ATaskSubmittedWithoutACopyFailsForGoodAndSaysWhy) {
  bg::Lifespan life{{.workers = 1, .on_error = [](const bg::TaskError&) {}}};
  life.set_policy("uncopied", fast_retries(2));
  std::atomic<int> runs{0};
  testing::internal::CaptureStderr();
  life.add_named_task("uncopied", [&] {
    ++runs;
    throw std::runtime_error("down");
  });
  life.wait_idle();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_NE(err.find("'uncopied' has a retry policy, but it was submitted without a way to copy"), std::string::npos);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .failed = 1}));
}

TEST(Retry, ARetryWaitingAtShutdownIsDiscardedAndReported) {
  bg::Lifespan life{{.workers = 1, .on_error = [](const bg::TaskError&) {}}};
  life.set_policy("later", {.retries = 3, .backoff_base = 1h, .backoff_cap = 1h});
  std::atomic<int> runs{0};
  const bg::TaskId id = bg::test::add_retryable_task(life, "later", [&] {
    ++runs;
    throw std::runtime_error("down");
  });
  // The backoff is random in [0, 1h]: wait until the retry is scheduled.
  ASSERT_TRUE(eventually([&] { return life.stats().scheduled == 1; }));
  const bg::ShutdownReport& report = life.shutdown();
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].id, id);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::discarded);
  EXPECT_EQ(report.unfinished[0].reason, "retry 1 of 3 not yet due");
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 1, .retried = 1, .cancelled = 1}));
}

TEST(Retry, InlineModeRetriesAtOnce) {
  Failures failures;
  bg::Lifespan life{{.on_error = failures.handler(), .run_inline = true}};
  life.set_policy("flaky", {.retries = 2, .backoff_base = 1h, .backoff_cap = 1h});
  std::vector<unsigned> attempts;
  bg::test::add_retryable_task(life, "flaky", [&](const bg::Context& context) {
    attempts.push_back(context.attempt);
    if (context.attempt == 1) throw std::runtime_error("once");
  });
  EXPECT_EQ(attempts, (std::vector<unsigned>{1, 2}));  // before add_named_task returned
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1, .retried = 1}));
}

TEST(TimeLimit, ARunPastItsLimitIsStoppedAndFailsWithTimeLimitExceeded) {
  Failures failures;
  bg::Lifespan life{{.workers = 1, .on_error = failures.handler()}};
  life.set_policy("slow", {.timeout = 50ms});
  const auto start = std::chrono::steady_clock::now();
  life.add_named_task("slow", [](const bg::Context& context) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!context.stop_token.stop_requested() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
  });
  life.wait_idle();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  ASSERT_EQ(failures.seen.size(), 1U);
  EXPECT_THROW(std::rethrow_exception(failures.seen[0].exception), bg::TimeLimitExceeded);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .failed = 1}));
  const auto task = stats_of(life.task_stats(), "slow");
  EXPECT_EQ(task.timed_out, 1U);
  EXPECT_EQ(task.overrunning, 0U);
  // The worker's own stop token was not touched: the next task runs normally.
  std::atomic<bool> stopped{true};
  life.add_task([&](const bg::Context& context) { stopped = context.stop_token.stop_requested(); });
  life.wait_idle();
  EXPECT_FALSE(stopped.load());
}

TEST(TimeLimit, ARunThatIgnoresItKeepsItsWorkerAndIsCountedOverrunning) {
  Failures failures;
  bg::Lifespan life{{.workers = 1, .on_error = failures.handler()}};
  life.set_policy("stubborn", {.timeout = 20ms});
  bg::test::Gate release;
  life.add_named_task("stubborn", [&] { release.wait(); });
  ASSERT_TRUE(eventually([&] { return stats_of(life.task_stats(), "stubborn").overrunning == 1; }));
  EXPECT_EQ(life.stats().running, 1U);
  release.open();
  life.wait_idle();
  const auto task = stats_of(life.task_stats(), "stubborn");
  EXPECT_EQ(task.overrunning, 0U);
  EXPECT_EQ(task.timed_out, 1U);
  EXPECT_EQ(task.failed, 1U);
  ASSERT_EQ(failures.seen.size(), 1U);
  EXPECT_NE(failures.seen[0].what.find("exceeded its time limit of 20 ms"), std::string::npos);
}

TEST(TimeLimit, ATimedOutRunIsRetriedWhenThePolicySaysSo) {
  Failures failures;
  bg::Lifespan life{{.workers = 1, .on_error = failures.handler()}};
  life.set_policy("sometimes_slow", {.retries = 1, .backoff_base = 1ms, .backoff_cap = 1ms, .timeout = 30ms});
  bg::test::add_retryable_task(life, "sometimes_slow", [](const bg::Context& context) {
    if (context.attempt == 1) {
      while (!context.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
    }
  });
  life.wait_idle();
  ASSERT_EQ(failures.seen.size(), 1U);
  EXPECT_TRUE(failures.seen[0].will_retry);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1, .retried = 1}));
}

TEST(TimeLimit, ShutdownStillStopsARunWithALimit) {
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 20ms}};
  life.set_policy("long", {.timeout = 1h});
  bg::test::Latch started;
  life.add_named_task("long", [&](const bg::Context& context) {
    started.arrive();
    while (!context.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
  });
  started.wait_for(1);
  const bg::ShutdownReport& report = life.shutdown();
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::stopped);
}

TEST(Concurrency, AtMostKRunAtOnceInSubmissionOrder) {
  bg::Lifespan life{{.workers = 4}};
  life.set_policy("limited", {.concurrency = 2});
  bg::test::Peak peak;
  std::mutex mutex;
  std::vector<int> order;
  for (int i = 0; i < 40; ++i) {
    life.add_named_task("limited", [&, i] {
      peak.enter();
      {
        std::lock_guard lock(mutex);
        order.push_back(i);
      }
      std::this_thread::sleep_for(2ms);
      peak.leave();
    });
  }
  life.wait_idle();
  EXPECT_EQ(peak.most(), 2);
  ASSERT_EQ(order.size(), 40U);
  // Starts follow submission order, give or take the two places.
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_LE(std::abs(order[i] - static_cast<int>(i)), 1) << i;
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 40, .completed = 40}));
}

TEST(Concurrency, AFloodOfOneLimitedTaskDoesNotHoldUpOtherTasks) {
  constexpr int kFlood = 10'000;
  constexpr int kOthers = 2'000;
  bg::Lifespan life{{.workers = 3}};
  life.set_policy("limited", {.concurrency = 1});
  bg::test::Gate release;
  std::atomic<int> limited_runs{0};
  bg::test::Peak limited_peak;
  std::vector<int> order;  // written by one run at a time (the limit is 1)
  order.reserve(kFlood);
  for (int i = 0; i < kFlood; ++i) {
    life.add_named_task("limited", [&, i] {
      limited_peak.enter();
      if (i == 0) release.wait();  // the first one holds the only place
      order.push_back(i);
      ++limited_runs;
      limited_peak.leave();
    });
  }
  std::atomic<int> others{0};
  for (int i = 0; i < kOthers; ++i) life.add_named_task("other", [&] { ++others; });
  // Every other task completes while 9,999 limited ones wait behind the
  // first, and the waiting ones hold no worker.
  ASSERT_TRUE(eventually([&] { return others.load() == kOthers; }));
  EXPECT_EQ(limited_runs.load(), 0);
  const auto limited = stats_of(life.task_stats(), "limited");
  EXPECT_EQ(limited.running, 1U);
  EXPECT_EQ(limited.queued, static_cast<std::uint64_t>(kFlood - 1));
  EXPECT_EQ(life.stats().queued, static_cast<std::uint64_t>(kFlood - 1));
  release.open();
  life.wait_idle();
  EXPECT_EQ(limited_runs.load(), kFlood);
  EXPECT_EQ(limited_peak.most(), 1);
  for (int i = 0; i < kFlood; ++i) ASSERT_EQ(order[static_cast<std::size_t>(i)], i);  // submission order
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = kFlood + kOthers, .completed = kFlood + kOthers}));
}

TEST(Concurrency, TasksWaitingForAPlaceAtTheDeadlineAreDiscardedAndReported) {
  bg::Lifespan life{{.workers = 2, .shutdown_timeout = 30ms, .cancel_grace = 2s}};
  life.set_policy("limited", {.concurrency = 1});
  bg::test::Latch started;
  for (int i = 0; i < 5; ++i) {
    life.add_named_task("limited", [&](const bg::Context& context) {
      started.arrive();
      while (!context.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
    });
  }
  started.wait_for(1);
  ASSERT_TRUE(eventually([&] { return life.stats().queued == 4; }));
  const bg::ShutdownReport& report = life.shutdown();
  ASSERT_EQ(report.unfinished.size(), 5U);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::stopped);
  for (std::size_t i = 1; i < 5; ++i) {
    EXPECT_EQ(report.unfinished[i].state, bg::TaskState::discarded);
    EXPECT_EQ(report.unfinished[i].reason, "waiting for a concurrency slot");
  }
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 5, .cancelled = 5}));
}

TEST(Policies, SetPolicyAfterTheFirstSubmissionThrows) {
  bg::Lifespan life{{.workers = 1}};
  life.add_named_task("early", [] {});
  EXPECT_THROW(life.set_policy("early", {.retries = 1}), bg::Error);
  EXPECT_THROW(life.set_policy("negative", {.timeout = -1ms}), bg::Error);
}

TEST(Metrics, CountersAndHistogramsMatchWhatRan) {
  bg::Lifespan life{{.workers = 2, .queue_capacity = 4, .on_full = bg::OnFull::reject,
                     .on_error = [](const bg::TaskError&) {}}};
  bg::test::Gate hold;
  for (int i = 0; i < 2; ++i) life.add_named_task("blocker", [&] { hold.wait(); });
  ASSERT_TRUE(eventually([&] { return life.stats().running == 2; }));
  for (int i = 0; i < 4; ++i) life.add_named_task("quick", [] {});
  EXPECT_FALSE(life.try_add_named_task("quick", [] {}).has_value());  // full: rejected
  hold.open();
  life.wait_idle();
  for (int i = 0; i < 3; ++i) life.add_named_task("broken", [] { throw std::runtime_error("x"); });
  life.wait_idle();
  const auto all = life.task_stats();
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].name, "blocker");  // sorted by name
  const auto quick = stats_of(all, "quick");
  EXPECT_EQ(quick.submitted, 4U);
  EXPECT_EQ(quick.completed, 4U);
  EXPECT_EQ(quick.rejected, 1U);
  EXPECT_EQ(quick.queued, 0U);
  EXPECT_EQ(quick.running, 0U);
  EXPECT_EQ(quick.run_time.count(), 4U);
  EXPECT_EQ(quick.queue_wait.count(), 4U);
  EXPECT_GT(quick.queue_wait.sum_seconds, 0.0);
  const auto broken = stats_of(all, "broken");
  EXPECT_EQ(broken.failed, 3U);
  EXPECT_EQ(broken.completed, 0U);

  const std::string text = bg::prometheus_text(life);
  EXPECT_NE(text.find("# TYPE bgtasks_tasks_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("bgtasks_tasks_total{task=\"quick\",outcome=\"completed\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("bgtasks_tasks_total{task=\"quick\",outcome=\"rejected\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("bgtasks_tasks_total{task=\"broken\",outcome=\"failed\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("bgtasks_task_run_seconds_bucket{task=\"quick\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("bgtasks_task_run_seconds_count{task=\"blocker\"} 2\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  bg::TaskStats odd;
  odd.name = "a\"b\\c\nd";
  const std::string text = bg::prometheus_text(std::vector<bg::TaskStats>{odd});
  EXPECT_NE(text.find("task=\"a\\\"b\\\\c\\nd\""), std::string::npos);
}

TEST(Metrics, ScheduledTasksAreCountedPerTask) {
  bg::Lifespan life{{.workers = 1}};
  life.add_named_task_after("nightly", 1h, [] {});
  life.add_named_task_after("nightly", 2h, [] {});
  const auto nightly = stats_of(life.task_stats(), "nightly");
  EXPECT_EQ(nightly.scheduled, 2U);
  EXPECT_EQ(nightly.submitted, 2U);
  EXPECT_EQ(life.stats().scheduled, 2U);
  EXPECT_TRUE(bg::test::sums_to_submitted(life.stats()));
  life.shutdown();
  EXPECT_EQ(stats_of(life.task_stats(), "nightly").cancelled, 2U);
}
