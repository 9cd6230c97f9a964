// One translation unit of the kind bg-gen reads in a service: a heavy set of
// standard headers, the bgtasks runtime, some tasks and function bodies.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

#include <bg/bg.hpp>
#include <bg/task.hpp>

namespace service {

struct Order {
  std::string id;
  std::vector<std::string> items;
  std::map<std::string, double> prices;
};

[[bg::task]] void send_receipt(std::string email, std::string order_id);
[[bg::task]] void reindex(const bg::Context& context, int shards);
[[bg::task]] void export_orders(std::vector<std::string> ids, std::optional<std::string> bucket);

double total(const Order& order) {
  double sum = 0;
  for (const auto& [item, price] : order.prices) sum += price;
  std::regex valid("[a-z]+-[0-9]+");
  if (!std::regex_match(order.id, valid)) throw std::invalid_argument(order.id);
  std::vector<double> sorted;
  std::transform(order.prices.begin(), order.prices.end(), std::back_inserter(sorted),
                 [](const auto& entry) { return entry.second; });
  std::sort(sorted.begin(), sorted.end());
  std::ostringstream out;
  out << sum << ' ' << sorted.size();
  return sum;
}

void send_receipt(std::string email, std::string order_id) {
  std::unordered_map<std::string, std::variant<int, std::string>> fields{{"email", email}, {"id", order_id}};
  std::ofstream log(std::filesystem::temp_directory_path() / "receipts.log", std::ios::app);
  for (const auto& [key, value] : fields) log << key << '=' << std::visit([](const auto& v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }, value) << '\n';
}

void reindex(const bg::Context& context, int shards) {
  std::mt19937 rng(42);
  std::vector<std::future<int>> parts;
  for (int i = 0; i < shards && !context.stop_token.stop_requested(); ++i)
    parts.push_back(std::async(std::launch::deferred, [&rng] { return static_cast<int>(rng() % 100); }));
  int sum = 0;
  for (auto& part : parts) sum += part.get();
  std::cout << sum << '\n';
}

void export_orders(std::vector<std::string> ids, std::optional<std::string> bucket) {
  std::set<std::string> unique(ids.begin(), ids.end());
  std::cout << unique.size() << bucket.value_or("default") << '\n';
}

}  // namespace service
