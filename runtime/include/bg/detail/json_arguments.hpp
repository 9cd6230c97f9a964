// Conversion of JSON arguments to a task's parameter types, used by the
// generated dispatch table (bg_tasks.cpp) behind Registry::submit_json.
//
// Every conversion checks its JSON type and range and throws DispatchError
// naming the parameter; the generated invoker converts all arguments before
// it submits, so a bad argument means nothing runs.
//
// Only nlohmann/json_fwd.hpp is included: the conversions read values through
// a few accessors compiled into the runtime, so the generated source does not
// parse nlohmann/json.hpp (most of its compile time). Parameters of the
// user's own types, read by their from_json, need the whole library:
// <bg/detail/json_user_types.hpp>, which the generated source includes only
// then.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <bg/registry.hpp>

namespace bg::detail {

/// Enumerator names of an enum a task takes; bg-gen specializes it in
/// bg_tasks.cpp for every such enum.
template <class E>
struct EnumNames;  // static constexpr std::pair<std::string_view, E> entries[];

[[noreturn]] void throw_dispatch(DispatchReason reason, std::string_view task,
                                 const std::string& path, const std::string& detail);
/// "a string", "an array", ... for messages.
std::string json_type_name(const nlohmann::json& value);

/// Compiled accessors (runtime/src/json_access.cpp). Each assumes the kind
/// its caller checked.
enum class JsonKind { null, boolean, signed_integer, unsigned_integer, floating, string, array, object, other };
JsonKind json_kind(const nlohmann::json& value) noexcept;
bool json_bool(const nlohmann::json& value);
std::int64_t json_int(const nlohmann::json& value);
std::uint64_t json_uint(const nlohmann::json& value);
double json_double(const nlohmann::json& value);  ///< any number
const std::string& json_string(const nlohmann::json& value);
std::size_t json_size(const nlohmann::json& value);  ///< array elements or object members
const nlohmann::json& json_element(const nlohmann::json& array, std::size_t index);
/// Calls `visit(context, key, value)` for each member of an object.
void json_members(const nlohmann::json& object, void* context,
                  void (*visit)(void* context, const std::string& key, const nlohmann::json& value));
std::string json_text(const nlohmann::json& value);  ///< compact JSON, for messages

inline bool json_is_number(JsonKind kind) {
  return kind == JsonKind::signed_integer || kind == JsonKind::unsigned_integer || kind == JsonKind::floating;
}

/// Converts JSON to T. Specialized below for the shapes bg-gen classifies;
/// the primary template (the user's own types) is in json_user_types.hpp.
template <class T>
struct FromJson;

/// JSON can carry T: what FromJson converts. The primary template (the
/// user's own types) is in json_user_types.hpp.
template <class T>
struct JsonDecodable;
template <class T>
inline constexpr bool json_decodable_v = JsonDecodable<T>::value;
template <class T>
  requires(std::is_arithmetic_v<T> || std::is_enum_v<T>)
struct JsonDecodable<T> : std::true_type {};
template <>
struct JsonDecodable<std::string> : std::true_type {};
template <class T>
struct JsonDecodable<std::vector<T>> : JsonDecodable<T> {};
template <class T>
struct JsonDecodable<std::optional<T>> : JsonDecodable<T> {};
template <class T>
struct JsonDecodable<std::map<std::string, T>> : JsonDecodable<T> {};

/// Converts `value` to T, or throws DispatchError for `path` of `task`.
template <class T>
T from_json(const nlohmann::json& value, std::string_view task, const std::string& path) {
  return FromJson<T>::convert(value, task, path);
}

template <>
struct FromJson<bool> {
  static bool convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (json_kind(v) != JsonKind::boolean)
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected true or false, got " + json_type_name(v));
    return json_bool(v);
  }
};

