// expect: tasks::ship: keyword argument .boxes must convert to std::vector<int>
#include "bg_tasks.hpp"
void call() { tasks::ship.later({.items = {"a"}, .note = std::nullopt, .boxes = {"x", "y"}}); }
