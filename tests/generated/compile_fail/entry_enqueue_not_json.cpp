// expect: enqueue(): this task has a parameter (see 'Index' and 'Param' in this instantiation) whose type JSON cannot carry
#include <memory>
#include <string>
#include <string_view>
#include "bg_tasks.hpp"
// Any durable queue: what bgtasks::redis's Queue offers generated code.
struct Queue {
  std::string push(std::string_view, std::string_view) { return {}; }
};
void call() {
  Queue queue;
  tasks::take_ownership.enqueue(queue, std::make_unique<int>(7));
}
