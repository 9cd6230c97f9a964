#include <bg/asio/detail/backend.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <utility>

#include <asio/strand.hpp>

namespace bg::asio::detail {
namespace {

thread_local std::shared_ptr<::asio::io_context> this_thread_io;

std::shared_ptr<bg::detail::AsyncBackend> make_owned(const Config& config, const bg::detail::Core* owner) {
  return std::make_shared<Backend>(config.io_threads, owner);
}

}  // namespace

const bg::detail::AsyncFlavour flavour{"asio", &make_owned};

Backend::Backend(unsigned threads, const bg::detail::Core* owner)
    : io_(std::make_shared<::asio::io_context>(static_cast<int>(threads))),
      exits_(std::make_shared<Exits>()),
      executor_(io_->get_executor()),
      strand_per_task_(threads > 1) {
  work_.emplace(io_->get_executor());
  exits_->exited.assign(threads, false);
  threads_.reserve(threads);
  try {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back(&Backend::run_thread, io_, exits_, i, owner);
  } catch (...) {
    shut_down(std::chrono::milliseconds::zero());
    throw;
  }
}

Backend::Backend(::asio::any_io_executor executor) : executor_(std::move(executor)) {}

Backend::~Backend() { shut_down(std::chrono::milliseconds::zero()); }

::asio::any_io_executor Backend::task_executor() const {
  if (!strand_per_task_) return executor_;
  return ::asio::make_strand(executor_);
}

std::shared_ptr<::asio::io_context> Backend::current_io() noexcept { return this_thread_io; }

void Backend::run_thread(std::shared_ptr<::asio::io_context> io, std::shared_ptr<Exits> exits, std::size_t index,
                         const bg::detail::Core* owner) {
  this_thread_io = io;
  bg::detail::mark_task_thread(owner);  // wait_idle() from a coroutine task throws rather than hangs
  for (;;) {
    try {
      io->run();
      break;
    } catch (...) {
      // Task completions never throw; this is a handler of the
      // application's posted to the lifespan's context. Keep serving.
      std::string what = "unknown exception";
      try {
        throw;
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      std::fputs(("bg: a handler on the coroutine tasks' io_context threw: " + what + "\n").c_str(), stderr);
    }
  }
  this_thread_io.reset();
  io.reset();
  {
    std::lock_guard lock(exits->mutex);
    exits->exited[index] = true;
  }
  exits->changed.notify_all();
}

void Backend::shut_down(std::chrono::milliseconds limit) noexcept {
  if (shut_down_ || io_ == nullptr) return;
  shut_down_ = true;
  // Every task has ended or been abandoned: nothing more is awaited here.
  work_.reset();
  io_->stop();
  bool all_exited = false;
  {
    std::unique_lock lock(exits_->mutex);
    all_exited = exits_->changed.wait_for(lock, limit, [&] {
      for (bool exited : exits_->exited) {
        if (!exited) return false;
      }
      return true;
    });
  }
  for (auto& thread : threads_) {
    // A thread still inside a handler is blocked in a task (a blocking call
    // on a coroutine's thread that ignored cancellation). Like an abandoned
    // worker, it ends when the call returns; it holds the io_context.
    if (all_exited) {
      thread.join();
    } else {
      thread.detach();
    }
  }
  // The last owner destroys the io_context, and with it the frames of
  // abandoned tasks (their destructors run here, on the shutdown thread).
  io_.reset();
}

}  // namespace bg::asio::detail
