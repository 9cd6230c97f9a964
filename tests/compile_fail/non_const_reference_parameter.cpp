// expect: bg::add_task: a parameter of the task is a non-const lvalue reference
#include <bg/bg.hpp>
#include <string>

void append(std::string& log);

void submit(bg::Lifespan& life, std::string& log) { life.add_task(append, log); }
