// A producer of durable tasks (bgtasks::redis), as a user writes one: the
// task declares its queue, and calls are checked and encoded at build time.
// It builds a batch without sending it, so no Redis server is needed here.
#include <iostream>
#include <string>

#include <bg/redis.hpp>
#include <bg/registry.hpp>

#include "reports.hpp"

void build_report(std::string name, int pages) { std::cout << name << ": " << pages << " pages\n"; }

#include "durable_tasks.hpp"

int main() {
  bg::redis::Client client("redis://127.0.0.1:6380");  // never contacted: the batch is not sent
  bg::redis::Batch batch(client, durable::build_report.queue_name());
  durable::build_report.enqueue(batch, "q3", 4);
  durable::build_report.enqueue(batch, {.name = "q4"});
  const bg::TaskInfo* info = bg::registry().find("build_report");
  // The registry and the entry point both come from bg::queue in reports.hpp.
  if (batch.size() != 2 || info == nullptr || info->queue != durable::build_report.queue_name()) {
    std::cerr << "consumer_durable: expected 2 entries, and the registry's queue to be the entry point's\n";
    return 1;
  }
  std::cout << "consumer_durable: 2 tasks batched for queue " << info->queue << "\n";
  return 0;
}
