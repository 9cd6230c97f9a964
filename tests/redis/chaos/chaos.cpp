// The chaos test: durable tasks survive workers killed with SIGKILL.
//
//   bg_redis_chaos [ROUNDS [TASKS [SEED]]]     the test (defaults: 20 rounds of 10,000 tasks)
//   bg_redis_chaos --worker URL NAME           one worker process (what the test starts)
//
// The test starts a real redis-server on a free loopback port and two worker
// processes (this program with --worker). First, one task runs for 10 times
// the claim idle time: it must run exactly once (the heartbeat). Then, each
// round, it enqueues TASKS tasks plus delayed ones, SIGKILLs one worker at a
// random point and starts a replacement, and waits until every task ran.
// Each round must show: zero tasks lost; no more duplicate runs than the
// entries the killed worker held; the killed worker's entries taken over
// within claim idle + 1 s; every delayed task run within 100 ms of its time
// (one the killed worker held: within the takeover's bound, + 100 ms).
// Last, the crash loop: a task that aborts its worker, enqueued among 30
// healthy ones; workers die and are replaced until it is a dead letter, and
// it must be the only one (the healthy tasks it was read with all run).
// Every process it starts is stopped by its pid.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <bg/lifespan.hpp>
#include <bg/redis.hpp>

#include "bg_tasks.hpp"
#include "redis_server.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kClaimIdle = 500ms;
constexpr unsigned kMaxInFlight = 16;
constexpr int kDelayedPerRound = 10;
const std::vector<std::string> kQueues = {"chaos-due", "chaos"};  // due tasks first: they are read at once

/// The parts, streamed into one string (GCC 12 warns wrongly, -Wrestrict,
/// about `"literal" + std::to_string(n)` at -O3).
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

int run_worker(const std::string& url, const std::string& name) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts: only sigwait sees them
  ::setenv("BG_CHAOS_REDIS", url.c_str(), 1);
  bg::Lifespan life{{.workers = 2, .shutdown_timeout = 2s}};
  bg::redis::Worker worker(life, bg::redis::Endpoint::parse(url),
                           {.queues = kQueues, .consumer = name, .max_in_flight = kMaxInFlight,
                            .claim_idle = kClaimIdle});
  worker.start();
  int signal = 0;
  sigwait(&signals, &signal);
  worker.stop();
  const bg::redis::WorkerStats s = worker.stats();
  std::fprintf(stderr, "worker %s: read %llu, reclaimed %llu, completed %llu, dead %llu, handed back %llu\n",
               name.c_str(), static_cast<unsigned long long>(s.read), static_cast<unsigned long long>(s.reclaimed),
               static_cast<unsigned long long>(s.completed), static_cast<unsigned long long>(s.dead),
               static_cast<unsigned long long>(s.handed_back));
  return 0;
}

struct Process {
  pid_t pid = -1;
  std::string name;
};

class Driver {
 public:
  Driver(std::string self, int rounds, int tasks, unsigned seed)
      : self_(std::move(self)), rounds_(rounds), tasks_(tasks), random_(seed) {}

  int run() {
    std::cout << "chaos: redis-server on port " << server_.port() << ", " << rounds_ << " rounds of " << tasks_
              << " tasks, claim idle " << kClaimIdle.count() << " ms" << std::endl;
    workers_.push_back(start_worker());
    workers_.push_back(start_worker());
    long_task_runs_once();
    for (int round = 0; round < rounds_ && failures_ == 0; ++round) run_round(round);
    if (number({"XLEN", bg::redis::QueueKeys("chaos").dead}) != 0) fail("a task of the rounds became a dead letter");
    if (failures_ == 0) crash_loop_takes_only_its_own_entry();
    for (Process& p : workers_) stop_worker(p);
    std::cout << (failures_ == 0 ? "chaos: passed" : "chaos: FAILED") << std::endl;
    return failures_ == 0 ? 0 : 1;
  }

  ~Driver() {
    for (Process& p : workers_) {
      if (p.pid > 0) {
        ::kill(p.pid, SIGKILL);
        ::waitpid(p.pid, nullptr, 0);
      }
    }
  }

 private:
  void fail(const std::string& what) {
    std::cout << "chaos: FAIL: " << what << std::endl;
    ++failures_;
  }

