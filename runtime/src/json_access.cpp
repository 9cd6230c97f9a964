// The accessors through which bg/detail/json_arguments.hpp reads JSON, compiled
// once here so that generated sources do not parse nlohmann/json.hpp.
#include <nlohmann/json.hpp>

#include <bg/detail/json_arguments.hpp>

namespace bg::detail {

JsonKind json_kind(const nlohmann::json& value) noexcept {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return JsonKind::null;
    case nlohmann::json::value_t::boolean: return JsonKind::boolean;
    case nlohmann::json::value_t::number_integer: return JsonKind::signed_integer;
    case nlohmann::json::value_t::number_unsigned: return JsonKind::unsigned_integer;
    case nlohmann::json::value_t::number_float: return JsonKind::floating;
    case nlohmann::json::value_t::string: return JsonKind::string;
    case nlohmann::json::value_t::array: return JsonKind::array;
    case nlohmann::json::value_t::object: return JsonKind::object;
    default: return JsonKind::other;
  }
}

bool json_bool(const nlohmann::json& value) { return value.get<bool>(); }
std::int64_t json_int(const nlohmann::json& value) { return value.get<std::int64_t>(); }
std::uint64_t json_uint(const nlohmann::json& value) { return value.get<std::uint64_t>(); }
double json_double(const nlohmann::json& value) { return value.get<double>(); }
const std::string& json_string(const nlohmann::json& value) { return value.get_ref<const std::string&>(); }
std::size_t json_size(const nlohmann::json& value) { return value.size(); }
const nlohmann::json& json_element(const nlohmann::json& array, std::size_t index) { return array[index]; }

void json_members(const nlohmann::json& object, void* context,
                  void (*visit)(void* context, const std::string& key, const nlohmann::json& value)) {
  for (const auto& [key, item] : object.items()) visit(context, key, item);
}

std::string json_text(const nlohmann::json& value) { return value.dump(); }

}  // namespace bg::detail
