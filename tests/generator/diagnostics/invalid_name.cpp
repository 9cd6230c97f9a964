#include <bg/task.hpp>
[[bg::task("2fast")]] void quick(int n);
[[bg::task("class")]] void klass(int n);
