#include <bg/task.hpp>
[[bg::task, bg::queue("")]] void empty_name();
[[bg::task, bg::queue("a b")]] void with_space();
[[bg::task, bg::queue(emails)]] void not_a_literal();
[[bg::task, bg::queue("x", "y")]] void two_names();
[[bg::task, bg::queues("x")]] void misspelt();
[[bg::task, bg::queue("emails")]] void fine();
