#include <bg/bound_task.hpp>

#include <exception>
#include <thread>

#include <bg/errors.hpp>

namespace bg {

void Task::operator()() { run(Context{{}, 0, name_, 1}); }

void Task::run(const Context& context) {
  if (erased_.empty()) {
    throw Error("bg::Task '" + std::string(name_) +
                "' has already run (or was never bound); a Task runs once");
  }
  erased_.run_once(detail::RunInfo{nullptr, &context.stop_token, context.id, name_, context.attempt});
}

void Tasks::run() { (*this)(Context{{}, 0, detail::kUnnamedTask, 1}); }

void Tasks::operator()(const Context& context) {
  if (!as_group_) {
    for (Task& task : tasks_) task.run(context);
    return;
  }
  // Concurrently, like asyncio.gather: the first task runs here, the others
  // on threads of their own (not the lifespan's workers, which a group could
  // otherwise starve into deadlock).
  std::vector<std::exception_ptr> errors(tasks_.size());
  {
    std::vector<std::jthread> threads;
    threads.reserve(tasks_.size());
    for (std::size_t i = 1; i < tasks_.size(); ++i) {
      threads.emplace_back([&, i] {
        try {
          tasks_[i].run(context);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    if (!tasks_.empty()) {
      try {
        tasks_[0].run(context);
      } catch (...) {
        errors[0] = std::current_exception();
      }
    }
  }  // joins
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace bg
