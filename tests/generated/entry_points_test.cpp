// The generated entry points: every call form reaches the function with the
// arguments intact, under the task's name.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <string>

#include <bg/bg.hpp>

#include "bg_tasks.hpp"
#include "test_tasks.hpp"

namespace {

using testing_tasks::journal;
using testing_tasks::Level;

class EntryPoints : public ::testing::Test {
 protected:
  void SetUp() override { journal().take(); }
};

TEST_F(EntryPoints, LaterSubmitsToTheCurrentLifespan) {
  bg::Lifespan life{{.workers = 2}};
  bg::TaskId id = tasks::send_notification.later("a@b.c", "hi");
  EXPECT_GT(id, 0u);
  life.wait_idle();
  EXPECT_EQ(journal().take(), std::vector<std::string>{"notify a@b.c hi"});
  EXPECT_EQ(life.stats().completed, 1u);
}

TEST_F(EntryPoints, KeywordFormNamesEveryParameter) {
  bg::Lifespan life{{.run_inline = true}};
  tasks::send_notification.later({.email = "k@b.c", .message = "by name"});
  tasks::shout.later({.text = "hey", .level = Level::high});
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"notify k@b.c by name", "shout hey 2"}));
}

TEST_F(EntryPoints, LaterOnPicksTheLifespan) {
  bg::Lifespan outer{{.run_inline = true}};
  bg::Lifespan inner{{.workers = 1}};  // now current
  tasks::count_to.later_on(outer, 3);
  EXPECT_EQ(outer.stats().completed, 1u);
  EXPECT_EQ(inner.stats().submitted, 0u);
  tasks::count_to.later_on(outer, {.n = 4});
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"count 3", "count 4"}));
}

TEST_F(EntryPoints, TryLaterReportsAFullQueueWithoutThrowing) {
  bg::Lifespan life{{.workers = 1, .queue_capacity = 1, .on_full = bg::OnFull::reject}};
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  life.add_task([gate] { gate.wait(); });                // occupies the worker
  while (life.stats().running == 0) std::this_thread::yield();
  EXPECT_TRUE(tasks::count_to.try_later(1).has_value());  // fills the queue
  EXPECT_FALSE(tasks::count_to.try_later(2).has_value());
  EXPECT_THROW(tasks::count_to.later(3), bg::QueueFull);
  EXPECT_EQ(life.stats().rejected, 2u);
  release.set_value();
  life.wait_idle();
  EXPECT_EQ(journal().take(), std::vector<std::string>{"count 1"});
}

TEST_F(EntryPoints, LaterWithoutALifespanThrowsNoLifespan) {
  EXPECT_THROW(tasks::count_to.later(1), bg::NoLifespan);
  EXPECT_TRUE(journal().take().empty());
}

TEST_F(EntryPoints, BindGivesANamedTaskThatRunsOnce) {
  bg::Task task = tasks::count_to.bind(7);
  EXPECT_EQ(task.name(), "count_to");
  ASSERT_TRUE(task.runnable());
  task();
  EXPECT_FALSE(task.runnable());
  EXPECT_EQ(journal().take(), std::vector<std::string>{"count 7"});

  bg::Tasks sequence;
  sequence.add(tasks::count_to.bind(1)).add(tasks::count_to.bind({.n = 2}));
  sequence.run();
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"count 1", "count 2"}));
}

TEST_F(EntryPoints, AddTaskFillsARequestScopedBatch) {
  bg::Lifespan life{{.run_inline = true}};
  bg::BackgroundTasks batch;
  tasks::add_task(batch, tasks::send_notification, "x@y.z", "batched");
  tasks::add_task(batch, tasks::count_to, {.n = 5});
  tasks::no_arguments.add_to(batch);
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_TRUE(journal().take().empty());  // nothing runs before the batch is handed over
  life.add_tasks(std::move(batch));
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"notify x@y.z batched", "count 5", "nothing"}));
}

TEST_F(EntryPoints, ContextIsPassedByTheRuntimeNotTheCaller) {
  bg::Lifespan life{{.run_inline = true}};
  bg::TaskId id = tasks::with_context.later("tagged");
  EXPECT_EQ(journal().take(), std::vector<std::string>{"context with_context " + std::to_string(id) + " tagged"});
}

TEST_F(EntryPoints, ContextTakenByValueIsPassedByTheRuntimeToo) {
  bg::Lifespan life{{.run_inline = true}};
  bg::TaskId id = tasks::context_by_value.later(4);
  bg::TaskId keyword = tasks::context_by_value.later({.shard = 5});
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"by value context_by_value " + std::to_string(id) + " 4",
                                                        "by value context_by_value " + std::to_string(keyword) + " 5"}));
  const bg::TaskInfo* info = bg::registry().find("context_by_value");
  ASSERT_NE(info, nullptr);
  EXPECT_TRUE(info->takes_context);
  EXPECT_EQ(info->signature, std::string_view("void testing_tasks::context_by_value(bg::Context, int shard)"));
}

