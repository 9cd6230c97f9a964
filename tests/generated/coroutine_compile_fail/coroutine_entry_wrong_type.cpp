// expect: coroutine_tasks::call_webhook: argument 2 'body' must convert to std::string
#include "bg_tasks.hpp"
void call() { coroutine_tasks::call_webhook.later("https://example.com", 42); }