  Process start_worker() {
    Process p{-1, cat("w", next_worker_++)};
    p.pid = ::fork();
    if (p.pid == 0) {
      ::execl(self_.c_str(), self_.c_str(), "--worker", server_.url().c_str(), p.name.c_str(),
              static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    return p;
  }

  void stop_worker(Process& p) {
    if (p.pid <= 0) return;
    ::kill(p.pid, SIGTERM);
    int status = 0;
    ::waitpid(p.pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("worker " + p.name + " did not exit cleanly");
    p.pid = -1;
  }

  std::uint64_t number(const std::vector<std::string>& argv) {
    const std::string text = client_.command(argv);
    return text == "nil" || text.empty() ? 0 : std::stoull(text);
  }

  /// Sum of the values of a hash of counters, and how many fields it has.
  std::pair<std::uint64_t, std::uint64_t> tally(const std::string& key) {
    const std::string text = client_.command({"HVALS", key});
    std::uint64_t sum = 0;
    std::uint64_t fields = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      sum += std::stoull(text.substr(start, end - start));
      ++fields;
      start = end + 1;
    }
    return {sum, fields};
  }

  /// Entries `consumer` holds, in both queues.
  std::uint64_t pending_of(const std::string& consumer) {
    std::uint64_t pending = 0;
    for (const std::string& queue : kQueues) {
      for (const auto& c : bg::redis::queue_status(client_, queue).consumers) {
        if (c.name == consumer) pending += c.pending;
      }
    }
    return pending;
  }

  /// The lines of a reply as Client::command prints it, trimmed.
  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      line.erase(0, line.find_first_not_of(' '));
      out.push_back(line);
    }
    return out;
  }

  /// The indexes of the delayed tasks `consumer` held: a dead worker's are
  /// late by the takeover, not by their firing.
  std::set<int> due_tasks_held_by(const std::string& consumer) {
    const std::string stream = bg::redis::QueueKeys("chaos-due").stream;
    std::set<int> held;
    const auto pending = lines(client_.command({"XPENDING", stream, "bg", "-", "+", "1000", consumer}));
    for (std::size_t i = 0; i + 3 < pending.size(); i += 4) {  // id, consumer, idle, deliveries
      const auto fields = lines(client_.command({"XRANGE", stream, pending[i], pending[i]}));
      for (std::size_t f = 0; f + 1 < fields.size(); ++f) {
        if (fields[f] != "args") continue;
        const std::string& args = fields[f + 1];  // ["ROUND",INDEX,DUE]
        held.insert(std::stoi(args.substr(args.find(',') + 1)));
      }
    }
    return held;
  }

