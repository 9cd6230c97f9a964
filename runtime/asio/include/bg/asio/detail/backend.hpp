// bg::asio::detail::Backend: where a lifespan's coroutine tasks run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include <bg/config.hpp>
#include <bg/detail/async_task.hpp>

namespace bg::asio::detail {

/// The standalone-Asio kind of coroutine backend (one per program).
extern const bg::detail::AsyncFlavour flavour;

/// Either an io_context of the lifespan's own, run by Config::io_threads
/// threads started with the first coroutine task, or an executor the
/// application runs (bg::asio::run_on).
class Backend final : public bg::detail::AsyncBackend {
 public:
  /// Starts `threads` threads running a new io_context, each marked as
  /// running `owner`'s tasks (see bg::detail::mark_task_thread).
  Backend(unsigned threads, const bg::detail::Core* owner);
  /// Runs on the application's executor; starts no thread.
  explicit Backend(::asio::any_io_executor executor);
  ~Backend() override;

  /// The executor a new task runs on. A task gets a strand of its own
  /// wherever handlers may run on several threads at once (an io_context
  /// with several threads, or any application executor), so that its
  /// cancellation, delivered from the shutdown thread by a post, never
  /// races with the coroutine; a one-thread io_context is serial already.
  [[nodiscard]] ::asio::any_io_executor task_executor() const;

  void shut_down(std::chrono::milliseconds limit) noexcept override;

  /// The io_context the calling thread runs for some Backend, kept alive by
  /// whoever holds the pointer (run_blocking's completion may come after
  /// shutdown has let go of it); null on other threads.
  [[nodiscard]] static std::shared_ptr<::asio::io_context> current_io() noexcept;

 private:
  struct Exits {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<bool> exited;
  };

  static void run_thread(std::shared_ptr<::asio::io_context> io, std::shared_ptr<Exits> exits, std::size_t index,
                         const bg::detail::Core* owner);

  std::shared_ptr<::asio::io_context> io_;  ///< owned; null on an application's executor
  std::optional<::asio::executor_work_guard<::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::shared_ptr<Exits> exits_;
  ::asio::any_io_executor executor_;
  bool strand_per_task_ = true;
  bool shut_down_ = false;
};

}  // namespace bg::asio::detail
