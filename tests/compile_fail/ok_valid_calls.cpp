// The valid forms compile under -Wall -Wextra -Werror: the harness control.
#include <bg/bg.hpp>
#include <memory>
#include <string>

void send(std::string email, std::string message);
void with_context(const bg::Context& ctx, int attempts);
void takes_const_ref(const std::string& text);
void takes_unique(std::unique_ptr<int> p);

void submit(bg::Lifespan& life) {
  life.add_task(send, "a@b.c", std::string("hi"));
  life.add_task(with_context, 3);
  life.add_task(takes_const_ref, "text");
  life.add_task(takes_unique, std::make_unique<int>(1));
  life.add_named_task("named", [](int) {}, 1);
  (void)life.try_add_task(send, "a", "b");
  bg::BackgroundTasks batch;
  batch.add_task(send, "a", "b");
  bg::Task task(send, "a", "b");
  bg::Tasks tasks{bg::as_group};
  tasks.add_task(send, "a", "b");
}
