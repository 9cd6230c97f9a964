#include "jobs.hpp"

#include <mutex>

namespace consumer {
namespace {
std::mutex journal_mutex;
}

std::vector<std::string>& journal() {
  static std::vector<std::string> lines;
  return lines;
}

void record(std::string line) {
  std::lock_guard lock(journal_mutex);
  journal().push_back(CONSUMER_GREETING " " + line);  // body: editing it must not regenerate
}

// Defined here only: the generated header declares it.
[[bg::task]] void record_twice(int n) {
  record(std::to_string(n));
  record(std::to_string(n));
}

}  // namespace consumer
