// Multi-producer stress: the accounting identity holds exactly, nothing is
// lost, and (under ThreadSanitizer) nothing races.
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

#include "sync.hpp"

namespace {

constexpr int kProducers = 4;
constexpr std::uint64_t kTasks = 1'000'000;
constexpr std::uint64_t kThrowEvery = 97;

TEST(Stress, FourProducersOneMillionTasksSomeThrowing) {
  std::atomic<std::uint64_t> ran{0};
  std::atomic<std::uint64_t> checksum{0};
  std::atomic<std::uint64_t> errors{0};
  bg::Lifespan life{{.workers = 2, .on_error = [&](const bg::TaskError&) { ++errors; }}};
  std::vector<std::thread> producers;
  std::atomic<std::uint64_t> expected_sum{0};
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      std::uint64_t local_sum = 0;
      for (std::uint64_t i = p; i < kTasks; i += kProducers) {
        local_sum += i;
        life.add_task([&ran, &checksum](std::uint64_t value) {
          ++ran;
          checksum += value;
          if (value % kThrowEvery == 0) throw std::runtime_error("planned");
        }, i);
      }
      expected_sum += local_sum;
    });
  }
  for (auto& producer : producers) producer.join();
  life.wait_idle();

  const bg::Stats stats = life.stats();
  const std::uint64_t throwing = (kTasks + kThrowEvery - 1) / kThrowEvery;
  EXPECT_EQ(stats.submitted, kTasks);
  EXPECT_EQ(stats.failed, throwing);
  EXPECT_EQ(stats.completed, kTasks - throwing);
  EXPECT_EQ(stats.queued, 0U);
  EXPECT_EQ(stats.running, 0U);
  EXPECT_EQ(stats, (bg::Stats{.submitted = kTasks, .completed = kTasks - throwing, .failed = throwing}));
  EXPECT_EQ(ran.load(), kTasks);
  EXPECT_EQ(errors.load(), throwing);
  EXPECT_EQ(checksum.load(), expected_sum.load());
}

TEST(Stress, IdentityHoldsAfterATimedOutShutdownUnderLoad) {
  std::atomic<bool> stop_producing{false};
  bg::ShutdownReport report;
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
  {
    bg::Lifespan life{{.workers = 2, .shutdown_timeout = std::chrono::milliseconds(5),
                       .cancel_grace = std::chrono::seconds(5)}};
    std::vector<std::thread> producers;
    std::vector<std::uint64_t> ok(kProducers, 0);
    std::vector<std::uint64_t> no(kProducers, 0);
    for (int p = 0; p < kProducers; ++p) {
      producers.emplace_back([&, p] {
        while (!stop_producing) {
          if (life.try_add_task([](const bg::Context& ctx) {
                for (int spin = 0; spin < 200 && !ctx.stop_token.stop_requested(); ++spin) {
                  std::this_thread::yield();
                }
              })) {
            ++ok[p];
          } else {
            ++no[p];
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    report = life.shutdown();
    stop_producing = true;
    for (auto& producer : producers) producer.join();
    for (int p = 0; p < kProducers; ++p) {
      accepted += ok[p];
      refused += no[p];
    }
    EXPECT_EQ(life.stats().rejected, refused);
  }
  EXPECT_EQ(report.stats.submitted, accepted);
  EXPECT_EQ(report.stats.queued + report.stats.running, 0U);
  EXPECT_TRUE(bg::test::sums_to_submitted(report.stats)) << report.stats;
  EXPECT_EQ(report.stats.cancelled + report.stats.abandoned + report.stats.failed,
            report.unfinished.size());
}

}  // namespace
