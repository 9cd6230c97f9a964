#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <bg/detail/json_arguments.hpp>
#include <bg/lifespan.hpp>
#include <bg/registry.hpp>

#include "task_table.hpp"

namespace bg {
namespace {

std::string dispatch_message(std::string_view task, const std::string& parameter,
                             const std::string& detail) {
  std::string message = "bg: cannot submit task '" + std::string(task) + "'";
  if (!parameter.empty()) message += ": parameter '" + parameter + "'";
  return message + ": " + detail;
}

nlohmann::json parse_arguments(std::string_view task, std::string_view text) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    throw DispatchError(DispatchReason::malformed_json, task, {}, "the arguments are not valid JSON");
  return parsed;
}

constinit std::atomic<detail::RegistryTable*> registered_tables{nullptr};

std::string place(const TaskInfo& task, std::string_view origin) {
  return std::string(task.file) + ":" + std::to_string(task.line) + " (" + std::string(origin) + ")";
}

std::vector<TaskInfo> merge_tables() {
  struct Entry {
    TaskInfo info;
    std::string_view origin;
  };
  std::vector<Entry> entries;
  for (auto* table = registered_tables.load(std::memory_order_acquire); table != nullptr; table = table->next)
    for (const auto& task : table->tasks) entries.push_back({task, table->origin});
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.info.name < b.info.name; });
  std::vector<TaskInfo> merged;
  merged.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i].info.name == entries[i - 1].info.name)
      throw DuplicateTaskName("bg: two tasks are named '" + std::string(entries[i].info.name) + "': " +
                              place(entries[i - 1].info, entries[i - 1].origin) + " and " +
                              place(entries[i].info, entries[i].origin) +
                              "; give one another name with [[bg::task(\"other_name\")]]");
    merged.push_back(entries[i].info);
  }
  return merged;
}

}  // namespace

namespace detail {

void register_table(RegistryTable& table) noexcept {
  RegistryTable* head = registered_tables.load(std::memory_order_relaxed);
  do {
    table.next = head;
  } while (!registered_tables.compare_exchange_weak(head, &table, std::memory_order_release,
                                                     std::memory_order_relaxed));
}

const TaskPolicy* registered_policy(std::string_view name) noexcept {
  for (auto* table = registered_tables.load(std::memory_order_acquire); table != nullptr; table = table->next)
    for (const auto& task : table->tasks)
      if (task.name == name) return &task.policy;
  return nullptr;
}

}  // namespace detail

const Registry& registry() {
  // Built on first use, after every table linked into the program has
  // registered itself; a throw (duplicate names) leaves it to be built again.
  static const std::vector<TaskInfo> merged = merge_tables();
  static const Registry view{merged};
  return view;
}

DispatchError::DispatchError(DispatchReason reason, std::string_view task, std::string parameter,
                             const std::string& detail)
    : Error(dispatch_message(task, parameter, detail)),
      reason_(reason),
      task_(task),
      parameter_(std::move(parameter)) {}

const TaskInfo* Registry::find(std::string_view name) const noexcept {
  // The generated table is sorted by name.
  auto it = std::lower_bound(tasks_.begin(), tasks_.end(), name,
                             [](const TaskInfo& info, std::string_view key) { return info.name < key; });
  return it != tasks_.end() && it->name == name ? &*it : nullptr;
}

TaskId Registry::submit_json(std::string_view name, const nlohmann::json& arguments) const {
  return dispatch(name, arguments, nullptr);
}

TaskId Registry::submit_json(std::string_view name, const nlohmann::json& arguments, Lifespan& life) const {
  return dispatch(name, arguments, &life);
}

TaskId Registry::submit_json_text(std::string_view name, std::string_view arguments) const {
  return dispatch(name, parse_arguments(name, arguments), nullptr);
}

TaskId Registry::submit_json_text(std::string_view name, std::string_view arguments, Lifespan& life) const {
  return dispatch(name, parse_arguments(name, arguments), &life);
}

TaskId Registry::dispatch(std::string_view name, const nlohmann::json& arguments, Lifespan* life) const {
  const TaskInfo* info = find(name);
  if (info == nullptr) {
    std::string known;
    for (const auto& task : tasks_) known += (known.empty() ? "" : ", ") + std::string(task.name);
    throw DispatchError(DispatchReason::unknown_task, name, {},
                        "no task has this name (known: " + (known.empty() ? "none" : known) + ")");
  }
  if (!info->json_invocable || info->invoke == nullptr)
    throw DispatchError(DispatchReason::not_invocable, name, {},
                        "its parameters cannot be given as JSON (" + std::string(info->signature) +
                            "); submit it through its typed entry point");
  detail::JsonArguments converted(*info, arguments);
  return info->invoke(converted, life);
}

namespace detail {

void throw_dispatch(DispatchReason reason, std::string_view task, const std::string& path,
                    const std::string& detail) {
  throw DispatchError(reason, task, path, detail);
}

std::string json_type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::number_float: return "a floating-point number";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    default: return "an unsupported value";
  }
}

JsonArguments::JsonArguments(const TaskInfo& task, const nlohmann::json& arguments)
    : task_(task), arguments_(arguments) {
  const auto count = task.params.size();
  const auto required = task.required_params;
  if (arguments.is_array()) {
    if (arguments.size() < required || arguments.size() > count) {
      std::string takes = required == count ? std::to_string(count)
                                            : std::to_string(required) + " to " + std::to_string(count);
      throw_dispatch(DispatchReason::wrong_arity, task.name, {},
                     "takes " + takes + " argument" + (count == 1 ? "" : "s") + ", got " +
                         std::to_string(arguments.size()));
    }
    return;
  }
  if (arguments.is_null() && required == 0) return;
  if (!arguments.is_object())
    throw_dispatch(DispatchReason::wrong_shape, task.name, {},
                   "arguments must be a JSON array (by position) or object (by parameter name), got " +
                       json_type_name(arguments));
  for (const auto& [key, value] : arguments.items()) {
    bool known = std::any_of(task.params.begin(), task.params.end(),
                             [&](const ParamInfo& p) { return p.name == key; });
    if (!known) throw_dispatch(DispatchReason::unknown_argument, task.name, key, "the task has no such parameter");
  }
  for (const auto& param : task.params) {
    if (param.default_argument.empty() && !arguments.contains(param.name))
      throw_dispatch(DispatchReason::missing_argument, task.name, std::string(param.name),
                     "missing (the parameter has no default argument)");
  }
}

bool JsonArguments::has(std::size_t index) const {
  if (arguments_.is_array()) return index < arguments_.size();
  return arguments_.is_object() && arguments_.contains(task_.params[index].name);
}

const nlohmann::json& JsonArguments::argument(std::size_t index) const {
  if (arguments_.is_array()) return arguments_[index];
  return arguments_.at(std::string(task_.params[index].name));
}

}  // namespace detail
}  // namespace bg
