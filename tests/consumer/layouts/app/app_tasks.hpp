// Tasks of the application itself, with the declarations real code has.
#pragma once

#include <bg/task.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <nlohmann/json.hpp>

namespace app {

struct Item {
  int id = 0;
};

/// A user type nlohmann-json reads: JSON-invocable.
struct Order {
  int id = 0;
  std::string item;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Order, id, item)

/// std::expected-like: an error returned is a failed run.
struct Outcome {
  bool ok = true;
  std::string message;
  [[nodiscard]] bool has_value() const { return ok; }
  [[nodiscard]] const std::string& error() const { return message; }
};

enum class Priority { low, normal, high };
inline constexpr int kDefaultRetries = 3;

[[bg::task]] void for_each_item(std::function<void(Item)> callback);
[[bg::task]] void set_handler(void (*handler)(int));
[[bg::task]] void notify(std::string to, int retries = kDefaultRetries, Priority priority = Priority::normal);
[[bg::task]] void trim(std::uint64_t bytes);
[[bg::task]] void scale(double factor);
[[bg::task]] void process_order(Order order);
[[bg::task]] Outcome check_disk(bool healthy);

}  // namespace app
