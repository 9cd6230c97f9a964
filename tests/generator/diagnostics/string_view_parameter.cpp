#include <bg/task.hpp>
#include <string_view>
[[bg::task]] void send(std::string_view body);
