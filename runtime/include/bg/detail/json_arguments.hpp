// Conversion of JSON arguments to a task's parameter types, used by the
// generated dispatch table (bg_tasks.cpp) behind Registry::submit_json.
//
// Every conversion checks its JSON type and range and throws DispatchError
// naming the parameter; the generated invoker converts all arguments before
// it submits, so a bad argument means nothing runs.
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

#include <nlohmann/json.hpp>

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

template <class T>
struct FromJson;

/// A class of the user's that nlohmann-json can read (a from_json found by
/// argument-dependent lookup, or an adl_serializer specialization).
template <class T>
concept nlohmann_readable = requires(const nlohmann::json& j) { j.template get<T>(); };

/// JSON can carry T: what FromJson converts, decided where the generated
/// source compiles (a user's from_json is visible there).
template <class T>
struct JsonDecodable : std::bool_constant<nlohmann_readable<T>> {};
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

/// A user's class, read through nlohmann-json's from_json; its errors become
/// DispatchError for the parameter.
template <class T>
struct FromJson {
  static T convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if constexpr (nlohmann_readable<T>) {
      try {
        return v.get<T>();
      } catch (const nlohmann::json::exception& e) {
        throw_dispatch(DispatchReason::wrong_type, task, path, std::string("the value does not convert: ") + e.what());
      }
    } else {
      // Not reached: the generated table marks such a task not invocable.
      throw_dispatch(DispatchReason::wrong_type, task, path, "JSON cannot carry this parameter's type");
    }
  }
};

/// Converts `value` to T, or throws DispatchError for `path` of `task`.
template <class T>
T from_json(const nlohmann::json& value, std::string_view task, const std::string& path) {
  return FromJson<T>::convert(value, task, path);
}

template <>
struct FromJson<bool> {
  static bool convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (!v.is_boolean())
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected true or false, got " + json_type_name(v));
    return v.get<bool>();
  }
};

template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
struct FromJson<T> {
  static T convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    using limits = std::numeric_limits<T>;
    if (v.is_number_unsigned()) {
      auto n = v.get<std::uint64_t>();
      if (n > static_cast<std::uint64_t>(limits::max())) out_of_range(v, task, path);
      return static_cast<T>(n);
    }
    if (v.is_number_integer()) {
      auto n = v.get<std::int64_t>();
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
                   v.dump() + " is out of range [" + std::to_string(std::numeric_limits<T>::min()) + ", " +
                       std::to_string(std::numeric_limits<T>::max()) + "]");
  }
};

template <class T>
  requires std::is_floating_point_v<T>
struct FromJson<T> {
  static T convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (!v.is_number())
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected a number, got " + json_type_name(v));
    auto d = v.get<double>();
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<T>::max()))
      throw_dispatch(DispatchReason::out_of_range, task, path, v.dump() + " does not fit the parameter's type");
    return static_cast<T>(d);
  }
};

template <>
struct FromJson<std::string> {
  static std::string convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (!v.is_string())
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected a string, got " + json_type_name(v));
    return v.get<std::string>();
  }
};

template <class E>
  requires std::is_enum_v<E>
struct FromJson<E> {
  static E convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (!v.is_string())
      throw_dispatch(DispatchReason::wrong_type, task, path,
                     "expected an enumerator name (a string), got " + json_type_name(v));
    const auto& text = v.get_ref<const std::string&>();
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
    if (!v.is_array())
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected an array, got " + json_type_name(v));
    std::vector<T> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(from_json<T>(v[i], task, path + "[" + std::to_string(i) + "]"));
    return out;
  }
};

template <class T>
struct FromJson<std::optional<T>> {
  static std::optional<T> convert(const nlohmann::json& v, std::string_view task, const std::string& path) {
    if (v.is_null()) return std::nullopt;
    return from_json<T>(v, task, path);
  }
};

template <class T>
struct FromJson<std::map<std::string, T>> {
  static std::map<std::string, T> convert(const nlohmann::json& v, std::string_view task,
                                          const std::string& path) {
    if (!v.is_object())
      throw_dispatch(DispatchReason::wrong_type, task, path, "expected an object, got " + json_type_name(v));
    std::map<std::string, T> out;
    for (const auto& [key, item] : v.items())
      out.emplace(key, from_json<T>(item, task, path + "." + key));
    return out;
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
