#include <bg/task.hpp>
[[bg::task]] void log_line(const char* text);
