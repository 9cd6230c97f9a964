#include <bg/task.hpp>
[[bg::task]] int counter;
struct [[bg::task]] Job {};
