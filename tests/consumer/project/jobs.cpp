#include "jobs.hpp"

#include <mutex>
#include <string>

#include <bg/context.hpp>

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

// bg::Context by value, declared in this source only: the generated header
// repeats the declaration as written.
[[bg::task]] void reindex(bg::Context context, int shard) {
  record("reindex " + std::string(context.name) + " " + std::to_string(shard));
}

}  // namespace consumer
