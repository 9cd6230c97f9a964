#include <bg/task.hpp>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include "nested_dangling_parameter.hpp"
[[bg::task]] void join(std::vector<std::string_view> parts);
[[bg::task]] void sum(std::optional<std::span<int>> values);
[[bg::task]] void label(std::map<std::string, const char*> names);
[[bg::task]] void pair_up(std::pair<int, std::string_view> entry);
[[bg::task]] void deliver(shop::Message message);
[[bg::task]] void fine(std::vector<std::pair<int, std::string>> rows, std::map<std::string, std::vector<int>> index);
