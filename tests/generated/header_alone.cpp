// The generated header is self-contained: this file includes it first and
// alone, and names something from every part of it.
#include "bg_tasks.hpp"

[[maybe_unused]] static const auto& registry_function = bg::registry;
[[maybe_unused]] static constexpr std::string_view first_name = tasks::send_notification.task_name();
[[maybe_unused]] static constexpr std::string_view hidden_name = tasks::source_only.task_name();
