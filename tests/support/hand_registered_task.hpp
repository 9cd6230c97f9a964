// hand_record: one task registered by hand, as bg-gen would register it, for
// the Redis tests that run where bg-gen is not built (the ThreadSanitizer
// build): it records the key it is given, and fails its first attempt when
// the key is "fail-once". Include it in one source file per test program.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include <bg/detail/json_arguments.hpp>
#include <bg/lifespan.hpp>
#include <bg/registry.hpp>

namespace bg_test {

/// The keys hand_record has seen, one entry per run.
struct Seen {
  std::mutex mutex;
  std::condition_variable changed;
  std::multiset<std::string> keys;

  /// Waits until `key` was seen, or `timeout` passes.
  bool wait_for(const std::string& key, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return keys.count(key) > 0; });
  }
};
inline Seen seen;

inline void hand_record(const bg::Context& context, std::string key) {
  if (key == "fail-once" && context.attempt == 1) throw std::runtime_error("first attempt fails");
  {
    std::lock_guard lock(seen.mutex);
    seen.keys.insert(std::move(key));
  }
  seen.changed.notify_all();
}

inline bg::TaskId hand_record_invoke(bg::detail::JsonArguments& arguments, bg::Lifespan* life) {
  auto key = arguments.take<std::string>(0);
  return life->add_named_task("hand_record", &hand_record, std::move(key));
}

inline constexpr bg::ParamInfo hand_record_params[] = {{"key", "std::string", ""}};
inline constexpr bg::TaskInfo hand_table[] = {
    {.name = "hand_record",
     .function = "hand_record",
     .signature = "void hand_record(const bg::Context& context, std::string key)",
     .params = hand_record_params,
     .file = "hand_registered_task.hpp",
     .line = 35,
     .takes_context = true,
     .json_invocable = true,
     .invoke = &hand_record_invoke,
     .required_params = 1,
     .policy = {.retries = 1, .backoff_base = std::chrono::milliseconds(5),
                .backoff_cap = std::chrono::milliseconds(5)}},
};
inline constinit bg::detail::RegistryTable hand_registry{hand_table, "hand_registered_task.hpp"};
[[maybe_unused]] inline const bool hand_registered = (bg::detail::register_table(hand_registry), true);

}  // namespace bg_test