template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
struct FromJson<T> {
  static T convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    using limits = std::numeric_limits<T>;
    const JsonKind kind = json_kind(v);
    if (kind == JsonKind::unsigned_integer) {
      auto n = json_uint(v);
      if (n > static_cast<std::uint64_t>(limits::max())) out_of_range(v, task, path);
      return static_cast<T>(n);
    }
    if (kind == JsonKind::signed_integer) {
      auto n = json_int(v);
      if constexpr (std::is_signed_v<T>) {
        if (n < static_cast<std::int64_t>(limits::min()) || n > static_cast<std::int64_t>(limits::max()))
          out_of_range(v, task, path);
      } else {
        if (n < 0 || static_cast<std::uint64_t>(n) > static_cast<std::uint64_t>(limits::max()))
          out_of_range(v, task, path);
      }
      return static_cast<T>(n);
    }
    throw_dispatch(DispatchReason::wrong_type, task, path, "expected an integer, got " + json_type_name(v));
  }

 private:
  [[noreturn]] static void out_of_range(const nlohmann::json& v, std::string_view task, const std::string& path) {
    throw_dispatch(DispatchReason::out_of_range, task, path,
                   json_text(v) + " is out of range [" + std::to_string(std::numeric_limits<T>::min()) + ", " +
                       std::to_string(std::numeric_limits<T>::max()) + "]");
  }
};

template <class T>
  requires std::is_floating_point_v<T>
struct FromJson<T> {
  static T convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (!json_is_number(json_kind(v)))
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected a number, got " + json_type_name(v));
    auto d = json_double(v);
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<T>::max()))
      throw_dispatch(DispatchReason::out_of_range, task, path, json_text(v) + " does not fit the parameter's type");
    return static_cast<T>(d);
  }
};

template <>
struct FromJson<std::string> {
  static std::string convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (json_kind(v) != JsonKind::string)
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected a string, got " + json_type_name(v));
    return json_string(v);
  }
};

template <class E>
  requires std::is_enum_v<E>
struct FromJson<E> {
  static E convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (json_kind(v) != JsonKind::string)
      throw_dispatch(DispatchReason::wrong_type, task, path,
                     "expected an enumerator name (a string), got " + json_type_name(v));
    const auto& text = json_string(v);
    std::string known;
    for (const auto& [name, value] : EnumNames<E>::entries) {
      if (name == text) return value;
      known += known.empty() ? "" : ", ";
      known += name;
    }
    throw_dispatch(DispatchReason::unknown_enumerator, task, path,
                   "'" + text + "' is not one of: " + known);
  }
};

template <class T>
struct FromJson<std::vector<T>> {
  static std::vector<T> convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (json_kind(v) != JsonKind::array)
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected an array, got " + json_type_name(v));
    std::vector<T> out;
    const std::size_t size = json_size(v);
    out.reserve(size);
    for (std::size_t i = 0; i < size; ++i)
      out.push_back(from_json<T>(json_element(v, i), task, path + "[" + std::to_string(i) + "]"));
    return out;
  }
};

template <class T>
struct FromJson<std::optional<T>> {
  static std::optional<T> convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (json_kind(v) == JsonKind::null) return std::nullopt;
    return from_json<T>(v, task, path);
  }
};

template <class T>
struct FromJson<std::map<std::string, T>> {
  static std::map<std::string, T> convert(const nlohmann::json& v, std::string_view task,
                                          const std::string& path) {
    if (json_kind(v) != JsonKind::object)
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected an object, got " + json_type_name(v));
    struct Visit {
      std::map<std::string, T> out;
      std::string_view task;
      const std::string& path;
    } visit{{}, task, path};
    json_members(v, &visit, [](void* context, const std::string& key, const nlohmann::json& item) {
      auto& self = *static_cast<Visit*>(context);
      self.out.emplace(key, from_json<T>(item, self.task, self.path + "." + key));
    });
    return std::move(visit.out);
  }
};

/// The arguments of one submit_json call, matched to the task's parameters:
/// an array by position (trailing defaulted parameters may be left out), an
/// object by name (every parameter without a default present, no other
/// key). The constructor checks the shape; has(i) says whether argument i
/// was given, take<T>(i) converts it.
class JsonArguments {
 public:
  JsonArguments(const TaskInfo& task, const nlohmann::json& arguments);

  [[nodiscard]] bool has(std::size_t index) const;

  template <class T>
  T take(std::size_t index) const {
    const auto& param = task_.params[index];
    return from_json<T>(argument(index), task_.name, std::string(param.name));
  }

 private:
  const nlohmann::json& argument(std::size_t index) const;

  const TaskInfo& task_;
  const nlohmann::json& arguments_;
};

}  // namespace bg::detail
