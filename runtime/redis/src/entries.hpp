// How tasks are written to Redis: stream entries, delayed-set members, and
// the Lua scripts that move them atomically.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "connection.hpp"

namespace bg::redis {

/// One task as stored: the fields of a stream entry.
struct StoredTask {
  std::string task;
  std::string args;  ///< JSON array, by position
  unsigned attempt = 1;
  std::int64_t enqueued_ms = 0;
};

/// XADD `stream` * task … args … attempt … enqueued …
Argv xadd_command(const std::string& stream, const StoredTask& task);
/// Reads the fields of a stream entry (a flat array of names and values).
/// Fields it does not know are ignored; a missing task or args stays empty.
StoredTask read_fields(const Reply& fields);

/// A member of the delayed set: the task as JSON, with an id of its own so
/// that two equal tasks due at once stay two members.
std::string delayed_member(const StoredTask& task, std::string_view id);
/// A new id for a delayed entry: "d-<unix ms>-<random>".
std::string new_delayed_id();
/// ZADD `delayed` due member, and the member's id through `id`.
Argv zadd_command(const std::string& delayed, const StoredTask& task, std::int64_t due_ms, std::string& id);

/// Moves due members of KEYS[1] (delayed set) to KEYS[2] (stream), at most
/// ARGV[1] of them, by the server's clock. Returns how many moved.
extern const char* const kMoveDueScript;
/// Takes over entries of KEYS[1] idle for ARGV[3] ms (XAUTOCLAIM for group
/// ARGV[1], consumer ARGV[2], at most ARGV[4]); those delivered more than
/// ARGV[5] times go to the dead-letter stream KEYS[2] instead. Returns the
/// entries taken over, as XAUTOCLAIM lists them, and after them the number
/// sent to the dead letters.
extern const char* const kReclaimScript;

}  // namespace bg::redis
