// Coroutine tasks (asio::awaitable) on a lifespan: where they run, how they
// are counted, and how shutdown drains, cancels and abandons them.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <bg/asio.hpp>
#include <bg/bg.hpp>

#include "asio_sleep.hpp"
#include "sync.hpp"

using namespace std::chrono_literals;
using bg::test::sleep_for;

namespace {

/// Threads of this process, from /proc.
std::size_t thread_count() {
  return static_cast<std::size_t>(
      std::distance(std::filesystem::directory_iterator("/proc/self/task"), std::filesystem::directory_iterator{}));
}

/// Thread ids seen by tasks, thread-safe.
class Threads {
 public:
  void note() {
    std::lock_guard lock(mutex_);
    seen_.insert(std::this_thread::get_id());
  }
  std::set<std::thread::id> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::set<std::thread::id> seen_;
};

TEST(CoroutineTasks, ThousandsWaitAtOnceOnOneIoThreadAndCountLikeBlockingTasks) {
  Threads threads;
  std::atomic<int> done{0};
  bg::Lifespan life{{.workers = 1}};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) {
    life.add_named_task("wait", [&]() -> asio::awaitable<void> {
      co_await sleep_for(100ms);
      threads.note();
      ++done;
    });
  }
  life.wait_idle();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(done.load(), 2000);
  // All waited at once: 2,000 one after the other would take 200 s.
  EXPECT_LT(elapsed, 20s);
  EXPECT_GE(elapsed, 100ms);
  const auto seen = threads.seen();
  ASSERT_EQ(seen.size(), 1U) << "io_threads = 1 runs every coroutine task on one thread";
  EXPECT_NE(*seen.begin(), std::this_thread::get_id());
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 2000, .completed = 2000}));
}

TEST(CoroutineTasks, ALifespanWithoutCoroutineTasksStartsNoIoThread) {
  bg::Lifespan life{{.workers = 2}};
  life.add_task([] {});
  life.wait_idle();
  // Counted once the workers run (a sanitizer's own thread, if any, too).
  const std::size_t with_workers = thread_count();
  for (int i = 0; i < 100; ++i) life.add_task([] {});
  life.wait_idle();
  EXPECT_EQ(thread_count(), with_workers) << "blocking tasks start no io thread";
  life.add_task([]() -> asio::awaitable<void> { co_return; });
  life.wait_idle();
  EXPECT_EQ(thread_count(), with_workers + 1) << "the first coroutine task starts the one io thread";
  life.add_task([]() -> asio::awaitable<void> { co_return; });
  life.wait_idle();
  EXPECT_EQ(thread_count(), with_workers + 1);
}

TEST(CoroutineTasks, ReferenceParametersReadAfterASuspensionReferToTheStoredArguments) {
  std::string seen_text;
  std::vector<int> seen_numbers;
  bg::Lifespan life{{.workers = 1}};
  auto task = [&](const std::string& text, const std::vector<int>& numbers) -> asio::awaitable<void> {
    co_await sleep_for(20ms);  // the caller's temporaries are long gone
    seen_text = text;
    seen_numbers = numbers;
  };
  life.add_task(task, std::string(200, 'x') + "end", std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
  life.wait_idle();
  EXPECT_EQ(seen_text, std::string(200, 'x') + "end");
  EXPECT_EQ(seen_numbers, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(CoroutineTasks, TakeAContextThatStaysValidAcrossSuspensions) {
  bg::TaskId seen_id = 0;
  std::string seen_name;
  bg::Lifespan life{{.workers = 1}};
  const bg::TaskId id = life.add_named_task("with_context", [&](const bg::Context& context) -> asio::awaitable<void> {
    co_await sleep_for(5ms);
    seen_id = context.id;
    seen_name = std::string(context.name);
  });
  life.wait_idle();
  EXPECT_EQ(seen_id, id);
  EXPECT_EQ(seen_name, "with_context");
}

TEST(CoroutineTasks, AThrowingTaskIsContainedAndReachesOnError) {
  std::mutex mutex;
  std::vector<std::string> errors;
  bg::Lifespan life{{.workers = 1, .on_error = [&](const bg::TaskError& error) {
                       std::lock_guard lock(mutex);
                       errors.push_back(std::string(error.name) + " " + std::to_string(error.id) + ": " + error.what);
                     }}};
  const bg::TaskId id = life.add_named_task("flaky", []() -> asio::awaitable<void> {
    co_await sleep_for(1ms);
    throw std::runtime_error("webhook said 500");
  });
  life.add_named_task("fine", []() -> asio::awaitable<int> { co_return 7; });
  life.wait_idle();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0], "flaky " + std::to_string(id) + ": webhook said 500");
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 2, .completed = 1, .failed = 1}));
}

