#include <bg/task.hpp>
[[bg::retry(3)]] void not_a_task(int n);
struct Settings {
  [[bg::timeout("1s")]] int limit;
};
[[bg::task]] void split_across_lists(int n);
