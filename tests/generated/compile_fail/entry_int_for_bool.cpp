// expect: tasks::takes_everything: argument 1 'flag' must convert to bool
// Integers convert to numeric parameters (checked by value), never to bool.
#include <vector>
#include "bg_tasks.hpp"
void call() { tasks::takes_everything.later(1, 2, 0.5, std::vector<int>{}, std::nullopt, std::map<std::string, testing_tasks::Level>{}); }
