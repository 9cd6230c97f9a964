#include "running_core.hpp"

namespace bg::detail {
namespace {

thread_local const Core* tl_running_core = nullptr;

}  // namespace

const Core* running_core() noexcept { return tl_running_core; }

RunningCoreScope::RunningCoreScope(const Core* core) noexcept : previous_(tl_running_core) {
  tl_running_core = core;
}

RunningCoreScope::~RunningCoreScope() { tl_running_core = previous_; }

}  // namespace bg::detail
