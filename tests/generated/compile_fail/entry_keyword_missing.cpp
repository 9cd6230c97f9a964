// expect: a keyword argument is missing
// expect: tasks::send_notification_t::args::message
// (GCC's -Wextra names the field first; Clang reaches bg::Required's message.)
#include "bg_tasks.hpp"
void call() { tasks::send_notification.later({.email = "a@b.c"}); }
