#include "running_core.hpp"

#include <bg/detail/async_task.hpp>

namespace bg::detail {
namespace {

thread_local const Core* tl_running_core = nullptr;

}  // namespace

const Core* running_core() noexcept { return tl_running_core; }

void mark_task_thread(const Core* owner) noexcept { tl_running_core = owner; }

RunningCoreScope::RunningCoreScope(const Core* core) noexcept : previous_(tl_running_core) {
  tl_running_core = core;
}

RunningCoreScope::~RunningCoreScope() { tl_running_core = previous_; }

}  // namespace bg::detail
