// bg::Context: what the runtime tells a task about its own run.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string_view>

namespace bg {

/// Identifies one submission within a Lifespan; ids start at 1.
using TaskId = std::uint64_t;

/// Optional first parameter of a task (`bg::Context` or `const bg::Context&`).
/// The runtime fills it in; callers of add_task / later() never pass it.
struct Context {
  /// Stop is requested when shutdown's grace period ends while the task
  /// runs, or when the run exceeds its bg::timeout.
  std::stop_token stop_token;
  TaskId id = 0;
  /// The task's registered name (static storage), or "task" for unnamed ones.
  std::string_view name;
  /// 1 for the first run, 2 for the first retry (bg::retry), and so on.
  unsigned attempt = 1;
};

}  // namespace bg
