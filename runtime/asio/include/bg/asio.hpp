// <bg/asio.hpp>: coroutine tasks on standalone Asio (target bgtasks::asio).
//
// A [[bg::task]] (or any function given to add_task) that returns
// asio::awaitable<T> is a coroutine task: it runs on an io_context, where
// thousands of tasks can wait on I/O at once on one thread, and it is bound
// to the same lifespan as blocking tasks: ids, names, stats, on_error,
// wait_idle(), drain-then-cancel shutdown and the report.
//
//   [[bg::task]] asio::awaitable<void> call_webhook(std::string url, std::string body);
//   tasks::call_webhook.later("https://example.com/hook", payload);
//
// Where they run: an io_context of the lifespan's own, run by
// Config::io_threads threads started with the first coroutine task, or an
// executor the application already runs (bg::asio::run_on). At shutdown,
// after the grace period, each task's pending co_await completes with
// asio::error::operation_aborted (a terminal cancellation) and its
// Context::stop_token is requested; a task still running cancel_grace later
// is reported abandoned, and its frame is destroyed with the io_context.
//
// A coroutine task must not block: it would hold up every task on its I/O
// thread. Run blocking calls on the worker group with run_blocking().
#pragma once

#include <asio/detail/config.hpp>

// Asio enables awaitable only where it recognises the compiler's coroutine
// support; Clang with libstdc++ is not recognised. bgtasks::asio defines
// these for every compiler (GCC 12, Clang 16 and bg-gen alike).
#if !defined(ASIO_HAS_CO_AWAIT) || !defined(ASIO_HAS_STD_COROUTINE)
#error "<bg/asio.hpp> needs ASIO_HAS_CO_AWAIT and ASIO_HAS_STD_COROUTINE defined before Asio is included; link the target bgtasks::asio (target_link_libraries(app PRIVATE bgtasks::asio)), which defines both"
#endif

#include <exception>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include <asio/any_io_executor.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/dispatch.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <bg/asio/detail/backend.hpp>
#include <bg/asio/detail/coroutine_task.hpp>
#include <bg/errors.hpp>
#include <bg/lifespan.hpp>

namespace bg::asio {

/// Runs `life`'s coroutine tasks on `executor` (a server's own io_context)
/// instead of an io_context of the lifespan's own; the lifespan still
/// tracks, drains and cancels them, and Config::io_threads is unused. Each
/// task gets a strand of its own on the executor. The executor must keep
/// running until `life` has shut down. Call it before the first coroutine
/// task is submitted: throws bg::Error after. Not used with run_inline,
/// where a task runs to its end on an io_context of its own.
inline void run_on(Lifespan& life, ::asio::any_io_executor executor) {
  bg::detail::install_async_backend(life, detail::flavour, std::make_shared<detail::Backend>(std::move(executor)));
}

namespace detail {

/// The stored result of a blocking call, handed back to the coroutine.
template <class R>
using BlockingValue = std::conditional_t<std::is_void_v<R>, std::tuple<>, std::optional<R>>;

/// Owns the awaiting coroutine's completion handler until the blocking call
/// ends. If the call never runs (its task was discarded at shutdown), the
/// handler is completed with bg::ShuttingDown rather than destroyed here,
/// on a worker thread, with the coroutine's frame.
template <class R, class Handler>
class BlockingCompletion {
 public:
  BlockingCompletion(Handler handler, std::shared_ptr<::asio::io_context> keep_io)
      : handler_(std::move(handler)),
        work_(::asio::get_associated_executor(*handler_)),
        keep_io_(std::move(keep_io)) {}
  BlockingCompletion(const BlockingCompletion&) = delete;
  BlockingCompletion& operator=(const BlockingCompletion&) = delete;
  ~BlockingCompletion() {
    if (handler_) {
      complete(std::make_exception_ptr(ShuttingDown("bg::asio::run_blocking: the blocking call was discarded at "
                                                     "shutdown before it started")),
               BlockingValue<R>{});
    }
  }

