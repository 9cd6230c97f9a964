// bg-queue: see and act on bgtasks queues in Redis.
//
//   bg-queue [--redis URL] status QUEUE...        depth, pending per worker, delayed, dead letters
//   bg-queue [--redis URL] dead QUEUE [COUNT]     the dead letters, oldest first, with their errors
//   bg-queue [--redis URL] requeue QUEUE ID|all   a dead letter back to its queue, as a first attempt
//   bg-queue [--redis URL] enqueue QUEUE TASK JSON  one task, arguments as a JSON array or object
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <bg/redis.hpp>

namespace {

constexpr const char* kUsage =
    "usage: bg-queue [--redis URL] COMMAND ...\n"
    "  status QUEUE...           ready, pending (per worker), delayed and dead entries\n"
    "  dead QUEUE [COUNT]        dead letters, oldest first, with their errors (default 20)\n"
    "  requeue QUEUE ID|all      move a dead letter back to the queue as a first attempt\n"
    "  enqueue QUEUE TASK JSON   enqueue one task; JSON is its arguments (array or object)\n"
    "URL defaults to $BG_REDIS_URL, else redis://127.0.0.1:6379.\n";

int usage_error(const std::string& why) {
  std::cerr << "bg-queue: " << why << "\n" << kUsage;
  return 2;
}

int status(bg::redis::Client& client, const std::vector<std::string>& queues) {
  for (const std::string& queue : queues) {
    const bg::redis::QueueStatus s = bg::redis::queue_status(client, queue);
    std::cout << "queue " << s.queue << ": ready " << s.ready << ", pending " << s.pending << ", delayed "
              << s.delayed << ", dead " << s.dead << "\n";
    for (const auto& c : s.consumers) {
      std::cout << "  worker " << c.name << ": pending " << c.pending << ", idle " << c.idle_ms << " ms\n";
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string url = std::getenv("BG_REDIS_URL") != nullptr ? std::getenv("BG_REDIS_URL") : "redis://127.0.0.1:6379";
  if (args.size() >= 2 && args[0] == "--redis") {
    url = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  try {
    bg::redis::Client client(url);
    const std::string& command = args[0];
    if (command == "status") {
      if (args.size() < 2) return usage_error("status needs at least one queue");
      return status(client, {args.begin() + 1, args.end()});
    }
    if (command == "dead") {
      if (args.size() < 2 || args.size() > 3) return usage_error("dead takes a queue and an optional count");
      const std::size_t count = args.size() == 3 ? std::stoul(args[2]) : 20;
      for (const auto& letter : bg::redis::dead_letters(client, args[1], count)) {
        std::cout << letter.id << "  " << letter.task << " " << letter.args << "  attempt " << letter.attempt
                  << "\n    " << letter.error << "\n";
      }
      return 0;
    }
    if (command == "requeue") {
      if (args.size() != 3) return usage_error("requeue takes a queue and a dead letter's id (or all)");
      std::cout << "requeued " << bg::redis::requeue_dead(client, args[1], args[2]) << "\n";
      return 0;
    }
    if (command == "enqueue") {
      if (args.size() != 4) return usage_error("enqueue takes a queue, a task name and its arguments as JSON");
      std::cout << client.enqueue(args[1], args[2], args[3]) << "\n";
      return 0;
    }
    return usage_error("unknown command '" + command + "'");
  } catch (const std::exception& e) {
    std::cerr << "bg-queue: " << e.what() << "\n";
    return 1;
  }
}
