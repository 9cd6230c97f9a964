// RedisServer: a real redis-server for one test, on a free loopback port
// (never 6379, where a system Redis may run), with nothing saved to disk
// unless the test asks for it. Started by the constructor, which waits until
// the server answers; stopped by its pid in the destructor. A fault test can
// kill it (SIGKILL) and start it again on the same port and data directory.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <bg/redis.hpp>

namespace bg_test {

/// A loopback port no one listens on now (the kernel's choice).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("free_port: no loopback port");
  }
  const int port = ntohs(address.sin_port);
  ::close(fd);
  return port == 6379 ? free_port() : port;
}

/// Sends a RESP "PING" to 127.0.0.1:port and reports whether any reply came
/// back (+PONG, or -NOAUTH from a server with a password): the server is up.
inline bool answers_ping(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  bool up = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const char ping[] = "*1\r\n$4\r\nPING\r\n";
    char reply[64];
    up = ::send(fd, ping, sizeof ping - 1, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof ping - 1) &&
         ::recv(fd, reply, sizeof reply, 0) > 0 && (reply[0] == '+' || reply[0] == '-');
    // "-LOADING" is a reply too, but the server cannot serve yet.
    if (up && reply[0] == '-' && std::string_view(reply + 1, 7) == "LOADING") up = false;
  }
  ::close(fd);
  return up;
}

class RedisServer {
 public:
  /// `extra` is appended to the command line (later options win), e.g.
  /// {"--appendonly", "yes"} or {"--requirepass", "secret"}.
  explicit RedisServer(std::vector<std::string> extra = {}) : extra_(std::move(extra)) {
    dir_ = std::filesystem::temp_directory_path() /
           ("bg-redis-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(dir_);
    for (int tries = 0; tries < 5; ++tries) {
      port_ = free_port();
      if (launch()) return;
    }
    throw std::runtime_error("RedisServer: redis-server did not start (is it installed? apt-get install redis-server)");
  }
  ~RedisServer() {
    stop(SIGTERM);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }
  [[nodiscard]] std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] bg::redis::Endpoint endpoint() const { return bg::redis::Endpoint::parse(url()); }

  /// SIGKILL: the server loses whatever it had not written to disk.
  void kill() { stop(SIGKILL); }
  /// SIGSTOP / SIGCONT: the server holds its connections and answers nothing.
  void pause() const { ::kill(pid_, SIGSTOP); }
  void resume() const { ::kill(pid_, SIGCONT); }
  /// Starts the server again on the same port and data directory (after
  /// kill()). Throws when it does not come up within 10 s.
  void restart() {
    stop(SIGKILL);
    for (int tries = 0; tries < 50; ++tries) {  // the old socket may linger a moment
      if (launch()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("RedisServer: redis-server did not start again on port " + std::to_string(port_));
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  bool launch() {
    pid_ = ::fork();
    if (pid_ == 0) {
      // Its log goes to a file beside its data, not into the test's output.
      const std::string log = (dir_ / "redis.log").string();
      if (std::FILE* out = std::freopen(log.c_str(), "a", stdout)) ::dup2(::fileno(out), STDERR_FILENO);
      std::vector<std::string> args = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                       "--save", "", "--appendonly", "no", "--dir", dir_.string(),
                                       "--loglevel", "warning"};
      args.insert(args.end(), extra_.begin(), extra_.end());
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execvp("redis-server", argv.data());
      std::_Exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: the port was taken meanwhile
        pid_ = -1;
        return false;
      }
      if (answers_ping(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop(SIGKILL);
    return false;
  }
  void stop(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGCONT);  // a paused server cannot act on SIGTERM
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::vector<std::string> extra_;
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace bg_test
