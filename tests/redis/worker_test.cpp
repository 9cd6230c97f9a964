// bgtasks::redis against a real redis-server (started per test on a free
// loopback port): typed enqueue, the worker's settling of entries, retries
// through the delayed set, dead letters, taking over entries of a worker
// that died, the heartbeat, graceful hand-back, and the operator's view.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <bg/lifespan.hpp>
#include <bg/redis.hpp>
#include <bg/registry.hpp>

#include "bg_tasks.hpp"
#include "durable_tasks.hpp"
#include "eventually.hpp"
#include "numbered.hpp"
#include "redis_server.hpp"

namespace {

using namespace std::chrono_literals;
using bg::test::eventually;
using bg::test::numbered;
using durable::journal;

class RedisWorker : public ::testing::Test {
 protected:
  void SetUp() override { journal().clear(); }

  std::uint64_t number(const std::vector<std::string>& argv) { return std::stoull(client.command(argv)); }

  bg_test::RedisServer server;
  bg::redis::Client client{server.endpoint()};
  bg::redis::Queue queue{client, "q"};
  bg::redis::QueueKeys keys{"q"};
};

TEST_F(RedisWorker, RunsEnqueuedTasksAndSettlesEveryEntry) {
  for (int i = 0; i < 200; ++i) durable_tasks::record.enqueue(queue, numbered("k", i));
  EXPECT_EQ(number({"XLEN", keys.stream}), 200U);

  bg::Lifespan life{{.workers = 2}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(200, 10s), 200U);
  // Every entry acknowledged and deleted: nothing ready, nothing pending.
  ASSERT_TRUE(eventually([&] { return worker.stats().completed == 200; }));
  EXPECT_EQ(number({"XLEN", keys.stream}), 0U);
  const bg::redis::QueueStatus status = bg::redis::queue_status(client, "q");
  EXPECT_EQ(status.pending, 0U);
  EXPECT_EQ(status.ready, 0U);
  ASSERT_EQ(status.consumers.size(), 1U);
  EXPECT_EQ(status.consumers[0].name, worker.consumer());
  for (const auto& run : journal().runs()) EXPECT_EQ(run.attempt, 1U);
  worker.stop();
  EXPECT_EQ(worker.stats().read, 200U);
}

TEST_F(RedisWorker, EveryParameterShapeSurvivesTheTrip) {
  durable_tasks::shapes.enqueue(queue, "quote \" and \\ and\nnewline", std::int64_t{9'007'199'254'740'993}, 0.1,
                                true, std::vector<int>{1, -2, 3}, std::optional<std::string>{},
                                std::map<std::string, std::uint16_t>{{"a", 1}, {"b", 65535}});
  durable_tasks::shapes.enqueue(queue, "", -1, -2.5e-300, false, std::vector<int>{}, std::string("here"),
                                std::map<std::string, std::uint16_t>{});
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(2, 10s), 2U);
  const auto runs = journal().runs();
  EXPECT_EQ(runs[0].key, "quote \" and \\ and\nnewline|9007199254740993|0.1|1|1,-2,3,|<none>|a=1,b=65535,");
  EXPECT_EQ(runs[1].key, "|-1|-2.5e-300|0||here|");
  EXPECT_EQ(worker.stats().dead, 0U);
}

TEST_F(RedisWorker, ACoroutineTaskRunsAndIsAcknowledged) {
  durable_tasks::async_record.enqueue(queue, "co");
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(1, 10s), 1U);
  EXPECT_EQ(journal().runs()[0].task, "async_record");
  ASSERT_TRUE(eventually([&] { return worker.stats().completed == 1; }));
  EXPECT_EQ(number({"XLEN", keys.stream}), 0U);
}

