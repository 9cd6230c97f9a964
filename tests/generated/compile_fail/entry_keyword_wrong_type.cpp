// expect: tasks::with_context: keyword argument .tag must convert to std::string
#include "bg_tasks.hpp"
void call() { tasks::with_context.later({.tag = 42}); }
