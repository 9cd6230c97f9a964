#include "bg_tasks.hpp"
void call() {
  coroutine_tasks::call_webhook.later("https://example.com", "{}");
  coroutine_tasks::measure.later("text");
}
