// expect: bg::add_task: the task cannot be called with these arguments
#include <bg/bg.hpp>
#include <string>

void send(std::string email);

void handle(bg::BackgroundTasks& batch) { batch.add_task(send, 3.5); }
