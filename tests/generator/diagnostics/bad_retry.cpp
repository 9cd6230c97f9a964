#include <bg/task.hpp>
[[bg::task, bg::retry(-1)]] void negative(int n);
[[bg::task, bg::retry("three")]] void words(int n);
[[bg::task, bg::retry]] void bare(int n);
[[bg::task, bg::retry(3, "fast")]] void fast_base(int n);
[[bg::task, bg::retry(3, "1min", "1s")]] void cap_below_base(int n);
[[bg::task, bg::retry(3, "500ms", "1min")]] void fine(int n);
