// Task policies (retry, time limit, concurrency) and delayed submission on
// coroutine tasks: the same semantics as for blocking tasks, on an
// io_context instead of a worker.
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <asio/error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <bg/asio.hpp>
#include <bg/bg.hpp>

#include "asio_sleep.hpp"
#include "failures.hpp"
#include "retryable.hpp"

using namespace std::chrono_literals;

using bg::test::sleep_for;

TEST(CoroutinePolicies, AFailingCoroutineIsRetriedWithItsAttemptNumber) {
  bg::test::Failures failures;
  bg::Lifespan life{{.workers = 1, .on_error = failures.handler()}};
  std::mutex mutex;
  life.set_policy("flaky", {.retries = 3, .backoff_base = 1ms, .backoff_cap = 2ms});
  std::vector<unsigned> attempts;  // one coroutine at a time: written in turn
  bg::test::add_retryable_task(life, "flaky", [&](const bg::Context& context, std::string word) -> asio::awaitable<void> {
    co_await sleep_for(1ms);
    {
      std::lock_guard lock(mutex);
      attempts.push_back(context.attempt);
    }
    if (word != "hello") throw std::logic_error("the argument was lost");
    if (context.attempt < 3) throw std::runtime_error("try again");
  }, std::string("hello"));
  life.wait_idle();
  EXPECT_EQ(attempts, (std::vector<unsigned>{1, 2, 3}));
  EXPECT_EQ(failures.attempts(), (std::vector<std::pair<unsigned, bool>>{{1, true}, {2, true}}));
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1, .retried = 2}));
}

TEST(CoroutinePolicies, ACoroutinePastItsLimitIsCancelledAndFailsWithTimeLimitExceeded) {
  bg::test::Failures failures;
  bg::Lifespan life{{.workers = 1, .on_error = failures.handler()}};
  life.set_policy("slow", {.timeout = 50ms});
  std::atomic<bool> aborted{false};
  const auto start = std::chrono::steady_clock::now();
  life.add_named_task("slow", [&]() -> asio::awaitable<void> {
    try {
      co_await sleep_for(10min);
    } catch (const std::system_error& e) {
      aborted = e.code() == asio::error::operation_aborted;
      throw;
    }
  });
  life.wait_idle();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_TRUE(aborted.load());
  ASSERT_EQ(failures.seen.size(), 1U);
  EXPECT_THROW(std::rethrow_exception(failures.seen[0].exception), bg::TimeLimitExceeded);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .failed = 1}));
  const auto tasks = life.task_stats();
  ASSERT_EQ(tasks.size(), 1U);
  EXPECT_EQ(tasks[0].timed_out, 1U);
  EXPECT_EQ(tasks[0].overrunning, 0U);
}

TEST(CoroutinePolicies, AtMostKCoroutinesRunAtOnceAndTheRestWaitUnstarted) {
  bg::Lifespan life{{.workers = 1}};
  life.set_policy("limited", {.concurrency = 2});
  bg::test::Peak peak;
  std::atomic<int> done{0};
  for (int i = 0; i < 20; ++i) {
    life.add_named_task("limited", [&]() -> asio::awaitable<void> {
      peak.enter();
      co_await sleep_for(5ms);
      peak.leave();
      ++done;
    });
  }
  EXPECT_EQ(life.stats().queued, 18U);  // waiting for a place, not started
  life.wait_idle();
  EXPECT_EQ(done.load(), 20);
  EXPECT_EQ(peak.most(), 2);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 20, .completed = 20}));
}

TEST(CoroutinePolicies, ADelayedCoroutineStartsWhenDue) {
  bg::Lifespan life{{.workers = 1}};
  const auto start = std::chrono::steady_clock::now();
  std::atomic<bool> ran{false};
  life.add_task_after(80ms, [&]() -> asio::awaitable<void> {
    ran = true;
    co_return;
  });
  EXPECT_EQ(life.stats().scheduled, 1U);
  life.wait_idle();
  EXPECT_TRUE(ran.load());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 80ms);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1}));
}

TEST(CoroutinePolicies, CoroutinesWaitingForAPlaceAtTheDeadlineAreDiscarded) {
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 30ms}};
  life.set_policy("limited", {.concurrency = 1});
  for (int i = 0; i < 3; ++i) life.add_named_task("limited", []() -> asio::awaitable<void> { co_await sleep_for(10min); });
  const bg::ShutdownReport& report = life.shutdown();
  ASSERT_EQ(report.unfinished.size(), 3U);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::failed);  // cancelled: operation_aborted
  EXPECT_EQ(report.unfinished[1].reason, "waiting for a concurrency slot");
  EXPECT_EQ(report.unfinished[2].reason, "waiting for a concurrency slot");
  EXPECT_EQ(report.stats.cancelled, 2U);
  EXPECT_EQ(report.stats.failed, 1U);
}
