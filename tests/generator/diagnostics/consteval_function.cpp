#include <bg/task.hpp>
// consteval runs only while compiling; constexpr is fine.
[[bg::task]] consteval int square(int x) { return x * x; }
[[bg::task]] constexpr int cube(int x) { return x * x * x; }
