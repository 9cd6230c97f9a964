// expect: coroutine_tasks::call_webhook: keyword argument .body is missing
// expect: coroutine_tasks::call_webhook_t::args::body
#include "bg_tasks.hpp"
void call() { coroutine_tasks::call_webhook.later({.url = "https://example.com"}); }
