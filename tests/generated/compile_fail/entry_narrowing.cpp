// expect: tasks::count_to: argument 1 'n' must convert to int
#include "bg_tasks.hpp"
void call() { tasks::count_to.later(2.5); }
