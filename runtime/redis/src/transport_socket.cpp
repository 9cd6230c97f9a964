// Sockets: connecting over TCP (IPv4 and IPv6) or a Unix socket, waiting
// with deadlines, and the plain transport that reads and writes them.
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "transport.hpp"

namespace bg::redis::net {

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

bool wait_until(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd, events, 0};
    const int ready = ::poll(&p, 1, left.count() > 0 ? static_cast<int>(left.count()) : 0);
    if (ready > 0) return true;  // ready, or failed: the next read or write says how
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw TransportError(std::string("poll: ") + std::strerror(errno));
    if (left.count() <= 0) return false;
  }
}

std::string milliseconds_text(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

namespace {

std::string error_text(int error) { return std::strerror(error); }

/// Waits for a non-blocking connect() to finish; returns 0 or its errno.
int finish_connect(int fd, Clock::time_point deadline) {
  if (!wait_until(fd, POLLOUT, deadline)) return ETIMEDOUT;
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

FileDescriptor connect_tcp(const Endpoint& endpoint, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;  // IPv4 and IPv6, in the resolver's order
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  // getaddrinfo blocks and has no deadline of its own; the host's resolver
  // settings (resolv.conf timeout and attempts) bound it.
  const int resolved = ::getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found);
  if (resolved != 0) {
    throw TransportError("cannot resolve the host '" + endpoint.host + "': " + ::gai_strerror(resolved));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  std::string errors;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    FileDescriptor fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    int error = fd.get() < 0 ? errno : 0;
    if (error == 0 && ::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      error = errno == EINPROGRESS ? finish_connect(fd.get(), deadline) : errno;
    }
    if (error == 0) {
      // Commands are small and a round trip waits for each write: no Nagle
      // delay. Keepalive finds a peer that vanished while the connection idled.
      const int on = 1;
      ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      ::setsockopt(fd.get(), SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
      return fd;
    }
    char name[NI_MAXHOST] = "?";
    ::getnameinfo(a->ai_addr, a->ai_addrlen, name, sizeof name, nullptr, 0, NI_NUMERICHOST);
    if (!errors.empty()) errors += "; ";
    errors += std::string(name) + ": " +
              (error == ETIMEDOUT ? "no answer within " + milliseconds_text(endpoint.connect_timeout)
                                  : error_text(error));
    if (Clock::now() >= deadline) break;
  }
  throw TransportError(errors.empty() ? "the host has no address" : errors);
}

FileDescriptor connect_unix(const Endpoint& endpoint, Clock::time_point deadline) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (endpoint.path.empty()) throw TransportError("no socket path");
  if (endpoint.path.size() >= sizeof address.sun_path) {
    throw TransportError("the socket path is longer than " + std::to_string(sizeof address.sun_path - 1) + " bytes");
  }
  std::memcpy(address.sun_path, endpoint.path.data(), endpoint.path.size());
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) throw TransportError("socket: " + error_text(errno));
  int error = 0;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    error = errno == EINPROGRESS ? finish_connect(fd.get(), deadline) : errno;
  }
  if (error == ENOENT) throw TransportError("no socket at " + endpoint.path + " (is unixsocket set in redis.conf?)");
  if (error == EACCES) throw TransportError("no permission to use " + endpoint.path + " (see unixsocketperm in redis.conf)");
  if (error == EAGAIN) throw TransportError("the server's backlog is full");
  if (error != 0) throw TransportError(error_text(error));
  return fd;
}

/// TCP or Unix, without encryption. Connected non-blocking (for the
/// connect deadline), then switched to blocking with SO_RCVTIMEO and
/// SO_SNDTIMEO: a round trip is then one send() and one recv(), as many
/// system calls as hiredis' own blocking connection made, where poll()
/// before each recv() would add one.
class PlainTransport final : public Transport {
 public:
  explicit PlainTransport(FileDescriptor socket) : socket_(std::move(socket)) {
    const int flags = ::fcntl(socket_.get(), F_GETFL);
    if (flags < 0 || ::fcntl(socket_.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
      throw TransportError("fcntl: " + error_text(errno));
    }
  }

  void write(std::string_view data, std::chrono::milliseconds timeout) override {
    apply(timeout);
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::send(socket_.get(), data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        throw TransportError("the server took no data for " + milliseconds_text(timeout), done > 0);
      }
      throw TransportError("sending: " + error_text(errno), done > 0);
    }
  }

  std::size_t read(char* buffer, std::size_t size, std::chrono::milliseconds timeout) override {
    apply(timeout);
    for (;;) {
      const ssize_t n = ::recv(socket_.get(), buffer, size, 0);
      if (n > 0) return static_cast<std::size_t>(n);
      if (n == 0) throw TransportError("the server closed the connection");
      if (errno == EINTR) continue;  // the timeout starts again: it bounds a silence, not the whole read
      if (errno == EAGAIN || errno == EWOULDBLOCK) throw TransportError("no reply within " + milliseconds_text(timeout));
      throw TransportError("receiving: " + error_text(errno));
    }
  }

  bool closed() override {
    char byte = 0;
    const ssize_t n = ::recv(socket_.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
  }

 private:
  /// The socket's timeouts, set again only when they change (a worker sets
  /// a longer one once).
  void apply(std::chrono::milliseconds timeout) {
    if (timeout == applied_) return;
    const std::chrono::milliseconds ms = std::max(timeout, std::chrono::milliseconds(1));  // 0 would mean never
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    if (::setsockopt(socket_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        ::setsockopt(socket_.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
      throw TransportError("setting the socket's timeouts: " + error_text(errno));
    }
    applied_ = timeout;
  }

  FileDescriptor socket_;
  std::chrono::milliseconds applied_{-1};
};

}  // namespace

FileDescriptor connect_socket(const Endpoint& endpoint, Clock::time_point deadline) {
  return endpoint.kind == Endpoint::Kind::unix_socket ? connect_unix(endpoint, deadline)
                                                      : connect_tcp(endpoint, deadline);
}

std::unique_ptr<Transport> plain_transport(FileDescriptor socket) {
  return std::make_unique<PlainTransport>(std::move(socket));
}

}  // namespace bg::redis::net
