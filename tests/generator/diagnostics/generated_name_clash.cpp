#include <bg/task.hpp>
// Task `ship` generates the class tasks::ship_t; a task named ship_t would
// declare that name again.
[[bg::task]] void ship(int order);
[[bg::task]] void ship_t(int order);
[[bg::task("bg_detail")]] void internal_name(int order);
