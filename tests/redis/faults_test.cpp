// The faults a production Redis brings, each against a real redis-server
// that the test starts, kills, restarts, pauses, fills or feeds garbage:
// nothing stalls, nothing is lost, nothing runs twice that need not, and
// every count of "lost" and "duplicated" is printed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>
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

/// A lifespan's settings whose task failures are expected: not printed.
bg::Config quiet(bg::Config config) {
  config.on_error = [](const bg::TaskError&) {};
  return config;
}

/// Each test starts its own redis-server (a default one here; tests that
/// need other settings start their own), with a client and queue "q".
class RedisFaults : public ::testing::Test {
 protected:
  void SetUp() override { journal().clear(); }
  std::uint64_t number(bg::redis::Client& c, const std::vector<std::string>& argv) {
    return std::stoull(c.command(argv));
  }

  bg_test::RedisServer server;
  bg::redis::Client client{server.endpoint()};
  bg::redis::Queue queue{client, "q"};
  const bg::redis::QueueKeys keys{"q"};
};

// ---------------------------------------------------------------------------
// The server restarts.

TEST_F(RedisFaults, AfterARestartWithoutPersistenceTheWorkerMakesItsGroupAgainAndGoesOn) {
  bg::Lifespan life{{.workers = 2}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}, .claim_idle = 300ms});
  worker.start();
  durable_tasks::record.enqueue(queue, "before");
  ASSERT_EQ(journal().wait_for(1, 10s), 1U);

  server.restart();  // SIGKILL, then an empty server on the same port
  for (int i = 0; i < 10; ++i) durable_tasks::record.enqueue(queue, numbered("after-restart-", i));
  ASSERT_EQ(journal().wait_for(11, 15s), 11U) << "the worker stalled after the restart";

  client.command({"FLUSHALL"});  // the same, with the connection kept
  for (int i = 0; i < 10; ++i) durable_tasks::record.enqueue(queue, numbered("after-flush-", i));
  ASSERT_EQ(journal().wait_for(21, 15s), 21U) << "the worker stalled after FLUSHALL";

  client.command({"DEL", "bg:{q}:stream"});  // the stream deleted: its group with it
  durable_tasks::record.enqueue(queue, "after-delete");
  ASSERT_EQ(journal().wait_for(22, 15s), 22U) << "the worker stalled after the stream was deleted";
}

/// Kills and restarts the server `restarts` times under a producer and two
/// workers; returns {acknowledged enqueues, of those never run, runs beyond
/// the first}.
struct RestartTally {
  std::size_t stored = 0, refused = 0, unknown = 0, lost = 0, duplicates = 0, ran = 0;
};
RestartTally restart_under_load(bg_test::RedisServer& server, int restarts, bool check_every_one) {
  const std::string url = server.url() + "?socket_timeout=1&socket_connect_timeout=1";
  bg::redis::Client client(url);
  bg::redis::Queue queue{client, "q"};
  bg::Lifespan life_a{{.workers = 2}};
  bg::Lifespan life_b{{.workers = 2}};
  bg::redis::Worker a(life_a, bg::redis::Endpoint::parse(url), {.queues = {"q"}, .claim_idle = 500ms});
  bg::redis::Worker b(life_b, bg::redis::Endpoint::parse(url), {.queues = {"q"}, .claim_idle = 500ms});
  a.start();
  b.start();

  RestartTally tally;
  std::set<std::string> stored;
  std::atomic<bool> producing{true};
  std::thread producer([&] {
    for (int i = 0; producing.load(); ++i) {
      const std::string key = numbered("r-", i);
      try {
        durable_tasks::record.enqueue(queue, key);
        stored.insert(key);
      } catch (const bg::redis::OutcomeUnknown&) {
        ++tally.unknown;
      } catch (const bg::redis::Error&) {
        ++tally.refused;
      }
      std::this_thread::sleep_for(1ms);
    }
  });
  for (int r = 0; r < restarts; ++r) {
    std::this_thread::sleep_for(300ms);
    server.restart();
  }
  std::this_thread::sleep_for(300ms);
  producing = false;
  producer.join();
  tally.stored = stored.size();
  // Wait for the work stored after the last restart (with persistence: all of it).
  if (check_every_one) {
    eventually([&] {
      for (const std::string& key : stored) {
        if (journal().count(key) == 0) return false;
      }
      return true;
    }, 30s);
  } else {
    std::this_thread::sleep_for(2s);
  }
  std::map<std::string, std::size_t> runs;
  for (const auto& run : journal().runs()) ++runs[run.key];
  for (const std::string& key : stored) {
    if (runs[key] == 0) ++tally.lost;
    if (runs[key] > 1) tally.duplicates += runs[key] - 1;
  }
  tally.ran = runs.size();
  a.stop();
  b.stop();
  return tally;
}

