// Transports: the byte stream a Connection speaks RESP over (a TCP or Unix
// socket, or TLS over TCP). bgtasks owns the sockets itself rather than
// letting hiredis open them: Debian's hiredis 0.14 has neither TLS nor
// read and write deadlines that tell "nothing was sent" from "the reply was
// lost", and both matter to a producer deciding whether to send again.
//
// Sockets connect non-blocking, waiting with poll() and a deadline; TLS
// stays non-blocking, and the plain transport then reads and writes
// blocking, with socket timeouts (one system call each way).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <bg/redis/endpoint.hpp>

namespace bg::redis::net {

using Clock = std::chrono::steady_clock;

/// A transport failed. The Connection turns it into bg::redis::Error or
/// OutcomeUnknown, adding the command and the address.
class TransportError : public std::runtime_error {
 public:
  explicit TransportError(const std::string& why, bool maybe_sent = false)
      : std::runtime_error(why), maybe_sent_(maybe_sent) {}
  /// Whether some bytes of the data being written may have reached the
  /// server (a write that failed part way).
  [[nodiscard]] bool maybe_sent() const noexcept { return maybe_sent_; }

 private:
  bool maybe_sent_;
};

/// A connected byte stream. Used by one thread at a time (the Connection's).
class Transport {
 public:
  virtual ~Transport() = default;
  /// Writes all of `data`. Throws TransportError when the connection fails
  /// or cannot take a byte for `timeout`.
  virtual void write(std::string_view data, std::chrono::milliseconds timeout) = 0;
  /// Reads at least one byte and at most `size`. Throws TransportError on
  /// end of stream, an error, or no byte within `timeout`.
  virtual std::size_t read(char* buffer, std::size_t size, std::chrono::milliseconds timeout) = 0;
  /// Whether the server closed the connection (or sent bytes nobody asked
  /// for) while it was idle; checked without waiting before a command is
  /// sent, so that a connection the server dropped is opened again instead
  /// of losing the command's reply.
  [[nodiscard]] virtual bool closed() = 0;
};

/// An owned file descriptor, closed by the destructor.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  [[nodiscard]] int get() const noexcept { return fd_; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

/// Waits until `fd` is ready for `events` (POLLIN, POLLOUT) or has failed;
/// false when `deadline` passed first.
bool wait_until(int fd, short events, Clock::time_point deadline);

/// How long ago or ahead: for messages ("after 500 ms").
std::string milliseconds_text(std::chrono::milliseconds ms);

/// A connected non-blocking socket: TCP to the endpoint's host and port
/// (every address the host resolves to, in order, until one answers; all
/// within `deadline`) or a Unix socket at its path. Throws TransportError.
FileDescriptor connect_socket(const Endpoint& endpoint, Clock::time_point deadline);

/// Plain RESP over a connected socket (TCP or Unix).
std::unique_ptr<Transport> plain_transport(FileDescriptor socket);

/// TLS over a connected TCP socket: the handshake is done (within
/// `deadline`) and the server's certificate verified per endpoint.tls.
/// Throws TransportError naming why the server was not trusted.
std::unique_ptr<Transport> tls_transport(FileDescriptor socket, const Endpoint& endpoint, Clock::time_point deadline);

}  // namespace bg::redis::net
