// expect: bg::add_task: the task cannot be called with these arguments
#include <bg/bg.hpp>
#include <vector>

void total(std::vector<int> values);

bg::Task make() { return bg::Task(total, "not a vector"); }