TEST_F(RedisFaults, TenRestartsWithAppendFsyncAlwaysLoseNoAcknowledgedEnqueue) {
  bg_test::RedisServer durable_server({"--appendonly", "yes", "--appendfsync", "always"});
  const RestartTally t = restart_under_load(durable_server, 10, /*check_every_one=*/true);
  std::cout << "[ restarts ] 10 SIGKILLs with appendfsync always: " << t.stored << " enqueues acknowledged, "
            << t.lost << " lost, " << t.duplicates << " run twice; " << t.refused << " refused, " << t.unknown
            << " of unknown outcome\n";
  EXPECT_GT(t.stored, 100U);
  EXPECT_EQ(t.lost, 0U);
}

TEST_F(RedisFaults, TenRestartsWithoutPersistenceTheWorkersKeepConsumingNewWork) {
  RestartTally t = restart_under_load(server, 10, /*check_every_one=*/false);
  std::cout << "[ restarts ] 10 SIGKILLs without persistence: " << t.stored << " enqueues acknowledged, " << t.lost
            << " lost with the server's memory (expected)\n";
  // After the last restart, new work still runs.
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  journal().clear();
  for (int i = 0; i < 20; ++i) durable_tasks::record.enqueue(queue, numbered("fresh-", i));
  EXPECT_EQ(journal().wait_for(20, 10s), 20U);
}

// ---------------------------------------------------------------------------
// Garbage in every key a worker reads.

TEST_F(RedisFaults, MalformedDelayedMembersAreDeadLettersAndStopNothing) {
  const std::vector<std::string> garbage = {
      R"({"task":"record","args":["ev","x"]})",  // args an array, not a string
      R"({"task":1,"args":"[]"})",
      R"({"args":"[\"k\"]"})",
      R"({"task":"record","args":"[\"k\"]","attempt":3})",  // a number, not a string
      R"({"task":"record","args":"[\"k\"]","attempt":{"a":1}})",
      R"([1,2,3])",
      "not json at all",
      std::string(2000, '[') + std::string(2000, ']'),
      R"({"task":null,"args":"[]"})",
  };
  for (const std::string& member : garbage) client.command({"ZADD", keys.delayed, "0", member});
  // Stream entries whose attempt field is not a count.
  for (const char* attempt : {"-1", "73786976294838206464", "abc", "0", ""}) {
    client.command({"XADD", keys.stream, "*", "task", "record", "args", "[\"bad-attempt\"]", "attempt", attempt});
  }
  for (int i = 0; i < 5; ++i) durable_tasks::record.enqueue(queue, numbered("valid-", i));
  durable_tasks::record.enqueue_after(queue, 50ms, "valid-delayed");

  bg::Lifespan life{{.workers = 2}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(6, 10s), 6U);
  const std::size_t expected_dead = garbage.size() + 5;
  ASSERT_TRUE(eventually([&] { return number(client, {"XLEN", keys.dead}) == expected_dead; }))
      << number(client, {"XLEN", keys.dead});
  EXPECT_EQ(journal().count("bad-attempt"), 0U);
  EXPECT_EQ(number(client, {"ZCARD", keys.delayed}), 0U);
  std::size_t attempt_errors = 0, member_errors = 0;
  for (const auto& letter : bg::redis::dead_letters(client, "q", 100)) {
    if (letter.error.find("attempt field") != std::string::npos) ++attempt_errors;
    if (letter.error.find("member of the delayed set") != std::string::npos) ++member_errors;
  }
  EXPECT_EQ(attempt_errors, 5U);
  EXPECT_EQ(member_errors, garbage.size());
  std::cout << "[ garbage  ] " << garbage.size() << " malformed delayed members and 5 malformed stream entries: "
            << expected_dead << " dead letters with their reason, 6 valid tasks ran, 0 stalls\n";
}

