// expect: bg::add_task: the task cannot be called with these arguments
#include <bg/bg.hpp>
#include <string>

void send(std::string email, std::string message);

void submit(bg::Lifespan& life) { life.add_task(send, std::string("a")); }
