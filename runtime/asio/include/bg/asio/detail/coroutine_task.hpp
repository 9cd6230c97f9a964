// bg::asio::detail::CoroutineTask: a coroutine task with its stored
// arguments, as the lifespan holds it; the asio::awaitable counterpart of
// bg::detail::Closure.
//
// The arguments live in the task's run record (or in this object, when it
// is run to its end on the calling thread) until the coroutine completes, so
// a `const std::string&` parameter refers to the stored copy and never
// dangles across a suspension.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <tuple>
#include <type_traits>
#include <utility>

#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <bg/asio/detail/backend.hpp>
#include <bg/detail/async_task.hpp>
#include <bg/detail/erased_task.hpp>
#include <bg/detail/invocable.hpp>

namespace bg::asio::detail {

/// A started coroutine task: what the lifespan tracks, plus the executor
/// it runs on and the signal that cancels it.
template <class Task>
class Run final : public bg::detail::AsyncRun {
 public:
  explicit Run(::asio::any_io_executor executor) : executor_(std::move(executor)) {}

  std::optional<Task> task;
  /// Lives here, as the arguments do, so that a `const bg::Context&`
  /// parameter outlives every suspension of the task.
  bg::Context context;
  ::asio::cancellation_signal signal;
  const ::asio::any_io_executor executor_;

 private:
  void cancel() noexcept override {
    try {
      // The signal belongs to the coroutine's executor: emit it there.
      ::asio::post(executor_, [self = std::static_pointer_cast<Run>(shared_from_this())] {
        self->signal.emit(::asio::cancellation_type::terminal);
      });
    } catch (...) {
      // Out of memory: the task still sees its stop token requested.
    }
  }
};

template <class F, class... Args>
class CoroutineTask {
  using Result = typename bg::detail::TaskResult<F, Args...>::type;

 public:
  static constexpr const bg::detail::AsyncFlavour* async_flavour = &flavour;

  template <class G, class... A>
  explicit CoroutineTask(G&& f, A&&... args) : f_(std::forward<G>(f)), args_(std::forward<A>(args)...) {}

  /// AsyncOps::prepare: the run record, on the executor it will run on.
  static std::shared_ptr<bg::detail::AsyncRun> prepare(bg::detail::AsyncBackend& backend) {
    return std::make_shared<Run<CoroutineTask>>(static_cast<Backend&>(backend).task_executor());
  }

  /// AsyncOps::launch: spawns the task on its executor, bound to its
  /// cancellation signal; its end (return or exception) settles it.
  static void launch(CoroutineTask&& task, bg::detail::AsyncRun& base) {
    auto& run = static_cast<Run<CoroutineTask>&>(base);
    run.task.emplace(std::move(task));
    // The coroutine is created on its executor, not here: its frames are
    // then allocated and freed by the same thread, which recycles them,
    // instead of crossing threads through the allocator's locks.
    ::asio::post(run.executor_, [self = std::static_pointer_cast<Run<CoroutineTask>>(run.shared_from_this())] {
      // Shutdown cancelled it before it began (its signal had nothing to
      // cancel yet): it ends here, counted as stopped.
      if (self->stop_requested()) {
        self->finish(nullptr);
        return;
      }
      self->context = self->run_info().context();
      auto on_end = [self](std::exception_ptr error) noexcept { self->finish(std::move(error)); };
      auto slot = self->signal.slot();
      if constexpr (returns_value_v) {
        ::asio::co_spawn(self->executor_, checked(invoke(*self->task, self->context)),
                         ::asio::bind_cancellation_slot(slot, std::move(on_end)));
      } else {
        // The task's own coroutine is the only frame: nothing to add to it.
        ::asio::co_spawn(self->executor_, invoke(*self->task, self->context),
                         ::asio::bind_cancellation_slot(slot, std::move(on_end)));
      }
    });
  }

  /// TaskOps::invoke: runs the task to its end on the calling thread, on an
  /// io_context of its own (Config::run_inline, bg::Task::run, bg::Tasks).
  /// A stop requested on the run's token cancels it as shutdown would.
  void run(const bg::detail::RunInfo& info) {
    ::asio::io_context io(1);
    ::asio::cancellation_signal signal;
    std::exception_ptr error;
    ::asio::co_spawn(io, call(*this, info),
                     ::asio::bind_cancellation_slot(signal.slot(), [&error](std::exception_ptr e) { error = e; }));
    const bg::Context context = info.context();
    std::stop_callback on_stop(context.stop_token, [&] {
      ::asio::post(io, [&signal] { signal.emit(::asio::cancellation_type::terminal); });
    });
    io.run();
    if (error) std::rethrow_exception(error);
  }

 private:
  /// A task run to its end on the calling thread.
  static ::asio::awaitable<void> call(CoroutineTask& task, bg::detail::RunInfo info) {
    const bg::Context context = info.context();
    if constexpr (std::is_void_v<typename Result::value_type>) {
      co_await invoke(task, context);
    } else {
      check(co_await invoke(task, context));
    }
  }

  /// The task's coroutine yields a value: a wrapper frame discards it (or,
  /// std::expected-like, fails the run on its error). A void task needs none.
  static constexpr bool returns_value_v = !std::is_void_v<typename Result::value_type>;

  /// Awaits a task that yields a value, and checks it.
  static ::asio::awaitable<void> checked(Result awaitable) { check(co_await std::move(awaitable)); }

  /// The task's own coroutine, called with the stored arguments (a
  /// reference parameter binds to the stored copy).
  static Result invoke(CoroutineTask& task, const bg::Context& context) {
    return std::apply(
        [&](Args&... args) {
          if constexpr (bg::detail::wants_context_v<F, Args...>) {
            return std::invoke(std::move(task.f_), context, std::move(args)...);
          } else {
            (void)context;
            return std::invoke(std::move(task.f_), std::move(args)...);
          }
        },
        task.args_);
  }

  /// A returned expected-like error becomes an exception, as for blocking
  /// tasks; any other value is discarded.
  template <class Value>
  static void check(const Value& value) {
    if constexpr (bg::detail::expected_like<Value>) {
      if (!value.has_value()) {
        bg::detail::throw_returned_error("the task returned an error: " +
                                         bg::detail::describe_returned_error(value.error()));
      }
    } else {
      (void)value;
    }
  }

  F f_;
  std::tuple<Args...> args_;
};

}  // namespace bg::asio::detail

template <class T>
struct bg::detail::AsyncAdapter<::asio::awaitable<T, ::asio::any_io_executor>> {
  static constexpr bool known = true;
  template <class F, class... Args>
  using closure = bg::asio::detail::CoroutineTask<F, Args...>;
};
