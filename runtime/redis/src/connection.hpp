// Connection: one hiredis connection, with replies copied out into plain
// values so that no hiredis type leaves this file pair.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <bg/redis.hpp>

struct redisContext;

namespace bg::redis {

/// A reply, copied out of hiredis.
struct Reply {
  enum class Type { nil, integer, string, status, error, array };
  Type type = Type::nil;
  long long integer = 0;
  std::string str;  ///< string, status and error replies
  std::vector<Reply> elements;

  [[nodiscard]] bool is_nil() const noexcept { return type == Type::nil; }
  /// Text of a string or status reply, the decimal of an integer.
  [[nodiscard]] std::string text() const;
  /// The integer of an integer reply, or a string holding one.
  [[nodiscard]] long long number() const;
};

using Argv = std::vector<std::string>;

class Connection {
 public:
  /// Connects (within 2 s). Throws Error naming the server.
  explicit Connection(const Endpoint& endpoint);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Replies that take longer than this (blocking reads, plus slack) fail.
  void set_timeout(std::chrono::milliseconds timeout);

  /// Runs one command. An error reply throws Error naming the command.
  Reply run(const Argv& argv);
  /// As run, returning an error reply instead of throwing it.
  Reply run_unchecked(const Argv& argv);
  /// Sends every command, then reads every reply (one round trip). Error
  /// replies are returned, not thrown; a broken connection throws.
  std::vector<Reply> pipeline(const std::vector<Argv>& commands);

  [[nodiscard]] bool broken() const noexcept { return broken_; }
  [[nodiscard]] const Endpoint& endpoint() const noexcept { return endpoint_; }

 private:
  void append(const Argv& argv);
  Reply read(std::string_view command);
  [[noreturn]] void fail(std::string_view command, const std::string& why);

  Endpoint endpoint_;
  redisContext* context_ = nullptr;
  bool broken_ = false;
};

/// The connection a Client shares among its callers, for Batch and the
/// operator functions (queue_status, dead_letters, requeue_dead): one
/// connection per Client, not one per call.
struct ClientAccess {
  /// Sends every command and reads every reply in one round trip, on the
  /// client's connection (made again if it broke). Error replies are
  /// returned, not thrown.
  static std::vector<Reply> pipeline(Client& client, const std::vector<Argv>& commands);
  /// One command; an error reply throws Error naming it.
  static Reply run(Client& client, const Argv& argv);
};

/// Throws Error for an error reply, naming `what`.
void check(const Reply& reply, std::string_view what);

/// Milliseconds since the Unix epoch.
std::int64_t unix_ms(std::chrono::system_clock::time_point when);

}  // namespace bg::redis