TEST(CoroutineTasks, CountAsRunningWhileTheyWait) {
  bg::Lifespan life{{.workers = 1}};
  life.add_task([]() -> asio::awaitable<void> { co_await sleep_for(200ms); });
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .running = 1}));
  life.wait_idle();
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1}));
}

TEST(CoroutineTasks, ShutdownCancelsATaskAwaitingATenMinuteTimer) {
  std::atomic<bool> saw_abort{false};
  std::atomic<bool> saw_stop{false};
  bg::test::Latch started;
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 50ms, .cancel_grace = 5s}};
  const bg::TaskId id = life.add_named_task("sleeper", [&](bg::Context context) -> asio::awaitable<void> {
    started.arrive();
    try {
      co_await sleep_for(10min);
    } catch (const std::system_error& e) {
      saw_abort = e.code() == asio::error::operation_aborted;
      saw_stop = context.stop_token.stop_requested();
    }
  });
  started.wait_for(1);
  const auto start = std::chrono::steady_clock::now();
  const bg::ShutdownReport& report = life.shutdown();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(saw_abort);
  EXPECT_TRUE(saw_stop);
  EXPECT_TRUE(report.timed_out);
  EXPECT_GE(elapsed, 50ms);
  EXPECT_LT(elapsed, 50ms + 5s) << "returns as soon as the cancelled task ends, within the bound";
  EXPECT_LT(elapsed, 2s);
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].id, id);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::stopped);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 1, .cancelled = 1}));
}

TEST(CoroutineTasks, ATaskThatLetsTheCancellationPropagateIsListedAsFailed) {
  std::atomic<int> errors{0};
  bg::test::Latch started;
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 20ms, .cancel_grace = 5s,
                     .on_error = [&](const bg::TaskError&) { ++errors; }}};
  life.add_named_task("sleeper", [&]() -> asio::awaitable<void> {
    started.arrive();
    co_await sleep_for(10min);
  });
  started.wait_for(1);
  const bg::ShutdownReport& report = life.shutdown();
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::failed);
  EXPECT_EQ(errors.load(), 1);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 1, .failed = 1}));
}

/// Sets a flag when destroyed: tells whether a coroutine frame was freed.
struct FrameProbe {
  std::atomic<bool>* destroyed;
  ~FrameProbe() { *destroyed = true; }
};

TEST(CoroutineTasks, ATaskIgnoringCancellationIsAbandonedAndItsFrameDestroyed) {
  std::atomic<bool> destroyed{false};
  std::atomic<int> errors{0};
  bg::test::Latch started;
  auto life = std::make_unique<bg::Lifespan>(bg::Config{.workers = 1, .shutdown_timeout = 30ms,
                                                        .cancel_grace = 50ms,
                                                        .on_error = [&](const bg::TaskError&) { ++errors; }});
  const bg::TaskId id = life->add_named_task("stubborn", [&]() -> asio::awaitable<void> {
    FrameProbe probe{&destroyed};
    co_await asio::this_coro::reset_cancellation_state([](asio::cancellation_type) {
      return asio::cancellation_type::none;  // ignores every cancellation
    });
    started.arrive();
    co_await sleep_for(10min);
  });
  started.wait_for(1);
  const auto start = std::chrono::steady_clock::now();
  const bg::ShutdownReport report = life->shutdown();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, 30ms + 50ms + 500ms);
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].id, id);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::abandoned);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 1, .abandoned = 1}));
  EXPECT_TRUE(destroyed) << "the abandoned task's frame is destroyed with the io_context";
  EXPECT_EQ(errors.load(), 0) << "an abandoned task's end is not reported";
  life.reset();
}

