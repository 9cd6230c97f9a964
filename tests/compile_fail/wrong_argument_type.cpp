// expect: bg::add_task: the task cannot be called with these arguments
#include <bg/bg.hpp>
#include <string>

void send(std::string email);

void submit(bg::Lifespan& life) { life.add_task(send, 42); }
