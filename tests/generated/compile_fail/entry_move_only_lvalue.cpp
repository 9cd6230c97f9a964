// expect: tasks::take_ownership: argument 1 'value' must convert to std::unique_ptr<int>
#include <memory>
#include "bg_tasks.hpp"
void call(std::unique_ptr<int>& p) { tasks::take_ownership.later(p); }