// Nested braces are how containers and structs are written; keyword calls
// take them for required and defaulted fields alike.
TEST_F(EntryPoints, KeywordArgumentsTakeNestedBraces) {
  bg::Lifespan life{{.run_inline = true}};
  tasks::ship.later({.items = {"a", "b"}, .note = std::nullopt});
  tasks::ship.later({.items = {"c"}, .note = "gift", .boxes = {2, 3}});
  // Empty braces leave a defaulted field out (its default); a required one
  // needs its type named, as C++ cannot tell {} from an omitted field.
  tasks::ship.later({.items = std::vector<std::string>{}, .note = {"wrapped"}, .boxes = {}});
  tasks::takes_everything.later({.flag = true,
                                 .small = 7,
                                 .ratio = 0.5,
                                 .numbers = {1, 2},
                                 .note = std::nullopt,
                                 .levels = {{"x", testing_tasks::Level::high}}});
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"ship a b note=<none> boxes=1,", "ship c note=gift boxes=2,3,",
                                                        "ship note=wrapped boxes=1,",
                                                        "everything 1 7 0.500000 [1,2,] <none> {x=2,}"}));
}

TEST_F(EntryPoints, KeywordArgumentsBraceAStructsMembers) {
  bg::Lifespan life{{.run_inline = true}};
  tasks::move_to.later({.to = {3, 4}});
  tasks::move_to.later({.to = {5, 6}, .speed = 2});
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"move 3 4 1", "move 5 6 2"}));
}

TEST_F(EntryPoints, MoveOnlyArgumentsAreMoved) {
  bg::Lifespan life{{.run_inline = true}};
  tasks::take_ownership.later(std::make_unique<int>(42));
  EXPECT_EQ(journal().take(), std::vector<std::string>{"owned 42"});
}

TEST_F(EntryPoints, StaticMembersAndSourceOnlyFunctionsAreTasks) {
  bg::Lifespan life{{.run_inline = true}};
  tasks::mailer_flush.later(9);
  tasks::source_only.later(11);
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"flush 9", "source_only 11"}));
}

TEST_F(EntryPoints, TheTaskNameReachesErrorsStatsAndTheShutdownReport) {
  std::vector<std::string> failed;
  std::mutex mutex;
  bg::Config config{.workers = 1};
  config.on_error = [&](const bg::TaskError& error) {
    std::lock_guard lock(mutex);
    failed.push_back(std::string(error.name) + ": " + error.what);
  };
  bg::Lifespan life{config};
  tasks::always_fails.later("boom");
  life.wait_idle();
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(failed, std::vector<std::string>{"always_fails: boom"});
  }
  EXPECT_EQ(life.stats().failed, 1u);

  bg::Lifespan short_lived{{.workers = 1, .shutdown_timeout = std::chrono::milliseconds(0)}};
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  short_lived.add_task([gate] { gate.wait(); });
  tasks::count_to.later_on(short_lived, 1);  // still queued at shutdown: discarded
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    release.set_value();
  });
  const bg::ShutdownReport& report = short_lived.shutdown();
  opener.join();
  bool named = false;
  for (const auto& record : report.unfinished) named = named || record.name == "count_to";
  EXPECT_TRUE(named) << report;
}

TEST_F(EntryPoints, DefaultArgumentsFillWhatEveryCallFormLeavesOut) {
  bg::Lifespan life{{.run_inline = true}};
  tasks::resize.later(10);
  tasks::resize.later(20, 0.25f);
  tasks::resize.later({.width = 30});
  tasks::resize.later({.width = 40, .scale = 2.0f});
  bg::registry().submit_json_text("resize", "[50]");
  bg::registry().submit_json_text("resize", R"({"width": 60})");
  bg::registry().submit_json_text("resize", R"({"width": 70, "scale": 0.5})");
  EXPECT_EQ(journal().take(),
            (std::vector<std::string>{"resize 10 1.500000", "resize 20 0.250000", "resize 30 1.500000",
                                      "resize 40 2.000000", "resize 50 1.500000", "resize 60 1.500000",
                                      "resize 70 0.500000"}));
  const bg::TaskInfo* info = bg::registry().find("resize");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->required_params, 1u);
  EXPECT_EQ(info->params[1].default_argument, "kDefaultScale");
  EXPECT_EQ(info->signature, "void testing_tasks::resize(uint32_t width, float scale = kDefaultScale)");
}

TEST_F(EntryPoints, IntegerArgumentsAreCheckedByValueAtTheCall) {
  bg::Lifespan life{{.run_inline = true}};
  tasks::resize.later(std::int64_t{4'000'000'000});  // fits std::uint32_t
  EXPECT_THROW(tasks::resize.later(-1), bg::ArgumentOutOfRange);
  EXPECT_THROW(tasks::resize.later(std::int64_t{5'000'000'000}), bg::ArgumentOutOfRange);
  EXPECT_THROW(tasks::resize.later({.width = -3}), bg::ArgumentOutOfRange);
  EXPECT_THROW(tasks::resize.later(1, 16'777'217), bg::ArgumentOutOfRange) << "not exact as a float";
  tasks::resize.later(1, 3);  // an int a float holds exactly
  EXPECT_EQ(journal().take(), (std::vector<std::string>{"resize 4000000000 1.500000", "resize 1 3.000000"}));
  EXPECT_EQ(life.stats().submitted, 2u) << "a refused call submits nothing";
}

}  // namespace
