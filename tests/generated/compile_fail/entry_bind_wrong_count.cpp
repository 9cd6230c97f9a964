// expect: tasks::no_arguments takes 0 arguments
#include "bg_tasks.hpp"
void call() { (void)tasks::no_arguments.bind(1); }
