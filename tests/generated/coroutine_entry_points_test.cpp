// The generated entry points and registry entries of coroutine tasks: the
// same forms as blocking tasks, run by bgtasks::asio.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <bg/bg.hpp>
#include <bg/registry.hpp>

#include "bg_tasks.hpp"
#include "webhooks.hpp"

using namespace std::chrono_literals;

namespace {

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

class CoroutineEntryPoints : public ::testing::Test {
 protected:
  void SetUp() override { webhooks::log().take(); }
};

TEST_F(CoroutineEntryPoints, EveryCallFormRunsTheCoroutine) {
  bg::Lifespan life{{.workers = 1}};
  coroutine_tasks::call_webhook.later("https://example.com/a", "{}");
  coroutine_tasks::call_webhook.later({.url = "https://example.com/b", .body = "{\"k\":1}"});
  coroutine_tasks::call_webhook.later_on(life, std::string("https://example.com/c"), "c");
  ASSERT_TRUE(coroutine_tasks::call_webhook.try_later("https://example.com/d", "d").has_value());
  bg::BackgroundTasks batch;
  coroutine_tasks::call_webhook.add_to(batch, "https://example.com/e", "e");
  add_task(batch, coroutine_tasks::call_webhook, "https://example.com/f", "f");
  life.add_tasks(std::move(batch));
  life.add_task(coroutine_tasks::call_webhook.bind("https://example.com/g", "g"));
  life.wait_idle();
  EXPECT_EQ(sorted(webhooks::log().take()),
            (std::vector<std::string>{"webhook https://example.com/a {}", "webhook https://example.com/b {\"k\":1}",
                                      "webhook https://example.com/c c", "webhook https://example.com/d d",
                                      "webhook https://example.com/e e", "webhook https://example.com/f f",
                                      "webhook https://example.com/g g"}));
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 7, .completed = 7}));
}

TEST_F(CoroutineEntryPoints, ContextAliasesDefaultsAndReferencesReachTheTask) {
  bg::Lifespan life{{.workers = 1}};
  const bg::TaskId digest = coroutine_tasks::send_digest.later(std::vector<std::string>{"a@x", "b@x"});
  coroutine_tasks::measure.later(std::string(100, 'm'));  // a temporary, read after a 5 ms wait
  coroutine_tasks::measure.later({.text = "abc", .delay_ms = 1});
  life.wait_idle();
  EXPECT_EQ(sorted(webhooks::log().take()),
            (std::vector<std::string>{"digest send_digest " + std::to_string(digest) + " a@x b@x", "measure abc 3",
                                      "measure " + std::string(100, 'm') + " 100"}));
}

TEST_F(CoroutineEntryPoints, AFailureReachesOnError) {
  std::vector<std::string> errors;
  std::mutex mutex;
  bg::Lifespan life{{.workers = 1, .on_error = [&](const bg::TaskError& error) {
                       std::lock_guard lock(mutex);
                       errors.push_back(std::string(error.name) + ": " + error.what);
                     }}};
  coroutine_tasks::fail_after.later(1);
  life.wait_idle();
  EXPECT_EQ(errors, (std::vector<std::string>{"fail_after: the endpoint answered 503"}));
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .failed = 1}));
}

TEST_F(CoroutineEntryPoints, ShutdownCancelsAWaitingTask) {
  bg::Lifespan life{{.workers = 1, .shutdown_timeout = 20ms, .cancel_grace = 5s}};
  const bg::TaskId id = coroutine_tasks::wait_for_cancel.later();
  const auto start = std::chrono::steady_clock::now();
  const bg::ShutdownReport& report = life.shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(webhooks::log().take(), (std::vector<std::string>{"cancelled aborted stop"}));
  ASSERT_EQ(report.unfinished.size(), 1U);
  EXPECT_EQ(report.unfinished[0].id, id);
  EXPECT_EQ(report.unfinished[0].name, "wait_for_cancel");
  EXPECT_EQ(report.unfinished[0].state, bg::TaskState::stopped);
}

TEST_F(CoroutineEntryPoints, RunInlineRunsThemToTheirEnd) {
  bg::Lifespan life{{.run_inline = true}};
  coroutine_tasks::measure.later("inline", 1);
  EXPECT_EQ(webhooks::log().take(), (std::vector<std::string>{"measure inline 6"}));
}

TEST_F(CoroutineEntryPoints, TheRegistrySaysWhichKindEachTaskIs) {
  const bg::TaskInfo* webhook = bg::registry().find("call_webhook");
  ASSERT_NE(webhook, nullptr);
  EXPECT_EQ(webhook->kind, "coroutine");
  EXPECT_EQ(webhook->returns, "none");
  EXPECT_EQ(webhook->signature, "asio::awaitable<void> webhooks::call_webhook(std::string url, std::string body)");
  const bg::TaskInfo* measure = bg::registry().find("measure");
  ASSERT_NE(measure, nullptr);
  EXPECT_EQ(measure->kind, "coroutine");
  EXPECT_EQ(measure->returns, "discarded");
  EXPECT_EQ(measure->required_params, 1U);
  const bg::TaskInfo* digest = bg::registry().find("send_digest");
  ASSERT_NE(digest, nullptr);
  EXPECT_EQ(digest->kind, "coroutine") << "seen through the Async<T> alias";
  EXPECT_TRUE(digest->takes_context);
}

TEST_F(CoroutineEntryPoints, SubmitJsonRunsACoroutineTask) {
  bg::Lifespan life{{.workers = 1}};
  bg::registry().submit_json_text("call_webhook", R"(["https://example.com/json", "{}"])");
  bg::registry().submit_json_text("measure", R"({"text": "by name"})");
  life.wait_idle();
  EXPECT_EQ(sorted(webhooks::log().take()),
            (std::vector<std::string>{"measure by name 7", "webhook https://example.com/json {}"}));
  EXPECT_THROW(bg::registry().submit_json_text("call_webhook", R"(["only one"])"), bg::DispatchError);
  life.wait_idle();
  EXPECT_TRUE(webhooks::log().take().empty()) << "a refused call runs nothing";
}

}  // namespace
