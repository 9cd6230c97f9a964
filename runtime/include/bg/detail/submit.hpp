// The narrow, compiled interface between the header templates and the core.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include <bg/context.hpp>
#include <bg/detail/erased_task.hpp>

namespace bg::detail {

class Core;

enum class Refusal { none, queue_full, shutting_down };

struct SubmitResult {
  TaskId id = 0;
  Refusal refusal = Refusal::none;
};

/// Throws the exception that matches a refusal (QueueFull or ShuttingDown).
[[noreturn]] void throw_refusal(const Core& core, Refusal refusal, std::string_view name);

/// Entry used by generated code: submits to the current lifespan, safely even
/// while another thread destroys it (the core outlives the call). Throws
/// NoLifespan, QueueFull or ShuttingDown.
TaskId submit_to_current(std::string_view name, ErasedTask&& task);
/// As submit_to_current, but a full queue or a shutdown gives an empty result.
/// Still throws NoLifespan: a missing lifespan is a programming error.
std::optional<TaskId> try_submit_to_current(std::string_view name, ErasedTask&& task);
/// As submit_to_current, starting the task at `due` (later_at, later_after).
TaskId submit_to_current_at(std::string_view name, ErasedTask&& task, std::chrono::steady_clock::time_point due);
std::optional<TaskId> try_submit_to_current_at(std::string_view name, ErasedTask&& task,
                                               std::chrono::steady_clock::time_point due);

}  // namespace bg::detail
