// Uses the generated entry points and the registry the way an application
// does; exits 0 only if every task ran with its arguments and the report is clean.
#include <bg/bg.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "bg_tasks.hpp"
#include "hooks_tasks.hpp"
#include "jobs.hpp"

int main() {
  bg::Lifespan life{{.workers = 2}};
  jobs::record.later("positional");
  jobs::record.later({.line = "keyword"});
  jobs::record_twice.later(7);
  jobs::reindex.later(3);
  bg::registry().submit_json_text("record", R"(["by name"])");
  hooks::deliver.later("a@example.com", 20);
  bg::registry().submit_json_text("deliver", R"(["b@example.com", 1])");
  life.wait_idle();
  const bg::ShutdownReport& report = life.shutdown();
  std::cout << report << '\n';

  auto lines = consumer::journal();
  std::sort(lines.begin(), lines.end());
  const std::vector<std::string> expected = {"hello 7", "hello 7", "hello by name", "hello delivered a@example.com",
                                             "hello delivered b@example.com", "hello keyword", "hello positional",
                                             "hello reindex reindex 3"};
  const bg::TaskInfo* deliver = bg::registry().find("deliver");
  bool listed = bg::registry().size() == 4 && bg::registry().find("record_twice") != nullptr &&
                deliver != nullptr && deliver->kind == "coroutine" && deliver->policy.retries == 2 &&
                deliver->policy.backoff_base == std::chrono::milliseconds(10) &&
                deliver->policy.timeout == std::chrono::seconds(5);
  if (lines != expected || !listed || !report.unfinished.empty() || report.stats.completed != 7) {
    std::cerr << "consumer: unexpected result\n";
    return 1;
  }
  std::cout << "consumer: ok\n";
  return 0;
}