TEST_F(RedisFaults, MalformedDeadLettersAreListedAndRequeuedWithoutHarm) {
  client.command({"XADD", keys.dead, "*", "error", "no task at all"});
  client.command({"XADD", keys.dead, "*", "task", "record", "args", "[\"from-dead\"]", "attempt", "zzz"});
  client.command({"XADD", keys.dead, "*", "task", std::string("rec\0ord", 7), "args", std::string(1, '\xff')});
  const auto letters = bg::redis::dead_letters(client, "q");
  ASSERT_EQ(letters.size(), 3U);
  EXPECT_EQ(letters[0].error, "no task at all");
  EXPECT_EQ(bg::redis::requeue_dead(client, "q", "all"), 3U);
  EXPECT_EQ(number(client, {"XLEN", keys.dead}), 0U);
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(1, 10s), 1U);
  EXPECT_EQ(journal().runs()[0].key, "from-dead");
  EXPECT_EQ(journal().runs()[0].attempt, 1U);  // a requeued dead letter starts again at 1
  // The other two cannot run: dead letters again, each with its reason.
  ASSERT_TRUE(eventually([&] { return number(client, {"XLEN", keys.dead}) == 2; }));
  // A requeue that cannot write its entry leaves the dead letter in place.
  client.command({"DEL", keys.stream});
  client.command({"SET", keys.stream, "not a stream"});
  EXPECT_THROW(bg::redis::requeue_dead(client, "q", "all"), bg::redis::Error);
  EXPECT_EQ(number(client, {"XLEN", keys.dead}), 2U);
}

