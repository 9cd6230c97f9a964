// JSON arguments of the user's own types, read by nlohmann-json's from_json
// (found by argument-dependent lookup) or an adl_serializer specialization.
// Needs all of nlohmann/json.hpp, so generated sources include it only when a
// task takes such a type.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include <bg/detail/json_arguments.hpp>

namespace bg::detail {

/// A class of the user's that nlohmann-json can read.
template <class T>
concept nlohmann_readable = requires(const nlohmann::json& j) { j.template get<T>(); };

template <class T>
struct JsonDecodable : std::bool_constant<nlohmann_readable<T>> {};

/// Reads a user's class through nlohmann-json; its errors become
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

}  // namespace bg::detail
