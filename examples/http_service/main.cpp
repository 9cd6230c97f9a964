// http_service: a web service whose handlers answer at once while the work
// continues in the background, and whose shutdown (SIGTERM, SIGINT) loses
// nothing silently: it stops accepting connections, finishes the requests in
// flight, drains the tasks with a grace period, and prints the report.
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include <bg/bg.hpp>
#include <httplib.h>

#include "mail_tasks.hpp"
#include "options.hpp"
#include "service.hpp"

int main(int argc, char** argv) {
  std::string error;
  auto options = service::parse_options(argc, argv, error);
  if (!options) {
    std::cerr << (error.empty() ? "" : "http_service: " + error + "\n") << service::kUsage;
    return error.empty() ? 0 : 2;
  }

  // Block the stop signals in every thread (workers and request threads
  // inherit the mask); this thread waits for them with sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  mail::settings() = {.outbox_path = options->outbox, .audit_path = options->audit,
                      .email_delay = options->email_delay};
  // A full queue refuses (the handler answers 503) rather than blocking a request thread.
  bg::Lifespan life{{.workers = options->workers, .queue_capacity = options->queue_capacity,
                     .on_full = bg::OnFull::reject, .shutdown_timeout = options->grace,
                     .io_threads = options->io_threads}};

  std::optional<bg::redis::Client> redis;
  service::Routes routes;
  if (!options->redis.empty()) {
    bg::redis::Endpoint endpoint;
    try {
      endpoint = bg::redis::Endpoint::parse(options->redis);
    } catch (const bg::redis::Error& e) {
      std::cerr << "http_service: --redis: " << e.what() << '\n';
      return 2;
    }
    try {
      redis.emplace(endpoint);
      redis->command({"PING"});
    } catch (const bg::redis::Error& e) {  // names the server, never the password
      std::cerr << "http_service: --redis " << endpoint.url() << ": " << e.what() << '\n';
      return 1;
    }
    routes.durable.emplace(*redis, options->queue);
  }
  if (const char* token = std::getenv("BG_ADMIN_TOKEN"); token != nullptr && *token != '\0') routes.admin_token = token;
  httplib::Server server;
  server.set_keep_alive_timeout(1);  // bounds how long an idle connection delays shutdown
  server.set_tcp_nodelay(true);      // small JSON replies: do not wait for delayed ACKs
  service::install_routes(server, life, routes,
                          {.max_body_bytes = options->max_body_bytes, .max_tasks = options->max_tasks});

  int port = options->port == 0 ? server.bind_to_any_port("127.0.0.1") : options->port;
  if (options->port != 0 && !server.bind_to_port("127.0.0.1", port)) port = -1;
  if (port <= 0) {
    std::cerr << "http_service: cannot listen on 127.0.0.1:" << options->port << '\n';
    return 1;
  }
  std::thread listener([&] { server.listen_after_bind(); });
  std::cout << "listening on http://127.0.0.1:" << port << std::endl;  // flushed: scripts wait for it

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cout << "received " << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT")
            << ": closing the listener, finishing requests in flight" << std::endl;
  server.stop();   // no new connections; returns once in-flight requests are answered
  listener.join();

  std::cout << "draining background tasks (grace " << options->grace.count() << " ms)" << std::endl;
  const bg::ShutdownReport& report = life.shutdown();
  std::cout << "shutdown report:\n" << report << std::endl;
  return 0;
}
