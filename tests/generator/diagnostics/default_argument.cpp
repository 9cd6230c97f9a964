#include <bg/task.hpp>
[[bg::task]] void retry(int attempts = 3);
