#include <bg/task.hpp>
[[bg::tsak]] void close_day(int day);
[[bg::retry(3)]] void open_day(int day);
