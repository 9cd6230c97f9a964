#include <bg/task.hpp>
[[bg::task, bg::concurrency(0)]] void none_at_all();
[[bg::task, bg::concurrency(-2)]] void negative();
[[bg::task, bg::concurrency(2, 3)]] void two_numbers();
[[bg::task, bg::concurrency(4)]] void fine();
