#include <bg/task.hpp>
[[bg::task("first")]] void both(int n);
[[bg::task("second")]] void both(int n);
