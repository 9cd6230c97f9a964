#include <bg/task.hpp>
[[bg::tsak]] void close_day(int day);
[[bg::task, bg::retries(3)]] void open_day(int day);
[[bg::task, bg::schedule("daily")]] void tally_day(int day);
