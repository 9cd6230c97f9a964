// Every call form with valid arguments compiles (the control for the cases above).
#include <memory>
#include "bg_tasks.hpp"
void call(bg::Lifespan& life, bg::BackgroundTasks& batch, std::unique_ptr<int> p) {
  std::string email = "a@b.c";
  tasks::send_notification.later(email, "hi");
  tasks::send_notification.later({.email = email, .message = "hi"});
  tasks::send_notification.later_on(life, std::string("x"), "y");
  (void)tasks::count_to.try_later(short{3});
  (void)tasks::count_to.try_later_on(life, 'c');
  tasks::shout.later("x", testing_tasks::Level::low);
  tasks::take_ownership.later(std::move(p));
  (void)tasks::no_arguments.bind();
  tasks::add_task(batch, tasks::count_to, 1);
  tasks::add_task(batch, tasks::count_to, {.n = 2});
  tasks::with_context.later("tag");
  tasks::mailer_flush.later(1);
  tasks::source_only.later(2);
}

// Integer literals for wider or floating parameters, and defaults left out.
void integers_and_defaults() {
  tasks::count_to.later(short{3});
  tasks::resize.later(10);
  tasks::resize.later(10, 0.5f);
  tasks::resize.later({.width = 10});
  tasks::resize.later(std::uint64_t{10});  // checked by value at the call
}
