// A throwing task never harms a worker or other tasks.
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

#include "sync.hpp"

namespace {

TEST(Errors, OnErrorReceivesTaskAndException) {
  std::mutex mutex;
  std::vector<bg::TaskError> errors;
  bg::Lifespan life{{.workers = 1, .on_error = [&](const bg::TaskError& e) {
                       std::lock_guard lock(mutex);
                       errors.push_back(e);
                     }}};
  const bg::TaskId id = life.add_named_task("parse", [] { throw std::invalid_argument("bad input"); });
  life.wait_idle();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].id, id);
  EXPECT_EQ(errors[0].name, "parse");
  EXPECT_EQ(errors[0].what, "bad input");
  EXPECT_THROW(std::rethrow_exception(errors[0].exception), std::invalid_argument);
}

TEST(Errors, WorkersSurviveAndLaterTasksRun) {
  std::atomic<int> ok{0};
  bg::Lifespan life{{.workers = 1, .on_error = [](const bg::TaskError&) {}}};
  for (int i = 0; i < 20; ++i) {
    life.add_task([] { throw std::runtime_error("x"); });
    life.add_task([&] { ++ok; });
  }
  life.wait_idle();
  EXPECT_EQ(ok.load(), 20);
  const bg::Stats stats = life.stats();
  EXPECT_EQ(stats.failed, 20U);
  EXPECT_EQ(stats.completed, 20U);
  EXPECT_EQ(stats, (bg::Stats{.submitted = 40, .completed = 20, .failed = 20}));
}

TEST(Errors, DefaultHandlerPrintsOneLineNamingTheTask) {
  testing::internal::CaptureStderr();
  {
    bg::Lifespan life{{.workers = 1}};
    life.add_named_task("send_mail", [] { throw std::runtime_error("smtp down"); });
    life.wait_idle();
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "bg: task 'send_mail' (id 1) failed: smtp down\n");
}

TEST(Errors, NonStandardExceptionsAreReportedToo) {
  std::string what;
  bg::Lifespan life{{.workers = 1, .on_error = [&](const bg::TaskError& e) { what = e.what; }}};
  life.add_task([] { throw 42; });
  life.wait_idle();
  EXPECT_EQ(what, "unknown exception (not derived from std::exception)");
}

TEST(Errors, ThrowingOnErrorIsContained) {
  std::atomic<int> ok{0};
  testing::internal::CaptureStderr();
  {
    bg::Lifespan life{{.workers = 1, .on_error = [](const bg::TaskError&) {
                         throw std::runtime_error("handler broke");
                       }}};
    life.add_named_task("t", [] { throw std::runtime_error("task broke"); });
    life.add_task([&] { ++ok; });
    life.wait_idle();
    EXPECT_EQ(life.stats().failed, 1U);
  }
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_NE(err.find("on_error threw while handling task 't' (id 1): handler broke"), std::string::npos)
      << err;
}

}  // namespace
