// Which lifespan's task runs on this thread, if any.
#pragma once

namespace bg::detail {

class Core;

/// The core whose task (pooled, inline, or coroutine on one of its own I/O
/// threads) runs on this thread, if any.
/// wait_idle() and shutdown() use it to refuse to wait for themselves.
const Core* running_core() noexcept;

/// Marks the calling thread as running `core`'s tasks for the life of a
/// scope; nests (an inline task that submits to another inline lifespan).
class RunningCoreScope {
 public:
  explicit RunningCoreScope(const Core* core) noexcept;
  ~RunningCoreScope();
  RunningCoreScope(const RunningCoreScope&) = delete;
  RunningCoreScope& operator=(const RunningCoreScope&) = delete;

 private:
  const Core* previous_;
};

}  // namespace bg::detail