  void long_task_runs_once() {
    const int ms = static_cast<int>(kClaimIdle.count()) * 10;
    chaos_tasks::long_run.enqueue(bg::redis::Queue{client_, "chaos"}, "chaos:long", ms);
    const auto deadline = Clock::now() + std::chrono::milliseconds(ms) + 10s;
    while (number({"GET", "chaos:long"}) == 0 && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
    std::this_thread::sleep_for(kClaimIdle * 2);  // time for a wrong second run to show
    const std::uint64_t runs = number({"GET", "chaos:long"});
    std::cout << "chaos: a task of " << ms << " ms (10 x claim idle) ran " << runs << " time(s)" << std::endl;
    if (runs != 1) fail(cat("the long task ran ", runs, " times, not once"));
  }

  void crash_loop_takes_only_its_own_entry() {
    constexpr int kHealthy = 30;
    const bg::redis::QueueKeys keys("chaos");
    bg::redis::Batch batch(client_, "chaos");
    for (int i = 0; i < kHealthy / 2; ++i) chaos_tasks::step.enqueue(batch, "crash", i);
    chaos_tasks::poison.enqueue(batch, "fatal");
    for (int i = kHealthy / 2; i < kHealthy; ++i) chaos_tasks::step.enqueue(batch, "crash", i);
    batch.send();
    const auto start = Clock::now();
    const auto deadline = start + 60s;
    int replaced = 0;
    while ((number({"XLEN", keys.dead}) == 0 || number({"HLEN", "chaos:crash"}) < kHealthy) &&
           Clock::now() < deadline) {
      for (Process& p : workers_) {
        int status = 0;
        if (::waitpid(p.pid, &status, WNOHANG) == p.pid) {  // the poison killed it
          p = start_worker();
          ++replaced;
        }
      }
      std::this_thread::sleep_for(5ms);
    }
    const auto letters = bg::redis::dead_letters(client_, "chaos");
    const auto [runs, distinct] = tally("chaos:crash");
    std::cout << "crash loop: a task that aborts its worker among " << kHealthy << " healthy ones: it ran "
              << number({"GET", "chaos:poison:fatal"}) << " times and killed " << replaced
              << " workers; dead letters " << letters.size() << " ("
              << (letters.empty() ? std::string("none") : letters[0].task) << "); healthy tasks run " << distinct
              << "/" << kHealthy << " (" << runs - distinct << " twice) in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count() << " ms"
              << std::endl;
    if (letters.size() != 1 || letters[0].task != "poison") fail("the crash loop took other entries down with it");
    if (distinct != kHealthy) fail("healthy tasks read with the crashing one did not all run");
  }

  void run_round(int round) {
    const std::string key = cat("chaos:", round);
    const auto round_start = Clock::now();
    // Enqueue, pipelined in chunks.
    bg::redis::Batch batch(client_, "chaos");
    for (int i = 0; i < tasks_; ++i) {
      chaos_tasks::step.enqueue(batch, std::to_string(round), i);
      if (batch.size() == 1000) batch.send();
    }
    batch.send();
    bg::redis::Batch delayed(client_, "chaos-due");
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    std::uniform_int_distribution<int> delay(100, 1500);
    for (int i = 0; i < kDelayedPerRound; ++i) {
      const std::int64_t due = now_ms + delay(random_);
      chaos_tasks::due.enqueue_at(delayed, std::chrono::system_clock::time_point(std::chrono::milliseconds(due)),
                                  std::to_string(round), i, due);
    }
    delayed.send();

    // Kill one worker at a random point of the round.
    std::uniform_int_distribution<int> point(0, tasks_ * 9 / 10);
    const auto kill_at = static_cast<std::uint64_t>(point(random_));
    const auto deadline = Clock::now() + 60s;
    while (number({"HLEN", key}) < kill_at && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
    Process& victim = workers_[static_cast<std::size_t>(round) % workers_.size()];
    ::kill(victim.pid, SIGKILL);
    ::waitpid(victim.pid, nullptr, 0);
    const auto killed = Clock::now();
    const std::uint64_t held = pending_of(victim.name);
    const std::set<int> held_due = due_tasks_held_by(victim.name);
    const std::string victim_name = victim.name;
    victim = start_worker();

    // Its entries are taken over within claim idle + 1 s.
    while (pending_of(victim_name) != 0 && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
    const auto taken_over = Clock::now() - killed;
    // Every task runs.
    while ((number({"HLEN", key}) < static_cast<std::uint64_t>(tasks_) ||
            number({"HLEN", key + ":due"}) < static_cast<std::uint64_t>(kDelayedPerRound)) &&
           Clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    std::this_thread::sleep_for(20ms);  // a duplicate in flight would land now
    const auto [runs, distinct] = tally(key);
    const auto [due_runs, due_distinct] = tally(key + ":due");
    const std::uint64_t duplicates = runs - distinct + (due_runs - due_distinct);
    // Lateness of each delayed task's first run, apart from those the
    // killed worker held (their bound is the takeover's).
    std::int64_t latest = -1000000;
    std::int64_t latest_taken_over = -1000000;
    const auto late = lines(client_.command({"HGETALL", key + ":late"}));
    for (std::size_t i = 0; i + 1 < late.size(); i += 2) {
      const std::int64_t ms_late = std::stoll(late[i + 1]);
      if (held_due.count(std::stoi(late[i])) != 0) {
        latest_taken_over = std::max(latest_taken_over, ms_late);
      } else {
        latest = std::max(latest, ms_late);
      }
    }
    const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    std::cout << "round " << round << ": killed " << victim_name << " after " << kill_at << " tasks holding " << held
              << " entries; taken over in " << ms(taken_over) << " ms; ran " << distinct << "/" << tasks_
              << " (+" << due_distinct << "/" << kDelayedPerRound << " delayed, latest " << latest << " ms late"
              << (held_due.empty() ? std::string() : cat(", ", held_due.size(), " held by the killed worker: ",
                                                         latest_taken_over, " ms"))
              << "), duplicates " << duplicates << ", " << ms(Clock::now() - round_start) << " ms"
              << std::endl;
    if (distinct != static_cast<std::uint64_t>(tasks_) || due_distinct != kDelayedPerRound) {
      fail(cat("round ", round, " lost tasks"));
    }
    if (duplicates > held) {
      fail(cat("round ", round, ": ", duplicates, " duplicate runs, more than the ", held,
               " entries the killed worker held"));
    }
    if (taken_over > kClaimIdle + 1s) fail(cat("round ", round, ": takeover took too long"));
    if (latest > 100) fail(cat("round ", round, ": a delayed task ran ", latest, " ms late"));
    if (latest_taken_over > std::chrono::milliseconds(kClaimIdle + 1s + 100ms).count()) {
      fail(cat("round ", round, ": a delayed task the killed worker held ran ", latest_taken_over, " ms late"));
    }
  }

  std::string self_;
  int rounds_;
  int tasks_;
  std::mt19937 random_;
  bg_test::RedisServer server_;
  bg::redis::Client client_{server_.endpoint()};
  std::vector<Process> workers_;
  int next_worker_ = 1;
  int failures_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 4 && std::string(argv[1]) == "--worker") return run_worker(argv[2], argv[3]);
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 20;
    const int tasks = argc > 2 ? std::atoi(argv[2]) : 10'000;
    const unsigned seed = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : std::random_device{}();
    std::cout << "chaos: seed " << seed << std::endl;
    Driver driver("/proc/self/exe", rounds, tasks, seed);
    return driver.run();
  } catch (const std::exception& e) {
    std::cerr << "bg_redis_chaos: " << e.what() << "\n";
    return 1;
  }
}
