// expect: tasks::send_notification: argument 2 'message' must convert to std::string
#include "bg_tasks.hpp"
void call() { tasks::send_notification.later("a@b.c", 42); }
