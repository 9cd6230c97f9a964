#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <bg/task.hpp>

#include <coroutine>

// A coroutine type of the project's own: bgtasks has nothing to run it on.
struct Job {
  struct promise_type {
    Job get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};
[[bg::task]] Job refresh(int id) { co_return; }

// Asio's awaitable, bound to an executor bgtasks::asio does not run tasks on.
[[bg::task]] asio::awaitable<void, asio::io_context::executor_type> poll(int id);

// The supported form, for contrast: no diagnostic.
[[bg::task]] asio::awaitable<void> ping(int id);
