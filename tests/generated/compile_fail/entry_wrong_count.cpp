// expect: tasks::send_notification takes 2 arguments (std::string email, std::string message)
#include "bg_tasks.hpp"
void call() { tasks::send_notification.later("a@b.c"); }
