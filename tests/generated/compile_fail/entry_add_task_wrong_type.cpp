// expect: tasks::count_to: argument 1 'n' must convert to int
#include "bg_tasks.hpp"
void call(bg::BackgroundTasks& batch) { tasks::add_task(batch, tasks::count_to, "seven"); }
