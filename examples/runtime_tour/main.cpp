// A tour of the runtime API: a lifespan in main, typed submissions, a
// request-scoped batch, a task that honours its stop token, and the
// shutdown report.
#include <bg/bg.hpp>

#include <chrono>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

namespace {

std::mutex out_mutex;

void say(const std::string& line) {
  std::lock_guard lock(out_mutex);
  std::cout << line << '\n';
}

void send_notification(std::string email, std::string message) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the "SMTP" call
  say("sent '" + message + "' to " + email);
}

void reindex(const bg::Context& ctx, int shards) {
  for (int shard = 0; shard < shards; ++shard) {
    if (ctx.stop_token.stop_requested()) {
      say("reindex (task " + std::to_string(ctx.id) + ") stopped after " + std::to_string(shard) +
          " shards");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  say("reindex done");
}

}  // namespace

int main() {
  using namespace std::chrono_literals;
  bg::Lifespan life{{.workers = 2, .shutdown_timeout = 300ms}};

  // Typed submission: returns at once with the task's id.
  life.add_named_task("send_notification", send_notification, "ada@example.com", "welcome");

  // A request handler collects work and hands it over after responding.
  bg::BackgroundTasks batch;
  batch.add_named_task("send_notification", send_notification, "bob@example.com", "hi")
      .add_named_task("send_notification", send_notification, "eve@example.com", "hello");
  life.add_tasks(std::move(batch));

  // A long task that checks its stop token: shutdown will stop it.
  life.add_named_task("reindex", reindex, 1000);

  std::this_thread::sleep_for(100ms);
  std::cout << "stats now: " << life.stats() << '\n';

  // Shutdown waits up to 300 ms, then asks reindex to stop.
  std::cout << life.shutdown();
}