TEST_F(RedisWorker, AFailedTaskIsRetriedThroughTheDelayedSetThenDeadLettered) {
  durable_tasks::flaky.enqueue(queue, "once", 1);    // fails on attempt 1, then succeeds
  durable_tasks::flaky.enqueue(queue, "always", 9);  // retry(2): 3 attempts, then a dead letter
  bg::Lifespan life{{.workers = 2}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(1, 10s), 1U);
  EXPECT_EQ(journal().runs()[0].key, "once");
  EXPECT_EQ(journal().runs()[0].attempt, 2U);  // bg::Context::attempt counts the Redis attempts
  ASSERT_TRUE(eventually([&] { return worker.stats().dead == 1; }));
  EXPECT_EQ(worker.stats().retried, 3U);  // once: 1; always: 2
  const auto dead = bg::redis::dead_letters(client, "q");
  ASSERT_EQ(dead.size(), 1U);
  EXPECT_EQ(dead[0].task, "flaky");
  EXPECT_EQ(dead[0].args, "[\"always\",9]");
  EXPECT_EQ(dead[0].attempt, 3U);
  EXPECT_EQ(dead[0].error, "failed on attempt 3 of 3: flaky failure on attempt 3");
  ASSERT_TRUE(eventually([&] { return worker.stats().completed == 1; }));
  EXPECT_EQ(number({"ZCARD", keys.delayed}), 0U);
  EXPECT_EQ(number({"XLEN", keys.stream}), 0U);
}

TEST_F(RedisWorker, NoRetryMakesTheFirstFailureFinal) {
  durable_tasks::refuse.enqueue(queue, "nobody");
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_TRUE(eventually([&] { return worker.stats().dead == 1; }));
  EXPECT_EQ(worker.stats().retried, 0U);
  EXPECT_EQ(journal().count("nobody"), 1U);
  const auto dead = bg::redis::dead_letters(client, "q");
  ASSERT_EQ(dead.size(), 1U);
  EXPECT_EQ(dead[0].error, "failed on attempt 1 of 3 (bg::NoRetry: final): 550 no such user nobody");
}

TEST_F(RedisWorker, ATimedOutRunIsAFailureRetriedThroughRedis) {
  durable_tasks::stuck.enqueue(queue, "s");
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_TRUE(eventually([&] { return worker.stats().dead == 1; }));
  EXPECT_EQ(journal().count("s"), 2U);  // the first run and its one retry, each stopped at 50 ms
  const auto dead = bg::redis::dead_letters(client, "q");
  ASSERT_EQ(dead.size(), 1U);
  EXPECT_NE(dead[0].error.find("time limit"), std::string::npos) << dead[0].error;
}

TEST_F(RedisWorker, EntriesThatCannotBeDispatchedAreDeadLettersAtOnce) {
  client.enqueue("q", "no_such_task", "[]");
  client.enqueue("q", "record", "[42]");          // wrong type
  client.enqueue("q", "record", "[\"a\", \"b\"]");  // too many
  client.enqueue("q", "record", "not json");
  client.command({"XADD", keys.stream, "*", "something", "else"});  // not a task at all
  durable_tasks::record.enqueue(queue, "fine");
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(1, 10s), 1U);
  ASSERT_TRUE(eventually([&] { return worker.stats().dead == 5; }));
  const auto dead = bg::redis::dead_letters(client, "q");
  ASSERT_EQ(dead.size(), 5U);
  EXPECT_NE(dead[0].error.find("no_such_task"), std::string::npos) << dead[0].error;
  EXPECT_NE(dead[1].error.find("key"), std::string::npos) << dead[1].error;  // names the parameter
  EXPECT_NE(dead[3].error.find("cannot be dispatched"), std::string::npos) << dead[3].error;
  EXPECT_EQ(dead[4].error, "the entry names no task (it has no 'task' field)");
  // The valid task's entry is acknowledged in the round after it ran.
  ASSERT_TRUE(eventually([&] { return worker.stats().completed == 1; }));
  EXPECT_EQ(number({"XLEN", keys.stream}), 0U);

  // An operator fixes the cause (here: registers nothing, just requeues the
  // valid one) and requeues by id; the worker runs it as a first attempt.
  client.command({"XADD", keys.dead, "*", "task", "record", "args", "[\"requeued\"]", "attempt", "3", "error", "x"});
  const auto letters = bg::redis::dead_letters(client, "q");
  EXPECT_EQ(bg::redis::requeue_dead(client, "q", letters.back().id), 1U);
  ASSERT_EQ(journal().wait_for(2, 10s), 2U);
  EXPECT_EQ(journal().runs()[1].key, "requeued");
  EXPECT_EQ(journal().runs()[1].attempt, 1U);
  EXPECT_THROW(bg::redis::requeue_dead(client, "q", "1-1"), bg::redis::Error);
}

