#include <bg/task.hpp>
#include <mutex>
[[bg::task]] void guard(std::mutex lock);
