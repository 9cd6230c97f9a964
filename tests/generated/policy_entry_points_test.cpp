// Policies declared beside [[bg::task]]: read by bg-gen, in the registry and
// the manifest, and followed by the runtime through the generated entry
// points. Delayed submission through later_after / later_at.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bg_tasks.hpp"
#include "mailer.hpp"

using namespace std::chrono_literals;

namespace {


struct Errors {
  std::mutex mutex;
  std::vector<std::pair<unsigned, bool>> seen;
  std::vector<std::exception_ptr> errors;
  auto handler() {
    return [this](const bg::TaskError& e) {
      std::lock_guard lock(mutex);
      seen.emplace_back(e.attempt, e.will_retry);
      errors.push_back(e.exception);
    };
  }
};

}  // namespace

TEST(PolicyRegistry, TheAttributesAreInTheRegistry) {
  const bg::TaskInfo* send = bg::registry().find("flaky_send");
  ASSERT_NE(send, nullptr);
  EXPECT_EQ(send->policy, (bg::TaskPolicy{.retries = 3, .backoff_base = 1ms, .backoff_cap = 4ms}));
  EXPECT_EQ(bg::registry().find("slow_render")->policy, (bg::TaskPolicy{.timeout = 50ms}));
  EXPECT_EQ(bg::registry().find("exclusive_sync")->policy, (bg::TaskPolicy{.concurrency = 1}));
  EXPECT_EQ(bg::registry().find("fetch")->policy,
            (bg::TaskPolicy{.retries = 2, .backoff_base = 1ms, .backoff_cap = 2ms, .timeout = 40ms}));
  EXPECT_TRUE(bg::registry().find("plain_note")->policy.plain());
}

TEST(PolicyRegistry, TheManifestShowsThePolicy) {
  std::ifstream file(BG_POLICY_MANIFEST);
  ASSERT_TRUE(file) << BG_POLICY_MANIFEST;
  const auto manifest = nlohmann::json::parse(file);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& task : manifest["tasks"]) by_name[task["name"]] = task;
  EXPECT_EQ(by_name["flaky_send"]["policy"],
            (nlohmann::json{{"retries", 3}, {"backoff_base_ms", 1}, {"backoff_cap_ms", 4}}));
  EXPECT_EQ(by_name["slow_render"]["policy"], (nlohmann::json{{"timeout_ms", 50}}));
  EXPECT_EQ(by_name["exclusive_sync"]["policy"], (nlohmann::json{{"concurrency", 1}}));
  EXPECT_FALSE(by_name["plain_note"].contains("policy"));
}

TEST(PolicyEntryPoints, RetriesFollowTheDeclaredPolicy) {
  Errors errors;
  bg::Lifespan life{{.workers = 2, .on_error = errors.handler()}};
  mailer::record().take();
  policy_tasks::flaky_send.later("ann@example.com");
  life.wait_idle();
  EXPECT_EQ(mailer::record().take(), (std::vector<std::string>{"ann@example.com attempt 1", "ann@example.com attempt 2",
                                                                "ann@example.com attempt 3"}));
  EXPECT_EQ(errors.seen, (std::vector<std::pair<unsigned, bool>>{{1, true}, {2, true}}));
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1, .retried = 2}));
}

TEST(PolicyEntryPoints, TheTimeLimitStopsARun) {
  Errors errors;
  bg::Lifespan life{{.workers = 1, .on_error = errors.handler()}};
  mailer::record().take();
  policy_tasks::slow_render.later();
  life.wait_idle();
  EXPECT_EQ(mailer::record().take(), (std::vector<std::string>{"render stopped"}));
  ASSERT_EQ(errors.errors.size(), 1U);
  EXPECT_THROW(std::rethrow_exception(errors.errors[0]), bg::TimeLimitExceeded);
}

TEST(PolicyEntryPoints, TheConcurrencyLimitHolds) {
  bg::Lifespan life{{.workers = 4}};
  mailer::record().take();
  mailer::record().most = 0;
  for (int i = 0; i < 12; ++i) policy_tasks::exclusive_sync.later(i);
  life.wait_idle();
  EXPECT_EQ(mailer::record().most.load(), 1);
  const auto lines = mailer::record().take();
  ASSERT_EQ(lines.size(), 12U);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(lines[static_cast<std::size_t>(i)], "sync " + std::to_string(i));
}

TEST(PolicyEntryPoints, ACoroutineTimesOutThenSucceedsOnItsRetry) {
  Errors errors;
  bg::Lifespan life{{.workers = 1, .on_error = errors.handler()}};
  mailer::record().take();
  policy_tasks::fetch.later("https://example.com/feed");
  life.wait_idle();
  EXPECT_EQ(mailer::record().take(), (std::vector<std::string>{"https://example.com/feed attempt 1",
                                                                "https://example.com/feed attempt 2"}));
  ASSERT_EQ(errors.errors.size(), 1U);
  EXPECT_THROW(std::rethrow_exception(errors.errors[0]), bg::TimeLimitExceeded);
  EXPECT_EQ(life.stats(), (bg::Stats{.submitted = 1, .completed = 1, .retried = 1}));
}

TEST(DelayedEntryPoints, EveryFormWaitsForItsTime) {
  bg::Lifespan life{{.workers = 1}};
  mailer::record().take();
  const auto start = std::chrono::steady_clock::now();
  policy_tasks::plain_note.later_after(60ms, "after");
  policy_tasks::plain_note.later_at(start + 30ms, std::string("at"));
  policy_tasks::plain_note.later_after(90ms, {.text = "keyword"});
  ASSERT_TRUE(policy_tasks::plain_note.try_later_after(120ms, "try").has_value());
  policy_tasks::plain_note.later_after_on(life, 150ms, "on");
  ASSERT_TRUE(policy_tasks::plain_note.try_later_at_on(life, start + 180ms, "try on").has_value());
  EXPECT_EQ(life.stats().scheduled, 6U);
  life.wait_idle();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 180ms);
  EXPECT_EQ(mailer::record().take(), (std::vector<std::string>{"note at", "note after", "note keyword", "note try",
                                                                "note on", "note try on"}));
}

TEST(DelayedEntryPoints, ShutdownRefusesThem) {
  bg::Lifespan life{{.workers = 1}};
  life.shutdown();
  EXPECT_THROW(policy_tasks::plain_note.later_after(1s, "x"), bg::ShuttingDown);
  EXPECT_FALSE(policy_tasks::plain_note.try_later_after(1s, "x").has_value());
}
