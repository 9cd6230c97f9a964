#include <bg/task.hpp>
[[bg::task, bg::retry(3), bg::retry(5)]] void twice_in_one_list(int n);
[[bg::task]] [[bg::concurrency(1)]] [[bg::concurrency(2)]] void twice_in_two_lists(int n);
