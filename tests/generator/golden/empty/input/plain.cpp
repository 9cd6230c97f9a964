// Golden input: no tasks at all. The outputs still exist, with an empty
// registry, so that a target can call bg_generate_tasks before its first task.
#include <string>

std::string greet(const std::string& name) { return "hello " + name; }
