// bg::registry(): the dispatch table bg-gen generates, listed and inspected
// like Celery's task registry, and able to submit a task by name with
// arguments given as JSON.
//
// Every generated source (one per target that calls bg_generate_tasks)
// registers its table at start-up; bg::registry() merges the tables of every
// library linked into the program. This header needs only
// nlohmann/json_fwd.hpp; the JSON parser itself is compiled into the
// generated sources and the runtime.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include <bg/context.hpp>
#include <bg/errors.hpp>
#include <bg/policy.hpp>

namespace bg {

class Lifespan;
struct TaskInfo;

namespace detail {
class JsonArguments;
/// Converts the arguments, then submits (to `life`, or the current lifespan
/// when null). Converts everything before submitting, so a bad argument
/// means nothing runs.
using JsonInvoker = TaskId (*)(JsonArguments& arguments, Lifespan* life);
}  // namespace detail

/// One parameter as declared (the bg::Context parameter is not listed).
struct ParamInfo {
  std::string_view name;
  std::string_view type;  ///< as declared, fully qualified: "const std::string &"
  /// The default argument as written ("3", "Priority::normal"), empty when
  /// the parameter has none. A defaulted argument may be left out of every
  /// call form: positional (trailing), keyword and JSON.
  std::string_view default_argument = {};
};

/// One task. Every string has static storage.
struct TaskInfo {
  std::string_view name = {};  ///< registry name: "send_notification"
  std::string_view function = {};   ///< qualified: "app::send_notification"
  std::string_view signature = {};  ///< "void app::send_notification(std::string email, std::string message)"
  std::span<const ParamInfo> params = {};
  std::string_view file = {};  ///< relative to the project root given to bg-gen
  unsigned line = 0;
  bool takes_context = false;  ///< the function takes bg::Context first
  /// Every parameter type can be carried by JSON (bool, integers, floating
  /// point, std::string, enums, and std::vector, std::optional,
  /// std::map<std::string, T> of those), so submit_json can call it.
  bool json_invocable = false;
  detail::JsonInvoker invoke = nullptr;  ///< null when not json_invocable
  /// Parameters a call must give: those before the first default argument.
  std::size_t required_params = 0;
  /// What happens to the function's return value: "none" (void), "discarded",
  /// or "error-checked" (a std::expected-like result whose error fails the run).
  std::string_view returns = "none";
  /// How it runs: "blocking" (a worker thread) or "coroutine" (it returns
  /// asio::awaitable<T>, run by bgtasks::asio on an io_context). For a
  /// coroutine, `returns` describes T.
  std::string_view kind = "blocking";
  /// Retries, time limit and concurrency declared beside [[bg::task]]
  /// (bg::retry, bg::timeout, bg::concurrency); every submission under this
  /// name follows it.
  TaskPolicy policy = {};
  /// The durable queue declared beside [[bg::task]] (bg::queue("emails")):
  /// where generated enqueue(client, ...) puts it (bgtasks::redis).
  std::string_view queue = "default";
};

/// Why a submission by name was refused. Nothing was submitted in any case.
enum class DispatchReason {
  unknown_task,         ///< no task has this name
  not_invocable,        ///< the task's parameters cannot come from JSON
  malformed_json,       ///< the JSON text does not parse
  wrong_shape,          ///< arguments are neither an array nor an object
  wrong_arity,          ///< an array with too few (below the defaults) or too many elements
  missing_argument,     ///< an object without the key of a parameter that has no default
  unknown_argument,     ///< an object with a key no parameter has
  wrong_type,           ///< a value of the wrong JSON type
  out_of_range,         ///< a number that does not fit the parameter's type
  unknown_enumerator,   ///< a string that names no enumerator
};

/// Thrown by Registry::submit_json. what() names the task and, where there is
/// one, the parameter (with a path into nested values: "tags[2]").
class DispatchError : public Error {
 public:
  DispatchError(DispatchReason reason, std::string_view task, std::string parameter,
                const std::string& detail);

  [[nodiscard]] DispatchReason reason() const noexcept { return reason_; }
  [[nodiscard]] const std::string& task() const noexcept { return task_; }
  /// The parameter at fault, empty when the error is about the whole call.
  [[nodiscard]] const std::string& parameter() const noexcept { return parameter_; }

 private:
  DispatchReason reason_;
  std::string task_;
  std::string parameter_;
};

/// The program's tasks, sorted by name. Immutable; every member is
/// thread-safe.
class Registry {
 public:
  constexpr explicit Registry(std::span<const TaskInfo> tasks) noexcept : tasks_(tasks) {}

  [[nodiscard]] auto begin() const noexcept { return tasks_.begin(); }
  [[nodiscard]] auto end() const noexcept { return tasks_.end(); }
  [[nodiscard]] std::size_t size() const noexcept { return tasks_.size(); }
  [[nodiscard]] bool empty() const noexcept { return tasks_.empty(); }

  /// The task with this name, or nullptr.
  [[nodiscard]] const TaskInfo* find(std::string_view name) const noexcept;

  /// Submits task `name` to the current lifespan with `arguments`: a JSON
  /// array (by position) or object (by parameter name). Returns the task id.
  /// Throws DispatchError (nothing submitted), or what later() throws
  /// (NoLifespan, QueueFull, ShuttingDown).
  TaskId submit_json(std::string_view name, const nlohmann::json& arguments) const;
  /// As above, on the given lifespan.
  TaskId submit_json(std::string_view name, const nlohmann::json& arguments, Lifespan& life) const;
  /// As above, with the arguments as JSON text (DispatchReason::malformed_json
  /// when it does not parse).
  TaskId submit_json_text(std::string_view name, std::string_view arguments) const;
  TaskId submit_json_text(std::string_view name, std::string_view arguments, Lifespan& life) const;

 private:
  TaskId dispatch(std::string_view name, const nlohmann::json& arguments, Lifespan* life) const;

  std::span<const TaskInfo> tasks_;
};

namespace detail {
/// One generated source's tasks. Generated code defines one per target,
/// constant-initialized, and links it in from a static initializer, so no
/// table depends on another's initialization order.
struct RegistryTable {
  std::span<const TaskInfo> tasks;
  std::string_view origin;  ///< the generated source's name, for messages
  RegistryTable* next = nullptr;
};
/// Adds a table to the program's registry. Thread-safe; never throws.
void register_table(RegistryTable& table) noexcept;
}  // namespace detail

/// Every task of every library linked into the program, merged from the
/// tables their generated sources registered before main (a library loaded
/// with dlopen after the first call is not seen). Thread-safe.
/// Throws DuplicateTaskName, naming both places, when two libraries declare
/// a task of the same name.
const Registry& registry();

}  // namespace bg