TEST_F(RedisWorker, DelayedTasksWaitInTheSortedSetAndFireOnTime) {
  const auto start = std::chrono::steady_clock::now();
  durable_tasks::record.enqueue_after(queue, 400ms, "later");
  durable_tasks::record.enqueue_at(queue, std::chrono::system_clock::now() - 1s, "past");  // at once
  EXPECT_EQ(number({"ZCARD", keys.delayed}), 1U);
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(2, 10s), 2U);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(journal().runs()[0].key, "past");
  EXPECT_EQ(journal().runs()[1].key, "later");
  EXPECT_GE(elapsed, 400ms);
  EXPECT_LT(elapsed, 400ms + 300ms);  // the chaos test measures lateness precisely
  EXPECT_EQ(worker.stats().moved_due, 1U);
}

TEST_F(RedisWorker, EntriesOfAWorkerThatDiedAreTakenOverAfterTheIdleTime) {
  for (int i = 0; i < 5; ++i) durable_tasks::record.enqueue(queue, numbered("orphan", i));
  // A worker that read the entries and died: they stay pending on it.
  client.command({"XGROUP", "CREATE", keys.stream, "bg", "0"});
  client.command({"XREADGROUP", "GROUP", "bg", "ghost", "COUNT", "10", "STREAMS", keys.stream, ">"});
  EXPECT_EQ(bg::redis::queue_status(client, "q").pending, 5U);

  bg::Lifespan life{{.workers = 2}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}, .claim_idle = 300ms});
  const auto start = std::chrono::steady_clock::now();
  worker.start();
  ASSERT_EQ(journal().wait_for(5, 10s), 5U);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 250ms);         // not before the entries were idle long enough
  EXPECT_LT(elapsed, 300ms + 1s);    // and within the idle time + 1 s
  EXPECT_EQ(worker.stats().reclaimed, 5U);
  ASSERT_TRUE(eventually([&] { return bg::redis::queue_status(client, "q").pending == 0; }));
}

TEST_F(RedisWorker, AnEntryThatKeepsKillingItsWorkerBecomesADeadLetter) {
  durable_tasks::record.enqueue(queue, "poison");
  client.command({"XGROUP", "CREATE", keys.stream, "bg", "0"});
  const std::string read = client.command({"XREADGROUP", "GROUP", "bg", "w1", "STREAMS", keys.stream, ">"});
  const std::string id = read.substr(read.find('\n') + 1, read.find('\n', read.find('\n') + 1) - read.find('\n') - 1);
  // Four more workers took it over and died: delivered 5 times, max_deliveries.
  for (const char* dead_worker : {"w2", "w3", "w4", "w5"}) {
    client.command({"XCLAIM", keys.stream, "bg", dead_worker, "0", id});
  }
  std::this_thread::sleep_for(60ms);
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}, .claim_idle = 50ms, .max_deliveries = 5});
  worker.start();
  ASSERT_TRUE(eventually([&] { return worker.stats().dead == 1; }));
  EXPECT_EQ(journal().count("poison"), 0U);
  const auto dead = bg::redis::dead_letters(client, "q");
  ASSERT_EQ(dead.size(), 1U);
  EXPECT_NE(dead[0].error.find("delivered 5 times"), std::string::npos) << dead[0].error;
  EXPECT_EQ(bg::redis::queue_status(client, "q").pending, 0U);
}

