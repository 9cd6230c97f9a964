#include <bg/task.hpp>
[[bg::task]] void printf_like(const char* format, ...);
