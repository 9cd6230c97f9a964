#include "chaos_tasks.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

#include <bg/redis.hpp>

namespace chaos {
namespace {

/// One connection per worker thread, to the server in $BG_CHAOS_REDIS.
bg::redis::Client& redis() {
  const char* url = std::getenv("BG_CHAOS_REDIS");
  thread_local bg::redis::Client client(url != nullptr ? url : "redis://127.0.0.1:6379");
  return client;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void step(std::string round, int index) {
  redis().command({"HINCRBY", "chaos:" + round, std::to_string(index), "1"});
}

void due(std::string round, int index, std::int64_t due_ms) {
  // The first run's lateness: a later run is a takeover, late by design.
  redis().command({"HSETNX", "chaos:" + round + ":late", std::to_string(index), std::to_string(now_ms() - due_ms)});
  redis().command({"HINCRBY", "chaos:" + round + ":due", std::to_string(index), "1"});
}

void long_run(std::string key, int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  redis().command({"INCR", key});
}

void poison(std::string why) {
  redis().command({"INCR", "chaos:poison:" + why});
  std::abort();
}

}  // namespace chaos
