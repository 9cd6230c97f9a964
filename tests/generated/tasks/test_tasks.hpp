// Tasks the generated-API tests submit. Each records what it received, so the
// tests can assert that the call reached the function intact.
#pragma once

#include <bg/context.hpp>
#include <bg/task.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace testing_tasks {

enum class Level { low, normal, high };

/// What the tasks saw, guarded for concurrent tasks.
struct Journal {
  std::mutex mutex;
  std::vector<std::string> lines;
  void add(std::string line);
  std::vector<std::string> take();
};
Journal& journal();

[[bg::task]] void send_notification(std::string email, std::string message);
[[bg::task]] void count_to(int n);
[[bg::task("shout")]] void shout_message(const std::string& text, Level level);
[[bg::task]] void takes_everything(bool flag, std::uint8_t small, double ratio, std::vector<int> numbers,
                                   std::optional<std::string> note, std::map<std::string, Level> levels);
[[bg::task]] void with_context(const bg::Context& context, std::string tag);
[[bg::task]] void context_by_value(bg::Context context, int shard);
/// A plain struct parameter: keyword calls brace its members.
struct Point {
  int x = 0;
  int y = 0;
};
[[bg::task]] void move_to(Point to, int speed = 1);
[[bg::task]] void ship(const std::vector<std::string>& items, std::optional<std::string> note,
                       std::vector<int> boxes = {1});
[[bg::task]] void take_ownership(std::unique_ptr<int> value);  // not invocable by name
[[bg::task]] void no_arguments();
[[bg::task]] void always_fails(std::string why);

/// Default arguments: `scale` may be left out of every call form.
inline constexpr float kDefaultScale = 1.5f;
[[bg::task]] void resize(std::uint32_t width, float scale = kDefaultScale);

struct Mailer {
  [[bg::task("mailer_flush")]] static void flush(int batch);
};

}  // namespace testing_tasks
