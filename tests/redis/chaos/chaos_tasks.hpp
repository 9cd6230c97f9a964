// Tasks of the chaos test. Each records its run in Redis itself, so that the
// driver counts runs across worker processes, including killed ones.
#pragma once

#include <bg/task.hpp>

#include <cstdint>
#include <string>

namespace chaos {

/// HINCRBY chaos:ROUND INDEX 1.
[[bg::task]] void step(std::string round, int index);

/// Records how late its first run was: HSETNX chaos:ROUND:late INDEX
/// (now - due_ms), and HINCRBY chaos:ROUND:due INDEX 1.
[[bg::task]] void due(std::string round, int index, std::int64_t due_ms);

/// Sleeps `ms`, then INCR `key`.
[[bg::task]] void long_run(std::string key, int ms);

/// Kills the process that runs it (std::abort), as a task with a fatal bug
/// does: each worker that takes its entry over dies too.
[[bg::task]] void poison(std::string why);

}  // namespace chaos
