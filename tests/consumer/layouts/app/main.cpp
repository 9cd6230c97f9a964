// Submits every kind of task and checks the program-wide registry; exits
// non-zero with a message on the first surprise.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app_tasks.hpp"
#include "bg_tasks.hpp"     // app's own tasks
#include "mail_tasks.hpp"   // the mail library's
#include "media_tasks.hpp"  // the shared media library's

int helper_value();

namespace {
std::atomic<int> seen{0};
std::atomic<long long> total{0};
std::atomic<int> failures{0};

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "layouts: %s\n", why.c_str());
  std::exit(1);
}
void expect(bool ok, const std::string& what) {
  if (!ok) fail(what);
}
void on_signal(int n) { total += n; }
}  // namespace

namespace app {
void for_each_item(std::function<void(Item)> callback) { callback(Item{7}); }
void set_handler(void (*handler)(int)) { handler(100); }
void notify(std::string to, int retries, Priority priority) {
  total += retries * 10 + static_cast<int>(priority);
  (void)to;
}
void trim(std::uint64_t bytes) { total += static_cast<long long>(bytes); }
void scale(double factor) { total += static_cast<long long>(factor); }
void process_order(Order order) { total += order.id; }
Outcome check_disk(bool healthy) { return {healthy, healthy ? "" : "disk full"}; }
}  // namespace app

int main() {
  expect(helper_value() == 42, "helper");
  {
    bg::Lifespan life{{.workers = 2,
                       .on_error = [](const bg::TaskError& e) {
                         if (e.what.find("disk full") != std::string::npos) ++failures;
                       }}};
    tasks::for_each_item.later([](app::Item item) { total += item.id; });  // 7
    tasks::set_handler.later(&on_signal);                                  // 100
    tasks::notify.later("ada@example.com");                                // 3*10+1 = 31
    tasks::notify.later("bob@example.com", 1);                             // 10+1 = 11
    tasks::notify.later({.to = "eve@example.com", .priority = app::Priority::high});  // 30+2 = 32
    tasks::trim.later(70000);                                              // a literal that fits
    tasks::scale.later(2);                                                 // int literal for double: 2
    tasks::process_order.later(app::Order{5, "book"});                     // 5
    tasks::check_disk.later(false);                                        // a failure via on_error
    tasks::mail_job.later("x@example.com");
    tasks::linux_only.later(1);
    tasks::report_version.later();
    tasks::generated_task.later(3);
    tasks::make_thumbnail.later("cat.png", 64);
    tasks::late_task.later("end");
    bool refused = false;
    try {
      tasks::trim.later(-1);  // does not fit std::uint64_t
    } catch (const bg::ArgumentOutOfRange&) {
      refused = true;
    }
    expect(refused, "trim.later(-1) was not refused");
    // JSON: defaults left out, a user type through its from_json.
    bg::registry().submit_json_text("notify", R"(["carol@example.com"])");  // 31
    bg::registry().submit_json_text("process_order", R"([{"id": 9, "item": "pen"}])");  // 9
    life.wait_idle();
    auto stats = life.stats();
    expect(stats.failed == 1 && failures == 1, "check_disk's returned error was not a failure");
  }
  const long long want = 7 + 100 + 31 + 11 + 32 + 70000 + 2 + 5 + 31 + 9;
  expect(total == want, "tasks saw " + std::to_string(total.load()) + ", expected " + std::to_string(want));

  // One registry for the whole program, sorted by name.
  std::string names;
  for (const auto& t : bg::registry()) names += std::string(t.name) + " ";
  const std::string expected =
      "check_disk for_each_item generated_task late_task linux_only mail_job make_thumbnail notify process_order "
      "report_version scale set_handler trim ";
  expect(names == expected, "registry lists '" + names + "', expected '" + expected + "'");
  const bg::TaskInfo* notify = bg::registry().find("notify");
  expect(notify && notify->required_params == 1 && notify->params[1].default_argument == "kDefaultRetries",
         "notify's defaults are not in the registry");
  expect(bg::registry().find("process_order")->json_invocable, "process_order is not JSON-invocable");
  expect(bg::registry().find("set_handler")->signature == "void app::set_handler(void (*handler)(int))",
         "set_handler's signature: " + std::string(bg::registry().find("set_handler")->signature));
  std::printf("layouts: %zu tasks from three targets ran\n", bg::registry().size());
  return 0;
}
