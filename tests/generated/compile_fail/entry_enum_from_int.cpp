// expect: tasks::shout: argument 2 'level' must convert to testing_tasks::Level
#include "bg_tasks.hpp"
void call() { tasks::shout.later("x", 2); }
