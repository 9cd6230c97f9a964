// The seam bgtasks::redis builds on (bg/detail/task_ends.hpp): a lifespan
// reports how every task ended, exactly once, and a submission can start its
// count of attempts where a queue outside the process left it.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <bg/bg.hpp>
#include <bg/detail/task_ends.hpp>

#include "../support/retryable.hpp"
#include "../support/sync.hpp"

using namespace std::chrono_literals;

namespace {

using bg::detail::TaskEnd;
using bg::detail::TaskEndNotice;

/// Every notice, by task id.
class Ends {
 public:
  void observe(bg::Lifespan& life) {
    bg::detail::observe_task_ends(life, std::make_shared<const bg::detail::TaskEndObserver>(
                                            [this](const TaskEndNotice& n) {
                                              std::lock_guard lock(mutex_);
                                              notices_.push_back(n);
                                            }));
  }
  std::vector<TaskEndNotice> of(bg::TaskId id) {
    std::lock_guard lock(mutex_);
    std::vector<TaskEndNotice> out;
    for (const auto& n : notices_) {
      if (n.id == id) out.push_back(n);
    }
    return out;
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return notices_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<TaskEndNotice> notices_;
};

TEST(TaskEnds, EachEndIsReportedOnceWithWhatFailed) {
  Ends ends;
  bg::Lifespan life{{.workers = 2, .on_error = [](const bg::TaskError&) {}}};
  ends.observe(life);
  const bg::TaskId ok = life.add_task([] {});
  const bg::TaskId threw = life.add_task([] { throw std::runtime_error("disk full"); });
  const bg::TaskId refused = life.add_task([] { throw bg::NoRetry("550 no such user"); });
  life.wait_idle();
  ASSERT_EQ(ends.of(ok).size(), 1U);
  EXPECT_EQ(ends.of(ok)[0].end, TaskEnd::completed);
  ASSERT_EQ(ends.of(threw).size(), 1U);
  EXPECT_EQ(ends.of(threw)[0].end, TaskEnd::failed);
  EXPECT_EQ(ends.of(threw)[0].detail, "disk full");
  EXPECT_TRUE(ends.of(threw)[0].retryable);
  ASSERT_EQ(ends.of(refused).size(), 1U);
  EXPECT_FALSE(ends.of(refused)[0].retryable);
  EXPECT_EQ(ends.size(), 3U);
}

TEST(TaskEnds, AnAttemptRetriedInTheProcessIsNotAnEnd) {
  Ends ends;
  bg::Lifespan life{{.workers = 1, .on_error = [](const bg::TaskError&) {}}};
  life.set_policy("flaky", {.retries = 2, .backoff_base = 1ms, .backoff_cap = 1ms});
  ends.observe(life);
  std::atomic<int> runs{0};
  const bg::TaskId id = bg::test::add_retryable_task(life, "flaky", [&runs] {
    if (runs.fetch_add(1) == 0) throw std::runtime_error("once");
  });
  life.wait_idle();
  EXPECT_EQ(runs.load(), 2);
  const auto notices = ends.of(id);
  ASSERT_EQ(notices.size(), 1U);  // the failed first attempt was retried here: no notice for it
  EXPECT_EQ(notices[0].end, TaskEnd::completed);
}

TEST(TaskEnds, ShutdownReportsDiscardedStoppedAndAbandonedTasks) {
  Ends ends;
  // Shared with the tasks: the abandoned one outlives this test body.
  const auto started = std::make_shared<bg::test::Latch>();
  const auto release = std::make_shared<std::atomic<bool>>(false);
  bg::TaskId stopped = 0, abandoned = 0, discarded = 0, scheduled = 0;
  {
    bg::Lifespan life{{.workers = 2, .shutdown_timeout = 50ms, .cancel_grace = 50ms}};
    ends.observe(life);
    stopped = life.add_task([started](const bg::Context& c) {
      started->arrive();
      while (!c.stop_token.stop_requested()) std::this_thread::sleep_for(1ms);
    });
    abandoned = life.add_task([started, release] {
      started->arrive();
      while (!release->load()) std::this_thread::sleep_for(1ms);  // ignores its stop token
    });
    started->wait_for(2);
    discarded = life.add_task([] {});
    scheduled = life.add_task_after(1h, [] {});
    life.shutdown();
    EXPECT_EQ(ends.of(stopped).at(0).end, TaskEnd::stopped);
    EXPECT_EQ(ends.of(abandoned).at(0).end, TaskEnd::abandoned);
    EXPECT_EQ(ends.of(discarded).at(0).end, TaskEnd::discarded);
    EXPECT_EQ(ends.of(scheduled).at(0).end, TaskEnd::discarded);
    EXPECT_EQ(ends.of(scheduled).at(0).detail, "not yet due");
  }
  release->store(true);
  EXPECT_EQ(ends.of(abandoned).size(), 1U);  // whatever it does later is not reported again
}

TEST(TaskEnds, AnAttemptScopeSetsWhereTheCountStarts) {
  bg::Lifespan life{{.workers = 1}};
  std::mutex mutex;
  std::map<std::string, unsigned> attempts;
  const auto record = [&](const bg::Context& c, std::string key) {
    std::lock_guard lock(mutex);
    attempts[key] = c.attempt;
  };
  {
    const bg::detail::AttemptScope scope(3);
    EXPECT_EQ(bg::detail::submission_attempt(), 3U);
    life.add_task(record, std::string("in scope"));
    life.add_task_after(1ms, record, std::string("delayed in scope"));
  }
  EXPECT_EQ(bg::detail::submission_attempt(), 1U);
  life.add_task(record, std::string("after"));
  life.wait_idle();
  EXPECT_EQ(attempts["in scope"], 3U);
  EXPECT_EQ(attempts["delayed in scope"], 3U);
  EXPECT_EQ(attempts["after"], 1U);

  bg::Lifespan inline_life{{.run_inline = true}};
  const bg::detail::AttemptScope scope(2);
  inline_life.add_task(record, std::string("inline"));
  EXPECT_EQ(attempts["inline"], 2U);
}

TEST(TaskEnds, OneObserverPerLifespan) {
  Ends first, second;
  bg::Lifespan life{{.workers = 1}};
  first.observe(life);
  EXPECT_THROW(second.observe(life), bg::Error);
}

}  // namespace
