#include "model_json.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace bg::gen {

NLOHMANN_JSON_SERIALIZE_ENUM(Passing, {{Passing::by_value, "by_value"},
                                       {Passing::const_lvalue, "const_lvalue"},
                                       {Passing::rvalue, "rvalue"},
                                       {Passing::mutable_lvalue, "mutable_lvalue"}})
NLOHMANN_JSON_SERIALIZE_ENUM(Dangling, {{Dangling::none, "none"},
                                        {Dangling::string_view, "string_view"},
                                        {Dangling::span, "span"},
                                        {Dangling::raw_pointer, "raw_pointer"}})
NLOHMANN_JSON_SERIALIZE_ENUM(JsonShape::Kind, {{JsonShape::Kind::unsupported, "unsupported"},
                                               {JsonShape::Kind::boolean, "boolean"},
                                               {JsonShape::Kind::integer, "integer"},
                                               {JsonShape::Kind::floating, "floating"},
                                               {JsonShape::Kind::string, "string"},
                                               {JsonShape::Kind::enumeration, "enumeration"},
                                               {JsonShape::Kind::array, "array"},
                                               {JsonShape::Kind::optional, "optional"},
                                               {JsonShape::Kind::object, "object"},
                                               {JsonShape::Kind::custom, "custom"}})
NLOHMANN_JSON_SERIALIZE_ENUM(ReturnKind, {{ReturnKind::none, "none"},
                                          {ReturnKind::value, "value"},
                                          {ReturnKind::nodiscard_value, "nodiscard_value"},
                                          {ReturnKind::expected, "expected"}})

NLOHMANN_JSON_SERIALIZE_ENUM(TaskKind, {{TaskKind::blocking, "blocking"}, {TaskKind::coroutine, "coroutine"}})

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SourcePos, file, line, column)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(JsonShape, kind, cxx_type, element, enumerators)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Param, name, named, declared_type, declared_pattern, stored_type,
                                                passing, dangling, dangling_path, dangling_type, movable, json,
                                                pos, type_in_source_file, default_text)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Task::Namespace, name, is_inline)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MisplacedAttribute, pos, attribute, target)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(UnknownAttribute, pos, name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LonePolicy, pos, attribute, function)

// PolicyAttribute by hand, for its std::optional.
void to_json(nlohmann::json& j, const PolicyAttribute& p) {
  j = nlohmann::json{{"name", p.name}, {"pos", p.pos}};
  if (p.arguments) j["arguments"] = *p.arguments;
}

void from_json(const nlohmann::json& j, PolicyAttribute& p) {
  j.at("name").get_to(p.name);
  j.at("pos").get_to(p.pos);
  if (auto it = j.find("arguments"); it != j.end()) p.arguments = it->get<std::string>();
}

// Task by hand: std::optional has no serializer in nlohmann-json 3.11.
void to_json(nlohmann::json& j, const Task& t) {
  j = nlohmann::json{{"usr", t.usr},
                     {"name", t.name},
                     {"explicit_name", t.explicit_name},
                     {"attribute_pos", t.attribute_pos},
                     {"pos", t.pos},
                     {"function", t.function},
                     {"short_name", t.short_name},
                     {"namespaces", t.namespaces},
                     {"return_type", t.return_type},
                     {"returns", t.returns},
                     {"kind", t.kind},
                     {"bad_coroutine", t.bad_coroutine},
                     {"is_noexcept", t.is_noexcept},
                     {"takes_context", t.takes_context},
                     {"context_type", t.context_type},
                     {"bad_context", t.bad_context},
                     {"bad_context_pos", t.bad_context_pos},
                     {"is_consteval", t.is_consteval},
                     {"params", t.params},
                     {"is_template", t.is_template},
                     {"is_nonstatic_member", t.is_nonstatic_member},
                     {"is_static_member", t.is_static_member},
                     {"enclosing_class", t.enclosing_class},
                     {"internal_linkage", t.internal_linkage},
                     {"variadic", t.variadic},
                     {"declared_in_header", t.declared_in_header},
                     {"includes", t.includes},
                     {"policies", t.policies}};
  if (t.bad_argument) j["bad_argument"] = *t.bad_argument;
}

void from_json(const nlohmann::json& j, Task& t) {
  const Task defaults;
  auto get = [&](const char* key, auto& field) {
    auto it = j.find(key);
    if (it != j.end()) it->get_to(field);
  };
  t = defaults;
  get("usr", t.usr);
  get("name", t.name);
  get("explicit_name", t.explicit_name);
  get("attribute_pos", t.attribute_pos);
  get("pos", t.pos);
  get("function", t.function);
  get("short_name", t.short_name);
  get("namespaces", t.namespaces);
  get("return_type", t.return_type);
  get("returns", t.returns);
  get("kind", t.kind);
  get("bad_coroutine", t.bad_coroutine);
  get("is_noexcept", t.is_noexcept);
  get("takes_context", t.takes_context);
  get("context_type", t.context_type);
  get("bad_context", t.bad_context);
  get("bad_context_pos", t.bad_context_pos);
  get("is_consteval", t.is_consteval);
  get("params", t.params);
  get("is_template", t.is_template);
  get("is_nonstatic_member", t.is_nonstatic_member);
  get("is_static_member", t.is_static_member);
  get("enclosing_class", t.enclosing_class);
  get("internal_linkage", t.internal_linkage);
  get("variadic", t.variadic);
  get("declared_in_header", t.declared_in_header);
  get("includes", t.includes);
  get("policies", t.policies);
  if (auto it = j.find("bad_argument"); it != j.end()) t.bad_argument = it->get<std::string>();
}

std::string to_fragment(const Model& model) {
  nlohmann::json j;
  j["bg_fragment"] = kFragmentVersion;
  j["tasks"] = model.tasks;
  j["misplaced"] = model.misplaced;
  j["unknown"] = model.unknown;
  j["lone_policies"] = model.lone_policies;
  return j.dump(1) + "\n";
}

Model from_fragment(const std::string& text, const std::string& path) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("bg_fragment"))
    throw std::runtime_error("bg-gen: error: '" + path + "' is not a bg-gen fragment (written by 'bg-gen --scan')");
  if (j["bg_fragment"] != kFragmentVersion)
    throw std::runtime_error("bg-gen: error: '" + path + "' was written by another version of bg-gen; rebuild so "
                             "that the scan step rewrites it");
  Model model;
  try {
    j.at("tasks").get_to(model.tasks);
    j.at("misplaced").get_to(model.misplaced);
    j.at("unknown").get_to(model.unknown);
    j.at("lone_policies").get_to(model.lone_policies);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("bg-gen: error: '" + path + "' is a damaged fragment (" + e.what() +
                             "); delete it and rebuild");
  }
  return model;
}

}  // namespace bg::gen