TEST(CoroutineTasks, TasksThatEndWithinTheGracePeriodAreNotCancelled) {
  std::atomic<int> done{0};
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 5s}};
  for (int i = 0; i < 100; ++i) {
    life.add_task([&]() -> asio::awaitable<void> {
      co_await sleep_for(30ms);
      ++done;
    });
  }
  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_FALSE(report.timed_out);
  EXPECT_TRUE(report.unfinished.empty());
  EXPECT_EQ(done.load(), 100);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 100, .completed = 100}));
}

TEST(CoroutineTasks, ShutdownRefusesLaterCoroutineTasks) {
  bg::Lifespan life{{.workers = 1}};
  life.add_task([]() -> asio::awaitable<void> { co_return; });
  life.shutdown();
  EXPECT_THROW(life.add_task([]() -> asio::awaitable<void> { co_return; }), bg::ShuttingDown);
  EXPECT_FALSE(life.try_add_task([]() -> asio::awaitable<void> { co_return; }).has_value());
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1, .rejected = 2}));
}

TEST(CoroutineTasks, SeveralIoThreadsRunTheTasksAndCountThemExactly) {
  Threads threads;
  std::atomic<int> done{0};
  bg::Lifespan life{{.workers = 1, .io_threads = 3}};
  for (int i = 0; i < 600; ++i) {
    life.add_task([&]() -> asio::awaitable<void> {
      co_await sleep_for(1ms);
      threads.note();
      ++done;
    });
  }
  life.wait_idle();
  EXPECT_EQ(done.load(), 600);
  EXPECT_LE(threads.seen().size(), 3U);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 600, .completed = 600}));
}

TEST(CoroutineTasks, ShutdownCancelsTasksSpreadOverSeveralIoThreads) {
  bg::test::Latch started;
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 10ms, .cancel_grace = 5s, .io_threads = 4}};
  for (int i = 0; i < 200; ++i) {
    life.add_task([&]() -> asio::awaitable<void> {
      started.arrive();
      try {
        co_await sleep_for(10min);
      } catch (const std::system_error&) {
      }
    });
  }
  started.wait_for(200);
  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_EQ(report.unfinished.size(), 200U);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 200, .cancelled = 200}));
}

TEST(CoroutineTasks, ABatchMixingBothKindsGetsConsecutiveIdsAndRunsWhole) {
  std::atomic<int> done{0};
  bg::Lifespan life{{.workers = 1}};
  life.add_task([] {});  // ids need not start at 1
  bg::BackgroundTasks batch;
  batch.add_task([&] { ++done; });
  batch.add_task([&]() -> asio::awaitable<void> {
    co_await sleep_for(1ms);
    ++done;
  });
  batch.add_task([&] { ++done; });
  const std::vector<bg::TaskId> ids = life.add_tasks(std::move(batch));
  ASSERT_EQ(ids.size(), 3U);
  EXPECT_EQ(ids[1], ids[0] + 1);
  EXPECT_EQ(ids[2], ids[0] + 2);
  life.wait_idle();
  EXPECT_EQ(done.load(), 3);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 4, .completed = 4}));
}

TEST(CoroutineTasks, ABoundCoroutineTaskRunsToItsEndWhenRunDirectly) {
  bool done = false;
  bg::Task task([&](int n) -> asio::awaitable<void> {
    co_await sleep_for(2ms);
    done = n == 3;
  }, 3);
  task();
  EXPECT_TRUE(done);
}

