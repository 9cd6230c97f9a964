// Encoding of a task's arguments as a JSON array, for generated enqueue():
// the exact inverse of the conversions submit_json reads
// (json_arguments.hpp), so that what is enqueued always decodes.
//
// Written without nlohmann/json so that headers of entry points stay light.
// Enumerations are left out: their names live in the generated source, not
// in the header that calls enqueue().
#pragma once

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <bg/errors.hpp>

namespace bg::detail {

template <class T>
struct JsonEncodable : std::false_type {};
template <class T>
  requires std::is_arithmetic_v<T>
struct JsonEncodable<T> : std::true_type {};
template <>
struct JsonEncodable<std::string> : std::true_type {};
template <class T>
struct JsonEncodable<std::vector<T>> : JsonEncodable<T> {};
template <class T>
struct JsonEncodable<std::optional<T>> : JsonEncodable<T> {};
template <class T>
struct JsonEncodable<std::map<std::string, T>> : JsonEncodable<T> {};

/// T (a parameter type, references and const removed) can be enqueued.
template <class T>
inline constexpr bool json_encodable_v = JsonEncodable<std::remove_cvref_t<T>>::value;

inline void encode_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          constexpr char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

template <class T>
void encode_json(std::string& out, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    out += value ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<T>) {
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(value)) {
        throw Error("bg: enqueue: an argument is " + std::string(std::isnan(value) ? "NaN" : "infinite") +
                    ", which JSON cannot carry");
      }
    }
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
  } else if constexpr (std::is_same_v<T, std::string>) {
    encode_json_string(out, value);
  } else if constexpr (requires { typename T::value_type; value.has_value(); }) {  // std::optional
    if (value.has_value()) {
      encode_json(out, *value);
    } else {
      out += "null";
    }
  } else if constexpr (requires { typename T::mapped_type; }) {  // std::map<std::string, V>
    out += '{';
    bool first = true;
    for (const auto& [key, element] : value) {
      if (!first) out += ',';
      first = false;
      encode_json_string(out, key);
      out += ':';
      encode_json(out, element);
    }
    out += '}';
  } else {  // std::vector
    out += '[';
    bool first = true;
    for (const auto& element : value) {
      if (!first) out += ',';
      first = false;
      encode_json(out, element);
    }
    out += ']';
  }
}

/// Whether parameter `Index` of declared type `Param` can be enqueued; the
/// static_assert names both (in the instantiation) when it cannot.
template <std::size_t Index, class Param>
consteval bool enqueueable_parameter() {
  static_assert(json_encodable_v<Param>,
                "bg: enqueue(): this task has a parameter (see 'Index' and 'Param' in this instantiation) whose "
                "type JSON cannot carry, so it cannot be stored in a durable queue. enqueue() takes tasks whose "
                "parameters are bool, integers, floating point, std::string, or std::vector, std::optional and "
                "std::map<std::string, T> of those; run this task in the process with later() instead");
  return json_encodable_v<Param>;
}

/// Parameter `Index` of a task, of declared type `Param`, as an element of
/// a JSON array.
template <std::size_t Index, class Param, class Value>
void encode_argument(std::string& out, const Value& value) {
  using T = std::remove_cvref_t<Param>;
  if constexpr (enqueueable_parameter<Index, T>()) {
    if (Index != 0) out += ',';
    encode_json<T>(out, value);
  }
}

/// One keyword argument of a generated `args` struct as a member of a JSON
/// object: a bg::Required field always, a bg::Defaulted field only when it
/// was given.
template <std::size_t Index, class Param, class Field>
void encode_keyword(std::string& out, std::string_view name, const Field& field) {
  using T = std::remove_cvref_t<Param>;
  if constexpr (enqueueable_parameter<Index, T>()) {
    const T* value = nullptr;
    if constexpr (requires { field.if_given(); }) {
      if (field.if_given()) value = &*field.if_given();
    } else {
      value = &field.get();
    }
    if (value == nullptr) return;
    if (out.size() > 1) out += ',';
    encode_json_string(out, name);
    out += ':';
    encode_json<T>(out, *value);
  }
}

}  // namespace bg::detail
