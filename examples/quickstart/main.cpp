// bgtasks quickstart: annotated functions in, typed entry points out.
//
// notifications.hpp and maintenance.cpp mark functions [[bg::task]];
// bg_generate_tasks() in CMakeLists.txt runs bg-gen, which writes
// bg_tasks.hpp (tasks::NAME objects) and bg_tasks.cpp (the registry).
#include <chrono>
#include <iostream>

#include <bg/bg.hpp>

#include "bg_tasks.hpp"  // generated
#include "notifications.hpp"

int main() {
  using namespace std::chrono_literals;
  // The worker group lives as long as main: started here, drained at the end.
  bg::Lifespan life{{.workers = 2, .shutdown_timeout = 300ms}};

  std::cout << "registry (" << bg::registry().size() << " tasks):\n";
  for (const bg::TaskInfo& task : bg::registry()) {
    std::cout << "  " << task.name << "  " << task.signature << "  at " << task.file << ':' << task.line
              << (task.json_invocable ? "" : "  (not invocable by name)") << '\n';
  }

  // Positional and keyword forms; both return at once with the task's id.
  bg::TaskId first = tasks::send_notification.later("ada@example.com", "welcome aboard");
  bg::TaskId second = tasks::send_notification.later({.email = "bob@example.com", .message = "your report is ready"});
  std::cout << "submitted tasks " << first << " and " << second << " without waiting\n";

  // A request-scoped batch, handed over in one step (all or nothing).
  bg::BackgroundTasks batch;
  tasks::add_task(batch, tasks::broadcast, std::vector<std::string>{"ada", "bob", "eve"}, app::Channel::push,
                  "maintenance at 02:00");
  life.add_tasks(std::move(batch));

  // Submit by name with JSON arguments, as an admin endpoint would.
  bg::registry().submit_json_text("send_notification", R"({"email": "eve@example.com", "message": "by name"})");
  try {
    bg::registry().submit_json_text("broadcast", R"([["ada"], "fax", "hello"])");
  } catch (const bg::DispatchError& error) {
    std::cout << "refused, nothing ran: " << error.what() << '\n';
  }

  life.wait_idle();
  std::cout << "idle: " << life.stats() << '\n';

  // A long task that cooperates with shutdown: it sees the stop request once
  // the 300 ms grace period is over, and the report says so.
  tasks::rebuild_index.later(40);
  std::this_thread::sleep_for(20ms);
  const bg::ShutdownReport& report = life.shutdown();
  std::cout << "shutdown report:\n" << report << '\n';
}
