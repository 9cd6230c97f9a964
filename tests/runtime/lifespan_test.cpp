// Submission, ids, context and the current lifespan.
#include <algorithm>
#include <array>
#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

#include "sync.hpp"

namespace {

TEST(Lifespan, RunsSubmittedTasksWithTheirArguments) {
  std::atomic<int> sum{0};
  bg::Lifespan life{{.workers = 2}};
  for (int i = 1; i <= 100; ++i) {
    life.add_task([&sum](int value, const std::string& text) { sum += value + static_cast<int>(text.size()); },
                  i, std::string("ab"));
  }
  life.wait_idle();
  EXPECT_EQ(sum.load(), 5050 + 200);
  const bg::Stats stats = life.stats();
  EXPECT_EQ(stats.submitted, 100U);
  EXPECT_EQ(stats.completed, 100U);
  EXPECT_EQ(stats, (bg::Stats{.submitted = 100, .completed = 100}));
}

TEST(Lifespan, IdsAreDistinctAndStartAtOne) {
  bg::Lifespan life{{.workers = 1}};
  const bg::TaskId first = life.add_task([] {});
  const bg::TaskId second = life.add_task([] {});
  EXPECT_EQ(first, 1U);
  EXPECT_EQ(second, 2U);
}

TEST(Lifespan, MovesMoveOnlyArguments) {
  std::atomic<int> seen{0};
  bg::Lifespan life{{.workers = 1}};
  auto owned = std::make_unique<int>(42);
  life.add_task([&seen](std::unique_ptr<int> p) { seen = *p; }, std::move(owned));
  life.wait_idle();
  EXPECT_EQ(seen.load(), 42);
  EXPECT_EQ(owned, nullptr);
}

TEST(Lifespan, StoresCopiesSoCallerMayChangeItsArguments) {
  std::string observed;
  std::string text = "before";
  bg::test::Gate gate;
  bg::Lifespan life{{.workers = 1}};
  life.add_task([&](const std::string& s) { gate.wait(); observed = s; }, text);
  text = "after";
  gate.open();
  life.wait_idle();
  EXPECT_EQ(observed, "before");
}

TEST(Lifespan, PassesContextAsFirstParameter) {
  bg::TaskId seen_id = 0;
  std::string seen_name;
  unsigned attempt = 0;
  bool stop_possible = false;
  int seen_value = 0;
  bg::Lifespan life{{.workers = 1}};
  const bg::TaskId id = life.add_named_task("resize", [&](const bg::Context& ctx, int value) {
    seen_id = ctx.id;
    seen_name = std::string(ctx.name);
    attempt = ctx.attempt;
    stop_possible = ctx.stop_token.stop_possible();
    seen_value = value;
  }, 7);
  life.wait_idle();
  EXPECT_EQ(seen_id, id);
  EXPECT_EQ(seen_name, "resize");
  EXPECT_EQ(attempt, 1U);
  EXPECT_TRUE(stop_possible);
  EXPECT_EQ(seen_value, 7);
}

TEST(Lifespan, ContextByValueWorksToo) {
  std::atomic<bool> ran{false};
  bg::Lifespan life{{.workers = 1}};
  life.add_task([&](bg::Context ctx) { ran = ctx.id == 1; });
  life.wait_idle();
  EXPECT_TRUE(ran.load());
}

TEST(Lifespan, GenericLambdaDoesNotReceiveContext) {
  std::atomic<int> count{-1};
  bg::Lifespan life{{.workers = 1}};
  life.add_task([&](auto... args) { count = static_cast<int>(sizeof...(args)); }, 1, 2);
  life.wait_idle();
  EXPECT_EQ(count.load(), 2);
}

void free_function(std::atomic<int>* target, int value) { *target = value; }

TEST(Lifespan, AcceptsFreeFunctionsAndFunctionObjects) {
  std::atomic<int> target{0};
  bg::Lifespan life{{.workers = 1}};
  life.add_task(free_function, &target, 3);
  life.add_task(&free_function, &target, 4);
  life.wait_idle();
  EXPECT_EQ(target.load(), 4);
}

TEST(Lifespan, CurrentIsTheLiveLifespanAndThrowsWithoutOne) {
  {
    bg::Lifespan outer{{.workers = 1}};
    EXPECT_EQ(&bg::Lifespan::current(), &outer);
    {
      bg::Lifespan inner{{.workers = 1}};
      EXPECT_EQ(&bg::Lifespan::current(), &inner);
    }
    EXPECT_EQ(&bg::Lifespan::current(), &outer);
  }
  try {
    (void)bg::Lifespan::current();
    FAIL() << "expected NoLifespan";
  } catch (const bg::NoLifespan& e) {
    EXPECT_NE(std::string(e.what()).find("create one in main"), std::string::npos) << e.what();
  }
}

// "The lifespan created last and still alive" must hold whatever order
// lifespans die in: destroying one from the middle of the stack must not
// leave current() pointing at it. Every order of three, submitting through
// current() after each destruction.
TEST(Lifespan, CurrentIsTheLastLiveLifespanForEveryDestructionOrder) {
  std::array<int, 3> order{0, 1, 2};
  int orders = 0;
  do {
    std::array<std::unique_ptr<bg::Lifespan>, 3> lives;
    for (auto& life : lives) life = std::make_unique<bg::Lifespan>(bg::Config{.workers = 1});
    std::array<bool, 3> alive{true, true, true};
    std::array<std::uint64_t, 3> submitted{0, 0, 0};
    for (const int victim : order) {
      lives[static_cast<std::size_t>(victim)].reset();
      alive[static_cast<std::size_t>(victim)] = false;
      int expected = -1;
      for (int i = 0; i < 3; ++i) {
        if (alive[static_cast<std::size_t>(i)]) expected = i;
      }
      SCOPED_TRACE("order " + std::to_string(order[0]) + std::to_string(order[1]) +
                   std::to_string(order[2]) + ", after destroying " + std::to_string(victim));
      if (expected < 0) {
        EXPECT_THROW((void)bg::Lifespan::current(), bg::NoLifespan);
        EXPECT_THROW(bg::detail::submit_to_current("t", bg::detail::ErasedTask::make([] {})), bg::NoLifespan);
        continue;
      }
      bg::Lifespan& want = *lives[static_cast<std::size_t>(expected)];
      ASSERT_EQ(&bg::Lifespan::current(), &want);
      std::atomic<int> ran{0};
      bg::Lifespan::current().add_task([&ran] { ++ran; });
      bg::detail::submit_to_current("t", bg::detail::ErasedTask::make([&ran] { ++ran; }));
      want.wait_idle();
      submitted[static_cast<std::size_t>(expected)] += 2;
      EXPECT_EQ(ran.load(), 2);
      EXPECT_EQ(want.stats().completed, submitted[static_cast<std::size_t>(expected)]);
    }
    ++orders;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(orders, 6);
}

TEST(Lifespan, SubmitToCurrentWorksAndThrowsWithoutLifespan) {
  std::atomic<int> seen{0};
  {
    bg::Lifespan life{{.workers = 1}};
    bg::detail::submit_to_current("named", bg::detail::ErasedTask::make([&] { seen = 1; }));
    life.wait_idle();
  }
  EXPECT_EQ(seen.load(), 1);
  EXPECT_THROW(bg::detail::submit_to_current("named", bg::detail::ErasedTask::make([] {})), bg::NoLifespan);
}

// One worker spins at a time and the others sleep; a task queued behind one
// that blocks must still reach a sleeping worker, however the two
// submissions interleave with the spinner taking the first.
TEST(Lifespan, ATaskQueuedBehindABlockingOneReachesAnotherWorker) {
  for (int round = 0; round < 200; ++round) {
    bg::test::Gate release;
    std::promise<void> quick_ran;
    std::future<void> ran = quick_ran.get_future();
    bg::Lifespan life{{.workers = 2}};
    life.add_task([&release] { release.wait(); });
    life.add_task([&quick_ran] { quick_ran.set_value(); });
    const bool reached = ran.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
    release.open();
    ASSERT_TRUE(reached) << "round " << round << ": the second task never started while the first blocked";
  }
}

TEST(Lifespan, ZeroWorkersMeansHardwareConcurrency) {
  bg::Lifespan life;  // defaults
  std::atomic<int> ran{0};
  life.add_task([&] { ++ran; });
  life.wait_idle();
  EXPECT_EQ(ran.load(), 1);
}

TEST(Lifespan, WaitIdleFromOwnTaskThrowsInsteadOfDeadlocking) {
  bg::Lifespan life{{.workers = 1}};
  std::atomic<bool> threw{false};
  life.add_task([&] {
    try {
      bg::Lifespan::current().wait_idle();
    } catch (const bg::Error&) {
      threw = true;
    }
  });
  life.wait_idle();
  EXPECT_TRUE(threw.load());
}

TEST(Lifespan, InvalidConfigIsAnError) {
  EXPECT_THROW(bg::Lifespan({.shutdown_timeout = std::chrono::milliseconds(-1)}), bg::Error);
}

}  // namespace
