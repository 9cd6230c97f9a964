// bg::redis::Endpoint: where a Redis server is and how to reach it.
#pragma once

#include <string>
#include <string_view>

#include <bg/errors.hpp>

namespace bg::redis {

/// A Redis error, a lost connection, or a reply bgtasks did not expect.
/// what() names the command and the server (never a password).
class Error : public bg::Error {
 public:
  using bg::Error::Error;
};

/// A command may have reached the server and its reply was lost (a timeout
/// or a broken connection after the command was sent): whether it took
/// effect is unknown. An enqueue that throws this may have been stored; a
/// producer that sends again must accept that the task may run twice.
/// Any other bg::redis::Error from an enqueue means nothing was stored.
class OutcomeUnknown : public Error {
 public:
  using Error::Error;
};

/// Where the server is: parsed from "redis://HOST:PORT", "HOST:PORT" or
/// "HOST" (port 6379). Throws bg::redis::Error naming what is wrong.
struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  static Endpoint parse(std::string_view url);
  [[nodiscard]] std::string url() const;
};

}  // namespace bg::redis
