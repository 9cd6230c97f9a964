// expect: tasks::count_to: keyword argument .n must convert to int
#include "bg_tasks.hpp"
void call() { tasks::count_to.later({.n = 2.5}); }
