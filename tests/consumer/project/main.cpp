// Uses the public API the way an application does; exits 0 only if the task
// ran and the report is clean.
#include <bg/bg.hpp>
#include <bg/task.hpp>

#include <atomic>
#include <iostream>

[[bg::task]] void count(std::atomic<int>* counter) { ++*counter; }

int main() {
  std::atomic<int> counter{0};
  bg::Lifespan life{{.workers = 2}};
  life.add_named_task("count", count, &counter);
  life.wait_idle();
  const bg::ShutdownReport& report = life.shutdown();
  std::cout << report;
  return counter == 1 && report.unfinished.empty() && report.stats.completed == 1 ? 0 : 1;
}