TEST(CoroutineTasks, RunInlineRunsACoroutineTaskToItsEndBeforeTheCallReturns) {
  bool done = false;
  bg::Lifespan life{{.run_inline = true}};
  const bg::TaskId id = life.add_task([&]() -> asio::awaitable<void> {
    co_await sleep_for(5ms);
    done = true;
  });
  EXPECT_TRUE(done);
  EXPECT_EQ(id, 1U);
  // A failure is contained and reported, as in pooled mode, not thrown.
  EXPECT_NO_THROW(life.add_named_task("failing", []() -> asio::awaitable<void> {
    co_await sleep_for(1ms);
    throw std::runtime_error("no");
  }));
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 2, .completed = 1, .failed = 1}));
}

TEST(CoroutineTasks, RunOnTheApplicationsExecutor) {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread server([&] { io.run(); });
  Threads threads;
  bg::test::Latch started;
  {
    bg::Lifespan life{{.workers = 1, .shutdown_timeout = 20ms, .cancel_grace = 5s}};
    bg::asio::run_on(life, io.get_executor());
    for (int i = 0; i < 50; ++i) {
      life.add_task([&]() -> asio::awaitable<void> {
        co_await sleep_for(1ms);
        threads.note();
      });
    }
    life.wait_idle();
    EXPECT_EQ(threads.seen(), (std::set<std::thread::id>{server.get_id()}));
    life.add_named_task("sleeper", [&]() -> asio::awaitable<void> {
      started.arrive();
      co_await sleep_for(10min);
    });
    started.wait_for(1);
    const bg::ShutdownReport& report = life.shutdown();
    ASSERT_EQ(report.unfinished.size(), 1U);
    EXPECT_EQ(report.unfinished[0].state, bg::TaskState::failed) << "cancelled on the application's executor";
    EXPECT_EQ(report.stats, (bg::Stats{.submitted = 51, .completed = 50, .failed = 1}));
  }
  work.reset();
  server.join();
}

TEST(CoroutineTasks, AnExecutorMustBeChosenBeforeTheFirstCoroutineTask) {
  asio::io_context io;
  bg::Lifespan life{{.workers = 1}};
  life.add_task([]() -> asio::awaitable<void> { co_return; });
  life.wait_idle();
  try {
    bg::asio::run_on(life, io.get_executor());
    FAIL() << "expected bg::Error";
  } catch (const bg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("right after constructing the lifespan"), std::string::npos) << e.what();
  }
}

TEST(CoroutineTasks, RunBlockingRunsTheCallOnAWorkerAndResumesWithItsResult) {
  std::thread::id io_thread;
  std::thread::id worker_thread;
  int result = 0;
  std::string error;
  bg::Lifespan life{{.workers = 1}};
  life.add_task([&]() -> asio::awaitable<void> {
    io_thread = std::this_thread::get_id();
    result = co_await bg::asio::run_blocking(life, [&](int a, int b) {
      worker_thread = std::this_thread::get_id();
      std::this_thread::sleep_for(5ms);
      return a * b;
    }, 6, 7);
    try {
      co_await bg::asio::run_blocking(life, [] { throw std::runtime_error("disk full"); });
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
  });
  life.wait_idle();
  EXPECT_EQ(result, 42);
  EXPECT_EQ(error, "disk full");
  EXPECT_NE(io_thread, worker_thread);
  EXPECT_NE(worker_thread, std::thread::id{});
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 3, .completed = 3}));
}

TEST(CoroutineTasks, RunBlockingIsAcceptedDuringTheGracePeriodAsPartOfItsTask) {
  bg::test::Latch started;
  std::atomic<int> result{0};
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 5s}};
  life.add_task([&]() -> asio::awaitable<void> {
    started.arrive();
    co_await sleep_for(50ms);  // shutdown has begun meanwhile: new tasks are refused
    result = co_await bg::asio::run_blocking(life, [] { return 5; });
  });
  started.wait_for(1);
  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_EQ(result.load(), 5);
  EXPECT_FALSE(report.timed_out);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 2, .completed = 2}));
}

