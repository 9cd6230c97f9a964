// A misspelt field: neither GCC 12 nor Clang 16 names the field in a call
// with overloads (GCC names the task's class, Clang only 'later'); this
// checks that it fails at the call.
// expect: count_to_t::later|call to 'later'
#include "bg_tasks.hpp"
void call() { tasks::count_to.later({.m = 2}); }
