#include <bg/task.hpp>
[[bg::task(42)]] void answer(int n);
