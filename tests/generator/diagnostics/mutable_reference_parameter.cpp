#include <bg/task.hpp>
#include <string>
[[bg::task]] void fill(std::string& out);
