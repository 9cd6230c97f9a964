// expect: a keyword argument does not convert to its parameter's type
#include "bg_tasks.hpp"
void call() { tasks::count_to.later({.n = 2.5}); }
