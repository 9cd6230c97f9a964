// How tasks are written to Redis: stream entries and delayed-set members
// (the scripts that move them are in scripts.hpp).
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

/// The fields of a stream entry: task … args … attempt … enqueued …
Argv fields_of(const StoredTask& task);
/// XADD `stream` * and the task's fields.
Argv xadd_command(const std::string& stream, const StoredTask& task);
/// The fields of a stream entry as read, and what is wrong with them.
struct ReadTask {
  StoredTask task;
  /// Empty when the entry can be dispatched; else why not, for its dead
  /// letter ("the entry names no task", "its attempt field ... is not ...").
  std::string problem;
};
/// Reads the fields of a stream entry (a flat array of names and values),
/// trusting nothing: fields it does not know are ignored, a missing task is
/// a problem, and an attempt that is not a whole number from 1 to 1,000,000
/// is a problem (never wrapped into a huge count).
ReadTask read_fields(const Reply& fields);

/// A member of the delayed set: the task as JSON, with an id of its own so
/// that two equal tasks due at once stay two members.
std::string delayed_member(const StoredTask& task, std::string_view id);
/// A new id for a delayed entry: "d-<unix ms>-<random>".
std::string new_delayed_id();
/// The id of the retry of stream entry `entry_id` as attempt `attempt`:
/// fixed, so that writing the retry twice leaves one member.
std::string retry_id(std::string_view entry_id, unsigned attempt);
/// ZADD `delayed` due member, and the member's id through `id`.
Argv zadd_command(const std::string& delayed, const StoredTask& task, std::int64_t due_ms, std::string& id);

}  // namespace bg::redis
