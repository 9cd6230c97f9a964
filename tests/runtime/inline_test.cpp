// Config::run_inline: deterministic, synchronous runs for tests.
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

#include "sync.hpp"

namespace {

TEST(Inline, RunsOnTheSubmittingThreadBeforeReturning) {
  bg::Lifespan life{{.run_inline = true}};
  std::thread::id ran_on;
  std::vector<int> order;
  life.add_task([&] { ran_on = std::this_thread::get_id(); order.push_back(1); });
  order.push_back(2);
  life.add_task([&] { order.push_back(3); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  life.wait_idle();  // returns at once: nothing runs behind our back
  const bg::Stats stats = life.stats();
  EXPECT_EQ(stats.submitted, 2U);
  EXPECT_EQ(stats.completed, 2U);
  EXPECT_EQ(stats, (bg::Stats{.submitted = 2, .completed = 2}));
}

TEST(Inline, ErrorsGoToOnErrorNotToTheCaller) {
  std::string seen;
  bg::Lifespan life{{.on_error = [&](const bg::TaskError& e) { seen = e.what; }, .run_inline = true}};
  EXPECT_NO_THROW(life.add_task([] { throw std::runtime_error("inline boom"); }));
  EXPECT_EQ(seen, "inline boom");
  EXPECT_EQ(life.stats().failed, 1U);
}

TEST(Inline, RejectsAfterShutdown) {
  bg::Lifespan life{{.run_inline = true}};
  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_FALSE(report.timed_out);
  EXPECT_THROW(life.add_task([] {}), bg::ShuttingDown);
  EXPECT_EQ(life.stats().rejected, 1U);
}

TEST(Inline, ContextHasIdAndName) {
  bg::Lifespan life{{.run_inline = true}};
  bg::TaskId id = 0;
  std::string_view name;
  life.add_named_task("probe", [&](const bg::Context& ctx) { id = ctx.id; name = ctx.name; });
  EXPECT_EQ(id, 1U);
  EXPECT_EQ(name, "probe");
}

}  // namespace
