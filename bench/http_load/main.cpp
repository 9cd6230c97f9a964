// Response latency of POST /signup under concurrent clients: the service's
// handler submitting its two background tasks (the email sleeps 50 ms),
// against the same handler doing no background work, in the same run.
// Target: p99 with tasks <= 1.2 x p99 without.
//
// Both servers run in this process on loopback; each client thread keeps one
// connection alive and sends its requests back to back. The two modes
// alternate (with, without, with, without) so that drift hits both alike.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <bg/bg.hpp>

#include "mail_tasks.hpp"
#include "service.hpp"

namespace {

constexpr int kClients = 8;
constexpr int kRequestsPerClient = 500;

struct Latencies {
  std::vector<double> micros;
  double percentile(double p) {
    std::sort(micros.begin(), micros.end());
    return micros[static_cast<size_t>(p * static_cast<double>(micros.size() - 1))];
  }
};

std::map<std::string, Latencies> results;

Latencies run_load(bool with_tasks) {
  auto dir = std::filesystem::temp_directory_path() / "bg_bench_http";
  std::filesystem::create_directories(dir);
  mail::settings() = {.outbox_path = (dir / "outbox.txt").string(), .audit_path = (dir / "audit.log").string(),
                      .email_delay = std::chrono::milliseconds(50)};
  // Tasks left at the end are discarded: only the requests are measured.
  bg::Lifespan life{{.workers = 16, .shutdown_timeout = std::chrono::milliseconds(0),
                     .cancel_grace = std::chrono::milliseconds(200)}};
  httplib::Server server;
  server.set_tcp_nodelay(true);  // as the service does: small replies, no delayed-ACK stalls
  service::install_routes(server, life, {.admin_token = std::nullopt, .submit_tasks = with_tasks, .durable = std::nullopt});
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread listener([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::vector<std::vector<double>> per_client(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      for (int i = 0; i < kRequestsPerClient; ++i) {
        std::string body = R"({"email": "user)" + std::to_string(c * kRequestsPerClient + i) +
                           R"(@example.com", "name": "Load"})";
        auto start = std::chrono::steady_clock::now();
        auto response = client.Post("/signup", body, "application/json");
        auto elapsed = std::chrono::steady_clock::now() - start;
        if (!response || response->status != 202) {
          std::cerr << "request failed\n";
          std::exit(1);
        }
        per_client[c].push_back(std::chrono::duration<double, std::micro>(elapsed).count());
      }
    });
  }
  for (auto& t : clients) t.join();
  server.stop();
  listener.join();
  (void)life.shutdown();

  Latencies all;
  for (auto& v : per_client) all.micros.insert(all.micros.end(), v.begin(), v.end());
  std::filesystem::remove_all(dir);
  return all;
}

void BM_Signup(benchmark::State& state, bool with_tasks) {
  Latencies latencies;
  for (auto _ : state) latencies = run_load(with_tasks);
  auto& kept = results[with_tasks ? "with" : "without"];
  kept.micros.insert(kept.micros.end(), latencies.micros.begin(), latencies.micros.end());
  state.counters["requests"] = static_cast<double>(latencies.micros.size());
  state.counters["p50_us"] = latencies.percentile(0.50);
  state.counters["p99_us"] = latencies.percentile(0.99);
}

}  // namespace

// Alternating registrations: with, without, with, without.
BENCHMARK_CAPTURE(BM_Signup, background_tasks, true)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Signup, no_background_work, false)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Signup, background_tasks, true)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Signup, no_background_work, false)->Iterations(1)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  auto& with = results["with"];
  auto& without = results["without"];
  if (with.micros.empty() || without.micros.empty()) return 0;
  double p99_with = with.percentile(0.99);
  double p99_without = without.percentile(0.99);
  std::printf("\nall runs pooled (%zu requests each): p50 %.0f us vs %.0f us; p99 %.0f us vs %.0f us; "
              "p99 ratio %.2f (target <= 1.20)\n",
              with.micros.size(), with.percentile(0.5), without.percentile(0.5), p99_with, p99_without,
              p99_with / p99_without);
}
