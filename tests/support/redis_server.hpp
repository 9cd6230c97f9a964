// RedisServer: a real redis-server for one test, on a free loopback port
// (never 6379, where a system Redis may run), with nothing saved to disk.
// Started by the constructor, which waits for PING; stopped by its pid in
// the destructor.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

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

class RedisServer {
 public:
  RedisServer() {
    dir_ = std::filesystem::temp_directory_path() /
           ("bg-redis-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(dir_);
    for (int tries = 0; tries < 5; ++tries) {
      port_ = free_port();
      pid_ = ::fork();
      if (pid_ == 0) {
        const std::string port = std::to_string(port_);
        const std::string dir = dir_.string();
        // Its log goes to a file beside its data, not into the test's output.
        const std::string log = (dir_ / "redis.log").string();
        if (std::FILE* out = std::freopen(log.c_str(), "w", stdout)) ::dup2(::fileno(out), STDERR_FILENO);
        ::execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", dir.c_str(), "--loglevel", "warning", static_cast<char*>(nullptr));
        std::_Exit(127);
      }
      if (wait_for_ping()) return;
      stop();
    }
    throw std::runtime_error("RedisServer: redis-server did not start (is it installed? apt-get install redis-server)");
  }
  ~RedisServer() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] bg::redis::Endpoint endpoint() const { return bg::redis::Endpoint{"127.0.0.1", port_}; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  bool wait_for_ping() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: the port was taken meanwhile
        pid_ = -1;
        return false;
      }
      try {
        bg::redis::Client client(endpoint());
        if (client.command({"PING"}) == "PONG") return true;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace bg_test
