#include <bg/task.hpp>
#include <span>
[[bg::task]] void sum(std::span<const int> values);