  void complete(std::exception_ptr error, BlockingValue<R> value) noexcept {
    try {
      auto executor = work_.get_executor();
      ::asio::post(executor, [handler = std::move(*handler_), error, value = std::move(value)]() mutable {
        if constexpr (std::is_void_v<R>) {
          (void)value;  // std::tuple<>: a void call has no value
          std::move(handler)(error);
        } else {
          std::move(handler)(error, std::move(value));
        }
      });
    } catch (...) {
      // Out of memory: the coroutine stays suspended until shutdown
      // abandons it; nothing else can be done from here.
    }
    handler_.reset();
    work_.reset();
  }

 private:
  std::optional<Handler> handler_;
  ::asio::executor_work_guard<::asio::any_io_executor> work_;
  std::shared_ptr<::asio::io_context> keep_io_;  ///< outlives a late completion
};

}  // namespace detail

namespace detail {

/// run_blocking's task: the call, then the coroutine's resumption.
template <class R, class Completion, class F, class... Args>
void submit_blocking(Lifespan& life, std::shared_ptr<Completion> completion, F f, Args... args) {
  auto step = [completion = std::move(completion), f = std::move(f), ... args = std::move(args)]() mutable {
    std::exception_ptr error;
    BlockingValue<R> value{};
    try {
      if constexpr (std::is_void_v<R>) {
        std::invoke(f, args...);
      } else {
        value.emplace(std::invoke(f, args...));
      }
    } catch (...) {
      error = std::current_exception();
    }
    completion->complete(error, std::move(value));
  };
  // A step of a running task: accepted during shutdown's grace period too.
  bg::detail::submit_continuation(life, "run_blocking", bg::detail::ErasedTask::make(std::move(step)));
}

}  // namespace detail

/// From inside a coroutine task: runs f(args...) on `life`'s worker group,
/// as a task named "run_blocking" counted like any other, and resumes the
/// coroutine with its result when it returns; its exception is rethrown in
/// the coroutine. The escape hatch for a blocking call (a file, a blocking
/// client library), which would otherwise hold up the task's I/O thread.
/// Arguments are stored by value, as for add_task. It is part of the task
/// that awaits it, so it is accepted during shutdown's grace period, when
/// new tasks are refused. Throws (in the coroutine) bg::QueueFull, or
/// bg::ShuttingDown once the grace period has ended.
template <class F, class... Args>
auto run_blocking(Lifespan& life, F f, Args... args)
    -> ::asio::awaitable<std::invoke_result_t<F&, Args&...>> {
  using R = std::invoke_result_t<F&, Args&...>;
  using Signature = std::conditional_t<std::is_void_v<R>, void(std::exception_ptr),
                                       void(std::exception_ptr, detail::BlockingValue<R>)>;
  auto initiate = [&life, &f, &args...](auto handler) {
    using Completion = detail::BlockingCompletion<R, decltype(handler)>;
    auto completion = std::make_shared<Completion>(std::move(handler), detail::Backend::current_io());
    try {
      detail::submit_blocking<R>(life, completion, std::move(f), std::move(args)...);
    } catch (...) {
      completion->complete(std::current_exception(), detail::BlockingValue<R>{});  // refused: resume with the error
    }
  };
  if constexpr (std::is_void_v<R>) {
    co_await ::asio::async_initiate<const ::asio::use_awaitable_t<>&, Signature>(initiate, ::asio::use_awaitable);
  } else {
    auto value = co_await ::asio::async_initiate<const ::asio::use_awaitable_t<>&, Signature>(initiate,
                                                                                              ::asio::use_awaitable);
    co_return std::move(*value);
  }
}

/// run_blocking on bg::Lifespan::current().
template <class F, class... Args>
auto run_blocking(F f, Args... args) -> ::asio::awaitable<std::invoke_result_t<F&, Args&...>> {
  return run_blocking(Lifespan::current(), std::move(f), std::move(args)...);
}

}  // namespace bg::asio
