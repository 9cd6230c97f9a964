// 100,000 coroutine tasks that each wait on a 100 ms timer, started at once:
// the wall time from the first submission to wait_idle()'s return, and the
// memory the waiting tasks take. One run per process, so that the peak RSS
// is this workload's alone. Prints one JSON object.
//
//   bg_bench_coroutine_sleep [tasks=100000] [ms=100] [bgtasks|raw]
//
// "raw" runs the same coroutines with asio::co_spawn on an io_context run by
// one thread, posted to it as bgtasks does: the floor for time and memory.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <bg/bg.hpp>

#include "bench_tasks_gen.hpp"

namespace {

/// Resident set size now, from /proc (kB).
long rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/// What one run measured.
struct Measured {
  double wall_s = 0;
  double submit_s = 0;
  long baseline_kb = 0;
  unsigned long long completed = 0;
};

Measured run_bgtasks(int tasks, int ms) {
  Measured m;
  bg::Lifespan life{{.workers = 1, .io_threads = 1}};
  bench_tasks::noop.later();  // starts the io thread before the baseline
  life.wait_idle();
  m.baseline_kb = rss_kb();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < tasks; ++i) bench_tasks::sleep_ms.later(ms);
  const auto submitted = std::chrono::steady_clock::now();
  life.wait_idle();
  const auto end = std::chrono::steady_clock::now();
  m.wall_s = std::chrono::duration<double>(end - start).count();
  m.submit_s = std::chrono::duration<double>(submitted - start).count();
  m.completed = life.stats().completed - 1;
  return m;
}

Measured run_raw(int tasks, int ms) {
  Measured m;
  asio::io_context io(1);
  auto work = asio::make_work_guard(io);
  std::thread thread([&] { io.run(); });
  std::mutex mutex;
  std::condition_variable all_done;
  int done = 0;  // on the io thread, then under the mutex
  asio::post(io, [] {});
  m.baseline_kb = rss_kb();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < tasks; ++i) {
    asio::post(io, [&] {
      asio::co_spawn(io, bench::sleep_ms(ms), [&](std::exception_ptr) {
        if (++done == tasks) {
          std::lock_guard lock(mutex);
          all_done.notify_one();
        }
      });
    });
  }
  const auto submitted = std::chrono::steady_clock::now();
  {
    std::unique_lock lock(mutex);
    all_done.wait(lock, [&] { return done == tasks; });
  }
  const auto end = std::chrono::steady_clock::now();
  work.reset();
  thread.join();
  m.wall_s = std::chrono::duration<double>(end - start).count();
  m.submit_s = std::chrono::duration<double>(submitted - start).count();
  m.completed = static_cast<unsigned long long>(done);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  const int tasks = argc > 1 ? std::atoi(argv[1]) : 100'000;
  const int ms = argc > 2 ? std::atoi(argv[2]) : 100;
  const std::string peer = argc > 3 ? argv[3] : "bgtasks";
  if (peer != "bgtasks" && peer != "raw") {
    std::fprintf(stderr, "usage: bg_bench_coroutine_sleep [tasks] [ms] [bgtasks|raw]\n");
    return 2;
  }
  const Measured m = peer == "raw" ? run_raw(tasks, ms) : run_bgtasks(tasks, ms);
  const long peak = peak_rss_kb();
  std::printf("{\"peer\": \"%s\", \"tasks\": %d, \"completed\": %llu, \"wall_s\": %.4f, \"submit_s\": %.4f, "
              "\"baseline_rss_mb\": %.1f, \"peak_rss_mb\": %.1f, \"bytes_per_task\": %.0f}\n",
              peer == "raw" ? "raw asio" : "bgtasks", tasks, m.completed, m.wall_s, m.submit_s,
              m.baseline_kb / 1024.0, peak / 1024.0, (peak - m.baseline_kb) * 1024.0 / tasks);
  return m.completed == static_cast<unsigned long long>(tasks) ? 0 : 1;
}
