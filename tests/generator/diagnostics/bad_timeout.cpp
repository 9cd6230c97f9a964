#include <bg/task.hpp>
[[bg::task, bg::timeout("30 parsecs")]] void parsecs();
[[bg::task, bg::timeout(30)]] void bare_number();
[[bg::task, bg::timeout("0s")]] void zero();
[[bg::task, bg::timeout()]] void empty();
[[bg::task, bg::timeout("2h")]] void fine();
