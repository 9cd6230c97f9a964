// Connection: one connection to a Redis server. It owns its transport (a
// TCP or Unix socket, or TLS: transport.hpp) and uses hiredis only to
// format commands and parse replies, which are copied out into plain values
// so that no hiredis type leaves this file pair.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <bg/redis.hpp>

struct redisReader;

namespace bg::redis {
namespace net {
class Transport;
}

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
  /// Connects within endpoint.connect_timeout, then authenticates (AUTH)
  /// and selects the database (SELECT) when the endpoint says so. Throws
  /// Error naming the (masked) address and why: nothing was sent.
  explicit Connection(const Endpoint& endpoint);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// A command fails when the server sends nothing for this long (from
  /// endpoint.command_timeout; a worker raises it for blocking reads).
  void set_timeout(std::chrono::milliseconds timeout);

  /// Runs one command. An error reply throws Error naming the command.
  /// A failure after any byte of the command was sent throws
  /// OutcomeUnknown; before, Error. Either way the connection is broken().
  Reply run(const Argv& argv);
  /// As run, returning an error reply instead of throwing it.
  Reply run_unchecked(const Argv& argv);
  /// Sends every command in one write, then reads every reply (one round
  /// trip). Error replies are returned, not thrown; a broken connection
  /// throws as run does.
  std::vector<Reply> pipeline(const std::vector<Argv>& commands);

  [[nodiscard]] bool broken() const noexcept { return broken_; }
  [[nodiscard]] const Endpoint& endpoint() const noexcept { return endpoint_; }

 private:
  struct ReaderFree {
    void operator()(redisReader* reader) const noexcept;
  };

  void open();
  void hello();
  void prepare(std::string_view command);
  void append(const Argv& argv);
  void send(std::string_view command);
  Reply receive();
  Reply read(std::string_view command);
  [[noreturn]] void fail(std::string_view command, const std::string& why);
  [[noreturn]] void fail_unknown(std::string_view command, const std::string& why);

  Endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<net::Transport> transport_;
  std::unique_ptr<redisReader, ReaderFree> reader_;
  std::string out_;                     // the commands being sent, formatted
  std::vector<char> in_;                // what the last read brought
  std::vector<const char*> arguments_;  // for the formatter: reused, not reallocated per command
  std::vector<std::size_t> lengths_;
  bool broken_ = false;
  std::chrono::steady_clock::time_point last_used_{};  ///< when the last reply was read
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
