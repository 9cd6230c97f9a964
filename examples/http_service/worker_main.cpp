// mail_worker: runs the tasks that `http_service --redis URL` enqueues.
//
// Any number of these, on any machines that reach the Redis server, share
// the queue: each entry runs at least once. A worker killed mid-task loses
// nothing: after --claim-idle-ms another worker takes its entries over.
// SIGTERM stops it gracefully: no more reading, the tasks it holds drain
// within --grace-ms, and those that never started go back to the queue.
#include <pthread.h>
#include <signal.h>

#include <iostream>

#include <bg/bg.hpp>
#include <bg/redis.hpp>

#include "mail_tasks.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
  std::string error;
  auto options = service::parse_options(argc, argv, error);
  if (options && options->redis.empty()) error = "--redis URL (or BG_REDIS_URL) is required: the queue's server";
  if (!options || !error.empty()) {
    std::cerr << (error.empty() ? "" : "mail_worker: " + error + "\n") << service::kWorkerUsage;
    return error.empty() ? 0 : 2;
  }
  bg::redis::Endpoint endpoint;
  try {
    endpoint = bg::redis::Endpoint::parse(options->redis);
  } catch (const bg::redis::Error& e) {
    std::cerr << "mail_worker: --redis: " << e.what() << '\n';
    return 2;
  }

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // before any thread: only sigwait below sees them

  mail::settings() = {.outbox_path = options->outbox, .audit_path = options->audit,
                      .email_delay = options->email_delay};
  bg::Lifespan life{{.workers = options->workers, .shutdown_timeout = options->grace,
                     .io_threads = options->io_threads}};
  try {
    bg::redis::Worker worker(life, endpoint,
                             {.queues = {options->queue},
                              .max_in_flight = options->max_in_flight,
                              .claim_idle = options->claim_idle});
    worker.start();
    std::cout << "mail_worker " << worker.consumer() << ": reading queue '" << options->queue << "' on "
              << endpoint.url() << std::endl;  // the password masked

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    std::cout << "received " << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT") << ": draining (grace "
              << options->grace.count() << " ms)" << std::endl;
    const bg::ShutdownReport& report = worker.stop();
    const bg::redis::WorkerStats s = worker.stats();
    std::cout << "shutdown report:\n" << report << "\nentries: read " << s.read << ", taken over " << s.reclaimed
              << ", completed " << s.completed << ", retried " << s.retried << ", dead " << s.dead
              << ", handed back " << s.handed_back << std::endl;
  } catch (const bg::redis::Error& e) {
    std::cerr << "mail_worker: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