TEST_F(RedisWorker, TheHeartbeatKeepsASlowTaskFromRunningTwice) {
  // Two workers; the task runs for 10 times the idle time.
  durable_tasks::slow.enqueue(queue, "long", 1500);
  bg::Lifespan life_a{{.workers = 1}};
  bg::Lifespan life_b{{.workers = 1}};
  bg::redis::Worker a(life_a, server.endpoint(), {.queues = {"q"}, .consumer = "a", .claim_idle = 150ms});
  bg::redis::Worker b(life_b, server.endpoint(), {.queues = {"q"}, .consumer = "b", .claim_idle = 150ms});
  a.start();
  b.start();
  ASSERT_EQ(journal().wait_for(1, 10s), 1U);
  std::this_thread::sleep_for(500ms);  // time for a wrong second run to show
  EXPECT_EQ(journal().count("long"), 1U);
  EXPECT_EQ(a.stats().reclaimed + b.stats().reclaimed, 0U);
  EXPECT_EQ(a.stats().completed + b.stats().completed, 1U);
}

TEST_F(RedisWorker, NoWorkerHoldsMoreEntriesThanItCanRun) {
  for (int i = 0; i < 10; ++i) durable_tasks::slow.enqueue(queue, numbered("s", i), 100);
  bg::Lifespan life{{.workers = 2}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});  // max_in_flight: 2, the workers
  worker.start();
  std::uint64_t most = 0;
  while (journal().runs().size() < 10) {
    const auto status = bg::redis::queue_status(client, "q");
    most = std::max(most, status.pending);
    ASSERT_LE(worker.stats().in_flight, 2U);
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_LE(most, 2U);
  EXPECT_GE(most, 1U);
}

TEST_F(RedisWorker, ShutdownHandsUnstartedEntriesBack) {
  for (int i = 0; i < 4; ++i) durable_tasks::slow.enqueue(queue, numbered("s", i), 1000);
  {
    // One thread, four entries held: one runs, three wait in the lifespan.
    bg::Lifespan life{{.workers = 1, .shutdown_timeout = 100ms}};
    bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}, .max_in_flight = 4});
    worker.start();
    ASSERT_TRUE(eventually([&] { return worker.stats().in_flight == 4; }));
    const bg::ShutdownReport& report = worker.stop();
    EXPECT_EQ(report.stats.cancelled, 4U);  // three discarded; the running one honoured its stop token
    ASSERT_EQ(report.unfinished.size(), 4U);
    EXPECT_EQ(report.unfinished[0].state, bg::TaskState::stopped);
    EXPECT_EQ(worker.stats().handed_back, 4U);
  }
  const auto status = bg::redis::queue_status(client, "q");
  EXPECT_EQ(status.ready, 4U);  // all four back, for the next worker
  EXPECT_EQ(status.pending, 0U);
  EXPECT_EQ(journal().runs().size(), 0U);

  // The next worker runs all four, still as first attempts.
  bg::Lifespan life{{.workers = 4}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(4, 10s), 4U);
  for (const auto& run : journal().runs()) EXPECT_EQ(run.attempt, 1U);
}

TEST_F(RedisWorker, ATaskGoesToTheQueueDeclaredBesideIt) {
  static_assert(durable_tasks::mailout.queue_name() == "mailouts");
  static_assert(durable_tasks::record.queue_name() == "default");
  EXPECT_EQ(bg::registry().find("mailout")->queue, "mailouts");
  EXPECT_EQ(bg::registry().find("record")->queue, "default");
  durable_tasks::mailout.enqueue(client, "positional", 2);
  durable_tasks::mailout.enqueue(client, {.address = "keyword"});  // copies left out: the default, 1
  durable_tasks::mailout.enqueue(client, {.address = "both", .copies = 3});
  durable_tasks::record.enqueue(client, "to default");
  const bg::redis::QueueKeys mailouts("mailouts");
  EXPECT_EQ(number({"XLEN", mailouts.stream}), 3U);
  EXPECT_EQ(number({"XLEN", bg::redis::QueueKeys("default").stream}), 1U);
  EXPECT_EQ(client.command({"XRANGE", mailouts.stream, "-", "+"}).find("{\"address\":\"keyword\"}") != std::string::npos,
            true);

  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"mailouts", "default"}, .max_in_flight = 1});
  worker.start();
  ASSERT_EQ(journal().wait_for(4, 10s), 4U);
  const auto runs = journal().runs();
  EXPECT_EQ(runs[0].key, "positional x2");
  EXPECT_EQ(runs[1].key, "keyword x1");
  EXPECT_EQ(runs[2].key, "both x3");
  EXPECT_EQ(runs[3].key, "to default");
}

