// expect: tasks::send_notification: keyword argument .message is missing
// expect: tasks::send_notification_t::args::message
// (GCC's -Wextra names the field first; Clang reaches the generated message.)
#include "bg_tasks.hpp"
void call() { tasks::send_notification.later({.email = "a@b.c"}); }