TEST_F(RedisFaults, KeysOfTheWrongTypeAreReportedAndNothingIsLostUntilTheyAreFixed) {
  client.command({"SET", keys.dead, "not a stream"});
  client.command({"SET", keys.delayed, "not a sorted set"});
  durable_tasks::refuse.enqueue(queue, "goes-dead");  // NoRetry: a dead letter at once
  client.enqueue("q", "no_such_task", "[]");          // a dead letter at once
  for (int i = 0; i < 5; ++i) durable_tasks::record.enqueue(queue, numbered("ok-", i));

  bg::Lifespan life{{.workers = 2}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}, .claim_idle = 600ms});
  worker.start();
  // The dead letters cannot be written: the entries stay pending here (not
  // acknowledged and lost, as a partly failed MULTI/EXEC left them), while
  // the valid work goes on.
  ASSERT_EQ(journal().wait_for(6, 10s), 6U);
  std::this_thread::sleep_for(1500ms);
  const auto pending = [&] { return std::stoull(client.command({"XPENDING", keys.stream, "bg"})); };
  EXPECT_EQ(pending(), 2U);  // past claim_idle twice: held and renewed, not taken over
  EXPECT_EQ(worker.stats().dead, 0U);
  EXPECT_EQ(worker.stats().reclaimed, 0U);
  try {
    bg::redis::queue_status(client, "q");
    ADD_FAILURE() << "a key of the wrong type went unreported";
  } catch (const bg::redis::Error& e) {
    EXPECT_NE(std::string(e.what()).find("bg:{q}:"), std::string::npos) << e.what();  // names the key
    EXPECT_NE(std::string(e.what()).find("WRONGTYPE"), std::string::npos) << e.what();
  }
  // The operator removes the bad keys: the dead letters land, exactly once.
  client.command({"DEL", keys.dead, keys.delayed});
  ASSERT_TRUE(eventually([&] { return number(client, {"XLEN", keys.dead}) == 2; }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(number(client, {"XLEN", keys.dead}), 2U);
  EXPECT_EQ(pending(), 0U);
  EXPECT_EQ(worker.stats().dead, 2U);
  EXPECT_EQ(journal().count("goes-dead"), 1U);
}

TEST_F(RedisFaults, OneQueuesBrokenStreamKeyStopsNeitherTheWorkerNorItsOtherQueues) {
  client.command({"SET", bg::redis::QueueKeys("broken").stream, "not a stream"});
  bg::Lifespan life{{.workers = 2}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"broken", "fine"}});
  worker.start();  // the broken key is logged, not thrown
  bg::redis::Queue fine{client, "fine"};
  for (int i = 0; i < 5; ++i) durable_tasks::record.enqueue(fine, numbered("fine-", i));
  ASSERT_EQ(journal().wait_for(5, 10s), 5U);
  // A reconnect (here: a restart) must not stop it either.
  server.restart();
  client.command({"SET", bg::redis::QueueKeys("broken").stream, "not a stream"});
  for (int i = 5; i < 10; ++i) durable_tasks::record.enqueue(fine, numbered("fine-", i));
  ASSERT_EQ(journal().wait_for(10, 15s), 10U);
}

TEST_F(RedisFaults, AnEntryWithThousandsOfFieldsAndNoTaskIsADeadLetter) {
  std::vector<std::string> xadd{"XADD", keys.stream, "*"};
  for (int i = 0; i < 5000; ++i) {
    xadd.push_back(numbered("f", i));
    xadd.push_back("v");
  }
  client.command(xadd);
  durable_tasks::record.enqueue(queue, "after-the-wide-one");
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}});
  worker.start();
  ASSERT_EQ(journal().wait_for(1, 10s), 1U);
  ASSERT_TRUE(eventually([&] { return number(client, {"XLEN", keys.dead}) == 1; }));
  const auto letters = bg::redis::dead_letters(client, "q");
  ASSERT_EQ(letters.size(), 1U);
  EXPECT_NE(letters[0].error.find("4936 more were dropped"), std::string::npos) << letters[0].error;
  ASSERT_TRUE(eventually([&] { return number(client, {"XLEN", keys.stream}) == 0; }));
}

TEST_F(RedisFaults, ABatchRefusedOrStoredInPartSaysSo) {
  client.command({"SET", keys.delayed, "not a sorted set"});
  bg::redis::Batch batch(client, "q");
  durable_tasks::record.enqueue(batch, "now");
  durable_tasks::record.enqueue_after(batch, 1h, "later");
  try {
    batch.send();
    FAIL() << "a batch with a failed enqueue reported success";
  } catch (const bg::redis::Error& e) {
    EXPECT_NE(std::string(e.what()).find("stored in part"), std::string::npos) << e.what();
  }
  EXPECT_EQ(number(client, {"XLEN", keys.stream}), 1U);

  client.command({"CONFIG", "SET", "maxmemory", "1"});
  durable_tasks::record.enqueue(batch, "refused");
  try {
    batch.send();
    FAIL() << "a batch refused for maxmemory reported success";
  } catch (const bg::redis::OutcomeUnknown& e) {
    FAIL() << "a refusal is not an unknown outcome: " << e.what();
  } catch (const bg::redis::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not stored"), std::string::npos) << e.what();
  }
  client.command({"CONFIG", "SET", "maxmemory", "0"});
  EXPECT_EQ(number(client, {"XLEN", keys.stream}), 1U);
}

// ---------------------------------------------------------------------------
// Takeover.