TEST_F(RedisWorker, QueuesAreReadInPriorityOrder) {
  bg::redis::Queue low{client, "low"};
  for (int i = 0; i < 5; ++i) durable_tasks::record.enqueue(low, "low");
  for (int i = 0; i < 5; ++i) durable_tasks::record.enqueue(queue, "high");
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q", "low"}, .max_in_flight = 1});
  worker.start();
  ASSERT_EQ(journal().wait_for(10, 10s), 10U);
  const auto runs = journal().runs();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(runs[static_cast<std::size_t>(i)].key, "high");
}

TEST_F(RedisWorker, ABatchEnqueuesInOneRoundTrip) {
  bg::redis::Batch batch(client, "q");
  for (int i = 0; i < 1000; ++i) durable_tasks::record.enqueue(batch, numbered("b", i));
  durable_tasks::record.enqueue_after(batch, 50ms, "delayed");
  EXPECT_EQ(batch.size(), 1001U);
  const std::vector<std::string> ids = batch.send();
  ASSERT_EQ(ids.size(), 1001U);
  EXPECT_EQ(batch.size(), 0U);
  EXPECT_TRUE(ids.back().starts_with("d-"));
  EXPECT_EQ(number({"XLEN", keys.stream}), 1000U);
  bg::Lifespan life{{.workers = 2}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}, .max_in_flight = 64});
  worker.start();
  ASSERT_EQ(journal().wait_for(1001, 20s), 1001U);
}

TEST_F(RedisWorker, BadSettingsAndAddressesAreClearErrors) {
  bg::Lifespan life{{.workers = 1}};
  EXPECT_THROW(bg::redis::Worker(life, server.endpoint(), {.queues = {}}), bg::redis::Error);
  EXPECT_THROW(bg::redis::Worker(life, server.endpoint(), {.claim_idle = 1ms}), bg::redis::Error);
  EXPECT_THROW(bg::redis::QueueKeys("a{b}"), bg::redis::Error);
  EXPECT_THROW(bg::redis::Endpoint::parse("redis://host:99999"), bg::redis::Error);
  EXPECT_EQ(bg::redis::Endpoint::parse("redis://host:6379/2").db, 2);  // a database number
  EXPECT_THROW(bg::redis::Endpoint::parse("redis://host:6379/two"), bg::redis::Error);
  EXPECT_EQ(bg::redis::Endpoint::parse("redis://example.com:7000").port, 7000);
  EXPECT_EQ(bg::redis::Endpoint::parse("example.com").port, 6379);
  try {
    bg::redis::Client nowhere(bg::redis::Endpoint{"127.0.0.1", bg_test::free_port()});
    nowhere.enqueue("q", "record", "[\"x\"]");
    FAIL() << "no server there";
  } catch (const bg::redis::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to redis://127.0.0.1:"), std::string::npos) << e.what();
  }
  // The worker takes over retries: constructing it after a retried task was
  // submitted in the process is refused, saying why.
  bg::Lifespan busy{{.workers = 1}};
  durable_tasks::flaky.later_on(busy, "x", 0);
  busy.wait_idle();
  try {
    bg::redis::Worker late(busy, server.endpoint(), {.queues = {"q"}});
    FAIL() << "expected an error";
  } catch (const bg::redis::Error& e) {
    EXPECT_NE(std::string(e.what()).find("construct the worker before"), std::string::npos) << e.what();
  }
}

}  // namespace
