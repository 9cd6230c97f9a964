#include "test_tasks.hpp"

#include <stdexcept>
#include <utility>

namespace testing_tasks {

void Journal::add(std::string line) {
  std::lock_guard lock(mutex);
  lines.push_back(std::move(line));
}

std::vector<std::string> Journal::take() {
  std::lock_guard lock(mutex);
  return std::exchange(lines, {});
}

Journal& journal() {
  static Journal instance;
  return instance;
}

void send_notification(std::string email, std::string message) { journal().add("notify " + email + " " + message); }
void count_to(int n) { journal().add("count " + std::to_string(n)); }
void shout_message(const std::string& text, Level level) {
  journal().add("shout " + text + " " + std::to_string(static_cast<int>(level)));
}
void takes_everything(bool flag, std::uint8_t small, double ratio, std::vector<int> numbers,
                      std::optional<std::string> note, std::map<std::string, Level> levels) {
  std::string line = "everything " + std::to_string(flag) + " " + std::to_string(small) + " " +
                     std::to_string(ratio) + " [";
  for (int n : numbers) line += std::to_string(n) + ",";
  line += "] " + note.value_or("<none>") + " {";
  for (const auto& [key, level] : levels) line += key + "=" + std::to_string(static_cast<int>(level)) + ",";
  journal().add(line + "}");
}
void with_context(const bg::Context& context, std::string tag) {
  journal().add("context " + std::string(context.name) + " " + std::to_string(context.id) + " " + tag);
}
void context_by_value(bg::Context context, int shard) {
  journal().add("by value " + std::string(context.name) + " " + std::to_string(context.id) + " " +
                std::to_string(shard));
}
void ship(const std::vector<std::string>& items, std::optional<std::string> note, std::vector<int> boxes) {
  std::string line = "ship";
  for (const auto& item : items) line += " " + item;
  line += " note=" + note.value_or("<none>") + " boxes=";
  for (int box : boxes) line += std::to_string(box) + ",";
  journal().add(line);
}
void move_to(Point to, int speed) {
  journal().add("move " + std::to_string(to.x) + " " + std::to_string(to.y) + " " + std::to_string(speed));
}
void take_ownership(std::unique_ptr<int> value) { journal().add("owned " + std::to_string(*value)); }
void no_arguments() { journal().add("nothing"); }
void always_fails(std::string why) { throw std::runtime_error(why); }
void resize(std::uint32_t width, float scale) {
  journal().add("resize " + std::to_string(width) + " " + std::to_string(scale));
}
void Mailer::flush(int batch) { journal().add("flush " + std::to_string(batch)); }

}  // namespace testing_tasks

// A task defined in a source file only: the generated header declares it.
namespace testing_tasks::hidden {
[[bg::task]] void source_only(int value) { journal().add("source_only " + std::to_string(value)); }
}  // namespace testing_tasks::hidden