TEST_F(RedisFaults, ADeadWorkersEntriesBehindTenThousandRenewedOnesAreTakenOverInTime) {
  constexpr int kLive = 10'000;
  constexpr auto kClaimIdle = 2000ms;  // the live worker's heartbeat has 1.3 s of slack, under any sanitizer
  bg::Lifespan busy_life{{.workers = 2, .shutdown_timeout = 100ms}};
  bg::redis::Worker busy(busy_life, server.endpoint(),
                         {.queues = {"q"}, .max_in_flight = kLive, .claim_idle = kClaimIdle});
  {
    bg::redis::Batch batch(client, "q");
    for (int i = 0; i < kLive; ++i) durable_tasks::slow.enqueue(batch, numbered("live-", i), 60'000);
    batch.send();
  }
  busy.start();
  ASSERT_TRUE(eventually([&] { return busy.stats().in_flight == kLive; }, 30s));
  // A worker that read five entries after those and died.
  for (int i = 0; i < 5; ++i) durable_tasks::record.enqueue(queue, numbered("orphan-", i));
  client.command({"XREADGROUP", "GROUP", "bg", "ghost", "COUNT", "5", "STREAMS", keys.stream, ">"});
  const auto orphaned = std::chrono::steady_clock::now();

  bg::Lifespan idle_life{{.workers = 2}};
  bg::redis::Worker idle(idle_life, server.endpoint(), {.queues = {"q"}, .max_in_flight = 8, .claim_idle = kClaimIdle});
  idle.start();
  ASSERT_TRUE(eventually([&] {
    for (int i = 0; i < 5; ++i) {
      if (journal().count(numbered("orphan-", i)) == 0) return false;
    }
    return true;
  }, 20s)) << "the dead worker's entries were not taken over";
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - orphaned);
  std::cout << "[ takeover ] 5 entries of a dead worker behind 10,000 renewed ones: all run "
            << took.count() << " ms after their worker stopped (claim idle " << kClaimIdle.count()
            << " ms, bound: idle + 1000 ms)\n";
  EXPECT_LE(took, kClaimIdle + 1000ms);
  EXPECT_EQ(idle.stats().reclaimed, 5U) << "only the dead worker's entries move";
  idle.stop();
  busy.stop();
}

TEST_F(RedisFaults, ASuspiciousEntryIsNotStarvedByABusyWorker) {
  // An entry whose worker died twice holding it: delivered twice.
  durable_tasks::record.enqueue(queue, "suspect");
  client.command({"XGROUP", "CREATE", keys.stream, "bg", "0"});
  const std::string read = client.command({"XREADGROUP", "GROUP", "bg", "ghost-1", "STREAMS", keys.stream, ">"});
  const std::string id = read.substr(read.find('\n') + 1, read.find('\n', read.find('\n') + 1) - read.find('\n') - 1);
  client.command({"XCLAIM", keys.stream, "bg", "ghost-2", "0", id});
  // A backlog that keeps the worker busy for about 5 s.
  for (int i = 0; i < 200; ++i) durable_tasks::slow.enqueue(queue, numbered("busy-", i), 50);
  bg::Lifespan life{{.workers = 2}};
  // Twice as many entries held as threads: the worker never holds nothing,
  // so it never takes the suspicious entry in passing.
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}, .max_in_flight = 4, .claim_idle = 100ms});
  worker.start();
  // After ten claim_idle times of waiting, the worker drains and takes it.
  ASSERT_TRUE(eventually([&] { return journal().count("suspect") == 1; }, 20s));
  const auto runs = journal().runs();
  const auto at = std::find_if(runs.begin(), runs.end(), [](const auto& r) { return r.key == "suspect"; }) - runs.begin();
  std::cout << "[ suspect  ] a suspicious entry behind a 5 s backlog ran after " << at << " of 200 busy tasks\n";
  EXPECT_LT(at, 100) << "it waited for the whole backlog";
  worker.stop();
}

