// eventually(): polls a condition that another thread makes true, for tests
// that check state settled asynchronously (counters, Redis keys).
#pragma once

#include <chrono>
#include <thread>

namespace bg::test {

/// Polls `done` every millisecond until it holds (true) or `limit` passes
/// (false).
template <class Predicate>
bool eventually(Predicate&& done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace bg::test