TEST(CoroutineTasks, RunBlockingAfterTheGracePeriodThrowsShuttingDownInTheCoroutine) {
  bg::test::Latch started;
  std::string error;
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 10ms, .cancel_grace = 5s}};
  life.add_named_task("late_step", [&]() -> asio::awaitable<void> {
    started.arrive();
    try {
      co_await sleep_for(10min);
    } catch (const std::system_error&) {
    }
    // Asio's cancellation is sticky: a task that wants to go on awaiting
    // after it was cancelled resets it first.
    co_await asio::this_coro::reset_cancellation_state();
    try {
      co_await bg::asio::run_blocking(life, [] {});
    } catch (const bg::ShuttingDown& e) {
      error = e.what();
    }
  });
  started.wait_for(1);
  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_NE(error.find("shutting down"), std::string::npos) << error;
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::stopped);
  EXPECT_EQ(report.stats, (bg::Stats{.submitted = 1, .cancelled = 1, .rejected = 1}));
}

TEST(CoroutineTasks, ConcurrentProducersAreCountedExactly) {
  std::atomic<int> done{0};
  bg::Lifespan life{{.workers = 1, .io_threads = 2}};
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        life.add_task([&](int n) -> asio::awaitable<void> {
          if (n % 3 == 0) co_await sleep_for(std::chrono::microseconds(n % 500));
          ++done;
        }, i);
      }
    });
  }
  for (auto& producer : producers) producer.join();
  life.wait_idle();
  EXPECT_EQ(done.load(), 8000);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 8000, .completed = 8000}));
}

TEST(CoroutineTasks, ShutdownWhileProducersSubmitLosesNothing) {
  std::atomic<int> ran{0};
  std::atomic<int> refused{0};
  std::atomic<bool> stop{false};
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 20ms, .cancel_grace = 2s, .io_threads = 2}};
  std::vector<std::thread> producers;
  for (int p = 0; p < 3; ++p) {
    producers.emplace_back([&] {
      while (!stop) {
        const auto id = life.try_add_task([&]() -> asio::awaitable<void> {
          ++ran;
          try {
            co_await sleep_for(1ms);
          } catch (const std::system_error&) {
          }
        });
        if (!id) ++refused;
      }
    });
  }
  std::this_thread::sleep_for(30ms);
  const bg::ShutdownReport& report = life.shutdown();
  stop = true;
  for (auto& producer : producers) producer.join();
  const bg::Stats stats = life.stats();
  EXPECT_GT(stats.submitted, 0U);
  EXPECT_EQ(stats.submitted, stats.completed + stats.cancelled) << stats;
  EXPECT_EQ(stats.rejected, static_cast<std::uint64_t>(refused.load()));
  EXPECT_EQ(stats.queued + stats.running + stats.abandoned + stats.failed, 0U) << stats;
  EXPECT_EQ(report.unfinished.size(), stats.cancelled);
}

TEST(CoroutineTasks, WaitIdleFromACoroutineTaskThrowsInsteadOfBlockingItsIoThread) {
  std::string error;
  bg::Lifespan life{{.workers = 1}};
  life.add_task([&]() -> asio::awaitable<void> {
    try {
      life.wait_idle();
    } catch (const bg::Error& e) {
      error = e.what();
    }
    co_return;
  });
  life.wait_idle();
  EXPECT_NE(error.find("called from one of its own tasks"), std::string::npos) << error;
}

TEST(CoroutineTasks, ConfigRefusesZeroIoThreads) {
  try {
    bg::Lifespan life{{.io_threads = 0}};
    FAIL() << "expected bg::Error";
  } catch (const bg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("io_threads must be at least 1"), std::string::npos) << e.what();
  }
}

}  // namespace
