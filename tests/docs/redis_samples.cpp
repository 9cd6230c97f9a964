// The C++ samples of the durable-task docs, word for word, so that the build
// proves they compile against the code as it is: docs/durable-tasks.md,
// docs/redis-connections.md and README.md's durable-task tour.
// check_samples.cmake (CTest docs.samples_match) fails when a sample in those
// docs is not found here (or, for a task's declaration, in the example).
// Nothing here runs.
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <bg/lifespan.hpp>
#include <bg/redis.hpp>

#include "bg_tasks.hpp"  // the HTTP example's tasks: send_welcome_email, record_audit

namespace samples {

using namespace std::chrono_literals;

struct User {
  std::string email, name;
};

void readme_tour(const std::string& email, const std::string& name) {
  bg::redis::Client redis(std::getenv("BG_REDIS_URL"));  // rediss://user:pass@host:6380/2?ssl_ca_certs=... too
  tasks::send_welcome_email.enqueue(redis, email, name); // checked like later(); to the task's bg::queue

  bg::Lifespan life{{.workers = 4}};                      // in a worker process
  bg::redis::Worker worker(life, bg::redis::Endpoint::parse(std::getenv("BG_REDIS_URL")), {.queues = {"mail"}});
  worker.start();
}

void connections_guide(bg::Lifespan& life) {
  bg::redis::Client client("rediss://app:s3cret@cache.internal:6380/2?ssl_ca_certs=/etc/ssl/redis-ca.pem");
  bg::redis::Worker worker(life, bg::redis::Endpoint::parse(std::getenv("BG_REDIS_URL")), {.queues = {"mail"}});
}

void producer_guide(const std::string& email, const std::string& name, const std::vector<User>& users) {
  bg::redis::Client redis("rediss://app:s3cret@10.0.0.5:6380/2?ssl_ca_certs=/etc/redis/ca.pem");  // thread-safe
  tasks::send_welcome_email.enqueue(redis, email, name);                  // to the task's queue, "mail"
  tasks::send_welcome_email.enqueue(redis, {.email = email, .name = name}); // keyword form
  tasks::send_welcome_email.enqueue_after(redis, 10min, email, name);     // enqueue_at: a system_clock time
  tasks::send_welcome_email.enqueue(bg::redis::Queue{redis, "vip"}, email, name);  // another queue

  bg::redis::Batch batch(redis, "mail");                 // bulk: one round trip, all or none
  for (const auto& user : users) tasks::send_welcome_email.enqueue(batch, user.email, user.name);
  std::vector<std::string> ids = batch.send();
}

// The guide's sample is a program's main, which needs no return (this
// namespace's function of that name does), and it names the report to show
// what stop() returns: both warnings are off for it alone.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wreturn-type"
#pragma GCC diagnostic ignored "-Wunused-variable"
namespace worker_guide {
const std::string url = "redis://127.0.0.1:6390";
void wait_for_sigterm() {}

int main() {
  bg::Lifespan life{{.workers = 4, .shutdown_timeout = 30s}};
  bg::redis::Worker worker(life, bg::redis::Endpoint::parse(url),
                           {.queues = {"mail", "default"},   // priority order
                            .claim_idle = 30s});             // take over entries a dead worker held this long
  worker.start();
  wait_for_sigterm();
  const bg::ShutdownReport& report = worker.stop();   // drains, hands unstarted entries back
}
}  // namespace worker_guide
#pragma GCC diagnostic pop

}  // namespace samples