TEST_F(RedisFaults, DeadConsumersAreRemovedFromTheGroup) {
  client.command({"XGROUP", "CREATE", keys.stream, "bg", "0", "MKSTREAM"});
  for (const char* ghost : {"ghost-1", "ghost-2", "ghost-3"}) {
    client.command({"XGROUP", "CREATECONSUMER", keys.stream, "bg", ghost});
  }
  bg::Lifespan life{{.workers = 1}};
  bg::redis::Worker worker(life, server.endpoint(), {.queues = {"q"}, .claim_idle = 100ms});
  worker.start();
  const auto ghosts = [&] {
    std::size_t n = 0;
    for (const auto& c : bg::redis::queue_status(client, "q").consumers) n += c.name.starts_with("ghost-") ? 1 : 0;
    return n;
  };
  // A consumer is dead after 2 x claim_idle, at least 1 s, without entries.
  ASSERT_TRUE(eventually([&] { return ghosts() == 0; }, 10s)) << "dead consumers stayed in the group: " << ghosts();
}

// ---------------------------------------------------------------------------
// Memory and stalls.

TEST_F(RedisFaults, AtMaxmemoryAcknowledgementsGoOnAndRefusedRetriesWaitWithoutRunningTwice) {
  for (int i = 0; i < 20; ++i) durable_tasks::flaky.enqueue(queue, numbered("retry-", i), 1);
  for (int i = 0; i < 20; ++i) durable_tasks::record.enqueue(queue, numbered("plain-", i));
  client.command({"XGROUP", "CREATE", keys.stream, "bg", "0"});  // the workers ran before memory filled up
  client.command({"CONFIG", "SET", "maxmemory", "1"});  // every write that needs memory is refused

  bg::Lifespan life_a{quiet({.workers = 2})};
  bg::Lifespan life_b{quiet({.workers = 2})};
  const bg::redis::WorkerOptions options{.queues = {"q"}, .max_in_flight = 64, .claim_idle = 600ms};
  bg::redis::Worker a(life_a, server.endpoint(), options);
  bg::redis::Worker b(life_b, server.endpoint(), options);
  a.start();
  b.start();
  ASSERT_EQ(journal().wait_for(20, 10s), 20U);  // the plain tasks ran
  // Their acknowledgements went through, though the retries' writes are refused.
  ASSERT_TRUE(eventually([&] { return a.stats().completed + b.stats().completed == 20; }));
  // Two and a half claim-idle times later the refused retries are still
  // held and renewed by their workers: nobody ran a first attempt twice.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(a.stats().reclaimed + b.stats().reclaimed, 0U);
  EXPECT_EQ(bg::redis::queue_status(client, "q").pending, 20U);
  client.command({"CONFIG", "SET", "maxmemory", "0"});
  ASSERT_EQ(journal().wait_for(40, 10s), 40U);
  std::size_t twice = 0;
  for (int i = 0; i < 20; ++i) twice += journal().count(numbered("retry-", i)) - 1;
  EXPECT_EQ(twice, 0U);
  for (const auto& run : journal().runs()) {
    if (run.key.starts_with("retry-")) {
      EXPECT_EQ(run.attempt, 2U);
    }
  }
  ASSERT_TRUE(eventually([&] { return number(client, {"XLEN", keys.stream}) == 0; }));
}

