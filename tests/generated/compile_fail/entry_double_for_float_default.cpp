// expect: tasks::resize: argument 2 'scale' must convert to float
// A defaulted parameter given a value is checked like any other.
#include "bg_tasks.hpp"
void call() { tasks::resize.later(10, 2.5); }