TEST_F(RedisFaults, ServerStallsLongerThanTheTimeoutsNeitherLoseNorDuplicateRetries) {
  const std::string url = server.url() + "?socket_timeout=0.3";
  constexpr int kTasks = 2000;
  {
    bg::redis::Batch batch(client, "q");
    for (int i = 0; i < kTasks; ++i) durable_tasks::flaky.enqueue(batch, numbered("bounce-", i), 1);
    batch.send();
  }
  bg::Lifespan life{quiet({.workers = 2})};
  bg::redis::Worker worker(life, bg::redis::Endpoint::parse(url), {.queues = {"q"}, .claim_idle = 5000ms});
  worker.start();
  // Stalls of 1 s (over three times the timeout) while retries are settled:
  // settlements whose replies are lost are sent again.
  for (int stall = 0; stall < 4; ++stall) {
    std::this_thread::sleep_for(150ms);
    server.pause();
    std::this_thread::sleep_for(1s);
    server.resume();
  }
  ASSERT_EQ(journal().wait_for(kTasks, 30s), static_cast<std::size_t>(kTasks));
  std::this_thread::sleep_for(300ms);
  std::size_t twice = 0, lost = 0;
  for (int i = 0; i < kTasks; ++i) {
    const std::size_t n = journal().count(numbered("bounce-", i));
    if (n == 0) ++lost;
    if (n > 1) twice += n - 1;
  }
  std::cout << "[ stalls   ] " << kTasks << " tasks retried once through 4 server stalls of 1 s: " << lost
            << " lost, " << twice << " second attempts run twice\n";
  EXPECT_EQ(lost, 0U);
  EXPECT_EQ(twice, 0U);
}

TEST_F(RedisFaults, AProducerFacingAStalledServerReportsAnUnknownOutcomeWithinItsTimeout) {
  bg::redis::Client producer(server.url() + "?socket_timeout=0.5&socket_connect_timeout=0.5");
  bg::redis::Queue stalled{producer, "q"};
  durable_tasks::record.enqueue(stalled, "warm");  // one connection open
  server.pause();
  // Three producers at once: the one on the open connection sent its
  // command and lost the reply (unknown outcome); the others could not
  // connect (nothing sent: not stored). Each waits for its own timeout,
  // side by side on the client's connections, not in turn behind one.
  std::vector<std::thread> producers;
  std::atomic<int> unknown{0}, not_sent{0}, other{0};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    producers.emplace_back([&, i] {
      try {
        durable_tasks::record.enqueue(stalled, numbered("stalled-", i));
        ++other;
      } catch (const bg::redis::OutcomeUnknown& e) {
        if (std::string(e.what()).find("may have") != std::string::npos) ++unknown;
      } catch (const bg::redis::Error& e) {
        if (std::string(e.what()).find("cannot connect") != std::string::npos) ++not_sent;
      }
    });
  }
  for (std::thread& t : producers) t.join();
  const auto took = std::chrono::steady_clock::now() - start;
  server.resume();
  EXPECT_EQ(unknown.load(), 1) << "a lost reply must be reported as an unknown outcome";
  EXPECT_EQ(not_sent.load(), 2);
  EXPECT_EQ(other.load(), 0);
  EXPECT_LT(took, 1200ms) << "producers waited in turn behind one connection";
  // Once the server answers again, the client does too.
  durable_tasks::record.enqueue(stalled, "after");
  bg::redis::Client narrow(server.url() + "?socket_timeout=0.5", {.connections = 1});
  EXPECT_EQ(narrow.command({"PING"}), "PONG");
  EXPECT_THROW(bg::redis::Client(server.url(), {.connections = 0}), bg::redis::Error);
}

// ---------------------------------------------------------------------------
// Lifetimes.

TEST_F(RedisFaults, ALifespanDestroyedBeforeItsWorkerStopsTheWorkerFirst) {
  for (int i = 0; i < 50; ++i) durable_tasks::record.enqueue(queue, numbered("k-", i));
  auto life = std::make_unique<bg::Lifespan>(bg::Config{.workers = 2});
  auto worker = std::make_unique<bg::redis::Worker>(*life, server.endpoint(), bg::redis::WorkerOptions{.queues = {"q"}});
  worker->start();
  ASSERT_EQ(journal().wait_for(50, 10s), 50U);
  life.reset();  // first: a use after free before (AddressSanitizer shows it)
  EXPECT_EQ(worker->stop().unfinished.size(), 0U);
  EXPECT_GE(worker->stats().completed, 1U);
  worker.reset();
}

}  // namespace
